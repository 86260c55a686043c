// The desk's header: the app's name, the user's offices, name and role, and the
// buttons for the shortcut overview and logging out (keeping or wiping local data).
import type { UserInfo } from "../generated/bindings";
import { roleLabel } from "../lib/labels";
import "./DeskHeader.css";

interface Props {
  me: UserInfo;
  onHelp(): void;
  onLogout(): void;
  /** Asks before logging out and deleting the local data. */
  onWipe(): void;
}

export function DeskHeader({ me, onHelp, onLogout, onWipe }: Props) {
  return (
    <header className="app-header">
      <h1 className="brand">Casedesk</h1>
      <span className="office">{me.offices.map((o) => o.name).join(", ")}</span>
      <span className="spacer" />
      <span className="user">
        {me.display_name} · {roleLabel(me.role)}
      </span>
      <button type="button" onClick={onHelp} aria-keyshortcuts="?">
        Tastenkürzel <kbd aria-hidden="true">?</kbd>
      </button>
      <button type="button" data-testid="logout" onClick={onLogout}>
        Abmelden
      </button>
      <button type="button" className="link-button" data-testid="logout-wipe" onClick={onWipe}>
        Abmelden und Daten löschen…
      </button>
    </header>
  );
}
