// Team leads' batch decisions on the desk: the cases selected in the inbox (see
// `lib/batchDecisions`) and whether the dialog deciding them is open.
import { type RefObject, useCallback, useState } from "react";
import type { InboxRow } from "../generated/bindings";
import { type BatchResult, type Selection, remainingSelection, toggleSelection } from "../lib/batchDecisions";
import type { InboxListHandle } from "../components/InboxList";

export interface BatchSelection {
  selection: Selection;
  dialogOpen: boolean;
  toggle(row: InboxRow): void;
  clear(): void;
  openDialog(): void;
  /** The engine answered: the decided cases leave the selection. */
  decided(results: BatchResult[]): void;
  closeDialog(): void;
}

export function useBatchSelection(listRef: RefObject<InboxListHandle | null>): BatchSelection {
  const [selection, setSelection] = useState<Selection>(() => new Map());
  const [dialogOpen, setDialogOpen] = useState(false);

  const toggle = useCallback(
    (row: InboxRow) => setSelection((current) => toggleSelection(current, row.case_id, row.aktenzeichen)),
    [],
  );
  const clear = useCallback(() => setSelection(new Map()), []);
  const openDialog = useCallback(() => setDialogOpen(true), []);
  const decided = useCallback(
    (results: BatchResult[]) => setSelection((current) => remainingSelection(current, results)),
    [],
  );
  const closeDialog = useCallback(() => {
    setDialogOpen(false);
    // The selection bar goes away once every case was decided; keep focus in the list.
    requestAnimationFrame(() => {
      if (!document.activeElement || document.activeElement === document.body) listRef.current?.focus();
    });
  }, [listRef]);

  return { selection, dialogOpen, toggle, clear, openDialog, decided, closeDialog };
}
