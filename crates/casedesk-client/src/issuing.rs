//! What the desktop issues to the citizen, rendered offline from the synced templates
//! and queued like every other command: the decision with its Bescheid (one case, or
//! a team lead's batch), a hearing before a burdensome decision, a fee or tax notice
//! after the decision, and the dispatch of any of them by post or Zustellung.
//!
//! Every letter is issued by the signed-in user ("Im Auftrag" and their name, see
//! `letters.rs`). What the caseworker leaves open is filled from the law of the case's
//! service ([`CaseLaw`]): the fee of the outcome, the channel the law requires or the
//! applicant consented to. The domain judges each command against the case as the
//! user sees it, so what the portal would refuse is refused here first, in the same
//! words.

use casedesk_domain::CaseAggregate;
use casedesk_domain::aggregate::{DecideContext, NoticeKind, RequestedItem};
use casedesk_domain::command::{CommandKind, Rejection, RejectionCode};
use casedesk_domain::delivery::DeliveryChannel;
use casedesk_domain::lifecycle::Outcome;
use casedesk_domain::wire::ServiceDefinition;
use casedesk_letters::{LetterInput, LetterKind, Letterhead, TemplateSet};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::case_law::{self, AnswerDeadline};
use crate::error::{ClientError, Result};
use crate::letters::{self, LetterRequest};
use crate::{BatchItem, Desk, OutboxEntry};

/// A Bescheid as the caseworker prepares it. What is left `None` follows the law of
/// the case's service.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DecisionDraft {
    pub outcome: Outcome,
    /// The fee the letter assesses and the decision records; `None`: the law's fee
    /// for the outcome and this application.
    pub fee_cents: Option<i64>,
    /// The caseworker's reasons for this case (§39 VwVfG NRW); required for a
    /// rejection or partial approval.
    pub reasons: Option<String>,
    /// For a partial approval: what is granted and what is refused.
    pub partial_note: Option<String>,
    /// `None`: the channel the law requires, else the portal where the applicant
    /// consented, else post.
    pub channel: Option<DeliveryChannel>,
    /// The letter's body as the caseworker edited it; `None`: the template's text.
    pub edited_text: Option<String>,
}

impl DecisionDraft {
    /// A decision with `outcome` and everything else as the law has it.
    pub fn new(outcome: Outcome) -> DecisionDraft {
        DecisionDraft {
            outcome,
            fee_cents: None,
            reasons: None,
            partial_note: None,
            channel: None,
            edited_text: None,
        }
    }
}

/// An Anhörung (§28 VwVfG NRW) as the caseworker prepares it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HearingDraft {
    /// What the office intends to decide, and on which facts.
    pub intended: String,
    /// Until when the citizen may comment: a working day.
    pub answer_due: NaiveDate,
    /// What the citizen reads with it in the portal.
    pub message: String,
}

/// A request for missing or better items (Nachforderung) as the caseworker prepares
/// it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ItemsRequestDraft {
    /// What the citizen is asked for, each item in the words they read.
    pub items: Vec<RequestedItem>,
    /// Why the items are needed.
    pub reason: String,
    /// Until when the citizen may answer: a working day.
    pub answer_due: NaiveDate,
    /// What the citizen reads with it in the portal.
    pub message: String,
}

/// A fee or tax notice after the decision, as the caseworker prepares it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NoticeDraft {
    pub kind: NoticeKind,
    /// `None`: the case's fee (for a fee notice) or the yearly tax (for a tax notice).
    pub amount_cents: Option<i64>,
    /// `None`: post for a tax notice; for a fee notice as for the decision.
    pub channel: Option<DeliveryChannel>,
    /// The letter's body as the caseworker edited it; `None`: the template's text.
    pub edited_text: Option<String>,
}

/// A case and its service, which every letter about it needs.
struct LetterCase {
    case: CaseAggregate,
    service: ServiceDefinition,
}

impl LetterCase {
    /// The channel a letter of this case goes out on when none is chosen.
    fn default_channel(&self) -> DeliveryChannel {
        case_law::default_channel(
            self.service.law.delivery,
            self.case.consents.portal_delivery,
        )
    }

    /// The letter request of a decision draft, its blanks filled from the law.
    fn decision_request(&self, draft: &DecisionDraft) -> LetterRequest {
        LetterRequest {
            fee_cents: Some(self.decision_fee(draft)),
            channel: draft.channel.unwrap_or_else(|| self.default_channel()),
            reasons: draft.reasons.clone(),
            partial_note: draft.partial_note.clone(),
            edited_body: draft.edited_text.clone(),
            ..LetterRequest::new(LetterKind::Decision(draft.outcome))
        }
    }

    fn decision_fee(&self, draft: &DecisionDraft) -> i64 {
        draft
            .fee_cents
            .unwrap_or_else(|| self.service.fee_for(draft.outcome, &self.case.form_data))
    }

    /// The letter request of a notice draft, its blanks filled from the case.
    fn notice_request(&self, draft: &NoticeDraft) -> Result<LetterRequest> {
        let (kind, amount, channel) = match draft.kind {
            NoticeKind::Fee => {
                let assessed = self
                    .case
                    .fee
                    .as_ref()
                    .map(|f| f.amount_cents)
                    .or_else(|| self.case.decision.as_ref().map(|d| d.fee_cents))
                    .unwrap_or(0);
                (LetterKind::FeeNotice, assessed, self.default_channel())
            }
            NoticeKind::Tax => {
                let tax =
                    self.service.law.tax.as_ref().ok_or_else(|| {
                        refused("Diese Leistung führt zu keiner Steuer".to_owned())
                    })?;
                (
                    LetterKind::TaxNotice,
                    tax.annual_cents,
                    DeliveryChannel::Post,
                )
            }
        };
        Ok(LetterRequest {
            fee_cents: Some(draft.amount_cents.unwrap_or(amount)),
            channel: draft.channel.unwrap_or(channel),
            edited_body: draft.edited_text.clone(),
            ..LetterRequest::new(kind)
        })
    }
}

fn refused(message: String) -> ClientError {
    ClientError::Refused(Rejection::new(RejectionCode::Invalid, message))
}

impl Desk {
    /// A case (by id or Aktenzeichen) as the user sees it, with its service.
    async fn letter_case(&self, case: &str) -> Result<LetterCase> {
        let detail = self.case(case).await?;
        let service = detail.service.ok_or_else(|| {
            ClientError::Invalid(format!(
                "Leistung {} ist nicht im lokalen Bestand; bitte synchronisieren",
                detail.case.service_id
            ))
        })?;
        Ok(LetterCase {
            case: detail.case,
            service,
        })
    }

    /// The synced templates and letterhead, and the input of `request` about `case`:
    /// signed by the signed-in user, with the tenant's settings.
    async fn letter_input(
        &self,
        case: &LetterCase,
        request: &LetterRequest,
    ) -> Result<(TemplateSet, Letterhead, LetterInput)> {
        let me = self.signed_in().await?;
        let (templates, letterhead) = letters::load(&self.inner.store).await?;
        let tenant = letters::tenant(&self.inner.store).await?;
        let input = letters::input(
            &case.case,
            &case.service,
            &letterhead,
            &tenant,
            &me,
            request,
        )?;
        Ok((templates, letterhead, input))
    }

    /// Renders `request` about `case` with the synced templates and letterhead.
    /// Rendering is CPU work of a few milliseconds; it runs off the async threads.
    async fn render_for(&self, case: &LetterCase, request: &LetterRequest) -> Result<Vec<u8>> {
        let (templates, letterhead, input) = self.letter_input(case, request).await?;
        let request = request.clone();
        tokio::task::spawn_blocking(move || {
            letters::render(&templates, &letterhead, &input, &request)
        })
        .await
        .map_err(|e| ClientError::Invalid(format!("Brief: {e}")))?
    }

    /// The body text (letter markup) the template writes for `request`: where the
    /// caseworker starts when editing. It ends before the closing, which the letter
    /// always adds itself.
    async fn markup_for(&self, case: &LetterCase, request: &LetterRequest) -> Result<String> {
        let (templates, letterhead, input) = self.letter_input(case, request).await?;
        Ok(templates.render_markup(&input.template_name(), &input, &letterhead)?)
    }

    /// Renders a letter about a case (by id or Aktenzeichen) from the local store:
    /// the case as the user sees it, the synced templates and letterhead. Works
    /// offline; needs a user who logged in once (the letter names them).
    pub async fn render_letter(&self, case: &str, request: &LetterRequest) -> Result<Vec<u8>> {
        let case = self.letter_case(case).await?;
        self.render_for(&case, request).await
    }

    /// The body text (letter markup) the template writes for `request`.
    pub async fn letter_markup(&self, case: &str, request: &LetterRequest) -> Result<String> {
        let case = self.letter_case(case).await?;
        self.markup_for(&case, request).await
    }

    /// The Bescheid's body text for a draft (its edited text ignored): where the
    /// caseworker starts when editing. A rejection or partial approval without
    /// reasons has none.
    pub async fn decision_text(&self, case: &str, draft: &DecisionDraft) -> Result<String> {
        let case = self.letter_case(case).await?;
        let request = LetterRequest {
            edited_body: None,
            ..case.decision_request(draft)
        };
        self.markup_for(&case, &request).await
    }

    /// The Bescheid of a draft as it would go out now.
    pub async fn decision_preview(&self, case: &str, draft: &DecisionDraft) -> Result<Vec<u8>> {
        let case = self.letter_case(case).await?;
        self.render_for(&case, &case.decision_request(draft)).await
    }

    /// Decides a case with its Bescheid: renders the letter (the template's text, or
    /// the caseworker's edited text), keeps it as an outgoing document and queues the
    /// decision with the reasons and the channel. Works offline; the letter uploads
    /// before the command.
    pub async fn decide_with_letter(
        &self,
        case: &str,
        draft: &DecisionDraft,
    ) -> Result<OutboxEntry> {
        let letter_case = self.letter_case(case).await?;
        let request = letter_case.decision_request(draft);
        let pdf = self.render_for(&letter_case, &request).await?;
        self.queue_decision(case, draft, &request, Some(&pdf)).await
    }

    /// Decides many cases with the same outcome and the template's letters, one after
    /// the other, each signed by the user, with its law's fee and on its own default
    /// channel (a team lead's batch mixes cases with and without consent to portal
    /// delivery, and building permits that must be served). A case that cannot be
    /// decided does not stop the others: each gets its own answer, in the order given.
    ///
    /// A rejection or partial approval needs reasons about each case (§39 VwVfG
    /// NRW), which one batch cannot give: such a batch is refused as a whole.
    pub async fn decide_many(
        &self,
        case_keys: Vec<String>,
        outcome: Outcome,
    ) -> Result<Vec<BatchItem>> {
        if outcome.needs_reasons() {
            return Err(refused(format!(
                "Eine {} braucht Ihre Begründung zu jedem einzelnen Fall (§ 39 VwVfG NRW) und wird \
                 daher nicht gesammelt erlassen; bitte entscheiden Sie diese Vorgänge einzeln.",
                outcome.bescheid_german()
            )));
        }
        let draft = DecisionDraft::new(outcome);
        let mut items = Vec::with_capacity(case_keys.len());
        for case_key in case_keys {
            let result = self.decide_with_letter(&case_key, &draft).await;
            items.push(match result {
                Ok(entry) => BatchItem {
                    case_key,
                    entry: Some(entry),
                    error: None,
                },
                Err(error) => BatchItem {
                    case_key,
                    entry: None,
                    error: Some(error.payload()),
                },
            });
        }
        Ok(items)
    }

    /// Finalises a decision with a letter made elsewhere (or none): keeps the letter
    /// as an outgoing document (uploaded before the command is sent) and queues
    /// `RecordDecision` referring to it, with the draft's reasons and channel (the
    /// draft's edited text is ignored).
    pub async fn finalise_decision(
        &self,
        case: &str,
        draft: &DecisionDraft,
        letter_pdf: Option<&[u8]>,
    ) -> Result<OutboxEntry> {
        let letter_case = self.letter_case(case).await?;
        let request = letter_case.decision_request(draft);
        self.queue_decision(case, draft, &request, letter_pdf).await
    }

    async fn queue_decision(
        &self,
        case: &str,
        draft: &DecisionDraft,
        request: &LetterRequest,
        letter_pdf: Option<&[u8]>,
    ) -> Result<OutboxEntry> {
        let letter_sha256 = match letter_pdf {
            Some(pdf) => Some(self.blobs().add_outgoing(pdf, "application/pdf").await?),
            None => None,
        };
        self.command(
            case,
            CommandKind::RecordDecision {
                outcome: draft.outcome,
                letter_sha256,
                fee_cents: request.fee_cents.unwrap_or(0),
                reasons: draft.reasons.clone(),
                channel: request.channel,
            },
        )
        .await
    }

    /// The hearing letter (Anhörungsschreiben) a draft would make, before the hearing
    /// starts: rendered from the case with the hearing applied as the domain would
    /// apply it, so a draft the domain refuses (an answer deadline on a holiday, an
    /// empty intention) is refused here with the same reason.
    pub async fn hearing_preview(&self, case: &str, draft: &HearingDraft) -> Result<Vec<u8>> {
        self.letter_after(case, &hearing_command(draft, None), LetterKind::Hearing)
            .await
    }

    /// Starts a hearing: the case waits for the citizen's statement until the answer
    /// deadline. Its letter, as the preview showed it, is kept as an outgoing
    /// document and named by the command, so the citizen downloads it from the
    /// portal (and the office can print it for the post); offline like any other.
    pub async fn start_hearing(&self, case: &str, draft: &HearingDraft) -> Result<OutboxEntry> {
        let pdf = self.hearing_preview(case, draft).await?;
        let letter_sha256 = self.blobs().add_outgoing(&pdf, "application/pdf").await?;
        self.command(case, hearing_command(draft, Some(letter_sha256)))
            .await
    }

    /// The items-request letter a draft would make, before the request is sent:
    /// rendered from the case with the request applied as the domain would apply
    /// it, so a draft the domain refuses is refused here with the same reason.
    pub async fn items_request_preview(
        &self,
        case: &str,
        draft: &ItemsRequestDraft,
    ) -> Result<Vec<u8>> {
        self.letter_after(
            case,
            &items_request_command(draft, None),
            LetterKind::ItemsRequest,
        )
        .await
    }

    /// Sends a request for items: the case waits for the citizen and its processing
    /// period pauses. Its letter, as the preview showed it, goes with it (the
    /// citizen downloads it from the portal; for one who uses the post, the office
    /// prints it); offline like any other command.
    pub async fn request_items(
        &self,
        case: &str,
        draft: &ItemsRequestDraft,
    ) -> Result<OutboxEntry> {
        let pdf = self.items_request_preview(case, draft).await?;
        let letter_sha256 = self.blobs().add_outgoing(&pdf, "application/pdf").await?;
        self.command(case, items_request_command(draft, Some(letter_sha256)))
            .await
    }

    /// The letter of `kind` about `case` as it will be once `command` applied: the
    /// domain decides the command on a copy of the case, which the letter is then
    /// rendered from. A command the domain refuses is refused with its reason.
    async fn letter_after(
        &self,
        case: &str,
        command: &CommandKind,
        kind: LetterKind,
    ) -> Result<Vec<u8>> {
        let mut letter_case = self.letter_case(case).await?;
        let me = self.signed_in().await?;
        let now = Utc::now();
        let case = &mut letter_case.case;
        let events = case
            .decide(&me.actor, command, case.version, &DecideContext::at(now))
            .map_err(ClientError::Refused)?;
        let seq = case.seq;
        case.record(events, &me.actor, None, now, seq);
        self.render_for(&letter_case, &LetterRequest::new(kind))
            .await
    }

    /// The answer deadline a picked day gives: the day, or the next working day with
    /// the reason it moved.
    pub fn answer_deadline(&self, picked: NaiveDate) -> AnswerDeadline {
        AnswerDeadline::of(picked)
    }

    /// The notice a draft would make, as it would go out now.
    pub async fn notice_preview(&self, case: &str, draft: &NoticeDraft) -> Result<Vec<u8>> {
        let case = self.letter_case(case).await?;
        let request = case.notice_request(draft)?;
        self.render_for(&case, &request).await
    }

    /// Issues a fee or tax notice after the decision: renders its letter, keeps it as
    /// an outgoing document and queues `IssueNotice` referring to it.
    pub async fn issue_notice(&self, case: &str, draft: &NoticeDraft) -> Result<OutboxEntry> {
        let letter_case = self.letter_case(case).await?;
        let request = letter_case.notice_request(draft)?;
        let pdf = self.render_for(&letter_case, &request).await?;
        let letter_sha256 = Some(self.blobs().add_outgoing(&pdf, "application/pdf").await?);
        self.command(
            case,
            CommandKind::IssueNotice {
                kind: draft.kind,
                letter_sha256,
                amount_cents: request.fee_cents.unwrap_or(0),
                channel: request.channel,
            },
        )
        .await
    }

    /// Records that the decision (`notice_id` none) or a notice was handed to the post
    /// or served on `on`. The channel is the one the case is waiting for: the channel
    /// it was issued on, or post for a decision not retrieved from the portal in time.
    /// A notice issued on this desktop has the id the portal will give it (ids derive
    /// from the command id), so its dispatch can be queued behind it, offline too.
    pub async fn record_dispatch(
        &self,
        case: &str,
        notice_id: Option<Uuid>,
        on: NaiveDate,
    ) -> Result<OutboxEntry> {
        let detail = self.case(case).await?;
        // The channel the case waits for; where nothing waits (not the user's case,
        // already announced) the domain refuses the command with the reason.
        let channel = match detail
            .actions
            .record_dispatch
            .iter()
            .find(|p| p.notice_id == notice_id)
        {
            Some(pending) => pending.channel,
            None => detail
                .case
                .delivery_of(notice_id)
                .map_or(DeliveryChannel::Post, |d| d.channel),
        };
        self.command(
            case,
            CommandKind::RecordDispatch {
                notice_id,
                channel,
                on,
            },
        )
        .await
    }
}

fn items_request_command(draft: &ItemsRequestDraft, letter_sha256: Option<String>) -> CommandKind {
    CommandKind::RequestItems {
        items: draft.items.clone(),
        reason: draft.reason.clone(),
        answer_due: draft.answer_due,
        message: draft.message.clone(),
        letter_sha256,
    }
}

fn hearing_command(draft: &HearingDraft, letter_sha256: Option<String>) -> CommandKind {
    CommandKind::StartHearing {
        intended: draft.intended.clone(),
        answer_due: draft.answer_due,
        message: draft.message.clone(),
        letter_sha256,
    }
}

#[cfg(test)]
mod tests;
