// Tests of the login form: prefill from the remembered session, error messages per
// code, and the expired-session notice.
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { BackendContext } from "../backend";
import { ME, sampleSession } from "../test/fixtures";
import { fakeBackend } from "../test/fakeBackend";
import { LoginScreen } from "./LoginScreen";

function renderLogin(backend = fakeBackend(), expired = false) {
  const onLoggedIn = vi.fn();
  const session = sampleSession({ last_portal: "https://portal.stadt.de", last_user: "mia" });
  render(
    <BackendContext.Provider value={backend}>
      <LoginScreen session={session} expired={expired} onLoggedIn={onLoggedIn} />
    </BackendContext.Provider>,
  );
  return { backend, onLoggedIn };
}

describe("LoginScreen", () => {
  it("prefills the remembered portal and user and focuses the password", () => {
    renderLogin();
    expect((document.getElementById("portal") as HTMLInputElement).value).toBe("https://portal.stadt.de");
    expect((document.getElementById("user") as HTMLInputElement).value).toBe("mia");
    expect(document.activeElement).toBe(document.getElementById("password"));
    expect(screen.queryByTestId("login-error")).toBeNull();
  });

  it("logs in with what was entered", async () => {
    const { backend, onLoggedIn } = renderLogin();
    fireEvent.change(document.getElementById("password")!, { target: { value: "geheim" } });
    fireEvent.click(screen.getByRole("button", { name: "Anmelden" }));
    await waitFor(() => expect(onLoggedIn).toHaveBeenCalledWith(ME));
    expect(backend.commands.login).toHaveBeenCalledWith("https://portal.stadt.de", "mia", "geheim");
  });

  it("shows a German message for each error code", async () => {
    const backend = fakeBackend();
    backend.commands.login.mockRejectedValueOnce({
      code: "wrong_password",
      message: "Benutzername oder Passwort ist falsch.",
    });
    const { onLoggedIn } = renderLogin(backend);
    fireEvent.change(document.getElementById("password")!, { target: { value: "falsch" } });
    fireEvent.submit(document.querySelector("form")!);
    expect((await screen.findByTestId("login-error")).textContent).toBe("Benutzername oder Passwort ist falsch.");
    expect(onLoggedIn).not.toHaveBeenCalled();

    backend.commands.login.mockRejectedValueOnce({ code: "offline", message: "Portal nicht erreichbar: refused" });
    fireEvent.submit(document.querySelector("form")!);
    await waitFor(() => expect(screen.getByTestId("login-error").textContent).toMatch(/^Portal nicht erreichbar/));
    // The button is usable again after a failure.
    expect(screen.getByRole("button", { name: "Anmelden" })).toHaveProperty("disabled", false);
  });

  it("says that the session expired and pending changes are kept", () => {
    renderLogin(fakeBackend(), true);
    const box = screen.getByTestId("login-error");
    expect(box.textContent).toContain("Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.");
    expect(box.textContent).toContain("bleiben erhalten");
  });
});
