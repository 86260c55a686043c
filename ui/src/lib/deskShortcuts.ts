// What a keyboard shortcut does on the desk as it is: the shortcut table
// (`shortcuts.ts`) names the action a key means; this decides, from what is open and
// selected, the one command it runs (or none) and whether the key is consumed.
//
// Nothing fires while a dialog has the keyboard; the shortcut overview only closes.
// Esc closes the innermost thing open. Keys that would otherwise also reach a field
// or scroll the page (j/k, /, n, r, b, Space) are consumed when they do something.
import type { InboxRow } from "../generated/bindings";
import { type Closable, type DeskPanels, closableOf } from "./deskPanels";
import { isOpen } from "./labels";
import type { ShortcutAction } from "./shortcuts";

/** What the desk looks like when a key is pressed. */
export interface DeskKeyState {
  /** A dialog other than the shortcut overview is open (it handles its own keys). */
  dialogOpen: boolean;
  helpOpen: boolean;
  panels: DeskPanels;
  /** The row under the cursor, once it has loaded. */
  selectedRow: InboxRow | undefined;
  /** Whether the open case has loaded. */
  caseLoaded: boolean;
  /** Whether one of the case's documents is shown (not an issued Bescheid). */
  documentShown: boolean;
  /** Whether the user may issue a Bescheid for the open case. */
  mayDecide: boolean;
  /** Whether the user may request items for the open case. */
  mayRequest: boolean;
  /** Team leads select cases for batch decisions. */
  lead: boolean;
  /** Whether the case shows a note field. */
  noteField: boolean;
}

export type DeskCommand =
  | { run: "openHelp" }
  | { run: "closeHelp" }
  | { run: "move"; delta: 1 | -1 }
  | { run: "openRow"; index: number; caseId: string }
  | { run: "stopRejecting" }
  | { run: "closeLetter" }
  | { run: "closeDocument" }
  | { run: "closeCase" }
  | { run: "focusSearch" }
  | { run: "claim"; caseId: string }
  | { run: "focusNote" }
  | { run: "accept" }
  | { run: "startRejecting" }
  | { run: "stepDocument"; delta: 1 | -1 }
  | { run: "openLetter" }
  | { run: "openRequest" }
  | { run: "toggleSelect"; row: InboxRow };

export interface KeyOutcome {
  command: DeskCommand | null;
  /** Whether the key's default (typing it, scrolling) is prevented. */
  preventDefault: boolean;
}

/** What Esc runs for the innermost thing open. */
const CLOSE = {
  rejecting: "stopRejecting",
  letter: "closeLetter",
  document: "closeDocument",
  case: "closeCase",
} as const satisfies Record<Closable, DeskCommand["run"]>;

const run = (command: DeskCommand, preventDefault = false): KeyOutcome => ({ command, preventDefault });

/** What `action` does on the desk in `state`; null when it does nothing. */
export function deskCommandFor(action: ShortcutAction, state: DeskKeyState): KeyOutcome | null {
  const { panels, selectedRow } = state;
  if (state.dialogOpen) return null;
  if (state.helpOpen) return action === "toggleHelp" || action === "close" ? run({ run: "closeHelp" }) : null;
  switch (action) {
    case "next":
    case "previous":
      return run({ run: "move", delta: action === "next" ? 1 : -1 }, true);
    case "open":
      return panels.selected !== null && selectedRow
        ? run({ run: "openRow", index: panels.selected, caseId: selectedRow.case_id }, true)
        : null;
    case "close": {
      const closable = closableOf(panels);
      return closable ? run({ run: CLOSE[closable] }) : null;
    }
    case "focusSearch":
      return run({ run: "focusSearch" }, true);
    case "claim": {
      const caseId = panels.openCaseId ?? selectedRow?.case_id;
      return caseId ? run({ run: "claim", caseId }) : null;
    }
    case "focusNote":
      return state.noteField ? run({ run: "focusNote" }, true) : null;
    case "accept":
      return state.documentShown ? run({ run: "accept" }) : null;
    case "reject":
      return state.documentShown ? run({ run: "startRejecting" }, true) : null;
    case "previousDocument":
    case "nextDocument":
      return state.caseLoaded ? run({ run: "stepDocument", delta: action === "nextDocument" ? 1 : -1 }) : null;
    case "letter":
      if (!state.caseLoaded || !state.mayDecide) return null;
      // The key is kept from reaching the panel's first field even when it is open.
      return {
        command: panels.right?.kind === "letter" && panels.right.letter === "decision" ? null : { run: "openLetter" },
        preventDefault: true,
      };
    case "requestItems":
      if (!state.caseLoaded || !state.mayRequest) return null;
      return {
        command: panels.right?.kind === "letter" && panels.right.letter === "request" ? null : { run: "openRequest" },
        preventDefault: true,
      };
    case "toggleSelect":
      return state.lead && selectedRow && isOpen(selectedRow.status)
        ? run({ run: "toggleSelect", row: selectedRow }, true)
        : null;
    case "toggleHelp":
      return run({ run: "openHelp" });
  }
}
