// The message thread of a case with the citizen: their messages highlighted, the
// office's beside them, newest last, and — where the user may write (the engine's
// `actions.message`) — a field to write to the citizen. Sending is queued like
// every change, offline too; a message on its way is marked until the portal has it.
// Citizen text is only ever rendered as text.
import type { CaseDetail, CommandKind } from "../generated/bindings";
import { formatDateTime } from "../lib/dates";
import { PendingBadge } from "./CaseView";
import { TextComposer } from "./TextComposer";

interface Props {
  detail: CaseDetail;
  /** Messages sent by commands still on their way. */
  pending: Set<string>;
  runCommand(kind: CommandKind): Promise<boolean>;
}

export function MessagesSection({ detail, pending, runCommand }: Props) {
  const messages = detail.case.messages;
  const mayWrite = detail.actions.message;
  if (messages.length === 0 && !mayWrite) return null;

  return (
    <section className="case-section" aria-labelledby="messages-title" data-testid="messages">
      <h3 id="messages-title">Nachrichten ({messages.length})</h3>
      {messages.length > 0 && (
        <ul className="messages">
          {messages.map((message) => (
            <li
              key={message.id}
              className={`message${message.from_citizen ? " from-citizen" : ""}`}
              data-testid="message"
              data-from-citizen={message.from_citizen ? "true" : "false"}
              data-pending={pending.has(message.id) ? "true" : "false"}
            >
              <p className="message-meta">
                {message.author}
                {message.from_citizen ? " (Antragsteller/in)" : ""} · {formatDateTime(message.at)}{" "}
                {pending.has(message.id) && <PendingBadge />}
              </p>
              <p className="message-text">{message.text}</p>
            </li>
          ))}
        </ul>
      )}
      {mayWrite && (
        <TextComposer
          name="message"
          label="Nachricht an die antragstellende Person"
          placeholder="Erscheint im Bürgerportal. Strg+Enter sendet."
          submitLabel="Nachricht senden"
          onSend={(text) => runCommand({ kind: "send_message", payload: { text } })}
        />
      )}
    </section>
  );
}
