// The document panel beside the case: the shown document (PDF or image), its place
// among the case's documents, and accepting or rejecting it (`a`, `r`).
import { useState } from "react";
import { useBackend } from "../backend";
import type { Shown } from "../lib/deskPanels";
import { verdictLabel } from "../lib/labels";
import { PendingBadge } from "./CaseView";
import { ImageViewer } from "./ImageViewer";
import { PdfViewer } from "./PdfViewer";
import "../styles/viewer.css";
import "./DocumentViewer.css";

interface Props {
  shown: Shown;
  /** Whether the user may review documents on this case. */
  reviewable: boolean;
  rejecting: boolean;
  onRejecting(rejecting: boolean): void;
  onAccept(): void;
  onReject(reason: string): void;
  onPrevious(): void;
  onNext(): void;
  onClose(): void;
}

export function DocumentViewer(props: Props) {
  const { shown, reviewable, rejecting, onRejecting, onAccept, onReject, onPrevious, onNext, onClose } = props;
  const { documentUrl } = useBackend();
  const url = documentUrl(shown.sha256);
  const isPdf = shown.mediaType === "application/pdf";
  const isImage = shown.mediaType.startsWith("image/");
  const review = shown.document?.review ?? null;

  return (
    <section className="document-viewer" aria-labelledby="viewer-title" data-document-id={shown.document?.id}>
      <header className="viewer-header">
        <div className="viewer-title-row">
          <h2 id="viewer-title" title={shown.fileName}>
            {shown.fileName}
          </h2>
          <button
            type="button"
            className="icon-button close-button"
            aria-label="Dokument schließen (Esc)"
            onClick={onClose}
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
        {shown.document && (
          <div className="viewer-nav">
            <button type="button" onClick={onPrevious} disabled={shown.count < 2} aria-label="Vorheriges Dokument ([)">
              <span aria-hidden="true">‹ [</span>
            </button>
            <span>
              Dokument {shown.position} von {shown.count}
            </span>
            <button type="button" onClick={onNext} disabled={shown.count < 2} aria-label="Nächstes Dokument (])">
              <span aria-hidden="true">] ›</span>
            </button>
            <span className={`chip verdict verdict-${review?.verdict ?? "none"}`}>{verdictLabel(review?.verdict)}</span>
            {shown.pending && <PendingBadge />}
          </div>
        )}
        {shown.document && review?.verdict === "rejected" && review.reason && (
          <p className="document-reason">Ablehnungsgrund: {review.reason}</p>
        )}
        {shown.document && (
          <ReviewBar
            key={shown.document.id}
            reviewable={reviewable}
            rejecting={rejecting}
            onRejecting={onRejecting}
            onAccept={onAccept}
            onReject={onReject}
          />
        )}
      </header>
      {isPdf && <PdfViewer url={url} fileName={shown.fileName} />}
      {isImage && <ImageViewer url={url} fileName={shown.fileName} />}
      {!isPdf && !isImage && (
        <p className="viewer-message">Für diesen Dateityp ({shown.mediaType}) gibt es keine Vorschau.</p>
      )}
    </section>
  );
}

function ReviewBar({
  reviewable,
  rejecting,
  onRejecting,
  onAccept,
  onReject,
}: Pick<Props, "reviewable" | "rejecting" | "onRejecting" | "onAccept" | "onReject">) {
  const [reason, setReason] = useState("");
  const cancel = () => {
    setReason("");
    onRejecting(false);
  };
  return (
    <div className="review-bar" role="group" aria-label="Dokument prüfen">
      {!reviewable && <p className="hint">Zum Prüfen zuerst den Vorgang übernehmen.</p>}
      {!rejecting ? (
        <div className="button-row">
          <button type="button" className="accept" data-testid="accept-document" onClick={onAccept}>
            Annehmen <kbd aria-hidden="true">a</kbd>
          </button>
          <button type="button" className="reject" data-testid="reject-document" onClick={() => onRejecting(true)}>
            Ablehnen <kbd aria-hidden="true">r</kbd>
          </button>
        </div>
      ) : (
        <form
          className="reject-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!reason.trim()) return;
            onReject(reason.trim());
            setReason("");
          }}
        >
          <label htmlFor="reject-reason">Ablehnungsgrund</label>
          <input
            id="reject-reason"
            data-testid="reject-reason"
            type="text"
            autoFocus
            required
            value={reason}
            placeholder="z. B. unleserlich, abgelaufen … (Enter bestätigt, Esc bricht ab)"
            onChange={(e) => setReason(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Escape") {
                e.preventDefault();
                e.stopPropagation();
                cancel();
              }
            }}
          />
          <button type="submit" className="reject" data-testid="reject-confirm" disabled={!reason.trim()}>
            Ablehnen bestätigen
          </button>
          <button type="button" onClick={cancel}>
            Abbrechen
          </button>
        </form>
      )}
    </div>
  );
}
