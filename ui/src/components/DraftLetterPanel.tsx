// The frame every letter prepared beside a case shares, except the Bescheid with its
// editor: a title row that closes with Esc, the panel's own fields, the button that
// asks to confirm, the error of the preview or of sending, the live preview of the
// letter as it will go out, and the confirmation. Sending hands the draft to the
// engine, which queues it like every change; a refused login returns to the login.
// The hearing, the request for items and the notices after a decision use it.
import { type ReactNode, useState } from "react";
import type { OutboxEntry } from "../generated/bindings";
import { useLetterPreview } from "../hooks/useLetterPreview";
import { letterErrorMessage, toErrorPayload } from "../lib/errors";
import { ConfirmDialog } from "./ModalDialog";
import { PdfViewer } from "./PdfViewer";
import "./LetterPanel.css";

export interface DraftLetterPanelProps<D> {
  /** The prefix of the panel's ids and test ids: `hearing`, `request`, `notice`. */
  name: string;
  title: string;
  aktenzeichen: string;
  /** "Anhörung schließen (Esc)". */
  closeLabel: string;
  /** The draft as the engine takes it, or null while the fields are incomplete. */
  draft: D | null;
  /** The case's version: the preview is made again when the case changes. */
  revision: number;
  /** The letter of a draft, as a base64 PDF. */
  preview(draft: D): Promise<string>;
  /** Queues the draft with its letter. */
  send(draft: D): Promise<OutboxEntry>;
  /** The button's words ("Anhörung beginnen…") and its test id suffix ("start"). */
  action: { label: string; testId: string };
  previewName: string;
  confirm: { title: string; label: string; busyLabel: string; body: ReactNode };
  /** The panel's own fields, between the title row and the button. */
  children: ReactNode;
  onClose(): void;
  onSent(entry: OutboxEntry): void;
  onLoginRequired(): void;
}

/**
 * Over 100 lines on purpose: sending, its errors and the preview are one flow, and
 * the JSX is the frame's layout.
 */
export function DraftLetterPanel<D>(props: DraftLetterPanelProps<D>) {
  const { name, draft } = props;
  const [confirming, setConfirming] = useState(false);
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<unknown>(null);
  const [rendered, setRendered] = useState<{ pdf: Uint8Array | undefined; pages: number } | null>(null);
  const preview = useLetterPreview(props.preview, draft, props.revision);

  const send = async () => {
    if (!draft) return;
    setSending(true);
    setSendError(null);
    try {
      const entry = await props.send(draft);
      setConfirming(false);
      props.onSent(entry);
    } catch (error) {
      setSending(false);
      setConfirming(false);
      setSendError(error);
      if (toErrorPayload(error).code === "login_required") props.onLoginRequired();
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
      data-testid={`${name}-panel`}
      aria-labelledby={`${name}-title`}
      onKeyDown={(e) => {
        if (e.key === "Escape" && !e.defaultPrevented) {
          e.preventDefault();
          e.stopPropagation();
          props.onClose();
        }
      }}
    >
      <header className="viewer-header letter-header">
        <div className="viewer-title-row">
          <h2 id={`${name}-title`}>{props.title}</h2>
          <span className="letter-case">{props.aktenzeichen}</span>
          <button
            type="button"
            className="icon-button close-button"
            aria-label={props.closeLabel}
            onClick={props.onClose}
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
        {props.children}
        <div className="button-row">
          <button
            type="button"
            className="primary"
            data-testid={`${name}-${props.action.testId}`}
            disabled={!draft || sending}
            onClick={() => {
              setSendError(null);
              setConfirming(true);
            }}
          >
            {props.action.label}
          </button>
        </div>
        {shownError !== null && (
          <p
            className="letter-error"
            role="alert"
            data-testid={`${name}-error`}
            data-code={toErrorPayload(shownError).code}
          >
            {letterErrorMessage(shownError)}
          </p>
        )}
      </header>
      <div className="letter-body">
        <div
          className="letter-preview"
          data-testid={`${name}-preview`}
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
              fileName={props.previewName}
              onRendered={(count, data) => setRendered({ pdf: data, pages: count })}
            />
          )}
        </div>
      </div>
      {confirming && draft && (
        <ConfirmDialog
          id={`${name}-confirm`}
          testId={`${name}-confirm-dialog`}
          title={props.confirm.title}
          confirmLabel={sending ? props.confirm.busyLabel : props.confirm.label}
          confirmTestId={`${name}-confirm`}
          busy={sending}
          onConfirm={() => void send()}
          onCancel={() => setConfirming(false)}
        >
          {props.confirm.body}
        </ConfirmDialog>
      )}
    </section>
  );
}
