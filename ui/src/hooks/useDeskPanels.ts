// The desk's panels and inbox cursor (`lib/deskPanels`) as React state, with what
// goes beyond the state: leaving an edited Bescheid asks first, focus goes back where
// the caseworker came from, the list scrolls to the cursor, and the cursor opens the
// row it follows once the row has loaded.
import { type RefObject, useEffect, useMemo, useReducer, useRef } from "react";
import type { InboxRow } from "../generated/bindings";
import {
  type DeskPanels,
  type DraftLetter,
  INITIAL_PANELS,
  type Leave,
  leaveNeedsConfirmation,
  openLetterOf,
  movedCursor,
  panelsReducer,
} from "../lib/deskPanels";
import type { InboxQuery } from "../lib/inboxQuery";
import type { InboxListHandle } from "../components/InboxList";

export interface PanelOptions {
  query: InboxQuery;
  rowAt(index: number): InboxRow | undefined;
  /** Changes whenever rows arrive. */
  rowsVersion: number;
  listRef: RefObject<InboxListHandle | null>;
  /** The case's "Bescheid erstellen" button, which gets focus back when the panel closes. */
  letterButtonRef: RefObject<HTMLButtonElement | null>;
}

export interface PanelControls {
  /** A row was clicked or opened with Enter: its position and its case (null while loading). */
  openRow(index: number, caseId: string | null): void;
  openCase(caseId: string): void;
  closeCase(): void;
  showDocument(id: string): void;
  showIssuedLetter(sha256: string): void;
  closeDocument(): void;
  /** Opens the Bescheid (default), the hearing or a notice beside the case. */
  openLetter(letter?: DraftLetter): void;
  closeLetter(): void;
  /** The letter was issued: its panel closes and focus goes to the case. */
  letterDecided(): void;
  setLetterEdited(edited: boolean): void;
  setRejecting(rejecting: boolean): void;
  confirmLeave(): void;
  cancelLeave(): void;
  /** Moves the cursor by `delta` rows in a list of `total`. */
  move(delta: number, total: number): void;
}

export interface Panels extends PanelControls {
  state: DeskPanels;
  /** The letter being prepared beside the case, if one is. */
  letterOpen: DraftLetter | null;
}

const focusCaseTitle = () => document.getElementById("case-title")?.focus();

export function useDeskPanels({ query, rowAt, rowsVersion, listRef, letterButtonRef }: PanelOptions): Panels {
  const [state, dispatch] = useReducer(panelsReducer, INITIAL_PANELS);
  // Event handlers decide on the state the caseworker saw, which is the last rendered.
  const latest = useRef(state);
  latest.current = state;

  const controls = useMemo((): PanelControls => {
    const focusAfter = (leave: Leave) => {
      if (leave.type === "closeCase") requestAnimationFrame(() => listRef.current?.focus());
      // Focus returns to the button that opened the Bescheid.
      if (leave.type === "closeLetter")
        requestAnimationFrame(() => (letterButtonRef.current ?? document.getElementById("case-title"))?.focus());
    };
    const leave = (to: Leave) => {
      if (leaveNeedsConfirmation(latest.current, to)) {
        dispatch({ type: "askLeave", leave: to });
      } else {
        dispatch(to);
        focusAfter(to);
      }
    };
    return {
      openRow(index, caseId) {
        // A click on a row still loading is not lost: it opens the case that arrives.
        if (caseId === null) return leave({ type: "followRow", index });
        dispatch({ type: "select", index });
        leave({ type: "openCase", caseId });
      },
      openCase: (caseId) => leave({ type: "openCase", caseId }),
      closeCase: () => leave({ type: "closeCase" }),
      showDocument: (id) => leave({ type: "showDocument", id }),
      showIssuedLetter: (sha256) => leave({ type: "showIssuedLetter", sha256 }),
      closeDocument: () => dispatch({ type: "closeDocument" }),
      openLetter: (letter = "decision") => leave({ type: "openLetter", letter }),
      closeLetter: () => leave({ type: "closeLetter" }),
      letterDecided() {
        dispatch({ type: "letterDecided" });
        requestAnimationFrame(focusCaseTitle);
      },
      setLetterEdited: (edited) => dispatch({ type: "letterEdited", edited }),
      setRejecting: (rejecting) => dispatch({ type: "rejecting", rejecting }),
      confirmLeave() {
        const pending = latest.current.pendingLeave;
        dispatch({ type: "confirmLeave" });
        if (pending) focusAfter(pending);
      },
      cancelLeave: () => dispatch({ type: "cancelLeave" }),
      move(delta, total) {
        const next = movedCursor(latest.current.selected, delta, total);
        if (next === null) return;
        dispatch({ type: "move", delta, total });
        listRef.current?.scrollToIndex(next);
      },
    };
  }, [listRef, letterButtonRef]);

  // A new query starts at the top of the list.
  useEffect(() => {
    dispatch({ type: "newQuery" });
    listRef.current?.scrollToIndex(0);
  }, [query, listRef]);

  const { follow, selected } = state;
  useEffect(() => {
    if (!follow || selected === null) return;
    const row = rowAt(selected);
    if (row) dispatch({ type: "rowArrived", caseId: row.case_id });
  }, [follow, selected, rowAt, rowsVersion]);

  return { ...controls, state, letterOpen: openLetterOf(state) };
}
