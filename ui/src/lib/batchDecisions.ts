// Team leads decide many cases at once: the inbox's selection (case id → Aktenzeichen,
// kept when rows scroll away), and what the engine's per-case answers mean for the
// result list and for the selection that remains.
import type { BatchItem, DeliveryChannel } from "../generated/bindings";
import { letterErrorMessage } from "./errors";

/** Selected cases in the order they were picked: case id → Aktenzeichen. */
export type Selection = ReadonlyMap<string, string>;

export interface BatchResult {
  caseId: string;
  aktenzeichen: string;
  ok: boolean;
  /** Why the case was refused, for the team lead. */
  message: string | null;
  /** The channel the decided case's Bescheid goes out on (post needs its dispatch recorded). */
  channel: DeliveryChannel | null;
}

/** Adds the case to the selection, or removes it if it is already selected. */
export function toggleSelection(selection: Selection, caseId: string, aktenzeichen: string): Selection {
  const next = new Map(selection);
  if (next.has(caseId)) next.delete(caseId);
  else next.set(caseId, aktenzeichen);
  return next;
}

/** One result per answer, named by the Aktenzeichen the team lead selected. */
export function batchResults(items: readonly BatchItem[], selection: Selection): BatchResult[] {
  return items.map((item) => {
    const ok = item.entry !== null && item.error === null;
    return {
      caseId: item.case_key,
      aktenzeichen: item.entry?.aktenzeichen ?? selection.get(item.case_key) ?? item.case_key,
      ok,
      message: ok ? null : letterErrorMessage(item.error ?? { code: "unknown", message: "" }),
      channel: item.entry?.command.kind === "record_decision" ? item.entry.command.payload.channel : null,
    };
  });
}

/** The selection without the cases that were decided. */
export function remainingSelection(selection: Selection, results: readonly BatchResult[]): Selection {
  const decided = new Set(results.filter((r) => r.ok).map((r) => r.caseId));
  return new Map([...selection].filter(([caseId]) => !decided.has(caseId)));
}
