// The requests of a case (Nachforderungen and Anhörungen): for each, what was asked
// and why, until when, and per item what the citizen sent (each document opens in
// the viewer) or that it is still missing; a partial answer shows as partial. What
// the user may do with a request comes from the engine (`actions.request_moves`):
// give a new deadline (also reopening one whose deadline passed), withdraw it with
// a reason the citizen reads, or accept a partial answer as it is.
import { type FormEvent, useState } from "react";
import type { CaseDetail, CommandKind, DocumentMeta, ItemsRequest, RequestMoves } from "../generated/bindings";
import { firstAnswerDay } from "../lib/answerDate";
import { formatDate, formatDateTime } from "../lib/dates";
import { requestPurposeLabel, requestStatusLabel } from "../lib/labels";

interface Props {
  detail: CaseDetail;
  onShowDocument(document: DocumentMeta): void;
  onShowLetter(sha256: string): void;
  runCommand(kind: CommandKind): Promise<boolean>;
}

export function RequestsSection({ detail, onShowDocument, onShowLetter, runCommand }: Props) {
  const requests = detail.case.requests;
  if (requests.length === 0) return null;
  const hearings = requests.some((r) => r.purpose === "hearing");
  return (
    <section className="case-section" aria-labelledby="requests-title">
      <h3 id="requests-title">
        {hearings ? "Nachforderungen und Anhörungen" : "Nachforderungen"} ({requests.length})
      </h3>
      <ul className="requests">
        {requests.map((request) => (
          <RequestEntry
            key={request.id}
            request={request}
            detail={detail}
            moves={detail.actions.request_moves.find((m) => m.request_id === request.id)}
            onShowDocument={onShowDocument}
            onShowLetter={onShowLetter}
            runCommand={runCommand}
          />
        ))}
      </ul>
    </section>
  );
}

interface EntryProps extends Omit<Props, "detail"> {
  request: ItemsRequest;
  detail: CaseDetail;
  moves: RequestMoves | undefined;
}

function RequestEntry({ request, detail, moves, onShowDocument, onShowLetter, runCommand }: EntryProps) {
  const partial = request.status === "open" && request.last_answer_at != null;
  const documentsOf = (item: number) =>
    (request.answers ?? [])
      .filter((a) => a.item === item)
      .flatMap((a) => a.document_ids)
      .map((id) => detail.case.documents.find((d) => d.id === id))
      .filter((d): d is DocumentMeta => d !== undefined);
  return (
    <li
      className="request"
      data-testid="request"
      data-purpose={request.purpose}
      data-status={request.status}
      data-partial={partial ? "true" : undefined}
    >
      <p className="request-meta">
        <strong>{requestPurposeLabel(request.purpose)}</strong> · {formatDateTime(request.requested_at)} ·{" "}
        {request.purpose === "hearing" ? "Äußerung" : "Antwort"} bis {formatDate(request.answer_due)} ·{" "}
        <span className={`chip request-${request.status}`} data-testid="request-status">
          {partial ? "Teilweise beantwortet" : requestStatusLabel(request.status)}
        </span>
        {request.answered_at && ` am ${formatDateTime(request.answered_at)}`}
        {partial && request.last_answer_at && ` (zuletzt am ${formatDateTime(request.last_answer_at)})`}
      </p>
      {request.items.length > 0 && (
        <ul className="request-items">
          {request.items.map((item, i) => {
            const arrived = documentsOf(i);
            return (
              <li key={i} data-testid="request-item-state" data-answered={arrived.length > 0 ? "true" : "false"}>
                {item.description}
                {arrived.length > 0 ? (
                  <span className="request-item-answer">
                    {" – eingegangen: "}
                    {arrived.map((document) => (
                      <button
                        key={document.id}
                        type="button"
                        className="link-button"
                        data-testid="request-item-document"
                        onClick={() => onShowDocument(document)}
                      >
                        {document.file_name}
                      </button>
                    ))}
                  </span>
                ) : (
                  request.status === "open" && <span className="request-item-missing"> – noch nicht eingegangen</span>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <p>
        <span className="label">{request.purpose === "hearing" ? "Beabsichtigte Entscheidung:" : "Begründung:"}</span>{" "}
        {request.reason}
      </p>
      <p className="message-text">{request.message}</p>
      {request.closed_reason && (
        <p data-testid="request-closed-reason">
          <span className="label">Zurückgenommen:</span> {request.closed_reason}
        </p>
      )}
      {request.letter_sha256 && (
        <button type="button" data-testid="request-letter" onClick={() => onShowLetter(request.letter_sha256!)}>
          Schreiben anzeigen
        </button>
      )}
      {moves && <RequestMovesForm request={request} moves={moves} today={detail.today} runCommand={runCommand} />}
    </li>
  );
}

type Open = "extend" | "withdraw" | null;

function RequestMovesForm({
  request,
  moves,
  today,
  runCommand,
}: {
  request: ItemsRequest;
  moves: RequestMoves;
  today: string;
  runCommand(kind: CommandKind): Promise<boolean>;
}) {
  const [open, setOpen] = useState<Open>(null);
  const [date, setDate] = useState(request.answer_due > today ? request.answer_due : firstAnswerDay(today));
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const run = async (kind: CommandKind) => {
    setBusy(true);
    const ok = await runCommand(kind);
    setBusy(false);
    if (ok) setOpen(null);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (open === "extend" && date > today) {
      void run({ kind: "extend_request", payload: { request_id: request.id, answer_due: date } });
    }
    if (open === "withdraw" && reason.trim() !== "") {
      void run({ kind: "withdraw_request", payload: { request_id: request.id, reason: reason.trim() } });
    }
  };
  const idPrefix = `request-${request.id}`;
  return (
    <div className="request-moves" role="group" aria-label="Nachforderung bearbeiten">
      {moves.accept && (
        <button
          type="button"
          data-testid="request-accept"
          disabled={busy}
          onClick={() => void run({ kind: "accept_answer", payload: { request_id: request.id } })}
        >
          Antwort annehmen
        </button>
      )}
      {moves.extend && open !== "extend" && (
        <button type="button" data-testid="request-extend-open" onClick={() => setOpen("extend")}>
          {request.status === "expired" ? "Erneut Frist setzen" : "Frist verlängern"}
        </button>
      )}
      {moves.withdraw && open !== "withdraw" && (
        <button type="button" data-testid="request-withdraw-open" onClick={() => setOpen("withdraw")}>
          Zurücknehmen
        </button>
      )}
      {open && (
        <form className="request-move-form" onSubmit={submit}>
          {open === "extend" ? (
            <div className="field">
              <label htmlFor={`${idPrefix}-due`}>Neue Frist</label>
              <input
                id={`${idPrefix}-due`}
                type="date"
                autoFocus
                data-testid="request-extend-due"
                min={firstAnswerDay(today)}
                value={date}
                onChange={(e) => setDate(e.target.value)}
              />
            </div>
          ) : (
            <div className="field">
              <label htmlFor={`${idPrefix}-reason`}>Grund (die antragstellende Person liest ihn)</label>
              <input
                id={`${idPrefix}-reason`}
                type="text"
                lang="de"
                autoFocus
                data-testid="request-withdraw-reason"
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
            </div>
          )}
          <div className="button-row">
            <button
              type="submit"
              className="primary"
              data-testid="request-move-submit"
              disabled={busy || (open === "extend" ? date <= today : reason.trim() === "")}
            >
              {open === "extend" ? "Frist setzen" : "Nachforderung zurücknehmen"}
            </button>
            <button type="button" onClick={() => setOpen(null)}>
              Abbrechen
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
