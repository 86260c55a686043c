// What the desk shows beside the inbox, as pure state and transitions: the open case,
// the panel to its right (a document, an issued Bescheid, or a letter being prepared:
// the Bescheid, a hearing or a notice), a document's rejection in progress, and the inbox's
// cursor, which opens the case under it once its row has loaded.
//
// - Opening another case closes its document, its letter and any rejection.
// - Leaving a letter whose text was edited (another case, a document, the other
//   letter, closing it) waits for the caseworker to confirm (`askLeave`);
//   `leaveNeedsConfirmation` says when, and `confirmLeave` closes the letter and then
//   does what was asked.
// - While a letter is being prepared, moving the cursor keeps the open case.
import type { CaseDetail, DocumentMeta } from "../generated/bindings";
import { outboxMarks } from "./caseWork";

/**
 * A letter being prepared beside the case: the Bescheid, a hearing (Anhörung), a
 * request for items (Nachforderung), or a notice after the decision (Gebühren- or
 * Steuerbescheid).
 */
export type DraftLetter = "decision" | "hearing" | "request" | "notice";

/** The panel right of the case. */
export type RightPanel =
  | { kind: "document"; id: string }
  | { kind: "issuedLetter"; sha256: string }
  | { kind: "letter"; letter: DraftLetter }
  | null;

export interface DeskPanels {
  openCaseId: string | null;
  right: RightPanel;
  /** Whether the shown document's rejection reason is being typed. */
  rejecting: boolean;
  /** Whether the letter being prepared was edited, so leaving the panel would lose work. */
  letterEdited: boolean;
  /** A move away from the edited Bescheid, waiting for the caseworker to confirm it. */
  pendingLeave: Leave | null;
  /** The inbox row under the cursor. */
  selected: number | null;
  /** Open the selected row's case as soon as the row has loaded. */
  follow: boolean;
}

/** The moves that leave the Bescheid panel, and so may need confirming. */
export type Leave =
  | { type: "openCase"; caseId: string }
  | { type: "closeCase" }
  | { type: "showDocument"; id: string }
  | { type: "showIssuedLetter"; sha256: string }
  | { type: "closeLetter" }
  | { type: "openLetter"; letter: DraftLetter }
  /** A click on a row still loading: it opens the case that arrives. */
  | { type: "followRow"; index: number };

export type PanelAction =
  | Leave
  | { type: "askLeave"; leave: Leave }
  | { type: "confirmLeave" }
  | { type: "cancelLeave" }
  /** The letter was issued: its panel closes without asking. */
  | { type: "letterDecided" }
  | { type: "letterEdited"; edited: boolean }
  | { type: "closeDocument" }
  | { type: "rejecting"; rejecting: boolean }
  /** A click on a loaded row (its case opens separately, see `openCase`). */
  | { type: "select"; index: number }
  | { type: "move"; delta: number; total: number }
  /** The selected row arrived while following it: its case opens. */
  | { type: "rowArrived"; caseId: string }
  /** A new query starts at the top of the list; a pending follow belonged to the old one. */
  | { type: "newQuery" };

export const INITIAL_PANELS: DeskPanels = {
  openCaseId: null,
  right: null,
  rejecting: false,
  letterEdited: false,
  pendingLeave: null,
  selected: null,
  follow: false,
};

export function isLetterOpen(panels: DeskPanels): boolean {
  return panels.right?.kind === "letter";
}

/** The letter being prepared, if one is. */
export function openLetterOf(panels: DeskPanels): DraftLetter | null {
  return panels.right?.kind === "letter" ? panels.right.letter : null;
}

/** Whether `leave` would discard an edited Bescheid, so the caseworker must confirm. */
export function leaveNeedsConfirmation(panels: DeskPanels, leave: Leave): boolean {
  // Opening the case that is already open leaves nothing.
  if (leave.type === "openCase" && leave.caseId === panels.openCaseId) return false;
  // Opening the letter that is already open leaves nothing either.
  if (leave.type === "openLetter" && leave.letter === openLetterOf(panels)) return false;
  return isLetterOpen(panels) && panels.letterEdited;
}

export function panelsReducer(panels: DeskPanels, action: PanelAction): DeskPanels {
  switch (action.type) {
    case "openCase":
      return openCase(panels, action.caseId);
    case "closeCase":
      return openCase(panels, null);
    case "showDocument":
      return { ...panels, right: { kind: "document", id: action.id }, rejecting: false, letterEdited: false };
    case "showIssuedLetter":
      return { ...panels, right: { kind: "issuedLetter", sha256: action.sha256 }, letterEdited: false };
    case "closeLetter":
    case "letterDecided":
      return hideLetter(panels);
    case "followRow":
      return { ...panels, selected: action.index, follow: true };
    case "askLeave":
      return { ...panels, pendingLeave: action.leave };
    case "confirmLeave":
      if (!panels.pendingLeave) return panels;
      return panelsReducer(hideLetter({ ...panels, pendingLeave: null }), panels.pendingLeave);
    case "cancelLeave":
      return panels.pendingLeave ? { ...panels, pendingLeave: null } : panels;
    case "openLetter":
      if (openLetterOf(panels) === action.letter) return panels;
      return { ...panels, right: { kind: "letter", letter: action.letter }, rejecting: false, letterEdited: false };
    case "letterEdited":
      return panels.letterEdited === action.edited ? panels : { ...panels, letterEdited: action.edited };
    case "closeDocument":
      return panels.right && !isLetterOpen(panels) ? { ...panels, right: null } : panels;
    case "rejecting":
      return panels.rejecting === action.rejecting ? panels : { ...panels, rejecting: action.rejecting };
    case "select":
      return { ...panels, selected: action.index, follow: false };
    case "move": {
      const selected = movedCursor(panels.selected, action.delta, action.total);
      if (selected === null) return panels;
      // While a Bescheid is being prepared, the open case stays.
      const follow = panels.follow || (panels.openCaseId !== null && !isLetterOpen(panels));
      return { ...panels, selected, follow };
    }
    case "rowArrived":
      return { ...openCase(panels, action.caseId), follow: false };
    case "newQuery":
      return panels.selected === null && !panels.follow ? panels : { ...panels, selected: null, follow: false };
  }
}

/** Leaving a case closes its document, its Bescheid and any rejection in progress. */
function openCase(panels: DeskPanels, caseId: string | null): DeskPanels {
  if (caseId === panels.openCaseId) return panels;
  return { ...panels, openCaseId: caseId, right: null, rejecting: false, letterEdited: false };
}

function hideLetter(panels: DeskPanels): DeskPanels {
  return { ...panels, right: isLetterOpen(panels) ? null : panels.right, letterEdited: false };
}

/** The row the cursor moves to in a list of `total` rows (it stops at either end), or null for an empty list. */
export function movedCursor(selected: number | null, delta: number, total: number): number | null {
  if (total === 0) return null;
  if (selected === null) return delta > 0 ? 0 : total - 1;
  return Math.min(total - 1, Math.max(0, selected + delta));
}

/** What Esc closes, innermost first. */
export type Closable = "rejecting" | "letter" | "document" | "case";

export function closableOf(panels: DeskPanels): Closable | null {
  if (panels.rejecting) return "rejecting";
  if (isLetterOpen(panels)) return "letter";
  if (panels.right) return "document";
  if (panels.openCaseId) return "case";
  return null;
}

/** What the document panel shows: one of the case's documents, or its decision letter. */
export interface Shown {
  sha256: string;
  fileName: string;
  mediaType: string;
  /** The case's document, when it is one (a decision letter is not reviewed). */
  document: DocumentMeta | null;
  /** Position among the case's documents (1-based) and their number. */
  position: number;
  count: number;
  pending: boolean;
}

/** The shown document, resolved against the case as it is now (it may have lost the document). */
export function shownOf(right: RightPanel, detail: CaseDetail | null): Shown | null {
  if (right?.kind === "issuedLetter") {
    return {
      sha256: right.sha256,
      fileName: "Bescheid",
      mediaType: "application/pdf",
      document: null,
      position: 0,
      count: 0,
      pending: false,
    };
  }
  if (right?.kind !== "document" || !detail) return null;
  const documents = detail.case.documents;
  const index = documents.findIndex((d) => d.id === right.id);
  const document = documents[index];
  if (!document) return null;
  return {
    sha256: document.sha256,
    fileName: document.file_name,
    mediaType: document.media_type,
    document,
    position: index + 1,
    count: documents.length,
    pending: outboxMarks(detail).pendingDocuments.has(document.id),
  };
}

/**
 * The document `[` or `]` shows: the next or previous one, wrapping around; from no
 * document (or another panel) the first or the last.
 */
export function steppedDocumentId(documents: readonly DocumentMeta[], right: RightPanel, delta: number): string | null {
  if (documents.length === 0) return null;
  const current = right?.kind === "document" ? documents.findIndex((d) => d.id === right.id) : -1;
  const next =
    current < 0 ? (delta > 0 ? 0 : documents.length - 1) : (current + delta + documents.length) % documents.length;
  return documents[next]!.id;
}

export type DeskLayout = "list-only" | "with-case" | "with-document";

/** The workspace's columns: the panel beside the case shows only once the case has loaded. */
export function layoutOf(
  panels: DeskPanels,
  caseLoaded: boolean,
  shown: Shown | null,
): { layout: DeskLayout; rightPane: DraftLetter | "document" | null } {
  const letter = openLetterOf(panels);
  const rightPane = caseLoaded && letter ? letter : caseLoaded && shown ? "document" : null;
  const layout = rightPane ? "with-document" : panels.openCaseId ? "with-case" : "list-only";
  return { layout, rightPane };
}
