// Tests of the request draft: the engine's candidates start ticked, items can be
// reworded, unticked or added, the answer date is checked like a hearing's and the
// message follows it, and only a complete request is drafted.
import { describe, expect, it } from "vitest";
import type { CaseDetail } from "../generated/bindings";
import { sampleDetail, sampleLaw } from "../test/fixtures";
import {
  type RequestAction,
  type RequestForm,
  checkRequest,
  initialRequest,
  requestDraftOf,
  requestEdited,
  requestReducer,
} from "./requestDraft";

const TODAY = "2026-03-05";

function detail(): CaseDetail {
  const d = sampleDetail();
  d.law = sampleLaw();
  d.request_candidates = [
    {
      kind: "insurance",
      description: "Haftpflichtversicherung – erneut einreichen: abgelaufen",
      replaces: "doc-1",
    },
    { kind: "photo", description: "Foto des Hundes", replaces: null },
  ];
  return d;
}

const run = (form: RequestForm, ...actions: RequestAction[]) => actions.reduce(requestReducer, form);

describe("request draft", () => {
  it("starts with the engine's items ticked and the law's answer date", () => {
    const form = initialRequest(detail());
    expect(form.items.map((c) => [c.chosen, c.offered])).toEqual([
      [true, true],
      [true, true],
    ]);
    expect(form.answerDue).toBe("2026-03-19");
    expect(form.message).toContain("bis zum 19.03.2026");
    expect(requestEdited(form, detail())).toBe(false);
  });

  it("drafts the ticked items as worded, linked to what they replace", () => {
    const form = run(
      initialRequest(detail()),
      { type: "toggle", index: 1 },
      { type: "add" },
      { type: "describe", index: 2, text: " Vollmacht der Halterin " },
      { type: "reason", text: "Der Nachweis ist abgelaufen." },
    );
    expect(requestEdited(form, detail())).toBe(true);
    expect(requestDraftOf(form, TODAY)).toEqual({
      items: [
        {
          kind: "insurance",
          description: "Haftpflichtversicherung – erneut einreichen: abgelaufen",
          replaces: "doc-1",
        },
        { kind: null, description: "Vollmacht der Halterin", replaces: null },
      ],
      reason: "Der Nachweis ist abgelaufen.",
      answer_due: "2026-03-19",
      message: form.message,
    });
    // A free item can be removed, an offered one only unticked.
    expect(run(form, { type: "remove", index: 2 }).items).toHaveLength(2);
    expect(run(form, { type: "remove", index: 0 }).items).toHaveLength(3);
  });

  it("asks for at least one described item, a reason and a future date", () => {
    let form = run(initialRequest(detail()), { type: "toggle", index: 0 }, { type: "toggle", index: 1 });
    expect(checkRequest(form, TODAY).itemsProblem).toContain("mindestens eine");
    form = run(form, { type: "add" });
    expect(checkRequest(form, TODAY).itemsProblem).toContain("beschreiben");
    form = run(form, { type: "describe", index: 2, text: "Meldebescheinigung" });
    expect(checkRequest(form, TODAY).itemsProblem).toBeNull();
    expect(checkRequest(form, TODAY).reasonProblem).not.toBeNull();
    form = run(form, { type: "reason", text: "fehlt" });
    expect(requestDraftOf(form, TODAY)).not.toBeNull();
    expect(checkRequest({ ...form, answerDue: TODAY }, TODAY).dateProblem).toContain("Zukunft");
  });

  it("moves a weekend day to the working day the engine names; the message follows", () => {
    let form = run(initialRequest(detail()), { type: "reason", text: "fehlt" }, { type: "picked", date: "2026-03-21" });
    expect(requestDraftOf(form, TODAY)).toBeNull();
    const note = "Der 21.03.2026 ist ein Samstag; eine Frist muss an einem Werktag enden.";
    form = run(form, { type: "checked", deadline: { picked: "2026-03-21", due: "2026-03-23", note } });
    expect(form).toMatchObject({ answerDue: "2026-03-23", note, checking: false });
    expect(form.message).toContain("bis zum 23.03.2026");
    expect(requestDraftOf(form, TODAY)?.answer_due).toBe("2026-03-23");
  });
});
