// The fields a request to the citizen shares, the hearing and the request for items
// alike: until when they may answer (a date checked by the engine, with the note
// why it moved) and the message they read in the portal. `name` prefixes the ids
// and test ids (`hearing-due`, `request-message`).
import type { AnswerDate } from "../lib/answerDate";
import { firstAnswerDay } from "../lib/answerDate";

interface Props {
  name: string;
  /** "Äußerung bis", "Antwort bis". */
  dueLabel: string;
  form: AnswerDate & { message: string };
  today: string;
  dateProblem: string | null;
  onPick(date: string): void;
  onMessage(text: string): void;
}

export function AnswerFields({ name, dueLabel, form, today, dateProblem, onPick, onMessage }: Props) {
  const due = `${name}-due`;
  return (
    <>
      <div className="letter-fields">
        <div className="field">
          <label htmlFor={due}>{dueLabel}</label>
          <input
            id={due}
            data-testid={due}
            type="date"
            min={firstAnswerDay(today)}
            value={form.answerDue}
            aria-invalid={dateProblem !== null}
            aria-describedby={form.note ? `${due}-note` : dateProblem ? `${due}-error` : undefined}
            onChange={(e) => onPick(e.target.value)}
          />
          {dateProblem && (
            <p id={`${due}-error`} className="field-error">
              {dateProblem}
            </p>
          )}
        </div>
      </div>
      {form.note && (
        <p id={`${due}-note`} className="hint warning" role="status" data-testid={`${due}-note`}>
          {form.note}
        </p>
      )}
      <div className="field reasons-field">
        <label htmlFor={`${name}-message`}>Nachricht im Bürgerportal</label>
        <textarea
          id={`${name}-message`}
          data-testid={`${name}-message`}
          rows={3}
          lang="de"
          value={form.message}
          onChange={(e) => onMessage(e.target.value)}
        />
      </div>
    </>
  );
}
