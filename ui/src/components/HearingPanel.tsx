// The hearing panel beside an open case (Anhörung, § 28 VwVfG NRW): what the office
// intends and why, until when the citizen may comment (a working day; a weekend or
// holiday is moved to the next working day with a visible note), the message they
// read in the portal, the live preview of the hearing letter, and starting it.
import { useCallback, useEffect, useReducer } from "react";
import { useBackend } from "../backend";
import type { AnswerDeadline, CaseDetail, HearingDraft, OutboxEntry, UserInfo } from "../generated/bindings";
import { useAnswerDateCheck } from "../hooks/useAnswerDateCheck";
import { formatDate } from "../lib/dates";
import { checkHearing, hearingDraftOf, hearingReducer, initialHearing } from "../lib/hearingDraft";
import { AnswerFields } from "./AnswerFields";
import { DraftLetterPanel } from "./DraftLetterPanel";

interface Props {
  detail: CaseDetail;
  me: UserInfo;
  onClose(): void;
  /** Whether the caseworker typed something, so closing would lose work. */
  onDirtyChange(dirty: boolean): void;
  onStarted(entry: OutboxEntry): void;
  onLoginRequired(): void;
}

export function HearingPanel({ detail, me, onClose, onDirtyChange, onStarted, onLoginRequired }: Props) {
  const { commands } = useBackend();
  const aggregate = detail.case;
  const today = detail.today;
  const [form, dispatch] = useReducer(hearingReducer, detail.law, initialHearing);
  const check = checkHearing(form, today);
  const request = hearingDraftOf(form, today);

  const dirty = form.intended.trim() !== "" || form.messageEdited;
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);

  // A picked date is checked by the engine: a weekend or holiday moves on.
  const onChecked = useCallback((deadline: AnswerDeadline) => dispatch({ type: "checked", deadline }), []);
  useAnswerDateCheck(form, onChecked);

  return (
    <DraftLetterPanel
      name="hearing"
      title="Anhörung"
      aktenzeichen={aggregate.aktenzeichen}
      closeLabel="Anhörung schließen (Esc)"
      draft={request}
      revision={aggregate.version}
      preview={(r: HearingDraft) => commands.hearing_preview(aggregate.id, r)}
      send={(r: HearingDraft) => commands.start_hearing(aggregate.id, r)}
      action={{ label: "Anhörung beginnen…", testId: "start" }}
      previewName="Vorschau des Anhörungsschreibens"
      confirm={{
        title: "Anhörung beginnen?",
        label: "Anhörung beginnen",
        busyLabel: "Anhörung wird begonnen …",
        body: request && (
          <p>
            Der Vorgang wartet dann bis zum <strong>{formatDate(request.answer_due)}</strong> auf die Stellungnahme der
            antragstellenden Person; die Bearbeitungsfrist ruht so lange. Die Nachricht und die beabsichtigte
            Entscheidung erscheinen im Bürgerportal.
          </p>
        ),
      }}
      onClose={onClose}
      onSent={onStarted}
      onLoginRequired={onLoginRequired}
    >
      <div className="field reasons-field">
        <label htmlFor="hearing-intended">Beabsichtigte Entscheidung und ihre Gründe</label>
        <textarea
          id="hearing-intended"
          data-testid="hearing-intended"
          rows={3}
          lang="de"
          autoFocus
          value={form.intended}
          aria-invalid={check.intendedProblem !== null}
          aria-describedby="hearing-intended-hint"
          placeholder="Wir beabsichtigen, … Denn …"
          onChange={(e) => dispatch({ type: "intended", text: e.target.value })}
        />
        <p id="hearing-intended-hint" className="hint">
          Was das Amt entscheiden will und auf welche Tatsachen es sich stützt.
        </p>
      </div>
      <AnswerFields
        name="hearing"
        dueLabel="Äußerung bis"
        form={form}
        today={today}
        dateProblem={check.dateProblem}
        onPick={(date) => dispatch({ type: "picked", date })}
        onMessage={(text) => dispatch({ type: "message", text })}
      />
      <p className="signature-note">
        Das Anhörungsschreiben endet mit „Im Auftrag“ und Ihrem Namen ({me.display_name}).
      </p>
    </DraftLetterPanel>
  );
}
