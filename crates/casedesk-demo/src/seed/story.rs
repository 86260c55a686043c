//! One seeded case's story: its fate drawn from its age, then built in memory by the
//! domain itself (`CaseAggregate::submit`, then real commands through `decide` and
//! `record`), step by step as a caseworker, a team lead, the citizen or the system
//! would act on it: decisions with an outcome the service's law knows, the
//! caseworker's reasons where something is refused, and their delivery by the
//! channel the law and the applicant's consent allow.

use anyhow::anyhow;
use casedesk_domain::aggregate::{
    AssigneeInfo, DecideContext, DocumentMeta, Fee, NewCase, PaymentStatus, Priority,
    RequestStatus, RequestedItem, Verdict,
};
use casedesk_domain::command::CommandKind;
use casedesk_domain::deadline::{self, local_date};
use casedesk_domain::delivery::DeliveryChannel;
use casedesk_domain::holidays::next_working_day_on_or_after;
use casedesk_domain::lifecycle::{ActorRef, CaseStatus, Outcome};
use casedesk_domain::wire::ServiceDefinition;
use casedesk_domain::{Aktenzeichen, CaseAggregate};
use chrono::{DateTime, Datelike, Duration, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use super::{Batch, Plan, PooledBlob, SeedOffice, World};
use crate::delivery::{
    channel_for, consents_of, dispatch_day, lapse_moment, office_hours, retrieval_moment,
};
use crate::names::Person;
use crate::texts::{self, pick};
use crate::timeline::Timeline;
use crate::{reasons, services};
use casedesk_portal_store::Principal;

/// Where a seeded case ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fate {
    Submitted,
    InReview,
    AwaitingCitizen,
    Decided(Outcome),
    Closed(Outcome),
    Withdrawn,
}

/// The state of a case received `age_days` ago: young cases are mostly open, old
/// ones mostly closed, as in a year of real work.
pub(super) fn draw_fate(age_days: f64, rng: &mut StdRng) -> Fate {
    let weights: [u32; 6] = if age_days < 7.0 {
        [35, 40, 15, 5, 0, 5]
    } else if age_days < 30.0 {
        [3, 27, 15, 35, 10, 10]
    } else {
        [0, 3, 2, 12, 76, 7]
    };
    let mut roll = rng.gen_range(0..weights.iter().sum::<u32>());
    let mut index = 0;
    for (i, weight) in weights.iter().enumerate() {
        if roll < *weight {
            index = i;
            break;
        }
        roll -= weight;
    }
    let outcome = match rng.gen_range(0..100) {
        0..75 => Outcome::Approved,
        75..88 => Outcome::Partial,
        _ => Outcome::Rejected,
    };
    match index {
        0 => Fate::Submitted,
        1 => Fate::InReview,
        2 => Fate::AwaitingCitizen,
        3 => Fate::Decided(outcome),
        4 => Fate::Closed(outcome),
        _ => Fate::Withdrawn,
    }
}

pub(super) fn build_batch(world: &World, plans: Vec<Plan>, seed: u64) -> anyhow::Result<Batch> {
    let mut rng = StdRng::seed_from_u64(seed);
    plans
        .iter()
        .map(|plan| build_case(world, plan, &mut rng))
        .collect()
}

/// A case being built in memory.
pub(super) struct Builder<'w> {
    world: &'w World,
    service: &'w ServiceDefinition,
    case: CaseAggregate,
    clock: Timeline,
}

impl Builder<'_> {
    /// Decides and records one command, as the portal would.
    fn run(
        &mut self,
        actor: &ActorRef,
        kind: CommandKind,
        at: DateTime<Utc>,
        assignee: Option<AssigneeInfo>,
    ) -> anyhow::Result<()> {
        let mut ctx = DecideContext::at(at);
        ctx.fee_due_after = self.world.fee_due_after;
        if matches!(
            kind,
            CommandKind::RecordDecision { .. } | CommandKind::IssueNotice { .. }
        ) {
            ctx.law = Some(self.service.law.clone());
        }
        ctx.assignee = assignee;
        // The only letter referenced is the pooled one, which is stored.
        ctx.letter_stored = true;
        let events = self
            .case
            .decide(actor, &kind, self.case.version, &ctx)
            .map_err(|rejection| {
                anyhow!(
                    "seed case {}: {} was refused: {rejection}",
                    self.case.aktenzeichen,
                    kind.name()
                )
            })?;
        self.case.record(events, actor, Some(Uuid::now_v7()), at, 0);
        Ok(())
    }
}

/// A document of the pool as uploaded to one case.
pub(super) fn document_meta(
    blob: &PooledBlob,
    kind: Option<&str>,
    at: DateTime<Utc>,
) -> DocumentMeta {
    DocumentMeta {
        id: Uuid::now_v7(),
        sha256: blob.sha256.clone(),
        file_name: blob.file_name.clone(),
        media_type: blob.media_type.clone(),
        size: blob.size,
        kind: kind.map(str::to_owned),
        uploaded_at: at,
        from_citizen: true,
        review: None,
    }
}

pub(super) fn build_case(
    world: &World,
    plan: &Plan,
    rng: &mut StdRng,
) -> anyhow::Result<(CaseAggregate, Uuid)> {
    let (citizen, office_index) = &world.citizens[plan.citizen];
    let office = &world.offices[*office_index];
    let service = &world.services[plan.service];
    let received = plan.received_at;
    let person = Person {
        given_name: citizen.given_name.clone(),
        family_name: citizen.family_name.clone(),
        street: citizen.street.clone(),
        postal_code: citizen.postal_code.clone(),
        phone: None,
    };
    let form = services::sample_form(service, &person, local_date(received), rng);
    let aktenzeichen =
        Aktenzeichen::new(&office.info.code, &service.id, received.year(), plan.number)
            .map_err(|e| anyhow!("Aktenzeichen for office {}: {e}", office.info.code))?;

    // The required documents plus a few the citizen adds unasked, about four in all,
    // uploaded while the form was filled in.
    let uploaded = received - Duration::minutes(rng.gen_range(1..30));
    let mut documents: Vec<DocumentMeta> = service
        .required_documents_for(&form)
        .into_iter()
        .filter_map(|doc| {
            let blob = world.by_kind.get(&doc.key)?;
            Some(document_meta(blob, Some(&doc.key), uploaded))
        })
        .collect();
    let wanted = rng.gen_range(3..=5);
    while documents.len() < wanted {
        let blob = world.extras.choose(rng).expect("the pool has extras");
        documents.push(document_meta(blob, None, uploaded));
    }
    let fee_cents = service.fee_cents(&form);
    let citizen_actor = Principal::Citizen(citizen.clone()).actor();
    let new = NewCase {
        id: Uuid::now_v7(),
        aktenzeichen: aktenzeichen.to_string(),
        office_id: office.info.id,
        service_id: service.id.clone(),
        received_at: received,
        processing_period: service.processing_period,
        applicant: citizen.applicant(),
        consents: consents_of(&citizen.email),
        form_data: form,
        documents,
        fee: (fee_cents > 0).then(|| Fee {
            amount_cents: fee_cents,
            kassenzeichen: casedesk_domain::kassenzeichen::of(&aktenzeichen),
            status: PaymentStatus::Open,
        }),
    };
    let mut b = Builder {
        world,
        service,
        case: CaseAggregate::submit(new, &citizen_actor, 0).0,
        clock: Timeline::new(received, world.end),
    };

    let age_days = (world.end - received).num_seconds() as f64 / 86_400.0;
    let fate = draw_fate(age_days, rng);
    play(&mut b, fate, service, office, &citizen_actor, rng)?;
    Ok((b.case, citizen.id))
}

fn play(
    b: &mut Builder<'_>,
    fate: Fate,
    service: &ServiceDefinition,
    office: &SeedOffice,
    citizen: &ActorRef,
    rng: &mut StdRng,
) -> anyhow::Result<()> {
    if rng.gen_bool(0.08) {
        let at = b.clock.step(rng);
        let text = pick(rng, texts::CITIZEN_MESSAGES).to_owned();
        b.run(citizen, CommandKind::CitizenMessage { text }, at, None)?;
    }
    let withdraw = |b: &mut Builder<'_>, rng: &mut StdRng| {
        let at = b.clock.step(rng);
        let reason = Some(pick(rng, texts::WITHDRAW_REASONS).to_owned());
        b.run(citizen, CommandKind::Withdraw { reason }, at, None)
    };
    match fate {
        Fate::Submitted => {
            if rng.gen_bool(0.2) {
                let lead = office.leads.choose(rng).expect("offices have a team lead");
                let at = b.clock.step(rng);
                let text = pick(rng, texts::TEAM_LEAD_NOTES).to_owned();
                b.run(lead, CommandKind::AddNote { text }, at, None)?;
            }
            return Ok(());
        }
        Fate::Withdrawn if rng.gen_bool(0.5) => return withdraw(b, rng),
        _ => {}
    }

    let (worker, info) = office
        .caseworkers
        .choose(rng)
        .expect("offices have caseworkers");
    let at = b.clock.step(rng);
    if rng.gen_bool(0.25) {
        let lead = office.leads.choose(rng).expect("offices have a team lead");
        let kind = CommandKind::Assign {
            assignee: info.user_id,
        };
        b.run(lead, kind, at, Some(info.clone()))?;
    } else {
        b.run(worker, CommandKind::Claim, at, None)?;
    }
    if rng.gen_bool(0.45) {
        let at = b.clock.step(rng);
        let text = pick(rng, texts::NOTES).to_owned();
        b.run(worker, CommandKind::AddNote { text }, at, None)?;
    }
    if rng.gen_bool(0.08) {
        let at = b.clock.step(rng);
        let priority = *[Priority::High, Priority::Urgent, Priority::Low]
            .choose(rng)
            .expect("the list is not empty");
        b.run(worker, CommandKind::SetPriority { priority }, at, None)?;
    }

    let asks_citizen = match fate {
        Fate::AwaitingCitizen => true,
        Fate::Decided(_) | Fate::Closed(_) => rng.gen_bool(0.12),
        Fate::InReview => rng.gen_bool(0.1),
        _ => false,
    };
    let rejected_kind = review(
        b,
        worker,
        fate == Fate::InReview && !asks_citizen,
        asks_citizen,
        rng,
    )?;
    if asks_citizen && !request_and_answer(b, fate, service, worker, citizen, rejected_kind, rng)? {
        return Ok(());
    }
    let (outcome, closed) = match fate {
        Fate::Withdrawn => return withdraw(b, rng),
        Fate::Decided(outcome) => (outcome, false),
        Fate::Closed(outcome) => (outcome, true),
        _ => return Ok(()),
    };
    decide(b, worker, outcome, closed, rng)
}

/// Reviews the case's documents: every required one, and most extras the citizen
/// sent unasked. Work in progress (`partly`) has reviewed only some of them; a case
/// that leads to a request (`reject_first`) has its first document rejected. Returns
/// the kind of the rejected document.
fn review(
    b: &mut Builder<'_>,
    worker: &ActorRef,
    partly: bool,
    reject_first: bool,
    rng: &mut StdRng,
) -> anyhow::Result<Option<String>> {
    let to_review: Vec<(Uuid, Option<String>)> = b
        .case
        .documents
        .iter()
        .filter(|d| d.kind.is_some() || rng.gen_bool(0.7))
        .map(|d| (d.id, d.kind.clone()))
        .collect();
    let reviewed = if partly {
        rng.gen_range(0..=to_review.len())
    } else {
        to_review.len()
    };
    let mut rejected_kind = None;
    for (i, (document_id, kind)) in to_review.into_iter().take(reviewed).enumerate() {
        let at = b.clock.step_share(rng, 0.005, 0.03);
        let (verdict, reason) = if reject_first && i == 0 {
            rejected_kind = kind;
            (
                Verdict::Rejected,
                Some(pick(rng, texts::DOCUMENT_REJECTIONS).to_owned()),
            )
        } else {
            (Verdict::Accepted, None)
        };
        let kind = CommandKind::ReviewDocument {
            document_id,
            verdict,
            reason,
        };
        b.run(worker, kind, at, None)?;
    }

    Ok(rejected_kind)
}

/// Asks the citizen for the rejected document (or a power of attorney) and, unless
/// the case is to stay waiting, plays the answer and its review. Returns whether the
/// case goes on.
fn request_and_answer(
    b: &mut Builder<'_>,
    fate: Fate,
    service: &ServiceDefinition,
    worker: &ActorRef,
    citizen: &ActorRef,
    rejected_kind: Option<String>,
    rng: &mut StdRng,
) -> anyhow::Result<bool> {
    let at = b.clock.step(rng);
    let mut answer_due = deadline::period_end(local_date(at), service.law.answer_period)?;
    if fate == Fate::AwaitingCitizen {
        // Keep waiting cases' deadlines ahead, or the expiry job would move them
        // all on the moment the portal starts.
        let earliest = local_date(b.clock.end()) + Duration::days(rng.gen_range(2..14));
        answer_due = answer_due.max(earliest);
    }
    let answer_due = next_working_day_on_or_after(answer_due);
    let label = rejected_kind.as_deref().map(|kind| {
        service
            .required_documents
            .iter()
            .find(|d| d.key == kind)
            .map_or(kind, |d| d.label.as_str())
    });
    let description = match label {
        Some(label) => texts::request_item_description(label),
        None => "Vollmacht der vertretenen Person (unterschrieben)".to_owned(),
    };
    let kind = CommandKind::RequestItems {
        items: vec![RequestedItem {
            kind: rejected_kind.clone(),
            description,
            replaces: None,
        }],
        reason: pick(rng, texts::REQUEST_REASONS).to_owned(),
        answer_due,
        message: pick(rng, texts::REQUEST_MESSAGES).to_owned(),
        letter_sha256: None,
    };
    b.run(worker, kind, at, None)?;
    if fate == Fate::AwaitingCitizen {
        return Ok(false);
    }
    let request_id = b
        .case
        .requests
        .iter()
        .find(|r| r.status == RequestStatus::Open)
        .map(|r| r.id)
        .ok_or_else(|| anyhow!("seed case {}: no open request", b.case.aktenzeichen))?;
    let at = b.clock.step(rng);
    let blob = match rejected_kind
        .as_deref()
        .and_then(|k| b.world.by_kind.get(k))
    {
        Some(blob) => blob,
        None => b.world.extras.choose(rng).expect("the pool has extras"),
    };
    let document = document_meta(blob, rejected_kind.as_deref(), at);
    let document_id = document.id;
    let message = rng
        .gen_bool(0.5)
        .then(|| pick(rng, texts::ANSWER_MESSAGES).to_owned());
    let kind = CommandKind::AnswerRequest {
        request_id,
        documents: vec![document],
        message,
        items: Vec::new(),
    };
    b.run(citizen, kind, at, None)?;
    let at = b.clock.step(rng);
    let kind = CommandKind::ReviewDocument {
        document_id,
        verdict: Verdict::Accepted,
        reason: None,
    };
    b.run(worker, kind, at, None)?;
    Ok(true)
}

/// The outcome a seeded decision has: the one drawn where the service's law knows
/// it, else the outcome applied for.
fn lawful(service: &ServiceDefinition, drawn: Outcome) -> Outcome {
    services::outcome_for(service, drawn)
        .or_else(|| service.law.applied_for().map(|o| o.outcome))
        .unwrap_or(drawn)
}

/// Records the decision with the reasons and fee its outcome calls for, delivers
/// it, sometimes records the payment, and closes the case if its fate says so.
fn decide(
    b: &mut Builder<'_>,
    worker: &ActorRef,
    drawn: Outcome,
    closed: bool,
    rng: &mut StdRng,
) -> anyhow::Result<()> {
    let service = b.service;
    let outcome = lawful(service, drawn);
    let received = local_date(b.case.received_at);
    let form = &b.case.form_data;
    let grounds = reasons::decision_grounds(&service.id, outcome, form, received, None, rng);
    let fee_cents = reasons::charged_fee(service, outcome, form, grounds.as_ref());
    let reasons = grounds.map(|g| g.reasons);
    let channel = channel_for(&service.law, b.case.consents, rng);
    let at = b.clock.step(rng);
    let kind = CommandKind::RecordDecision {
        outcome,
        letter_sha256: Some(b.world.letter_sha256.clone()),
        fee_cents,
        reasons,
        channel,
    };
    b.run(worker, kind, at, None)?;
    deliver(b, worker, closed, rng)?;
    if fee_cents > 0 && rng.gen_bool(if closed { 0.6 } else { 0.3 }) {
        let at = b.clock.step(rng);
        let kind = CommandKind::RecordPayment {
            status: PaymentStatus::Paid,
        };
        b.run(&ActorRef::System, kind, at, None)?;
    }
    if closed {
        let at = b.clock.step(rng);
        let kind = CommandKind::SetStatus {
            status: CaseStatus::Closed,
            reason: Some(pick(rng, texts::CLOSE_REASONS).to_owned()),
        };
        b.run(worker, kind, at, None)?;
    }
    Ok(())
}

/// Delivers the decision: a letter's dispatch is recorded once its day has come;
/// from the portal mailbox most citizens fetch it in time, and the system notes the
/// few who do not. A closed case's decision is always announced.
fn deliver(
    b: &mut Builder<'_>,
    worker: &ActorRef,
    closed: bool,
    rng: &mut StdRng,
) -> anyhow::Result<()> {
    let Some(delivery) = b.case.delivery_of(None).cloned() else {
        return Ok(());
    };
    match (delivery.channel, delivery.notified_at) {
        (DeliveryChannel::Portal, Some(notified)) => {
            let at = retrieval_moment(notified, rng);
            if (closed || rng.gen_bool(0.9)) && b.clock.jump_to(at) {
                let citizen = b.case.applicant.clone();
                let actor = ActorRef::Citizen {
                    citizen_id: citizen.citizen_id,
                    name: citizen.full_name(),
                };
                let kind = CommandKind::RecordRetrieval { notice_id: None };
                return b.run(&actor, kind, at, None);
            }
            match lapse_moment(notified) {
                Some(at) if !closed && b.clock.jump_to(at) => {
                    let kind = CommandKind::LapseRetrieval { notice_id: None };
                    b.run(&ActorRef::System, kind, at, None)
                }
                _ => Ok(()),
            }
        }
        (channel, _) => {
            let on = dispatch_day(channel, b.clock.now(), rng);
            let at = office_hours(on, rng);
            if !b.clock.jump_to(at) {
                return Ok(());
            }
            let kind = CommandKind::RecordDispatch {
                notice_id: None,
                channel,
                on,
            };
            b.run(worker, kind, at, None)
        }
    }
}
