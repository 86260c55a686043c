// The Bescheid a caseworker is preparing: outcome, fee, reasons, delivery channel, and
// the letter text when they edit it. Pure state and rules, so the panel stays a thin
// view. What the law allows (outcomes, channels, which outcomes need reasons) comes
// from the engine as `CaseLaw`; this module only keeps the caseworker's choices:
//
// - A rejection or partial approval needs the caseworker's reasons for this case
//   (§ 39 VwVfG NRW): until they are written there is no letter to preview or edit.
// - The text counts as edited only when it differs from the template's text for the
//   chosen outcome and inputs; only then does it go to the engine (`edited_text`).
//   Every letter ends with "Im Auftrag" and the caseworker's name, which the engine
//   adds after the text: the closing is never part of what is edited.
// - Switching the outcome discards edits, so the panel asks first when there are any.
// - The template's text names the fee, reasons and channel entered when it was
//   loaded. A change reloads an unedited text; an edited one is the caseworker's, so
//   they are told which inputs changed since ("Vorlage wiederherstellen" reloads).
import type { CaseLaw, DecisionDraft, DeliveryChannel, Outcome } from "../generated/bindings";
import { decisionLabel } from "./labels";
import { type EuroParse, formatEuroInput, parseEuro } from "./money";

/** The inputs a template text was made with. */
export interface TextBasis {
  feeCents: number;
  reasons: string;
  partialNote: string;
  channel: DeliveryChannel;
}

export interface LetterDraft {
  outcome: Outcome;
  /** The fee field as typed. */
  feeText: string;
  /** The caseworker's reasons for this case, as typed. */
  reasons: string;
  /** For a partial approval: what is granted and what is refused. */
  partialNote: string;
  channel: DeliveryChannel;
  /** Whether the text editor is shown. */
  editing: boolean;
  /** The template's text for `outcome` and `basis`, once loaded (when editing starts). */
  template: string | null;
  /** The editor's text; equals `template` until the caseworker changes it. */
  text: string;
  /** The inputs `template` was made with. */
  basis: TextBasis | null;
}

export type DraftAction =
  /** `feeCents`: the fee the law assesses for the new outcome. */
  | { type: "outcome"; outcome: Outcome; feeCents: number }
  | { type: "fee"; text: string }
  | { type: "reasons"; text: string }
  | { type: "partialNote"; text: string }
  | { type: "channel"; channel: DeliveryChannel }
  | { type: "toggleEditing" }
  | { type: "templateLoaded"; outcome: Outcome; basis: TextBasis; text: string }
  | { type: "text"; text: string }
  | { type: "reset" };

/** A draft of the outcome applied for, with its fee and the default channel. */
export function initialDraft(law: CaseLaw): LetterDraft {
  const first = law.outcomes[0];
  return {
    outcome: first?.outcome ?? "approved",
    feeText: formatEuroInput(first?.fee_cents ?? 0),
    reasons: "",
    partialNote: "",
    channel: law.default_channel,
    editing: false,
    template: null,
    text: "",
    basis: null,
  };
}

export function draftReducer(draft: LetterDraft, action: DraftAction): LetterDraft {
  switch (action.type) {
    case "outcome":
      // The template differs per outcome, and so does the fee; edits to the old
      // text are dropped (the panel has asked). The new template loads when needed.
      if (action.outcome === draft.outcome) return draft;
      return {
        ...draft,
        outcome: action.outcome,
        feeText: formatEuroInput(action.feeCents),
        template: null,
        text: "",
        basis: null,
      };
    case "fee":
      return followInputs(draft, { ...draft, feeText: action.text });
    case "reasons":
      return followInputs(draft, { ...draft, reasons: action.text });
    case "partialNote":
      return followInputs(draft, { ...draft, partialNote: action.text });
    case "channel":
      return followInputs(draft, { ...draft, channel: action.channel });
    case "toggleEditing":
      return { ...draft, editing: !draft.editing };
    case "templateLoaded":
      // An answer for an outcome no longer chosen, or a second answer, is stale.
      if (action.outcome !== draft.outcome || draft.template !== null) return draft;
      return { ...draft, template: action.text, text: action.text, basis: action.basis };
    case "text":
      // The editor is read-only until the template arrived.
      if (draft.template === null) return draft;
      return { ...draft, text: action.text };
    case "reset":
      if (draft.template === null) return draft;
      // A template made with older inputs is loaded again.
      if (staleInputs(draft).length > 0) return { ...draft, template: null, text: "", basis: null };
      return { ...draft, text: draft.template };
  }
}

/** An unedited text follows the inputs: it is loaded again when they changed. */
function followInputs(before: LetterDraft, next: LetterDraft): LetterDraft {
  return !isEdited(before) && staleInputs(next).length > 0 ? { ...next, template: null, text: "", basis: null } : next;
}

/** The inputs as they stand, when the fee is valid. */
export function currentBasis(draft: LetterDraft): TextBasis | null {
  const fee = parseEuro(draft.feeText);
  if (!fee.ok) return null;
  return {
    feeCents: fee.cents,
    reasons: draft.reasons.trim(),
    partialNote: draft.partialNote.trim(),
    channel: draft.channel,
  };
}

/** What changed since the template's text was made ("Gebühr", "Begründung", …). */
export function staleInputs(draft: LetterDraft): string[] {
  const basis = draft.basis;
  const now = currentBasis(draft);
  if (draft.template === null || basis === null || now === null) return [];
  const changed: string[] = [];
  if (now.feeCents !== basis.feeCents) changed.push("Gebühr");
  if (now.reasons !== basis.reasons) changed.push("Begründung");
  if (now.partialNote !== basis.partialNote) changed.push("Umfang der Teilbewilligung");
  if (now.channel !== basis.channel) changed.push("Versandweg");
  return changed;
}

/** Whether the caseworker changed the template's text. */
export function isEdited(draft: LetterDraft): boolean {
  return draft.template !== null && draft.text !== draft.template;
}

/** The text to send to the engine: the edited text, or null for the template's. */
export function editedText(draft: LetterDraft): string | null {
  return isEdited(draft) ? draft.text : null;
}

/** Whether choosing `next` would discard edits, so the caseworker must confirm. */
export function outcomeChangeNeedsConfirmation(draft: LetterDraft, next: Outcome): boolean {
  return next !== draft.outcome && isEdited(draft);
}

/** Whether the editor waits for the template's text. */
export function needsTemplate(draft: LetterDraft): boolean {
  return draft.editing && draft.template === null;
}

/** Whether the law makes `outcome` a refusal that needs the caseworker's reasons. */
export function needsReasons(law: CaseLaw, outcome: Outcome): boolean {
  return law.outcomes.find((o) => o.outcome === outcome)?.needs_reasons ?? false;
}

export interface DraftCheck {
  fee: EuroParse;
  /** Why there is no letter yet: a refusal without reasons. */
  reasonsProblem: string | null;
  /** Why the chosen channel cannot be used. */
  channelProblem: string | null;
  /** Why the edited text cannot go out, if it cannot. */
  textProblem: string | null;
  /** Whether the letter can be made (previewed, its text loaded). */
  renderable: boolean;
  /** Whether the decision can be made with this draft. */
  ready: boolean;
}

export function checkDraft(draft: LetterDraft, law: CaseLaw): DraftCheck {
  const fee = parseEuro(draft.feeText);
  const reasonsProblem =
    needsReasons(law, draft.outcome) && draft.reasons.trim() === ""
      ? `Eine ${decisionLabel(draft.outcome)} braucht Ihre Begründung zu diesem Fall (§ 39 VwVfG NRW). ` +
        "Bitte tragen Sie sie ein; erst dann wird der Bescheid erstellt."
      : null;
  const choice = law.channels.find((c) => c.channel === draft.channel);
  const channelProblem = !choice
    ? "Diesen Versandweg sieht das Recht der Leistung nicht vor."
    : choice.allowed
      ? null
      : (choice.reason ?? "Dieser Versandweg ist für den Vorgang nicht möglich.");
  const textProblem = isEdited(draft) && draft.text.trim() === "" ? "Der Bescheidtext ist leer." : null;
  const renderable = fee.ok && reasonsProblem === null;
  return {
    fee,
    reasonsProblem,
    channelProblem,
    textProblem,
    renderable,
    ready: renderable && channelProblem === null && textProblem === null && !needsTemplate(draft),
  };
}

/** The draft as the engine takes it, or null while it cannot be rendered. */
export function decisionDraftOf(draft: LetterDraft, law: CaseLaw): DecisionDraft | null {
  const check = checkDraft(draft, law);
  if (!check.renderable || !check.fee.ok) return null;
  const reasons = draft.reasons.trim();
  const partialNote = draft.partialNote.trim();
  return {
    outcome: draft.outcome,
    fee_cents: check.fee.cents,
    reasons: reasons === "" ? null : reasons,
    partial_note: draft.outcome === "partial" && partialNote !== "" ? partialNote : null,
    channel: draft.channel,
    edited_text: editedText(draft),
  };
}
