// How a decision or notice reaches the citizen, as the case view and the Bescheid
// panel say it: the facts of one delivery in the order a caseworker reads them, the
// period named by the law ("Klagefrist" or "Widerspruchsfrist", never both), and what
// the caseworker does next after issuing on a channel. The state and the dates are
// the engine's (`DeliveryView`); this module only words them.
import {
  DELIVERY_CHANNEL_LABELS,
  DELIVERY_STATE_LABELS,
  NOTICE_KIND_LABELS,
  REMEDY_PERIOD_LABELS,
  type DeliveryChannel,
  type DeliveryView,
  type PendingDispatch,
} from "../generated/bindings";
import { formatDate, formatDateTime } from "./dates";

export interface DeliveryFact {
  label: string;
  value: string;
  /** For the WebDriver tests and the component tests. */
  testId: string;
}

/** "Bescheid", "Gebührenbescheid", "Steuerbescheid". */
export function deliveryTitle(view: DeliveryView): string {
  return view.kind ? NOTICE_KIND_LABELS[view.kind] : "Bescheid";
}

/** The facts of one delivery: channel and state, what happened, and once announced the dates that follow. */
export function deliveryFacts(view: DeliveryView): DeliveryFact[] {
  const { delivery } = view;
  const facts: DeliveryFact[] = [
    { label: "Versand", value: DELIVERY_CHANNEL_LABELS[delivery.channel], testId: "delivery-channel" },
    { label: "Stand", value: DELIVERY_STATE_LABELS[view.state], testId: "delivery-state" },
  ];
  if (delivery.dispatched_on) {
    const label = delivery.channel === "zustellung" ? "Zugestellt am" : "Zur Post gegeben am";
    facts.push({ label, value: formatDate(delivery.dispatched_on), testId: "delivery-dispatched" });
  }
  if (delivery.notified_at && delivery.channel === "portal") {
    facts.push({
      label: "Bereitgestellt am",
      value: formatDateTime(delivery.notified_at),
      testId: "delivery-notified",
    });
  }
  if (view.retrievable_until) {
    facts.push({ label: "Abrufbar bis", value: formatDate(view.retrievable_until), testId: "delivery-retrievable" });
  }
  if (delivery.retrieved_at) {
    facts.push({ label: "Abgerufen am", value: formatDateTime(delivery.retrieved_at), testId: "delivery-retrieved" });
  }
  const dates = delivery.dates;
  if (dates) {
    facts.push({ label: "Bekanntgabe", value: formatDate(dates.announced), testId: "delivery-announced" });
    facts.push({
      label: `${REMEDY_PERIOD_LABELS[view.remedy]} bis`,
      value: formatDate(dates.remedy_deadline),
      testId: "delivery-remedy-deadline",
    });
    // The fee part may be announced on another day (a KAG fee under the AO) and be
    // challenged another way (Widerspruch against a fee, Klage against the decision).
    if (dates.fee_announced) {
      facts.push({
        label: "Bekanntgabe der Gebühr",
        value: formatDate(dates.fee_announced),
        testId: "delivery-fee-announced",
      });
    }
    if (view.fee_remedy || dates.fee_remedy_deadline) {
      facts.push({
        label: `${REMEDY_PERIOD_LABELS[view.fee_remedy ?? view.remedy]} (Gebühr) bis`,
        value: formatDate(dates.fee_remedy_deadline ?? dates.remedy_deadline),
        testId: "delivery-fee-remedy-deadline",
      });
    }
    if (dates.fee_due) {
      facts.push({ label: "Gebühr fällig am", value: formatDate(dates.fee_due), testId: "delivery-fee-due" });
    }
  }
  return facts;
}

/** The dispatch the engine offers to record for this delivery, if any. */
export function pendingDispatchOf(view: DeliveryView, pending: readonly PendingDispatch[]): PendingDispatch | null {
  return pending.find((p) => p.notice_id === view.notice_id) ?? null;
}

/** What the caseworker does after issuing on `channel`, so that the periods can start. */
export function nextStepAfterIssuing(channel: DeliveryChannel): string {
  switch (channel) {
    case "post":
      return "Bitte geben Sie ihn zur Post und erfassen Sie danach den Versand („Versand erfassen“): erst damit stehen die Bekanntgabe und die Fristen fest.";
    case "portal":
      return "Er wird im Bürgerportal zum Abruf bereitgestellt und gilt am Tag nach dem ersten Abruf als bekannt gegeben. Wird er nicht innerhalb von zehn Tagen abgerufen, ist er per Post zu versenden.";
    case "zustellung":
      return "Bitte lassen Sie ihn förmlich zustellen und erfassen Sie danach den Tag der Zustellung („Versand erfassen“): erst damit stehen die Bekanntgabe und die Fristen fest.";
  }
}

/** Why `on` cannot be the day a letter issued on `earliest` was sent, seen on `today`. */
export function dispatchProblem(on: string, today: string, earliest: string, title: string): string | null {
  if (on === "") return "Bitte ein Datum wählen.";
  if (on > today) return "Das Datum darf nicht in der Zukunft liegen.";
  if (earliest && on < earliest) {
    return `Der ${title} ist vom ${formatDate(earliest)}; früher kann er nicht versandt worden sein.`;
  }
  return null;
}
