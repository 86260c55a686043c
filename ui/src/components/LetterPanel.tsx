// The Bescheid panel beside an open case: outcome, fee, the live preview of the letter
// (pdf.js), editing its text (letter markup, plain text only), and issuing it. The
// signature rule (§ 37 Abs. 5 VwVfG) is always visible: the template's letter is
// valid without a signature; an edited one names the caseworker as responsible.
import { useEffect, useReducer, useRef, useState } from "react";
import { useBackend } from "../backend";
import type { CaseDetail, Outcome, OutboxEntry } from "../generated/bindings";
import { useLetterPreview } from "../hooks/useLetterPreview";
import { formatCents } from "../lib/dates";
import { letterErrorMessage, toErrorPayload } from "../lib/errors";
import {
  OUTCOMES,
  type Signature,
  checkDraft,
  draftReducer,
  editedText,
  feeChangedSinceText,
  initialDraft,
  isEdited,
  needsTemplate,
  outcomeChangeNeedsConfirmation,
  signatureOf,
} from "../lib/letterDraft";
import { decisionLabel, isOpen } from "../lib/labels";
import { formatEuroInput } from "../lib/money";
import { ConfirmDialog } from "./ModalDialog";
import { PdfViewer } from "./PdfViewer";
import "./LetterPanel.css";

interface Props {
  detail: CaseDetail;
  /** Close the panel (the desk asks first when the text was edited). */
  onClose(): void;
  /** Whether the text differs from the template, so closing would lose work. */
  onDirtyChange(dirty: boolean): void;
  onDecided(entry: OutboxEntry): void;
  onLoginRequired(): void;
}

export const SIGNATURE_TEXT: Record<Signature, string> = {
  automated: "Automatisch erstellt — gilt ohne Unterschrift",
  responsible: "Geänderter Text — der Bescheid nennt Sie als verantwortliche Person",
};

const MARKUP_HELP =
  "Leerzeile trennt Absätze · # Überschrift · 1. oder - für Listen · | a | b | für Tabellen · **fett** · _kursiv_ · \\ vor einem Zeichen schreibt es wörtlich";

export function LetterPanel({ detail, onClose, onDirtyChange, onDecided, onLoginRequired }: Props) {
  const backend = useBackend();
  const { commands } = backend;
  const aggregate = detail.case;
  const assessedCents = aggregate.fee?.amount_cents ?? 0;
  const [draft, dispatch] = useReducer(draftReducer, assessedCents, (cents: number) => initialDraft(cents));
  const [textError, setTextError] = useState<unknown>(null);
  const [decideError, setDecideError] = useState<unknown>(null);
  const [pendingOutcome, setPendingOutcome] = useState<Outcome | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [deciding, setDeciding] = useState(false);
  const [rendered, setRendered] = useState<{ pdf: Uint8Array | undefined; pages: number } | null>(null);
  const outcomeRef = useRef<HTMLSelectElement>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);

  const edited = isEdited(draft);
  const signature = signatureOf(draft);
  const check = checkDraft(draft);
  const processor = detail.actions.process;
  // Someone else may decide or close the case while the panel is open.
  const stillOpen = isOpen(aggregate.status);

  const preview = useLetterPreview(
    backend,
    {
      caseKey: aggregate.id,
      outcome: draft.outcome,
      // An invalid fee keeps the last valid preview's: the field says what is wrong.
      feeCents: check.fee.ok && check.fee.cents !== assessedCents ? check.fee.cents : null,
      editedText: editedText(draft),
    },
    aggregate.version,
  );

  // The first control gets focus when the panel opens.
  useEffect(() => {
    outcomeRef.current?.focus();
  }, []);

  useEffect(() => {
    onDirtyChange(edited);
  }, [edited, onDirtyChange]);

  // The editor starts from the template's text for the chosen outcome and the fee
  // entered at that moment; from then on the text is the caseworker's, amounts
  // included.
  const waitingForText = needsTemplate(draft);
  const { outcome } = draft;
  const textFee = check.fee.ok && check.fee.cents !== assessedCents ? check.fee.cents : null;
  const textFeeRef = useRef(textFee);
  textFeeRef.current = textFee;
  useEffect(() => {
    if (!waitingForText) return;
    let cancelled = false;
    setTextError(null);
    const feeCents = textFeeRef.current;
    commands.letter_text(aggregate.id, outcome, feeCents).then(
      (text) => {
        if (!cancelled) dispatch({ type: "templateLoaded", outcome, feeCents: feeCents ?? assessedCents, text });
      },
      (error: unknown) => {
        if (!cancelled) setTextError(error);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [commands, aggregate.id, outcome, waitingForText, assessedCents]);

  const chooseOutcome = (next: Outcome) => {
    if (outcomeChangeNeedsConfirmation(draft, next)) setPendingOutcome(next);
    else dispatch({ type: "outcome", outcome: next });
  };

  const toggleEditing = () => {
    const opening = !draft.editing;
    setTextError(null);
    dispatch({ type: "toggleEditing" });
    if (opening) requestAnimationFrame(() => textRef.current?.focus());
  };

  const decide = async () => {
    if (!check.fee.ok) return;
    setDeciding(true);
    setDecideError(null);
    try {
      const entry = await commands.decide(aggregate.id, draft.outcome, check.fee.cents, editedText(draft));
      setConfirming(false);
      onDecided(entry);
    } catch (error) {
      setDeciding(false);
      setConfirming(false);
      setDecideError(error);
      if (toErrorPayload(error).code === "login_required") onLoginRequired();
    }
  };

  const previewError = preview.state.status === "error" ? preview.state.error : null;
  const shownError = decideError ?? textError ?? previewError;
  const pending = preview.state.status === "pending" || preview.state.status === "idle";
  const pages =
    preview.state.status === "ready" && rendered && rendered.pdf === preview.pdf ? rendered.pages : undefined;
  const applicant = aggregate.applicant;
  const feeDiffers = check.fee.ok && check.fee.cents !== assessedCents;

  return (
    <section
      className="letter-panel"
      data-testid="letter-panel"
      aria-labelledby="letter-title"
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
          <h2 id="letter-title">Bescheid erstellen</h2>
          <span className="letter-case">{aggregate.aktenzeichen}</span>
          <button
            type="button"
            className="icon-button close-button"
            aria-label="Bescheid schließen (Esc)"
            onClick={onClose}
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
        {!stillOpen ? (
          <p className="hint" role="status">
            Der Vorgang ist nicht mehr offen; ein Bescheid kann nicht mehr erlassen werden.
          </p>
        ) : (
          !processor && <p className="hint">Zum Erlassen des Bescheids zuerst den Vorgang übernehmen.</p>
        )}
        <div className="letter-fields">
          <div className="field">
            <label htmlFor="letter-outcome">Ergebnis</label>
            <select
              id="letter-outcome"
              ref={outcomeRef}
              data-testid="letter-outcome"
              value={draft.outcome}
              onChange={(e) => chooseOutcome(e.target.value as Outcome)}
            >
              {OUTCOMES.map((value) => (
                <option key={value} value={value}>
                  {decisionLabel(value)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="letter-fee">Gebühr</label>
            <input
              id="letter-fee"
              data-testid="letter-fee"
              type="text"
              inputMode="decimal"
              autoComplete="off"
              spellCheck={false}
              value={draft.feeText}
              aria-invalid={!check.fee.ok}
              aria-describedby={!check.fee.ok ? "letter-fee-error" : feeDiffers ? "letter-fee-note" : undefined}
              onChange={(e) => dispatch({ type: "fee", text: e.target.value })}
              onBlur={() => {
                if (check.fee.ok) dispatch({ type: "fee", text: formatEuroInput(check.fee.cents) });
              }}
            />
            {!check.fee.ok && (
              <p id="letter-fee-error" className="field-error" data-testid="letter-fee-error">
                {check.fee.message}
              </p>
            )}
          </div>
        </div>
        {feeDiffers && !aggregate.fee && (
          <p id="letter-fee-note" className="hint">
            Im Vorgang ist keine Gebühr festgesetzt (kein Kassenzeichen); der Bescheid nennt daher keine. Die hier
            eingetragene Gebühr wird mit der Entscheidung gespeichert.
          </p>
        )}
        {edited && feeChangedSinceText(draft) && draft.templateFeeCents !== null && (
          <p className="hint warning" role="status" data-testid="letter-fee-stale">
            Die Gebühr wurde nach dem Bearbeiten des Textes geändert (vorher {formatCents(draft.templateFeeCents)}).
            Bitte prüfen Sie die Beträge im Text, oder laden Sie mit „Vorlage wiederherstellen“ den Text mit der neuen
            Gebühr (Ihre Änderungen gehen dabei verloren).
          </p>
        )}
        <p className={`signature-note signature-${signature}`} data-testid="letter-signature">
          {SIGNATURE_TEXT[signature]}
        </p>
        <div className="button-row">
          <button
            type="button"
            data-testid="letter-edit"
            aria-pressed={draft.editing}
            aria-controls={draft.editing ? "letter-text" : undefined}
            onClick={toggleEditing}
          >
            Text bearbeiten
          </button>
          <button
            type="button"
            data-testid="letter-reset"
            disabled={!edited}
            onClick={() => dispatch({ type: "reset" })}
          >
            Vorlage wiederherstellen
          </button>
          <button
            type="button"
            className="primary"
            data-testid="letter-finalise"
            disabled={!check.ready || deciding || !stillOpen}
            onClick={() => {
              setDecideError(null);
              setConfirming(true);
            }}
          >
            Bescheid erlassen…
          </button>
        </div>
        {check.textProblem && <p className="field-error">{check.textProblem}</p>}
        {shownError !== null && (
          <p
            className="letter-error"
            role="alert"
            data-testid="letter-error"
            data-code={toErrorPayload(shownError).code}
          >
            {letterErrorMessage(shownError)}
          </p>
        )}
      </header>
      <div className={`letter-body${draft.editing ? " editing" : ""}`}>
        {draft.editing && (
          <div className="letter-editor">
            <label htmlFor="letter-text">Bescheidtext</label>
            <textarea
              id="letter-text"
              ref={textRef}
              data-testid="letter-text"
              className="letter-text"
              lang="de"
              value={draft.text}
              readOnly={draft.template === null}
              placeholder={draft.template === null ? "Text der Vorlage wird geladen …" : undefined}
              aria-describedby="letter-markup-help"
              onChange={(e) => dispatch({ type: "text", text: e.target.value })}
            />
            <p id="letter-markup-help" className="hint markup-help">
              {MARKUP_HELP}
            </p>
          </div>
        )}
        <div
          className="letter-preview"
          data-testid="letter-preview"
          data-pages={pages}
          data-signature={signature}
          data-state={preview.state.status}
          aria-busy={pending}
        >
          <p className="preview-status" role="status">
            {pending ? "Vorschau wird erstellt…" : ""}
          </p>
          {preview.pdf && (
            <PdfViewer
              data={preview.pdf}
              fileName="Vorschau des Bescheids"
              onRendered={(count, data) => setRendered({ pdf: data, pages: count })}
            />
          )}
        </div>
      </div>
      {pendingOutcome && (
        <ConfirmDialog
          id="letter-outcome-confirm"
          testId="letter-outcome-dialog"
          title="Geänderten Text verwerfen?"
          confirmLabel={`Verwerfen und zu „${decisionLabel(pendingOutcome)}“ wechseln`}
          confirmTestId="letter-outcome-confirm"
          tone="danger"
          onConfirm={() => {
            dispatch({ type: "outcome", outcome: pendingOutcome });
            setPendingOutcome(null);
          }}
          onCancel={() => setPendingOutcome(null)}
        >
          <p>
            Für „{decisionLabel(pendingOutcome)}“ gilt eine andere Vorlage. Ihre Änderungen am Bescheidtext gehen dabei
            verloren.
          </p>
        </ConfirmDialog>
      )}
      {confirming && check.fee.ok && (
        <ConfirmDialog
          id="letter-confirm"
          testId="letter-confirm-dialog"
          title="Bescheid erlassen?"
          confirmLabel={deciding ? "Bescheid wird erlassen …" : "Bescheid erlassen"}
          confirmTestId="letter-confirm"
          busy={deciding}
          onConfirm={() => void decide()}
          onCancel={() => setConfirming(false)}
        >
          <dl className="confirm-facts">
            <div>
              <dt>Vorgang</dt>
              <dd>{aggregate.aktenzeichen}</dd>
            </div>
            <div>
              <dt>Ergebnis</dt>
              <dd data-testid="letter-confirm-outcome">{decisionLabel(draft.outcome)}</dd>
            </div>
            <div>
              <dt>Gebühr</dt>
              <dd data-testid="letter-confirm-fee">{formatCents(check.fee.cents)}</dd>
            </div>
            <div>
              <dt>Empfänger/in</dt>
              <dd className="recipient">
                <span>
                  {applicant.given_name} {applicant.family_name}
                </span>
                <span>{applicant.street}</span>
                <span>
                  {applicant.postal_code} {applicant.city}
                </span>
              </dd>
            </div>
            <div>
              <dt>Unterschrift</dt>
              <dd>{SIGNATURE_TEXT[signature]}</dd>
            </div>
          </dl>
          <p>
            <strong>
              Der Bescheid wird gespeichert und der Antragstellerin oder dem Antragsteller im Portal bereitgestellt. Das
              lässt sich nicht rückgängig machen.
            </strong>{" "}
            Ohne Verbindung zum Portal wird er übertragen, sobald die Verbindung wieder besteht.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
