// The inbox's data: the counts of the current list and every saved view (`counts`
// calls), and the rows, fetched page by page for what is on screen.
import { useCallback, useLayoutEffect, useRef, useState } from "react";
import type { Backend } from "../backend";
import type { InboxRow } from "../generated/bindings";
import { type InboxQuery, countFilters } from "../lib/inboxQuery";
import { RowPages } from "../lib/rowPages";

export const PAGE_SIZE = 100;

export interface Inbox {
  /** Cases in the current list; null until the first count arrived. */
  total: number | null;
  /** Counts of the saved views, in `VIEW_KEYS` order. */
  viewCounts: number[] | null;
  rowAt(index: number): InboxRow | undefined;
  /** The list shows rows `first`..`last`; fetch what is missing. */
  showRange(first: number, last: number): void;
  /** The engine said the inbox changed: refetch counts and visible rows. */
  invalidate(): void;
  /** Whether the first page of the current list has arrived. */
  firstPageLoaded: boolean;
  /** Increases whenever rows arrive, to re-render the list. */
  version: number;
}

export function useInbox(backend: Backend, query: InboxQuery, onError: (error: unknown) => void): Inbox {
  const [pages] = useState(() => new RowPages<InboxRow>(PAGE_SIZE));
  const [listCount, setListCount] = useState<number | null>(null);
  const [viewCounts, setViewCounts] = useState<number[] | null>(null);
  const [version, setVersion] = useState(0);
  const [firstPageLoaded, setFirstPageLoaded] = useState(false);
  const range = useRef({ first: 0, last: 40 });
  const total = useRef<number | null>(null);
  const queryRef = useRef(query);
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;

  const pump = useCallback(() => {
    // Until the count is known, the first page is asked for beside it (at most one
    // page of rows can be wasted), so a new search costs the slower of the two
    // queries, not both one after the other.
    const count = total.current ?? pages.pageSize;
    const { first, last } = range.current;
    const { filter, sort } = queryRef.current;
    for (const claim of pages.claim(first, last, count)) {
      backend.commands.inbox(filter, sort, claim.offset, pages.pageSize).then(
        (rows) => {
          if (pages.store(claim.ticket, claim.page, rows)) {
            pages.evict(range.current.first, range.current.last);
            // Shown only once the count is there too: the list needs both.
            if (claim.page === 0 && total.current !== null) setFirstPageLoaded(true);
            setVersion((v) => v + 1);
          }
          pump();
        },
        (error: unknown) => {
          pages.fail(claim.ticket, claim.page);
          onErrorRef.current(error);
        },
      );
    }
  }, [backend, pages]);

  // One counts request at a time: changes arriving meanwhile (a sync delivers many)
  // ask for one more afterwards instead of piling up requests. The saved views do not
  // depend on the list's query, so a new query (every pause in typing a search) counts
  // only the list; the views are recounted when the inbox itself changed.
  const counting = useRef<"idle" | "running" | "again">("idle");
  const viewsStale = useRef(true);
  const loadCounts = useCallback(
    (views: boolean) => {
      if (views) viewsStale.current = true;
      if (counting.current !== "idle") {
        counting.current = "again";
        return;
      }
      counting.current = "running";
      const done = () => {
        const again = counting.current === "again";
        counting.current = "idle";
        if (again) loadCounts(false);
      };
      const withViews = viewsStale.current;
      const { filter } = queryRef.current;
      backend.commands.counts(withViews ? countFilters(filter) : [filter]).then(
        (result) => {
          // A newer question is waiting: this answer may belong to an older query.
          if (counting.current !== "again") {
            total.current = result[0] ?? 0;
            // The first page may have come first (it is asked for beside the counts).
            if (total.current === 0 || pages.row(0) !== undefined) setFirstPageLoaded(true);
            setListCount(total.current);
            if (withViews) {
              viewsStale.current = false;
              setViewCounts(result.slice(1));
            }
            pump();
          }
          done();
        },
        (error: unknown) => {
          onErrorRef.current(error);
          done();
        },
      );
    },
    [backend, pump, pages],
  );

  // A new query starts from scratch: nothing cached belongs to it. A layout effect, so
  // the engine is asked before the browser paints this render, not a frame later.
  useLayoutEffect(() => {
    queryRef.current = query;
    pages.reset();
    total.current = null;
    range.current = { first: 0, last: 40 };
    setFirstPageLoaded(false);
    setVersion((v) => v + 1);
    loadCounts(false);
    pump();
  }, [query, pages, loadCounts, pump]);

  const showRange = useCallback(
    (first: number, last: number) => {
      range.current = { first, last };
      pump();
    },
    [pump],
  );

  const invalidate = useCallback(() => {
    pages.invalidate();
    pump();
    loadCounts(true);
  }, [pages, pump, loadCounts]);

  const rowAt = useCallback((index: number) => pages.row(index), [pages]);

  return {
    total: listCount,
    viewCounts,
    rowAt,
    showRange,
    invalidate,
    firstPageLoaded,
    version,
  };
}
