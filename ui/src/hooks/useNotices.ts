// The desk's notices, and where errors go: an expired session back to the login
// form, anything else into a notice.
import { useCallback, useState } from "react";
import { actionErrorMessage, toErrorPayload } from "../lib/errors";
import { type Notice, withNotice, withoutNotice } from "../lib/notices";

let noticeIds = 0;

export interface Notices {
  notices: Notice[];
  notify(text: string, about?: Pick<Notice, "caseId" | "aktenzeichen">): void;
  dismiss(id: number): void;
  reportError(error: unknown): void;
}

export function useNotices(onLoginRequired: () => void): Notices {
  const [notices, setNotices] = useState<Notice[]>([]);

  const notify = useCallback((text: string, about?: Pick<Notice, "caseId" | "aktenzeichen">) => {
    setNotices((shown) => withNotice(shown, { id: ++noticeIds, text, ...about }));
  }, []);
  const dismiss = useCallback((id: number) => setNotices((shown) => withoutNotice(shown, id)), []);

  const reportError = useCallback(
    (error: unknown) => {
      if (toErrorPayload(error).code === "login_required") onLoginRequired();
      else notify(actionErrorMessage(error));
    },
    [notify, onLoginRequired],
  );

  return { notices, notify, dismiss, reportError };
}
