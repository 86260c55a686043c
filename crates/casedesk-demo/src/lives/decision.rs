//! How a demo case is decided: the hearing before a burdensome decision, the
//! Bescheid written with the caseworker's reasons and signed "Im Auftrag" by them,
//! the decision recorded with the channel the law and the citizen's consent allow,
//! its delivery (posted, served, fetched from the portal mailbox or not fetched in
//! time), notices after it (a fee notice, the dog tax), payment and closing.

use anyhow::{Context, anyhow};
use casedesk_domain::aggregate::{NoticeKind, PaymentStatus, RequestPurpose, RequestStatus};
use casedesk_domain::command::CommandKind;
use casedesk_domain::deadline::{Period, local_date};
use casedesk_domain::delivery::DeliveryChannel;
use casedesk_domain::holidays::next_working_day_on_or_after;
use casedesk_domain::lifecycle::{CaseStatus, Outcome};
use casedesk_domain::wire::ServiceDefinition;
use casedesk_letters::{LetterContext, LetterInput, LetterKind, RenderOptions};
use casedesk_portal_store::blobs::Accepted;
use casedesk_portal_store::{Principal, StaffUser};
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use uuid::Uuid;

use super::{CaseRun, Fate, PlannedCase, Twist};
use crate::delivery::{self, dispatch_day, lapse_moment, office_hours, retrieval_moment};
use crate::reasons::{self, Grounds, Unanswered};
use crate::texts::{self, pick};
use crate::timeline::morning_of;

/// A letter to write: its kind, how it goes out, the caseworker's grounds, and the
/// fee it assesses (`None`: none at all, the fee follows by a notice of its own).
struct LetterSpec {
    kind: LetterKind,
    channel: DeliveryChannel,
    grounds: Option<Grounds>,
    fee_cents: Option<i64>,
}

/// What a decision comes to: its outcome, the caseworker's grounds where it refuses
/// something, and the fee it assesses under the service's law for that outcome.
struct Verdict {
    outcome: Outcome,
    grounds: Option<Grounds>,
    fee_cents: i64,
}

impl Verdict {
    fn reasons(&self) -> Option<String> {
        self.grounds.as_ref().map(|g| g.reasons.clone())
    }
}

impl CaseRun<'_> {
    /// The request for items that went unanswered, if one did.
    fn unanswered_request(&self) -> Option<Unanswered> {
        let request =
            self.case.requests.iter().find(|r| {
                r.status == RequestStatus::Expired && r.purpose == RequestPurpose::Items
            })?;
        Some(Unanswered {
            requested_on: local_date(request.requested_at),
            item: request
                .items
                .first()
                .map(|i| i.description.clone())
                .unwrap_or_default(),
            answer_due: request.answer_due,
        })
    }

    /// The outcome, grounds and fee of the decision the case's fate asks for.
    fn verdict(&self, service: &ServiceDefinition, outcome: Outcome, rng: &mut StdRng) -> Verdict {
        let form = &self.case.form_data;
        let received = local_date(self.case.received_at);
        let unanswered = self.unanswered_request();
        let grounds = reasons::decision_grounds(
            &service.id,
            outcome,
            form,
            received,
            unanswered.as_ref(),
            rng,
        );
        Verdict {
            outcome,
            fee_cents: reasons::charged_fee(service, outcome, form, grounds.as_ref()),
            grounds,
        }
    }

    /// Writes the Bescheid, records the decision, delivers it, issues the notices
    /// that follow and, for closed cases, closes them.
    pub(super) async fn decide(
        &mut self,
        planned: &PlannedCase,
        service: &ServiceDefinition,
        worker: &StaffUser,
        rng: &mut StdRng,
    ) -> anyhow::Result<()> {
        let (outcome, closed) = match planned.fate {
            Fate::Decided(outcome) => (outcome, false),
            Fate::Closed(outcome) => (outcome, true),
            _ => return Ok(()),
        };
        let me = Principal::Staff(worker.clone());
        let verdict = self.verdict(service, outcome, rng);
        if planned.twist == Twist::Hearing {
            self.hear(&me, &verdict, rng).await?;
        }
        let separate_fee = planned.twist == Twist::FeeNotice && verdict.fee_cents > 0;
        let at = self.clock.step(rng);
        let channel = delivery::channel_for(&service.law, planned.consents, rng);
        let spec = LetterSpec {
            kind: LetterKind::Decision(outcome),
            channel,
            grounds: verdict.grounds.clone(),
            fee_cents: (!separate_fee).then_some(verdict.fee_cents),
        };
        let letter = self.letter(service, worker, &spec, at).await?;
        let decision = CommandKind::RecordDecision {
            outcome,
            letter_sha256: Some(letter.sha256),
            fee_cents: if separate_fee { 0 } else { verdict.fee_cents },
            reasons: verdict.reasons(),
            channel,
        };
        self.apply(&me, decision, at).await?;
        self.deliver(&me, None, closed, rng).await?;

        if separate_fee {
            self.issue_notice(
                service,
                worker,
                NoticeKind::Fee,
                verdict.fee_cents,
                planned,
                rng,
            )
            .await?;
        }
        if let Some(tax) = service.law.tax.as_ref().filter(|_| rng.gen_bool(0.7)) {
            let annual = tax.annual_cents;
            self.issue_notice(service, worker, NoticeKind::Tax, annual, planned, rng)
                .await?;
        }
        self.after_decision(&me, closed, rng).await
    }

    /// Payment, a word from the citizen, and closing.
    async fn after_decision(
        &mut self,
        me: &Principal,
        closed: bool,
        rng: &mut StdRng,
    ) -> anyhow::Result<()> {
        let fee_open = self
            .case
            .fee
            .as_ref()
            .is_some_and(|f| f.amount_cents > 0 && f.status == PaymentStatus::Open);
        let paid_share = if closed { 0.9 } else { 0.5 };
        if fee_open && rng.gen_bool(paid_share) {
            let at = self.clock.step(rng);
            let status = PaymentStatus::Paid;
            self.apply(
                &Principal::System,
                CommandKind::RecordPayment { status },
                at,
            )
            .await?;
        }
        if rng.gen_bool(0.15) {
            let at = self.clock.step(rng);
            let text = pick(rng, texts::CITIZEN_AFTER_DECISION).to_owned();
            let citizen = self.citizen.clone();
            self.apply(&citizen, CommandKind::CitizenMessage { text }, at)
                .await?;
        }
        if closed {
            let at = self.clock.step(rng);
            let kind = CommandKind::SetStatus {
                status: CaseStatus::Closed,
                reason: Some(pick(rng, texts::CLOSE_REASONS).to_owned()),
            };
            self.apply(me, kind, at).await?;
        }
        Ok(())
    }

    /// Hears the citizen on the intended decision: two weeks to say something, then
    /// the citizen's statement, or the system notes that the period passed.
    async fn hear(
        &mut self,
        me: &Principal,
        verdict: &Verdict,
        rng: &mut StdRng,
    ) -> anyhow::Result<()> {
        let at = self.clock.step(rng);
        let reasons = verdict.reasons().unwrap_or_default();
        let answer_due = self.answer_due(at, Period::Weeks(2), false, rng)?;
        let hearing = CommandKind::StartHearing {
            intended: reasons::intended(verdict.outcome, &reasons),
            answer_due,
            message: pick(rng, texts::HEARING_MESSAGES).to_owned(),
            letter_sha256: None,
        };
        self.apply(me, hearing, at).await?;
        let request_id = self.open_request_id()?;
        let expiry = morning_of(answer_due + Duration::days(1));
        if rng.gen_bool(0.4) && self.clock.jump_to(expiry) {
            let kind = CommandKind::ExpireRequest { request_id };
            return self.apply(&Principal::System, kind, expiry).await;
        }
        let at = self.clock.step(rng);
        let statement = CommandKind::AnswerRequest {
            request_id,
            documents: Vec::new(),
            message: Some(pick(rng, texts::HEARING_STATEMENTS).to_owned()),
            items: Vec::new(),
        };
        let citizen = self.citizen.clone();
        self.apply(&citizen, statement, at).await
    }

    /// A case waiting for the citizen's statement on an intended rejection.
    pub(super) async fn await_statement(
        &mut self,
        service: &ServiceDefinition,
        me: &Principal,
        rng: &mut StdRng,
    ) -> anyhow::Result<()> {
        let verdict = self.verdict(service, Outcome::Rejected, rng);
        let at = self.clock.step(rng);
        let answer_due = self.answer_due(at, Period::Weeks(2), true, rng)?;
        let reasons = verdict.reasons().unwrap_or_default();
        let hearing = CommandKind::StartHearing {
            intended: reasons::intended(Outcome::Rejected, &reasons),
            answer_due,
            message: pick(rng, texts::HEARING_MESSAGES).to_owned(),
            letter_sha256: None,
        };
        self.apply(me, hearing, at).await
    }

    fn open_request_id(&self) -> anyhow::Result<Uuid> {
        self.case
            .requests
            .iter()
            .rev()
            .find(|r| r.status == RequestStatus::Open)
            .map(|r| r.id)
            .ok_or_else(|| anyhow!("{}: the request is missing", self.case.aktenzeichen))
    }

    /// A fee or tax notice after the decision, written, issued and delivered. Tax
    /// notices go by post (the AO's portal retrieval is not configured).
    async fn issue_notice(
        &mut self,
        service: &ServiceDefinition,
        worker: &StaffUser,
        kind: NoticeKind,
        amount_cents: i64,
        planned: &PlannedCase,
        rng: &mut StdRng,
    ) -> anyhow::Result<()> {
        let me = Principal::Staff(worker.clone());
        let at = self.clock.step(rng);
        let (letter_kind, channel) = match kind {
            NoticeKind::Fee => (
                LetterKind::FeeNotice,
                delivery::channel_for(&service.law, planned.consents, rng),
            ),
            NoticeKind::Tax => (LetterKind::TaxNotice, DeliveryChannel::Post),
        };
        let spec = LetterSpec {
            kind: letter_kind,
            channel,
            grounds: None,
            fee_cents: (kind == NoticeKind::Fee).then_some(amount_cents),
        };
        let letter = self.letter(service, worker, &spec, at).await?;
        let notice = CommandKind::IssueNotice {
            kind,
            letter_sha256: Some(letter.sha256),
            amount_cents,
            channel,
        };
        self.apply(&me, notice, at).await?;
        let notice_id = self
            .case
            .notices
            .last()
            .map(|n| n.id)
            .ok_or_else(|| anyhow!("{}: the notice is missing", self.case.aktenzeichen))?;
        self.deliver(&me, Some(notice_id), false, rng).await
    }

    /// Plays the delivery of the decision (`None`) or notice `notice_id`: a letter is
    /// posted or served and the caseworker records the day; from the portal the
    /// citizen fetches it, or now and then does not, and after ten days the system
    /// notes that and the caseworker mostly posts it instead. A closed case's
    /// delivery always completes. What would happen after the demo's present does
    /// not happen.
    async fn deliver(
        &mut self,
        me: &Principal,
        notice_id: Option<Uuid>,
        must_complete: bool,
        rng: &mut StdRng,
    ) -> anyhow::Result<()> {
        let delivery = self
            .case
            .delivery_of(notice_id)
            .cloned()
            .ok_or_else(|| anyhow!("{}: nothing to deliver", self.case.aktenzeichen))?;
        let issued_at = self.clock.now();
        match (delivery.channel, delivery.notified_at) {
            (DeliveryChannel::Portal, Some(notified)) => {
                let fetched = must_complete || rng.gen_bool(0.85);
                let at = retrieval_moment(notified, rng);
                if fetched && self.clock.jump_to(at) {
                    let citizen = self.citizen.clone();
                    let kind = CommandKind::RecordRetrieval { notice_id };
                    return self.apply(&citizen, kind, at).await;
                }
                let Some(lapsed_at) = lapse_moment(notified) else {
                    return Ok(());
                };
                if fetched || !self.clock.jump_to(lapsed_at) {
                    return Ok(());
                }
                let kind = CommandKind::LapseRetrieval { notice_id };
                self.apply(&Principal::System, kind, lapsed_at).await?;
                if rng.gen_bool(0.6) {
                    self.record_dispatch(me, notice_id, DeliveryChannel::Post, lapsed_at, rng)
                        .await?;
                }
                Ok(())
            }
            (channel, _) => {
                self.record_dispatch(me, notice_id, channel, issued_at, rng)
                    .await
            }
        }
    }

    /// Records that the letter went out after `after`, if that day has come.
    async fn record_dispatch(
        &mut self,
        me: &Principal,
        notice_id: Option<Uuid>,
        channel: DeliveryChannel,
        after: DateTime<Utc>,
        rng: &mut StdRng,
    ) -> anyhow::Result<()> {
        let on = dispatch_day(channel, after, rng);
        let at = office_hours(next_working_day_on_or_after(on), rng);
        if self.clock.jump_to(at) {
            let kind = CommandKind::RecordDispatch {
                notice_id,
                channel,
                on,
            };
            self.apply(me, kind, at).await?;
        }
        Ok(())
    }

    /// A real letter (DIN 5008, PDF/A-2b) from the built-in templates, as a desktop
    /// renders and uploads it: signed "Im Auftrag" by the caseworker who decided.
    async fn letter(
        &self,
        service: &ServiceDefinition,
        worker: &StaffUser,
        spec: &LetterSpec,
        at: DateTime<Utc>,
    ) -> anyhow::Result<Accepted> {
        let (templates, letterhead) = demo_letters();
        let contact = casedesk_letters::Contact {
            name: worker.display_name.clone(),
            office: self.tenant.office_name(self.case.office_id).to_owned(),
            phone: letterhead.phone.clone(),
            email: letterhead.email.clone(),
        };
        let mut context = LetterContext::issued_by(local_date(at), contact);
        context.channel = spec.channel;
        if let Some(grounds) = &spec.grounds {
            context.reasons = Some(grounds.reasons.clone());
            context.partial_note = grounds.scope.clone();
        }
        context.fee_cents = spec.fee_cents;
        let mut input = LetterInput::from_case(&self.case, service, spec.kind, &context)
            .with_context(|| format!("{}: letter input", self.case.aktenzeichen))?;
        if spec.fee_cents.is_none() {
            input.fee = None;
        }
        let pdf = casedesk_letters::render(templates, letterhead, &input, &RenderOptions::at(at))
            .with_context(|| {
            format!(
                "{}: rendering {}",
                self.case.aktenzeichen,
                input.template_name()
            )
        })?;
        let me = Principal::Staff(worker.clone());
        self.tenant.store_bytes(pdf, &me).await
    }
}

/// The built-in letter templates and letterhead, compiled once per process.
fn demo_letters() -> &'static (casedesk_letters::TemplateSet, casedesk_letters::Letterhead) {
    static LETTERS: std::sync::OnceLock<(
        casedesk_letters::TemplateSet,
        casedesk_letters::Letterhead,
    )> = std::sync::OnceLock::new();
    LETTERS.get_or_init(|| {
        (
            casedesk_letters::TemplateSet::defaults(),
            casedesk_letters::Letterhead::demo(),
        )
    })
}
