// The notices the desk shows: refused changes and failed actions. A notice repeated
// replaces the older one with the same text, and only the newest few are kept.

export interface Notice {
  id: number;
  text: string;
  /** A case the notice is about, offered to open. */
  caseId?: string;
  aktenzeichen?: string;
}

export const MAX_NOTICES = 5;

/** The notices with `notice` added last. */
export function withNotice(notices: readonly Notice[], notice: Notice): Notice[] {
  return [...notices.filter((n) => n.text !== notice.text), notice].slice(-MAX_NOTICES);
}

export function withoutNotice(notices: readonly Notice[], id: number): Notice[] {
  return notices.filter((n) => n.id !== id);
}
