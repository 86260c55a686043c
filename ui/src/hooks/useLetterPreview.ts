// The live preview of the Bescheid being prepared: asks the engine for a new PDF a
// short pause after every change (see `PreviewScheduler`) and keeps the newest one
// to show while the next is made.
import { useEffect, useRef, useState } from "react";
import type { Backend } from "../backend";
import { type PreviewRequest, PreviewScheduler, type PreviewState } from "../lib/letterPreview";

export interface LetterPreview {
  state: PreviewState;
  /** The newest PDF rendered; null before the first and after an error. */
  pdf: Uint8Array | null;
}

/**
 * `revision` re-renders the same request, e.g. when the case changed underneath
 * (the letter shows the case as it is now).
 */
export function useLetterPreview(backend: Backend, request: PreviewRequest, revision: number): LetterPreview {
  const [state, setState] = useState<PreviewState>({ status: "idle" });
  const [pdf, setPdf] = useState<Uint8Array | null>(null);
  const scheduler = useRef<PreviewScheduler | null>(null);

  useEffect(() => {
    const created = new PreviewScheduler(
      (r) => backend.commands.letter_preview(r.caseKey, r.outcome, r.feeCents, r.editedText),
      (next) => {
        setState(next);
        if (next.status === "ready") setPdf(next.pdf);
        if (next.status === "error") setPdf(null);
      },
    );
    scheduler.current = created;
    return () => created.dispose();
  }, [backend]);

  const { caseKey, outcome, feeCents, editedText } = request;
  useEffect(() => {
    scheduler.current?.request({ caseKey, outcome, feeCents, editedText });
  }, [backend, caseKey, outcome, feeCents, editedText, revision]);

  return { state, pdf };
}
