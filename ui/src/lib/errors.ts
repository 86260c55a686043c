// Turns the engine's `{code, message}` errors into what the caseworker reads.
//
// The UI branches on `code` only. The engine's German message (`ClientError`'s
// Display) owns the sentence saying what went wrong; it is shown as it is wherever
// it is fit for the caseworker. This module words a code itself only where the screen
// decides what the error means (offline on the login form versus on a change) or the
// engine's sentence carries ids and technical causes, and then it never repeats the
// engine's sentence after its own. Every switch names every code (`never` check), so
// a new engine code does not compile until it is worded here.
import type { ErrorCode, ErrorPayload } from "../generated/bindings";

/** An error as the UI handles it: the engine's, or `unknown` for anything else. */
export interface ShownError {
  code: ErrorCode | "unknown";
  message: string;
}

/** Any rejection of a command call as a `ShownError`. */
export function toErrorPayload(error: unknown): ShownError {
  if (typeof error === "object" && error !== null && "code" in error) {
    const { code, message } = error as Partial<ErrorPayload> & { message?: unknown };
    return { code: code ?? "unknown", message: typeof message === "string" ? message : "" };
  }
  if (error instanceof Error) return { code: "unknown", message: error.message };
  return { code: "unknown", message: String(error) };
}

/** Compile-time proof that a switch named every code; at run time it passes through. */
function unhandled(code: never, fallback: string): string {
  void code;
  return fallback;
}

export const SESSION_EXPIRED =
  "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an. Ihre noch nicht übertragenen Änderungen bleiben erhalten.";

/** The message under the login form for a failed login. */
export function loginErrorMessage(error: unknown): string {
  const { code, message } = toErrorPayload(error);
  const fallback = message || "Die Anmeldung ist fehlgeschlagen.";
  switch (code) {
    case "wrong_password":
    case "throttled":
      return fallback;
    case "offline":
      return "Portal nicht erreichbar. Bitte prüfen Sie die Portal-Adresse und die Netzwerkverbindung.";
    case "foreign_cache":
      return withDetail("Auf diesem Rechner liegen noch nicht übertragene Änderungen einer anderen Person.", message);
    case "login_required":
      return SESSION_EXPIRED;
    case "not_logged_in":
      return "Sie sind nicht angemeldet. Bitte melden Sie sich an.";
    case "keyring":
      return withDetail("Der Schlüsselbund des Betriebssystems ist nicht erreichbar.", message);
    case "portal_error":
      return withDetail("Das Portal hat die Anmeldung nicht angenommen.", message);
    case "invalid":
      return withDetail("Bitte prüfen Sie Ihre Eingaben.", message);
    case "refused":
    case "case_not_found":
    case "outbox_entry_not_found":
    case "blob_not_found":
    case "blob_corrupt":
    case "protocol":
    case "local_store":
    case "io":
    case "letter_template":
    case "letter_template_unknown":
    case "letter_input":
    case "letter_letterhead":
    case "letter_logo":
    case "letter_font":
    case "unknown":
      return fallback;
    default:
      return unhandled(code, fallback);
  }
}

/** The notice text for a failed action (a command, loading a case, syncing). */
export function actionErrorMessage(error: unknown): string {
  const { code, message } = toErrorPayload(error);
  const fallback = message || "Die Aktion ist fehlgeschlagen.";
  switch (code) {
    case "refused":
      return message || "Die Änderung ist so nicht möglich.";
    case "offline":
      return "Portal nicht erreichbar. Die Änderung wird übertragen, sobald die Verbindung wieder besteht.";
    case "login_required":
      return SESSION_EXPIRED;
    case "not_logged_in":
      return "Sie sind nicht angemeldet.";
    case "case_not_found":
      return "Der Vorgang ist nicht (mehr) im lokalen Bestand.";
    case "blob_not_found":
      return "Das Dokument ist noch nicht verfügbar. Es wird geladen, sobald das Portal erreichbar ist.";
    case "blob_corrupt":
      return "Das Dokument kam beschädigt an und wurde verworfen. Bitte später erneut öffnen.";
    case "invalid":
      return message || "Ungültige Eingabe.";
    case "wrong_password":
    case "throttled":
    case "portal_error":
    case "outbox_entry_not_found":
    case "foreign_cache":
    case "keyring":
    case "protocol":
    case "local_store":
    case "io":
    case "letter_template":
    case "letter_template_unknown":
    case "letter_input":
    case "letter_letterhead":
    case "letter_logo":
    case "letter_font":
    case "unknown":
      return fallback;
    default:
      return unhandled(code, fallback);
  }
}

/**
 * The message for a Bescheid that could not be made (preview, template text, decision).
 * The letter library's message names the template line or the missing field, so it
 * is always kept as the detail.
 */
export function letterErrorMessage(error: unknown): string {
  const { code, message } = toErrorPayload(error);
  switch (code) {
    case "letter_template":
      return withDetail("Die Vorlage des Bescheids ist fehlerhaft.", message);
    case "letter_template_unknown":
      return withDetail("Für diesen Bescheid gibt es keine Vorlage.", message);
    case "letter_input":
      return withDetail("Für den Bescheid fehlen Angaben im Vorgang.", message);
    case "letter_letterhead":
    case "letter_logo":
    case "letter_font":
      return withDetail("Der Briefkopf des Amts ist unvollständig.", message);
    case "offline":
    case "login_required":
    case "wrong_password":
    case "throttled":
    case "not_logged_in":
    case "portal_error":
    case "refused":
    case "case_not_found":
    case "outbox_entry_not_found":
    case "blob_not_found":
    case "blob_corrupt":
    case "invalid":
    case "foreign_cache":
    case "keyring":
    case "protocol":
    case "local_store":
    case "io":
    case "unknown":
      return actionErrorMessage(error);
    default:
      return unhandled(code, actionErrorMessage(error));
  }
}

function withDetail(sentence: string, detail: string): string {
  return detail && detail !== sentence ? `${sentence} ${detail}` : sentence;
}
