// Team leads decide the selected cases at once: one outcome, the template's letters
// signed "Im Auftrag" with the team lead's name, each case's fee and channel as its
// law has them. Only outcomes that refuse nothing: a rejection or partial approval
// needs reasons about each case (§ 39 VwVfG NRW), which the engine refuses to take
// for a batch. Shows one result per Aktenzeichen: decided, or why it was refused.
import { useRef, useState } from "react";
import { DELIVERY_CHANNEL_LABELS, type BatchItem, type Outcome, type UserInfo } from "../generated/bindings";
import { type BatchResult, type Selection, batchResults } from "../lib/batchDecisions";
import { actionErrorMessage } from "../lib/errors";
import { decisionLabel } from "../lib/labels";
import { ModalDialog } from "./ModalDialog";
import "./BatchLetterDialog.css";

/** The outcomes a batch may have: those that refuse nothing and so need no reasons per case. */
export const BATCH_OUTCOMES: readonly Outcome[] = ["approved", "receipted"];

interface Props {
  /** The team lead, whose name the letters carry. */
  me: UserInfo;
  selection: Selection;
  decide(caseIds: string[], outcome: Outcome): Promise<BatchItem[]>;
  /** The answers arrived (the desk updates the selection). */
  onResults(results: BatchResult[]): void;
  onClose(): void;
}

type Phase = { kind: "choose"; error: string | null } | { kind: "running" } | { kind: "done"; results: BatchResult[] };

function cases(count: number): string {
  return count === 1 ? "1 Vorgang" : `${count} Vorgänge`;
}

export function BatchLetterDialog({ me, selection, decide, onResults, onClose }: Props) {
  // The cases as selected when the dialog opened; the selection changes with the results.
  const [chosen] = useState(() => [...selection]);
  const [outcome, setOutcome] = useState<Outcome>("approved");
  const [phase, setPhase] = useState<Phase>({ kind: "choose", error: null });
  const closeRef = useRef<HTMLButtonElement>(null);
  const count = chosen.length;

  const run = async () => {
    setPhase({ kind: "running" });
    try {
      const items = await decide(
        chosen.map(([caseId]) => caseId),
        outcome,
      );
      const results = batchResults(items, new Map(chosen));
      onResults(results);
      setPhase({ kind: "done", results });
      requestAnimationFrame(() => closeRef.current?.focus());
    } catch (error) {
      setPhase({ kind: "choose", error: actionErrorMessage(error) });
    }
  };

  const done = phase.kind === "done" ? phase.results : null;
  const succeeded = done?.filter((r) => r.ok).length ?? 0;

  return (
    <ModalDialog
      labelledBy="batch-title"
      describedBy="batch-text"
      testId="batch-dialog"
      className="batch-dialog"
      onCancel={() => {
        if (phase.kind !== "running") onClose();
      }}
    >
      <h2 id="batch-title">Bescheide erstellen</h2>
      {phase.kind === "choose" && (
        <>
          <div id="batch-text">
            <p>
              <strong>{cases(count)}</strong> werden mit dem Text der Vorlage entschieden. Jeder Bescheid endet mit „Im
              Auftrag“ und Ihrem Namen ({me.display_name}); die Gebühr ist jeweils die, die das Recht der Leistung für
              das Ergebnis vorsieht.
            </p>
            <p>
              Jeder Bescheid geht auf dem Weg hinaus, den das Recht der Leistung verlangt, sonst zum Abruf im
              Bürgerportal, wo die antragstellende Person zugestimmt hat, sonst per Post; den Versand per Post erfassen
              Sie danach im Vorgang. Ablehnungen und Teilbewilligungen brauchen eine Begründung zu jedem Fall und werden
              einzeln erlassen.
            </p>
            <p>
              <strong>Das lässt sich nicht rückgängig machen.</strong>
            </p>
          </div>
          <div className="field">
            <label htmlFor="batch-outcome">Ergebnis für alle</label>
            <select
              id="batch-outcome"
              data-testid="batch-outcome"
              value={outcome}
              onChange={(e) => setOutcome(e.target.value as Outcome)}
            >
              {BATCH_OUTCOMES.map((value) => (
                <option key={value} value={value}>
                  {decisionLabel(value)}
                </option>
              ))}
            </select>
          </div>
          <div className="batch-scroll" tabIndex={0} role="region" aria-label="Ausgewählte Vorgänge">
            <ul className="batch-cases">
              {chosen.map(([caseId, aktenzeichen]) => (
                <li key={caseId}>{aktenzeichen}</li>
              ))}
            </ul>
          </div>
          {phase.error && (
            <p className="letter-error" role="alert" data-testid="batch-error">
              {phase.error}
            </p>
          )}
          <div className="button-row dialog-buttons">
            <button type="button" className="primary" data-testid="batch-confirm" onClick={() => void run()}>
              {count === 1 ? "Bescheid erlassen" : `${count} Bescheide erlassen`}
            </button>
            <button type="button" onClick={onClose}>
              Abbrechen
            </button>
          </div>
        </>
      )}
      {phase.kind === "running" && (
        <p id="batch-text" role="status" aria-busy="true">
          {count === 1 ? "Der Bescheid wird erstellt …" : `${count} Bescheide werden erstellt …`}
        </p>
      )}
      {done && (
        <>
          <p id="batch-text" role="status">
            {succeeded} von {count} {count === 1 ? "Bescheid" : "Bescheiden"} erlassen
            {succeeded > 0 && " (werden an das Portal übertragen)"}.
            {succeeded < count && " Nicht entschiedene Vorgänge bleiben ausgewählt."}
            {done.some((r) => r.ok && r.channel !== "portal") &&
              " Den Versand per Post oder Zustellung erfassen Sie danach im jeweiligen Vorgang."}
          </p>
          <div className="batch-scroll" tabIndex={0} role="region" aria-label="Ergebnisse">
            <ul className="batch-results">
              {done.map((result) => (
                <li
                  key={result.caseId}
                  className={`batch-result ${result.ok ? "ok" : "failed"}`}
                  data-testid="batch-result"
                  data-aktenzeichen={result.aktenzeichen}
                  data-ok={result.ok ? "true" : "false"}
                >
                  <span aria-hidden="true">{result.ok ? "✓" : "⚠"}</span>
                  <span className="batch-az">{result.aktenzeichen}</span>
                  <span data-testid="batch-result-text">
                    {result.ok
                      ? `erlassen${result.channel ? ` · ${DELIVERY_CHANNEL_LABELS[result.channel]}` : ""}`
                      : result.message}
                  </span>
                </li>
              ))}
            </ul>
          </div>
          <div className="button-row dialog-buttons">
            <button ref={closeRef} type="button" onClick={onClose}>
              Schließen
            </button>
          </div>
        </>
      )}
    </ModalDialog>
  );
}
