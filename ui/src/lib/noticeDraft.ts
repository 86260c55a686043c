// A notice after the decision that a caseworker is preparing: a Gebührenbescheid
// (the fee assessed separately from the decision) or, where the registration leads
// to a local tax, a Steuerbescheid. Pure state and rules, so the panel stays a thin
// view:
//
// - A fee notice assesses the case's fee unless the caseworker changes it, and goes
//   out like the decision: on the channel the law requires, else the portal where
//   the applicant consented, else by post (`CaseLaw.default_channel`); only channels
//   the law allows can be chosen.
// - A tax notice assesses the yearly tax the bylaw sets unless changed, and goes by
//   post: the engine refuses portal retrieval under the AO.
// - The amount is typed in German format and must be above zero: a notice assesses
//   something.
import {
  type CaseDetail,
  type DeliveryChannel,
  NOTICE_KIND_LABELS,
  type NoticeDraft,
  type NoticeKind,
} from "../generated/bindings";
import { formatEuroInput, parseEuro } from "./money";

export interface NoticeForm {
  kind: NoticeKind;
  /** The amount as typed, e.g. "30,00 €". */
  amount: string;
  channel: DeliveryChannel;
}

export type NoticeAction =
  | { type: "kind"; kind: NoticeKind; detail: CaseDetail }
  | { type: "amount"; text: string }
  | { type: "channel"; channel: DeliveryChannel };

/** The notices this case may get: a fee notice always, a tax notice where its law sets a tax. */
export function noticeKinds(detail: CaseDetail): NoticeKind[] {
  return detail.law?.tax_annual_cents != null ? ["fee", "tax"] : ["fee"];
}

/** The amount a notice of `kind` assesses unless the caseworker changes it. */
function defaultCents(kind: NoticeKind, detail: CaseDetail): number {
  if (kind === "tax") return detail.law?.tax_annual_cents ?? 0;
  return detail.case.fee?.amount_cents ?? detail.case.decision?.fee_cents ?? 0;
}

/** The channels a notice of `kind` may go out on, each with why not where it may not. */
export function noticeChannels(
  kind: NoticeKind,
  detail: CaseDetail,
): { channel: DeliveryChannel; allowed: boolean; reason: string | null }[] {
  if (kind === "tax") return [{ channel: "post", allowed: true, reason: null }];
  return detail.law?.channels ?? [{ channel: "post", allowed: true, reason: null }];
}

function defaultChannel(kind: NoticeKind, detail: CaseDetail): DeliveryChannel {
  return kind === "tax" ? "post" : (detail.law?.default_channel ?? "post");
}

export function initialNotice(detail: CaseDetail): NoticeForm {
  const kind = noticeKinds(detail)[0]!;
  return { kind, amount: formatEuroInput(defaultCents(kind, detail)), channel: defaultChannel(kind, detail) };
}

export function noticeReducer(form: NoticeForm, action: NoticeAction): NoticeForm {
  switch (action.type) {
    case "kind":
      if (action.kind === form.kind) return form;
      return {
        kind: action.kind,
        amount: formatEuroInput(defaultCents(action.kind, action.detail)),
        channel: defaultChannel(action.kind, action.detail),
      };
    case "amount":
      return { ...form, amount: action.text };
    case "channel":
      return { ...form, channel: action.channel };
  }
}

/** What is wrong with the amount, or null. */
export function amountProblem(form: NoticeForm): string | null {
  const parsed = parseEuro(form.amount);
  if (!parsed.ok) return parsed.message;
  if (parsed.cents <= 0) return `Ein ${NOTICE_KIND_LABELS[form.kind]} setzt einen Betrag über 0,00 € fest.`;
  return null;
}

/** The draft the engine renders and issues, or null while the form is incomplete. */
export function noticeDraftOf(form: NoticeForm, detail: CaseDetail): NoticeDraft | null {
  const parsed = parseEuro(form.amount);
  if (!parsed.ok || parsed.cents <= 0) return null;
  const allowed = noticeChannels(form.kind, detail).some((c) => c.channel === form.channel && c.allowed);
  if (!allowed) return null;
  return { kind: form.kind, amount_cents: parsed.cents, channel: form.channel, edited_text: null };
}
