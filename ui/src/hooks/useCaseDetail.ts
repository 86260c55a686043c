// Loads the open case and reloads it on demand, dropping answers that arrive after
// another case was opened.
import { useCallback, useEffect, useRef, useState } from "react";
import type { Backend } from "../backend";
import type { CaseDetail } from "../generated/bindings";
import { type ShownError, toErrorPayload } from "../lib/errors";

export interface OpenCase {
  detail: CaseDetail | null;
  error: ShownError | null;
  reload(): void;
}

export function useCaseDetail(backend: Backend, caseId: string | null): OpenCase {
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const request = useRef(0);
  const current = useRef(caseId);
  current.current = caseId;

  const load = useCallback(() => {
    const id = current.current;
    const mine = ++request.current;
    if (!id) return;
    backend.commands.case_detail(id).then(
      (loaded) => {
        if (mine !== request.current) return;
        setDetail(loaded);
        setError(null);
      },
      (failure: unknown) => {
        if (mine !== request.current) return;
        setError(toErrorPayload(failure));
      },
    );
  }, [backend]);

  useEffect(() => {
    setDetail((shown) => (shown && shown.case.id === caseId ? shown : null));
    setError(null);
    load();
  }, [caseId, load]);

  return { detail: detail && detail.case.id === caseId ? detail : null, error, reload: load };
}
