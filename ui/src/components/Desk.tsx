// The caseworker's desk: saved views, the inbox, the open case and the document or
// the Bescheid being prepared beside it, the status bar and notices. Owns the
// keyboard shortcuts and reacts to the engine's change events (never polls). Team
// leads also select cases in the inbox to decide them at once.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useBackend } from "../backend";
import type {
  BatchItem,
  CommandKind,
  InboxRow,
  Outcome,
  ServiceDefinition,
  SyncStatus,
  UserInfo,
  Verdict,
} from "../generated/bindings";
import { type BatchResult, type Selection, remainingSelection, toggleSelection } from "../lib/batchDecisions";
import type { ChangeBatch } from "../lib/changeBatch";
import { caseActions, outboxMarks } from "../lib/caseWork";
import { localToday } from "../lib/dates";
import { actionErrorMessage, toErrorPayload } from "../lib/errors";
import { type InboxQuery, type ViewKey, activeView, initialQuery, selectView, withSearchText } from "../lib/inboxQuery";
import { isOpen, roleLabel } from "../lib/labels";
import { type ShortcutAction, shortcutFor } from "../lib/shortcuts";
import { useCaseDetail } from "../hooks/useCaseDetail";
import { useChangeFeed } from "../hooks/useChangeFeed";
import { useInbox } from "../hooks/useInbox";
import { BatchLetterDialog } from "./BatchLetterDialog";
import { CaseView } from "./CaseView";
import { DocumentViewer, type Shown } from "./DocumentViewer";
import { InboxList, type InboxListHandle } from "./InboxList";
import { InboxToolbar } from "./InboxToolbar";
import { LetterPanel } from "./LetterPanel";
import { ConfirmDialog } from "./ModalDialog";
import { type Notice, Notices } from "./Notices";
import { ShortcutDialog } from "./ShortcutDialog";
import { StatusBar } from "./StatusBar";
import { ViewNav } from "./ViewNav";
import { WipeDialog } from "./WipeDialog";

interface Props {
  me: UserInfo;
  initialStatus: SyncStatus;
  onReady(): void;
  onLoggedOut(): void;
  onLoginRequired(): void;
}

/** What the document panel shows: one of the case's documents, or its decision letter. */
type ShownRef = { kind: "document"; id: string } | { kind: "letter"; sha256: string };

/**
 * The search box asks once per burst of keys faster than this (a paste, a quick
 * typist's run of letters); a person's ordinary pause between keys is longer, so
 * results follow each keystroke. A search costs a few milliseconds in the engine.
 */
const SEARCH_DEBOUNCE_MS = 20;
const MAX_NOTICES = 5;

let noticeIds = 0;

export function Desk({ me, initialStatus, onReady, onLoggedOut, onLoginRequired }: Props) {
  const backend = useBackend();
  const { commands } = backend;
  const [query, setQuery] = useState<InboxQuery>(() => initialQuery());
  const [searchText, setSearchText] = useState("");
  const [status, setStatus] = useState(initialStatus);
  const [services, setServices] = useState<ServiceDefinition[]>([]);
  const [staff, setStaff] = useState<UserInfo[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [openCaseId, setOpenCaseId] = useState<string | null>(null);
  const [shownRef, setShownRef] = useState<ShownRef | null>(null);
  const [rejecting, setRejecting] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const [wipeOpen, setWipeOpen] = useState(false);
  const [letterOpen, setLetterOpen] = useState(false);
  // Whether the Bescheid's text was edited, so leaving the panel would lose work.
  const letterDirty = useRef(false);
  // What to do once the caseworker agreed to discard an edited Bescheid.
  const [leaveLetter, setLeaveLetter] = useState<{ then(): void } | null>(null);
  const lead = me.role === "team_lead";
  const [batchSelection, setBatchSelection] = useState<Selection>(() => new Map());
  const [batchOpen, setBatchOpen] = useState(false);
  const [notices, setNotices] = useState<Notice[]>([]);
  // Set by j/k while a case is open: open the selected row once it has loaded.
  const [follow, setFollow] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const listRef = useRef<InboxListHandle>(null);
  const letterButtonRef = useRef<HTMLButtonElement>(null);
  const today = localToday();

  const notify = useCallback((text: string, about?: Pick<Notice, "caseId" | "aktenzeichen">) => {
    setNotices((shown) =>
      [...shown.filter((n) => n.text !== text), { id: ++noticeIds, text, ...about }].slice(-MAX_NOTICES),
    );
  }, []);
  const dismiss = useCallback((id: number) => setNotices((shown) => shown.filter((n) => n.id !== id)), []);

  const reportError = useCallback(
    (error: unknown) => {
      if (toErrorPayload(error).code === "login_required") onLoginRequired();
      else notify(actionErrorMessage(error));
    },
    [notify, onLoginRequired],
  );

  const inbox = useInbox(backend, query, reportError);
  const openCase = useCaseDetail(backend, openCaseId);
  const { detail, reload: reloadCase } = openCase;

  useEffect(() => {
    if (inbox.firstPageLoaded) onReady();
  }, [inbox.firstPageLoaded, onReady]);

  const loadServices = useCallback(() => {
    commands.services().then(setServices, reportError);
  }, [commands, reportError]);

  useEffect(() => {
    loadServices();
    if (me.role === "team_lead") commands.staff().then(setStaff, () => setStaff([]));
  }, [commands, loadServices, me.role]);

  const serviceNames = useMemo(() => new Map(services.map((s) => [s.id, s.name])), [services]);
  const serviceName = useCallback((id: string) => serviceNames.get(id) ?? id, [serviceNames]);

  // The search box applies its text after a short pause in typing.
  useEffect(() => {
    const timer = window.setTimeout(() => {
      setQuery((current) => {
        const next = withSearchText(current, searchText);
        return next.filter.text === current.filter.text ? current : next;
      });
    }, SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [searchText]);

  // A new query starts at the top of the list, and a pending "open the row once it
  // has loaded" belonged to the old one.
  useEffect(() => {
    setSelected(null);
    setFollow(false);
    listRef.current?.scrollToIndex(0);
  }, [query]);

  // Leaving a case closes its document, its Bescheid and any rejection in progress.
  useEffect(() => {
    setShownRef(null);
    setRejecting(false);
    setLetterOpen(false);
    letterDirty.current = false;
  }, [openCaseId]);

  /** Runs `action`, which leaves the Bescheid panel, after asking if its text was edited. */
  const leavingLetter = useCallback(
    (action: () => void) => {
      if (letterOpen && letterDirty.current) setLeaveLetter({ then: action });
      else action();
    },
    [letterOpen],
  );

  const setLetterDirty = useCallback((dirty: boolean) => {
    letterDirty.current = dirty;
  }, []);

  const hideLetter = useCallback(() => {
    setLetterOpen(false);
    letterDirty.current = false;
  }, []);

  /** Closes the Bescheid panel; focus returns to the button that opened it. */
  const closeLetter = useCallback(() => {
    hideLetter();
    requestAnimationFrame(() => (letterButtonRef.current ?? document.getElementById("case-title"))?.focus());
  }, [hideLetter]);

  const openLetter = () => {
    setShownRef(null);
    setRejecting(false);
    setLetterOpen(true);
  };

  const { rowAt, version: rowsVersion } = inbox;
  useEffect(() => {
    if (!follow || selected === null) return;
    const row = rowAt(selected);
    if (row) {
      setOpenCaseId(row.case_id);
      setFollow(false);
    }
  }, [follow, selected, rowAt, rowsVersion]);

  // The status arrives two ways, announced by the engine and as the answer to
  // `session`, and the two can cross: an answer read before an announcement may
  // arrive after it. The engine counts every change in `revision`; an older status
  // never replaces a newer one.
  const statusRevision = useRef(initialStatus.revision);
  const applyStatus = useCallback(
    (next: SyncStatus) => {
      if (next.revision < statusRevision.current) return;
      statusRevision.current = next.revision;
      setStatus(next);
      if (next.connection.state === "login_required") onLoginRequired();
    },
    [onLoginRequired],
  );

  useChangeFeed(
    backend,
    (batch: ChangeBatch) => {
      if (batch.status) applyStatus(batch.status);
      if (batch.inbox) {
        inbox.invalidate();
        if (services.length === 0) loadServices();
      }
      if (openCaseId && batch.caseIds.has(openCaseId)) reloadCase();
      for (const refusal of batch.rejected) {
        notify(`Das Portal hat eine Änderung an ${refusal.aktenzeichen} abgelehnt: ${refusal.message}`, {
          caseId: refusal.case_id,
          aktenzeichen: refusal.aktenzeichen,
        });
      }
    },
    () => {
      // What the engine announced before the subscription stood.
      refreshStatus();
      inbox.invalidate();
    },
  );

  // The engine announces status changes, but after the user's own change the counts
  // in the status bar should not wait for the next announcement.
  const refreshStatus = useCallback(() => {
    commands.session().then(
      (session) => applyStatus(session.status),
      () => {},
    );
  }, [commands, applyStatus]);

  const runCommand = useCallback(
    async (caseId: string, kind: CommandKind): Promise<boolean> => {
      try {
        await commands.command(caseId, kind);
        if (caseId === openCaseId) reloadCase();
        refreshStatus();
        return true;
      } catch (error) {
        reportError(error);
        return false;
      }
    },
    [commands, openCaseId, reloadCase, refreshStatus, reportError],
  );

  const changeQuery = useCallback((next: InboxQuery) => setQuery(next), []);
  const showView = useCallback((view: ViewKey) => setQuery((current) => selectView(current, view)), []);

  const openRow = useCallback(
    (index: number, caseId: string | null) => {
      if (caseId === null) {
        // A click on a row still loading is not lost: it opens the case that arrives.
        leavingLetter(() => {
          setSelected(index);
          setFollow(true);
        });
        return;
      }
      setFollow(false);
      setSelected(index);
      if (caseId !== openCaseId) leavingLetter(() => setOpenCaseId(caseId));
    },
    [openCaseId, leavingLetter],
  );

  const closeCase = useCallback(() => {
    leavingLetter(() => {
      setOpenCaseId(null);
      requestAnimationFrame(() => listRef.current?.focus());
    });
  }, [leavingLetter]);

  const showDocumentById = (id: string) =>
    leavingLetter(() => {
      hideLetter();
      setShownRef({ kind: "document", id });
      setRejecting(false);
    });

  const letterDecided = () => {
    hideLetter();
    reloadCase();
    refreshStatus();
    requestAnimationFrame(() => document.getElementById("case-title")?.focus());
  };

  const toggleRow = useCallback(
    (row: InboxRow) => setBatchSelection((current) => toggleSelection(current, row.case_id, row.aktenzeichen)),
    [],
  );

  const decideMany = async (caseIds: string[], outcome: Outcome): Promise<BatchItem[]> => {
    const items = await commands.decide_many(caseIds, outcome);
    refreshStatus();
    if (openCaseId && caseIds.includes(openCaseId)) reloadCase();
    return items;
  };

  const batchDone = (results: BatchResult[]) => setBatchSelection((current) => remainingSelection(current, results));

  const closeBatch = () => {
    setBatchOpen(false);
    // The selection bar goes away once every case was decided; keep focus in the list.
    requestAnimationFrame(() => {
      if (!document.activeElement || document.activeElement === document.body) listRef.current?.focus();
    });
  };

  // The shown document, resolved against the case as it is now.
  const documents = detail?.case.documents ?? [];
  const marks = detail ? outboxMarks(detail) : null;
  let shown: Shown | null = null;
  if (shownRef?.kind === "document") {
    const index = documents.findIndex((d) => d.id === shownRef.id);
    const document = documents[index];
    if (document) {
      shown = {
        sha256: document.sha256,
        fileName: document.file_name,
        mediaType: document.media_type,
        document,
        position: index + 1,
        count: documents.length,
        pending: marks?.pendingDocuments.has(document.id) ?? false,
      };
    }
  } else if (shownRef?.kind === "letter") {
    shown = {
      sha256: shownRef.sha256,
      fileName: "Bescheid",
      mediaType: "application/pdf",
      document: null,
      position: 0,
      count: 0,
      pending: false,
    };
  }

  const stepDocument = (delta: number) => {
    if (documents.length === 0) return;
    const current = shown?.document ? shown.position - 1 : -1;
    const next =
      current < 0 ? (delta > 0 ? 0 : documents.length - 1) : (current + delta + documents.length) % documents.length;
    showDocumentById(documents[next]!.id);
  };

  const review = (verdict: Verdict, reason: string | null = null) => {
    if (!detail || !shown?.document) return;
    setRejecting(false);
    void runCommand(detail.case.id, {
      kind: "review_document",
      payload: { document_id: shown.document.id, verdict, reason },
    });
  };

  const move = (delta: number) => {
    const total = inbox.total ?? 0;
    if (total === 0) return;
    const next = selected === null ? (delta > 0 ? 0 : total - 1) : Math.min(total - 1, Math.max(0, selected + delta));
    setSelected(next);
    listRef.current?.scrollToIndex(next);
    // While a Bescheid is being prepared, the open case stays.
    if (openCaseId && !letterOpen) setFollow(true);
  };

  const onShortcut = (action: ShortcutAction, event: KeyboardEvent) => {
    if (wipeOpen || leaveLetter || batchOpen) return;
    if (helpOpen) {
      if (action === "toggleHelp" || action === "close") setHelpOpen(false);
      return;
    }
    switch (action) {
      case "next":
      case "previous":
        event.preventDefault();
        move(action === "next" ? 1 : -1);
        break;
      case "open": {
        const row = selected !== null ? rowAt(selected) : undefined;
        if (selected !== null && row) {
          event.preventDefault();
          openRow(selected, row.case_id);
        }
        break;
      }
      case "close":
        if (rejecting) setRejecting(false);
        else if (letterOpen) leavingLetter(closeLetter);
        else if (shownRef) setShownRef(null);
        else if (openCaseId) closeCase();
        break;
      case "focusSearch":
        event.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
        break;
      case "claim": {
        const caseId = openCaseId ?? (selected !== null ? rowAt(selected)?.case_id : undefined);
        if (caseId) void runCommand(caseId, { kind: "claim" });
        break;
      }
      case "focusNote":
        if (noteRef.current) {
          event.preventDefault();
          noteRef.current.focus();
        }
        break;
      case "accept":
        if (shown?.document) review("accepted");
        break;
      case "reject":
        if (shown?.document) {
          event.preventDefault();
          setRejecting(true);
        }
        break;
      case "previousDocument":
      case "nextDocument":
        if (detail) stepDocument(action === "nextDocument" ? 1 : -1);
        break;
      case "letter":
        if (detail && caseActions(detail.case, me).decide) {
          // Keeps the key from reaching the panel's first field.
          event.preventDefault();
          if (!letterOpen) openLetter();
        }
        break;
      case "toggleSelect": {
        const row = lead && selected !== null ? rowAt(selected) : undefined;
        if (row && isOpen(row.status)) {
          event.preventDefault();
          toggleRow(row);
        }
        break;
      }
      case "toggleHelp":
        setHelpOpen(true);
        break;
    }
  };
  const shortcutRef = useRef(onShortcut);
  shortcutRef.current = onShortcut;

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const action = shortcutFor(event);
      if (action) shortcutRef.current(action, event);
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

  const logout = (wipe: boolean) => {
    setWipeOpen(false);
    commands.logout(wipe).then(onLoggedOut, reportError);
  };

  const syncNow = () => {
    commands.sync_now().catch(reportError);
  };

  const view = activeView(query.filter);
  const rightPane = detail && letterOpen ? "letter" : detail && shown ? "document" : null;
  const layout = rightPane ? "with-document" : openCaseId ? "with-case" : "list-only";

  return (
    <div className="desk">
      <header className="app-header">
        <h1 className="brand">Casedesk</h1>
        <span className="office">{me.offices.map((o) => o.name).join(", ")}</span>
        <span className="spacer" />
        <span className="user">
          {me.display_name} · {roleLabel(me.role)}
        </span>
        <button type="button" onClick={() => setHelpOpen(true)} aria-keyshortcuts="?">
          Tastenkürzel <kbd aria-hidden="true">?</kbd>
        </button>
        <button type="button" data-testid="logout" onClick={() => logout(false)}>
          Abmelden
        </button>
        <button type="button" className="link-button" data-testid="logout-wipe" onClick={() => setWipeOpen(true)}>
          Abmelden und Daten löschen…
        </button>
      </header>
      <div className="desk-body">
        <ViewNav active={view} counts={inbox.viewCounts} onSelect={showView} />
        <main className={`workspace ${layout}${rightPane === "letter" ? " with-letter" : ""}`}>
          <section className="inbox-panel" aria-label="Posteingang">
            <InboxToolbar
              query={query}
              searchText={searchText}
              searchRef={searchRef}
              services={services}
              staff={staff}
              total={inbox.total}
              collapsible={layout !== "list-only"}
              onSearchText={setSearchText}
              onChange={changeQuery}
            />
            {lead && batchSelection.size > 0 && (
              <div className="selection-bar" role="group" aria-label="Auswahl">
                <span data-testid="batch-count">
                  {batchSelection.size === 1 ? "1 Vorgang ausgewählt" : `${batchSelection.size} Vorgänge ausgewählt`}
                </span>
                <button
                  type="button"
                  className="primary"
                  data-testid="batch-letters"
                  onClick={() => setBatchOpen(true)}
                >
                  Bescheide erstellen…
                </button>
                <button type="button" className="link-button" onClick={() => setBatchSelection(new Map())}>
                  Auswahl aufheben
                </button>
              </div>
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
              serviceName={serviceName}
              onRange={inbox.showRange}
              onOpen={openRow}
              selection={lead ? batchSelection : undefined}
              onToggleSelect={toggleRow}
            />
          </section>
          {openCaseId && (
            <div className="case-panel">
              {detail ? (
                <CaseView
                  detail={detail}
                  me={me}
                  staff={staff}
                  today={today}
                  serviceName={detail.service?.name ?? serviceName(detail.case.service_id)}
                  shownDocumentId={shown?.document?.id ?? null}
                  noteRef={noteRef}
                  letterOpen={letterOpen}
                  letterButtonRef={letterButtonRef}
                  onOpenLetter={openLetter}
                  onShowDocument={(document) => showDocumentById(document.id)}
                  onShowLetter={(sha256) =>
                    leavingLetter(() => {
                      hideLetter();
                      setShownRef({ kind: "letter", sha256 });
                    })
                  }
                  runCommand={(kind) => runCommand(detail.case.id, kind)}
                  onOutboxSettled={() => {
                    reloadCase();
                    refreshStatus();
                  }}
                  onError={(message) => notify(message)}
                  onClose={closeCase}
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
          {rightPane === "letter" && detail && (
            <div className="document-panel">
              <LetterPanel
                key={detail.case.id}
                detail={detail}
                me={me}
                onClose={() => leavingLetter(closeLetter)}
                onDirtyChange={setLetterDirty}
                onDecided={letterDecided}
                onLoginRequired={onLoginRequired}
              />
            </div>
          )}
          {rightPane === "document" && shown && detail && (
            <div className="document-panel">
              <DocumentViewer
                shown={shown}
                reviewable={caseActions(detail.case, me).process}
                rejecting={rejecting}
                onRejecting={setRejecting}
                onAccept={() => review("accepted")}
                onReject={(reason) => review("rejected", reason)}
                onPrevious={() => stepDocument(-1)}
                onNext={() => stepDocument(1)}
                onClose={() => setShownRef(null)}
              />
            </div>
          )}
        </main>
      </div>
      <StatusBar status={status} onShowProblems={() => showView("problems")} onSyncNow={syncNow} />
      <Notices
        notices={notices}
        onDismiss={dismiss}
        onOpenCase={(caseId) => {
          if (caseId !== openCaseId) leavingLetter(() => setOpenCaseId(caseId));
        }}
      />
      {helpOpen && <ShortcutDialog onClose={() => setHelpOpen(false)} />}
      {leaveLetter && (
        <ConfirmDialog
          id="letter-discard"
          testId="letter-discard-dialog"
          title="Geänderten Bescheid verwerfen?"
          confirmLabel="Verwerfen"
          confirmTestId="letter-discard"
          cancelLabel="Weiter bearbeiten"
          tone="danger"
          onConfirm={() => {
            const then = leaveLetter.then;
            setLeaveLetter(null);
            hideLetter();
            then();
          }}
          onCancel={() => setLeaveLetter(null)}
        >
          <p>Ihre Änderungen am Bescheidtext gehen verloren.</p>
        </ConfirmDialog>
      )}
      {batchOpen && (
        <BatchLetterDialog selection={batchSelection} decide={decideMany} onResults={batchDone} onClose={closeBatch} />
      )}
      {wipeOpen && (
        <WipeDialog pending={status.pending} onConfirm={() => logout(true)} onCancel={() => setWipeOpen(false)} />
      )}
    </div>
  );
}
