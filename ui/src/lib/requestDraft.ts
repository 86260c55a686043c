// A request for missing or better items (Nachforderung) a caseworker is preparing:
// which items, each in the words the citizen reads; why they are needed; until when
// the citizen may answer; and the message they read in the portal. Pure state and
// rules, so the panel stays a thin view:
//
// - The items offered are the engine's (`CaseDetail.request_candidates`): required
//   documents the case lacks, and documents rejected in review, linked to the
//   rejected one and carrying its reason. They start ticked; the caseworker may
//   untick one, reword it, or add free items.
// - The answer date starts at the service's answer period (`CaseLaw.default_answer_due`,
//   a working day) and is checked like a hearing's (`lib/answerDate`).
// - The message names the date until the caseworker writes their own.
import type { AnswerDeadline, CaseDetail, ItemsRequestDraft, RequestedItem } from "../generated/bindings";
import { type AnswerDate, answerDateProblem, checkedDate, pickDate } from "./answerDate";
import { formatDate, type IsoDate } from "./dates";

export interface ItemChoice {
  item: RequestedItem;
  chosen: boolean;
  /** Offered by the engine (as opposed to written by the caseworker). */
  offered: boolean;
}

export interface RequestForm extends AnswerDate {
  items: ItemChoice[];
  reason: string;
  message: string;
  messageEdited: boolean;
}

export type RequestAction =
  | { type: "toggle"; index: number }
  | { type: "describe"; index: number; text: string }
  | { type: "add" }
  | { type: "remove"; index: number }
  | { type: "reason"; text: string }
  | { type: "picked"; date: IsoDate }
  | { type: "checked"; deadline: AnswerDeadline }
  | { type: "message"; text: string };

/** The message a request carries unless the caseworker writes their own. */
export function defaultRequestMessage(answerDue: IsoDate): string {
  const until = answerDue ? `bis zum ${formatDate(answerDue)}` : "bis zu dem genannten Tag";
  return (
    "Um über Ihren Antrag entscheiden zu können, benötigen wir noch die unten genannten Unterlagen. " +
    `Bitte reichen Sie sie ${until} über das Bürgerportal ein. Bis dahin ruht die Bearbeitungsfrist.`
  );
}

export function initialRequest(detail: CaseDetail): RequestForm {
  const answerDue = detail.law?.default_answer_due ?? "";
  return {
    items: detail.request_candidates.map((item) => ({ item, chosen: true, offered: true })),
    reason: "",
    answerDue,
    note: null,
    checking: false,
    message: defaultRequestMessage(answerDue),
    messageEdited: false,
  };
}

function withMessage(form: RequestForm): RequestForm {
  return form.messageEdited ? form : { ...form, message: defaultRequestMessage(form.answerDue) };
}

function changeItem(form: RequestForm, index: number, change: (choice: ItemChoice) => ItemChoice): RequestForm {
  return { ...form, items: form.items.map((choice, i) => (i === index ? change(choice) : choice)) };
}

export function requestReducer(form: RequestForm, action: RequestAction): RequestForm {
  switch (action.type) {
    case "toggle":
      return changeItem(form, action.index, (c) => ({ ...c, chosen: !c.chosen }));
    case "describe":
      return changeItem(form, action.index, (c) => ({ ...c, item: { ...c.item, description: action.text } }));
    case "add":
      return {
        ...form,
        items: [...form.items, { item: { kind: null, description: "", replaces: null }, chosen: true, offered: false }],
      };
    case "remove":
      return { ...form, items: form.items.filter((c, i) => i !== action.index || c.offered) };
    case "reason":
      return { ...form, reason: action.text };
    case "picked":
      return withMessage(pickDate(form, action.date));
    case "checked":
      return withMessage(checkedDate(form, action.deadline) ?? form);
    case "message":
      return { ...form, message: action.text, messageEdited: action.text !== defaultRequestMessage(form.answerDue) };
  }
}

export interface RequestCheck {
  itemsProblem: string | null;
  reasonProblem: string | null;
  dateProblem: string | null;
  messageProblem: string | null;
  ready: boolean;
}

export function checkRequest(form: RequestForm, today: IsoDate): RequestCheck {
  const chosen = form.items.filter((c) => c.chosen);
  const itemsProblem =
    chosen.length === 0
      ? "Bitte wählen Sie mindestens eine Unterlage aus oder fügen Sie eine hinzu."
      : chosen.some((c) => c.item.description.trim() === "")
        ? "Bitte beschreiben Sie jede gewählte Unterlage so, wie die antragstellende Person sie lesen soll."
        : null;
  const reasonProblem = form.reason.trim() === "" ? "Bitte begründen Sie, warum die Unterlagen fehlen." : null;
  const dateProblem = answerDateProblem(form.answerDue, today, "antworten");
  const messageProblem = form.message.trim() === "" ? "Die Nachricht darf nicht leer sein." : null;
  return {
    itemsProblem,
    reasonProblem,
    dateProblem,
    messageProblem,
    ready: !itemsProblem && !reasonProblem && !dateProblem && !messageProblem && !form.checking,
  };
}

/** The request as the engine takes it, or null while it is not complete. */
export function requestDraftOf(form: RequestForm, today: IsoDate): ItemsRequestDraft | null {
  if (!checkRequest(form, today).ready) return null;
  return {
    items: form.items.filter((c) => c.chosen).map((c) => ({ ...c.item, description: c.item.description.trim() })),
    reason: form.reason.trim(),
    answer_due: form.answerDue,
    message: form.message.trim(),
  };
}

/** Whether the caseworker changed anything, so closing would lose work. */
export function requestEdited(form: RequestForm, detail: CaseDetail): boolean {
  const initial = initialRequest(detail);
  return (
    form.reason.trim() !== "" ||
    form.messageEdited ||
    form.items.length !== initial.items.length ||
    form.items.some(
      (c, i) => c.chosen !== initial.items[i]?.chosen || c.item.description !== initial.items[i]?.item.description,
    )
  );
}
