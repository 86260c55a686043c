// The desk's keyboard shortcuts: one window listener for the desk's lifetime, which
// asks `shortcutFor` what a key means and `deskCommandFor` what that does on the desk
// as it was last rendered, and runs it.
import { type RefObject, useEffect, useRef } from "react";
import type { CaseDetail, CommandKind, InboxRow, UserInfo, Verdict } from "../generated/bindings";
import type { Shown } from "../lib/deskPanels";
import { type DeskCommand, type DeskKeyState, deskCommandFor } from "../lib/deskShortcuts";
import { shortcutFor } from "../lib/shortcuts";
import type { Panels } from "./useDeskPanels";

export interface DeskShortcutOptions {
  me: UserInfo;
  /** A dialog other than the shortcut overview is open. */
  dialogOpen: boolean;
  helpOpen: boolean;
  setHelpOpen(open: boolean): void;
  panels: Panels;
  rowAt(index: number): InboxRow | undefined;
  /** Rows in the list; null while the count is on its way. */
  total: number | null;
  detail: CaseDetail | null;
  shown: Shown | null;
  searchRef: RefObject<HTMLInputElement | null>;
  noteRef: RefObject<HTMLTextAreaElement | null>;
  runCommand(caseId: string, kind: CommandKind): Promise<boolean>;
  review(verdict: Verdict): void;
  stepDocument(delta: number): void;
  toggleRow(row: InboxRow): void;
}

export function useDeskShortcuts(options: DeskShortcutOptions): void {
  const latest = useRef(options);
  latest.current = options;

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const action = shortcutFor(event);
      if (!action) return;
      const outcome = deskCommandFor(action, keyState(latest.current));
      if (!outcome) return;
      if (outcome.preventDefault) event.preventDefault();
      if (outcome.command) run(outcome.command, latest.current);
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
}

function keyState(options: DeskShortcutOptions): DeskKeyState {
  const { panels, detail, me } = options;
  const { selected } = panels.state;
  return {
    dialogOpen: options.dialogOpen,
    helpOpen: options.helpOpen,
    panels: panels.state,
    selectedRow: selected !== null ? options.rowAt(selected) : undefined,
    caseLoaded: detail !== null,
    documentShown: options.shown?.document != null,
    mayDecide: detail !== null && detail.actions.prepare_decision,
    mayRequest: detail !== null && detail.actions.request_items,
    lead: me.role === "team_lead",
    noteField: options.noteRef.current !== null,
  };
}

function run(command: DeskCommand, options: DeskShortcutOptions): void {
  const { panels } = options;
  switch (command.run) {
    case "openHelp":
      return options.setHelpOpen(true);
    case "closeHelp":
      return options.setHelpOpen(false);
    case "move":
      return panels.move(command.delta, options.total ?? 0);
    case "openRow":
      return panels.openRow(command.index, command.caseId);
    case "stopRejecting":
      return panels.setRejecting(false);
    case "closeLetter":
      return panels.closeLetter();
    case "closeDocument":
      return panels.closeDocument();
    case "closeCase":
      return panels.closeCase();
    case "focusSearch":
      options.searchRef.current?.focus();
      options.searchRef.current?.select();
      return;
    case "claim":
      void options.runCommand(command.caseId, { kind: "claim" });
      return;
    case "focusNote":
      return options.noteRef.current?.focus();
    case "accept":
      return options.review("accepted");
    case "startRejecting":
      return panels.setRejecting(true);
    case "stepDocument":
      return options.stepDocument(command.delta);
    case "openLetter":
      return panels.openLetter();
    case "openRequest":
      return panels.openLetter("request");
    case "toggleSelect":
      return options.toggleRow(command.row);
  }
}
