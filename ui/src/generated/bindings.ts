// Generated from the Rust types by src-tauri/src/bindings.rs. Do not edit.
// Regenerate: UPDATE_BINDINGS=1 cargo test -p casedesk-desktop bindings_are_current

import { invoke } from "@tauri-apps/api/core";

/**
 * Who did something, as recorded in the history.
 */
export type ActorRef = { "type": "staff", user_id: string, role: Role, name: string, } | { "type": "citizen", citizen_id: string, name: string, } | { "type": "system" };

/**
 * The dates that follow from an announcement, once it is certain.
 */
export type AnnouncedDates = { 
/**
 * The day the decision counts as announced (Bekanntgabe).
 */
announced: string, 
/**
 * The last day to lodge the remedy (Klage or Widerspruch).
 */
remedy_deadline: string, 
/**
 * The day the fee falls due, when the letter assesses one.
 */
fee_due?: string | null, 
/**
 * When the fee part of a posted letter is announced on another day than the
 * decision (a KAG fee, announced under the AO, in a VwVfG decision): that day.
 */
fee_announced?: string | null, 
/**
 * And the last day to challenge the fee, counted from that day.
 */
fee_remedy_deadline?: string | null, };

/**
 * An answer deadline as the caseworker picked it and as it may be set: a deadline
 * must end on a working day (§31(3) VwVfG NRW would move it otherwise, and the
 * letter would name a date that is not the real end).
 */
export type AnswerDeadline = { picked: string, 
/**
 * The picked day, or the next working day after it.
 */
due: string, 
/**
 * Why the day moved, when it did: "Der 06.04.2026 ist Ostermontag; …".
 */
note: string | null, };

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
due_date: string, applicant: Applicant, 
/**
 * What the applicant agreed to when applying.
 */
consents: Consents, form_data: { [key in string]: JsonValue }, documents: Array<DocumentMeta>, requests: Array<ItemsRequest>, messages: Array<Message>, notes: Array<Note>, decision?: Decision | null, 
/**
 * Notices issued after the decision, each an administrative act of its own with
 * its own delivery: a fee notice, a tax notice.
 */
notices?: Array<Notice>, fee?: Fee | null, history: Array<HistoryEntry>, };

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
actions: OfferedActions, 
/**
 * What the service's law means for this case: outcomes, channels, remedy,
 * deliveries. `None` while the service is not in the local store.
 */
law: CaseLaw | null, 
/**
 * The German date the offer and the law were read on.
 */
today: string, 
/**
 * The items the user is offered to request from the citizen (missing required
 * documents, rejected ones to replace); empty unless they may request items.
 */
request_candidates: Array<RequestedItem>, };

/**
 * The law of a case's service, read for this case (see the module documentation).
 */
export type CaseLaw = { 
/**
 * The remedy against the decision: its period is the "Klagefrist" or the
 * "Widerspruchsfrist".
 */
remedy: Remedy, 
/**
 * The outcomes a decision may have, the one applied for first.
 */
outcomes: Array<OutcomeChoice>, 
/**
 * The channels the law allows, each open or closed with the reason.
 */
channels: Array<ChannelChoice>, 
/**
 * The channel a decision goes out on unless the caseworker chooses another: the
 * one the law requires, else the portal where the applicant consented, else post.
 */
default_channel: DeliveryChannel, 
/**
 * Whether the applicant consented to announcement by portal retrieval
 * (§41(2a) VwVfG NRW).
 */
portal_consent: boolean, 
/**
 * The answer deadline a hearing started today gets by default: the law's answer
 * period, ending on a working day.
 */
default_answer_due: string | null, 
/**
 * Where the registration leads to a tax, so that a tax notice may follow: the
 * yearly tax the bylaw sets, which a tax notice assesses unless changed.
 */
tax_annual_cents: number | null, 
/**
 * The delivery of the decision and of each notice, in that order.
 */
deliveries: Array<DeliveryView>, };

/**
 * Where a case stands. `Submitted`, `InReview` and `AwaitingCitizen` are open.
 */
export type CaseStatus = "submitted" | "in_review" | "awaiting_citizen" | "decided" | "closed" | "withdrawn";

/**
 * Something the UI may want to redraw.
 */
export type Change = { "type": "inbox_changed" } | { "type": "case_changed", case_ids: Array<string>, } | { "type": "sync_status" } & SyncStatus | { "type": "command_rejected", command_id: string, case_id: string, aktenzeichen: string, code: RejectionCode, message: string, };

/**
 * One delivery channel a decision may go out on.
 */
export type ChannelChoice = { channel: DeliveryChannel, 
/**
 * Whether it may be chosen for this case.
 */
allowed: boolean, 
/**
 * Why not, when it may not.
 */
reason: string | null, };

/**
 * One command as sent by a client.
 */
export type Command = { command_id: string, case_id: string, base_version: number, } & ({ "kind": "claim" } | { "kind": "release" } | { "kind": "assign", "payload": { assignee: string, } } | { "kind": "set_status", "payload": { status: CaseStatus, reason: string | null, } } | { "kind": "add_note", "payload": { text: string, } } | { "kind": "review_document", "payload": { document_id: string, verdict: Verdict, reason: string | null, } } | { "kind": "request_items", "payload": { items: Array<RequestedItem>, reason: string, answer_due: string, message: string, 
/**
 * The items-request letter, uploaded before the command.
 */
letter_sha256: string | null, } } | { "kind": "start_hearing", "payload": { 
/**
 * What the office intends to decide, and on which facts.
 */
intended: string, answer_due: string, message: string, 
/**
 * The hearing letter, uploaded before the command.
 */
letter_sha256: string | null, } } | { "kind": "send_message", "payload": { text: string, } } | { "kind": "extend_request", "payload": { request_id: string, answer_due: string, } } | { "kind": "withdraw_request", "payload": { request_id: string, reason: string, } } | { "kind": "accept_answer", "payload": { request_id: string, } } | { "kind": "record_decision", "payload": { outcome: Outcome, letter_sha256: string | null, fee_cents: number, 
/**
 * The caseworker's reasons for this case; required to refuse anything.
 */
reasons: string | null, 
/**
 * How the decision reaches the citizen.
 */
channel: DeliveryChannel, } } | { "kind": "issue_notice", "payload": { kind: NoticeKind, letter_sha256: string | null, amount_cents: number, channel: DeliveryChannel, } } | { "kind": "record_dispatch", "payload": { notice_id: string | null, channel: DeliveryChannel, on: string, } } | { "kind": "set_priority", "payload": { priority: Priority, } } | { "kind": "set_due_date", "payload": { due_date: string, reason: string, } } | { "kind": "transfer_office", "payload": { office_id: string, } } | { "kind": "withdraw", "payload": { reason: string | null, } } | { "kind": "answer_request", "payload": { request_id: string, documents: Array<DocumentMeta>, message: string | null, items: Array<ItemAnswer>, } } | { "kind": "citizen_message", "payload": { text: string, } } | { "kind": "expire_request", "payload": { request_id: string, } } | { "kind": "record_retrieval", "payload": { notice_id: string | null, } } | { "kind": "lapse_retrieval", "payload": { notice_id: string | null, } } | { "kind": "record_payment", "payload": { status: PaymentStatus, } });

/**
 * What the command does. Staff commands first, then citizen and system ones; the
 * portal only accepts citizen and system commands from its own citizen API and jobs.
 */
export type CommandKind = { "kind": "claim" } | { "kind": "release" } | { "kind": "assign", "payload": { assignee: string, } } | { "kind": "set_status", "payload": { status: CaseStatus, reason: string | null, } } | { "kind": "add_note", "payload": { text: string, } } | { "kind": "review_document", "payload": { document_id: string, verdict: Verdict, reason: string | null, } } | { "kind": "request_items", "payload": { items: Array<RequestedItem>, reason: string, answer_due: string, message: string, 
/**
 * The items-request letter, uploaded before the command.
 */
letter_sha256: string | null, } } | { "kind": "start_hearing", "payload": { 
/**
 * What the office intends to decide, and on which facts.
 */
intended: string, answer_due: string, message: string, 
/**
 * The hearing letter, uploaded before the command.
 */
letter_sha256: string | null, } } | { "kind": "send_message", "payload": { text: string, } } | { "kind": "extend_request", "payload": { request_id: string, answer_due: string, } } | { "kind": "withdraw_request", "payload": { request_id: string, reason: string, } } | { "kind": "accept_answer", "payload": { request_id: string, } } | { "kind": "record_decision", "payload": { outcome: Outcome, letter_sha256: string | null, fee_cents: number, 
/**
 * The caseworker's reasons for this case; required to refuse anything.
 */
reasons: string | null, 
/**
 * How the decision reaches the citizen.
 */
channel: DeliveryChannel, } } | { "kind": "issue_notice", "payload": { kind: NoticeKind, letter_sha256: string | null, amount_cents: number, channel: DeliveryChannel, } } | { "kind": "record_dispatch", "payload": { notice_id: string | null, channel: DeliveryChannel, on: string, } } | { "kind": "set_priority", "payload": { priority: Priority, } } | { "kind": "set_due_date", "payload": { due_date: string, reason: string, } } | { "kind": "transfer_office", "payload": { office_id: string, } } | { "kind": "withdraw", "payload": { reason: string | null, } } | { "kind": "answer_request", "payload": { request_id: string, documents: Array<DocumentMeta>, message: string | null, items: Array<ItemAnswer>, } } | { "kind": "citizen_message", "payload": { text: string, } } | { "kind": "expire_request", "payload": { request_id: string, } } | { "kind": "record_retrieval", "payload": { notice_id: string | null, } } | { "kind": "lapse_retrieval", "payload": { notice_id: string | null, } } | { "kind": "record_payment", "payload": { status: PaymentStatus, } };

/**
 * Connection state as the status light shows it.
 */
export type Connection = { "state": "idle" } | { "state": "bootstrapping", received: number, total: number, } | { "state": "online" } | { "state": "offline", since: string, reason: string, } | { "state": "login_required" };

/**
 * What the applicant agreed to when applying.
 */
export type Consents = { 
/**
 * Decisions may be announced by retrieval from the portal mailbox
 * (§41(2a) VwVfG NRW).
 */
portal_delivery: boolean, };

export type Decision = { outcome: Outcome, decided_at: string, decided_by: string, letter_sha256?: string | null, fee_cents: number, 
/**
 * The caseworker's reasons for this case (§39 VwVfG NRW); required for a
 * rejection or partial approval.
 */
reasons?: string | null, 
/**
 * How the decision reaches the citizen and, once certain, when it counts as
 * announced.
 */
delivery: Delivery, };

/**
 * A Bescheid as the caseworker prepares it. What is left `None` follows the law of
 * the case's service.
 */
export type DecisionDraft = { outcome: Outcome, 
/**
 * The fee the letter assesses and the decision records; `None`: the law's fee
 * for the outcome and this application.
 */
fee_cents: number | null, 
/**
 * The caseworker's reasons for this case (§39 VwVfG NRW); required for a
 * rejection or partial approval.
 */
reasons: string | null, 
/**
 * For a partial approval: what is granted and what is refused.
 */
partial_note: string | null, 
/**
 * `None`: the channel the law requires, else the portal where the applicant
 * consented, else post.
 */
channel: DeliveryChannel | null, 
/**
 * The letter's body as the caseworker edited it; `None`: the template's text.
 */
edited_text: string | null, };

/**
 * The delivery of one decision or notice: what happened so far and, once certain,
 * the dates that follow.
 */
export type Delivery = { channel: DeliveryChannel, 
/**
 * The procedural law its announcement follows, fixed when it was issued.
 */
procedure: Procedure, 
/**
 * The procedural law of its fee part, when that differs (a KAG fee in a
 * VwVfG decision follows the AO).
 */
fee_procedure?: Procedure | null, 
/**
 * How long after the announcement the fee falls due; `None` without a fee.
 */
fee_due_after?: string | null, 
/**
 * By post: the day it was handed to the post. By Zustellung: the day it was
 * served.
 */
dispatched_on?: string | null, 
/**
 * Portal: when the citizen was notified that it is in the mailbox.
 */
notified_at?: string | null, 
/**
 * Portal: the citizen's first retrieval.
 */
retrieved_at?: string | null, 
/**
 * Portal: not retrieved within ten days of the notification.
 */
lapsed: boolean, dates?: AnnouncedDates | null, };

/**
 * How a decision or notice reaches the citizen.
 */
export type DeliveryChannel = "post" | "portal" | "zustellung";

/**
 * How a service's decisions may reach the citizen.
 */
export type DeliveryRequirement = "post_or_portal" | "post" | "zustellung";

/**
 * Where the delivery of a decision or notice stands.
 */
export type DeliveryState = "awaiting_dispatch" | "awaiting_retrieval" | "retrieval_lapsed" | "announced";

/**
 * Where the delivery of the decision or of one notice stands.
 */
export type DeliveryView = { 
/**
 * `None` for the decision.
 */
notice_id: string | null, 
/**
 * `None` for the decision.
 */
kind: NoticeKind | null, state: DeliveryState, 
/**
 * The remedy against it, which names the period ending on
 * `delivery.dates.remedy_deadline`: a fee under a KAG bylaw and a tax are
 * objected to, whatever the decision's remedy.
 */
remedy: Remedy, 
/**
 * The remedy against the fee the decision assesses, where it differs from
 * `remedy` (a fee under a municipal bylaw is objected to, the decision sued
 * over); its period ends on `delivery.dates.fee_remedy_deadline` when the fee
 * part was announced on another day, else on `remedy_deadline`.
 */
fee_remedy: Remedy | null, 
/**
 * Portal retrieval: the last day it can be retrieved and so announced.
 */
retrievable_until: string | null, delivery: Delivery, };

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
export type EventKind = { "type": "submitted", service_id: string, } | { "type": "claimed" } | { "type": "released", previous: string, } | { "type": "assigned", assignee: string, assignee_name: string, previous: string | null, } | { "type": "status_changed", from: CaseStatus, to: CaseStatus, reason?: string | null, } | { "type": "note_added", note_id: string, text: string, } | { "type": "document_added", document: DocumentMeta, } | { "type": "document_reviewed", document_id: string, verdict: Verdict, reason?: string | null, } | { "type": "items_requested", request_id: string, items: Array<RequestedItem>, reason: string, answer_due: string, message: string, letter_sha256?: string | null, } | { "type": "hearing_started", request_id: string, intended: string, answer_due: string, message: string, letter_sha256?: string | null, } | { "type": "request_answered", request_id: string, document_ids: Array<string>, message?: string | null, 
/**
 * Which documents answer which item.
 */
items?: Array<ItemAnswer>, 
/**
 * Whether this answer completes the request. Answers recorded before
 * partial answers existed always did.
 */
complete?: boolean, } | { "type": "request_extended", request_id: string, answer_due: string, } | { "type": "request_withdrawn", request_id: string, reason: string, } | { "type": "answer_accepted", request_id: string, } | { "type": "answer_deadline_passed", request_id: string, } | { "type": "message_sent", message_id: string, text: string, from_citizen: boolean, } | { "type": "decision_recorded", outcome: Outcome, letter_sha256?: string | null, fee_cents: number, reasons?: string | null, 
/**
 * The delivery as it starts: channel, procedure, the portal notification.
 */
delivery: Delivery, } | { "type": "notice_issued", notice_id: string, kind: NoticeKind, letter_sha256?: string | null, amount_cents: number, delivery: Delivery, } | { "type": "dispatched", notice_id?: string | null, channel: DeliveryChannel, on: string, dates: AnnouncedDates, } | { "type": "retrieved", notice_id?: string | null, dates: AnnouncedDates, } | { "type": "retrieval_lapsed", notice_id?: string | null, } | { "type": "priority_changed", priority: Priority, } | { "type": "due_date_changed", due_date: string, reason: string, } | { "type": "transferred_office", from: string, to: string, } | { "type": "withdrawn", reason?: string | null, } | { "type": "payment_changed", status: PaymentStatus, };

export type Fee = { amount_cents: number, kassenzeichen: string, status: PaymentStatus, };

/**
 * One fee a service charges, with the law it rests on.
 */
export type FeeLaw = { regime: FeeRegime, 
/**
 * What the fee is called in the fee table ("Verwaltungsgebühr").
 */
title: string, 
/**
 * The legal basis as printed, tariff line included (tenant data:
 * "AVerwGebO NRW, Tarifstelle 3.1.1.2").
 */
basis: string, rule: FeeRule, };

/**
 * The law a fee is charged under. It decides the remedy against the fee and the
 * surcharge for late payment that the fee notice states.
 */
export type FeeRegime = "gebg_nrw" | "kag_satzung" | "sondernutzung" | "gebost";

/**
 * How the fee is assessed.
 */
export type FeeRule = { "type": "fixed", cents: number, } | { "type": "per_mille_of_field", field: string, per_mille: number, min_cents: number, } | { "type": "product_of_fields", fields: Array<string>, cents_per_unit: number, min_cents: number, } | { "type": "by_option", field: string, options: Array<OptionFee>, 
/**
 * For a value the list does not name.
 */
otherwise_cents: number, } | { "type": "sum", parts: Array<FeeRule>, };

export type FieldCondition = { field: string, equals: string, };

export type FormField = { key: string, label: string, required: boolean, } & ({ "type": "text", max_len: number, } | { "type": "number", min: number, max: number, } | { "type": "date" } | { "type": "boolean" } | { "type": "select", options: Array<string>, });

/**
 * The grammatical gender of a noun, which a letter needs to decline the
 * possessive before the matter ("Ihr Antrag", "Ihre Gewerbeanzeige").
 */
export type Genus = "masculine" | "feminine" | "neuter";

/**
 * An Anhörung (§28 VwVfG NRW) as the caseworker prepares it.
 */
export type HearingDraft = { 
/**
 * What the office intends to decide, and on which facts.
 */
intended: string, 
/**
 * Until when the citizen may comment: a working day.
 */
answer_due: string, 
/**
 * What the citizen reads with it in the portal.
 */
message: string, };

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
 * The documents an answer gives for one item of a request (by its position in
 * the request's `items`).
 */
export type ItemAnswer = { item: number, document_ids: Array<string>, };

/**
 * A Nachforderung or an Anhörung: the office waits for the citizen until a deadline.
 */
export type ItemsRequest = { id: string, purpose: RequestPurpose, items: Array<RequestedItem>, reason: string, message: string, answer_due: string, requested_at: string, requested_by: string, status: RequestStatus, answered_at?: string | null, 
/**
 * The letter that went out with it (the items-request or hearing letter), which
 * the citizen downloads from the portal and a citizen using post receives.
 */
letter_sha256?: string | null, 
/**
 * What the citizen's answers gave for each item so far, in the order received.
 */
answers?: Array<ItemAnswer>, 
/**
 * When the citizen last answered it (also a partial answer).
 */
last_answer_at?: string | null, 
/**
 * Why the office withdrew it, as the citizen reads it.
 */
closed_reason?: string | null, };

/**
 * A request for missing or better items (Nachforderung) as the caseworker prepares
 * it.
 */
export type ItemsRequestDraft = { 
/**
 * What the citizen is asked for, each item in the words they read.
 */
items: Array<RequestedItem>, 
/**
 * Why the items are needed.
 */
reason: string, 
/**
 * Until when the citizen may answer: a working day.
 */
answer_due: string, 
/**
 * What the citizen reads with it in the portal.
 */
message: string, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

export type Message = { id: string, from_citizen: boolean, author: string, text: string, at: string, };

/**
 * An internal note; never shown to the citizen.
 */
export type Note = { id: string, author_id: string, author: string, text: string, at: string, };

/**
 * A notice issued after the decision, with its own delivery.
 */
export type Notice = { id: string, kind: NoticeKind, issued_at: string, issued_by: string, letter_sha256?: string | null, amount_cents: number, delivery: Delivery, };

/**
 * A fee or tax notice after the decision, as the caseworker prepares it.
 */
export type NoticeDraft = { kind: NoticeKind, 
/**
 * `None`: the case's fee (for a fee notice) or the yearly tax (for a tax notice).
 */
amount_cents: number | null, 
/**
 * `None`: post for a tax notice; for a fee notice as for the decision.
 */
channel: DeliveryChannel | null, 
/**
 * The letter's body as the caseworker edited it; `None`: the template's text.
 */
edited_text: string | null, };

/**
 * The kind of a notice issued after the decision.
 */
export type NoticeKind = "fee" | "tax";

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
prepare_decision: boolean, 
/**
 * Write to the citizen (the case's processor, while it is open or decided).
 */
message: boolean, 
/**
 * Request missing or better items from the citizen (Nachforderung).
 */
request_items: boolean, 
/**
 * Hear the citizen before a burdensome decision (Anhörung).
 */
hear: boolean, 
/**
 * What the user can do with each request that is open or whose deadline
 * passed, in the case's order.
 */
request_moves: Array<RequestMoves>, 
/**
 * Issue a fee or tax notice after the decision.
 */
issue_notice: boolean, 
/**
 * Deliveries whose dispatch the user can record now: a letter by post or
 * Zustellung not yet recorded, or one not retrieved from the portal in time.
 */
record_dispatch: Array<PendingDispatch>, };

export type OfficeInfo = { id: string, code: string, name: string, };

/**
 * The amount for one value of a select field.
 */
export type OptionFee = { value: string, cents: number, };

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
export type Outcome = "approved" | "rejected" | "partial" | "receipted";

/**
 * One outcome a decision may have.
 */
export type OutcomeChoice = { outcome: Outcome, 
/**
 * A refusal (rejection, partial approval): the Bescheid needs the caseworker's
 * reasons for this case (§39 VwVfG NRW).
 */
needs_reasons: boolean, 
/**
 * The fee the law assesses for this outcome and this application.
 */
fee_cents: number, };

/**
 * One outcome a service's decisions may have, and what it costs.
 */
export type OutcomeLaw = { outcome: Outcome, 
/**
 * `None`: no fee is charged for this outcome at all.
 */
fee?: FeeLaw | null, };

/**
 * A stretch of time in which the processing deadline stands still because the office
 * waits for the citizen (case status `awaiting_citizen`).
 *
 * `from` is the day the office asked, `to` the day the citizen answered, or `None`
 * while the office is still waiting.
 */
export type Pause = { from: string, to: string | null, };

export type PaymentStatus = "open" | "paid" | "failed";

/**
 * A decision or notice waiting for its dispatch to be recorded.
 */
export type PendingDispatch = { 
/**
 * `None` for the decision.
 */
notice_id: string | null, 
/**
 * "Bescheid", "Gebührenbescheid".
 */
title: string, 
/**
 * The channel to record: post, or Zustellung for a served letter.
 */
channel: DeliveryChannel, state: DeliveryState, };

export type Priority = "low" | "normal" | "high" | "urgent";

/**
 * The procedural law a decision is announced under; it decides whether the day a
 * posted letter counts as announced moves off a weekend or holiday.
 */
export type Procedure = "verwaltungsverfahren" | "abgaben";

/**
 * A stable reason code a client can branch on.
 */
export type RejectionCode = "unknown_case" | "not_permitted" | "invalid_transition" | "not_assignee" | "already_assigned" | "not_assigned" | "unknown_document" | "reviewed_meanwhile" | "unknown_request" | "unknown_user" | "unknown_office" | "case_closed" | "invalid";

/**
 * The remedy against a decision (Rechtsbehelf) in NRW.
 *
 * §110(1) JustG NRW abolished the objection procedure for most matters, so the
 * citizen sues at the administrative court (Klage, §74 VwGO); acts under the KAG NRW
 * (local taxes such as the dog tax, fees under a municipal fee bylaw) need an
 * objection (Widerspruch, §70 VwGO) to the town again since 2016.
 */
export type Remedy = "klage" | "widerspruch";

/**
 * What can be done with one request of a case.
 */
export type RequestMoves = { request_id: string, 
/**
 * Give a new answer deadline (reopening a request whose deadline passed).
 */
extend: boolean, 
/**
 * Close it unanswered, with a reason the citizen reads.
 */
withdraw: boolean, 
/**
 * Take the partial answer received as the answer.
 */
accept: boolean, };

/**
 * What the office waits for from the citizen.
 */
export type RequestPurpose = "items" | "hearing";

export type RequestStatus = "open" | "answered" | "expired" | "withdrawn";

/**
 * One item a request for missing documents asks for.
 */
export type RequestedItem = { 
/**
 * The service's required-document key, when the item is one of them.
 */
kind: string | null, 
/**
 * What the citizen reads: which document, and why.
 */
description: string, 
/**
 * The document this item asks to replace: one rejected in review, whose
 * reason the description carries.
 */
replaces?: string | null, };

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
id: string, name: string, description: string, fields: Array<FormField>, required_documents: Array<RequiredDocument>, 
/**
 * How its cases are decided, charged, delivered and challenged.
 */
law: ServiceLaw, processing_period: string, };

/**
 * The law of one service (see the module documentation).
 */
export type ServiceLaw = { 
/**
 * How letters name what the citizen asked for, after "Ihr/Ihre …":
 * "Antrag auf Erteilung einer Baugenehmigung", "Gewerbeanzeige".
 */
matter: string, 
/**
 * The gender of the matter's head noun ("Antrag": masculine).
 */
matter_genus: Genus, 
/**
 * The legal basis of the decision ("§ 74 Abs. 1 BauO NRW").
 */
basis: string, 
/**
 * The remedy against the decision itself; a fee may have another
 * ([`FeeRegime::remedy`]).
 */
remedy: Remedy, procedure: Procedure, delivery: DeliveryRequirement, 
/**
 * A statutory approval fiction (§42a VwVfG NRW) and its period, where a statute
 * orders one; only then may a letter cite §42a.
 */
approval_fiction?: string | null, unanswered_request: UnansweredRequest, 
/**
 * The default time a citizen gets to answer a request, ending on a working day.
 */
answer_period: string, 
/**
 * The outcomes a decision may have, the one applied for first.
 */
outcomes: Array<OutcomeLaw>, 
/**
 * The fee for an application withdrawn after processing began (§15(2) GebG NRW).
 */
withdrawal_fee?: FeeLaw | null, 
/**
 * The tax the registration leads to, if any.
 */
tax?: TaxLaw | null, };

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
export type StatusMove = { status: CaseStatus, label: string, 
/**
 * The move needs a reason the citizen reads: resuming a case that waits for
 * them closes their open request with it.
 */
reason_required: boolean, };

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

/**
 * A tax the service's registration leads to, assessed by a separate tax notice.
 */
export type TaxLaw = { 
/**
 * "Hundesteuer".
 */
title: string, 
/**
 * The bylaw paragraphs the tax rests on (tenant data).
 */
basis: string, 
/**
 * The yearly rate in cents (tenant data).
 */
annual_cents: number, 
/**
 * When the liability begins, in the bylaw's words (tenant data), e.g. "mit dem
 * ersten Tag des auf den Beginn der Hundehaltung folgenden Kalendermonats".
 */
liability_start: string, };

/**
 * What follows when a request for items goes unanswered.
 */
export type UnansweredRequest = { "type": "decide_on_record" } | { "type": "deemed_withdrawn", basis: string, };

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
   * The Bescheid's body text (letter markup) the template writes for the draft, to
   * edit; it ends before the closing, which the letter always adds. A rejection or
   * partial approval without reasons has none.
   */
  letter_text(case_key: string, draft: DecisionDraft): Promise<string> {
    return invoke<string>("letter_text", { case_key, draft });
  },
  /**
   * The Bescheid of the draft as it would go out now, as a base64 PDF for the
   * preview: the template's text or the draft's edited text, signed by the user.
   */
  letter_preview(case_key: string, draft: DecisionDraft): Promise<string> {
    return invoke<string>("letter_preview", { case_key, draft });
  },
  /**
   * Decides a case with the draft's Bescheid (rendered now, uploaded before the
   * command; queued when offline), its reasons and its channel.
   */
  decide(case_key: string, draft: DecisionDraft): Promise<OutboxEntry> {
    return invoke<OutboxEntry>("decide", { case_key, draft });
  },
  /**
   * Team leads: decides many cases with the same outcome and the template's
   * letters, each on its own default channel; one answer per case, in order. A
   * rejection or partial approval is refused as a whole (it needs reasons per case).
   */
  decide_many(case_keys: Array<string>, outcome: Outcome): Promise<Array<BatchItem>> {
    return invoke<Array<BatchItem>>("decide_many", { case_keys, outcome });
  },
  /**
   * The hearing letter of the draft as it would go out, as a base64 PDF; a draft
   * the domain would refuse is refused with the reason.
   */
  hearing_preview(case_key: string, draft: HearingDraft): Promise<string> {
    return invoke<string>("hearing_preview", { case_key, draft });
  },
  /** Starts a hearing (Anhörung): the case waits for the citizen's statement. */
  start_hearing(case_key: string, draft: HearingDraft): Promise<OutboxEntry> {
    return invoke<OutboxEntry>("start_hearing", { case_key, draft });
  },
  /**
   * The items-request letter of the draft as it would go out, as a base64 PDF; a
   * draft the domain would refuse is refused with the reason.
   */
  items_request_preview(case_key: string, draft: ItemsRequestDraft): Promise<string> {
    return invoke<string>("items_request_preview", { case_key, draft });
  },
  /**
   * Requests missing or better items (Nachforderung) with their letter: the case
   * waits for the citizen.
   */
  request_items(case_key: string, draft: ItemsRequestDraft): Promise<OutboxEntry> {
    return invoke<OutboxEntry>("request_items", { case_key, draft });
  },
  /** The letter of the case's open hearing, as a base64 PDF. */
  hearing_letter(case_key: string): Promise<string> {
    return invoke<string>("hearing_letter", { case_key });
  },
  /** The answer deadline a picked day gives: it, or the next working day and why. */
  answer_deadline(picked: string): Promise<AnswerDeadline> {
    return invoke<AnswerDeadline>("answer_deadline", { picked });
  },
  /**
   * Records that the decision (`notice_id` null) or a notice was handed to the
   * post or served on `on`.
   */
  record_dispatch(case_key: string, notice_id: string | null, on: string): Promise<OutboxEntry> {
    return invoke<OutboxEntry>("record_dispatch", { case_key, notice_id, on });
  },
  /** The fee or tax notice of the draft as it would go out, as a base64 PDF. */
  notice_preview(case_key: string, draft: NoticeDraft): Promise<string> {
    return invoke<string>("notice_preview", { case_key, draft });
  },
  /** Issues a fee or tax notice after the decision, with its letter. */
  issue_notice(case_key: string, draft: NoticeDraft): Promise<OutboxEntry> {
    return invoke<OutboxEntry>("issue_notice", { case_key, draft });
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
  receipted: "Bestätigt",
};

/** German labels of `Outcome`, from `Outcome::bescheid_german`. */
export const BESCHEID_LABELS: Record<Outcome, string> = {
  approved: "Bewilligung",
  rejected: "Ablehnung",
  partial: "Teilbewilligung",
  receipted: "Bestätigung",
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
  withdrawn: "Zurückgenommen",
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

/** German labels of `RequestPurpose`, from `RequestPurpose::german`. */
export const REQUEST_PURPOSE_LABELS: Record<RequestPurpose, string> = {
  items: "Nachforderung",
  hearing: "Anhörung",
};

/** German labels of `NoticeKind`, from `NoticeKind::german`. */
export const NOTICE_KIND_LABELS: Record<NoticeKind, string> = {
  fee: "Gebührenbescheid",
  tax: "Steuerbescheid",
};

/** German labels of `DeliveryChannel`, from `DeliveryChannel::german`. */
export const DELIVERY_CHANNEL_LABELS: Record<DeliveryChannel, string> = {
  post: "Post",
  portal: "Abruf im Bürgerportal",
  zustellung: "Förmliche Zustellung",
};

/** German labels of `DeliveryState`, from `DeliveryState::german`. */
export const DELIVERY_STATE_LABELS: Record<DeliveryState, string> = {
  awaiting_dispatch: "Versand noch nicht erfasst",
  awaiting_retrieval: "Im Bürgerportal bereitgestellt, noch nicht abgerufen",
  retrieval_lapsed: "Nicht abgerufen – bitte per Post versenden",
  announced: "Bekannt gegeben",
};

/** German labels of `Remedy`, from `Remedy::german`. */
export const REMEDY_LABELS: Record<Remedy, string> = {
  klage: "Klage",
  widerspruch: "Widerspruch",
};

/** German labels of `Remedy`, from `Remedy::period_german`. */
export const REMEDY_PERIOD_LABELS: Record<Remedy, string> = {
  klage: "Klagefrist",
  widerspruch: "Widerspruchsfrist",
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
  start_hearing: "Anhörung",
  send_message: "Nachricht",
  extend_request: "Fristverlängerung",
  withdraw_request: "Rücknahme der Nachforderung",
  accept_answer: "Annahme der Antwort",
  record_decision: "Entscheidung",
  issue_notice: "Bescheid nach der Entscheidung",
  record_dispatch: "Versand",
  set_priority: "Priorität",
  set_due_date: "Friständerung",
  transfer_office: "Abgabe an Dienststelle",
  withdraw: "Rücknahme des Antrags",
  answer_request: "Antwort auf Nachforderung",
  citizen_message: "Nachricht der Antragsteller/in",
  expire_request: "Ablauf der Antwortfrist",
  record_retrieval: "Abruf im Bürgerportal",
  lapse_retrieval: "Ablauf der Abruffrist",
  record_payment: "Zahlung",
};
