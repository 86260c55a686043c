// Tests of the offered case actions and the pending markers.
import { describe, expect, it } from "vitest";
import type { CaseDetail, UserInfo } from "../generated/bindings";
import { ME as me, sampleDetail, sampleEntry } from "../test/fixtures";
import { caseActions, outboxMarks } from "./caseWork";

const lead: UserInfo = { ...me, id: "u-lead", role: "team_lead" };

describe("caseActions", () => {
  it("offers claiming an unassigned open case", () => {
    const { case: aggregate } = sampleDetail();
    expect(caseActions(aggregate, me)).toMatchObject({ claim: true, release: false, assign: false, process: false });
  });

  it("offers releasing and processing one's own case", () => {
    const aggregate = { ...sampleDetail().case, status: "in_review" as const, assignee: "u-me" };
    expect(caseActions(aggregate, me)).toMatchObject({ claim: false, release: true, process: true });
  });

  it("lets team leads assign and take over others' cases", () => {
    const aggregate = { ...sampleDetail().case, status: "in_review" as const, assignee: "u-other" };
    expect(caseActions(aggregate, me)).toMatchObject({ claim: false, release: false, assign: false });
    expect(caseActions(aggregate, lead)).toMatchObject({ claim: true, release: true, assign: true, process: true });
  });

  it("offers the status moves a caseworker sets directly", () => {
    const waiting = { ...sampleDetail().case, status: "awaiting_citizen" as const, assignee: "u-me" };
    expect(caseActions(waiting, me).statusMoves.map((m) => m.status)).toEqual(["in_review"]);
    const decided = { ...waiting, status: "decided" as const };
    expect(caseActions(decided, me).statusMoves.map((m) => m.status)).toEqual(["closed"]);
    expect(caseActions(decided, me).claim).toBe(false);
  });

  it("offers preparing a Bescheid for open cases only", () => {
    const aggregate = sampleDetail().case;
    expect(caseActions(aggregate, me).decide).toBe(true);
    expect(caseActions({ ...aggregate, status: "awaiting_citizen" }, lead).decide).toBe(true);
    expect(caseActions({ ...aggregate, status: "decided" }, me).decide).toBe(false);
    expect(caseActions({ ...aggregate, status: "withdrawn" }, lead).decide).toBe(false);
  });
});

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
            payload: { outcome: "approved", letter_sha256: "b".repeat(64), fee_cents: 2600 },
          },
        }),
      ],
    };
    expect(outboxMarks(detail)).toMatchObject({ decisionPending: true, statusPending: true });
  });
});
