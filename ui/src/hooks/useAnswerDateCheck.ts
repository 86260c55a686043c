// Asks the engine about a picked answer date (`lib/answerDate`): a weekend or
// holiday moves to the next working day. A failed check keeps the day as picked;
// the portal refuses it with the reason if it really is not a working day.
import { useEffect } from "react";
import { useBackend } from "../backend";
import type { AnswerDeadline } from "../generated/bindings";
import type { AnswerDate } from "../lib/answerDate";

export function useAnswerDateCheck({ answerDue, checking }: AnswerDate, onChecked: (deadline: AnswerDeadline) => void) {
  const { commands } = useBackend();
  useEffect(() => {
    if (!checking) return;
    let cancelled = false;
    commands.answer_deadline(answerDue).then(
      (deadline) => {
        if (!cancelled) onChecked(deadline);
      },
      () => {
        if (!cancelled) onChecked({ picked: answerDue, due: answerDue, note: null });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [commands, answerDue, checking, onChecked]);
}
