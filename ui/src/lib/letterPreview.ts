// The live preview of a letter being prepared (a Bescheid, a hearing letter): renders
// it a short pause after the last change (typing must not start a render per key) and
// keeps only the newest answer. Every change invalidates renders already under way,
// so an older preview can never replace a newer one, however the engine's answers
// are ordered.
import { type ShownError, toErrorPayload } from "./errors";

export const PREVIEW_DELAY_MS = 300;

export type PreviewState =
  | { status: "idle" }
  | { status: "pending" }
  | { status: "ready"; pdf: Uint8Array }
  | { status: "error"; error: ShownError };

/** Renders a preview of `request`, e.g. the engine's `letter_preview`, answering with base64. */
export type RenderPreview<R> = (request: R) => Promise<string>;

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const WINDOW_TIMERS: Timers = {
  set: (callback, ms) => window.setTimeout(callback, ms),
  clear: (handle) => window.clearTimeout(handle as number),
};

export class PreviewScheduler<R> {
  private generation = 0;
  private timer: unknown = null;
  private disposed = false;

  constructor(
    private readonly render: RenderPreview<R>,
    private readonly onState: (state: PreviewState) => void,
    private readonly delayMs = PREVIEW_DELAY_MS,
    private readonly timers: Timers = WINDOW_TIMERS,
  ) {}

  /** Asks for a preview of `request`: pending at once, rendered after the pause. */
  request(request: R): void {
    if (this.disposed) return;
    const generation = ++this.generation;
    if (this.timer !== null) this.timers.clear(this.timer);
    this.onState({ status: "pending" });
    this.timer = this.timers.set(() => {
      this.timer = null;
      this.render(request).then(
        (base64) => {
          if (!this.isCurrent(generation)) return;
          try {
            this.onState({ status: "ready", pdf: base64ToBytes(base64) });
          } catch {
            this.onState({
              status: "error",
              error: { code: "invalid", message: "Die Vorschau kam unvollständig an." },
            });
          }
        },
        (error: unknown) => {
          if (this.isCurrent(generation)) this.onState({ status: "error", error: toErrorPayload(error) });
        },
      );
    }, this.delayMs);
  }

  /**
   * Asks for nothing: the letter cannot be made now. A render not yet started is
   * dropped and answers still under way are ignored; the state is idle.
   */
  cancel(): void {
    if (this.disposed) return;
    this.generation++;
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    this.onState({ status: "idle" });
  }

  /** Stops the pending render and ignores answers still under way. */
  dispose(): void {
    this.disposed = true;
    this.generation++;
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
  }

  private isCurrent(generation: number): boolean {
    return !this.disposed && generation === this.generation;
  }
}

/** Decodes base64 (as the engine sends PDFs) to bytes; throws on malformed input. */
export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
