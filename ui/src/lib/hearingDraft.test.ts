// Tests of the hearing draft: the default answer date from the law, the engine's
// correction of a weekend or holiday with its note, stale corrections, the message
// that follows the date until it is written by hand, and the checks before starting.
import { describe, expect, it } from "vitest";
import { sampleLaw } from "../test/fixtures";
import {
  type HearingAction,
  type HearingForm,
  checkHearing,
  defaultMessage,
  firstAnswerDay,
  hearingDraftOf,
  hearingReducer,
  initialHearing,
} from "./hearingDraft";

const TODAY = "2026-03-05";

function run(form: HearingForm, ...actions: HearingAction[]): HearingForm {
  return actions.reduce(hearingReducer, form);
}

describe("hearing draft", () => {
  it("starts at the law's answer date with a message naming it", () => {
    const form = initialHearing(sampleLaw());
    expect(form.answerDue).toBe("2026-03-19");
    expect(form.message).toContain("bis zum 19.03.2026");
    expect(initialHearing(null).answerDue).toBe("");
  });

  it("moves a picked weekend day to the working day the engine names, with its note", () => {
    let form = run(initialHearing(sampleLaw()), { type: "picked", date: "2026-03-21" });
    expect(form.checking).toBe(true);
    expect(checkHearing({ ...form, intended: "x" }, TODAY).ready).toBe(false);
    const note = "Der 21.03.2026 ist ein Samstag; eine Frist muss an einem Werktag enden.";
    form = run(form, { type: "checked", deadline: { picked: "2026-03-21", due: "2026-03-23", note } });
    expect(form).toMatchObject({ answerDue: "2026-03-23", note, checking: false });
    expect(form.message).toContain("bis zum 23.03.2026");
    // A check of a date no longer picked changes nothing.
    const later = run(form, { type: "picked", date: "2026-03-25" });
    expect(run(later, { type: "checked", deadline: { picked: "2026-03-21", due: "2026-03-23", note } })).toEqual(later);
    expect(later.note).toBeNull();
  });

  it("keeps a message the caseworker wrote when the date changes", () => {
    let form = run(initialHearing(sampleLaw()), { type: "message", text: "Eigener Text" });
    expect(form.messageEdited).toBe(true);
    form = run(form, { type: "picked", date: "2026-03-25" });
    expect(form.message).toBe("Eigener Text");
    // Writing the default text again lets it follow the date.
    form = run(form, { type: "message", text: defaultMessage("2026-03-25") });
    expect(form.messageEdited).toBe(false);
  });

  it("is ready with an intention, a future date and a message", () => {
    const form = initialHearing(sampleLaw());
    expect(checkHearing(form, TODAY).intendedProblem).toContain("beabsichtigte Entscheidung");
    expect(hearingDraftOf(form, TODAY)).toBeNull();
    const filled = run(form, { type: "intended", text: " Wir beabsichtigen, abzulehnen. " });
    expect(hearingDraftOf(filled, TODAY)).toEqual({
      intended: "Wir beabsichtigen, abzulehnen.",
      answer_due: "2026-03-19",
      message: form.message,
    });
    expect(checkHearing(run(filled, { type: "picked", date: "" }), TODAY).dateProblem).toContain("Bitte wählen");
    const past = { ...filled, answerDue: TODAY };
    expect(checkHearing(past, TODAY).dateProblem).toContain("Zukunft");
    expect(checkHearing(run(filled, { type: "message", text: " " }), TODAY).messageProblem).not.toBeNull();
  });

  it("offers tomorrow as the first day, across month ends", () => {
    expect(firstAnswerDay("2026-03-05")).toBe("2026-03-06");
    expect(firstAnswerDay("2026-02-28")).toBe("2026-03-01");
    expect(firstAnswerDay("2026-12-31")).toBe("2027-01-01");
  });
});
