// The virtualised inbox list: only the rows on screen exist in the DOM, so 100,000
// cases scroll as smoothly as 100. Rows arrive page by page (see `useInbox`);
// rows not loaded yet show as placeholders.
//
// For team leads the list has a selection column (a checkbox per open case) for
// deciding many cases at once; it is then a grid of rows and cells rather than a
// listbox, because a listbox's options may not contain controls.
import { useVirtualizer } from "@tanstack/react-virtual";
import { type Ref, memo, useEffect, useImperativeHandle, useRef } from "react";
import type { InboxRow } from "../generated/bindings";
import type { Selection } from "../lib/batchDecisions";
import { formatDate, formatDay, urgency } from "../lib/dates";
import { isOpen, statusLabel } from "../lib/labels";
import "./InboxList.css";

export const ROW_HEIGHT = 36;

export interface InboxListHandle {
  scrollToIndex(index: number): void;
  focus(): void;
}

interface Props {
  ref?: Ref<InboxListHandle>;
  /** Cases in the list; null while the count is on its way. */
  total: number | null;
  rowAt(index: number): InboxRow | undefined;
  /** Changes whenever rows arrive: `rowAt` itself stays the same function. */
  rowsVersion: number;
  selectedIndex: number | null;
  openCaseId: string | null;
  meId: string;
  today: string;
  compact: boolean;
  serviceName(id: string): string;
  onRange(first: number, last: number): void;
  /** A row was clicked: its position, and the case it showed (the list's data may
   *  have changed since it was drawn, so the index alone could name another case). */
  /**
   * The user clicked row `index`. `caseId` is null when the row was still loading
   * (a new search replaces the rows while the pointer is on its way): the desk
   * opens whatever case arrives there.
   */
  onOpen(index: number, caseId: string | null): void;
  /** The team lead's selection; without it the list has no selection column. */
  selection?: Selection;
  onToggleSelect?(row: InboxRow): void;
}

export function DueDate({ due, today, open }: { due: string; today: string; open: boolean }) {
  const u = urgency(due, today, open);
  return (
    <span className={`due due-${u.level}`} title={u.text || undefined}>
      {u.icon && (
        <span className="due-icon" aria-hidden="true">
          {u.icon}
        </span>
      )}
      {formatDate(due)}
      {u.text && <span className="sr-only">, {u.text}</span>}
    </span>
  );
}

// A row re-renders only when its data changed: moving the selection or loading
// another page leaves the others alone.
const Row = memo(function Row({
  row,
  meId,
  today,
  serviceName,
  cellRole,
}: {
  row: InboxRow;
  meId: string;
  today: string;
  serviceName(id: string): string;
  cellRole: "gridcell" | undefined;
}) {
  return (
    <>
      <span role={cellRole} className="cell cell-az">
        {row.aktenzeichen}
      </span>
      <span role={cellRole} className="cell cell-applicant">
        {row.applicant_name}
      </span>
      <span role={cellRole} className="cell cell-service">
        {serviceName(row.service_id)}
      </span>
      <span role={cellRole} className="cell cell-status">
        {statusLabel(row.status)}
        {row.answered && <span className="chip chip-answered">Antwort</span>}
      </span>
      <span role={cellRole} className="cell cell-assignee">
        {row.assignee === meId ? "Ich" : (row.assignee_name ?? "—")}
      </span>
      <span role={cellRole} className="cell cell-received">
        {formatDay(row.received_at)}
      </span>
      <span role={cellRole} className="cell cell-due">
        <DueDate due={row.due_date} today={today} open={isOpen(row.status)} />
      </span>
      <span role={cellRole} className="cell cell-marks">
        {row.pending > 0 && (
          <span className="mark mark-pending" title="wird übertragen…">
            <span aria-hidden="true">⟳</span>
            <span className="sr-only">wird übertragen</span>
          </span>
        )}
        {row.rejected > 0 && (
          <span className="mark mark-rejected" title="Änderung abgelehnt">
            <span aria-hidden="true">⚠</span>
            <span className="sr-only">Änderung abgelehnt</span>
          </span>
        )}
      </span>
    </>
  );
});

// The desk re-renders on every keystroke in the search box; the list only when its
// own props changed.
export const InboxList = memo(function InboxList(props: Props) {
  const { ref, total, rowAt, selectedIndex, openCaseId, meId, today, compact, serviceName, onRange, onOpen } = props;
  const { selection, onToggleSelect } = props;
  const grid = selection !== undefined;
  const cellRole = grid ? ("gridcell" as const) : undefined;
  const listClass = `inbox${compact ? " compact" : ""}${grid ? " selectable" : ""}`;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;

  useEffect(() => {
    onRange(first, last);
  }, [first, last, total, onRange]);

  useImperativeHandle(
    ref,
    () => ({
      scrollToIndex: (index) => virtualizer.scrollToIndex(index, { align: "auto" }),
      focus: () => scrollRef.current?.focus(),
    }),
    [virtualizer],
  );

  const header = (
    <div className="inbox-row inbox-header" aria-hidden="true">
      <span className="cell cell-az">Aktenzeichen</span>
      <span className="cell cell-applicant">Antragsteller</span>
      <span className="cell cell-service">Leistung</span>
      <span className="cell cell-status">Status</span>
      <span className="cell cell-assignee">Bearbeiter</span>
      <span className="cell cell-received">Eingang</span>
      <span className="cell cell-due">Frist</span>
      <span className="cell cell-marks" />
    </div>
  );

  if (total === null) {
    return (
      <div className={listClass}>
        {header}
        <div className="inbox-scroll inbox-empty" data-testid="inbox-list" aria-busy="true">
          Vorgänge werden geladen …
        </div>
      </div>
    );
  }

  if (total === 0) {
    return (
      <div className={listClass}>
        {header}
        <div className="inbox-scroll inbox-empty" data-testid="inbox-list">
          Keine Vorgänge gefunden.
        </div>
      </div>
    );
  }

  const activeRendered = selectedIndex !== null && items.some((item) => item.index === selectedIndex);
  // A listbox's options count themselves; a grid's rows carry their row number.
  const position = (index: number) =>
    grid ? { "aria-rowindex": index + 1 } : { "aria-posinset": index + 1, "aria-setsize": total };

  return (
    <div className={listClass}>
      {header}
      <div
        ref={scrollRef}
        className="inbox-scroll"
        role={grid ? "grid" : "listbox"}
        aria-label="Vorgänge"
        aria-rowcount={grid ? total : undefined}
        tabIndex={0}
        aria-activedescendant={activeRendered ? `inbox-row-${selectedIndex}` : undefined}
        data-testid="inbox-list"
      >
        <div role="presentation" className="inbox-sizer" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rowAt(item.index);
            const selected = item.index === selectedIndex;
            const style = { transform: `translateY(${item.start}px)`, height: ROW_HEIGHT };
            if (!row) {
              return (
                <div
                  key={item.key}
                  id={`inbox-row-${item.index}`}
                  role={grid ? "row" : "option"}
                  aria-selected={selected}
                  {...position(item.index)}
                  aria-busy="true"
                  className="inbox-row placeholder"
                  style={style}
                  data-testid="inbox-placeholder"
                  onClick={() => onOpen(item.index, null)}
                >
                  <span role={cellRole} className="cell">
                    Lädt …
                  </span>
                </div>
              );
            }
            return (
              <div
                key={item.key}
                id={`inbox-row-${item.index}`}
                role={grid ? "row" : "option"}
                aria-selected={selected}
                {...position(item.index)}
                className={`inbox-row${selected ? " selected" : ""}${row.case_id === openCaseId ? " open" : ""}`}
                style={style}
                data-testid="inbox-row"
                data-aktenzeichen={row.aktenzeichen}
                data-case-id={row.case_id}
                data-status={row.status}
                data-pending={row.pending}
                data-rejected={row.rejected}
                onClick={() => onOpen(item.index, row.case_id)}
              >
                {selection && (
                  <span role="gridcell" className="cell cell-select">
                    <input
                      type="checkbox"
                      data-testid="row-select"
                      tabIndex={-1}
                      aria-label={`${row.aktenzeichen} auswählen`}
                      checked={selection.has(row.case_id)}
                      disabled={!isOpen(row.status)}
                      onClick={(e) => e.stopPropagation()}
                      onChange={() => onToggleSelect?.(row)}
                    />
                  </span>
                )}
                <Row row={row} meId={meId} today={today} serviceName={serviceName} cellRole={cellRole} />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
});
