// The request panel beside an open case ("Unterlagen nachfordern"): which items the
// citizen is asked for (the engine offers missing required documents and rejected
// ones, linked to the rejection; free items can be added), why, until when (a
// working day; a weekend or holiday moves on with a visible note), the message they
// read in the portal, and the items-request letter as it will go out. Sending queues
// the request with its letter like every command, offline too; the case then waits
// for the citizen and its processing period pauses.
import { useCallback, useEffect, useReducer } from "react";
import { useBackend } from "../backend";
import type { AnswerDeadline, CaseDetail, ItemsRequestDraft, OutboxEntry, UserInfo } from "../generated/bindings";
import { useAnswerDateCheck } from "../hooks/useAnswerDateCheck";
import { formatDate } from "../lib/dates";
import { checkRequest, initialRequest, requestDraftOf, requestEdited, requestReducer } from "../lib/requestDraft";
import { AnswerFields } from "./AnswerFields";
import { DraftLetterPanel } from "./DraftLetterPanel";

interface Props {
  detail: CaseDetail;
  me: UserInfo;
  onClose(): void;
  /** Whether the caseworker changed something, so closing would lose work. */
  onDirtyChange(dirty: boolean): void;
  onSent(entry: OutboxEntry): void;
  onLoginRequired(): void;
}

/** Over 100 lines on purpose: the JSX is the panel's fields, one after the other. */
export function RequestPanel({ detail, me, onClose, onDirtyChange, onSent, onLoginRequired }: Props) {
  const { commands } = useBackend();
  const aggregate = detail.case;
  const today = detail.today;
  const [form, dispatch] = useReducer(requestReducer, detail, initialRequest);
  const check = checkRequest(form, today);
  const draft = requestDraftOf(form, today);
  const dirty = requestEdited(form, detail);
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);
  const onChecked = useCallback((deadline: AnswerDeadline) => dispatch({ type: "checked", deadline }), []);
  useAnswerDateCheck(form, onChecked);

  return (
    <DraftLetterPanel
      name="request"
      title="Unterlagen nachfordern"
      aktenzeichen={aggregate.aktenzeichen}
      closeLabel="Nachforderung schließen (Esc)"
      draft={draft}
      revision={aggregate.version}
      preview={(d: ItemsRequestDraft) => commands.items_request_preview(aggregate.id, d)}
      send={(d: ItemsRequestDraft) => commands.request_items(aggregate.id, d)}
      action={{ label: "Nachforderung senden…", testId: "send" }}
      previewName="Vorschau des Schreibens zur Nachforderung"
      confirm={{
        title: "Nachforderung senden?",
        label: "Nachforderung senden",
        busyLabel: "Nachforderung wird gesendet …",
        body: draft && (
          <p>
            {draft.items.length === 1 ? "Eine Unterlage wird" : `${draft.items.length} Unterlagen werden`} bis zum{" "}
            <strong>{formatDate(draft.answer_due)}</strong> nachgefordert. Der Vorgang wartet dann auf die
            antragstellende Person; die Bearbeitungsfrist ruht so lange. Das Schreiben steht im Bürgerportal bereit; wer
            per Post erreicht wird, erhält es ausgedruckt.
          </p>
        ),
      }}
      onClose={onClose}
      onSent={onSent}
      onLoginRequired={onLoginRequired}
    >
      <fieldset className="field request-items-field" data-testid="request-items" aria-describedby="request-items-hint">
        <legend>Was fehlt</legend>
        <p id="request-items-hint" className="hint">
          So liest es die antragstellende Person. Abgelehnte Dokumente sind mit ihrem Ablehnungsgrund verknüpft.
        </p>
        {form.items.map((choice, index) => (
          <div key={index} className="request-item-choice" data-testid="request-item">
            <input
              type="checkbox"
              id={`request-item-${index}`}
              data-testid="request-item-chosen"
              checked={choice.chosen}
              aria-label={`Unterlage ${index + 1} anfordern`}
              autoFocus={index === 0}
              onChange={() => dispatch({ type: "toggle", index })}
            />
            <input
              type="text"
              lang="de"
              data-testid="request-item-text"
              aria-label={`Beschreibung der Unterlage ${index + 1}`}
              value={choice.item.description}
              disabled={!choice.chosen}
              onChange={(e) => dispatch({ type: "describe", index, text: e.target.value })}
            />
            {!choice.offered && (
              <button
                type="button"
                className="icon-button"
                aria-label={`Unterlage ${index + 1} entfernen`}
                onClick={() => dispatch({ type: "remove", index })}
              >
                <span aria-hidden="true">×</span>
              </button>
            )}
          </div>
        ))}
        <button type="button" data-testid="request-item-add" onClick={() => dispatch({ type: "add" })}>
          Weitere Unterlage
        </button>
        {check.itemsProblem && <p className="field-error">{check.itemsProblem}</p>}
      </fieldset>
      <div className="field reasons-field">
        <label htmlFor="request-reason">Begründung</label>
        <textarea
          id="request-reason"
          data-testid="request-reason"
          rows={2}
          lang="de"
          value={form.reason}
          aria-invalid={check.reasonProblem !== null}
          placeholder="Ohne diese Unterlagen kann … nicht geprüft werden."
          onChange={(e) => dispatch({ type: "reason", text: e.target.value })}
        />
      </div>
      <AnswerFields
        name="request"
        dueLabel="Antwort bis"
        form={form}
        today={today}
        dateProblem={check.dateProblem}
        onPick={(date) => dispatch({ type: "picked", date })}
        onMessage={(text) => dispatch({ type: "message", text })}
      />
      <p className="signature-note">
        Das Schreiben zur Nachforderung endet mit „Im Auftrag“ und Ihrem Namen ({me.display_name}).
      </p>
    </DraftLetterPanel>
  );
}
