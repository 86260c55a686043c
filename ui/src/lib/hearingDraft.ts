// A hearing (Anhörung, § 28 VwVfG NRW) a caseworker is preparing: what the office
// intends and why, the day until which the citizen may comment, and the message they
// read in the portal. Pure state and rules, so the panel stays a thin view:
//
// - The answer date starts at the law's answer period (`CaseLaw.default_answer_due`,
//   already a working day). A picked date is checked by the engine; one on a weekend
//   or holiday is corrected to the next working day, and the note says so.
// - The message names the date until the caseworker writes their own.
import type { AnswerDeadline, CaseLaw, HearingDraft } from "../generated/bindings";
import { type AnswerDate, answerDateProblem, checkedDate, pickDate } from "./answerDate";
import { formatDate, type IsoDate } from "./dates";

export { firstAnswerDay } from "./answerDate";

export interface HearingForm extends AnswerDate {
  intended: string;
  message: string;
  /** Whether the caseworker wrote the message; otherwise it follows the date. */
  messageEdited: boolean;
}

export type HearingAction =
  | { type: "intended"; text: string }
  | { type: "picked"; date: IsoDate }
  | { type: "checked"; deadline: AnswerDeadline }
  | { type: "message"; text: string };

/** The message a hearing carries unless the caseworker writes their own. */
export function defaultMessage(answerDue: IsoDate): string {
  const until = answerDue ? `bis zum ${formatDate(answerDue)}` : "bis zu dem genannten Tag";
  return (
    "Bevor wir über Ihren Antrag entscheiden, möchten wir Ihnen Gelegenheit geben, sich zu der beabsichtigten " +
    `Entscheidung zu äußern (§ 28 VwVfG NRW). Bitte teilen Sie uns Ihre Stellungnahme ${until} mit.`
  );
}

export function initialHearing(law: CaseLaw | null): HearingForm {
  const answerDue = law?.default_answer_due ?? "";
  return {
    intended: "",
    answerDue,
    message: defaultMessage(answerDue),
    messageEdited: false,
    note: null,
    checking: false,
  };
}

export function hearingReducer(form: HearingForm, action: HearingAction): HearingForm {
  switch (action.type) {
    case "intended":
      return { ...form, intended: action.text };
    case "picked":
      return withMessage(pickDate(form, action.date));
    case "checked":
      return withMessage(checkedDate(form, action.deadline) ?? form);
    case "message":
      return { ...form, message: action.text, messageEdited: action.text !== defaultMessage(form.answerDue) };
  }
}

/** The message follows the date until the caseworker writes their own. */
function withMessage(form: HearingForm): HearingForm {
  return form.messageEdited ? form : { ...form, message: defaultMessage(form.answerDue) };
}

export interface HearingCheck {
  intendedProblem: string | null;
  dateProblem: string | null;
  messageProblem: string | null;
  /** Whether the hearing letter can be made and the hearing started. */
  ready: boolean;
}

export function checkHearing(form: HearingForm, today: IsoDate): HearingCheck {
  const intendedProblem =
    form.intended.trim() === "" ? "Bitte beschreiben Sie die beabsichtigte Entscheidung und ihre Gründe." : null;
  const dateProblem = answerDateProblem(form.answerDue, today, "sich äußern");
  const messageProblem = form.message.trim() === "" ? "Die Nachricht darf nicht leer sein." : null;
  return {
    intendedProblem,
    dateProblem,
    messageProblem,
    ready: !intendedProblem && !dateProblem && !messageProblem && !form.checking,
  };
}

/** The hearing as the engine takes it, or null while it is not complete. */
export function hearingDraftOf(form: HearingForm, today: IsoDate): HearingDraft | null {
  if (!checkHearing(form, today).ready) return null;
  return { intended: form.intended.trim(), answer_due: form.answerDue, message: form.message.trim() };
}
