// German labels for the engine's wire names: statuses, priorities, roles, outcomes,
// command kinds, actors, and a one-line description of every history event. The
// labels of the domain's enums are generated from its `german()` functions, which the
// CLI prints too; this module only adds what is the desktop's own.
import {
  BESCHEID_LABELS,
  CASE_STATUS_LABELS,
  COMMAND_KIND_LABELS,
  DELIVERY_CHANNEL_LABELS,
  NOTICE_KIND_LABELS,
  OUTCOME_LABELS,
  PAYMENT_STATUS_LABELS,
  PRIORITY_LABELS,
  REQUEST_PURPOSE_LABELS,
  REQUEST_STATUS_LABELS,
  ROLE_LABELS,
  VERDICT_LABELS,
  type ActorRef,
  type CaseAggregate,
  type CaseStatus,
  type CommandKind,
  type HistoryEntry,
  type Outcome,
  type PaymentStatus,
  type Priority,
  type RequestPurpose,
  type RequestStatus,
  type Role,
  type Verdict,
} from "../generated/bindings";
import { formatDate } from "./dates";

export const STATUSES: readonly CaseStatus[] = [
  "submitted",
  "in_review",
  "awaiting_citizen",
  "decided",
  "closed",
  "withdrawn",
];

export const OPEN_STATUSES: readonly CaseStatus[] = ["submitted", "in_review", "awaiting_citizen"];

export function isOpen(status: CaseStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

export function statusLabel(status: CaseStatus): string {
  return CASE_STATUS_LABELS[status] ?? status;
}

export function priorityLabel(priority: Priority): string {
  return PRIORITY_LABELS[priority] ?? priority;
}

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role] ?? role;
}

export function outcomeLabel(outcome: Outcome): string {
  return OUTCOME_LABELS[outcome] ?? outcome;
}

/** The kind of Bescheid an outcome makes, for choosing it. */
export function decisionLabel(outcome: Outcome): string {
  return BESCHEID_LABELS[outcome] ?? outcome;
}

/** A document's review; without one it is unreviewed. */
export function verdictLabel(verdict: Verdict | null | undefined): string {
  return verdict ? VERDICT_LABELS[verdict] : "Ungeprüft";
}

export function requestStatusLabel(status: RequestStatus): string {
  return REQUEST_STATUS_LABELS[status] ?? status;
}

/** "Nachforderung" or "Anhörung". */
export function requestPurposeLabel(purpose: RequestPurpose): string {
  return REQUEST_PURPOSE_LABELS[purpose] ?? purpose;
}

export function paymentLabel(status: PaymentStatus): string {
  return PAYMENT_STATUS_LABELS[status] ?? status;
}

/** The change a queued command makes, in German ("Übernahme", "Notiz"). */
export function commandLabel(kind: CommandKind["kind"]): string {
  return COMMAND_KIND_LABELS[kind] ?? kind;
}

export function actorLabel(actor: ActorRef): string {
  switch (actor.type) {
    case "staff":
      return actor.name;
    case "citizen":
      return `${actor.name} (Antragsteller/in)`;
    case "system":
      return "System";
  }
}

/** "Nachforderung" or "Anhörung", for the request an event is about. */
function requestPurposeOf(detail: CaseAggregate, id: string): string {
  return requestPurposeLabel(detail.requests.find((r) => r.id === id)?.purpose ?? "items");
}

function documentName(detail: CaseAggregate, id: string): string {
  return detail.documents.find((d) => d.id === id)?.file_name ?? "Dokument";
}

/** What a history entry recorded, in one German sentence fragment. */
export function describeEvent(entry: HistoryEntry, detail: CaseAggregate): string {
  const event = entry.event;
  switch (event.type) {
    case "submitted":
      return "Antrag eingegangen";
    case "claimed":
      return "Vorgang übernommen";
    case "released":
      return "Vorgang freigegeben";
    case "assigned":
      return `Zugewiesen an ${event.assignee_name}`;
    case "status_changed": {
      const text = `Status: ${statusLabel(event.from)} → ${statusLabel(event.to)}`;
      return event.reason ? `${text} (${event.reason})` : text;
    }
    case "note_added":
      return "Notiz hinzugefügt";
    case "document_added":
      return `Dokument hinzugefügt: ${event.document.file_name}`;
    case "document_reviewed": {
      const name = documentName(detail, event.document_id);
      return event.verdict === "accepted"
        ? `Dokument angenommen: ${name}`
        : `Dokument abgelehnt: ${name}${event.reason ? ` (${event.reason})` : ""}`;
    }
    case "items_requested":
      return `Unterlagen nachgefordert: ${event.items.map((i) => i.description).join(", ")}`;
    case "hearing_started":
      return `Anhörung begonnen (Äußerung bis ${formatDate(event.answer_due)})`;
    case "request_answered":
      return event.complete === false
        ? `${requestPurposeOf(detail, event.request_id)} teilweise beantwortet`
        : `${requestPurposeOf(detail, event.request_id)} beantwortet`;
    case "request_extended":
      return `Frist der ${requestPurposeOf(detail, event.request_id)} verlängert bis ${formatDate(event.answer_due)}`;
    case "request_withdrawn":
      return `${requestPurposeOf(detail, event.request_id)} zurückgenommen (${event.reason})`;
    case "answer_accepted":
      return `Antwort auf die ${requestPurposeOf(detail, event.request_id)} angenommen`;
    case "answer_deadline_passed":
      return `Frist der ${requestPurposeOf(detail, event.request_id)} abgelaufen`;
    case "message_sent":
      return event.from_citizen ? "Nachricht der Antragsteller/in" : "Nachricht an die Antragsteller/in";
    case "decision_recorded":
      return `Entscheidung: ${outcomeLabel(event.outcome)} (${DELIVERY_CHANNEL_LABELS[event.delivery.channel]})`;
    case "notice_issued":
      return `${NOTICE_KIND_LABELS[event.kind]} erlassen (${DELIVERY_CHANNEL_LABELS[event.delivery.channel]})`;
    case "dispatched": {
      const what = event.channel === "zustellung" ? "Zustellung" : "Versand";
      return `${what} am ${formatDate(event.on)} erfasst; bekannt gegeben am ${formatDate(event.dates.announced)}`;
    }
    case "retrieved":
      return `Im Bürgerportal abgerufen; bekannt gegeben am ${formatDate(event.dates.announced)}`;
    case "retrieval_lapsed":
      return "Nicht rechtzeitig im Bürgerportal abgerufen – per Post versenden";
    case "priority_changed":
      return `Priorität: ${priorityLabel(event.priority)}`;
    case "due_date_changed":
      return `Frist geändert (${event.reason})`;
    case "transferred_office":
      return "An andere Dienststelle abgegeben";
    case "withdrawn":
      return event.reason ? `Antrag zurückgezogen (${event.reason})` : "Antrag zurückgezogen";
    case "payment_changed":
      return `Zahlung: ${paymentLabel(event.status)}`;
  }
}
