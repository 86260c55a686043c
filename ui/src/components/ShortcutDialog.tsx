// The overview of all keyboard shortcuts (`?`), as a modal dialog.
import { useEffect, useRef } from "react";
import { SHORTCUTS } from "../lib/shortcuts";
import "./ModalDialog.css";
import "./ShortcutDialog.css";

export function ShortcutDialog({ onClose }: { onClose(): void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeRef.current?.focus();
    return () => previous?.focus();
  }, []);

  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        data-testid="shortcuts"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === "Escape" || e.key === "?") {
            e.preventDefault();
            e.stopPropagation();
            onClose();
          } else if (e.key === "Tab") {
            // One focusable control: keep focus inside the dialog.
            e.preventDefault();
            closeRef.current?.focus();
          }
        }}
      >
        <h2 id="shortcuts-title">Tastenkürzel</h2>
        <table className="shortcut-table">
          <thead>
            <tr>
              <th scope="col">Taste</th>
              <th scope="col">Wirkung</th>
            </tr>
          </thead>
          <tbody>
            {SHORTCUTS.map((shortcut) => (
              <tr key={shortcut.action}>
                <td>
                  {shortcut.display.map((key, i) => (
                    <span key={key}>
                      {i > 0 && " oder "}
                      <kbd>{key}</kbd>
                    </span>
                  ))}
                </td>
                <td>{shortcut.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="dialog-hint">Kürzel wirken nicht, solange Sie in einem Eingabefeld schreiben.</p>
        <button ref={closeRef} type="button" onClick={onClose}>
          Schließen
        </button>
      </div>
    </div>
  );
}
