// Generated from the Rust types by src-tauri/src/bindings.rs. Do not edit.
// Regenerate: UPDATE_BINDINGS=1 cargo test -p casedesk-desktop bindings_are_current

import { invoke } from "@tauri-apps/api/core";

/**
 * Who did something, as recorded in the history.
 */
export type ActorRef = { "type": "staff", user_id: string, role: Role, name: string, } | { "type": "citizen", citizen_id: string, name: string, } | { "type": "system" };

export type Applicant = { citizen_id: string, given_name: string, family_name: string, street: string, postal_code: string, city: string, email: string, phone?: string | null, };

/**
 * Whose cases.
 */
export type AssigneeFilter = { "kind": "anyone" } | { "kind": "me" } | { "kind": "unassigned" } | { "kind": "user", id: string, };

/**
 * What became of one case of a batch of decisions.
 */
export type BatchItem = { case_key: string, 
/**
 * The queued decision, or `null` when the case was refused.
 */
entry: OutboxEntry | null, error: ErrorPayload | null, };

/**
 * A whole case as both APIs and both stores see it.
 */
export type CaseAggregate = { id: string, aktenzeichen: string, office_id: string, service_id: string, status: CaseStatus, assignee: string | null, assignee_name?: string | null, priority: Priority, 
/**
 * Increases by one with every command that changed the case.
 */
version: number, 
/**
 * The global order position of the case's latest change.
 */
seq: number, received_at: string, processing_period: string, 
/**
 * Times the processing deadline stood still while waiting for the citizen.
 */
pauses: Array<Pause>, 
/**
 * A due date a team lead set by hand; wins over the computed one.
 */
due_date_override?: string | null, 
/**
 * The processing deadline as of the last change (an open pause counted up to then).
 */
due_date: string, applicant: Applicant, form_data: { [key in string]: JsonValue }, documents: Array<DocumentMeta>, requests: Array<ItemsRequest>, messages: Array<Message>, notes: Array<Note>, decision?: Decision | null, fee?: Fee | null, history: Array<HistoryEntry>, };

/**
 * One case with everything the user needs to work on it.
 */
export type CaseDetail = { 
/**
 * The case as the user sees it: the portal's state plus their pending commands.
 */
case: CaseAggregate, 
/**
 * The version the portal last confirmed.
 */
server_version: number, 
/**
 * The user's commands on this case that are pending or were refused.
 */
outbox: Array<OutboxEntry>, 
/**
 * The service definition, for rendering the form data by its fields.
 */
service: ServiceDefinition | null, 
/**
 * What the user is offered to do with the case as it stands (the domain's
 * answer; the UI only draws it).
 */
actions: OfferedActions, };

/**
 * Where a case stands. `Submitted`, `InReview` and `AwaitingCitizen` are open.
 */
export type CaseStatus = "submitted" | "in_review" | "awaiting_citizen" | "decided" | "closed" | "withdrawn";

/**
 * Something the UI may want to redraw.
 */
export type Change = { "type": "inbox_changed" } | { "type": "case_changed", case_ids: Array<string>, } | { "type": "sync_status" } & SyncStatus | { "type": "command_rejected", command_id: string, case_id: string, aktenzeichen: string, code: RejectionCode, message: string, };

/**
 * One command as sent by a client.
 */
export type Command = { command_id: string, case_id: string, base_version: number, } & ({ "kind": "claim" } | { "kind": "release" } | { "kind": "assign", "payload": { assignee: string, } } | { "kind": "set_status", "payload": { status: CaseStatus, reason: string | null, } } | { "kind": "add_note", "payload": { text: string, } } | { "kind": "review_document", "payload": { document_id: string, verdict: Verdict, reason: string | null, } } | { "kind": "request_items", "payload": { items: Array<RequestedItem>, reason: string, answer_due: string, message: string, } } | { "kind": "send_message", "payload": { text: string, } } | { "kind": "record_decision", "payload": { outcome: Outcome, letter_sha256: string | null, fee_cents: number, } } | { "kind": "set_priority", "payload": { priority: Priority, } } | { "kind": "set_due_date", "payload": { due_date: string, reason: string, } } | { "kind": "transfer_office", "payload": { office_id: string, } } | { "kind": "withdraw", "payload": { reason: string | null, } } | { "kind": "answer_request", "payload": { request_id: string, documents: Array<DocumentMeta>, message: string | null, } } | { "kind": "citizen_message", "payload": { text: string, } } | { "kind": "expire_request", "payload": { request_id: string, } } | { "kind": "record_payment", "payload": { status: PaymentStatus, } });

/**
 * What the command does. Staff commands first, then citizen and system ones; the
 * portal only accepts citizen and system commands from its own citizen API and jobs.
 */
export type CommandKind = { "kind": "claim" } | { "kind": "release" } | { "kind": "assign", "payload": { assignee: string, } } | { "kind": "set_status", "payload": { status: CaseStatus, reason: string | null, } } | { "kind": "add_note", "payload": { text: string, } } | { "kind": "review_document", "payload": { document_id: string, verdict: Verdict, reason: string | null, } } | { "kind": "request_items", "payload": { items: Array<RequestedItem>, reason: string, answer_due: string, message: string, } } | { "kind": "send_message", "payload": { text: string, } } | { "kind": "record_decision", "payload": { outcome: Outcome, letter_sha256: string | null, fee_cents: number, } } | { "kind": "set_priority", "payload": { priority: Priority, } } | { "kind": "set_due_date", "payload": { due_date: string, reason: string, } } | { "kind": "transfer_office", "payload": { office_id: string, } } | { "kind": "withdraw", "payload": { reason: string | null, } } | { "kind": "answer_request", "payload": { request_id: string, documents: Array<DocumentMeta>, message: string | null, } } | { "kind": "citizen_message", "payload": { text: string, } } | { "kind": "expire_request", "payload": { request_id: string, } } | { "kind": "record_payment", "payload": { status: PaymentStatus, } };

/**
 * Connection state as the status light shows it.
 */
export type Connection = { "state": "idle" } | { "state": "bootstrapping", received: number, total: number, } | { "state": "online" } | { "state": "offline", since: string, reason: string, } | { "state": "login_required" };

export type Decision = { outcome: Outcome, decided_at: string, decided_by: string, letter_sha256?: string | null, fee_cents: number, 
/**
 * The day the letter was made available in the citizen's portal mailbox.
 */
made_available: string, deemed_delivery: string, appeal_deadline: string, };

/**
 * Metadata of an attached document; the bytes live in the blob store under `sha256`.
 */
export type DocumentMeta = { id: string, 
/**
 * Lower-case hex SHA-256 of the content.
 */
sha256: string, file_name: string, media_type: string, size: number, 
/**
 * The required-document key of the service this document answers, if any.
 */
kind?: string | null, uploaded_at: string, from_citizen: boolean, review?: Review | null, };

/**
 * Deadline filters; both only consider open cases.
 */
export type DueFilter = { "kind": "overdue" } | { "kind": "within", days: number, };

/**
 * The stable code of an error that reaches the UI or a script. Never rename a
 * variant: its snake_case spelling is what callers match on.
 */
export type ErrorCode = "offline" | "login_required" | "wrong_password" | "throttled" | "not_logged_in" | "portal_error" | "refused" | "case_not_found" | "outbox_entry_not_found" | "blob_not_found" | "blob_corrupt" | "invalid" | "foreign_cache" | "keyring" | "protocol" | "local_store" | "io" | "letter_template" | "letter_template_unknown" | "letter_input" | "letter_letterhead" | "letter_logo" | "letter_font";

/**
 * An error as the UI receives it.
 */
export type ErrorPayload = { code: ErrorCode, message: string, };

/**
 * What happened.
 */
export type EventKind = { "type": "submitted", service_id: string, } | { "type": "claimed" } | { "type": "released", previous: string, } | { "type": "assigned", assignee: string, assignee_name: string, previous: string | null, } | { "type": "status_changed", from: CaseStatus, to: CaseStatus, reason?: string | null, } | { "type": "note_added", note_id: string, text: string, } | { "type": "document_added", document: DocumentMeta, } | { "type": "document_reviewed", document_id: string, verdict: Verdict, reason?: string | null, } | { "type": "items_requested", request_id: string, items: Array<RequestedItem>, reason: string, answer_due: string, message: string, } | { "type": "request_answered", request_id: string, document_ids: Array<string>, message?: string | null, } | { "type": "answer_deadline_passed", request_id: string, } | { "type": "message_sent", message_id: string, text: string, from_citizen: boolean, } | { "type": "decision_recorded", outcome: Outcome, letter_sha256?: string | null, fee_cents: number, made_available: string, deemed_delivery: string, appeal_deadline: string, } | { "type": "priority_changed", priority: Priority, } | { "type": "due_date_changed", due_date: string, reason: string, } | { "type": "transferred_office", from: string, to: string, } | { "type": "withdrawn", reason?: string | null, } | { "type": "payment_changed", status: PaymentStatus, };

export type Fee = { amount_cents: number, kassenzeichen: string, status: PaymentStatus, };

/**
 * How the fee is assessed.
 */
export type FeeRule = { "type": "fixed", cents: number, } | { "type": "per_mille_of_field", field: string, per_mille: number, min_cents: number, } | { "type": "product_of_fields", fields: Array<string>, cents_per_unit: number, min_cents: number, };

export type FieldCondition = { field: string, equals: string, };

export type FormField = { key: string, label: string, required: boolean, } & ({ "type": "text", max_len: number, } | { "type": "number", min: number, max: number, } | { "type": "date" } | { "type": "boolean" } | { "type": "select", options: Array<string>, });

/**
 * One entry of a case's history.
 */
export type HistoryEntry = { 
/**
 * The portal's global order position of the transaction that wrote this event.
 */
seq: number, 
/**
 * The case version this event produced.
 */
version: number, at: string, actor: ActorRef, 
/**
 * The command that caused the event, if any.
 */
command_id?: string | null, event: EventKind, };

export type InboxFilter = { status: StatusFilter, service: string | null, assignee: AssigneeFilter, office: string | null, due: DueFilter | null, outbox: OutboxFilter | null, 
/**
 * Only cases where the citizen acted last ("Antwort eingegangen").
 */
answered: boolean, 
/**
 * Full-text search over Aktenzeichen, applicant, address, form data and notes.
 */
text: string | null, };

/**
 * One line of the inbox.
 */
export type InboxRow = { case_id: string, aktenzeichen: string, service_id: string, office_id: string, status: CaseStatus, assignee: string | null, assignee_name: string | null, priority: Priority, received_at: string, due_date: string, applicant_name: string, 
/**
 * Commands of the user on this case the portal has not answered yet.
 */
pending: number, 
/**
 * Commands of the user on this case the portal refused.
 */
rejected: number, answered: boolean, };

export type InboxSort = { key: SortKey, descending: boolean, };

/**
 * A Nachforderung.
 */
export type ItemsRequest = { id: string, items: Array<RequestedItem>, reason: string, message: string, answer_due: string, requested_at: string, requested_by: string, status: RequestStatus, answered_at?: string | null, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

export type Message = { id: string, from_citizen: boolean, author: string, text: string, at: string, };

/**
 * An internal note; never shown to the citizen.
 */
export type Note = { id: string, author_id: string, author: string, text: string, at: string, };

/**
 * The actions a case offers to one staff member.
 */
export type OfferedActions = { 
/**
 * Take the case (nobody works on it yet).
 */
claim: boolean, 
/**
 * Give the case back to the office (one's own, or any as team lead).
 */
release: boolean, 
/**
 * Assign the case to someone of its office (team leads).
 */
assign: boolean, 
/**
 * Status changes set directly: resuming a case that waits for the citizen,
 * closing a decided one.
 */
status_moves: Array<StatusMove>, 
/**
 * Review documents, request items, set priority: the case's processor's work.
 */
process: boolean, 
/**
 * Prepare a Bescheid: any open case. Recording the decision also needs the
 * user to be the processor ([`OfferedActions::process`]); the engine refuses
 * otherwise, with the reason.
 */
prepare_decision: boolean, };

export type OfficeInfo = { id: string, code: string, name: string, };

/**
 * One entry of the outbox as the UI shows it.
 */
export type OutboxEntry = { position: number, command_id: string, case_id: string, aktenzeichen: string, 
/**
 * What the user asked for; its kind is `command.kind`.
 */
command: Command, state: OutboxState, created_at: string, 
/**
 * Failed attempts to deliver it (network or portal errors, not refusals).
 */
attempts: number, last_error: string | null, rejection_code: RejectionCode | null, rejection_message: string | null, };

/**
 * Cases with commands in the outbox.
 */
export type OutboxFilter = "pending" | "rejected" | "any";

export type OutboxState = "pending" | "applied" | "rejected";

/**
 * The outcome of a decision.
 */
export type Outcome = "approved" | "rejected" | "partial";

/**
 * A stretch of time in which the processing deadline stands still because the office
 * waits for the citizen (case status `awaiting_citizen`).
 *
 * `from` is the day the office asked, `to` the day the citizen answered, or `None`
 * while the office is still waiting.
 */
export type Pause = { from: string, to: string | null, };

export type PaymentStatus = "open" | "paid" | "failed";

export type Priority = "low" | "normal" | "high" | "urgent";

/**
 * A stable reason code a client can branch on.
 */
export type RejectionCode = "unknown_case" | "not_permitted" | "invalid_transition" | "not_assignee" | "already_assigned" | "not_assigned" | "unknown_document" | "reviewed_meanwhile" | "unknown_request" | "unknown_user" | "unknown_office" | "case_closed" | "invalid";

export type RequestStatus = "open" | "answered" | "expired";

/**
 * One item a request for missing documents asks for.
 */
export type RequestedItem = { 
/**
 * The service's required-document key, when the item is one of them.
 */
kind: string | null, description: string, };

export type RequiredDocument = { key: string, label: string, 
/**
 * Required only when this form field has this value (`"true"` for booleans).
 */
when?: FieldCondition | null, };

export type Review = { verdict: Verdict, reason?: string | null, by: string, at: string, 
/**
 * The case version at which this review was recorded.
 */
version: number, };

/**
 * A staff member's role in the town hall.
 */
export type Role = "caseworker" | "team_lead" | "admin";

/**
 * A service (Leistung) citizens apply for.
 */
export type ServiceDefinition = { 
/**
 * Two to four capital letters; part of the Aktenzeichen.
 */
id: string, name: string, description: string, fields: Array<FormField>, required_documents: Array<RequiredDocument>, fee: FeeRule, processing_period: string, };

/**
 * What the UI needs to decide between the login form and the inbox.
 */
export type SessionInfo = { 
/**
 * The signed-in user; `null` shows the login form.
 */
me: UserInfo | null, 
/**
 * The portal address for the login form: the last one used, else the one the
 * installation was configured with.
 */
last_portal: string | null, last_user: string | null, status: SyncStatus, };

export type SortKey = "due" | "received" | "aktenzeichen" | "applicant" | "relevance";

/**
 * Which statuses.
 */
export type StatusFilter = { "kind": "any" } | { "kind": "open" } | { "kind": "only", statuses: Array<CaseStatus>, };

/**
 * A status a processor sets directly, with the words of its button.
 */
export type StatusMove = { status: CaseStatus, label: string, };

/**
 * What the status bar shows.
 */
export type SyncStatus = { connection: Connection, last_sync: string | null, 
/**
 * Commands not yet answered by the portal.
 */
pending: number, 
/**
 * Commands the portal refused, waiting for the user.
 */
rejected: number, 
/**
 * The position up to which the local store has every change.
 */
cursor: number, 
/**
 * Counts every change of this status since the engine started. A status that
 * arrives by two ways (an announcement, an answer to a request) may arrive out
 * of order; the higher revision is the newer one.
 */
revision: number, };

export type UserInfo = { id: string, name: string, display_name: string, role: Role, offices: Array<OfficeInfo>, };

export type Verdict = "accepted" | "rejected";

/** The Tauri event carrying the engine's change feed; payload: `Change`. */
export const CHANGE_EVENT = "desk:change";

/** The URI scheme serving verified document bytes: `convertFileSrc(sha256, DOCUMENT_PROTOCOL)`. */
export const DOCUMENT_PROTOCOL = "casedesk-doc";

/** The app's commands. A failed call rejects with an `ErrorPayload`. */
export const commands = {
  /** Who is signed in, the remembered portal and the sync status. */
  session(): Promise<SessionInfo> {
    return invoke<SessionInfo>("session");
  },
  /** Logs in; the sync loop picks the new session up at once. */
  login(portal: string, user: string, password: string): Promise<UserInfo> {
    return invoke<UserInfo>("login", { portal, user, password });
  },
  /** Logs out; `wipe` also deletes the local cache and documents. */
  logout(wipe: boolean): Promise<null> {
    return invoke<null>("logout", { wipe });
  },
  /** The service catalogue (names, form fields) for filters and form rendering. */
  services(): Promise<Array<ServiceDefinition>> {
    return invoke<Array<ServiceDefinition>>("services");
  },
  /** The staff of the user's offices, for assigning cases. */
  staff(): Promise<Array<UserInfo>> {
    return invoke<Array<UserInfo>>("staff");
  },
  /** One window of the inbox. */
  inbox(filter: InboxFilter, sort: InboxSort, offset: number, limit: number): Promise<Array<InboxRow>> {
    return invoke<Array<InboxRow>>("inbox", { filter, sort, offset, limit });
  },
  /** The number of cases per filter, in the same order (saved views, list length). */
  counts(filters: Array<InboxFilter>): Promise<Array<number>> {
    return invoke<Array<number>>("counts", { filters });
  },
  /** One case with its outbox entries and service definition. */
  case_detail(key: string): Promise<CaseDetail> {
    return invoke<CaseDetail>("case_detail", { key });
  },
  /** The user's commands that are pending or were refused. */
  outbox(): Promise<Array<OutboxEntry>> {
    return invoke<Array<OutboxEntry>>("outbox");
  },
  /** Applies a command locally at once and queues it for the portal. */
  command(case_key: string, kind: CommandKind): Promise<OutboxEntry> {
    return invoke<OutboxEntry>("command", { case_key, kind });
  },
  /** Retries a refused command on the case's current state (a new command id). */
  retry(command_id: string): Promise<OutboxEntry> {
    return invoke<OutboxEntry>("retry", { command_id });
  },
  /** Drops a refused command; the case shows the portal's state again. */
  discard(command_id: string): Promise<OutboxEntry> {
    return invoke<OutboxEntry>("discard", { command_id });
  },
  /**
   * The Bescheid text (letter markup) the template writes for this case, to edit;
   * the fee defaults to the case's.
   */
  letter_text(case_key: string, outcome: Outcome, fee_cents: number | null): Promise<string> {
    return invoke<string>("letter_text", { case_key, outcome, fee_cents });
  },
  /**
   * The Bescheid as it would go out now, as a base64 PDF for the preview: the
   * template's text, or `edited_text` (then signed by the caseworker); the fee
   * defaults to the case's.
   */
  letter_preview(case_key: string, outcome: Outcome, fee_cents: number | null, edited_text: string | null): Promise<string> {
    return invoke<string>("letter_preview", { case_key, outcome, fee_cents, edited_text });
  },
  /**
   * Decides a case with its Bescheid (rendered now, uploaded before the command;
   * queued when offline). The fee defaults to the case's assessed fee.
   */
  decide(case_key: string, outcome: Outcome, fee_cents: number | null, edited_text: string | null): Promise<OutboxEntry> {
    return invoke<OutboxEntry>("decide", { case_key, outcome, fee_cents, edited_text });
  },
  /**
   * Team leads: decides many cases with the same outcome and the template's
   * letters; one answer per case, in order.
   */
  decide_many(case_keys: Array<string>, outcome: Outcome): Promise<Array<BatchItem>> {
    return invoke<Array<BatchItem>>("decide_many", { case_keys, outcome });
  },
  /** Sends the outbox and pulls changes now, instead of waiting for the sync loop. */
  sync_now(): Promise<null> {
    return invoke<null>("sync_now");
  },
};

/** German labels of `CaseStatus`, from `CaseStatus::german`. */
export const CASE_STATUS_LABELS: Record<CaseStatus, string> = {
  submitted: "Eingegangen",
  in_review: "In Bearbeitung",
  awaiting_citizen: "Wartet auf Antragsteller/in",
  decided: "Entschieden",
  closed: "Abgeschlossen",
  withdrawn: "Zurückgezogen",
};

/** German labels of `Outcome`, from `Outcome::german`. */
export const OUTCOME_LABELS: Record<Outcome, string> = {
  approved: "Bewilligt",
  rejected: "Abgelehnt",
  partial: "Teilweise bewilligt",
};

/** German labels of `Outcome`, from `Outcome::bescheid_german`. */
export const BESCHEID_LABELS: Record<Outcome, string> = {
  approved: "Bewilligung",
  rejected: "Ablehnung",
  partial: "Teilbewilligung",
};

/** German labels of `Priority`, from `Priority::german`. */
export const PRIORITY_LABELS: Record<Priority, string> = {
  low: "Niedrig",
  normal: "Normal",
  high: "Hoch",
  urgent: "Dringend",
};

/** German labels of `Verdict`, from `Verdict::german`. */
export const VERDICT_LABELS: Record<Verdict, string> = {
  accepted: "Angenommen",
  rejected: "Abgelehnt",
};

/** German labels of `RequestStatus`, from `RequestStatus::german`. */
export const REQUEST_STATUS_LABELS: Record<RequestStatus, string> = {
  open: "Offen",
  answered: "Beantwortet",
  expired: "Frist abgelaufen",
};

/** German labels of `PaymentStatus`, from `PaymentStatus::german`. */
export const PAYMENT_STATUS_LABELS: Record<PaymentStatus, string> = {
  open: "Offen",
  paid: "Bezahlt",
  failed: "Fehlgeschlagen",
};

/** German labels of `Role`, from `Role::german`. */
export const ROLE_LABELS: Record<Role, string> = {
  caseworker: "Sachbearbeitung",
  team_lead: "Teamleitung",
  admin: "Administration",
};

/** German labels of `CommandKind["kind"]`, from `CommandKind::german`. */
export const COMMAND_KIND_LABELS: Record<CommandKind["kind"], string> = {
  claim: "Übernahme",
  release: "Freigabe",
  assign: "Zuweisung",
  set_status: "Statusänderung",
  add_note: "Notiz",
  review_document: "Dokumentprüfung",
  request_items: "Nachforderung",
  send_message: "Nachricht",
  record_decision: "Entscheidung",
  set_priority: "Priorität",
  set_due_date: "Friständerung",
  transfer_office: "Abgabe an Dienststelle",
  withdraw: "Rücknahme des Antrags",
  answer_request: "Antwort auf Nachforderung",
  citizen_message: "Nachricht der Antragsteller/in",
  expire_request: "Ablauf der Antwortfrist",
  record_payment: "Zahlung",
};
