// Changes the portal refused, shown on their case with the portal's reason and the
// two ways out: try again on the case as it stands now, or drop the change.
import { useState } from "react";
import { useBackend } from "../backend";
import type { OutboxEntry } from "../generated/bindings";
import { formatDateTime } from "../lib/dates";
import { actionErrorMessage } from "../lib/errors";
import { commandLabel } from "../lib/labels";
import "./RejectedCommands.css";

interface Props {
  entries: OutboxEntry[];
  /** Called after a retry or discard went through, to reload the case. */
  onSettled(): void;
  onError(message: string): void;
}

function commandSummary(entry: OutboxEntry): string {
  const kind = entry.command;
  switch (kind.kind) {
    case "add_note":
    case "send_message":
      return `${commandLabel(kind.kind)}: „${kind.payload.text}“`;
    case "review_document":
      return kind.payload.verdict === "accepted"
        ? "Dokument annehmen"
        : `Dokument ablehnen (${kind.payload.reason ?? ""})`;
    default:
      return commandLabel(kind.kind);
  }
}

export function RejectedCommands({ entries, onSettled, onError }: Props) {
  const { commands } = useBackend();
  const [busy, setBusy] = useState<string | null>(null);
  if (entries.length === 0) return null;

  async function settle(entry: OutboxEntry, how: "retry" | "discard") {
    setBusy(entry.command_id);
    try {
      await (how === "retry" ? commands.retry(entry.command_id) : commands.discard(entry.command_id));
      onSettled();
    } catch (failure) {
      onError(actionErrorMessage(failure));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="rejected-commands" aria-labelledby="rejected-title">
      <h3 id="rejected-title">Vom Portal abgelehnte Änderungen</h3>
      <ul>
        {entries.map((entry) => (
          <li
            key={entry.command_id}
            className="rejected-command"
            data-testid="rejected-command"
            data-command-id={entry.command_id}
          >
            <p>
              <strong>{commandSummary(entry)}</strong> vom {formatDateTime(entry.created_at)} wurde abgelehnt:
            </p>
            <p className="rejection-reason">{entry.rejection_message ?? "Ohne Begründung"}</p>
            <div className="button-row">
              <button
                type="button"
                data-testid="retry"
                disabled={busy !== null}
                onClick={() => void settle(entry, "retry")}
              >
                Auf aktuellem Stand wiederholen
              </button>
              <button
                type="button"
                data-testid="discard"
                disabled={busy !== null}
                onClick={() => void settle(entry, "discard")}
              >
                Verwerfen
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
