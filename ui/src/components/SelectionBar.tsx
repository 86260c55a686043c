// Team leads' selection in the inbox: how many cases are selected, deciding them at
// once (`BatchLetterDialog`) and clearing the selection.
import "./SelectionBar.css";

interface Props {
  /** Selected cases; the bar shows only when there is at least one. */
  count: number;
  onDecide(): void;
  onClear(): void;
}

export function SelectionBar({ count, onDecide, onClear }: Props) {
  return (
    <div className="selection-bar" role="group" aria-label="Auswahl">
      <span data-testid="batch-count">{count === 1 ? "1 Vorgang ausgewählt" : `${count} Vorgänge ausgewählt`}</span>
      <button type="button" className="primary" data-testid="batch-letters" onClick={onDecide}>
        Bescheide erstellen…
      </button>
      <button type="button" className="link-button" onClick={onClear}>
        Auswahl aufheben
      </button>
    </div>
  );
}
