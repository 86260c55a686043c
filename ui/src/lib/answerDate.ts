// The answer date of a request to the citizen (a hearing, a request for items) while
// the caseworker sets it: a picked day is checked by the engine, which moves a
// weekend or holiday to the next working day with a note; an answer for a day no
// longer picked is stale and ignored. Shared by the hearing and the items request.
import type { AnswerDeadline } from "../generated/bindings";
import { daysBetween, type IsoDate } from "./dates";

export interface AnswerDate {
  /** The answer date as set, "YYYY-MM-DD", or "" while none is. */
  answerDue: IsoDate;
  /** Why the date moved, when the engine moved it to a working day. */
  note: string | null;
  /** The picked date still waits for the engine's check. */
  checking: boolean;
}

/** The form with `date` picked, waiting for the engine's check. */
export function pickDate<F extends AnswerDate>(form: F, date: IsoDate): F {
  return { ...form, answerDue: date, note: null, checking: date !== "" };
}

/** The form with the engine's answer applied, or null when the answer is stale. */
export function checkedDate<F extends AnswerDate>(form: F, deadline: AnswerDeadline): F | null {
  if (!form.checking || deadline.picked !== form.answerDue) return null;
  return { ...form, answerDue: deadline.due, note: deadline.note, checking: false };
}

/** What is wrong with the date (`asked` names what the citizen may do until then). */
export function answerDateProblem(answerDue: IsoDate, today: IsoDate, asked: string): string | null {
  if (answerDue === "") return `Bitte wählen Sie, bis wann die antragstellende Person ${asked} kann.`;
  if (daysBetween(today, answerDue) <= 0) return "Die Frist muss in der Zukunft liegen.";
  return null;
}

/** The first day that may be picked: tomorrow. */
export function firstAnswerDay(today: IsoDate): IsoDate {
  const [y, m, d] = today.split("-").map(Number);
  const next = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + 1));
  return next.toISOString().slice(0, 10);
}
