// Turns the engine's `{code, message}` errors into what the caseworker reads.
//
// The UI branches on `code` only; the engine's German message is shown as a detail
// where it carries something the code does not (a wait time, a name, a reason).
import type { ErrorPayload } from "../generated/bindings";

/** Any rejection of a command call as an `ErrorPayload`. */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (typeof error === "object" && error !== null && "code" in error) {
    const { code, message } = error as { code: unknown; message?: unknown };
    return { code: String(code), message: typeof message === "string" ? message : "" };
  }
  if (error instanceof Error) return { code: "unknown", message: error.message };
  return { code: "unknown", message: String(error) };
}

export const SESSION_EXPIRED =
  "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an. Ihre noch nicht übertragenen Änderungen bleiben erhalten.";

/** The message under the login form for a failed login. */
export function loginErrorMessage(error: unknown): string {
  const { code, message } = toErrorPayload(error);
  switch (code) {
    case "wrong_password":
      return "Benutzername oder Passwort ist falsch.";
    case "offline":
      return "Portal nicht erreichbar. Bitte prüfen Sie die Portal-Adresse und die Netzwerkverbindung.";
    case "throttled":
      return withDetail("Zu viele Fehlversuche. Bitte warten Sie, bevor Sie es erneut versuchen.", message);
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
    default:
      return message || "Die Anmeldung ist fehlgeschlagen.";
  }
}

/** The notice text for a failed action (a command, loading a case, syncing). */
export function actionErrorMessage(error: unknown): string {
  const { code, message } = toErrorPayload(error);
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
    default:
      return message || "Die Aktion ist fehlgeschlagen.";
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
    default:
      return actionErrorMessage(error);
  }
}

function withDetail(sentence: string, detail: string): string {
  return detail && detail !== sentence ? `${sentence} ${detail}` : sentence;
}
