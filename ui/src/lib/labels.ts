// German labels for the engine's wire names: statuses, priorities, roles, outcomes,
// command kinds, actors, and a one-line description of every history event.
import type {
  ActorRef,
  CaseAggregate,
  CaseStatus,
  HistoryEntry,
  Outcome,
  PaymentStatus,
  Priority,
  RequestStatus,
  Role,
  Verdict,
} from "../generated/bindings";

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

const STATUS_LABELS: Record<CaseStatus, string> = {
  submitted: "Eingegangen",
  in_review: "In Bearbeitung",
  awaiting_citizen: "Wartet auf Antragsteller/in",
  decided: "Entschieden",
  closed: "Abgeschlossen",
  withdrawn: "Zurückgezogen",
};

export function statusLabel(status: CaseStatus): string {
  return STATUS_LABELS[status] ?? status;
}

const PRIORITY_LABELS: Record<Priority, string> = {
  low: "Niedrig",
  normal: "Normal",
  high: "Hoch",
  urgent: "Dringend",
};

export function priorityLabel(priority: Priority): string {
  return PRIORITY_LABELS[priority] ?? priority;
}

const ROLE_LABELS: Record<Role, string> = {
  caseworker: "Sachbearbeitung",
  team_lead: "Teamleitung",
  admin: "Administration",
};

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role] ?? role;
}

const OUTCOME_LABELS: Record<Outcome, string> = {
  approved: "Bewilligt",
  rejected: "Abgelehnt",
  partial: "Teilweise bewilligt",
};

export function outcomeLabel(outcome: Outcome): string {
  return OUTCOME_LABELS[outcome] ?? outcome;
}

const DECISION_LABELS: Record<Outcome, string> = {
  approved: "Bewilligung",
  rejected: "Ablehnung",
  partial: "Teilbewilligung",
};

/** The kind of Bescheid an outcome makes, for choosing it. */
export function decisionLabel(outcome: Outcome): string {
  return DECISION_LABELS[outcome] ?? outcome;
}

export function verdictLabel(verdict: Verdict | null | undefined): string {
  if (verdict === "accepted") return "Angenommen";
  if (verdict === "rejected") return "Abgelehnt";
  return "Ungeprüft";
}

const REQUEST_STATUS_LABELS: Record<RequestStatus, string> = {
  open: "Offen",
  answered: "Beantwortet",
  expired: "Frist abgelaufen",
};

export function requestStatusLabel(status: RequestStatus): string {
  return REQUEST_STATUS_LABELS[status] ?? status;
}

const PAYMENT_LABELS: Record<PaymentStatus, string> = {
  open: "Offen",
  paid: "Bezahlt",
  failed: "Fehlgeschlagen",
};

export function paymentLabel(status: PaymentStatus): string {
  return PAYMENT_LABELS[status] ?? status;
}

const COMMAND_LABELS: Record<string, string> = {
  claim: "Übernehmen",
  release: "Freigeben",
  assign: "Zuweisen",
  set_status: "Status setzen",
  add_note: "Notiz",
  review_document: "Dokumentprüfung",
  request_items: "Nachforderung",
  send_message: "Nachricht",
  record_decision: "Entscheidung",
  set_priority: "Priorität",
  set_due_date: "Frist ändern",
  transfer_office: "Abgabe an Dienststelle",
};

/** A command kind's wire name (`OutboxEntry.kind`) in German. */
export function commandLabel(kind: string): string {
  return COMMAND_LABELS[kind] ?? kind;
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
    case "request_answered":
      return "Nachforderung beantwortet";
    case "answer_deadline_passed":
      return "Antwortfrist der Nachforderung abgelaufen";
    case "message_sent":
      return event.from_citizen ? "Nachricht der Antragsteller/in" : "Nachricht an die Antragsteller/in";
    case "decision_recorded":
      return `Entscheidung: ${outcomeLabel(event.outcome)}`;
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
