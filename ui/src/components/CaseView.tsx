// One case with everything a caseworker needs: applicant, form data, documents,
// notes, requests, messages, decision, history, and the actions that apply.
// Citizen-entered text is only ever rendered as text.
import { type RefObject, useEffect, useRef, useState } from "react";
import type { CaseDetail, CommandKind, DocumentMeta, UserInfo } from "../generated/bindings";
import { type OutboxMarks, outboxMarks } from "../lib/caseWork";
import { formatDate, formatDateTime, urgency } from "../lib/dates";
import { documentKindLabel, formEntries } from "../lib/formFields";
import { actorLabel, describeEvent, isOpen, priorityLabel, statusLabel, verdictLabel } from "../lib/labels";
import type { DraftLetter } from "../lib/deskPanels";
import { isTypingTarget } from "../lib/shortcuts";
import { DecisionSection } from "./DecisionSection";
import { RejectedCommands } from "./RejectedCommands";
import { MessagesSection } from "./MessagesSection";
import { RequestsSection } from "./RequestsSection";
import { TextComposer } from "./TextComposer";
import "./CaseView.css";

interface Props {
  detail: CaseDetail;
  me: UserInfo;
  staff: UserInfo[];
  today: string;
  serviceName: string;
  shownDocumentId: string | null;
  noteRef: RefObject<HTMLTextAreaElement | null>;
  /** The letter being prepared beside the case, if one is. */
  letterOpen: DraftLetter | null;
  letterButtonRef: RefObject<HTMLButtonElement | null>;
  onOpenLetter(): void;
  onOpenHearing(): void;
  /** Opens the fee or tax notice after the decision. */
  onOpenNotice(): void;
  /** Opens the request for missing items. */
  onOpenRequest(): void;
  onShowDocument(document: DocumentMeta): void;
  onShowLetter(sha256: string): void;
  runCommand(kind: CommandKind): Promise<boolean>;
  /** Records the dispatch of the decision (`noticeId` null) or a notice on `on`. */
  recordDispatch(noticeId: string | null, on: string): Promise<boolean>;
  /** A refused command was retried or discarded. */
  onOutboxSettled(): void;
  onError(message: string): void;
  onClose(): void;
}

export function PendingBadge({ label = "wird übertragen…" }: { label?: string }) {
  return (
    <span className="chip chip-pending" title="Die Änderung ist lokal gespeichert und wird an das Portal übertragen.">
      <span aria-hidden="true">⟳ </span>
      {label}
    </span>
  );
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toLocaleString("de-DE", { maximumFractionDigits: 0 })} KB`;
  return `${(bytes / 1024 / 1024).toLocaleString("de-DE", { maximumFractionDigits: 1 })} MB`;
}

export function CaseView(props: Props) {
  const { detail, me, today, serviceName, onClose } = props;
  const aggregate = detail.case;
  const marks = outboxMarks(detail);
  const headingRef = useRef<HTMLHeadingElement>(null);

  // Opening a case moves focus to its heading, so screen readers announce it; not
  // while the user is typing somewhere.
  useEffect(() => {
    if (!isTypingTarget(document.activeElement)) headingRef.current?.focus({ preventScroll: true });
  }, [aggregate.id]);

  const due = urgency(aggregate.due_date, today, isOpen(aggregate.status));
  const decisionSection = (
    <DecisionSection
      detail={detail}
      marks={marks}
      onShowLetter={props.onShowLetter}
      recordDispatch={props.recordDispatch}
    />
  );

  const requestsSection = (
    <RequestsSection
      detail={detail}
      onShowDocument={props.onShowDocument}
      onShowLetter={props.onShowLetter}
      runCommand={props.runCommand}
    />
  );
  const requestsFirst = !aggregate.decision && detail.actions.request_moves.length > 0;

  return (
    <section
      className="case-view"
      data-testid="case-view"
      data-aktenzeichen={aggregate.aktenzeichen}
      data-pending={marks.pending.length}
      data-rejected={marks.rejected.length}
      aria-labelledby="case-title"
    >
      <header className="case-header">
        <div className="case-title-row">
          <h2 id="case-title" ref={headingRef} tabIndex={-1}>
            {aggregate.aktenzeichen}
          </h2>
          {marks.pending.length > 0 && <PendingBadge />}
          <button
            type="button"
            className="icon-button close-button"
            aria-label="Vorgang schließen (Esc)"
            onClick={onClose}
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
        <p className="case-subtitle">
          {serviceName} · {aggregate.applicant.given_name} {aggregate.applicant.family_name}
        </p>
        <dl className="case-facts">
          <div>
            <dt>Status</dt>
            <dd>
              <span className={`status status-${aggregate.status}`}>{statusLabel(aggregate.status)}</span>
              {marks.statusPending && <PendingBadge />}
            </dd>
          </div>
          <div>
            <dt>Bearbeitung</dt>
            <dd data-testid="case-assignee">
              {aggregate.assignee === me.id
                ? `${me.display_name} (ich)`
                : (aggregate.assignee_name ?? "nicht zugewiesen")}
              {marks.assignmentPending && <PendingBadge />}
            </dd>
          </div>
          <div>
            <dt>Frist</dt>
            <dd>
              <span className={`due due-${due.level}`}>
                {due.icon && <span aria-hidden="true">{due.icon} </span>}
                {formatDate(aggregate.due_date)}
                {due.text && ` (${due.text})`}
              </span>
            </dd>
          </div>
          <div>
            <dt>Eingang</dt>
            <dd>{formatDateTime(aggregate.received_at)}</dd>
          </div>
          <div>
            <dt>Priorität</dt>
            <dd>{priorityLabel(aggregate.priority)}</dd>
          </div>
        </dl>
        <CaseActionsBar {...props} />
      </header>

      <RejectedCommands entries={marks.rejected} onSettled={props.onOutboxSettled} onError={props.onError} />

      <div className="case-sections">
        {/* What the caseworker works on comes first: the decision's delivery once
            decided; what a request awaits or brought in while one is open or its
            deadline passed; else the documents and notes. */}
        {aggregate.decision && decisionSection}
        {requestsFirst && requestsSection}
        <DocumentsSection {...props} marks={marks} />
        <NotesSection {...props} marks={marks} />
        <ApplicantSection detail={detail} />
        <FormSection detail={detail} />
        {!requestsFirst && requestsSection}
        <MessagesSection detail={detail} pending={marks.pendingMessages} runCommand={props.runCommand} />
        {!aggregate.decision && decisionSection}
        <HistorySection detail={detail} />
      </div>
    </section>
  );
}

function CaseActionsBar({
  detail,
  staff,
  runCommand,
  letterOpen,
  letterButtonRef,
  onOpenLetter,
  onOpenHearing,
  onOpenNotice,
  onOpenRequest,
}: Props) {
  const actions = detail.actions;
  const [assignee, setAssignee] = useState("");
  const [busy, setBusy] = useState(false);
  /** The reason being typed for resuming a case that waits for the citizen. */
  const [resumeReason, setResumeReason] = useState<string | null>(null);
  const run = async (kind: CommandKind) => {
    setBusy(true);
    await runCommand(kind);
    setBusy(false);
  };
  const others = staff.filter((person) => person.id !== detail.case.assignee && person.role !== "admin");

  return (
    <div className="case-actions" role="group" aria-label="Aktionen">
      {actions.claim && (
        <button
          type="button"
          className="primary"
          data-testid="claim"
          disabled={busy}
          onClick={() => void run({ kind: "claim" })}
        >
          Übernehmen <kbd aria-hidden="true">c</kbd>
        </button>
      )}
      {actions.prepare_decision && (
        <button
          type="button"
          ref={letterButtonRef}
          data-testid="letter-open"
          aria-expanded={letterOpen === "decision"}
          aria-keyshortcuts="b"
          onClick={onOpenLetter}
        >
          Bescheid erstellen <kbd aria-hidden="true">b</kbd>
        </button>
      )}
      {actions.request_items && (
        <button
          type="button"
          data-testid="request-open"
          aria-expanded={letterOpen === "request"}
          aria-keyshortcuts="u"
          onClick={onOpenRequest}
        >
          Unterlagen nachfordern <kbd aria-hidden="true">u</kbd>
        </button>
      )}
      {actions.hear && (
        <button
          type="button"
          data-testid="hearing-open"
          aria-expanded={letterOpen === "hearing"}
          onClick={onOpenHearing}
        >
          Anhörung
        </button>
      )}
      {actions.issue_notice && (
        <button type="button" data-testid="notice-open" aria-expanded={letterOpen === "notice"} onClick={onOpenNotice}>
          {detail.law?.tax_annual_cents != null ? "Gebühren-/Steuerbescheid" : "Gebührenbescheid"}
        </button>
      )}
      {actions.release && (
        <button type="button" data-testid="release" disabled={busy} onClick={() => void run({ kind: "release" })}>
          Freigeben
        </button>
      )}
      {actions.status_moves.map((move) => (
        <button
          key={move.status}
          type="button"
          data-testid={`set-status-${move.status}`}
          disabled={busy}
          aria-expanded={move.reason_required ? resumeReason !== null : undefined}
          onClick={() =>
            move.reason_required
              ? setResumeReason("")
              : void run({ kind: "set_status", payload: { status: move.status, reason: null } })
          }
        >
          {move.label}
          {move.reason_required && "…"}
        </button>
      ))}
      {resumeReason !== null && (
        <form
          className="assign-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (resumeReason.trim() === "") return;
            void run({ kind: "set_status", payload: { status: "in_review", reason: resumeReason.trim() } }).then(() =>
              setResumeReason(null),
            );
          }}
        >
          <label htmlFor="resume-reason">
            Grund (schließt die offene Nachforderung; die antragstellende Person liest ihn)
          </label>
          <input
            id="resume-reason"
            type="text"
            lang="de"
            autoFocus
            data-testid="resume-reason"
            value={resumeReason}
            onChange={(e) => setResumeReason(e.target.value)}
          />
          <button type="submit" data-testid="resume-submit" disabled={busy || resumeReason.trim() === ""}>
            Fortsetzen
          </button>
          <button type="button" onClick={() => setResumeReason(null)}>
            Abbrechen
          </button>
        </form>
      )}
      {actions.assign && (
        <form
          className="assign-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (assignee) void run({ kind: "assign", payload: { assignee } }).then(() => setAssignee(""));
          }}
        >
          <label htmlFor="assign-to">Zuweisen an…</label>
          <select
            id="assign-to"
            data-testid="assign-select"
            value={assignee}
            onChange={(e) => setAssignee(e.target.value)}
          >
            <option value="">Person wählen</option>
            {others.map((person) => (
              <option key={person.id} value={person.id}>
                {person.display_name}
              </option>
            ))}
          </select>
          <button type="submit" data-testid="assign" disabled={busy || !assignee}>
            Zuweisen
          </button>
        </form>
      )}
    </div>
  );
}

function ApplicantSection({ detail }: { detail: CaseDetail }) {
  const a = detail.case.applicant;
  return (
    <section className="case-section" aria-labelledby="applicant-title">
      <h3 id="applicant-title">Antragsteller/in</h3>
      <address className="applicant">
        <span>
          {a.given_name} {a.family_name}
        </span>
        <span>{a.street}</span>
        <span>
          {a.postal_code} {a.city}
        </span>
        <span>E-Mail: {a.email}</span>
        {a.phone && <span>Telefon: {a.phone}</span>}
      </address>
    </section>
  );
}

function FormSection({ detail }: { detail: CaseDetail }) {
  const entries = formEntries(detail.case.form_data, detail.service);
  return (
    <section className="case-section" aria-labelledby="form-title">
      <h3 id="form-title">Angaben im Antrag</h3>
      {entries.length === 0 ? (
        <p className="empty">Keine Angaben.</p>
      ) : (
        <dl className="form-data">
          {entries.map((entry) => (
            <div key={entry.key}>
              <dt>{entry.label}</dt>
              <dd>{entry.value}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

function DocumentsSection({ detail, shownDocumentId, onShowDocument, marks }: Props & { marks: OutboxMarks }) {
  const documents = detail.case.documents;
  return (
    <section className="case-section" aria-labelledby="documents-title">
      <h3 id="documents-title">Dokumente ({documents.length})</h3>
      {documents.length === 0 ? (
        <p className="empty">Keine Dokumente.</p>
      ) : (
        <ul className="documents">
          {documents.map((doc) => {
            const verdict = doc.review?.verdict ?? "";
            const pending = marks.pendingDocuments.has(doc.id);
            const kind = documentKindLabel(doc.kind, detail.service);
            return (
              <li key={doc.id}>
                <button
                  type="button"
                  className={`document${doc.id === shownDocumentId ? " shown" : ""}`}
                  data-testid="document"
                  data-document-id={doc.id}
                  data-verdict={verdict}
                  data-pending={pending ? "true" : "false"}
                  aria-pressed={doc.id === shownDocumentId}
                  onClick={() => onShowDocument(doc)}
                >
                  <span className="document-name">{doc.file_name}</span>
                  <span className="document-meta">
                    {kind && `${kind} · `}
                    {formatSize(doc.size)} · {formatDateTime(doc.uploaded_at)}
                    {!doc.from_citizen && " · vom Amt"}
                  </span>
                  <span className={`chip verdict verdict-${verdict || "none"}`}>
                    {verdictLabel(doc.review?.verdict)}
                  </span>
                  {pending && <PendingBadge />}
                  {doc.review?.verdict === "rejected" && doc.review.reason && (
                    <span className="document-reason">Grund: {doc.review.reason}</span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function NotesSection({ detail, noteRef, runCommand, marks }: Props & { marks: OutboxMarks }) {
  const notes = detail.case.notes;
  return (
    <section className="case-section" aria-labelledby="notes-title">
      <h3 id="notes-title">Interne Notizen ({notes.length})</h3>
      <TextComposer
        name="note"
        label="Notiz hinzufügen"
        placeholder="Nur intern sichtbar. Strg+Enter speichert."
        submitLabel="Notiz hinzufügen"
        inputRef={noteRef}
        onSend={(text) => runCommand({ kind: "add_note", payload: { text } })}
      />
      {notes.length > 0 && (
        <ul className="notes">
          {[...notes].reverse().map((note) => {
            const pending = marks.pendingNotes.has(note.id);
            return (
              <li key={note.id} className="note" data-testid="note" data-pending={pending ? "true" : "false"}>
                <p className="note-meta">
                  {note.author} · {formatDateTime(note.at)} {pending && <PendingBadge />}
                </p>
                <p className="note-text">{note.text}</p>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function HistorySection({ detail }: { detail: CaseDetail }) {
  const history = [...detail.case.history].reverse();
  return (
    <section className="case-section" aria-labelledby="history-title">
      <h3 id="history-title">Verlauf</h3>
      <ol className="history" data-testid="history">
        {history.map((entry, i) => (
          <li key={`${entry.seq}-${entry.version}-${i}`} className="history-entry" data-event={entry.event.type}>
            <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
            <span className="history-actor">{actorLabel(entry.actor)}</span>
            <span className="history-text">{describeEvent(entry, detail.case)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
