// The sync status bar at the bottom of the desk: connection, last sync, and the
// numbers of pending and refused changes (the latter opens the "Mit Problemen" view).
import type { Connection, SyncStatus } from "../generated/bindings";
import { formatRecent, formatTime } from "../lib/dates";
import "./StatusBar.css";

interface Props {
  status: SyncStatus;
  onShowProblems(): void;
  onSyncNow(): void;
}

export function connectionText(connection: Connection): string {
  switch (connection.state) {
    case "online":
      return "Online";
    case "offline":
      return `Offline seit ${formatTime(connection.since)}`;
    case "bootstrapping":
      return `Synchronisiere … ${connection.received.toLocaleString("de-DE")} von ${connection.total.toLocaleString("de-DE")}`;
    case "login_required":
      return "Anmeldung erforderlich";
    case "idle":
      return "Verbindung wird aufgebaut";
  }
}

export function StatusBar({ status, onShowProblems, onSyncNow }: Props) {
  const { connection } = status;
  const reason = connection.state === "offline" ? connection.reason : undefined;
  return (
    <footer className="status-bar" data-testid="sync-status" data-connection={connection.state}>
      <span className={`connection connection-${connection.state}`} role="status" aria-live="polite" title={reason}>
        <span className="connection-light" aria-hidden="true" />
        {connectionText(connection)}
        {reason && <span className="sr-only"> ({reason})</span>}
      </span>
      <span className="last-sync">
        Zuletzt synchronisiert {status.last_sync ? formatRecent(status.last_sync) : "noch nie"}
      </span>
      <span className="pending">
        Ausstehend: <span data-testid="pending-count">{status.pending}</span>
      </span>
      <button
        type="button"
        className={`link-button rejected-link${status.rejected > 0 ? " has-problems" : ""}`}
        onClick={onShowProblems}
        title="Ansicht „Mit Problemen“ öffnen"
      >
        Abgelehnt: <span data-testid="rejected-count">{status.rejected}</span>
        <span className="sr-only"> – Ansicht „Mit Problemen“ öffnen</span>
      </button>
      <button type="button" className="link-button" onClick={onSyncNow}>
        Jetzt synchronisieren
      </button>
    </footer>
  );
}
