// Tests of the desk's business with the engine against a fake: a command reloads the
// open case and the status, a refusal becomes a notice and an expired session the
// login form, batch decisions reload the open case, and an older status never
// replaces a newer one.
import { act, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";
import { BackendContext } from "../backend";
import type { SyncStatus } from "../generated/bindings";
import { type FakeBackend, fakeBackend } from "../test/fakeBackend";
import { ME, sampleSession } from "../test/fixtures";
import { type DeskActionOptions, useDeskActions } from "./useDeskActions";

const status = (revision: number, pending = 0): SyncStatus => ({
  connection: { state: "online" },
  last_sync: null,
  pending,
  rejected: 0,
  cursor: 0,
  revision,
});

function setup(overrides: Partial<DeskActionOptions> = {}, backend: FakeBackend = fakeBackend()) {
  const options: DeskActionOptions = {
    me: ME,
    initialStatus: status(1),
    openCaseId: "case-1",
    reloadCase: vi.fn(),
    inbox: { invalidate: vi.fn() },
    notices: { notify: vi.fn(), reportError: vi.fn() },
    onLoginRequired: vi.fn(),
    onLoggedOut: vi.fn(),
    ...overrides,
  };
  const wrapper = ({ children }: { children: ReactNode }) => (
    <BackendContext.Provider value={backend}>{children}</BackendContext.Provider>
  );
  const hook = renderHook(() => useDeskActions(options), { wrapper });
  return { backend, options, hook };
}

describe("desk actions", () => {
  it("reload the open case and the status after a command", async () => {
    const { backend, options, hook } = setup();
    backend.commands.session.mockResolvedValue(sampleSession({ status: status(2, 1) }));
    let ok = false;
    await act(async () => {
      ok = await hook.result.current.runCommand("case-1", { kind: "claim" });
    });
    expect(ok).toBe(true);
    expect(options.reloadCase).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(hook.result.current.status.pending).toBe(1));

    await act(async () => {
      await hook.result.current.runCommand("case-2", { kind: "claim" });
    });
    expect(options.reloadCase).toHaveBeenCalledTimes(1);
  });

  it("report a refused command", async () => {
    const { backend, options, hook } = setup();
    const refusal = { code: "not_assignee", message: "Nicht Ihnen zugewiesen" };
    backend.commands.command.mockRejectedValue(refusal);
    let ok = true;
    await act(async () => {
      ok = await hook.result.current.runCommand("case-1", { kind: "claim" });
    });
    expect(ok).toBe(false);
    expect(options.notices.reportError).toHaveBeenCalledWith(refusal);
    expect(options.reloadCase).not.toHaveBeenCalled();
  });

  it("reload the open case when a batch decision included it", async () => {
    const { options, hook } = setup();
    await act(async () => {
      await hook.result.current.decideMany(["case-2"], "approved");
    });
    expect(options.reloadCase).not.toHaveBeenCalled();
    await act(async () => {
      await hook.result.current.decideMany(["case-1", "case-2"], "approved");
    });
    expect(options.reloadCase).toHaveBeenCalledTimes(1);
  });

  it("follow the change feed: status, inbox, the open case and refusals", async () => {
    const { backend, options, hook } = setup();
    await waitFor(() => expect(options.inbox.invalidate).toHaveBeenCalledTimes(1));
    await act(async () => {
      backend.emit({ type: "inbox_changed" });
      backend.emit({ type: "case_changed", case_ids: ["case-1"] });
      backend.emit({
        type: "command_rejected",
        command_id: "c1",
        case_id: "case-3",
        aktenzeichen: "32-HU-2026-000003",
        code: "not_assignee",
        message: "Nein",
      });
      backend.emit({ type: "sync_status", ...status(5, 4) });
      await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
    });
    expect(options.inbox.invalidate).toHaveBeenCalledTimes(2);
    expect(options.reloadCase).toHaveBeenCalledTimes(1);
    expect(options.notices.notify).toHaveBeenCalledWith(
      "Das Portal hat eine Änderung an 32-HU-2026-000003 abgelehnt: Nein",
      { caseId: "case-3", aktenzeichen: "32-HU-2026-000003" },
    );
    expect(hook.result.current.status.pending).toBe(4);

    // An answer read before that announcement does not replace it.
    backend.commands.session.mockResolvedValue(sampleSession({ status: status(3, 0) }));
    await act(async () => hook.result.current.refreshStatus());
    expect(hook.result.current.status.revision).toBe(5);
  });

  it("send an expired session to the login form", async () => {
    const { backend, options } = setup();
    await act(async () => {
      backend.emit({ type: "sync_status", ...status(2), connection: { state: "login_required" } });
      await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
    });
    expect(options.onLoginRequired).toHaveBeenCalled();
  });

  it("log out, keeping or wiping the local data", async () => {
    const { backend, options, hook } = setup();
    await act(async () => hook.result.current.logout(true));
    expect(backend.commands.logout).toHaveBeenCalledWith(true);
    await waitFor(() => expect(options.onLoggedOut).toHaveBeenCalled());
  });
});
