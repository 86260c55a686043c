// The live preview of a letter being prepared: asks the engine for a new PDF a short
// pause after every change (see `PreviewScheduler`) and keeps the newest one to show
// while the next is made. A request of `null` asks for nothing (the letter cannot be
// made yet): renders under way are dropped and the last PDF is kept, for the view to
// show or hide.
import { useEffect, useRef, useState } from "react";
import { PreviewScheduler, type PreviewState, type RenderPreview } from "../lib/letterPreview";

export interface LetterPreview {
  state: PreviewState;
  /** The newest PDF rendered; null before the first and after an error. */
  pdf: Uint8Array | null;
}

/**
 * `render` asks the engine for the PDF of a request; `revision` re-renders the same
 * request, e.g. when the case changed underneath (the letter shows the case as it is
 * now). Requests are compared by their JSON, so a new object with the same content
 * renders nothing new.
 */
export function useLetterPreview<R>(render: RenderPreview<R>, request: R | null, revision: number): LetterPreview {
  const [state, setState] = useState<PreviewState>({ status: "idle" });
  const [pdf, setPdf] = useState<Uint8Array | null>(null);
  const scheduler = useRef<PreviewScheduler<R> | null>(null);
  const renderRef = useRef(render);
  renderRef.current = render;

  useEffect(() => {
    const created = new PreviewScheduler<R>(
      (r) => renderRef.current(r),
      (next) => {
        setState(next);
        if (next.status === "ready") setPdf(next.pdf);
        if (next.status === "error") setPdf(null);
      },
    );
    scheduler.current = created;
    return () => created.dispose();
  }, []);

  const key = request === null ? null : JSON.stringify(request);
  const latest = useRef(request);
  latest.current = request;
  useEffect(() => {
    if (key !== null && latest.current !== null) scheduler.current?.request(latest.current);
    else scheduler.current?.cancel();
  }, [key, revision]);

  return { state, pdf };
}
