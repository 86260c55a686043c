// Coalesces the engine's change events: a burst of `InboxChanged`, `CaseChanged` and
// status events becomes one batch handled once per animation frame, so a sync that
// touches thousands of cases reloads the list once, not thousands of times.
import type { Change, SyncStatus } from "../generated/bindings";

export type RejectedChange = Extract<Change, { type: "command_rejected" }>;

export interface ChangeBatch {
  /** Inbox rows and counts are stale. */
  inbox: boolean;
  /** Cases that changed. */
  caseIds: Set<string>;
  /** The latest sync status of the burst. */
  status: SyncStatus | null;
  /** Refused commands, each to be shown to the user. */
  rejected: RejectedChange[];
}

function emptyBatch(): ChangeBatch {
  return { inbox: false, caseIds: new Set(), status: null, rejected: [] };
}

function statusOf(change: Extract<Change, { type: "sync_status" }>): SyncStatus {
  const { connection, last_sync, pending, rejected, cursor, revision } = change;
  return { connection, last_sync, pending, rejected, cursor, revision };
}

/** Folds one change into a batch. */
export function addChange(batch: ChangeBatch, change: Change): void {
  switch (change.type) {
    case "inbox_changed":
      batch.inbox = true;
      break;
    case "case_changed":
      for (const id of change.case_ids) batch.caseIds.add(id);
      break;
    case "sync_status":
      batch.status = statusOf(change);
      break;
    case "command_rejected":
      // A refusal changes the case, its row's marker and the problem count.
      batch.rejected.push(change);
      batch.caseIds.add(change.case_id);
      batch.inbox = true;
      break;
  }
}

export interface Coalescer {
  push(change: Change): void;
  /** Stops delivering; a scheduled batch is dropped. */
  dispose(): void;
}

/**
 * Collects changes and hands them to `deliver` as one batch at the next `schedule`
 * tick (`requestAnimationFrame` in the app).
 */
export function coalesceChanges(
  deliver: (batch: ChangeBatch) => void,
  schedule: (run: () => void) => void = (run) => requestAnimationFrame(() => run()),
): Coalescer {
  let pending: ChangeBatch | null = null;
  let disposed = false;
  return {
    push(change) {
      if (disposed) return;
      if (!pending) {
        pending = emptyBatch();
        schedule(() => {
          const batch = pending;
          pending = null;
          if (batch && !disposed) deliver(batch);
        });
      }
      addChange(pending, change);
    },
    dispose() {
      disposed = true;
      pending = null;
    },
  };
}
