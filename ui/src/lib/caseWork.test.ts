// Tests of the pending markers.
import { describe, expect, it } from "vitest";
import type { CaseDetail } from "../generated/bindings";
import { sampleDetail, sampleEntry } from "../test/fixtures";
import { outboxMarks } from "./caseWork";

describe("outboxMarks", () => {
  it("marks documents, notes and assignment with a pending command", () => {
    const base = sampleDetail();
    const detail: CaseDetail = {
      ...base,
      case: {
        ...base.case,
        notes: [{ id: "n1", author_id: "u-me", author: "Mia Maier", text: "Rückruf", at: "2026-03-05T10:00:00Z" }],
        history: [
          ...base.case.history,
          {
            seq: 2,
            version: 2,
            at: "2026-03-05T10:00:00Z",
            actor: { type: "staff", user_id: "u-me", role: "caseworker", name: "Mia Maier" },
            command_id: "cmd-note",
            event: { type: "note_added", note_id: "n1", text: "Rückruf" },
          },
        ],
      },
      outbox: [
        sampleEntry({ command_id: "cmd-note", commandKind: { kind: "add_note", payload: { text: "Rückruf" } } }),
        sampleEntry({
          command_id: "cmd-doc",
          commandKind: { kind: "review_document", payload: { document_id: "d1", verdict: "accepted", reason: null } },
        }),
        sampleEntry({ command_id: "cmd-claim", state: "rejected" }),
      ],
    };
    const marks = outboxMarks(detail);
    expect(marks.pending).toHaveLength(2);
    expect(marks.rejected.map((e) => e.command_id)).toEqual(["cmd-claim"]);
    expect([...marks.pendingNotes]).toEqual(["n1"]);
    expect([...marks.pendingDocuments]).toEqual(["d1"]);
    expect(marks.assignmentPending).toBe(false);
    expect(marks.decisionPending).toBe(false);
  });

  it("marks a decision on its way, and the status it changes", () => {
    const detail: CaseDetail = {
      ...sampleDetail(),
      outbox: [
        sampleEntry({
          commandKind: {
            kind: "record_decision",
            payload: {
              outcome: "approved",
              letter_sha256: "b".repeat(64),
              fee_cents: 2600,
              reasons: null,
              channel: "post",
            },
          },
        }),
      ],
    };
    expect(outboxMarks(detail)).toMatchObject({ decisionPending: true, statusPending: true });
  });
});
