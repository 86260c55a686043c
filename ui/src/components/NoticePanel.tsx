// The notice panel beside a decided case: a Gebührenbescheid, or a Steuerbescheid
// where the registration leads to a tax. The caseworker picks the notice, checks the
// amount and the channel, sees the letter as it will go out, and issues it. Issuing
// queues the notice with its letter like every command, offline too; its delivery
// then appears in the case's "Entscheidung und Gebühr" section.
import { useReducer, useState } from "react";
import { useBackend } from "../backend";
import {
  type CaseDetail,
  DELIVERY_CHANNEL_LABELS,
  NOTICE_KIND_LABELS,
  type NoticeDraft,
  type OutboxEntry,
} from "../generated/bindings";
import { useLetterPreview } from "../hooks/useLetterPreview";
import { formatCents } from "../lib/dates";
import { nextStepAfterIssuing } from "../lib/delivery";
import { letterErrorMessage, toErrorPayload } from "../lib/errors";
import {
  amountProblem,
  initialNotice,
  noticeChannels,
  noticeDraftOf,
  noticeKinds,
  noticeReducer,
} from "../lib/noticeDraft";
import { ConfirmDialog } from "./ModalDialog";
import { PdfViewer } from "./PdfViewer";
import "./LetterPanel.css";

interface Props {
  detail: CaseDetail;
  onClose(): void;
  onIssued(entry: OutboxEntry): void;
  onLoginRequired(): void;
}

/**
 * Over 100 lines on purpose: the form, the preview and issuing are one flow, and
 * the JSX is the panel's layout.
 */
export function NoticePanel({ detail, onClose, onIssued, onLoginRequired }: Props) {
  const { commands } = useBackend();
  const aggregate = detail.case;
  const [form, dispatch] = useReducer(noticeReducer, detail, initialNotice);
  const [confirming, setConfirming] = useState(false);
  const [issuing, setIssuing] = useState(false);
  const [issueError, setIssueError] = useState<unknown>(null);
  const [rendered, setRendered] = useState<{ pdf: Uint8Array | undefined; pages: number } | null>(null);
  const draft = noticeDraftOf(form, detail);
  const problem = amountProblem(form);
  const kinds = noticeKinds(detail);
  const channels = noticeChannels(form.kind, detail);
  const preview = useLetterPreview(
    (d: NoticeDraft) => commands.notice_preview(aggregate.id, d),
    draft,
    aggregate.version,
  );
  const title = NOTICE_KIND_LABELS[form.kind];

  const issue = async () => {
    if (!draft) return;
    setIssuing(true);
    setIssueError(null);
    try {
      const entry = await commands.issue_notice(aggregate.id, draft);
      setConfirming(false);
      onIssued(entry);
    } catch (error) {
      setIssuing(false);
      setConfirming(false);
      setIssueError(error);
      if (toErrorPayload(error).code === "login_required") onLoginRequired();
    }
  };

  const previewError = preview.state.status === "error" ? preview.state.error : null;
  const shownError = issueError ?? (draft ? previewError : null);
  const pending = draft !== null && (preview.state.status === "pending" || preview.state.status === "idle");
  const pages =
    draft && preview.state.status === "ready" && rendered && rendered.pdf === preview.pdf ? rendered.pages : undefined;

  return (
    <section
      className="letter-panel"
      data-testid="notice-panel"
      aria-labelledby="notice-title"
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
          <h2 id="notice-title">{title}</h2>
          <span className="letter-case">{aggregate.aktenzeichen}</span>
          <button
            type="button"
            className="icon-button close-button"
            aria-label="Bescheid nach der Entscheidung schließen (Esc)"
            onClick={onClose}
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
        <div className="letter-fields">
          {kinds.length > 1 && (
            <div className="field">
              <label htmlFor="notice-kind">Art</label>
              <select
                id="notice-kind"
                data-testid="notice-kind"
                autoFocus
                value={form.kind}
                onChange={(e) => dispatch({ type: "kind", kind: e.target.value as typeof form.kind, detail })}
              >
                {kinds.map((kind) => (
                  <option key={kind} value={kind}>
                    {NOTICE_KIND_LABELS[kind]}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div className="field">
            <label htmlFor="notice-amount">{form.kind === "tax" ? "Jahressteuer" : "Gebühr"}</label>
            <input
              id="notice-amount"
              data-testid="notice-amount"
              inputMode="decimal"
              autoFocus={kinds.length === 1}
              value={form.amount}
              aria-invalid={problem !== null}
              aria-describedby={problem ? "notice-amount-error" : undefined}
              onChange={(e) => dispatch({ type: "amount", text: e.target.value })}
            />
            {problem && (
              <p id="notice-amount-error" className="field-error">
                {problem}
              </p>
            )}
          </div>
        </div>
        <fieldset className="field channel-field" data-testid="notice-channel">
          <legend>Bekanntgabe</legend>
          {channels.map((choice) => (
            <div key={choice.channel} className="channel-option">
              <label>
                <input
                  type="radio"
                  name="notice-channel"
                  value={choice.channel}
                  data-testid={`notice-channel-${choice.channel}`}
                  checked={form.channel === choice.channel}
                  disabled={!choice.allowed}
                  aria-describedby={choice.reason ? `notice-channel-${choice.channel}-reason` : undefined}
                  onChange={() => dispatch({ type: "channel", channel: choice.channel })}
                />
                {DELIVERY_CHANNEL_LABELS[choice.channel]}
              </label>
              {choice.reason && (
                <p id={`notice-channel-${choice.channel}-reason`} className="hint channel-reason">
                  {choice.reason}
                </p>
              )}
            </div>
          ))}
          {form.kind === "tax" && <p className="hint">Steuerbescheide werden per Post bekannt gegeben.</p>}
        </fieldset>
        <div className="button-row">
          <button
            type="button"
            className="primary"
            data-testid="notice-issue"
            disabled={!draft || issuing}
            onClick={() => {
              setIssueError(null);
              setConfirming(true);
            }}
          >
            {title} erlassen…
          </button>
        </div>
        {shownError !== null && (
          <p
            className="letter-error"
            role="alert"
            data-testid="notice-error"
            data-code={toErrorPayload(shownError).code}
          >
            {letterErrorMessage(shownError)}
          </p>
        )}
      </header>
      <div className="letter-body">
        <div
          className="letter-preview"
          data-testid="notice-preview"
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
              fileName={`Vorschau: ${title}`}
              onRendered={(count, data) => setRendered({ pdf: data, pages: count })}
            />
          )}
        </div>
      </div>
      {confirming && draft && (
        <ConfirmDialog
          id="notice-confirm"
          testId="notice-confirm-dialog"
          title={`${title} erlassen?`}
          confirmLabel={issuing ? `${title} wird erlassen …` : `${title} erlassen`}
          confirmTestId="notice-confirm"
          busy={issuing}
          onConfirm={() => void issue()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            {title} über <strong>{formatCents(draft.amount_cents ?? 0)}</strong>, Bekanntgabe:{" "}
            {DELIVERY_CHANNEL_LABELS[form.channel]}.
          </p>
          <p>
            {nextStepAfterIssuing(form.channel)} Ohne Verbindung zum Portal wird er übertragen, sobald die Verbindung
            wieder besteht.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
