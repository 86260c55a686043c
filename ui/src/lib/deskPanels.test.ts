// Tests of the desk's panels: opening and leaving cases, documents and the Bescheid,
// the confirmation before an edited Bescheid is left, the cursor that follows rows,
// what Esc closes, and the shown document and layout derived from the state.
import { describe, expect, it } from "vitest";
import type { CaseDetail } from "../generated/bindings";
import { sampleDetail, sampleEntry } from "../test/fixtures";
import {
  type DeskPanels,
  INITIAL_PANELS,
  type PanelAction,
  closableOf,
  layoutOf,
  leaveNeedsConfirmation,
  movedCursor,
  panelsReducer,
  shownOf,
  steppedDocumentId,
} from "./deskPanels";

function run(panels: DeskPanels, ...actions: PanelAction[]): DeskPanels {
  return actions.reduce(panelsReducer, panels);
}

const withCase = (caseId = "case-1") => run(INITIAL_PANELS, { type: "openCase", caseId });
const editedLetter = () =>
  run(withCase(), { type: "openLetter", letter: "decision" }, { type: "letterEdited", edited: true });

function detailWithDocuments(...ids: string[]): CaseDetail {
  const detail = sampleDetail();
  detail.case.documents = ids.map((id) => ({ ...detail.case.documents[0]!, id, file_name: `${id}.pdf` }));
  return detail;
}

describe("desk panels", () => {
  it("opens a case, then a document beside it, and closes them one by one", () => {
    let panels = run(withCase(), { type: "showDocument", id: "d1" }, { type: "rejecting", rejecting: true });
    expect(panels.right).toEqual({ kind: "document", id: "d1" });
    expect(closableOf(panels)).toBe("rejecting");
    panels = run(panels, { type: "rejecting", rejecting: false });
    expect(closableOf(panels)).toBe("document");
    panels = run(panels, { type: "closeDocument" });
    expect(panels.right).toBeNull();
    expect(closableOf(panels)).toBe("case");
    panels = run(panels, { type: "closeCase" });
    expect(panels.openCaseId).toBeNull();
    expect(closableOf(panels)).toBeNull();
  });

  it("closes the document, the Bescheid and a rejection when another case opens", () => {
    const rejecting = run(withCase(), { type: "showDocument", id: "d1" }, { type: "rejecting", rejecting: true });
    const next = run(rejecting, { type: "openCase", caseId: "case-2" });
    expect(next).toMatchObject({ openCaseId: "case-2", right: null, rejecting: false });
    // The case already open stays as it is.
    expect(run(rejecting, { type: "openCase", caseId: "case-1" })).toBe(rejecting);
  });

  it("shows a document or an issued Bescheid instead of the Bescheid being prepared", () => {
    const letter = run(withCase(), { type: "showDocument", id: "d1" }, { type: "openLetter", letter: "decision" });
    expect(letter.right).toEqual({ kind: "letter", letter: "decision" });
    expect(closableOf(letter)).toBe("letter");
    expect(run(letter, { type: "showDocument", id: "d2" }).right).toEqual({ kind: "document", id: "d2" });
    expect(run(letter, { type: "showIssuedLetter", sha256: "b" }).right).toEqual({ kind: "issuedLetter", sha256: "b" });
    // Opening it again changes nothing; closing a document leaves it open.
    expect(run(letter, { type: "openLetter", letter: "decision" })).toBe(letter);
    expect(run(letter, { type: "closeDocument" })).toBe(letter);
    expect(run(letter, { type: "closeLetter" }).right).toBeNull();
  });

  it("asks before an edited Bescheid is left, and only then", () => {
    const clean = run(withCase(), { type: "openLetter", letter: "decision" }, { type: "letterEdited", edited: false });
    expect(leaveNeedsConfirmation(clean, { type: "closeLetter" })).toBe(false);
    const edited = editedLetter();
    for (const leave of [
      { type: "openCase", caseId: "case-2" },
      { type: "closeCase" },
      { type: "showDocument", id: "d1" },
      { type: "showIssuedLetter", sha256: "b" },
      { type: "closeLetter" },
      { type: "followRow", index: 3 },
    ] as const) {
      expect(leaveNeedsConfirmation(edited, leave)).toBe(true);
    }
    expect(leaveNeedsConfirmation(edited, { type: "openCase", caseId: "case-1" })).toBe(false);
    // The hearing is another letter: opening it leaves the edited Bescheid.
    expect(leaveNeedsConfirmation(edited, { type: "openLetter", letter: "hearing" })).toBe(true);
    expect(leaveNeedsConfirmation(edited, { type: "openLetter", letter: "decision" })).toBe(false);
    // Edits count only while the Bescheid is open.
    expect(leaveNeedsConfirmation(run(edited, { type: "letterDecided" }), { type: "closeCase" })).toBe(false);
  });

  it("does what was asked once the caseworker discards the edits, and nothing if they keep them", () => {
    const asked = run(editedLetter(), { type: "askLeave", leave: { type: "openCase", caseId: "case-2" } });
    expect(asked.pendingLeave).toEqual({ type: "openCase", caseId: "case-2" });
    expect(asked.openCaseId).toBe("case-1");

    const kept = run(asked, { type: "cancelLeave" });
    expect(kept).toMatchObject({
      openCaseId: "case-1",
      right: { kind: "letter", letter: "decision" },
      letterEdited: true,
      pendingLeave: null,
    });

    const left = run(asked, { type: "confirmLeave" });
    expect(left).toMatchObject({ openCaseId: "case-2", right: null, letterEdited: false, pendingLeave: null });

    // Discarding the Bescheid for the hearing opens the hearing, with no edits yet.
    const hearing = run(
      editedLetter(),
      { type: "askLeave", leave: { type: "openLetter", letter: "hearing" } },
      { type: "confirmLeave" },
    );
    expect(hearing).toMatchObject({ right: { kind: "letter", letter: "hearing" }, letterEdited: false });

    // A click on a row still loading: the Bescheid closes, the cursor follows the row.
    const followed = run(
      editedLetter(),
      { type: "askLeave", leave: { type: "followRow", index: 4 } },
      { type: "confirmLeave" },
    );
    expect(followed).toMatchObject({ openCaseId: "case-1", right: null, selected: 4, follow: true });
  });

  it("moves the cursor within the list and follows it while a case is open", () => {
    expect(movedCursor(null, 1, 10)).toBe(0);
    expect(movedCursor(null, -1, 10)).toBe(9);
    expect(movedCursor(9, 1, 10)).toBe(9);
    expect(movedCursor(0, -1, 10)).toBe(0);
    expect(movedCursor(3, 1, 0)).toBeNull();

    const listOnly = run(INITIAL_PANELS, { type: "move", delta: 1, total: 10 });
    expect(listOnly).toMatchObject({ selected: 0, follow: false });
    const open = run(withCase(), { type: "move", delta: 1, total: 10 });
    expect(open).toMatchObject({ selected: 0, follow: true });
    expect(run(open, { type: "rowArrived", caseId: "case-0" })).toMatchObject({ openCaseId: "case-0", follow: false });
    // While a Bescheid is being prepared, the open case stays.
    expect(run(editedLetter(), { type: "move", delta: 1, total: 10 }).follow).toBe(false);
    expect(run(INITIAL_PANELS, { type: "move", delta: 1, total: 0 })).toBe(INITIAL_PANELS);
  });

  it("forgets the cursor and a pending follow when the query changes", () => {
    const following = run(INITIAL_PANELS, { type: "followRow", index: 2 });
    expect(run(following, { type: "newQuery" })).toMatchObject({ selected: null, follow: false });
    expect(run(INITIAL_PANELS, { type: "newQuery" })).toBe(INITIAL_PANELS);
    expect(run(following, { type: "select", index: 5 })).toMatchObject({ selected: 5, follow: false });
  });
});

describe("shown document", () => {
  it("resolves the document against the case as it is now", () => {
    const detail = detailWithDocuments("d1", "d2");
    const shown = shownOf({ kind: "document", id: "d2" }, detail);
    expect(shown).toMatchObject({ fileName: "d2.pdf", position: 2, count: 2, pending: false });
    expect(shown?.document?.id).toBe("d2");
    expect(shownOf({ kind: "document", id: "gone" }, detail)).toBeNull();
    expect(shownOf({ kind: "document", id: "d1" }, null)).toBeNull();
    expect(shownOf({ kind: "letter", letter: "decision" }, detail)).toBeNull();
    expect(shownOf({ kind: "issuedLetter", sha256: "b" }, null)).toMatchObject({
      fileName: "Bescheid",
      document: null,
    });
  });

  it("marks a document whose review is on its way", () => {
    const detail = detailWithDocuments("d1");
    detail.outbox = [
      sampleEntry({
        case_id: detail.case.id,
        commandKind: { kind: "review_document", payload: { document_id: "d1", verdict: "accepted", reason: null } },
      }),
    ];
    expect(shownOf({ kind: "document", id: "d1" }, detail)?.pending).toBe(true);
  });

  it("steps through the documents, wrapping around", () => {
    const { documents } = detailWithDocuments("d1", "d2", "d3").case;
    expect(steppedDocumentId(documents, null, 1)).toBe("d1");
    expect(steppedDocumentId(documents, { kind: "letter", letter: "decision" }, -1)).toBe("d3");
    expect(steppedDocumentId(documents, { kind: "document", id: "d3" }, 1)).toBe("d1");
    expect(steppedDocumentId(documents, { kind: "document", id: "d1" }, -1)).toBe("d3");
    expect(steppedDocumentId([], null, 1)).toBeNull();
  });

  it("lays out the workspace once the case has loaded", () => {
    const detail = detailWithDocuments("d1");
    expect(layoutOf(INITIAL_PANELS, false, null)).toEqual({ layout: "list-only", rightPane: null });
    const letter = run(withCase(), { type: "openLetter", letter: "decision" });
    expect(layoutOf(letter, false, null)).toEqual({ layout: "with-case", rightPane: null });
    expect(layoutOf(letter, true, null)).toEqual({ layout: "with-document", rightPane: "decision" });
    const hearing = run(withCase(), { type: "openLetter", letter: "hearing" });
    expect(layoutOf(hearing, true, null)).toEqual({ layout: "with-document", rightPane: "hearing" });
    const document = run(withCase(), { type: "showDocument", id: "d1" });
    const shown = shownOf(document.right, detail);
    expect(layoutOf(document, true, shown)).toEqual({ layout: "with-document", rightPane: "document" });
  });
});
