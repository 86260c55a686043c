// The app shell: asks the engine for the session and shows either the login form or
// the desk; marks itself ready (`data-ready`) once the inbox's first page is shown.
import { useCallback, useEffect, useState } from "react";
import { useBackend } from "./backend";
import { Desk } from "./components/Desk";
import { LoginScreen } from "./components/LoginScreen";
import type { SessionInfo, SyncStatus, UserInfo } from "./generated/bindings";
import { actionErrorMessage } from "./lib/errors";

type Screen =
  | { kind: "starting" }
  | { kind: "failed"; message: string }
  | { kind: "login"; session: SessionInfo; expired: boolean }
  | { kind: "desk"; me: UserInfo; status: SyncStatus };

function screenFor(session: SessionInfo, expired = false): Screen {
  const loginRequired = session.status.connection.state === "login_required";
  if (session.me && !loginRequired && !expired) return { kind: "desk", me: session.me, status: session.status };
  // The engine also reports `login_required` when nobody has signed in yet or after
  // a logout; only a session that is still there has expired.
  return { kind: "login", session, expired: expired || (loginRequired && session.me !== null) };
}

export function App() {
  const { commands } = useBackend();
  const [screen, setScreen] = useState<Screen>({ kind: "starting" });
  const [ready, setReady] = useState(false);

  const showSession = useCallback(
    (expired = false) =>
      commands.session().then(
        (session) => setScreen(screenFor(session, expired)),
        (failure: unknown) => setScreen({ kind: "failed", message: actionErrorMessage(failure) }),
      ),
    [commands],
  );

  useEffect(() => {
    void showSession();
  }, [showSession]);

  const loggedIn = useCallback(
    (me: UserInfo) => {
      commands.session().then(
        (session) => {
          // Right after a login the status may not have caught up yet.
          const status =
            session.status.connection.state === "login_required"
              ? { ...session.status, connection: { state: "idle" as const } }
              : session.status;
          setScreen({ kind: "desk", me: session.me ?? me, status });
        },
        () =>
          setScreen({
            kind: "desk",
            me,
            status: { connection: { state: "idle" }, last_sync: null, pending: 0, rejected: 0, cursor: 0, revision: 0 },
          }),
      );
    },
    [commands],
  );

  const leaveDesk = useCallback(
    (expired: boolean) => {
      setReady(false);
      void showSession(expired);
    },
    [showSession],
  );

  return (
    <div className="app" data-ready={ready ? "true" : undefined}>
      {screen.kind === "starting" && (
        <p className="starting" role="status">
          Casedesk wird gestartet …
        </p>
      )}
      {screen.kind === "failed" && (
        <p className="starting" role="alert">
          Casedesk konnte nicht starten: {screen.message}
        </p>
      )}
      {screen.kind === "login" && (
        <LoginScreen session={screen.session} expired={screen.expired} onLoggedIn={loggedIn} />
      )}
      {screen.kind === "desk" && (
        <Desk
          me={screen.me}
          initialStatus={screen.status}
          onReady={() => setReady(true)}
          onLoggedOut={() => leaveDesk(false)}
          onLoginRequired={() => leaveDesk(true)}
        />
      )}
    </div>
  );
}
