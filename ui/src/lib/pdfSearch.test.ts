// Tests of the PDF text search and hit positions.
import { describe, expect, it } from "vitest";
import { findHits, partRect } from "./pdfSearch";

describe("findHits", () => {
  const pages = [
    [
      { str: "Haftpflicht", hasEOL: false },
      { str: "versicherung für Bello", hasEOL: true },
      { str: "Versicherungsnummer 42" },
    ],
    [],
    [{ str: "Keine   VERSICHERUNG" }],
  ];

  it("finds hits on every page, ignoring case", () => {
    const hits = findHits(pages, "versicherung");
    expect(hits.map((h) => h.page)).toEqual([1, 1, 3]);
    expect(hits[0]!.parts).toEqual([{ item: 1, start: 0, end: 12 }]);
    expect(hits[1]!.parts).toEqual([{ item: 2, start: 0, end: 12 }]);
    expect(hits[2]!.parts).toEqual([{ item: 0, start: 8, end: 20 }]);
  });

  it("finds hits across text items and line breaks", () => {
    const across = findHits(pages, "Haftpflichtversicherung");
    expect(across).toHaveLength(1);
    expect(across[0]!.parts).toEqual([
      { item: 0, start: 0, end: 11 },
      { item: 1, start: 0, end: 12 },
    ]);
    const overLineBreak = findHits(pages, "bello versicherungsnummer");
    expect(overLineBreak[0]!.parts).toEqual([
      { item: 1, start: 17, end: 22 },
      { item: 2, start: 0, end: 19 },
    ]);
  });

  it("treats runs of white space as one space", () => {
    expect(findHits(pages, "keine versicherung")).toHaveLength(1);
    expect(findHits(pages, "  keine    versicherung ")).toHaveLength(1);
  });

  it("finds nothing for an empty query", () => {
    expect(findHits(pages, "   ")).toEqual([]);
  });

  it("counts non-overlapping hits", () => {
    expect(findHits([[{ str: "aaaa" }]], "aa")).toHaveLength(2);
  });
});

describe("partRect", () => {
  it("places a hit proportionally within its item", () => {
    const item = { str: "abcdefghij", transform: [12, 0, 0, 12, 100, 700], width: 50, height: 12 };
    const [x1, y1, x2, y2] = partRect(item, { item: 0, start: 2, end: 4 });
    expect(x1).toBe(110);
    expect(x2).toBe(120);
    expect(y1).toBeLessThan(700);
    expect(y2).toBeGreaterThan(710);
  });
});
