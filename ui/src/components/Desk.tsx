// The caseworker's desk: saved views, the inbox, the open case and the document, the
// Bescheid, hearing or notice being prepared beside it, the status bar and notices. The layout only:
// what is open lives in `useDeskPanels`, the keys in `useDeskShortcuts`, the calls to
// the engine and its change events in `useDeskActions`. Team leads also select cases
// in the inbox to decide them at once.
import { useCallback, useEffect, useRef, useState } from "react";
import { useBackend } from "../backend";
import type { SyncStatus, UserInfo, Verdict } from "../generated/bindings";
import { localToday } from "../lib/dates";
import { layoutOf, shownOf, steppedDocumentId } from "../lib/deskPanels";
import { actionErrorMessage } from "../lib/errors";
import { activeView } from "../lib/inboxQuery";
import { useBatchSelection } from "../hooks/useBatchSelection";
import { useCaseDetail } from "../hooks/useCaseDetail";
import { useDeskActions } from "../hooks/useDeskActions";
import { useDeskPanels } from "../hooks/useDeskPanels";
import { useDeskShortcuts } from "../hooks/useDeskShortcuts";
import { useInbox } from "../hooks/useInbox";
import { useInboxQuery } from "../hooks/useInboxQuery";
import { useNotices } from "../hooks/useNotices";
import { BatchLetterDialog } from "./BatchLetterDialog";
import { CaseView } from "./CaseView";
import { CaseViewWarmup } from "./CaseViewWarmup";
import { DeskHeader } from "./DeskHeader";
import { DocumentViewer } from "./DocumentViewer";
import { HearingPanel } from "./HearingPanel";
import { NoticePanel } from "./NoticePanel";
import { RequestPanel } from "./RequestPanel";
import { InboxList, type InboxListHandle } from "./InboxList";
import { InboxToolbar } from "./InboxToolbar";
import { LetterDiscardDialog } from "./LetterDiscardDialog";
import { LetterPanel } from "./LetterPanel";
import { Notices } from "./Notices";
import { SelectionBar } from "./SelectionBar";
import { ShortcutDialog } from "./ShortcutDialog";
import { StatusBar } from "./StatusBar";
import { ViewNav } from "./ViewNav";
import { WipeDialog } from "./WipeDialog";
import "./Desk.css";

interface Props {
  me: UserInfo;
  initialStatus: SyncStatus;
  onReady(): void;
  onLoggedOut(): void;
  onLoginRequired(): void;
}

export function Desk({ me, initialStatus, onReady, onLoggedOut, onLoginRequired }: Props) {
  const backend = useBackend();
  const [helpOpen, setHelpOpen] = useState(false);
  const [wipeOpen, setWipeOpen] = useState(false);
  const lead = me.role === "team_lead";
  const searchRef = useRef<HTMLInputElement>(null);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const listRef = useRef<InboxListHandle>(null);
  const letterButtonRef = useRef<HTMLButtonElement>(null);
  const today = localToday();
  const batch = useBatchSelection(listRef);

  const notices = useNotices(onLoginRequired);
  const { query, searchText, setSearchText, changeQuery, showView } = useInboxQuery();
  const inbox = useInbox(backend, query, notices.reportError);
  const { rowAt, version: rowsVersion } = inbox;
  const panels = useDeskPanels({ query, rowAt, rowsVersion, listRef, letterButtonRef });
  const { openCaseId, right, rejecting, selected, pendingLeave } = panels.state;
  const openCase = useCaseDetail(backend, openCaseId);
  const { detail, reload: reloadCase } = openCase;
  const actions = useDeskActions({
    me,
    initialStatus,
    openCaseId,
    reloadCase,
    inbox,
    notices,
    onLoginRequired,
    onLoggedOut,
  });
  const { status, runCommand, refreshStatus } = actions;

  useEffect(() => {
    if (inbox.firstPageLoaded) onReady();
  }, [inbox.firstPageLoaded, onReady]);

  // Once the inbox is shown, the first row's case is rendered out of sight once
  // (see CaseViewWarmup); never while a case is open.
  const [warmedUp, setWarmedUp] = useState(!backend.warmUp);
  const finishWarmup = useCallback(() => setWarmedUp(true), []);
  useEffect(() => {
    if (openCaseId) setWarmedUp(true);
  }, [openCaseId]);
  const warmupCaseId = !warmedUp && inbox.firstPageLoaded && !openCaseId ? (rowAt(0)?.case_id ?? null) : null;

  const shown = shownOf(right, detail);
  const stepDocument = (delta: number) => {
    const id = steppedDocumentId(detail?.case.documents ?? [], right, delta);
    if (id) panels.showDocument(id);
  };
  const review = (verdict: Verdict, reason: string | null = null) => {
    if (!detail || !shown?.document) return;
    panels.setRejecting(false);
    void runCommand(detail.case.id, {
      kind: "review_document",
      payload: { document_id: shown.document.id, verdict, reason },
    });
  };

  useDeskShortcuts({
    me,
    dialogOpen: wipeOpen || pendingLeave !== null || batch.dialogOpen,
    helpOpen,
    setHelpOpen,
    panels,
    rowAt,
    total: inbox.total,
    detail,
    shown,
    searchRef,
    noteRef,
    runCommand,
    review,
    stepDocument,
    toggleRow: batch.toggle,
  });

  const logout = (wipe: boolean) => {
    setWipeOpen(false);
    actions.logout(wipe);
  };

  const { layout, rightPane } = layoutOf(panels.state, detail !== null, shown);

  return (
    <div className="desk">
      <DeskHeader
        me={me}
        onHelp={() => setHelpOpen(true)}
        onLogout={() => logout(false)}
        onWipe={() => setWipeOpen(true)}
      />
      {warmupCaseId && <CaseViewWarmup caseId={warmupCaseId} me={me} today={today} onDone={finishWarmup} />}
      <div className="desk-body">
        <ViewNav active={activeView(query.filter)} counts={inbox.viewCounts} onSelect={showView} />
        <main className={`workspace ${layout}${rightPane !== null && rightPane !== "document" ? " with-letter" : ""}`}>
          <section className="inbox-panel" aria-label="Posteingang">
            <InboxToolbar
              query={query}
              searchText={searchText}
              searchRef={searchRef}
              services={actions.services}
              staff={actions.staff}
              total={inbox.total}
              collapsible={layout !== "list-only"}
              onSearchText={setSearchText}
              onChange={changeQuery}
            />
            {lead && batch.selection.size > 0 && (
              <SelectionBar count={batch.selection.size} onDecide={batch.openDialog} onClear={batch.clear} />
            )}
            <InboxList
              ref={listRef}
              total={inbox.total}
              rowAt={rowAt}
              rowsVersion={rowsVersion}
              selectedIndex={selected}
              openCaseId={openCaseId}
              meId={me.id}
              today={today}
              compact={layout !== "list-only"}
              serviceName={actions.serviceName}
              onRange={inbox.showRange}
              onOpen={panels.openRow}
              selection={lead ? batch.selection : undefined}
              onToggleSelect={batch.toggle}
            />
          </section>
          {openCaseId && (
            <div className="case-panel">
              {detail ? (
                <CaseView
                  detail={detail}
                  me={me}
                  staff={actions.staff}
                  today={today}
                  serviceName={detail.service?.name ?? actions.serviceName(detail.case.service_id)}
                  shownDocumentId={shown?.document?.id ?? null}
                  noteRef={noteRef}
                  letterOpen={panels.letterOpen}
                  letterButtonRef={letterButtonRef}
                  onOpenLetter={() => panels.openLetter("decision")}
                  onOpenHearing={() => panels.openLetter("hearing")}
                  onOpenNotice={() => panels.openLetter("notice")}
                  onOpenRequest={() => panels.openLetter("request")}
                  onShowDocument={(document) => panels.showDocument(document.id)}
                  onShowLetter={panels.showIssuedLetter}
                  runCommand={(kind) => runCommand(detail.case.id, kind)}
                  recordDispatch={(noticeId, on) => actions.recordDispatch(detail.case.id, noticeId, on)}
                  onOutboxSettled={() => {
                    reloadCase();
                    refreshStatus();
                  }}
                  onError={(message) => notices.notify(message)}
                  onClose={panels.closeCase}
                />
              ) : openCase.error ? (
                <p className="panel-message" role="alert">
                  {actionErrorMessage(openCase.error)}
                </p>
              ) : (
                <p className="panel-message" role="status">
                  Vorgang wird geladen …
                </p>
              )}
            </div>
          )}
          {rightPane === "decision" && detail && (
            <div className="document-panel">
              <LetterPanel
                key={detail.case.id}
                detail={detail}
                me={me}
                onClose={panels.closeLetter}
                onDirtyChange={panels.setLetterEdited}
                onDecided={() => {
                  panels.letterDecided();
                  reloadCase();
                  refreshStatus();
                }}
                onLoginRequired={onLoginRequired}
              />
            </div>
          )}
          {rightPane === "hearing" && detail && (
            <div className="document-panel">
              <HearingPanel
                key={detail.case.id}
                detail={detail}
                me={me}
                onClose={panels.closeLetter}
                onDirtyChange={panels.setLetterEdited}
                onStarted={() => {
                  panels.letterDecided();
                  reloadCase();
                  refreshStatus();
                }}
                onLoginRequired={onLoginRequired}
              />
            </div>
          )}
          {rightPane === "request" && detail && (
            <div className="document-panel">
              <RequestPanel
                key={detail.case.id}
                detail={detail}
                me={me}
                onClose={panels.closeLetter}
                onDirtyChange={panels.setLetterEdited}
                onSent={() => {
                  panels.letterDecided();
                  reloadCase();
                  refreshStatus();
                }}
                onLoginRequired={onLoginRequired}
              />
            </div>
          )}
          {rightPane === "notice" && detail && (
            <div className="document-panel">
              <NoticePanel
                key={detail.case.id}
                detail={detail}
                onClose={panels.closeLetter}
                onIssued={() => {
                  panels.letterDecided();
                  reloadCase();
                  refreshStatus();
                }}
                onLoginRequired={onLoginRequired}
              />
            </div>
          )}
          {rightPane === "document" && shown && detail && (
            <div className="document-panel">
              <DocumentViewer
                shown={shown}
                reviewable={detail.actions.process}
                rejecting={rejecting}
                onRejecting={panels.setRejecting}
                onAccept={() => review("accepted")}
                onReject={(reason) => review("rejected", reason)}
                onPrevious={() => stepDocument(-1)}
                onNext={() => stepDocument(1)}
                onClose={panels.closeDocument}
              />
            </div>
          )}
        </main>
      </div>
      <StatusBar status={status} onShowProblems={() => showView("problems")} onSyncNow={actions.syncNow} />
      <Notices notices={notices.notices} onDismiss={notices.dismiss} onOpenCase={panels.openCase} />
      {helpOpen && <ShortcutDialog onClose={() => setHelpOpen(false)} />}
      {pendingLeave && (
        <LetterDiscardDialog
          letter={panels.letterOpen ?? "decision"}
          onDiscard={panels.confirmLeave}
          onKeepEditing={panels.cancelLeave}
        />
      )}
      {batch.dialogOpen && (
        <BatchLetterDialog
          me={me}
          selection={batch.selection}
          decide={actions.decideMany}
          onResults={batch.decided}
          onClose={batch.closeDialog}
        />
      )}
      {wipeOpen && (
        <WipeDialog pending={status.pending} onConfirm={() => logout(true)} onCancel={() => setWipeOpen(false)} />
      )}
    </div>
  );
}
