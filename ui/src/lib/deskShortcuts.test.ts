// Tests of what each shortcut does on the desk: nothing behind a dialog, Esc closing
// the innermost thing open, commands only where they apply, and which keys are
// consumed.
import { describe, expect, it } from "vitest";
import { sampleRow } from "../test/fixtures";
import { type DeskPanels, INITIAL_PANELS } from "./deskPanels";
import { type DeskKeyState, deskCommandFor } from "./deskShortcuts";

function desk(overrides: Partial<DeskKeyState> = {}, panels: Partial<DeskPanels> = {}): DeskKeyState {
  return {
    dialogOpen: false,
    helpOpen: false,
    panels: { ...INITIAL_PANELS, ...panels },
    selectedRow: undefined,
    caseLoaded: false,
    documentShown: false,
    mayDecide: false,
    mayRequest: false,
    lead: false,
    noteField: false,
    ...overrides,
  };
}

const openCase = { openCaseId: "case-1" };
const loaded = { caseLoaded: true };

describe("desk shortcuts", () => {
  it("move the cursor and consume the key", () => {
    expect(deskCommandFor("next", desk())).toEqual({ command: { run: "move", delta: 1 }, preventDefault: true });
    expect(deskCommandFor("previous", desk())?.command).toEqual({ run: "move", delta: -1 });
  });

  it("do nothing while a dialog is open, and only close the shortcut overview", () => {
    for (const action of ["next", "close", "toggleHelp", "claim"] as const) {
      expect(deskCommandFor(action, desk({ dialogOpen: true }))).toBeNull();
    }
    expect(deskCommandFor("toggleHelp", desk({ helpOpen: true }))?.command).toEqual({ run: "closeHelp" });
    expect(deskCommandFor("close", desk({ helpOpen: true }))?.command).toEqual({ run: "closeHelp" });
    expect(deskCommandFor("next", desk({ helpOpen: true }))).toBeNull();
    expect(deskCommandFor("toggleHelp", desk())?.command).toEqual({ run: "openHelp" });
  });

  it("open the selected row once it has loaded", () => {
    expect(deskCommandFor("open", desk())).toBeNull();
    expect(deskCommandFor("open", desk({}, { selected: 3 }))).toBeNull();
    expect(deskCommandFor("open", desk({ selectedRow: sampleRow(3) }, { selected: 3 }))).toEqual({
      command: { run: "openRow", index: 3, caseId: "case-3" },
      preventDefault: true,
    });
  });

  it("close the innermost thing open with Esc", () => {
    const close = (panels: Partial<DeskPanels>) => deskCommandFor("close", desk({}, panels))?.command ?? null;
    const document = { ...openCase, right: { kind: "document", id: "d1" } } as const;
    expect(close({ ...document, rejecting: true })).toEqual({ run: "stopRejecting" });
    expect(close(document)).toEqual({ run: "closeDocument" });
    expect(close({ ...openCase, right: { kind: "issuedLetter", sha256: "b" } })).toEqual({ run: "closeDocument" });
    expect(close({ ...openCase, right: { kind: "letter", letter: "decision" } })).toEqual({ run: "closeLetter" });
    expect(close(openCase)).toEqual({ run: "closeCase" });
    expect(close({})).toBeNull();
    expect(deskCommandFor("close", desk({}, openCase))?.preventDefault).toBe(false);
  });

  it("claim the open case, or else the selected row's", () => {
    const row = { selectedRow: sampleRow(2) };
    expect(deskCommandFor("claim", desk())).toBeNull();
    expect(deskCommandFor("claim", desk(row, { selected: 2 }))?.command).toEqual({ run: "claim", caseId: "case-2" });
    expect(deskCommandFor("claim", desk(row, { selected: 2, ...openCase }))?.command).toEqual({
      run: "claim",
      caseId: "case-1",
    });
  });

  it("review and step through documents only where there are any", () => {
    expect(deskCommandFor("accept", desk(loaded, openCase))).toBeNull();
    expect(deskCommandFor("reject", desk(loaded, openCase))).toBeNull();
    const shown = desk({ ...loaded, documentShown: true }, openCase);
    expect(deskCommandFor("accept", shown)).toEqual({ command: { run: "accept" }, preventDefault: false });
    expect(deskCommandFor("reject", shown)).toEqual({ command: { run: "startRejecting" }, preventDefault: true });
    expect(deskCommandFor("nextDocument", desk({}, openCase))).toBeNull();
    expect(deskCommandFor("nextDocument", desk(loaded, openCase))?.command).toEqual({ run: "stepDocument", delta: 1 });
    expect(deskCommandFor("previousDocument", desk(loaded, openCase))?.command).toEqual({
      run: "stepDocument",
      delta: -1,
    });
  });

  it("focus the search box always and the note field when there is one", () => {
    expect(deskCommandFor("focusSearch", desk())).toEqual({ command: { run: "focusSearch" }, preventDefault: true });
    expect(deskCommandFor("focusNote", desk())).toBeNull();
    expect(deskCommandFor("focusNote", desk({ noteField: true }))?.preventDefault).toBe(true);
  });

  it("open the Bescheid when the user may decide, and keep b from the panel once open", () => {
    expect(deskCommandFor("letter", desk(loaded, openCase))).toBeNull();
    expect(deskCommandFor("letter", desk({ mayDecide: true }, openCase))).toBeNull();
    const decidable = desk({ ...loaded, mayDecide: true }, openCase);
    expect(deskCommandFor("letter", decidable)).toEqual({ command: { run: "openLetter" }, preventDefault: true });
    const open = desk({ ...loaded, mayDecide: true }, { ...openCase, right: { kind: "letter", letter: "decision" } });
    expect(deskCommandFor("letter", open)).toEqual({ command: null, preventDefault: true });
    // From the hearing beside the case, the key opens the Bescheid (asking first if edited).
    const hearing = desk({ ...loaded, mayDecide: true }, { ...openCase, right: { kind: "letter", letter: "hearing" } });
    expect(deskCommandFor("letter", hearing)).toEqual({ command: { run: "openLetter" }, preventDefault: true });
  });

  it("open the request for items with u when the user may request them", () => {
    expect(deskCommandFor("requestItems", desk(loaded, openCase))).toBeNull();
    const requestable = desk({ ...loaded, mayRequest: true }, openCase);
    expect(deskCommandFor("requestItems", requestable)).toEqual({
      command: { run: "openRequest" },
      preventDefault: true,
    });
    const open = desk({ ...loaded, mayRequest: true }, { ...openCase, right: { kind: "letter", letter: "request" } });
    expect(deskCommandFor("requestItems", open)).toEqual({ command: null, preventDefault: true });
  });

  it("let team leads select open cases with Space", () => {
    const row = sampleRow(1);
    expect(deskCommandFor("toggleSelect", desk({ selectedRow: row }, { selected: 1 }))).toBeNull();
    expect(deskCommandFor("toggleSelect", desk({ lead: true, selectedRow: row }, { selected: 1 }))).toEqual({
      command: { run: "toggleSelect", row },
      preventDefault: true,
    });
    const decided = { ...row, status: "decided" } as const;
    expect(deskCommandFor("toggleSelect", desk({ lead: true, selectedRow: decided }, { selected: 1 }))).toBeNull();
  });
});
