// The Bescheid panel beside an open case: outcome (those the service's law allows),
// fee, the caseworker's reasons, the delivery channel, the live preview of the letter
// (pdf.js), editing its text (letter markup, plain text only), and issuing it. Every
// letter ends with "Im Auftrag" and the caseworker's name, added by the engine after
// the text; a refusal without reasons has no letter at all.
import { useEffect, useReducer, useRef, useState } from "react";
import { useBackend } from "../backend";
import type { CaseDetail, CaseLaw, DecisionDraft, Outcome, OutboxEntry, UserInfo } from "../generated/bindings";
import { useLetterPreview } from "../hooks/useLetterPreview";
import { letterErrorMessage, toErrorPayload } from "../lib/errors";
import {
  checkDraft,
  currentBasis,
  decisionDraftOf,
  draftReducer,
  initialDraft,
  isEdited,
  needsTemplate,
  outcomeChangeNeedsConfirmation,
  staleInputs,
} from "../lib/letterDraft";
import { PREVIEW_DELAY_MS } from "../lib/letterPreview";
import { decisionLabel, isOpen } from "../lib/labels";
import { DecisionConfirm, DecisionFields } from "./DecisionFields";
import { ConfirmDialog } from "./ModalDialog";
import { PdfViewer } from "./PdfViewer";
import "./LetterPanel.css";

interface Props {
  detail: CaseDetail;
  me: UserInfo;
  /** Close the panel (the desk asks first when the text was edited). */
  onClose(): void;
  /** Whether the text differs from the template, so closing would lose work. */
  onDirtyChange(dirty: boolean): void;
  onDecided(entry: OutboxEntry): void;
  onLoginRequired(): void;
}

const MARKUP_HELP =
  "Leerzeile trennt Absätze · # Überschrift · 1. oder - für Listen · | a | b | für Tabellen · **fett** · _kursiv_ · \\ vor einem Zeichen schreibt es wörtlich";

/** The closing the engine adds after the text, as the panel announces it. */
export function signatureText(me: UserInfo): string {
  return `Der Bescheid endet mit „Im Auftrag“ und Ihrem Namen (${me.display_name}); dieser Schluss gehört nicht zum bearbeitbaren Text.`;
}

export function LetterPanel(props: Props) {
  const law = props.detail.law;
  return (
    <section
      className="letter-panel"
      data-testid="letter-panel"
      aria-labelledby="letter-title"
      onKeyDown={(e) => {
        if (e.key === "Escape" && !e.defaultPrevented) {
          e.preventDefault();
          e.stopPropagation();
          props.onClose();
        }
      }}
    >
      {law ? (
        <DecisionLetter {...props} law={law} />
      ) : (
        <header className="viewer-header letter-header">
          <PanelTitle aktenzeichen={props.detail.case.aktenzeichen} onClose={props.onClose} />
          <p className="letter-error" role="alert" data-testid="letter-error">
            Die Leistung {props.detail.case.service_id} ist nicht im lokalen Bestand; ein Bescheid kann erst nach der
            nächsten Synchronisierung erstellt werden.
          </p>
        </header>
      )}
    </section>
  );
}

function PanelTitle({ aktenzeichen, onClose }: { aktenzeichen: string; onClose(): void }) {
  return (
    <div className="viewer-title-row">
      <h2 id="letter-title">Bescheid erstellen</h2>
      <span className="letter-case">{aktenzeichen}</span>
      <button
        type="button"
        className="icon-button close-button"
        aria-label="Bescheid schließen (Esc)"
        onClick={onClose}
      >
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
}

/**
 * The panel's body for a case whose law is known. Over 100 lines on purpose: the
 * draft's state, the template and preview requests and the decision are one flow,
 * and the JSX is the panel's layout; the fields and the confirmation are components
 * of their own.
 */
function DecisionLetter({
  detail,
  me,
  law,
  onClose,
  onDirtyChange,
  onDecided,
  onLoginRequired,
}: Props & { law: CaseLaw }) {
  const { commands } = useBackend();
  const aggregate = detail.case;
  const [draft, dispatch] = useReducer(draftReducer, law, initialDraft);
  const [textError, setTextError] = useState<unknown>(null);
  const [decideError, setDecideError] = useState<unknown>(null);
  const [pendingOutcome, setPendingOutcome] = useState<Outcome | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [deciding, setDeciding] = useState(false);
  const [rendered, setRendered] = useState<{ pdf: Uint8Array | undefined; pages: number } | null>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);

  const edited = isEdited(draft);
  const check = checkDraft(draft, law);
  const request: DecisionDraft | null = decisionDraftOf(draft, law);
  const stale = edited ? staleInputs(draft) : [];
  // Someone else may decide or close the case while the panel is open.
  const stillOpen = isOpen(aggregate.status);

  const preview = useLetterPreview(
    (r: DecisionDraft) => commands.letter_preview(aggregate.id, r),
    request,
    aggregate.version,
  );

  useEffect(() => {
    onDirtyChange(edited);
  }, [edited, onDirtyChange]);

  // The editor starts from the template's text for the draft's inputs at that moment
  // (a pause after the last change, so typing reasons loads it once); from then on
  // the text is the caseworker's.
  const waitingForText = needsTemplate(draft) && check.renderable;
  const templateRequest = waitingForText && request ? JSON.stringify({ ...request, edited_text: null }) : null;
  const basisRef = useRef(currentBasis(draft));
  basisRef.current = currentBasis(draft);
  useEffect(() => {
    if (templateRequest === null) return;
    let cancelled = false;
    const asked = JSON.parse(templateRequest) as DecisionDraft;
    const basis = basisRef.current;
    const timer = window.setTimeout(() => {
      setTextError(null);
      commands.letter_text(aggregate.id, asked).then(
        (text) => {
          if (!cancelled && basis) dispatch({ type: "templateLoaded", outcome: asked.outcome, basis, text });
        },
        (error: unknown) => {
          if (!cancelled) setTextError(error);
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [commands, aggregate.id, templateRequest]);

  const chooseOutcome = (next: Outcome) => {
    if (outcomeChangeNeedsConfirmation(draft, next)) setPendingOutcome(next);
    else switchOutcome(next);
  };
  const switchOutcome = (next: Outcome) =>
    dispatch({
      type: "outcome",
      outcome: next,
      feeCents: law.outcomes.find((o) => o.outcome === next)?.fee_cents ?? 0,
    });

  const toggleEditing = () => {
    const opening = !draft.editing;
    setTextError(null);
    dispatch({ type: "toggleEditing" });
    if (opening) requestAnimationFrame(() => textRef.current?.focus());
  };

  const decide = async () => {
    if (!request) return;
    setDeciding(true);
    setDecideError(null);
    try {
      const entry = await commands.decide(aggregate.id, request);
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
  const shownError = decideError ?? textError ?? (check.renderable ? previewError : null);
  // Without reasons a refusal has no letter: no editor, no preview. An invalid fee
  // keeps both as they were (the field says what is wrong).
  const lettered = check.reasonsProblem === null;
  const showEditor = draft.editing && lettered;
  const pending = check.renderable && (preview.state.status === "pending" || preview.state.status === "idle");
  const pages =
    preview.state.status === "ready" && rendered && rendered.pdf === preview.pdf ? rendered.pages : undefined;

  return (
    <>
      <header className="viewer-header letter-header">
        <PanelTitle aktenzeichen={aggregate.aktenzeichen} onClose={onClose} />
        {!stillOpen ? (
          <p className="hint" role="status">
            Der Vorgang ist nicht mehr offen; ein Bescheid kann nicht mehr erlassen werden.
          </p>
        ) : (
          !detail.actions.process && <p className="hint">Zum Erlassen des Bescheids zuerst den Vorgang übernehmen.</p>
        )}
        <DecisionFields law={law} draft={draft} check={check} dispatch={dispatch} onOutcome={chooseOutcome} />
        {stale.length > 0 && (
          <p className="hint warning" role="status" data-testid="letter-text-stale">
            Seit dem Bearbeiten des Textes geändert: {stale.join(", ")}. Bitte prüfen Sie den Text, oder laden Sie mit
            „Vorlage wiederherstellen“ den Text neu (Ihre Änderungen gehen dabei verloren).
          </p>
        )}
        <p className="signature-note" data-testid="letter-signature">
          {signatureText(me)}
        </p>
        <div className="button-row">
          <button
            type="button"
            data-testid="letter-edit"
            aria-pressed={draft.editing}
            aria-controls={showEditor ? "letter-text" : undefined}
            disabled={!lettered && !draft.editing}
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
      <div className={`letter-body${showEditor ? " editing" : ""}`}>
        {showEditor && (
          <div className="letter-editor">
            <label htmlFor="letter-text">Bescheidtext (ohne Schluss)</label>
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
          data-pages={lettered ? pages : undefined}
          data-state={lettered ? preview.state.status : "no-reasons"}
          aria-busy={pending}
        >
          {check.reasonsProblem ? (
            <p className="preview-message" role="status" data-testid="letter-reasons-missing">
              {check.reasonsProblem}
            </p>
          ) : (
            <p className="preview-status" role="status">
              {pending ? "Vorschau wird erstellt…" : ""}
            </p>
          )}
          {lettered && preview.pdf && (
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
            switchOutcome(pendingOutcome);
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
      {confirming && request && (
        <DecisionConfirm
          aggregate={aggregate}
          draft={request}
          me={me}
          deciding={deciding}
          onConfirm={() => void decide()}
          onCancel={() => setConfirming(false)}
        />
      )}
    </>
  );
}
