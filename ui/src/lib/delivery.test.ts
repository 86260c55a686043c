// Tests of how a delivery is worded: the facts in reading order, the period named by
// the law's remedy (never "Widerspruchs-/Klagefrist"), the dispatch a view waits for,
// and the checks of a dispatch date.
import { describe, expect, it } from "vitest";
import { announcedByPost } from "../test/fixtures";
import { deliveryFacts, deliveryTitle, dispatchProblem, pendingDispatchOf } from "./delivery";

const facts = (view = announcedByPost()) => deliveryFacts(view).map((f) => [f.label, f.value]);

describe("delivery facts", () => {
  it("name the Klagefrist for an action at the court, with the dates once announced", () => {
    expect(facts()).toEqual([
      ["Versand", "Post"],
      ["Stand", "Bekannt gegeben"],
      ["Zur Post gegeben am", "06.03.2026"],
      ["Bekanntgabe", "10.03.2026"],
      ["Klagefrist bis", "10.04.2026"],
      ["Gebühr fällig am", "24.03.2026"],
    ]);
  });

  it("name the Widerspruchsfrist where the law gives an objection", () => {
    const labels = facts(announcedByPost({ remedy: "widerspruch" })).map(([label]) => label);
    expect(labels).toContain("Widerspruchsfrist bis");
    expect(labels.join(" ")).not.toContain("Klagefrist");
  });

  it("name the fee's own objection period and announcement where they differ", () => {
    const kag = announcedByPost({ fee_remedy: "widerspruch" });
    expect(facts(kag)).toContainEqual(["Widerspruchsfrist (Gebühr) bis", "10.04.2026"]);
    kag.delivery = {
      ...kag.delivery,
      fee_procedure: "abgaben",
      dates: { ...kag.delivery.dates!, fee_announced: "2026-03-11", fee_remedy_deadline: "2026-04-13" },
    };
    const labels = facts(kag);
    expect(labels).toContainEqual(["Bekanntgabe der Gebühr", "11.03.2026"]);
    expect(labels).toContainEqual(["Widerspruchsfrist (Gebühr) bis", "13.04.2026"]);
    expect(labels).toContainEqual(["Klagefrist bis", "10.04.2026"]);
    // Without a fee of its own remedy there is no such line.
    expect(
      facts()
        .map(([label]) => label)
        .join(" "),
    ).not.toContain("(Gebühr)");
  });

  it("say what is pending before the announcement, and no dates", () => {
    const waiting = announcedByPost({ state: "awaiting_dispatch" });
    waiting.delivery = { ...waiting.delivery, dispatched_on: null, dates: null };
    expect(facts(waiting)).toEqual([
      ["Versand", "Post"],
      ["Stand", "Versand noch nicht erfasst"],
    ]);
    const portal = announcedByPost({ state: "awaiting_retrieval", retrievable_until: "2026-03-15" });
    portal.delivery = {
      ...portal.delivery,
      channel: "portal",
      dispatched_on: null,
      notified_at: "2026-03-05T09:00:00Z",
      dates: null,
    };
    const labels = facts(portal).map(([label]) => label);
    expect(labels).toEqual(["Versand", "Stand", "Bereitgestellt am", "Abrufbar bis"]);
    const served = announcedByPost();
    served.delivery = { ...served.delivery, channel: "zustellung" };
    expect(facts(served)[2]).toEqual(["Zugestellt am", "06.03.2026"]);
  });

  it("titles the decision and the notices, and finds the dispatch each waits for", () => {
    const decision = announcedByPost();
    const notice = announcedByPost({ notice_id: "n1", kind: "fee" });
    expect(deliveryTitle(decision)).toBe("Bescheid");
    expect(deliveryTitle(notice)).toBe("Gebührenbescheid");
    const pending = [
      { notice_id: "n1", title: "Gebührenbescheid", channel: "post" as const, state: "awaiting_dispatch" as const },
    ];
    expect(pendingDispatchOf(decision, pending)).toBeNull();
    expect(pendingDispatchOf(notice, pending)?.title).toBe("Gebührenbescheid");
  });
});

describe("dispatch date", () => {
  it("lies between the day the letter was issued and today", () => {
    expect(dispatchProblem("2026-03-05", "2026-03-05", "2026-03-04", "Bescheid")).toBeNull();
    expect(dispatchProblem("", "2026-03-05", "2026-03-04", "Bescheid")).toContain("Datum wählen");
    expect(dispatchProblem("2026-03-06", "2026-03-05", "2026-03-04", "Bescheid")).toContain("Zukunft");
    expect(dispatchProblem("2026-03-03", "2026-03-05", "2026-03-04", "Bescheid")).toContain("vom 04.03.2026");
  });
});
