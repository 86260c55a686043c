// Tests of the Bescheid draft: edited text and the signature rule, outcome switches
// that would discard edits, stale template answers, and the checks before deciding.
import { describe, expect, it } from "vitest";
import {
  type DraftAction,
  type LetterDraft,
  checkDraft,
  draftReducer,
  editedText,
  initialDraft,
  feeChangedSinceText,
  isEdited,
  needsTemplate,
  outcomeChangeNeedsConfirmation,
  signatureOf,
} from "./letterDraft";

const TEMPLATE = "# Bescheid\n\nIhrem Antrag wird stattgegeben.";

function run(draft: LetterDraft, ...actions: DraftAction[]): LetterDraft {
  return actions.reduce(draftReducer, draft);
}

const editing = () =>
  run(
    initialDraft(2600),
    { type: "toggleEditing" },
    { type: "templateLoaded", outcome: "approved", feeCents: 2600, text: TEMPLATE },
  );

describe("letter draft", () => {
  it("starts unedited with the case's fee", () => {
    const draft = initialDraft(2600);
    expect(draft.feeText).toBe("26,00 €");
    expect(draft.outcome).toBe("approved");
    expect(signatureOf(draft)).toBe("automated");
    expect(editedText(draft)).toBeNull();
  });

  it("loads the template when editing starts and counts only real changes as edits", () => {
    let draft = run(initialDraft(0), { type: "toggleEditing" });
    expect(needsTemplate(draft)).toBe(true);
    // Typing before the template arrived is ignored (the editor is read-only).
    draft = run(draft, { type: "text", text: "x" });
    expect(draft.text).toBe("");
    draft = run(draft, { type: "templateLoaded", outcome: "approved", feeCents: 2600, text: TEMPLATE });
    expect(needsTemplate(draft)).toBe(false);
    expect(draft.text).toBe(TEMPLATE);
    expect(isEdited(draft)).toBe(false);
    expect(signatureOf(draft)).toBe("automated");

    draft = run(draft, { type: "text", text: `${TEMPLATE}\n\nMit Auflage.` });
    expect(signatureOf(draft)).toBe("responsible");
    expect(editedText(draft)).toBe(`${TEMPLATE}\n\nMit Auflage.`);

    // Typing the template's text again is no edit.
    draft = run(draft, { type: "text", text: TEMPLATE });
    expect(signatureOf(draft)).toBe("automated");
    expect(editedText(draft)).toBeNull();
  });

  it("keeps edits when the editor is hidden, and resets to the template", () => {
    let draft = run(editing(), { type: "text", text: "Neu" }, { type: "toggleEditing" });
    expect(draft.editing).toBe(false);
    expect(editedText(draft)).toBe("Neu");
    draft = run(draft, { type: "reset" });
    expect(draft.text).toBe(TEMPLATE);
    expect(signatureOf(draft)).toBe("automated");
  });

  it("asks before an outcome switch discards edits, and only then", () => {
    const clean = editing();
    expect(outcomeChangeNeedsConfirmation(clean, "rejected")).toBe(false);
    const edited = run(clean, { type: "text", text: "Neu" });
    expect(outcomeChangeNeedsConfirmation(edited, "approved")).toBe(false);
    expect(outcomeChangeNeedsConfirmation(edited, "rejected")).toBe(true);
    const switched = run(edited, { type: "outcome", outcome: "rejected" });
    expect(switched.template).toBeNull();
    expect(editedText(switched)).toBeNull();
    expect(needsTemplate(switched)).toBe(true);
  });

  it("drops a template answer for an outcome no longer chosen", () => {
    let draft = run(initialDraft(0), { type: "toggleEditing" }, { type: "outcome", outcome: "partial" });
    draft = run(draft, { type: "templateLoaded", outcome: "approved", feeCents: 2600, text: "alt" });
    expect(draft.template).toBeNull();
    draft = run(draft, { type: "templateLoaded", outcome: "partial", feeCents: 2600, text: "teilweise" });
    expect(draft.text).toBe("teilweise");
    // A late second answer does not overwrite what the caseworker typed.
    draft = run(
      draft,
      { type: "text", text: "geändert" },
      { type: "templateLoaded", outcome: "partial", feeCents: 2600, text: "x" },
    );
    expect(draft.text).toBe("geändert");
  });

  it("checks the fee and the text before deciding", () => {
    expect(checkDraft(initialDraft(2600))).toMatchObject({ fee: { ok: true, cents: 2600 }, ready: true });
    const badFee = run(initialDraft(2600), { type: "fee", text: "abc" });
    expect(checkDraft(badFee).ready).toBe(false);
    expect(checkDraft(badFee).fee.ok).toBe(false);
    const empty = run(editing(), { type: "text", text: "  \n" });
    expect(checkDraft(empty)).toMatchObject({ textProblem: "Der Bescheidtext ist leer.", ready: false });
    const loading = run(initialDraft(0), { type: "toggleEditing" });
    expect(checkDraft(loading).ready).toBe(false);
  });

  it("reloads an unedited text for a new fee, and flags an edited one to be checked", () => {
    let draft = run(editing(), { type: "fee", text: "26,0" });
    // The same amount typed differently changes nothing.
    expect(draft.template).toBe(TEMPLATE);
    draft = run(draft, { type: "fee", text: "30,00" });
    expect(needsTemplate(draft)).toBe(true);
    draft = run(draft, { type: "templateLoaded", outcome: "approved", feeCents: 3000, text: "Gebühr 30,00 €" });
    expect(feeChangedSinceText(draft)).toBe(false);

    draft = run(draft, { type: "text", text: "Gebühr 30,00 € (geprüft)" }, { type: "fee", text: "12,50" });
    // The caseworker's text stays; the panel asks them to check its amounts.
    expect(draft.text).toBe("Gebühr 30,00 € (geprüft)");
    expect(feeChangedSinceText(draft)).toBe(true);
    expect(signatureOf(draft)).toBe("responsible");
    // Restoring the template loads it with the new fee.
    draft = run(draft, { type: "reset" });
    expect(needsTemplate(draft)).toBe(true);
    expect(isEdited(draft)).toBe(false);
    // An invalid fee is no change.
    draft = run(draft, { type: "templateLoaded", outcome: "approved", feeCents: 1250, text: "Gebühr 12,50 €" });
    expect(feeChangedSinceText(run(draft, { type: "fee", text: "abc" }))).toBe(false);
  });
});
