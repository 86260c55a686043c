// The decision of a case and the notices after it: outcome, the caseworker's reasons,
// and for each letter where its delivery stands — the channel, the dispatch, and once
// announced the Bekanntgabe, the end of the period the law names ("Klagefrist" or
// "Widerspruchsfrist") and the fee's due date — plus the fee and its payment. Each
// delivery the engine offers to record gets "Versand erfassen" with a date picker.
import { type FormEvent, useState } from "react";
import {
  DELIVERY_CHANNEL_LABELS,
  type CaseDetail,
  type DeliveryView,
  type PendingDispatch,
} from "../generated/bindings";
import type { OutboxMarks } from "../lib/caseWork";
import { formatCents, formatDateTime, germanDay } from "../lib/dates";
import { deliveryFacts, deliveryTitle, dispatchProblem, pendingDispatchOf } from "../lib/delivery";
import { outcomeLabel, paymentLabel } from "../lib/labels";
import { PendingBadge } from "./CaseView";

interface Props {
  detail: CaseDetail;
  marks: OutboxMarks;
  onShowLetter(sha256: string): void;
  recordDispatch(noticeId: string | null, on: string): Promise<boolean>;
}

export function DecisionSection({ detail, marks, onShowLetter, recordDispatch }: Props) {
  const { decision, fee, notices = [] } = detail.case;
  if (!decision && !fee) return null;
  const deliveries = detail.law?.deliveries ?? [];
  const pending = detail.actions.record_dispatch;
  return (
    <section
      className="case-section"
      aria-labelledby="decision-title"
      data-testid="decision"
      data-pending={marks.decisionPending ? "true" : "false"}
    >
      <h3 id="decision-title">Entscheidung und Gebühr</h3>
      {decision && (
        <dl className="form-data">
          <div>
            <dt>Ergebnis</dt>
            <dd>
              <span data-testid="decision-outcome">{outcomeLabel(decision.outcome)}</span>
              {marks.decisionPending && <PendingBadge />}
            </dd>
          </div>
          <div>
            <dt>Entschieden am</dt>
            <dd>{formatDateTime(decision.decided_at)}</dd>
          </div>
          {decision.reasons && (
            <div>
              <dt>Begründung</dt>
              <dd className="message-text" data-testid="decision-reasons">
                {decision.reasons}
              </dd>
            </div>
          )}
          <div>
            <dt>Gebühr laut Bescheid</dt>
            <dd>{formatCents(decision.fee_cents)}</dd>
          </div>
        </dl>
      )}
      {deliveries.map((view) => {
        const notice = view.notice_id ? notices.find((n) => n.id === view.notice_id) : undefined;
        return (
          <DeliveryBlock
            key={view.notice_id ?? "decision"}
            view={view}
            caption={notice ? `${deliveryTitle(view)} über ${formatCents(notice.amount_cents)}` : deliveryTitle(view)}
            pending={pendingDispatchOf(view, pending)}
            today={detail.today}
            earliest={germanDay(notice?.issued_at ?? decision?.decided_at ?? "")}
            recordDispatch={recordDispatch}
          />
        );
      })}
      {fee && (
        <dl className="form-data">
          <div>
            <dt>Kassenzeichen</dt>
            <dd>{fee.kassenzeichen}</dd>
          </div>
          <div>
            <dt>Zahlung</dt>
            <dd>
              {formatCents(fee.amount_cents)} · {paymentLabel(fee.status)}
            </dd>
          </div>
        </dl>
      )}
      {decision?.letter_sha256 && (
        <button type="button" onClick={() => onShowLetter(decision.letter_sha256!)}>
          Bescheid anzeigen
        </button>
      )}
    </section>
  );
}

interface DeliveryProps {
  view: DeliveryView;
  caption: string;
  pending: PendingDispatch | null;
  today: string;
  /** The day the letter was issued: it cannot have been sent before. */
  earliest: string;
  recordDispatch(noticeId: string | null, on: string): Promise<boolean>;
}

function DeliveryBlock({ view, caption, pending, today, earliest, recordDispatch }: DeliveryProps) {
  const testId = view.notice_id ? `delivery-${view.notice_id}` : "delivery-decision";
  return (
    <div className="delivery" data-testid={testId} data-state={view.state}>
      <h4 className="delivery-title">{caption}</h4>
      <dl className="form-data">
        {deliveryFacts(view).map((fact) => (
          <div key={fact.testId}>
            <dt>{fact.label}</dt>
            <dd data-testid={fact.testId}>{fact.value}</dd>
          </div>
        ))}
      </dl>
      {pending && (
        <DispatchForm
          pending={pending}
          idPrefix={testId}
          today={today}
          earliest={earliest}
          recordDispatch={recordDispatch}
        />
      )}
    </div>
  );
}

interface DispatchProps {
  pending: PendingDispatch;
  idPrefix: string;
  today: string;
  earliest: string;
  recordDispatch(noticeId: string | null, on: string): Promise<boolean>;
}

/**
 * "Versand erfassen": the day the letter went to the post or was served, today by
 * default. The engine records it on the channel the case waits for.
 */
function DispatchForm({ pending, idPrefix, today, earliest, recordDispatch }: DispatchProps) {
  const [open, setOpen] = useState(false);
  const [on, setOn] = useState(today);
  const [busy, setBusy] = useState(false);
  const served = pending.channel === "zustellung";
  const label = served ? "Zugestellt am" : "Zur Post gegeben am";
  const problem = dispatchProblem(on, today, earliest, pending.title);

  if (!open) {
    return (
      <button type="button" data-testid="dispatch-open" onClick={() => setOpen(true)}>
        Versand erfassen
      </button>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (problem) return;
    setBusy(true);
    const ok = await recordDispatch(pending.notice_id, on);
    setBusy(false);
    if (ok) setOpen(false);
  };
  const inputId = `${idPrefix}-dispatch-on`;
  return (
    <form className="dispatch-form" data-testid="dispatch-form" onSubmit={(e) => void submit(e)}>
      {pending.state === "retrieval_lapsed" && (
        <p className="hint warning">
          Nicht rechtzeitig im Bürgerportal abgerufen: bitte {DELIVERY_CHANNEL_LABELS[pending.channel]} versenden.
        </p>
      )}
      <div className="field">
        <label htmlFor={inputId}>{label}</label>
        <input
          id={inputId}
          type="date"
          autoFocus
          data-testid="dispatch-on"
          value={on}
          max={today}
          min={earliest || undefined}
          aria-invalid={problem !== null}
          aria-describedby={problem ? `${inputId}-error` : undefined}
          onChange={(e) => setOn(e.target.value)}
        />
        {problem && (
          <p id={`${inputId}-error`} className="field-error">
            {problem}
          </p>
        )}
      </div>
      <div className="button-row">
        <button type="submit" className="primary" data-testid="dispatch-submit" disabled={busy || problem !== null}>
          Versand speichern
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Abbrechen
        </button>
      </div>
    </form>
  );
}
