// The desk's business with the engine: the commands it sends (a command on a case,
// team leads' batch decisions, syncing, logging out), the lists it loads (services,
// staff), the sync status, and what it does when the engine announces changes. The
// desk never polls: the change feed says what to read again.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useBackend } from "../backend";
import type { BatchItem, CommandKind, Outcome, ServiceDefinition, SyncStatus, UserInfo } from "../generated/bindings";
import type { ChangeBatch } from "../lib/changeBatch";
import { useChangeFeed } from "./useChangeFeed";
import type { Inbox } from "./useInbox";
import type { Notices } from "./useNotices";

export interface DeskActionOptions {
  me: UserInfo;
  initialStatus: SyncStatus;
  openCaseId: string | null;
  reloadCase(): void;
  inbox: Pick<Inbox, "invalidate">;
  notices: Pick<Notices, "notify" | "reportError">;
  onLoginRequired(): void;
  onLoggedOut(): void;
}

export interface DeskActions {
  status: SyncStatus;
  services: ServiceDefinition[];
  /** Team leads only: the office's staff, to filter by assignee. */
  staff: UserInfo[];
  serviceName(id: string): string;
  /** Reads the status now, after the user's own change. */
  refreshStatus(): void;
  /** Sends a command on a case; whether the engine took it (a refusal is reported). */
  runCommand(caseId: string, kind: CommandKind): Promise<boolean>;
  /** Records the dispatch of the decision (`noticeId` null) or a notice on `on`. */
  recordDispatch(caseId: string, noticeId: string | null, on: string): Promise<boolean>;
  decideMany(caseIds: string[], outcome: Outcome): Promise<BatchItem[]>;
  logout(wipe: boolean): void;
  syncNow(): void;
}

export function useDeskActions(options: DeskActionOptions): DeskActions {
  const { me, initialStatus, openCaseId, reloadCase, inbox, onLoginRequired, onLoggedOut } = options;
  const { notify, reportError } = options.notices;
  const backend = useBackend();
  const { commands } = backend;
  const [status, setStatus] = useState(initialStatus);
  const [services, setServices] = useState<ServiceDefinition[]>([]);
  const [staff, setStaff] = useState<UserInfo[]>([]);

  const loadServices = useCallback(() => {
    commands.services().then(setServices, reportError);
  }, [commands, reportError]);

  useEffect(() => {
    loadServices();
    if (me.role === "team_lead") commands.staff().then(setStaff, () => setStaff([]));
  }, [commands, loadServices, me.role]);

  const serviceNames = useMemo(() => new Map(services.map((s) => [s.id, s.name])), [services]);
  const serviceName = useCallback((id: string) => serviceNames.get(id) ?? id, [serviceNames]);

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

  // The engine announces status changes, but after the user's own change the counts
  // in the status bar should not wait for the next announcement.
  const refreshStatus = useCallback(() => {
    commands.session().then(
      (session) => applyStatus(session.status),
      () => {},
    );
  }, [commands, applyStatus]);

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

  const recordDispatch = useCallback(
    async (caseId: string, noticeId: string | null, on: string): Promise<boolean> => {
      try {
        await commands.record_dispatch(caseId, noticeId, on);
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

  const decideMany = useCallback(
    async (caseIds: string[], outcome: Outcome): Promise<BatchItem[]> => {
      const items = await commands.decide_many(caseIds, outcome);
      refreshStatus();
      if (openCaseId && caseIds.includes(openCaseId)) reloadCase();
      return items;
    },
    [commands, openCaseId, reloadCase, refreshStatus],
  );

  const logout = useCallback(
    (wipe: boolean) => {
      commands.logout(wipe).then(onLoggedOut, reportError);
    },
    [commands, onLoggedOut, reportError],
  );

  const syncNow = useCallback(() => {
    commands.sync_now().catch(reportError);
  }, [commands, reportError]);

  return {
    status,
    services,
    staff,
    serviceName,
    refreshStatus,
    runCommand,
    recordDispatch,
    decideMany,
    logout,
    syncNow,
  };
}
