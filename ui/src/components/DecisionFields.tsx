// The fields of a Bescheid being prepared (outcome, fee, delivery channel, reasons,
// the scope of a partial approval) and the confirmation before it is issued. The
// outcomes and channels are the ones the service's law allows (`CaseLaw`); a channel
// the case cannot use is shown disabled with the reason.
import { type Dispatch, useEffect, useRef } from "react";
import {
  DELIVERY_CHANNEL_LABELS,
  type CaseAggregate,
  type CaseLaw,
  type DecisionDraft,
  type Outcome,
  type UserInfo,
} from "../generated/bindings";
import { formatCents } from "../lib/dates";
import { nextStepAfterIssuing } from "../lib/delivery";
import { type DraftAction, type DraftCheck, type LetterDraft, needsReasons } from "../lib/letterDraft";
import { decisionLabel } from "../lib/labels";
import { formatEuroInput } from "../lib/money";
import { ConfirmDialog } from "./ModalDialog";

interface FieldProps {
  law: CaseLaw;
  draft: LetterDraft;
  check: DraftCheck;
  dispatch: Dispatch<DraftAction>;
  onOutcome(outcome: Outcome): void;
}

export function DecisionFields({ law, draft, check, dispatch, onOutcome }: FieldProps) {
  const outcomeRef = useRef<HTMLSelectElement>(null);
  // The first control gets focus when the panel opens.
  useEffect(() => {
    outcomeRef.current?.focus();
  }, []);
  const reasonsRequired = needsReasons(law, draft.outcome);
  const lawFee = law.outcomes.find((o) => o.outcome === draft.outcome)?.fee_cents ?? 0;
  const feeDiffers = check.fee.ok && check.fee.cents !== lawFee;

  return (
    <div className="letter-fields-grid">
      <div className="letter-fields">
        <div className="field">
          <label htmlFor="letter-outcome">Ergebnis</label>
          <select
            id="letter-outcome"
            ref={outcomeRef}
            data-testid="letter-outcome"
            value={draft.outcome}
            onChange={(e) => onOutcome(e.target.value as Outcome)}
          >
            {law.outcomes.map((choice) => (
              <option key={choice.outcome} value={choice.outcome}>
                {decisionLabel(choice.outcome)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="letter-fee">Gebühr</label>
          <input
            id="letter-fee"
            data-testid="letter-fee"
            type="text"
            inputMode="decimal"
            autoComplete="off"
            spellCheck={false}
            value={draft.feeText}
            aria-invalid={!check.fee.ok}
            aria-describedby={!check.fee.ok ? "letter-fee-error" : feeDiffers ? "letter-fee-note" : undefined}
            onChange={(e) => dispatch({ type: "fee", text: e.target.value })}
            onBlur={() => {
              if (check.fee.ok) dispatch({ type: "fee", text: formatEuroInput(check.fee.cents) });
            }}
          />
          {!check.fee.ok && (
            <p id="letter-fee-error" className="field-error" data-testid="letter-fee-error">
              {check.fee.message}
            </p>
          )}
          {feeDiffers && (
            <p id="letter-fee-note" className="hint">
              Laut Gebührenregel: {formatCents(lawFee)}
            </p>
          )}
        </div>
        <fieldset className="field channel-field" data-testid="letter-channel">
          <legend>Bekanntgabe</legend>
          {law.channels.map((choice) => (
            <div key={choice.channel} className="channel-option">
              <label className={choice.allowed ? undefined : "disabled"}>
                <input
                  type="radio"
                  name="letter-channel"
                  value={choice.channel}
                  data-testid={`letter-channel-${choice.channel}`}
                  checked={draft.channel === choice.channel}
                  disabled={!choice.allowed}
                  aria-describedby={choice.reason ? `letter-channel-${choice.channel}-reason` : undefined}
                  onChange={() => dispatch({ type: "channel", channel: choice.channel })}
                />
                {DELIVERY_CHANNEL_LABELS[choice.channel]}
              </label>
              {choice.reason && (
                <p id={`letter-channel-${choice.channel}-reason`} className="hint channel-reason">
                  {choice.reason}
                </p>
              )}
            </div>
          ))}
        </fieldset>
      </div>
      <div className="field reasons-field">
        <label htmlFor="letter-reasons">
          Begründung (für diesen Fall){reasonsRequired && <span className="required"> – erforderlich</span>}
        </label>
        <textarea
          id="letter-reasons"
          data-testid="letter-reasons"
          rows={3}
          lang="de"
          value={draft.reasons}
          required={reasonsRequired}
          aria-invalid={check.reasonsProblem !== null}
          aria-describedby="letter-reasons-hint"
          placeholder="Die Tatsachen und Gründe dieses Falls, nicht die Rechtsgrundlage allein."
          onChange={(e) => dispatch({ type: "reasons", text: e.target.value })}
        />
        <p id="letter-reasons-hint" className={check.reasonsProblem ? "field-error" : "hint"}>
          {check.reasonsProblem
            ? "Pflichtangabe: ohne Ihre Begründung wird kein Bescheid erstellt."
            : reasonsRequired
              ? "Die Tatsachen dieses Falls, auf die sich die Entscheidung stützt (§ 39 VwVfG NRW)."
              : "Bei Ablehnung und Teilbewilligung erforderlich (§ 39 VwVfG NRW)."}
        </p>
      </div>
      {draft.outcome === "partial" && (
        <div className="field reasons-field">
          <label htmlFor="letter-partial">Umfang der Teilbewilligung</label>
          <textarea
            id="letter-partial"
            data-testid="letter-partial"
            rows={2}
            lang="de"
            value={draft.partialNote}
            placeholder="Was bewilligt wird und was nicht."
            onChange={(e) => dispatch({ type: "partialNote", text: e.target.value })}
          />
        </div>
      )}
    </div>
  );
}

interface ConfirmProps {
  aggregate: CaseAggregate;
  draft: DecisionDraft;
  me: UserInfo;
  deciding: boolean;
  onConfirm(): void;
  onCancel(): void;
}

export function DecisionConfirm({ aggregate, draft, me, deciding, onConfirm, onCancel }: ConfirmProps) {
  const applicant = aggregate.applicant;
  const channel = draft.channel ?? "post";
  return (
    <ConfirmDialog
      id="letter-confirm"
      testId="letter-confirm-dialog"
      title="Bescheid erlassen?"
      confirmLabel={deciding ? "Bescheid wird erlassen …" : "Bescheid erlassen"}
      confirmTestId="letter-confirm"
      busy={deciding}
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <dl className="confirm-facts">
        <div>
          <dt>Vorgang</dt>
          <dd>{aggregate.aktenzeichen}</dd>
        </div>
        <div>
          <dt>Ergebnis</dt>
          <dd data-testid="letter-confirm-outcome">{decisionLabel(draft.outcome)}</dd>
        </div>
        <div>
          <dt>Gebühr</dt>
          <dd data-testid="letter-confirm-fee">{formatCents(draft.fee_cents ?? 0)}</dd>
        </div>
        <div>
          <dt>Bekanntgabe</dt>
          <dd data-testid="letter-confirm-channel">{DELIVERY_CHANNEL_LABELS[channel]}</dd>
        </div>
        <div>
          <dt>Empfänger/in</dt>
          <dd className="recipient">
            <span>
              {applicant.given_name} {applicant.family_name}
            </span>
            <span>{applicant.street}</span>
            <span>
              {applicant.postal_code} {applicant.city}
            </span>
          </dd>
        </div>
        <div>
          <dt>Unterschrift</dt>
          <dd>Im Auftrag, {me.display_name}</dd>
        </div>
      </dl>
      <p>
        <strong>Der Bescheid wird gespeichert; das lässt sich nicht rückgängig machen.</strong>{" "}
        {nextStepAfterIssuing(channel)} Ohne Verbindung zum Portal wird er übertragen, sobald die Verbindung wieder
        besteht.
      </p>
    </ConfirmDialog>
  );
}
