// Tests of the notice draft: the fee notice starts at the case's fee on the decision's
// channel, the tax notice at the bylaw's yearly tax by post and only where a tax
// follows, amounts are checked, and channels the law closes are never drafted.
import { describe, expect, it } from "vitest";
import type { CaseDetail } from "../generated/bindings";
import { sampleDetail, sampleLaw } from "../test/fixtures";
import { amountProblem, initialNotice, noticeDraftOf, noticeKinds, noticeReducer } from "./noticeDraft";

function decided(taxCents: number | null = null): CaseDetail {
  const detail = sampleDetail();
  detail.case.status = "decided";
  detail.case.fee = { kassenzeichen: "5.0001.000123.4", amount_cents: 2600, status: "open" };
  detail.law = sampleLaw({ tax_annual_cents: taxCents, default_channel: "post" });
  return detail;
}

describe("notice draft", () => {
  it("starts as a fee notice over the case's fee on the decision's channel", () => {
    const detail = decided();
    expect(noticeKinds(detail)).toEqual(["fee"]);
    const form = initialNotice(detail);
    expect(form).toEqual({ kind: "fee", amount: "26,00 €", channel: "post" });
    expect(noticeDraftOf(form, detail)).toEqual({
      kind: "fee",
      amount_cents: 2600,
      channel: "post",
      edited_text: null,
    });
  });

  it("offers a tax notice over the yearly tax, by post, where the registration leads to a tax", () => {
    const detail = decided(9600);
    expect(noticeKinds(detail)).toEqual(["fee", "tax"]);
    const form = noticeReducer(initialNotice(detail), { type: "kind", kind: "tax", detail });
    expect(form).toEqual({ kind: "tax", amount: "96,00 €", channel: "post" });
    // Choosing the portal for a tax notice never drafts one.
    expect(noticeDraftOf(noticeReducer(form, { type: "channel", channel: "portal" }), detail)).toBeNull();
  });

  it("refuses amounts that assess nothing or cannot be read", () => {
    const detail = decided();
    const zero = noticeReducer(initialNotice(detail), { type: "amount", text: "0,00" });
    expect(amountProblem(zero)).toContain("über 0,00 €");
    expect(noticeDraftOf(zero, detail)).toBeNull();
    const garbled = noticeReducer(zero, { type: "amount", text: "zwölf" });
    expect(amountProblem(garbled)).not.toBeNull();
    const changed = noticeReducer(zero, { type: "amount", text: "1.234,50" });
    expect(amountProblem(changed)).toBeNull();
    expect(noticeDraftOf(changed, detail)?.amount_cents).toBe(123450);
  });

  it("drafts nothing on a channel the law closes", () => {
    const detail = decided();
    const portal = noticeReducer(initialNotice(detail), { type: "channel", channel: "portal" });
    expect(noticeDraftOf(portal, detail)).toBeNull();
  });
});
