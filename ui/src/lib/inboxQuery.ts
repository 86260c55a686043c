// What the inbox shows: the saved views, the filter and sort the user set, and how
// the search text switches the sort to relevance and back.
import type { InboxFilter, InboxSort, SortKey, StatusFilter } from "../generated/bindings";

export const VIEW_KEYS = ["all", "mine", "overdue", "answered", "open", "unassigned", "problems"] as const;
export type ViewKey = (typeof VIEW_KEYS)[number];

export const VIEW_LABELS: Record<ViewKey, string> = {
  all: "Alle Vorgänge",
  mine: "Meine offenen",
  overdue: "Überfällig",
  answered: "Antwort eingegangen",
  open: "Alle offenen",
  unassigned: "Nicht zugewiesen",
  problems: "Mit Problemen",
};

/** The view the inbox starts with: every case of the user's offices. */
export const DEFAULT_VIEW: ViewKey = "all";

/** Every case: no condition set. */
export function emptyFilter(): InboxFilter {
  return {
    status: { kind: "any" },
    service: null,
    assignee: { kind: "anyone" },
    office: null,
    due: null,
    outbox: null,
    answered: false,
    text: null,
  };
}

/** The filter behind a saved view. */
export function viewFilter(key: ViewKey): InboxFilter {
  const filter = emptyFilter();
  switch (key) {
    case "all":
      return filter;
    case "mine":
      return { ...filter, status: { kind: "open" }, assignee: { kind: "me" } };
    case "overdue":
      return { ...filter, due: { kind: "overdue" } };
    case "answered":
      return { ...filter, answered: true };
    case "open":
      return { ...filter, status: { kind: "open" } };
    case "unassigned":
      return { ...filter, assignee: { kind: "unassigned" } };
    case "problems":
      return { ...filter, outbox: "rejected" };
  }
}

function sameStatuses(a: StatusFilter, b: StatusFilter): boolean {
  if (a.kind === "only" && b.kind === "only") {
    return a.statuses.length === b.statuses.length && a.statuses.every((s) => b.statuses.includes(s));
  }
  return a.kind === b.kind;
}

/** Whether two filters select the same cases, ignoring the search text. */
export function sameFilter(a: InboxFilter, b: InboxFilter): boolean {
  return (
    sameStatuses(a.status, b.status) &&
    (a.service ?? null) === (b.service ?? null) &&
    JSON.stringify(a.assignee) === JSON.stringify(b.assignee) &&
    (a.office ?? null) === (b.office ?? null) &&
    JSON.stringify(a.due ?? null) === JSON.stringify(b.due ?? null) &&
    (a.outbox ?? null) === (b.outbox ?? null) &&
    Boolean(a.answered) === Boolean(b.answered)
  );
}

/** The saved view the filter amounts to, if any. */
export function activeView(filter: InboxFilter): ViewKey | null {
  return VIEW_KEYS.find((key) => sameFilter(filter, viewFilter(key))) ?? null;
}

/** The inbox query the user has set up. */
export interface InboxQuery {
  filter: InboxFilter;
  sort: InboxSort;
  /** The sort to return to when the search ends. */
  sortBeforeSearch: InboxSort | null;
}

const DEFAULT_SORT: InboxSort = { key: "due", descending: false };
const RELEVANCE: InboxSort = { key: "relevance", descending: false };

export function initialQuery(view: ViewKey = DEFAULT_VIEW): InboxQuery {
  return { filter: viewFilter(view), sort: DEFAULT_SORT, sortBeforeSearch: null };
}

/** Switches to a saved view, keeping the search text and sort. */
export function selectView(query: InboxQuery, key: ViewKey): InboxQuery {
  return { ...query, filter: { ...viewFilter(key), text: query.filter.text ?? null } };
}

/**
 * Sets the search text. Starting a search sorts by relevance; ending it returns to the
 * sort from before, so an emptied box never leaves a meaningless sort behind.
 */
export function withSearchText(query: InboxQuery, raw: string): InboxQuery {
  const text = raw.trim() === "" ? null : raw.trim();
  const searching = Boolean(query.filter.text);
  const filter = { ...query.filter, text };
  if (text && !searching) {
    return { filter, sort: RELEVANCE, sortBeforeSearch: query.sort };
  }
  if (!text && searching) {
    const sort = query.sort.key === "relevance" ? (query.sortBeforeSearch ?? DEFAULT_SORT) : query.sort;
    return { filter, sort: sort.key === "relevance" ? DEFAULT_SORT : sort, sortBeforeSearch: null };
  }
  return { ...query, filter };
}

export const SORT_LABELS: Record<SortKey, string> = {
  due: "Frist",
  received: "Eingang",
  aktenzeichen: "Aktenzeichen",
  applicant: "Antragsteller/in",
  relevance: "Relevanz",
};

/** The filters of one `counts` call: the current list first, then every saved view. */
export function countFilters(filter: InboxFilter): InboxFilter[] {
  return [filter, ...VIEW_KEYS.map(viewFilter)];
}
