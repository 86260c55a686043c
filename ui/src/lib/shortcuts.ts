// The keyboard shortcuts: one table that both the dispatcher and the overview dialog
// read, and the rule that no shortcut fires while the user is typing.

export type ShortcutAction =
  | "next"
  | "previous"
  | "open"
  | "close"
  | "focusSearch"
  | "claim"
  | "focusNote"
  | "accept"
  | "reject"
  | "previousDocument"
  | "nextDocument"
  | "letter"
  | "requestItems"
  | "toggleSelect"
  | "toggleHelp";

export interface Shortcut {
  action: ShortcutAction;
  /** `KeyboardEvent.key` values that trigger it. */
  keys: readonly string[];
  /** How the overview dialog shows the keys. */
  display: readonly string[];
  description: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: "next", keys: ["j", "ArrowDown"], display: ["j", "↓"], description: "Nächster Vorgang" },
  { action: "previous", keys: ["k", "ArrowUp"], display: ["k", "↑"], description: "Vorheriger Vorgang" },
  { action: "open", keys: ["Enter"], display: ["Enter"], description: "Vorgang öffnen" },
  { action: "close", keys: ["Escape"], display: ["Esc"], description: "Schließen / zurück" },
  { action: "focusSearch", keys: ["/"], display: ["/"], description: "Suche" },
  { action: "claim", keys: ["c"], display: ["c"], description: "Vorgang übernehmen" },
  { action: "focusNote", keys: ["n"], display: ["n"], description: "Notiz schreiben" },
  { action: "accept", keys: ["a"], display: ["a"], description: "Angezeigtes Dokument annehmen" },
  {
    action: "reject",
    keys: ["r"],
    display: ["r"],
    description: "Angezeigtes Dokument ablehnen (Grund eingeben, Enter bestätigt, Esc bricht ab)",
  },
  { action: "previousDocument", keys: ["["], display: ["["], description: "Vorheriges Dokument" },
  { action: "nextDocument", keys: ["]"], display: ["]"], description: "Nächstes Dokument" },
  { action: "letter", keys: ["b"], display: ["b"], description: "Bescheid erstellen (offener Vorgang)" },
  {
    action: "requestItems",
    keys: ["u"],
    display: ["u"],
    description: "Unterlagen nachfordern (Vorgang in Bearbeitung)",
  },
  {
    action: "toggleSelect",
    keys: [" "],
    display: ["Leertaste"],
    description: "Vorgang für Sammelbescheide auswählen oder abwählen (Teamleitung)",
  },
  { action: "toggleHelp", keys: ["?"], display: ["?"], description: "Diese Übersicht ein- und ausblenden" },
];

const BY_KEY = new Map<string, ShortcutAction>(
  SHORTCUTS.flatMap((shortcut) => shortcut.keys.map((key) => [key, shortcut.action] as const)),
);

const TEXT_INPUT_TYPES = new Set([
  "text",
  "search",
  "email",
  "password",
  "number",
  "tel",
  "url",
  "date",
  "datetime-local",
  "month",
  "time",
  "week",
]);

/** Whether keys typed at `target` belong to a text field (or a select) rather than to us. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return TEXT_INPUT_TYPES.has(target.type || "text");
  if (target instanceof HTMLElement && target.isContentEditable) return true;
  return target.closest("[contenteditable=''], [contenteditable='true']") !== null;
}

/** Whether Enter or Space at `target` already means something (a button, a link). */
function activatesItself(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest("button, a[href], input, summary, [role=button]") !== null;
}

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
  defaultPrevented?: boolean;
}

/**
 * The shortcut a key press means, or null. Nothing fires while typing in a field, with
 * Ctrl or Cmd held (those belong to the system), or for Enter on a control that handles
 * Enter itself. AltGr (Ctrl+Alt on Windows) is allowed because German keyboards need it
 * for `[` and `]`.
 */
export function shortcutFor(event: KeyLike): ShortcutAction | null {
  if (event.defaultPrevented) return null;
  if (event.metaKey || (event.ctrlKey && !event.altKey)) return null;
  if (isTypingTarget(event.target)) return null;
  const action = BY_KEY.get(event.key);
  if (!action) return null;
  if ((action === "open" || action === "toggleSelect") && activatesItself(event.target)) return null;
  return action;
}
