// Tests that the Tauri backend wires the change event and the document protocol.
import { describe, expect, it, vi } from "vitest";

const listeners: ((event: { payload: unknown }) => void)[] = [];
vi.mock("@tauri-apps/api/event", () => ({
  listen: vi.fn(async (_name: string, handler: (event: { payload: unknown }) => void) => {
    listeners.push(handler);
    return () => listeners.splice(listeners.indexOf(handler), 1);
  }),
}));
vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(async () => null),
  convertFileSrc: vi.fn((path: string, protocol: string) => `${protocol}://localhost/${path}`),
}));

describe("tauriBackend", () => {
  it("delivers the payloads of desk:change events", async () => {
    const { listen } = await import("@tauri-apps/api/event");
    const { tauriBackend } = await import("./tauriBackend");
    const seen: unknown[] = [];
    const stop = await tauriBackend.onChange((change) => seen.push(change));
    expect(listen).toHaveBeenCalledWith("desk:change", expect.any(Function));
    listeners.forEach((listener) => listener({ payload: { type: "inbox_changed" } }));
    expect(seen).toEqual([{ type: "inbox_changed" }]);
    stop();
    expect(listeners).toHaveLength(0);
  });

  it("serves documents through the casedesk-doc protocol", async () => {
    const { tauriBackend } = await import("./tauriBackend");
    expect(tauriBackend.documentUrl("ab".repeat(32))).toBe(`casedesk-doc://localhost/${"ab".repeat(32)}`);
  });

  it("calls the engine's commands through invoke", async () => {
    const { invoke } = await import("@tauri-apps/api/core");
    const { tauriBackend } = await import("./tauriBackend");
    await tauriBackend.commands.retry("cmd-1");
    const [name, args] = vi.mocked(invoke).mock.calls.at(-1)!;
    expect(name).toBe("retry");
    expect(Object.values(args as object)).toContain("cmd-1");
  });
});
