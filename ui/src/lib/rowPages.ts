// The inbox's page cache: rows fetched lazily in fixed-size pages by offset, so a
// list of 100,000 cases only ever loads what is on screen and near it.
//
// After an invalidation (the engine announced `InboxChanged`) the old rows stay
// visible as "stale" until their fresh page arrives, so the list never flashes empty;
// answers to fetches started before the invalidation are dropped.

export class RowPages<Row> {
  private fresh = new Map<number, Row[]>();
  private stale = new Map<number, Row[]>();
  /** Pages being fetched for the current generation. */
  private inflight = new Set<number>();
  /** Fetches running, of any generation: they all load the engine. */
  private running = 0;
  private generation = 0;

  constructor(
    readonly pageSize = 200,
    /** How many pages to keep in memory; the ones farthest from the screen go first. */
    private readonly maxPages = 50,
  ) {}

  /** The row at `index`, fresh or the last one known; undefined while never loaded. */
  row(index: number): Row | undefined {
    const page = Math.floor(index / this.pageSize);
    const slot = index % this.pageSize;
    return (this.fresh.get(page) ?? this.stale.get(page))?.[slot];
  }

  /** Whether every row from `first` to `last` is fresh. */
  isFresh(first: number, last: number): boolean {
    for (let page = this.pageOf(first); page <= this.pageOf(last); page++) {
      if (!this.fresh.has(page)) return false;
    }
    return true;
  }

  /**
   * Starts fetching the pages needed to show rows `first`..`last` of `total`: those not
   * fresh and not already on their way, nearest to the middle of the range first, at
   * most `maxInflight` running at once (counting fetches from before an invalidation,
   * which still occupy the engine). Returns the pages with the ticket to store them
   * under; every claim must end in `store` or `fail`.
   */
  claim(
    first: number,
    last: number,
    total: number,
    maxInflight = 3,
  ): { page: number; offset: number; ticket: number }[] {
    if (total <= 0) return [];
    const lo = this.pageOf(Math.max(0, first));
    const hi = this.pageOf(Math.min(total - 1, Math.max(first, last)));
    const middle = (lo + hi) / 2;
    const wanted: number[] = [];
    for (let page = lo; page <= hi; page++) {
      if (!this.fresh.has(page) && !this.inflight.has(page)) wanted.push(page);
    }
    wanted.sort((a, b) => Math.abs(a - middle) - Math.abs(b - middle));
    const room = Math.max(0, maxInflight - this.running);
    return wanted.slice(0, room).map((page) => {
      this.inflight.add(page);
      this.running++;
      return { page, offset: page * this.pageSize, ticket: this.generation };
    });
  }

  /** Stores a fetched page; false when it was fetched before an invalidation. */
  store(ticket: number, page: number, rows: Row[]): boolean {
    this.running--;
    if (ticket !== this.generation) return false;
    this.inflight.delete(page);
    this.fresh.set(page, rows);
    this.stale.delete(page);
    return true;
  }

  /** Forgets that a page was on its way, so a later `claim` asks again. */
  fail(ticket: number, page: number): void {
    this.running--;
    if (ticket === this.generation) this.inflight.delete(page);
  }

  /** The data changed: keep showing what we have, but fetch everything again. */
  invalidate(): void {
    this.generation++;
    for (const [page, rows] of this.fresh) this.stale.set(page, rows);
    this.fresh.clear();
    this.inflight.clear();
  }

  /** The query changed: nothing we have is meaningful any more. */
  reset(): void {
    this.invalidate();
    this.stale.clear();
  }

  /** Drops the pages farthest from rows `first`..`last` beyond the memory budget. */
  evict(first: number, last: number): void {
    const middle = (this.pageOf(first) + this.pageOf(last)) / 2;
    for (const map of [this.fresh, this.stale]) {
      if (map.size <= this.maxPages) continue;
      const byDistance = [...map.keys()].sort((a, b) => Math.abs(b - middle) - Math.abs(a - middle));
      for (const page of byDistance.slice(0, map.size - this.maxPages)) map.delete(page);
    }
  }

  /** Pages held, fresh or stale (for tests and diagnostics). */
  get size(): number {
    return new Set([...this.fresh.keys(), ...this.stale.keys()]).size;
  }

  private pageOf(index: number): number {
    return Math.floor(index / this.pageSize);
  }
}
