// German date and time formatting, and how urgent a due date is.
//
// Calendar dates (`NaiveDate` on the Rust side) arrive as "YYYY-MM-DD" and are handled
// as plain calendar days, never through `Date`, so no time zone can shift them by a day.

/** A calendar day as "YYYY-MM-DD". */
export type IsoDate = string;

const DAY_MS = 86_400_000;

function dayNumber(date: IsoDate): number {
  const [y, m, d] = date.slice(0, 10).split("-").map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) / DAY_MS;
}

/** Days from `from` to `to` (negative when `to` lies before `from`). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round(dayNumber(to) - dayNumber(from));
}

/** Today in the local time zone as "YYYY-MM-DD". */
export function localToday(now: Date = new Date()): IsoDate {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * The German calendar day (Europe/Berlin) of an RFC 3339 instant, as "YYYY-MM-DD":
 * every date of a case is a date in the town's time zone, whatever the machine's.
 */
export function germanDay(instant: string): IsoDate {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant.slice(0, 10);
  const parts = formatter({ year: "numeric", month: "2-digit", day: "2-digit" }, "Europe/Berlin").formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** "2026-03-05" → "05.03.2026". */
export function formatDate(date: IsoDate | null | undefined): string {
  if (!date) return "—";
  const [y, m, d] = date.slice(0, 10).split("-");
  if (!y || !m || !d) return date;
  return `${d}.${m}.${y}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(options: Intl.DateTimeFormatOptions, timeZone?: string): Intl.DateTimeFormat {
  const key = JSON.stringify([options, timeZone]);
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat("de-DE", { ...options, timeZone });
    formatters.set(key, found);
  }
  return found;
}

/** An RFC 3339 instant as "05.03.2026, 14:07" in local (or the given) time. */
export function formatDateTime(instant: string | null | undefined, timeZone?: string): string {
  if (!instant) return "—";
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  return formatter(
    { day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit" },
    timeZone,
  ).format(date);
}

/** The local calendar day of an RFC 3339 instant, e.g. "05.03.2026". */
export function formatDay(instant: string | null | undefined, timeZone?: string): string {
  if (!instant) return "—";
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  return formatter({ day: "2-digit", month: "2-digit", year: "numeric" }, timeZone).format(date);
}

/** An RFC 3339 instant as "14:07". */
export function formatTime(instant: string | null | undefined, timeZone?: string): string {
  if (!instant) return "—";
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  return formatter({ hour: "2-digit", minute: "2-digit" }, timeZone).format(date);
}

/** "14:07" for an instant of today, "05.03.2026, 14:07" otherwise. */
export function formatRecent(instant: string | null | undefined, now: Date = new Date(), timeZone?: string): string {
  if (!instant) return "—";
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  const day = formatter({ day: "2-digit", month: "2-digit", year: "numeric" }, timeZone);
  return day.format(date) === day.format(now) ? formatTime(instant, timeZone) : formatDateTime(instant, timeZone);
}

/** Euro cents as "1.234,50 €". */
export function formatCents(cents: number): string {
  return new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR" }).format(cents / 100);
}

/** How pressing a deadline is; drives colour, icon and text together. */
export type UrgencyLevel = "overdue" | "soon" | "week" | "normal" | "none";

export interface Urgency {
  level: UrgencyLevel;
  /** Days until the due date; negative when overdue. */
  daysLeft: number;
  /** What the deadline means in words, e.g. "seit 2 Tagen überfällig". */
  text: string;
  /** A symbol shown next to the date, so urgency never relies on colour alone. */
  icon: string;
}

function days(n: number): string {
  return n === 1 ? "1 Tag" : `${n} Tagen`;
}

/**
 * The urgency of a due date seen from `today`: overdue, due within 3 days ("soon"),
 * within 7 days ("week"), or later. Cases that are no longer open have no urgency.
 */
export function urgency(due: IsoDate, today: IsoDate, open = true): Urgency {
  const daysLeft = daysBetween(today, due);
  if (!open) return { level: "none", daysLeft, text: "", icon: "" };
  if (daysLeft < 0) {
    return { level: "overdue", daysLeft, text: `seit ${days(-daysLeft)} überfällig`, icon: "⚠" };
  }
  if (daysLeft <= 3) {
    const text = daysLeft === 0 ? "heute fällig" : daysLeft === 1 ? "morgen fällig" : `fällig in ${days(daysLeft)}`;
    return { level: "soon", daysLeft, text, icon: "◕" };
  }
  if (daysLeft <= 7) {
    return { level: "week", daysLeft, text: `fällig in ${days(daysLeft)}`, icon: "◔" };
  }
  return { level: "normal", daysLeft, text: `fällig in ${days(daysLeft)}`, icon: "" };
}
