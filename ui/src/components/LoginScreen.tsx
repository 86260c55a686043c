// The login form: portal address, user name and password, prefilled with the portal
// and user remembered from the last session, with a clear message per error code.
import { type FormEvent, useState } from "react";
import { useBackend } from "../backend";
import type { SessionInfo, UserInfo } from "../generated/bindings";
import { SESSION_EXPIRED, loginErrorMessage } from "../lib/errors";
import "./LoginScreen.css";

interface Props {
  session: SessionInfo;
  /** The previous session expired (the outbox is kept). */
  expired: boolean;
  onLoggedIn(user: UserInfo): void;
}

export function LoginScreen({ session, expired, onLoggedIn }: Props) {
  const { commands } = useBackend();
  const [portal, setPortal] = useState(session.last_portal ?? "");
  const [user, setUser] = useState(session.last_user ?? session.me?.name ?? "");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await commands.login(portal.trim(), user.trim(), password);
      setPassword("");
      onLoggedIn(me);
    } catch (failure) {
      setError(loginErrorMessage(failure));
      setBusy(false);
    }
  }

  const message = error ?? (expired ? SESSION_EXPIRED : null);
  // Focus the first field still to fill in, so a returning user just types the password.
  const focusPassword = portal !== "" && user !== "";

  return (
    <main className="login" aria-labelledby="login-title">
      <form className="login-form" onSubmit={submit} aria-describedby={message ? "login-error" : undefined}>
        <h1 id="login-title">Casedesk</h1>
        <p className="login-lead">Anmeldung für die Sachbearbeitung</p>
        <label htmlFor="portal">Portal-Adresse</label>
        <input
          id="portal"
          name="portal"
          type="text"
          inputMode="url"
          autoComplete="url"
          placeholder="https://portal.example.de"
          required
          value={portal}
          autoFocus={!focusPassword && portal === ""}
          onChange={(e) => setPortal(e.target.value)}
        />
        <label htmlFor="user">Benutzername</label>
        <input
          id="user"
          name="user"
          type="text"
          autoComplete="username"
          required
          value={user}
          autoFocus={!focusPassword && portal !== ""}
          onChange={(e) => setUser(e.target.value)}
        />
        <label htmlFor="password">Passwort</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          autoFocus={focusPassword}
          onChange={(e) => setPassword(e.target.value)}
        />
        {message && (
          <div id="login-error" className="login-error" role="alert" data-testid="login-error">
            {message}
          </div>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Anmeldung läuft …" : "Anmelden"}
        </button>
      </form>
    </main>
  );
}
