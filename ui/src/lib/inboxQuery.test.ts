// Tests of the saved views and the search/sort interplay.
import { describe, expect, it } from "vitest";
import type { InboxFilter } from "../generated/bindings";
import {
  type InboxQuery,
  VIEW_KEYS,
  activeView,
  countFilters,
  emptyFilter,
  initialQuery,
  sameFilter,
  selectView,
  viewFilter,
  withSearchText,
} from "./inboxQuery";

describe("saved views", () => {
  it("map to the engine's filters", () => {
    expect(viewFilter("mine")).toMatchObject({
      status: { kind: "open" },
      assignee: { kind: "me" },
    });
    expect(viewFilter("overdue")).toMatchObject({ due: { kind: "overdue" }, status: { kind: "any" } });
    expect(viewFilter("answered")).toMatchObject({ answered: true });
    expect(viewFilter("open")).toMatchObject({ status: { kind: "open" } });
    expect(viewFilter("open").assignee).toEqual({ kind: "anyone" });
    expect(viewFilter("unassigned")).toMatchObject({ assignee: { kind: "unassigned" }, status: { kind: "any" } });
    expect(viewFilter("all")).toEqual(emptyFilter());
    expect(viewFilter("problems")).toMatchObject({ outbox: "rejected" });
  });

  it("send every field the engine knows", () => {
    for (const key of VIEW_KEYS) {
      expect(Object.keys(viewFilter(key)).sort()).toEqual(Object.keys(emptyFilter()).sort());
    }
  });

  it("start with every case", () => {
    expect(activeView(initialQuery().filter)).toBe("all");
  });

  it("are recognised from the filter, whatever the search text", () => {
    expect(activeView({ ...viewFilter("mine"), text: "Müller" })).toBe("mine");
    expect(activeView({ ...viewFilter("open"), service: "HU" })).toBeNull();
  });

  it("tell the open statuses from the same statuses named one by one", () => {
    const named: InboxFilter = {
      ...viewFilter("open"),
      status: { kind: "only", statuses: ["awaiting_citizen", "submitted", "in_review"] },
    };
    expect(activeView(named)).toBeNull();
    expect(
      sameFilter(named, {
        ...named,
        status: { kind: "only", statuses: ["submitted", "in_review", "awaiting_citizen"] },
      }),
    ).toBe(true);
  });

  it("are counted in one call, the current list first", () => {
    const current = { ...emptyFilter(), text: "x" };
    const filters = countFilters(current);
    expect(filters).toHaveLength(1 + VIEW_KEYS.length);
    expect(filters[0]).toBe(current);
    expect(filters[6]).toEqual(viewFilter("unassigned"));
  });

  it("keep the search text when switching", () => {
    const query = withSearchText(initialQuery("open"), "Meier");
    expect(selectView(query, "overdue").filter).toMatchObject({ text: "Meier", due: { kind: "overdue" } });
  });
});

describe("search text", () => {
  it("switches to relevance when a search starts and back when it ends", () => {
    let query: InboxQuery = { ...initialQuery(), sort: { key: "received", descending: true } };
    query = withSearchText(query, "Mü");
    expect(query.filter.text).toBe("Mü");
    expect(query.sort.key).toBe("relevance");
    query = withSearchText(query, "Müller");
    expect(query.sort.key).toBe("relevance");
    query = withSearchText(query, "   ");
    expect(query.filter.text).toBeNull();
    expect(query.sort).toEqual({ key: "received", descending: true });
  });

  it("keeps a sort the user chose during the search", () => {
    let query = withSearchText(initialQuery(), "Bello");
    query = { ...query, sort: { key: "aktenzeichen", descending: false } };
    query = withSearchText(query, "");
    expect(query.sort).toEqual({ key: "aktenzeichen", descending: false });
  });

  it("never leaves relevance behind without search text", () => {
    const query = withSearchText({ ...initialQuery(), sort: { key: "relevance", descending: false } }, "x");
    expect(withSearchText(query, "").sort).toEqual({ key: "due", descending: false });
  });
});
