// Tests of the error code → German message mapping.
import { describe, expect, it } from "vitest";
import { SESSION_EXPIRED, actionErrorMessage, letterErrorMessage, loginErrorMessage, toErrorPayload } from "./errors";

describe("error messages", () => {
  it("normalises whatever a command rejects with", () => {
    expect(toErrorPayload({ code: "offline", message: "x" })).toEqual({ code: "offline", message: "x" });
    expect(toErrorPayload(new Error("boom"))).toEqual({ code: "unknown", message: "boom" });
    expect(toErrorPayload("kaputt")).toEqual({ code: "unknown", message: "kaputt" });
  });

  it("branches on the code, not the message", () => {
    expect(loginErrorMessage({ code: "offline", message: "anything" })).toBe(
      "Portal nicht erreichbar. Bitte prüfen Sie die Portal-Adresse und die Netzwerkverbindung.",
    );
    expect(loginErrorMessage({ code: "offline", message: "Portal nicht erreichbar: connection refused" })).toMatch(
      /^Portal nicht erreichbar/,
    );
    expect(loginErrorMessage({ code: "login_required", message: "" })).toBe(SESSION_EXPIRED);
    expect(SESSION_EXPIRED).toContain("Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.");
    expect(SESSION_EXPIRED).toContain("bleiben erhalten");
  });

  it("shows the engine's sentence instead of a copy of it", () => {
    expect(loginErrorMessage({ code: "wrong_password", message: "Benutzername oder Passwort ist falsch." })).toBe(
      "Benutzername oder Passwort ist falsch.",
    );
  });

  it("keeps the engine's detail where it says more than the code", () => {
    const throttled = loginErrorMessage({
      code: "throttled",
      message: "Zu viele Fehlversuche. Bitte in 30 Sekunden erneut versuchen.",
    });
    expect(throttled).toBe("Zu viele Fehlversuche. Bitte in 30 Sekunden erneut versuchen.");
    expect(loginErrorMessage({ code: "foreign_cache", message: "Der lokale Bestand gehört zu mia" })).toContain("mia");
  });

  it("falls back to the engine's message for unknown codes", () => {
    expect(loginErrorMessage({ code: "local_store", message: "Lokale Datenbank: voll" })).toBe(
      "Lokale Datenbank: voll",
    );
  });

  it("shows refusals of commands as the engine words them", () => {
    expect(actionErrorMessage({ code: "refused", message: "Der Vorgang ist Ihnen nicht zugewiesen" })).toBe(
      "Der Vorgang ist Ihnen nicht zugewiesen",
    );
    expect(actionErrorMessage({ code: "blob_not_found", message: "" })).toMatch(/noch nicht verfügbar/);
  });

  it("names what is wrong with a letter and keeps the engine's detail (the template line)", () => {
    const message = letterErrorMessage({
      code: "letter_template",
      message: "Brief: template bescheid_approved line 3 failed at `case.fee`: undefined value",
    });
    expect(message).toMatch(/^Die Vorlage des Bescheids ist fehlerhaft\./);
    expect(message).toContain("line 3");
    expect(letterErrorMessage({ code: "letter_input", message: "" })).toBe(
      "Für den Bescheid fehlen Angaben im Vorgang.",
    );
    expect(letterErrorMessage({ code: "refused", message: "Der Vorgang ist bereits entschieden" })).toBe(
      "Der Vorgang ist bereits entschieden",
    );
  });
});
