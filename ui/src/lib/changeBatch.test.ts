// Tests of the change-event coalescing.
import { describe, expect, it, vi } from "vitest";
import type { Change } from "../generated/bindings";
import { type ChangeBatch, coalesceChanges } from "./changeBatch";

function manualScheduler() {
  const queue: (() => void)[] = [];
  return {
    schedule: (run: () => void) => void queue.push(run),
    tick: () => queue.splice(0).forEach((run) => run()),
    get scheduled() {
      return queue.length;
    },
  };
}

const status = (pending: number): Change => ({
  type: "sync_status",
  connection: { state: "online" },
  last_sync: "2026-03-05T10:00:00Z",
  pending,
  rejected: 0,
  cursor: 7,
  revision: pending,
});

describe("coalesceChanges", () => {
  it("turns a burst into one batch per tick", () => {
    const clock = manualScheduler();
    const deliver = vi.fn<(batch: ChangeBatch) => void>();
    const feed = coalesceChanges(deliver, clock.schedule);
    for (let i = 0; i < 1000; i++) feed.push({ type: "inbox_changed" });
    feed.push({ type: "case_changed", case_ids: ["a", "b"] });
    feed.push({ type: "case_changed", case_ids: ["b", "c"] });
    feed.push(status(3));
    feed.push(status(2));
    expect(clock.scheduled).toBe(1);
    expect(deliver).not.toHaveBeenCalled();
    clock.tick();
    expect(deliver).toHaveBeenCalledTimes(1);
    const batch = deliver.mock.calls[0]![0];
    expect(batch.inbox).toBe(true);
    expect([...batch.caseIds].sort()).toEqual(["a", "b", "c"]);
    expect(batch.status).toEqual({
      connection: { state: "online" },
      last_sync: "2026-03-05T10:00:00Z",
      pending: 2,
      rejected: 0,
      cursor: 7,
      revision: 2,
    });
    expect(batch.rejected).toEqual([]);
  });

  it("starts a fresh batch after delivering", () => {
    const clock = manualScheduler();
    const deliver = vi.fn<(batch: ChangeBatch) => void>();
    const feed = coalesceChanges(deliver, clock.schedule);
    feed.push({ type: "case_changed", case_ids: ["a"] });
    clock.tick();
    feed.push(status(1));
    clock.tick();
    expect(deliver).toHaveBeenCalledTimes(2);
    expect(deliver.mock.calls[1]![0]).toMatchObject({ inbox: false, caseIds: new Set() });
  });

  it("keeps every refusal and marks its case and the inbox stale", () => {
    const clock = manualScheduler();
    const deliver = vi.fn<(batch: ChangeBatch) => void>();
    const feed = coalesceChanges(deliver, clock.schedule);
    const refusal = (id: string): Change => ({
      type: "command_rejected",
      command_id: id,
      case_id: "case-1",
      aktenzeichen: "32-HU-2026-000001",
      code: "not_assignee",
      message: "Der Vorgang ist Mia zugewiesen, nicht Ihnen",
    });
    feed.push(refusal("c1"));
    feed.push(refusal("c2"));
    clock.tick();
    const batch = deliver.mock.calls[0]![0];
    expect(batch.rejected.map((r) => r.command_id)).toEqual(["c1", "c2"]);
    expect(batch.caseIds.has("case-1")).toBe(true);
    expect(batch.inbox).toBe(true);
  });

  it("delivers nothing after dispose", () => {
    const clock = manualScheduler();
    const deliver = vi.fn();
    const feed = coalesceChanges(deliver, clock.schedule);
    feed.push({ type: "inbox_changed" });
    feed.dispose();
    clock.tick();
    feed.push({ type: "inbox_changed" });
    clock.tick();
    expect(deliver).not.toHaveBeenCalled();
  });
});
