// What the caseworker may do with a case and what of it is still on its way: the
// actions offered for the case's status and assignment, and which notes, documents
// and fields the pending outbox entries touch.
import type { CaseAggregate, CaseDetail, CaseStatus, OutboxEntry, UserInfo } from "../generated/bindings";
import { isOpen } from "./labels";

export interface StatusMove {
  status: CaseStatus;
  label: string;
}

export interface CaseActions {
  claim: boolean;
  release: boolean;
  assign: boolean;
  /** Status changes a caseworker sets directly; the rest follow from other actions. */
  statusMoves: StatusMove[];
  /** Whether document review and other processing is open to the user. */
  process: boolean;
  /**
   * Whether a Bescheid can be prepared: any open case. Deciding also needs the user to
   * be the processor (`process`); the engine refuses otherwise, with the reason.
   */
  decide: boolean;
}

/** The actions that obviously apply; the engine refuses anything else with a reason. */
export function caseActions(aggregate: CaseAggregate, me: UserInfo): CaseActions {
  const lead = me.role === "team_lead";
  const mine = aggregate.assignee === me.id;
  const open = isOpen(aggregate.status);
  const processor = lead || mine;
  const statusMoves: StatusMove[] = [];
  if (aggregate.status === "awaiting_citizen" && processor) {
    statusMoves.push({ status: "in_review", label: "Bearbeitung fortsetzen" });
  }
  if (aggregate.status === "decided" && processor) {
    statusMoves.push({ status: "closed", label: "Abschließen" });
  }
  return {
    claim: open && !mine && (aggregate.assignee === null || lead) && me.role !== "admin",
    release:
      aggregate.assignee !== null &&
      (aggregate.status === "in_review" || aggregate.status === "awaiting_citizen") &&
      (mine || lead),
    assign: lead && open,
    statusMoves,
    process: open && processor,
    decide: open && me.role !== "admin",
  };
}

/** What the user's outbox entries on a case mean for showing it. */
export interface OutboxMarks {
  pending: OutboxEntry[];
  rejected: OutboxEntry[];
  /** Documents with a review on its way. */
  pendingDocuments: Set<string>;
  /** Notes added by a command still on its way. */
  pendingNotes: Set<string>;
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
    if (entry.event.type === "note_added" && entry.command_id && pendingIds.has(entry.command_id)) {
      pendingNotes.add(entry.event.note_id);
    }
  }
  return { pending, rejected, pendingDocuments, pendingNotes, assignmentPending, statusPending, decisionPending };
}
