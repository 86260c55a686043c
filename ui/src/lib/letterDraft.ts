// The Bescheid a caseworker is preparing: outcome, fee, and the letter text when they
// edit it. Pure state and rules, so the panel stays a thin view:
//
// - The text counts as edited only when it differs from the template's text for the
//   chosen outcome; only then does it go to the engine (`edited_text`), and only then
//   does the letter name the caseworker as responsible (§ 37 Abs. 5 VwVfG: a letter
//   made automatically from the template is valid without a signature).
// - Switching the outcome discards edits, so the panel asks first when there are any.
// - The template's text names the fee entered when it was loaded. A new fee reloads
//   an unedited text; an edited one is the caseworker's, so they are told to check
//   its amounts (and "Vorlage wiederherstellen" loads the text with the new fee).
import type { Outcome } from "../generated/bindings";
import { type EuroParse, formatEuroInput, parseEuro } from "./money";

export const OUTCOMES: readonly Outcome[] = ["approved", "rejected", "partial"];

/** Which signature rule the letter follows. */
export type Signature = "automated" | "responsible";

export interface LetterDraft {
  outcome: Outcome;
  /** The fee field as typed. */
  feeText: string;
  /** Whether the text editor is shown. */
  editing: boolean;
  /** The template's text for `outcome`, once loaded (loaded when editing starts). */
  template: string | null;
  /** The editor's text; equals `template` until the caseworker changes it. */
  text: string;
  /** The fee (cents) the template's text was made with. */
  templateFeeCents: number | null;
}

export type DraftAction =
  | { type: "outcome"; outcome: Outcome }
  | { type: "fee"; text: string }
  | { type: "toggleEditing" }
  | { type: "templateLoaded"; outcome: Outcome; feeCents: number; text: string }
  | { type: "text"; text: string }
  | { type: "reset" };

export function initialDraft(feeCents: number, outcome: Outcome = "approved"): LetterDraft {
  return {
    outcome,
    feeText: formatEuroInput(feeCents),
    editing: false,
    template: null,
    text: "",
    templateFeeCents: null,
  };
}

export function draftReducer(draft: LetterDraft, action: DraftAction): LetterDraft {
  switch (action.type) {
    case "outcome":
      // The template differs per outcome; edits to the old one are dropped (the
      // panel has asked). The new template loads when the editor needs it.
      if (action.outcome === draft.outcome) return draft;
      return { ...draft, outcome: action.outcome, template: null, text: "" };
    case "fee": {
      const next = { ...draft, feeText: action.text };
      // An unedited text follows the fee: it is loaded again with the new amount.
      return !isEdited(draft) && feeChangedSinceText(next) ? { ...next, template: null, text: "" } : next;
    }
    case "toggleEditing":
      return { ...draft, editing: !draft.editing };
    case "templateLoaded":
      // An answer for an outcome no longer chosen, or a second answer, is stale.
      if (action.outcome !== draft.outcome || draft.template !== null) return draft;
      return { ...draft, template: action.text, text: action.text, templateFeeCents: action.feeCents };
    case "text":
      // The editor is read-only until the template arrived.
      if (draft.template === null) return draft;
      return { ...draft, text: action.text };
    case "reset":
      if (draft.template === null) return draft;
      // A template made with an older fee is loaded again.
      if (feeChangedSinceText(draft)) return { ...draft, template: null, text: "" };
      return { ...draft, text: draft.template };
  }
}

/** Whether the fee entered now (when valid) differs from the one the text names. */
export function feeChangedSinceText(draft: LetterDraft): boolean {
  if (draft.template === null || draft.templateFeeCents === null) return false;
  const fee = parseEuro(draft.feeText);
  return fee.ok && fee.cents !== draft.templateFeeCents;
}

/** Whether the caseworker changed the template's text. */
export function isEdited(draft: LetterDraft): boolean {
  return draft.template !== null && draft.text !== draft.template;
}

/** The text to send to the engine: the edited text, or null for the template's. */
export function editedText(draft: LetterDraft): string | null {
  return isEdited(draft) ? draft.text : null;
}

export function signatureOf(draft: LetterDraft): Signature {
  return isEdited(draft) ? "responsible" : "automated";
}

/** Whether choosing `next` would discard edits, so the caseworker must confirm. */
export function outcomeChangeNeedsConfirmation(draft: LetterDraft, next: Outcome): boolean {
  return next !== draft.outcome && isEdited(draft);
}

/** Whether the editor waits for the template's text. */
export function needsTemplate(draft: LetterDraft): boolean {
  return draft.editing && draft.template === null;
}

export interface DraftCheck {
  fee: EuroParse;
  /** Why the edited text cannot go out, if it cannot. */
  textProblem: string | null;
  /** Whether the decision can be made with this draft. */
  ready: boolean;
}

export function checkDraft(draft: LetterDraft): DraftCheck {
  const fee = parseEuro(draft.feeText);
  const textProblem = isEdited(draft) && draft.text.trim() === "" ? "Der Bescheidtext ist leer." : null;
  return { fee, textProblem, ready: fee.ok && textProblem === null && !needsTemplate(draft) };
}
