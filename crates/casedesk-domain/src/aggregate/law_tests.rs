//! Tests of the rules that make a decision lawful: reasons, the outcomes and channels
//! a service allows, consent, announcement by channel, hearings, notices after the
//! decision and answer deadlines on working days.

use super::tests::{anna, at, d, new_case, run};
use super::*;
use crate::command::CommandKind;
use crate::delivery::{DeliveryChannel, DeliveryState};
use crate::law::{DeliveryRequirement, Procedure};
use crate::lifecycle::Outcome;
use chrono::TimeZone;

const LETTER: &str = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";

fn citizen() -> ActorRef {
    ActorRef::Citizen {
        citizen_id: Uuid::from_u128(100),
        name: "Erika Mustermann".into(),
    }
}

/// A case claimed by Anna on 3 March 2026.
fn claimed() -> CaseAggregate {
    let mut case = new_case();
    run(&mut case, &anna(), CommandKind::Claim, 1, at(3)).unwrap();
    case
}

fn decision(outcome: Outcome, reasons: Option<&str>, channel: DeliveryChannel) -> CommandKind {
    CommandKind::RecordDecision {
        outcome,
        letter_sha256: Some(LETTER.into()),
        fee_cents: match outcome {
            Outcome::Approved => 3_000,
            Outcome::Rejected => 1_000,
            _ => 2_000,
        },
        reasons: reasons.map(str::to_owned),
        channel,
    }
}

fn decide(
    case: &mut CaseAggregate,
    command: CommandKind,
    now: DateTime<Utc>,
) -> Result<usize, Rejection> {
    let version = case.version;
    run(case, &anna(), command, version, now)
}

fn message(result: Result<usize, Rejection>) -> String {
    result.unwrap_err().message
}

#[test]
fn no_rejection_or_partial_approval_without_the_caseworkers_reasons() {
    for outcome in [Outcome::Rejected, Outcome::Partial] {
        let mut case = claimed();
        for reasons in [None, Some("   ")] {
            let refused = decide(
                &mut case,
                decision(outcome, reasons, DeliveryChannel::Post),
                at(4),
            );
            assert!(message(refused).contains("§ 39 VwVfG NRW"), "{outcome:?}");
        }
        decide(
            &mut case,
            decision(
                outcome,
                Some(" Die Fläche liegt im Radweg. "),
                DeliveryChannel::Post,
            ),
            at(4),
        )
        .unwrap();
        let recorded = case.decision.as_ref().unwrap();
        assert_eq!(
            recorded.reasons.as_deref(),
            Some("Die Fläche liegt im Radweg.")
        );
    }
    // An approval needs none.
    let mut case = claimed();
    decide(
        &mut case,
        decision(Outcome::Approved, None, DeliveryChannel::Post),
        at(4),
    )
    .unwrap();
}

#[test]
fn only_the_outcomes_and_channels_the_service_knows() {
    let mut case = claimed();
    let refused = decide(
        &mut case,
        decision(Outcome::Receipted, None, DeliveryChannel::Post),
        at(4),
    );
    assert!(message(refused).contains("nicht vorgesehen"));
    let refused = decide(
        &mut case,
        decision(Outcome::Approved, None, DeliveryChannel::Zustellung),
        at(4),
    );
    assert!(message(refused).contains("Förmliche Zustellung"));
    // Without the service's law nothing can be decided.
    let mut ctx = DecideContext::at(at(4));
    ctx.letter_stored = true;
    let refused = case.decide(
        &anna(),
        &decision(Outcome::Approved, None, DeliveryChannel::Post),
        case.version,
        &ctx,
    );
    assert!(
        refused
            .unwrap_err()
            .message
            .contains("keine Rechtsgrundlagen")
    );
}

#[test]
fn portal_delivery_needs_consent_and_a_letter() {
    let mut case = claimed();
    case.consents.portal_delivery = false;
    let refused = decide(
        &mut case,
        decision(Outcome::Approved, None, DeliveryChannel::Portal),
        at(4),
    );
    assert!(message(refused).contains("§ 41 Abs. 2a"));
    case.consents.portal_delivery = true;
    let without_letter = CommandKind::RecordDecision {
        outcome: Outcome::Approved,
        letter_sha256: None,
        fee_cents: 0,
        reasons: None,
        channel: DeliveryChannel::Portal,
    };
    assert!(message(decide(&mut case, without_letter, at(4))).contains("als Dokument"));
}

#[test]
fn a_portal_decision_is_announced_the_day_after_the_first_retrieval() {
    let mut case = claimed();
    decide(
        &mut case,
        decision(Outcome::Approved, None, DeliveryChannel::Portal),
        at(4),
    )
    .unwrap();
    let delivery = &case.decision.as_ref().unwrap().delivery;
    assert_eq!(delivery.notified_at, Some(at(4)));
    assert_eq!(delivery.state(), DeliveryState::AwaitingRetrieval);
    // Staff cannot pretend the citizen retrieved it.
    let version = case.version;
    let by_staff = run(
        &mut case,
        &anna(),
        CommandKind::RecordRetrieval { notice_id: None },
        version,
        at(5),
    );
    assert_eq!(by_staff.unwrap_err().code, RejectionCode::NotPermitted);
    // Retrieved at 00:30 in Minden on Friday 13.03.2026 (still the 12th in UTC):
    // announced Saturday 14.03., the action period ends Tuesday 14.04.2026; the fee
    // falls due two weeks after the announcement, Saturday 28.03. → Monday 30.03.
    let retrieved = Utc.with_ymd_and_hms(2026, 3, 12, 23, 30, 0).unwrap();
    let version = case.version;
    run(
        &mut case,
        &citizen(),
        CommandKind::RecordRetrieval { notice_id: None },
        version,
        retrieved,
    )
    .unwrap();
    let delivery = &case.decision.as_ref().unwrap().delivery;
    assert_eq!(delivery.retrieved_at, Some(retrieved));
    let dates = delivery.dates.unwrap();
    assert_eq!(dates.announced, d(14));
    assert_eq!(
        dates.remedy_deadline,
        NaiveDate::from_ymd_opt(2026, 4, 14).unwrap()
    );
    assert_eq!(dates.fee_due, Some(d(30)));
    // A second download changes nothing.
    let version = case.version;
    assert_eq!(
        run(
            &mut case,
            &citizen(),
            CommandKind::RecordRetrieval { notice_id: None },
            version,
            at(20)
        ),
        Ok(0)
    );
}

#[test]
fn an_unretrieved_decision_lapses_after_ten_days_and_then_goes_by_post() {
    let mut case = claimed();
    decide(
        &mut case,
        decision(Outcome::Approved, None, DeliveryChannel::Portal),
        at(4),
    )
    .unwrap();
    // While it may still be retrieved, it cannot be posted instead.
    let post = |on| CommandKind::RecordDispatch {
        notice_id: None,
        channel: DeliveryChannel::Post,
        on,
    };
    assert!(message(decide(&mut case, post(d(10)), at(10))).contains("zehn Tagen"));
    assert!(case.lapsed_retrievals(d(14)).is_empty());
    let version = case.version;
    let early = run(
        &mut case,
        &ActorRef::System,
        CommandKind::LapseRetrieval { notice_id: None },
        version,
        at(14),
    );
    assert!(early.is_err());
    // Notified 04.03.: the tenth day is 14.03.; on the 15th it has lapsed, and a
    // retrieval then announces nothing even before the job marks it.
    assert_eq!(case.lapsed_retrievals(d(15)), vec![None]);
    assert_eq!(
        run(
            &mut case,
            &citizen(),
            CommandKind::RecordRetrieval { notice_id: None },
            version,
            at(15)
        ),
        Ok(0)
    );
    run(
        &mut case,
        &ActorRef::System,
        CommandKind::LapseRetrieval { notice_id: None },
        version,
        at(15),
    )
    .unwrap();
    assert_eq!(
        case.decision.as_ref().unwrap().delivery.state(),
        DeliveryState::RetrievalLapsed
    );
    // A retrieval now announces nothing.
    let version = case.version;
    assert_eq!(
        run(
            &mut case,
            &citizen(),
            CommandKind::RecordRetrieval { notice_id: None },
            version,
            at(16)
        ),
        Ok(0)
    );
    // Posted Monday 16.03.: announced Friday 20.03.
    decide(&mut case, post(d(16)), at(16)).unwrap();
    let delivery = &case.decision.as_ref().unwrap().delivery;
    assert_eq!(delivery.channel, DeliveryChannel::Post);
    assert_eq!(delivery.dates.unwrap().announced, d(20));
}

#[test]
fn a_dispatch_date_lies_between_the_decision_and_today() {
    let mut case = claimed();
    decide(
        &mut case,
        decision(Outcome::Approved, None, DeliveryChannel::Post),
        at(4),
    )
    .unwrap();
    let post = |on| CommandKind::RecordDispatch {
        notice_id: None,
        channel: DeliveryChannel::Post,
        on,
    };
    assert!(message(decide(&mut case, post(d(6)), at(5))).contains("Zukunft"));
    assert!(message(decide(&mut case, post(d(3)), at(5))).contains("vor dem Bescheid"));
    decide(&mut case, post(d(5)), at(5)).unwrap();
    assert!(message(decide(&mut case, post(d(5)), at(6))).contains("bereits bekannt gegeben"));
}

#[test]
fn a_building_permit_is_served_and_announced_on_the_day_of_service() {
    let mut case = claimed();
    let mut law = super::tests::law();
    law.delivery = DeliveryRequirement::Zustellung;
    let mut ctx = DecideContext::at(at(4));
    ctx.law = Some(law.clone());
    ctx.letter_stored = true;
    let refused = case.decide(
        &anna(),
        &decision(Outcome::Approved, None, DeliveryChannel::Post),
        case.version,
        &ctx,
    );
    assert!(refused.is_err());
    let events = case
        .decide(
            &anna(),
            &decision(Outcome::Approved, None, DeliveryChannel::Zustellung),
            case.version,
            &ctx,
        )
        .unwrap();
    case.record(events, &anna(), None, at(4), case.seq + 1);
    let serve = CommandKind::RecordDispatch {
        notice_id: None,
        channel: DeliveryChannel::Zustellung,
        on: d(6),
    };
    decide(&mut case, serve, at(9)).unwrap();
    let dates = case.decision.as_ref().unwrap().delivery.dates.unwrap();
    assert_eq!(dates.announced, d(6));
    assert_eq!(
        dates.remedy_deadline,
        NaiveDate::from_ymd_opt(2026, 4, 7).unwrap()
    );
}

#[test]
fn a_kag_fee_in_a_vwvfg_decision_is_announced_as_a_levy() {
    // The partial approval's fee is a KAG fee. Posted Monday 30.03.2026: the
    // decision counts as announced on Karfreitag 03.04. (VwVfG, not moved), its
    // action period ends Monday 04.05.; the fee part is announced under the AO on
    // Tuesday 07.04., its objection period ends 07.05., and it falls due two weeks
    // after that day, on 21.04.
    let mut case = claimed();
    let now = Utc.with_ymd_and_hms(2026, 3, 30, 9, 0, 0).unwrap();
    decide(
        &mut case,
        decision(
            Outcome::Partial,
            Some("Nur die Hälfte"),
            DeliveryChannel::Post,
        ),
        now,
    )
    .unwrap();
    let delivery = &case.decision.as_ref().unwrap().delivery;
    assert_eq!(delivery.procedure, Procedure::Verwaltungsverfahren);
    assert_eq!(delivery.fee_procedure, Some(Procedure::Abgaben));
    let post = CommandKind::RecordDispatch {
        notice_id: None,
        channel: DeliveryChannel::Post,
        on: NaiveDate::from_ymd_opt(2026, 3, 30).unwrap(),
    };
    decide(&mut case, post, now).unwrap();
    let dates = case.decision.as_ref().unwrap().delivery.dates.unwrap();
    let april = |day| NaiveDate::from_ymd_opt(2026, 4, day).unwrap();
    let may = |day| NaiveDate::from_ymd_opt(2026, 5, day).unwrap();
    assert_eq!(dates.announced, april(3));
    assert_eq!(dates.remedy_deadline, may(4));
    assert_eq!(dates.fee_announced, Some(april(7)));
    assert_eq!(dates.fee_remedy_deadline, Some(may(7)));
    assert_eq!(dates.fee_due, Some(april(21)));
    // Without a fee, nothing differs.
    let mut free = claimed();
    let mut command = decision(
        Outcome::Partial,
        Some("Nur die Hälfte"),
        DeliveryChannel::Post,
    );
    if let CommandKind::RecordDecision { fee_cents, .. } = &mut command {
        *fee_cents = 0;
    }
    decide(&mut free, command, now).unwrap();
    assert_eq!(free.decision.as_ref().unwrap().delivery.fee_procedure, None);
}

#[test]
fn a_fee_notice_after_the_decision_has_its_own_delivery_and_dates() {
    // Decision posted 05.03.2026; a separate fee notice posted 20.04.2026 must not
    // reuse the decision's dates (review A3.4).
    let mut case = claimed();
    decide(
        &mut case,
        decision(Outcome::Approved, None, DeliveryChannel::Post),
        at(4),
    )
    .unwrap();
    decide(
        &mut case,
        CommandKind::RecordDispatch {
            notice_id: None,
            channel: DeliveryChannel::Post,
            on: d(5),
        },
        at(5),
    )
    .unwrap();
    let april = |day| Utc.with_ymd_and_hms(2026, 4, day, 9, 0, 0).unwrap();
    let notice = CommandKind::IssueNotice {
        kind: NoticeKind::Fee,
        letter_sha256: Some(LETTER.into()),
        amount_cents: 4_500,
        channel: DeliveryChannel::Post,
    };
    decide(&mut case, notice, april(20)).unwrap();
    let notice_id = case.notices[0].id;
    assert_eq!(case.fee.as_ref().unwrap().amount_cents, 4_500);
    assert!(crate::kassenzeichen::is_valid(
        &case.fee.as_ref().unwrap().kassenzeichen
    ));
    decide(
        &mut case,
        CommandKind::RecordDispatch {
            notice_id: Some(notice_id),
            channel: DeliveryChannel::Post,
            on: NaiveDate::from_ymd_opt(2026, 4, 20).unwrap(),
        },
        april(20),
    )
    .unwrap();
    let notice_dates = case.notices[0].delivery.dates.unwrap();
    // 20.04. + 4 = Friday 24.04.; due two weeks later, Friday 08.05.
    assert_eq!(
        notice_dates.announced,
        NaiveDate::from_ymd_opt(2026, 4, 24).unwrap()
    );
    assert_eq!(
        notice_dates.fee_due,
        Some(NaiveDate::from_ymd_opt(2026, 5, 8).unwrap())
    );
    assert_eq!(
        case.decision
            .as_ref()
            .unwrap()
            .delivery
            .dates
            .unwrap()
            .announced,
        d(9)
    );
    // A tax notice needs a tax in the service's law.
    let tax = CommandKind::IssueNotice {
        kind: NoticeKind::Tax,
        letter_sha256: None,
        amount_cents: 12_000,
        channel: DeliveryChannel::Post,
    };
    assert!(message(decide(&mut case, tax, april(21))).contains("keiner Steuer"));
}

#[test]
fn a_hearing_waits_for_the_citizens_statement() {
    let mut case = claimed();
    let hearing = CommandKind::StartHearing {
        intended: "Wir beabsichtigen, die Erlaubnis mit der Auflage … zu erteilen.".into(),
        answer_due: d(18),
        message: "Sie können sich bis zum 18.03.2026 äußern.".into(),
        letter_sha256: None,
    };
    decide(&mut case, hearing, at(4)).unwrap();
    assert_eq!(case.status, CaseStatus::AwaitingCitizen);
    let request = case.requests[0].clone();
    assert_eq!(request.purpose, RequestPurpose::Hearing);
    assert!(request.items.is_empty());
    let version = case.version;
    run(
        &mut case,
        &citizen(),
        CommandKind::AnswerRequest {
            request_id: request.id,
            documents: Vec::new(),
            message: Some("Ich bin mit der Auflage nicht einverstanden.".into()),
            items: Vec::new(),
        },
        version,
        at(10),
    )
    .unwrap();
    assert_eq!(case.status, CaseStatus::InReview);
    assert_eq!(case.requests[0].status, RequestStatus::Answered);
}

#[test]
fn answer_deadlines_end_on_working_days() {
    let mut case = claimed();
    let request = |answer_due| CommandKind::RequestItems {
        items: vec![RequestedItem {
            kind: None,
            description: "Nachweis".into(),
            replaces: None,
        }],
        reason: "fehlt".into(),
        answer_due,
        message: "Bitte nachreichen".into(),
        letter_sha256: None,
    };
    // Saturday 21.03.2026.
    let refused = message(decide(&mut case, request(d(21)), at(4)));
    assert!(
        refused.contains("Werktag") && refused.contains("23.03.2026"),
        "{refused}"
    );
    // At 23:30 UTC on 19.03. it is already the 20th in Minden: the 20th is not in
    // the future any more.
    let late = Utc.with_ymd_and_hms(2026, 3, 19, 23, 30, 0).unwrap();
    assert!(message(decide(&mut case, request(d(20)), late)).contains("Zukunft"));
    // A request of older data due on a Saturday expires only after the Monday.
    let old = ItemsRequest {
        id: Uuid::nil(),
        purpose: RequestPurpose::Items,
        items: Vec::new(),
        reason: String::new(),
        message: String::new(),
        answer_due: d(21),
        requested_at: at(4),
        requested_by: Uuid::nil(),
        status: RequestStatus::Open,
        answered_at: None,
        letter_sha256: None,
        answers: Vec::new(),
        last_answer_at: None,
        closed_reason: None,
    };
    assert!(!old.answer_period_over(d(23)));
    assert!(old.answer_period_over(d(24)));
}

#[test]
fn old_aggregates_without_delivery_or_consents_still_read() {
    // A decision stored before decisions had channels: the old date fields are
    // ignored, and the delivery reads as post not yet recorded.
    let mut case = claimed();
    decide(
        &mut case,
        decision(Outcome::Approved, None, DeliveryChannel::Post),
        at(4),
    )
    .unwrap();
    let mut json = serde_json::to_value(&case).unwrap();
    let decision = json["decision"].as_object_mut().unwrap();
    decision.remove("delivery");
    decision.insert("made_available".into(), "2026-03-04".into());
    decision.insert("deemed_delivery".into(), "2026-03-09".into());
    decision.insert("appeal_deadline".into(), "2026-04-09".into());
    json.as_object_mut().unwrap().remove("consents");
    let old: CaseAggregate = serde_json::from_value(json).unwrap();
    assert_eq!(
        old.decision.unwrap().delivery.state(),
        DeliveryState::AwaitingDispatch
    );
    assert!(!old.consents.portal_delivery);
}

#[test]
fn what_a_command_creates_has_the_same_id_wherever_it_is_decided() {
    // The desktop decides a notice optimistically, the portal decides it again: both
    // give it the same id, so a dispatch queued offline after it names the right one.
    let mut case = claimed();
    decide(
        &mut case,
        decision(Outcome::Approved, None, DeliveryChannel::Post),
        at(4),
    )
    .unwrap();
    let notice = CommandKind::IssueNotice {
        kind: NoticeKind::Fee,
        letter_sha256: None,
        amount_cents: 4_500,
        channel: DeliveryChannel::Post,
    };
    let mut ctx = DecideContext::at(at(5));
    ctx.law = Some(super::tests::law());
    ctx.command_id = Some(Uuid::from_u128(77));
    let ids = |ctx: &DecideContext| match case.decide(&anna(), &notice, case.version, ctx) {
        Ok(events) => match &events[0] {
            EventKind::NoticeIssued { notice_id, .. } => *notice_id,
            other => panic!("{other:?}"),
        },
        Err(rejection) => panic!("{rejection}"),
    };
    assert_eq!(ids(&ctx), ids(&ctx));
    let mut other = ctx.clone();
    other.command_id = Some(Uuid::from_u128(78));
    assert_ne!(ids(&ctx), ids(&other));
}
