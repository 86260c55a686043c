// Tests of fee parsing and formatting: German input forms, rejection of nonsense,
// and that a formatted amount always parses back to itself.
import { describe, expect, it } from "vitest";
import { formatEuroInput, parseEuro } from "./money";

const cents = (text: string) => {
  const parsed = parseEuro(text);
  return parsed.ok ? parsed.cents : null;
};

describe("parseEuro", () => {
  it("reads German amounts with or without euro sign and spaces", () => {
    expect(cents("26,00 €")).toBe(2600);
    expect(cents("26,00\u00a0€")).toBe(2600);
    expect(cents("26")).toBe(2600);
    expect(cents("26,5")).toBe(2650);
    expect(cents("26,")).toBe(2600);
    expect(cents(" 0,99 EUR ")).toBe(99);
    expect(cents("1.234,56 €")).toBe(123456);
    expect(cents("1234,56")).toBe(123456);
    expect(cents("1.234")).toBe(123400);
    expect(cents("0")).toBe(0);
  });

  it("takes a dot with one or two decimals as a decimal point", () => {
    expect(cents("26.50")).toBe(2650);
    expect(cents("26.5")).toBe(2650);
  });

  it("explains what is wrong", () => {
    expect(parseEuro("")).toEqual({ ok: false, message: expect.stringContaining("Gebühr angeben") });
    expect(parseEuro("-5")).toEqual({ ok: false, message: expect.stringContaining("negativ") });
    expect(parseEuro("26,555")).toEqual({ ok: false, message: expect.stringContaining("zwei Nachkommastellen") });
    expect(parseEuro("zwanzig")).toEqual({ ok: false, message: expect.stringContaining("26,00 €") });
    expect(parseEuro("12.34.5")).toEqual({ ok: false, message: expect.stringContaining("26,00 €") });
    expect(parseEuro("1,2,3")).toEqual({ ok: false, message: expect.stringContaining("26,00 €") });
    expect(parseEuro("99999999999")).toEqual({ ok: false, message: expect.stringContaining("zu hoch") });
  });
});

describe("formatEuroInput", () => {
  it("writes cents in German format with a plain space before the euro sign", () => {
    expect(formatEuroInput(2600)).toBe("26,00 €");
    expect(formatEuroInput(5)).toBe("0,05 €");
    expect(formatEuroInput(123456789)).toBe("1.234.567,89 €");
    expect(formatEuroInput(0)).toBe("0,00 €");
  });

  it("parses back to the same amount", () => {
    for (const amount of [0, 1, 99, 2600, 100000, 123456789]) {
      expect(cents(formatEuroInput(amount))).toBe(amount);
    }
  });
});
