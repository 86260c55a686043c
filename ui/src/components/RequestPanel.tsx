// The request panel beside an open case ("Unterlagen nachfordern"): which items the
// citizen is asked for (the engine offers missing required documents and rejected
// ones, linked to the rejection; free items can be added), why, until when (a
// working day; a weekend or holiday moves on with a visible note), the message they
// read in the portal, and the items-request letter as it will go out. Sending queues
// the request with its letter like every command, offline too; the case then waits
// for the citizen and its processing period pauses.
import { useCallback, useEffect, useReducer, useState } from "react";
import { useBackend } from "../backend";
import type { AnswerDeadline, CaseDetail, ItemsRequestDraft, OutboxEntry, UserInfo } from "../generated/bindings";
import { useAnswerDateCheck } from "../hooks/useAnswerDateCheck";
import { useLetterPreview } from "../hooks/useLetterPreview";
import { firstAnswerDay } from "../lib/answerDate";
import { formatDate } from "../lib/dates";
import { letterErrorMessage, toErrorPayload } from "../lib/errors";
import { checkRequest, initialRequest, requestDraftOf, requestEdited, requestReducer } from "../lib/requestDraft";
import { ConfirmDialog } from "./ModalDialog";
import { PdfViewer } from "./PdfViewer";
import "./LetterPanel.css";

interface Props {
  detail: CaseDetail;
  me: UserInfo;
  onClose(): void;
  /** Whether the caseworker changed something, so closing would lose work. */
  onDirtyChange(dirty: boolean): void;
  onSent(entry: OutboxEntry): void;
  onLoginRequired(): void;
}

/**
 * Over 100 lines on purpose: the items, the date check, the preview and sending are
 * one flow, and the JSX is the panel's layout.
 */
export function RequestPanel({ detail, me, onClose, onDirtyChange, onSent, onLoginRequired }: Props) {
  const { commands } = useBackend();
  const aggregate = detail.case;
  const today = detail.today;
  const [form, dispatch] = useReducer(requestReducer, detail, initialRequest);
  const [confirming, setConfirming] = useState(false);
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<unknown>(null);
  const [rendered, setRendered] = useState<{ pdf: Uint8Array | undefined; pages: number } | null>(null);
  const check = checkRequest(form, today);
  const draft = requestDraftOf(form, today);
  const preview = useLetterPreview(
    (d: ItemsRequestDraft) => commands.items_request_preview(aggregate.id, d),
    draft,
    aggregate.version,
  );

  const dirty = requestEdited(form, detail);
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);
  const onChecked = useCallback((deadline: AnswerDeadline) => dispatch({ type: "checked", deadline }), []);
  useAnswerDateCheck(form, onChecked);

  const send = async () => {
    if (!draft) return;
    setSending(true);
    setSendError(null);
    try {
      const entry = await commands.request_items(aggregate.id, draft);
      setConfirming(false);
      onSent(entry);
    } catch (error) {
      setSending(false);
      setConfirming(false);
      setSendError(error);
      if (toErrorPayload(error).code === "login_required") onLoginRequired();
    }
  };

  const previewError = preview.state.status === "error" ? preview.state.error : null;
  const shownError = sendError ?? (draft ? previewError : null);
  const pending = draft !== null && (preview.state.status === "pending" || preview.state.status === "idle");
  const pages =
    draft && preview.state.status === "ready" && rendered && rendered.pdf === preview.pdf ? rendered.pages : undefined;

  return (
    <section
      className="letter-panel"
      data-testid="request-panel"
      aria-labelledby="request-title"
      onKeyDown={(e) => {
        if (e.key === "Escape" && !e.defaultPrevented) {
          e.preventDefault();
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <header className="viewer-header letter-header">
        <div className="viewer-title-row">
          <h2 id="request-title">Unterlagen nachfordern</h2>
          <span className="letter-case">{aggregate.aktenzeichen}</span>
          <button
            type="button"
            className="icon-button close-button"
            aria-label="Nachforderung schließen (Esc)"
            onClick={onClose}
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
        <fieldset
          className="field request-items-field"
          data-testid="request-items"
          aria-describedby="request-items-hint"
        >
          <legend>Was fehlt</legend>
          <p id="request-items-hint" className="hint">
            So liest es die antragstellende Person. Abgelehnte Dokumente sind mit ihrem Ablehnungsgrund verknüpft.
          </p>
          {form.items.map((choice, index) => (
            <div key={index} className="request-item-choice" data-testid="request-item">
              <input
                type="checkbox"
                id={`request-item-${index}`}
                data-testid="request-item-chosen"
                checked={choice.chosen}
                aria-label={`Unterlage ${index + 1} anfordern`}
                autoFocus={index === 0}
                onChange={() => dispatch({ type: "toggle", index })}
              />
              <input
                type="text"
                lang="de"
                data-testid="request-item-text"
                aria-label={`Beschreibung der Unterlage ${index + 1}`}
                value={choice.item.description}
                disabled={!choice.chosen}
                onChange={(e) => dispatch({ type: "describe", index, text: e.target.value })}
              />
              {!choice.offered && (
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Unterlage ${index + 1} entfernen`}
                  onClick={() => dispatch({ type: "remove", index })}
                >
                  <span aria-hidden="true">×</span>
                </button>
              )}
            </div>
          ))}
          <button type="button" data-testid="request-item-add" onClick={() => dispatch({ type: "add" })}>
            Weitere Unterlage
          </button>
          {check.itemsProblem && <p className="field-error">{check.itemsProblem}</p>}
        </fieldset>
        <div className="field reasons-field">
          <label htmlFor="request-reason">Begründung</label>
          <textarea
            id="request-reason"
            data-testid="request-reason"
            rows={2}
            lang="de"
            value={form.reason}
            aria-invalid={check.reasonProblem !== null}
            placeholder="Ohne diese Unterlagen kann … nicht geprüft werden."
            onChange={(e) => dispatch({ type: "reason", text: e.target.value })}
          />
        </div>
        <div className="letter-fields">
          <div className="field">
            <label htmlFor="request-due">Antwort bis</label>
            <input
              id="request-due"
              data-testid="request-due"
              type="date"
              min={firstAnswerDay(today)}
              value={form.answerDue}
              aria-invalid={check.dateProblem !== null}
              aria-describedby={form.note ? "request-due-note" : check.dateProblem ? "request-due-error" : undefined}
              onChange={(e) => dispatch({ type: "picked", date: e.target.value })}
            />
            {check.dateProblem && (
              <p id="request-due-error" className="field-error">
                {check.dateProblem}
              </p>
            )}
          </div>
        </div>
        {form.note && (
          <p id="request-due-note" className="hint warning" role="status" data-testid="request-due-note">
            {form.note}
          </p>
        )}
        <div className="field reasons-field">
          <label htmlFor="request-message">Nachricht im Bürgerportal</label>
          <textarea
            id="request-message"
            data-testid="request-message"
            rows={3}
            lang="de"
            value={form.message}
            onChange={(e) => dispatch({ type: "message", text: e.target.value })}
          />
        </div>
        <p className="signature-note">
          Das Schreiben zur Nachforderung endet mit „Im Auftrag“ und Ihrem Namen ({me.display_name}).
        </p>
        <div className="button-row">
          <button
            type="button"
            className="primary"
            data-testid="request-send"
            disabled={!draft || sending}
            onClick={() => {
              setSendError(null);
              setConfirming(true);
            }}
          >
            Nachforderung senden…
          </button>
        </div>
        {shownError !== null && (
          <p
            className="letter-error"
            role="alert"
            data-testid="request-error"
            data-code={toErrorPayload(shownError).code}
          >
            {letterErrorMessage(shownError)}
          </p>
        )}
      </header>
      <div className="letter-body">
        <div
          className="letter-preview"
          data-testid="request-preview"
          data-state={preview.state.status}
          data-pages={pages}
          aria-busy={pending}
        >
          <p className="preview-status" role="status">
            {pending
              ? "Vorschau wird erstellt…"
              : draft
                ? ""
                : "Die Vorschau erscheint, sobald alle Angaben gemacht sind."}
          </p>
          {draft && preview.pdf && (
            <PdfViewer
              data={preview.pdf}
              fileName="Vorschau des Schreibens zur Nachforderung"
              onRendered={(count, data) => setRendered({ pdf: data, pages: count })}
            />
          )}
        </div>
      </div>
      {confirming && draft && (
        <ConfirmDialog
          id="request-confirm"
          testId="request-confirm-dialog"
          title="Nachforderung senden?"
          confirmLabel={sending ? "Nachforderung wird gesendet …" : "Nachforderung senden"}
          confirmTestId="request-confirm"
          busy={sending}
          onConfirm={() => void send()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            {draft.items.length === 1 ? "Eine Unterlage wird" : `${draft.items.length} Unterlagen werden`} bis zum{" "}
            <strong>{formatDate(draft.answer_due)}</strong> nachgefordert. Der Vorgang wartet dann auf die
            antragstellende Person; die Bearbeitungsfrist ruht so lange. Das Schreiben steht im Bürgerportal bereit; wer
            per Post erreicht wird, erhält es ausgedruckt.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
