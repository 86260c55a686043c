// Tests of the Bescheid draft: the outcomes, fees and channel the law gives, reasons
// before a refusal has a letter, edited text, outcome switches that would discard
// edits, stale template answers and inputs that changed after editing, and what goes
// to the engine.
import { describe, expect, it } from "vitest";
import { sampleLaw } from "../test/fixtures";
import {
  type DraftAction,
  type LetterDraft,
  type TextBasis,
  checkDraft,
  decisionDraftOf,
  draftReducer,
  editedText,
  initialDraft,
  isEdited,
  needsTemplate,
  outcomeChangeNeedsConfirmation,
  staleInputs,
} from "./letterDraft";

const TEMPLATE = "# Bescheid\n\nIhrem Antrag wird stattgegeben.";
const LAW = sampleLaw();

function run(draft: LetterDraft, ...actions: DraftAction[]): LetterDraft {
  return actions.reduce(draftReducer, draft);
}

const basis = (overrides: Partial<TextBasis> = {}): TextBasis => ({
  feeCents: 2600,
  reasons: "",
  partialNote: "",
  channel: "post",
  ...overrides,
});

const editing = () =>
  run(
    initialDraft(LAW),
    { type: "toggleEditing" },
    { type: "templateLoaded", outcome: "approved", basis: basis(), text: TEMPLATE },
  );

describe("letter draft", () => {
  it("starts with the outcome applied for, its fee and the default channel, unedited", () => {
    const draft = initialDraft(LAW);
    expect(draft.outcome).toBe("approved");
    expect(draft.feeText).toBe("26,00 €");
    expect(draft.channel).toBe("post");
    expect(editedText(draft)).toBeNull();
    expect(initialDraft(sampleLaw({ default_channel: "zustellung" })).channel).toBe("zustellung");
  });

  it("loads the template when editing starts and counts only real changes as edits", () => {
    let draft = run(initialDraft(LAW), { type: "toggleEditing" });
    expect(needsTemplate(draft)).toBe(true);
    // Typing before the template arrived is ignored (the editor is read-only).
    draft = run(draft, { type: "text", text: "x" });
    expect(draft.text).toBe("");
    draft = run(draft, { type: "templateLoaded", outcome: "approved", basis: basis(), text: TEMPLATE });
    expect(needsTemplate(draft)).toBe(false);
    expect(isEdited(draft)).toBe(false);
    draft = run(draft, { type: "text", text: `${TEMPLATE}\n\nMit Auflage.` });
    expect(editedText(draft)).toBe(`${TEMPLATE}\n\nMit Auflage.`);
    // Typing the template's text again is no edit.
    draft = run(draft, { type: "text", text: TEMPLATE });
    expect(editedText(draft)).toBeNull();
  });

  it("keeps edits when the editor is hidden, and resets to the template", () => {
    let draft = run(editing(), { type: "text", text: "Neu" }, { type: "toggleEditing" });
    expect(draft.editing).toBe(false);
    expect(editedText(draft)).toBe("Neu");
    draft = run(draft, { type: "reset" });
    expect(draft.text).toBe(TEMPLATE);
  });

  it("switches to the new outcome's fee, asking first only when edits would be lost", () => {
    const clean = editing();
    expect(outcomeChangeNeedsConfirmation(clean, "rejected")).toBe(false);
    const edited = run(clean, { type: "text", text: "Neu" });
    expect(outcomeChangeNeedsConfirmation(edited, "approved")).toBe(false);
    expect(outcomeChangeNeedsConfirmation(edited, "rejected")).toBe(true);
    const switched = run(edited, { type: "outcome", outcome: "rejected", feeCents: 1000 });
    expect(switched.feeText).toBe("10,00 €");
    expect(switched.template).toBeNull();
    expect(editedText(switched)).toBeNull();
    expect(needsTemplate(switched)).toBe(true);
  });

  it("drops a template answer for an outcome no longer chosen", () => {
    let draft = run(
      initialDraft(LAW),
      { type: "toggleEditing" },
      { type: "outcome", outcome: "partial", feeCents: 1300 },
    );
    draft = run(draft, { type: "templateLoaded", outcome: "approved", basis: basis(), text: "alt" });
    expect(draft.template).toBeNull();
    draft = run(draft, { type: "templateLoaded", outcome: "partial", basis: basis({ feeCents: 1300 }), text: "teils" });
    expect(draft.text).toBe("teils");
    // A late second answer does not overwrite what the caseworker typed.
    draft = run(
      draft,
      { type: "text", text: "geändert" },
      { type: "templateLoaded", outcome: "partial", basis: basis({ feeCents: 1300 }), text: "x" },
    );
    expect(draft.text).toBe("geändert");
  });

  it("has no letter for a rejection until the caseworker's reasons are written", () => {
    let draft = run(initialDraft(LAW), { type: "outcome", outcome: "rejected", feeCents: 1000 });
    let check = checkDraft(draft, LAW);
    expect(check.reasonsProblem).toContain("Ablehnung braucht Ihre Begründung");
    expect(check.reasonsProblem).toContain("§ 39 VwVfG NRW");
    expect(check).toMatchObject({ renderable: false, ready: false });
    expect(decisionDraftOf(draft, LAW)).toBeNull();
    // Blanks are no reasons.
    draft = run(draft, { type: "reasons", text: "   \n" });
    expect(checkDraft(draft, LAW).renderable).toBe(false);
    draft = run(draft, { type: "reasons", text: "  Der Gehweg ist nur 1,20 m breit. " });
    check = checkDraft(draft, LAW);
    expect(check).toMatchObject({ reasonsProblem: null, renderable: true, ready: true });
    expect(decisionDraftOf(draft, LAW)).toEqual({
      outcome: "rejected",
      fee_cents: 1000,
      reasons: "Der Gehweg ist nur 1,20 m breit.",
      partial_note: null,
      channel: "post",
      edited_text: null,
    });
    // An approval needs none.
    expect(checkDraft(initialDraft(LAW), LAW).reasonsProblem).toBeNull();
  });

  it("refuses a channel the case cannot use, with the engine's reason", () => {
    const draft = run(initialDraft(LAW), { type: "channel", channel: "portal" });
    const check = checkDraft(draft, LAW);
    expect(check.channelProblem).toContain("§ 41 Abs. 2a");
    expect(check.ready).toBe(false);
    expect(checkDraft(run(draft, { type: "channel", channel: "zustellung" }), LAW).channelProblem).toContain(
      "nicht vor",
    );
  });

  it("sends the scope of a partial approval only with a partial approval", () => {
    const partial = run(
      initialDraft(LAW),
      { type: "outcome", outcome: "partial", feeCents: 1300 },
      { type: "reasons", text: "Nur der Parkstreifen." },
      { type: "partialNote", text: "Bewilligt: 12 m² Parkstreifen." },
    );
    expect(decisionDraftOf(partial, LAW)?.partial_note).toBe("Bewilligt: 12 m² Parkstreifen.");
    const approved = run(partial, { type: "outcome", outcome: "approved", feeCents: 2600 });
    expect(decisionDraftOf(approved, LAW)?.partial_note).toBeNull();
  });

  it("checks the fee and the text before deciding", () => {
    expect(checkDraft(initialDraft(LAW), LAW)).toMatchObject({ fee: { ok: true, cents: 2600 }, ready: true });
    const badFee = run(initialDraft(LAW), { type: "fee", text: "abc" });
    expect(checkDraft(badFee, LAW)).toMatchObject({ ready: false, renderable: false, fee: { ok: false } });
    const empty = run(editing(), { type: "text", text: "  \n" });
    expect(checkDraft(empty, LAW)).toMatchObject({ textProblem: "Der Bescheidtext ist leer.", ready: false });
    const loading = run(initialDraft(LAW), { type: "toggleEditing" });
    expect(checkDraft(loading, LAW).ready).toBe(false);
  });

  it("reloads an unedited text when its inputs change, and names them for an edited one", () => {
    let draft = run(editing(), { type: "fee", text: "26,0" });
    // The same amount typed differently changes nothing.
    expect(draft.template).toBe(TEMPLATE);
    draft = run(draft, { type: "reasons", text: "Neue Begründung" });
    expect(needsTemplate(draft)).toBe(true);
    draft = run(draft, {
      type: "templateLoaded",
      outcome: "approved",
      basis: basis({ reasons: "Neue Begründung" }),
      text: "Mit Begründung",
    });
    expect(staleInputs(draft)).toEqual([]);

    draft = run(
      draft,
      { type: "text", text: "Mit Begründung (geprüft)" },
      { type: "fee", text: "12,50" },
      { type: "reasons", text: "Andere Begründung" },
    );
    // The caseworker's text stays; the panel asks them to check it.
    expect(draft.text).toBe("Mit Begründung (geprüft)");
    expect(staleInputs(draft)).toEqual(["Gebühr", "Begründung"]);
    // Restoring the template loads it with the new inputs.
    draft = run(draft, { type: "reset" });
    expect(needsTemplate(draft)).toBe(true);
    expect(isEdited(draft)).toBe(false);
    // An invalid fee is no change.
    draft = run(draft, {
      type: "templateLoaded",
      outcome: "approved",
      basis: basis({ feeCents: 1250, reasons: "Andere Begründung" }),
      text: "Gebühr 12,50 €",
    });
    expect(staleInputs(run(draft, { type: "fee", text: "abc" }))).toEqual([]);
  });
});
