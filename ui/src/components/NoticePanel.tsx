// The notice panel beside a decided case: a Gebührenbescheid, or a Steuerbescheid
// where the registration leads to a tax. The caseworker picks the notice, checks the
// amount and the channel, sees the letter as it will go out, and issues it. Issuing
// queues the notice with its letter like every command, offline too; its delivery
// then appears in the case's "Entscheidung und Gebühr" section.
import { useReducer } from "react";
import { useBackend } from "../backend";
import {
  type CaseDetail,
  DELIVERY_CHANNEL_LABELS,
  NOTICE_KIND_LABELS,
  type NoticeDraft,
  type OutboxEntry,
} from "../generated/bindings";
import { formatCents } from "../lib/dates";
import { nextStepAfterIssuing } from "../lib/delivery";
import {
  amountProblem,
  initialNotice,
  noticeChannels,
  noticeDraftOf,
  noticeKinds,
  noticeReducer,
} from "../lib/noticeDraft";
import { DraftLetterPanel } from "./DraftLetterPanel";

interface Props {
  detail: CaseDetail;
  onClose(): void;
  onIssued(entry: OutboxEntry): void;
  onLoginRequired(): void;
}

/** Over 100 lines on purpose: the JSX is the panel's fields, one after the other. */
export function NoticePanel({ detail, onClose, onIssued, onLoginRequired }: Props) {
  const { commands } = useBackend();
  const aggregate = detail.case;
  const [form, dispatch] = useReducer(noticeReducer, detail, initialNotice);
  const draft = noticeDraftOf(form, detail);
  const problem = amountProblem(form);
  const kinds = noticeKinds(detail);
  const channels = noticeChannels(form.kind, detail);
  const title = NOTICE_KIND_LABELS[form.kind];

  return (
    <DraftLetterPanel
      name="notice"
      title={title}
      aktenzeichen={aggregate.aktenzeichen}
      closeLabel="Bescheid nach der Entscheidung schließen (Esc)"
      draft={draft}
      revision={aggregate.version}
      preview={(d: NoticeDraft) => commands.notice_preview(aggregate.id, d)}
      send={(d: NoticeDraft) => commands.issue_notice(aggregate.id, d)}
      action={{ label: `${title} erlassen…`, testId: "issue" }}
      previewName={`Vorschau: ${title}`}
      confirm={{
        title: `${title} erlassen?`,
        label: `${title} erlassen`,
        busyLabel: `${title} wird erlassen …`,
        body: draft && (
          <>
            <p>
              {title} über <strong>{formatCents(draft.amount_cents ?? 0)}</strong>, Bekanntgabe:{" "}
              {DELIVERY_CHANNEL_LABELS[form.channel]}.
            </p>
            <p>
              {nextStepAfterIssuing(form.channel)} Ohne Verbindung zum Portal wird er übertragen, sobald die Verbindung
              wieder besteht.
            </p>
          </>
        ),
      }}
      onClose={onClose}
      onSent={onIssued}
      onLoginRequired={onLoginRequired}
    >
      <div className="letter-fields">
        {kinds.length > 1 && (
          <div className="field">
            <label htmlFor="notice-kind">Art</label>
            <select
              id="notice-kind"
              data-testid="notice-kind"
              autoFocus
              value={form.kind}
              onChange={(e) => dispatch({ type: "kind", kind: e.target.value as typeof form.kind, detail })}
            >
              {kinds.map((kind) => (
                <option key={kind} value={kind}>
                  {NOTICE_KIND_LABELS[kind]}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor="notice-amount">{form.kind === "tax" ? "Jahressteuer" : "Gebühr"}</label>
          <input
            id="notice-amount"
            data-testid="notice-amount"
            inputMode="decimal"
            autoFocus={kinds.length === 1}
            value={form.amount}
            aria-invalid={problem !== null}
            aria-describedby={problem ? "notice-amount-error" : undefined}
            onChange={(e) => dispatch({ type: "amount", text: e.target.value })}
          />
          {problem && (
            <p id="notice-amount-error" className="field-error">
              {problem}
            </p>
          )}
        </div>
      </div>
      <fieldset className="field channel-field" data-testid="notice-channel">
        <legend>Bekanntgabe</legend>
        {channels.map((choice) => (
          <div key={choice.channel} className="channel-option">
            <label>
              <input
                type="radio"
                name="notice-channel"
                value={choice.channel}
                data-testid={`notice-channel-${choice.channel}`}
                checked={form.channel === choice.channel}
                disabled={!choice.allowed}
                aria-describedby={choice.reason ? `notice-channel-${choice.channel}-reason` : undefined}
                onChange={() => dispatch({ type: "channel", channel: choice.channel })}
              />
              {DELIVERY_CHANNEL_LABELS[choice.channel]}
            </label>
            {choice.reason && (
              <p id={`notice-channel-${choice.channel}-reason`} className="hint channel-reason">
                {choice.reason}
              </p>
            )}
          </div>
        ))}
        {form.kind === "tax" && <p className="hint">Steuerbescheide werden per Post bekannt gegeben.</p>}
      </fieldset>
    </DraftLetterPanel>
  );
}
