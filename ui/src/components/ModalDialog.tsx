// A modal dialog and a confirmation built on it: focus moves in (to the safe choice
// where there is one), stays inside (Tab wraps), Esc or the backdrop cancels, and
// focus returns to where it was. Keys pressed in a dialog never reach the desk's
// shortcuts.
import { type KeyboardEvent, type ReactNode, type RefObject, useEffect, useRef } from "react";
import "./ModalDialog.css";

const FOCUSABLE =
  'button:not(:disabled), [href], input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';

interface ModalProps {
  labelledBy: string;
  describedBy?: string;
  /** `alertdialog` for confirmations of consequential actions. */
  role?: "dialog" | "alertdialog";
  testId?: string;
  className?: string;
  /** What gets focus first; else the first focusable control. */
  initialFocus?: RefObject<HTMLElement | null>;
  /** Esc or a click on the backdrop. */
  onCancel(): void;
  children: ReactNode;
}

export function ModalDialog(props: ModalProps) {
  const { labelledBy, describedBy, role = "dialog", testId, className, initialFocus, onCancel, children } = props;
  const dialogRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const first = initialFocus?.current ?? dialogRef.current?.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? dialogRef.current)?.focus();
    return () => {
      if (previous?.isConnected) previous.focus();
    };
    // Focus moves in once, when the dialog opens.
  }, []);

  const trapTab = (event: KeyboardEvent) => {
    const focusable = [...(dialogRef.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
    if (focusable.length === 0) {
      event.preventDefault();
      return;
    }
    const first = focusable[0]!;
    const last = focusable.at(-1)!;
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !dialogRef.current?.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !dialogRef.current?.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="dialog-backdrop" onClick={onCancel}>
      <div
        ref={dialogRef}
        className={`dialog${className ? ` ${className}` : ""}`}
        role={role}
        aria-modal="true"
        aria-labelledby={labelledBy}
        aria-describedby={describedBy}
        data-testid={testId}
        tabIndex={-1}
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          // The desk's shortcuts listen on the window; nothing typed here is for them.
          e.stopPropagation();
          if (e.key === "Escape") {
            e.preventDefault();
            onCancel();
          } else if (e.key === "Tab") {
            trapTab(e);
          }
        }}
      >
        {children}
      </div>
    </div>
  );
}

interface ConfirmProps {
  /** Prefix of the element ids (title, text). */
  id: string;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  confirmTestId?: string;
  cancelLabel?: string;
  /** `danger` for discarding work, `primary` for going ahead. */
  tone?: "primary" | "danger";
  busy?: boolean;
  testId?: string;
  onConfirm(): void;
  onCancel(): void;
}

/** Asks before a consequential step; the cancel button has focus first. */
export function ConfirmDialog(props: ConfirmProps) {
  const { id, title, children, confirmLabel, confirmTestId, cancelLabel = "Abbrechen", tone = "primary" } = props;
  const { busy = false, testId, onConfirm, onCancel } = props;
  const cancelRef = useRef<HTMLButtonElement>(null);
  return (
    <ModalDialog
      role="alertdialog"
      labelledBy={`${id}-title`}
      describedBy={`${id}-text`}
      testId={testId}
      initialFocus={cancelRef}
      onCancel={() => {
        if (!busy) onCancel();
      }}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <div id={`${id}-text`}>{children}</div>
      {/* While busy the buttons only look disabled: a disabled button loses focus,
          and keys would then reach the desk's shortcuts. */}
      <div className="button-row dialog-buttons" aria-busy={busy}>
        <button
          type="button"
          className={tone}
          data-testid={confirmTestId}
          aria-disabled={busy}
          onClick={() => {
            if (!busy) onConfirm();
          }}
        >
          {confirmLabel}
        </button>
        <button
          ref={cancelRef}
          type="button"
          aria-disabled={busy}
          onClick={() => {
            if (!busy) onCancel();
          }}
        >
          {cancelLabel}
        </button>
      </div>
    </ModalDialog>
  );
}
