// What of a case is still on its way: which notes, documents and fields the pending
// outbox entries touch. What the user may do with the case comes from the engine
// (`CaseDetail.actions`, decided by the domain); the UI only draws it.
import type { CaseDetail, OutboxEntry } from "../generated/bindings";

/** What the user's outbox entries on a case mean for showing it. */
export interface OutboxMarks {
  pending: OutboxEntry[];
  rejected: OutboxEntry[];
  /** Documents with a review on its way. */
  pendingDocuments: Set<string>;
  /** Notes added by a command still on its way. */
  pendingNotes: Set<string>;
  /** Messages to the citizen sent by a command still on its way. */
  pendingMessages: Set<string>;
  /** Whether an assignment change (claim, release, assign) is on its way. */
  assignmentPending: boolean;
  statusPending: boolean;
  /** Whether a decision (with its letter) is on its way. */
  decisionPending: boolean;
}

export function outboxMarks(detail: CaseDetail): OutboxMarks {
  const pending = detail.outbox.filter((e) => e.state === "pending");
  const rejected = detail.outbox.filter((e) => e.state === "rejected");
  const pendingIds = new Set(pending.map((e) => e.command_id));
  const pendingDocuments = new Set<string>();
  const pendingNotes = new Set<string>();
  const pendingMessages = new Set<string>();
  let assignmentPending = false;
  let statusPending = false;
  let decisionPending = false;
  for (const entry of pending) {
    const kind = entry.command;
    if (kind.kind === "review_document") pendingDocuments.add(kind.payload.document_id);
    if (kind.kind === "claim" || kind.kind === "release" || kind.kind === "assign") assignmentPending = true;
    if (kind.kind === "set_status") statusPending = true;
    if (kind.kind === "record_decision") decisionPending = statusPending = true;
  }
  // A note's id is made when the command is applied; the history entry it wrote
  // carries the command id.
  for (const entry of detail.case.history) {
    if (!entry.command_id || !pendingIds.has(entry.command_id)) continue;
    if (entry.event.type === "note_added") pendingNotes.add(entry.event.note_id);
    if (entry.event.type === "message_sent") pendingMessages.add(entry.event.message_id);
  }
  return {
    pending,
    rejected,
    pendingDocuments,
    pendingNotes,
    pendingMessages,
    assignmentPending,
    statusPending,
    decisionPending,
  };
}
