// Text search in a PDF: finds every hit of the query in the pages' text items (as
// pdf.js extracts them) and where each hit lies, so the viewer can highlight it.
//
// A hit may span several text items (pdf.js splits lines into runs); each part says
// which item and which characters of it. Matching ignores case and runs of white space.

export interface TextItemLike {
  str: string;
  hasEOL?: boolean;
}

export interface HitPart {
  /** Index of the text item on its page. */
  item: number;
  /** Character range within the item's string. */
  start: number;
  end: number;
}

export interface SearchHit {
  /** Page number, starting at 1. */
  page: number;
  parts: HitPart[];
}

const SPACE = /\s/;

function normaliseQuery(query: string): string {
  return query.trim().replace(/\s+/g, " ").toLocaleLowerCase("de");
}

/** A page's text lower-cased, with the item and offset every character came from. */
function pageIndex(items: readonly TextItemLike[]): { text: string; origin: { item: number; offset: number }[] } {
  let text = "";
  const origin: { item: number; offset: number }[] = [];
  const push = (ch: string, item: number, offset: number) => {
    if (SPACE.test(ch)) {
      if (text.endsWith(" ")) return;
      ch = " ";
    }
    for (const unit of ch) {
      text += unit;
      origin.push({ item, offset });
    }
  };
  items.forEach((entry, item) => {
    for (let offset = 0; offset < entry.str.length; offset++) {
      push(entry.str.charAt(offset).toLocaleLowerCase("de"), item, offset);
    }
    // A line break between items reads as a space; it belongs to no item.
    if (entry.hasEOL) push(" ", -1, 0);
  });
  return { text, origin };
}

/** Every non-overlapping hit of `query` on `pages` (items per page), in reading order. */
export function findHits(pages: readonly (readonly TextItemLike[])[], query: string): SearchHit[] {
  const needle = normaliseQuery(query);
  if (!needle) return [];
  const hits: SearchHit[] = [];
  pages.forEach((items, pageIndexZero) => {
    const { text, origin } = pageIndex(items);
    let from = 0;
    for (;;) {
      const at = text.indexOf(needle, from);
      if (at < 0) break;
      const parts: HitPart[] = [];
      for (let i = at; i < at + needle.length; i++) {
        const o = origin[i];
        if (!o || o.item < 0) continue;
        const last = parts.at(-1);
        if (last && last.item === o.item) {
          last.end = Math.max(last.end, o.offset + 1);
        } else {
          parts.push({ item: o.item, start: o.offset, end: o.offset + 1 });
        }
      }
      hits.push({ page: pageIndexZero + 1, parts });
      from = at + needle.length;
    }
  });
  return hits;
}

/** A rectangle in PDF user space: [x1, y1, x2, y2]. */
export type PdfRect = [number, number, number, number];

export interface PositionedItem extends TextItemLike {
  /** The item's text matrix [a, b, c, d, e, f]. */
  transform: number[];
  width: number;
  height: number;
}

/**
 * Where a hit part lies on the page, in PDF user space, assuming horizontal text and
 * characters of equal width within an item (good enough to point the eye).
 */
export function partRect(item: PositionedItem, part: HitPart): PdfRect {
  const [, , , d = 0, e = 0, f = 0] = item.transform;
  const length = Math.max(1, item.str.length);
  const height = item.height || Math.abs(d) || 10;
  const x1 = e + (item.width * part.start) / length;
  const x2 = e + (item.width * part.end) / length;
  // The baseline is at `f`; descenders go a little below it.
  return [x1, f - height * 0.25, x2, f + height * 0.95];
}
