// Fee amounts as caseworkers type them: German format ("26,00 €", "1.234,50"), parsed
// to whole cents without going through floating point, and cents formatted back for
// an input field.

export type EuroParse = { ok: true; cents: number } | { ok: false; message: string };

/** Ten million euros: more than any fee, far below what loses precision. */
export const MAX_FEE_CENTS = 1_000_000_000;

const GROUPED = /^(\d{1,3}(?:\.\d{3})+)(?:,(\d*))?$/;
const PLAIN = /^(\d+)(?:,(\d*))?$/;
/** "26.50": a dot with one or two decimals can only mean a decimal point. */
const DOT_DECIMAL = /^(\d+)\.(\d{1,2})$/;

export const FEE_FORMAT_HINT = "Bitte einen Betrag wie 26,00 € eingeben.";

/** Parses a euro amount typed in German format; the euro sign and spaces are optional. */
export function parseEuro(input: string): EuroParse {
  const text = input.replace(/€|EUR/gi, "").replace(/\s/g, "").trim();
  if (text === "") return { ok: false, message: "Bitte eine Gebühr angeben (0,00 € für gebührenfrei)." };
  if (text.startsWith("-")) return { ok: false, message: "Die Gebühr darf nicht negativ sein." };
  const match = GROUPED.exec(text) ?? PLAIN.exec(text) ?? DOT_DECIMAL.exec(text);
  if (!match) return { ok: false, message: FEE_FORMAT_HINT };
  const euros = match[1]!.replace(/\./g, "");
  const fraction = match[2] ?? "";
  if (fraction.length > 2) return { ok: false, message: "Bitte höchstens zwei Nachkommastellen angeben." };
  if (euros.replace(/^0+/, "").length > 8) return { ok: false, message: "Der Betrag ist zu hoch." };
  const cents = Number(euros) * 100 + Number(fraction.padEnd(2, "0"));
  if (cents > MAX_FEE_CENTS) return { ok: false, message: "Der Betrag ist zu hoch." };
  return { ok: true, cents };
}

/**
 * Cents as an input field shows them: "1.234,50 €". Written out by hand rather than
 * with `Intl`, so typing it back always parses, whatever spaces ICU would choose.
 */
export function formatEuroInput(cents: number): string {
  const whole = Math.trunc(Math.abs(cents) / 100);
  const rest = Math.abs(cents) % 100;
  const grouped = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `${cents < 0 ? "-" : ""}${grouped},${String(rest).padStart(2, "0")} €`;
}
