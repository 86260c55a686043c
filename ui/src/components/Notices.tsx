// Notices for the caseworker: refused changes, failed actions, confirmations. Read
// out politely by screen readers; errors stay until dismissed, the rest fade.
import { useEffect } from "react";

export interface Notice {
  id: number;
  tone: "info" | "error";
  text: string;
  /** A case the notice is about, offered to open. */
  caseId?: string;
  aktenzeichen?: string;
}

interface Props {
  notices: Notice[];
  onDismiss(id: number): void;
  onOpenCase(caseId: string): void;
}

const INFO_LIFETIME_MS = 6000;

export function Notices({ notices, onDismiss, onOpenCase }: Props) {
  useEffect(() => {
    const timers = notices
      .filter((notice) => notice.tone === "info")
      .map((notice) => window.setTimeout(() => onDismiss(notice.id), INFO_LIFETIME_MS));
    return () => timers.forEach((timer) => window.clearTimeout(timer));
  }, [notices, onDismiss]);

  return (
    <section className="notices" aria-label="Hinweise" aria-live="polite" data-testid="notices">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.tone}`} data-testid="notice">
          <span className="notice-text">{notice.text}</span>
          {notice.caseId && (
            <button type="button" className="link-button" onClick={() => onOpenCase(notice.caseId!)}>
              {notice.aktenzeichen ? `${notice.aktenzeichen} öffnen` : "Vorgang öffnen"}
            </button>
          )}
          <button
            type="button"
            className="icon-button"
            aria-label="Hinweis schließen"
            onClick={() => onDismiss(notice.id)}
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
      ))}
    </section>
  );
}
