// The hearing panel beside an open case (Anhörung, § 28 VwVfG NRW): what the office
// intends and why, until when the citizen may comment (a working day; a weekend or
// holiday is moved to the next working day with a visible note), the message they
// read in the portal, the live preview of the hearing letter, and starting it.
import { useCallback, useEffect, useReducer, useState } from "react";
import { useBackend } from "../backend";
import type { AnswerDeadline, CaseDetail, HearingDraft, OutboxEntry, UserInfo } from "../generated/bindings";
import { useAnswerDateCheck } from "../hooks/useAnswerDateCheck";
import { useLetterPreview } from "../hooks/useLetterPreview";
import { formatDate } from "../lib/dates";
import { letterErrorMessage, toErrorPayload } from "../lib/errors";
import { checkHearing, firstAnswerDay, hearingDraftOf, hearingReducer, initialHearing } from "../lib/hearingDraft";
import { ConfirmDialog } from "./ModalDialog";
import { PdfViewer } from "./PdfViewer";
import "./LetterPanel.css";

interface Props {
  detail: CaseDetail;
  me: UserInfo;
  onClose(): void;
  /** Whether the caseworker typed something, so closing would lose work. */
  onDirtyChange(dirty: boolean): void;
  onStarted(entry: OutboxEntry): void;
  onLoginRequired(): void;
}

/**
 * Over 100 lines on purpose: the form's state, the date check, the preview and
 * starting the hearing are one flow, and the JSX is the panel's layout.
 */
export function HearingPanel({ detail, me, onClose, onDirtyChange, onStarted, onLoginRequired }: Props) {
  const { commands } = useBackend();
  const aggregate = detail.case;
  const today = detail.today;
  const [form, dispatch] = useReducer(hearingReducer, detail.law, initialHearing);
  const [confirming, setConfirming] = useState(false);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<unknown>(null);
  const [rendered, setRendered] = useState<{ pdf: Uint8Array | undefined; pages: number } | null>(null);
  const check = checkHearing(form, today);
  const request = hearingDraftOf(form, today);
  const preview = useLetterPreview(
    (r: HearingDraft) => commands.hearing_preview(aggregate.id, r),
    request,
    aggregate.version,
  );

  const dirty = form.intended.trim() !== "" || form.messageEdited;
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);

  // A picked date is checked by the engine: a weekend or holiday moves on.
  const onChecked = useCallback((deadline: AnswerDeadline) => dispatch({ type: "checked", deadline }), []);
  useAnswerDateCheck(form, onChecked);

  const start = async () => {
    if (!request) return;
    setStarting(true);
    setStartError(null);
    try {
      const entry = await commands.start_hearing(aggregate.id, request);
      setConfirming(false);
      onStarted(entry);
    } catch (error) {
      setStarting(false);
      setConfirming(false);
      setStartError(error);
      if (toErrorPayload(error).code === "login_required") onLoginRequired();
    }
  };

  const previewError = preview.state.status === "error" ? preview.state.error : null;
  const shownError = startError ?? (request ? previewError : null);
  const pending = request !== null && (preview.state.status === "pending" || preview.state.status === "idle");
  const pages =
    request && preview.state.status === "ready" && rendered && rendered.pdf === preview.pdf
      ? rendered.pages
      : undefined;

  return (
    <section
      className="letter-panel"
      data-testid="hearing-panel"
      aria-labelledby="hearing-title"
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
          <h2 id="hearing-title">Anhörung</h2>
          <span className="letter-case">{aggregate.aktenzeichen}</span>
          <button
            type="button"
            className="icon-button close-button"
            aria-label="Anhörung schließen (Esc)"
            onClick={onClose}
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
        <div className="field reasons-field">
          <label htmlFor="hearing-intended">Beabsichtigte Entscheidung und ihre Gründe</label>
          <textarea
            id="hearing-intended"
            data-testid="hearing-intended"
            rows={3}
            lang="de"
            autoFocus
            value={form.intended}
            aria-invalid={check.intendedProblem !== null}
            aria-describedby="hearing-intended-hint"
            placeholder="Wir beabsichtigen, … Denn …"
            onChange={(e) => dispatch({ type: "intended", text: e.target.value })}
          />
          <p id="hearing-intended-hint" className="hint">
            Was das Amt entscheiden will und auf welche Tatsachen es sich stützt.
          </p>
        </div>
        <div className="letter-fields">
          <div className="field">
            <label htmlFor="hearing-due">Äußerung bis</label>
            <input
              id="hearing-due"
              data-testid="hearing-due"
              type="date"
              min={firstAnswerDay(today)}
              value={form.answerDue}
              aria-invalid={check.dateProblem !== null}
              aria-describedby={form.note ? "hearing-due-note" : check.dateProblem ? "hearing-due-error" : undefined}
              onChange={(e) => dispatch({ type: "picked", date: e.target.value })}
            />
            {check.dateProblem && (
              <p id="hearing-due-error" className="field-error">
                {check.dateProblem}
              </p>
            )}
          </div>
        </div>
        {form.note && (
          <p id="hearing-due-note" className="hint warning" role="status" data-testid="hearing-due-note">
            {form.note}
          </p>
        )}
        <div className="field reasons-field">
          <label htmlFor="hearing-message">Nachricht im Bürgerportal</label>
          <textarea
            id="hearing-message"
            data-testid="hearing-message"
            rows={3}
            lang="de"
            value={form.message}
            onChange={(e) => dispatch({ type: "message", text: e.target.value })}
          />
        </div>
        <p className="signature-note">
          Das Anhörungsschreiben endet mit „Im Auftrag“ und Ihrem Namen ({me.display_name}).
        </p>
        <div className="button-row">
          <button
            type="button"
            className="primary"
            data-testid="hearing-start"
            disabled={!request || starting}
            onClick={() => {
              setStartError(null);
              setConfirming(true);
            }}
          >
            Anhörung beginnen…
          </button>
        </div>
        {shownError !== null && (
          <p
            className="letter-error"
            role="alert"
            data-testid="hearing-error"
            data-code={toErrorPayload(shownError).code}
          >
            {letterErrorMessage(shownError)}
          </p>
        )}
      </header>
      <div className="letter-body">
        <div
          className="letter-preview"
          data-testid="hearing-preview"
          data-state={preview.state.status}
          data-pages={pages}
          aria-busy={pending}
        >
          <p className="preview-status" role="status">
            {pending
              ? "Vorschau wird erstellt…"
              : request
                ? ""
                : "Die Vorschau erscheint, sobald alle Angaben gemacht sind."}
          </p>
          {request && preview.pdf && (
            <PdfViewer
              data={preview.pdf}
              fileName="Vorschau des Anhörungsschreibens"
              onRendered={(count, data) => setRendered({ pdf: data, pages: count })}
            />
          )}
        </div>
      </div>
      {confirming && request && (
        <ConfirmDialog
          id="hearing-confirm"
          testId="hearing-confirm-dialog"
          title="Anhörung beginnen?"
          confirmLabel={starting ? "Anhörung wird begonnen …" : "Anhörung beginnen"}
          confirmTestId="hearing-confirm"
          busy={starting}
          onConfirm={() => void start()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Der Vorgang wartet dann bis zum <strong>{formatDate(request.answer_due)}</strong> auf die Stellungnahme der
            antragstellenden Person; die Bearbeitungsfrist ruht so lange. Die Nachricht und die beabsichtigte
            Entscheidung erscheinen im Bürgerportal.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
