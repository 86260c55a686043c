// Tests of the inbox page cache: what it fetches, what it keeps, what it drops.
import { describe, expect, it } from "vitest";
import { RowPages } from "./rowPages";

const rows = (offset: number, n = 200) => Array.from({ length: n }, (_, i) => offset + i);

describe("RowPages", () => {
  it("fetches the pages covering the visible range, nearest the middle first", () => {
    const cache = new RowPages<number>(200);
    const claims = cache.claim(350, 820, 100_000);
    expect(claims.map((c) => c.offset)).toEqual([400, 600, 200]);
    // The fourth page waits: three are already on their way.
    expect(cache.claim(350, 820, 100_000)).toEqual([]);
  });

  it("does not fetch beyond the end of the list or for an empty list", () => {
    const cache = new RowPages<number>(200);
    expect(cache.claim(0, 30, 0)).toEqual([]);
    expect(cache.claim(150, 400, 210).map((c) => c.offset)).toEqual([0, 200]);
  });

  it("serves stored rows by index and fetches a page only once", () => {
    const cache = new RowPages<number>(200);
    const [claim] = cache.claim(0, 40, 1000);
    expect(cache.row(5)).toBeUndefined();
    expect(cache.store(claim!.ticket, claim!.page, rows(0))).toBe(true);
    expect(cache.row(5)).toBe(5);
    expect(cache.row(199)).toBe(199);
    expect(cache.isFresh(0, 40)).toBe(true);
    expect(cache.claim(0, 40, 1000)).toEqual([]);
    expect(cache.claim(180, 220, 1000).map((c) => c.offset)).toEqual([200]);
  });

  it("keeps stale rows visible after invalidation and refetches them", () => {
    const cache = new RowPages<number>(200);
    const [old] = cache.claim(0, 40, 1000);
    cache.store(old!.ticket, old!.page, rows(0));
    cache.invalidate();
    expect(cache.row(7)).toBe(7);
    expect(cache.isFresh(0, 40)).toBe(false);
    const [again] = cache.claim(0, 40, 1000);
    expect(again!.offset).toBe(0);
    cache.store(again!.ticket, again!.page, rows(1000));
    expect(cache.row(7)).toBe(1007);
  });

  it("drops answers to fetches started before an invalidation", () => {
    const cache = new RowPages<number>(200);
    const [early] = cache.claim(0, 40, 1000);
    cache.invalidate();
    // The page is asked for again under the new generation.
    const [again] = cache.claim(0, 40, 1000);
    expect(again!.offset).toBe(0);
    expect(cache.store(early!.ticket, early!.page, rows(0))).toBe(false);
    expect(cache.row(0)).toBeUndefined();
    expect(cache.store(again!.ticket, again!.page, rows(0))).toBe(true);
    expect(cache.row(0)).toBe(0);
  });

  it("counts fetches from before an invalidation against the limit", () => {
    const cache = new RowPages<number>(200);
    const old = cache.claim(0, 599, 1000, 3);
    expect(old).toHaveLength(3);
    cache.invalidate();
    expect(cache.claim(0, 599, 1000, 3)).toEqual([]);
    cache.store(old[0]!.ticket, old[0]!.page, rows(old[0]!.offset));
    expect(cache.claim(0, 599, 1000, 3)).toHaveLength(1);
  });

  it("forgets everything on reset", () => {
    const cache = new RowPages<number>(200);
    const [claim] = cache.claim(0, 40, 1000);
    cache.store(claim!.ticket, claim!.page, rows(0));
    cache.reset();
    expect(cache.row(0)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("asks again for a page whose fetch failed", () => {
    const cache = new RowPages<number>(200);
    const [claim] = cache.claim(0, 40, 1000);
    cache.fail(claim!.ticket, claim!.page);
    expect(cache.claim(0, 40, 1000).map((c) => c.offset)).toEqual([0]);
  });

  it("evicts the pages farthest from the screen beyond its budget", () => {
    const cache = new RowPages<number>(10, 3);
    for (let page = 0; page < 6; page++) {
      const [claim] = cache.claim(page * 10, page * 10 + 5, 1000);
      cache.store(claim!.ticket, claim!.page, rows(page * 10, 10));
    }
    cache.evict(50, 55);
    expect(cache.size).toBe(3);
    expect(cache.row(0)).toBeUndefined();
    expect(cache.row(55)).toBe(55);
    expect(cache.row(35)).toBe(35);
  });
});
