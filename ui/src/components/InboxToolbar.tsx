// Search box, filters and sort of the inbox. Filters edit the current query; a saved
// view is simply a preset of them.
import { type RefObject, useState } from "react";
import type {
  AssigneeFilter,
  CaseStatus,
  DueFilter,
  InboxFilter,
  OutboxFilter,
  ServiceDefinition,
  SortKey,
  UserInfo,
} from "../generated/bindings";
import { SORT_LABELS, type InboxQuery } from "../lib/inboxQuery";
import { STATUSES, statusLabel } from "../lib/labels";
import "./InboxToolbar.css";

interface Props {
  query: InboxQuery;
  searchText: string;
  searchRef: RefObject<HTMLInputElement | null>;
  services: ServiceDefinition[];
  /** Staff to filter by (team leads only). */
  staff: UserInfo[];
  total: number | null;
  /** Beside an open case the filters fold away behind a button. */
  collapsible: boolean;
  onSearchText(text: string): void;
  onChange(query: InboxQuery): void;
}

const DUE_OPTIONS: { value: string; label: string; filter: DueFilter | null }[] = [
  { value: "", label: "Alle Fristen", filter: null },
  { value: "overdue", label: "Überfällig", filter: { kind: "overdue" } },
  { value: "3", label: "Fällig in ≤ 3 Tagen", filter: { kind: "within", days: 3 } },
  { value: "7", label: "Fällig in ≤ 7 Tagen", filter: { kind: "within", days: 7 } },
  { value: "14", label: "Fällig in ≤ 14 Tagen", filter: { kind: "within", days: 14 } },
];

function dueValue(due: DueFilter | null | undefined): string {
  if (!due) return "";
  return due.kind === "overdue" ? "overdue" : String(due.days);
}

function assigneeValue(assignee: AssigneeFilter): string {
  return assignee.kind === "user" ? `user:${assignee.id}` : assignee.kind;
}

function parseAssignee(value: string): AssigneeFilter {
  if (value.startsWith("user:")) return { kind: "user", id: value.slice(5) };
  if (value === "me" || value === "unassigned") return { kind: value };
  return { kind: "anyone" };
}

/** How many conditions the filter sets, for the folded filter button. */
export function conditionCount(filter: InboxFilter): number {
  return [
    filter.status.kind !== "any",
    Boolean(filter.service),
    filter.assignee.kind !== "anyone",
    Boolean(filter.due),
    Boolean(filter.outbox),
    Boolean(filter.answered),
  ].filter(Boolean).length;
}

export function InboxToolbar(props: Props) {
  const { query, searchText, searchRef, total, collapsible, onSearchText } = props;
  const [expanded, setExpanded] = useState(false);
  const showFilters = !collapsible || expanded;

  return (
    <div className="inbox-toolbar">
      <div className="search-row">
        <label htmlFor="search" className="sr-only">
          Suche
        </label>
        <input
          id="search"
          ref={searchRef}
          type="search"
          data-testid="search"
          className="search"
          placeholder="Suche: Aktenzeichen, Name, Adresse, Angaben, Notizen …  ( / )"
          value={searchText}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => onSearchText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape" && searchText) {
              e.preventDefault();
              onSearchText("");
            } else if (e.key === "Escape" || e.key === "Enter") {
              e.currentTarget.blur();
            }
          }}
        />
        <span className="inbox-total" aria-live="polite">
          <span data-testid="inbox-count">{total ?? ""}</span> Vorgänge
        </span>
        {collapsible && (
          <button
            type="button"
            className="filter-toggle"
            aria-expanded={expanded}
            aria-controls="inbox-filters"
            onClick={() => setExpanded((open) => !open)}
          >
            Filter{conditionCount(query.filter) > 0 ? ` (${conditionCount(query.filter)})` : ""}
            <span aria-hidden="true">{expanded ? " ▴" : " ▾"}</span>
          </button>
        )}
      </div>
      {showFilters && <Filters {...props} />}
    </div>
  );
}

function Filters({ query, services, staff, onChange }: Props) {
  const { filter, sort } = query;
  const setFilter = (change: Partial<InboxFilter>) => onChange({ ...query, filter: { ...filter, ...change } });
  const single =
    filter.status.kind === "only" && filter.status.statuses.length === 1 ? filter.status.statuses[0] : undefined;
  const onlyOpen = filter.status.kind === "open";

  return (
    <div className="filters" id="inbox-filters" role="group" aria-label="Filter und Sortierung">
      <label>
        Status
        <select
          data-testid="filter-status"
          value={single ?? ""}
          onChange={(e) =>
            setFilter({
              status: e.target.value
                ? { kind: "only", statuses: [e.target.value as CaseStatus] }
                : { kind: onlyOpen ? "open" : "any" },
            })
          }
        >
          <option value="">Alle</option>
          {STATUSES.map((status) => (
            <option key={status} value={status}>
              {statusLabel(status)}
            </option>
          ))}
        </select>
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          data-testid="filter-open"
          checked={onlyOpen}
          disabled={single !== undefined}
          onChange={(e) => setFilter({ status: { kind: e.target.checked ? "open" : "any" } })}
        />
        nur offene
      </label>
      <label>
        Leistung
        <select
          data-testid="filter-service"
          value={filter.service ?? ""}
          onChange={(e) => setFilter({ service: e.target.value || null })}
        >
          <option value="">Alle</option>
          {services.map((service) => (
            <option key={service.id} value={service.id}>
              {service.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Bearbeitung
        <select
          data-testid="filter-assignee"
          value={assigneeValue(filter.assignee)}
          onChange={(e) => setFilter({ assignee: parseAssignee(e.target.value) })}
        >
          <option value="anyone">Alle</option>
          <option value="me">Mir zugewiesen</option>
          <option value="unassigned">Nicht zugewiesen</option>
          {staff.map((person) => (
            <option key={person.id} value={`user:${person.id}`}>
              {person.display_name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Frist
        <select
          data-testid="filter-due"
          value={dueValue(filter.due)}
          onChange={(e) => setFilter({ due: DUE_OPTIONS.find((o) => o.value === e.target.value)?.filter ?? null })}
        >
          {DUE_OPTIONS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Übertragung
        <select
          data-testid="filter-outbox"
          value={filter.outbox ?? ""}
          onChange={(e) => setFilter({ outbox: (e.target.value || null) as OutboxFilter | null })}
        >
          <option value="">Alle</option>
          <option value="pending">Wird übertragen</option>
          <option value="rejected">Abgelehnt</option>
          <option value="any">Ausstehend oder abgelehnt</option>
        </select>
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          data-testid="filter-answered"
          checked={Boolean(filter.answered)}
          onChange={(e) => setFilter({ answered: e.target.checked })}
        />
        Antwort eingegangen
      </label>
      <label>
        Sortierung
        <select
          data-testid="sort-key"
          value={sort.key}
          onChange={(e) => onChange({ ...query, sort: { ...sort, key: e.target.value as SortKey } })}
        >
          {(Object.keys(SORT_LABELS) as SortKey[]).map((key) => (
            <option key={key} value={key} disabled={key === "relevance" && !filter.text}>
              {SORT_LABELS[key]}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        data-testid="sort-direction"
        className="sort-direction"
        aria-label={
          sort.descending
            ? "Absteigend sortiert, umschalten auf aufsteigend"
            : "Aufsteigend sortiert, umschalten auf absteigend"
        }
        disabled={sort.key === "relevance"}
        onClick={() => onChange({ ...query, sort: { ...sort, descending: !sort.descending } })}
      >
        <span aria-hidden="true">{sort.descending ? "↓" : "↑"}</span>
      </button>
    </div>
  );
}
