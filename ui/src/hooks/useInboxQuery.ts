// The query the inbox shows: the saved view or filters chosen, and the search box's
// text, applied after a short pause in typing (see `inboxQuery` for how the search
// switches the sort to relevance and back).
import { useCallback, useEffect, useState } from "react";
import { type InboxQuery, type ViewKey, initialQuery, selectView, withSearchText } from "../lib/inboxQuery";

/**
 * The search box asks once per burst of keys faster than this (a paste, a quick
 * typist's run of letters); a person's ordinary pause between keys is longer, so
 * results follow each keystroke. A search costs a few milliseconds in the engine.
 */
export const SEARCH_DEBOUNCE_MS = 20;

export interface InboxQueryState {
  query: InboxQuery;
  /** The search box's text as typed. */
  searchText: string;
  setSearchText(text: string): void;
  changeQuery(next: InboxQuery): void;
  showView(view: ViewKey): void;
}

export function useInboxQuery(): InboxQueryState {
  const [query, setQuery] = useState<InboxQuery>(() => initialQuery());
  const [searchText, setSearchText] = useState("");

  useEffect(() => {
    const timer = window.setTimeout(() => {
      setQuery((current) => {
        const next = withSearchText(current, searchText);
        return next.filter.text === current.filter.text ? current : next;
      });
    }, SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [searchText]);

  const changeQuery = useCallback((next: InboxQuery) => setQuery(next), []);
  const showView = useCallback((view: ViewKey) => setQuery((current) => selectView(current, view)), []);

  return { query, searchText, setSearchText, changeQuery, showView };
}
