// The first case opened after the app starts took about twice as long as later ones
// (measured over the 100,000-case store: 105–132 ms against 40–55 ms), whichever
// version of the UI: the webview compiles the case view's code on its first use,
// loads the date formatting data and the faces of its fonts, and resolves its styles
// for the first time. So once the inbox is shown, the desk renders the first row's
// case once, out of sight and inert (nothing in it can take focus or be read by a
// screen reader), waits until the webview has laid it out, and drops it. It never
// runs while a case is open, and only once per desk.
import { useEffect, useState } from "react";
import { useBackend } from "../backend";
import type { CaseDetail, UserInfo } from "../generated/bindings";
import { CaseView } from "./CaseView";

interface Props {
  caseId: string;
  me: UserInfo;
  today: string;
  onDone(): void;
}

const nothing = () => {};
const nothingAsync = async () => false;

export function CaseViewWarmup({ caseId, me, today, onDone }: Props) {
  const { commands } = useBackend();
  const [detail, setDetail] = useState<CaseDetail | null>(null);

  useEffect(() => {
    let cancelled = false;
    commands.case_detail(caseId).then(
      (loaded) => {
        if (!cancelled) setDetail(loaded);
      },
      () => {
        if (!cancelled) onDone();
      },
    );
    return () => {
      cancelled = true;
    };
  }, [commands, caseId, onDone]);

  // Two frames after it was committed the view has been styled and laid out.
  useEffect(() => {
    if (!detail) return;
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(onDone);
    });
    return () => cancelAnimationFrame(frame);
  }, [detail, onDone]);

  if (!detail) return null;
  return (
    <div className="case-warmup" aria-hidden="true" inert>
      <CaseView
        detail={detail}
        me={me}
        staff={[]}
        today={today}
        serviceName={detail.service?.name ?? detail.case.service_id}
        shownDocumentId={null}
        noteRef={{ current: null }}
        letterOpen={null}
        letterButtonRef={{ current: null }}
        onOpenLetter={nothing}
        onOpenHearing={nothing}
        onOpenNotice={nothing}
        onOpenRequest={nothing}
        onShowDocument={nothing}
        onShowLetter={nothing}
        runCommand={nothingAsync}
        recordDispatch={nothingAsync}
        onOutboxSettled={nothing}
        onError={nothing}
        onClose={nothing}
      />
    </div>
  );
}
