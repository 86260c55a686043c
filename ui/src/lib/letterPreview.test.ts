// Tests of the preview scheduling: one render after a pause in typing, and answers
// to older requests never replacing newer ones.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PREVIEW_DELAY_MS, PreviewScheduler, type PreviewState, base64ToBytes } from "./letterPreview";

interface PreviewRequest {
  caseKey: string;
  editedText: string | null;
}

const request = (editedText: string | null): PreviewRequest => ({ caseKey: "c1", editedText });

/** A render whose answers the test releases by hand, in any order. */
function controlledRender() {
  const calls: { request: PreviewRequest; resolve(base64: string): void; reject(error: unknown): void }[] = [];
  const render = vi.fn(
    (req: PreviewRequest) =>
      new Promise<string>((resolve, reject) => {
        calls.push({ request: req, resolve, reject });
      }),
  );
  return { render, calls };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

describe("PreviewScheduler", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("renders once, a pause after the last change, and is pending until then", async () => {
    const { render, calls } = controlledRender();
    const states: PreviewState[] = [];
    const scheduler = new PreviewScheduler(render, (s) => states.push(s));
    scheduler.request(request("a"));
    expect(states).toEqual([{ status: "pending" }]);
    await vi.advanceTimersByTimeAsync(PREVIEW_DELAY_MS - 50);
    scheduler.request(request("ab"));
    await vi.advanceTimersByTimeAsync(PREVIEW_DELAY_MS - 50);
    scheduler.request(request("abc"));
    await vi.advanceTimersByTimeAsync(PREVIEW_DELAY_MS - 1);
    expect(render).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(render).toHaveBeenCalledTimes(1);
    expect(render).toHaveBeenCalledWith(request("abc"));
    calls[0]!.resolve(btoa("%PDF-1.7"));
    await flush();
    const last = states.at(-1)!;
    expect(last.status).toBe("ready");
    expect(new TextDecoder().decode((last as { pdf: Uint8Array }).pdf)).toBe("%PDF-1.7");
  });

  it("ignores an older answer that arrives after a newer one", async () => {
    const { render, calls } = controlledRender();
    const states: PreviewState[] = [];
    const scheduler = new PreviewScheduler(render, (s) => states.push(s));
    scheduler.request(request("old"));
    await vi.advanceTimersByTimeAsync(PREVIEW_DELAY_MS);
    scheduler.request(request("new"));
    await vi.advanceTimersByTimeAsync(PREVIEW_DELAY_MS);
    expect(calls.map((c) => c.request.editedText)).toEqual(["old", "new"]);
    calls[1]!.resolve(btoa("new"));
    await flush();
    calls[0]!.resolve(btoa("old"));
    await flush();
    const ready = states.filter((s) => s.status === "ready");
    expect(ready).toHaveLength(1);
    expect(new TextDecoder().decode((ready[0] as { pdf: Uint8Array }).pdf)).toBe("new");
    expect(states.at(-1)!.status).toBe("ready");
  });

  it("does not show an older answer while a newer request waits for its pause", async () => {
    const { render, calls } = controlledRender();
    const states: PreviewState[] = [];
    const scheduler = new PreviewScheduler(render, (s) => states.push(s));
    scheduler.request(request("old"));
    await vi.advanceTimersByTimeAsync(PREVIEW_DELAY_MS);
    scheduler.request(request("new"));
    calls[0]!.resolve(btoa("old"));
    calls[0]!.reject(new Error("ignored"));
    await flush();
    expect(states.at(-1)).toEqual({ status: "pending" });
  });

  it("reports the engine's error for the newest request only", async () => {
    const { render, calls } = controlledRender();
    const states: PreviewState[] = [];
    const scheduler = new PreviewScheduler(render, (s) => states.push(s));
    scheduler.request(request("x"));
    await vi.advanceTimersByTimeAsync(PREVIEW_DELAY_MS);
    calls[0]!.reject({ code: "letter_template", message: "Brief: template bescheid line 3 failed: oops" });
    await flush();
    expect(states.at(-1)).toEqual({
      status: "error",
      error: { code: "letter_template", message: "Brief: template bescheid line 3 failed: oops" },
    });
  });

  it("drops a waiting render and ignores an answer under way once nothing is asked for", async () => {
    const { render, calls } = controlledRender();
    const states: PreviewState[] = [];
    const scheduler = new PreviewScheduler(render, (s) => states.push(s));
    scheduler.request(request("under way"));
    await vi.advanceTimersByTimeAsync(PREVIEW_DELAY_MS);
    scheduler.request(request("waiting"));
    scheduler.cancel();
    expect(states.at(-1)).toEqual({ status: "idle" });
    calls[0]!.resolve(btoa("under way"));
    await vi.advanceTimersByTimeAsync(PREVIEW_DELAY_MS);
    expect(render).toHaveBeenCalledTimes(1);
    expect(states.at(-1)).toEqual({ status: "idle" });
  });

  it("reports a malformed answer and stops after dispose", async () => {
    const { render, calls } = controlledRender();
    const states: PreviewState[] = [];
    const scheduler = new PreviewScheduler(render, (s) => states.push(s));
    scheduler.request(request(null));
    await vi.advanceTimersByTimeAsync(PREVIEW_DELAY_MS);
    calls[0]!.resolve("not base64!");
    await flush();
    expect(states.at(-1)).toMatchObject({ status: "error", error: { code: "invalid" } });
    scheduler.request(request("later"));
    scheduler.dispose();
    await vi.advanceTimersByTimeAsync(PREVIEW_DELAY_MS);
    expect(render).toHaveBeenCalledTimes(1);
  });
});

describe("base64ToBytes", () => {
  it("decodes binary data", () => {
    expect([...base64ToBytes("AP8QIA==")]).toEqual([0, 255, 16, 32]);
    expect(() => base64ToBytes("***")).toThrow();
  });
});
