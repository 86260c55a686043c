// Asks before logging out with wiping the local cache, naming what would be lost.
import { useEffect, useRef } from "react";
import "./ModalDialog.css";

interface Props {
  pending: number;
  onConfirm(): void;
  onCancel(): void;
}

export function WipeDialog({ pending, onConfirm, onCancel }: Props) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    cancelRef.current?.focus();
  }, []);
  return (
    <div className="dialog-backdrop" onClick={onCancel}>
      <div
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="wipe-title"
        aria-describedby="wipe-text"
        data-testid="wipe-dialog"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            e.stopPropagation();
            onCancel();
          }
        }}
      >
        <h2 id="wipe-title">Abmelden und lokale Daten löschen?</h2>
        <p id="wipe-text">
          Alle auf diesem Rechner gespeicherten Vorgänge und Dokumente werden gelöscht; beim nächsten Anmelden werden
          sie neu geladen.
          {pending > 0 && (
            <strong>
              {" "}
              {pending === 1 ? "Eine Änderung ist" : `${pending} Änderungen sind`} noch nicht an das Portal übertragen
              und {pending === 1 ? "geht" : "gehen"} verloren.
            </strong>
          )}
        </p>
        <div className="button-row">
          <button type="button" className="danger" data-testid="wipe-confirm" onClick={onConfirm}>
            Löschen und abmelden
          </button>
          <button ref={cancelRef} type="button" onClick={onCancel}>
            Abbrechen
          </button>
        </div>
      </div>
    </div>
  );
}
