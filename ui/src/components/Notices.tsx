// Notices for the caseworker: refused changes and failed actions. Read out politely
// by screen readers; each stays until dismissed (the desk keeps the last few).
import type { Notice } from "../lib/notices";
import "./Notices.css";

interface Props {
  notices: Notice[];
  onDismiss(id: number): void;
  onOpenCase(caseId: string): void;
}

export function Notices({ notices, onDismiss, onOpenCase }: Props) {
  return (
    <section className="notices" aria-label="Hinweise" aria-live="polite" data-testid="notices">
      {notices.map((notice) => (
        <div key={notice.id} className="notice" data-testid="notice">
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
