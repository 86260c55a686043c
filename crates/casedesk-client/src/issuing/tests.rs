//! The engine's letters and decisions on a local store with one sample case of the
//! demo catalog, claimed by the signed-in caseworker, offline: what the caseworker
//! leaves open comes from the service's law, refusals come before anything is
//! queued, and every letter is issued in the caseworker's name.

use casedesk_domain::aggregate::{DecideContext, NoticeKind};
use casedesk_domain::delivery::{DeliveryChannel, DeliveryState};
use casedesk_domain::law::Remedy;
use casedesk_domain::lifecycle::{CaseStatus, Outcome, Role};
use casedesk_domain::wire::{OfficeInfo, UserInfo};
use casedesk_letters::Signature;

use super::*;
use crate::store::{Freshness, Me, ServerCase, keys, write_server_cases};
use crate::{DeskConfig, LocalStore, OutboxState};

fn caseworker() -> UserInfo {
    UserInfo {
        id: Uuid::from_u128(0xa11ce),
        name: "mia".into(),
        display_name: "Mia Maier".into(),
        role: Role::Caseworker,
        offices: vec![OfficeInfo {
            id: Uuid::from_u128(32),
            code: "32".into(),
            name: "Bürgerbüro Rathaus".into(),
        }],
    }
}

/// A desk signed in as the caseworker (no portal needed: everything is queued),
/// with the demo catalog's service `id` and its sample case, claimed by them;
/// `consent` is the applicant's consent to portal delivery.
async fn desk_with_case(id: &str, consent: bool) -> (tempfile::TempDir, Desk) {
    let dir = tempfile::tempdir().unwrap();
    let me = caseworker();
    {
        let store = LocalStore::open(&dir.path().join("casedesk.db"))
            .await
            .unwrap();
        store
            .set_state(keys::PORTAL, "http://127.0.0.1:9/")
            .await
            .unwrap();
        store.set_state(keys::USER_NAME, &me.name).await.unwrap();
        store
            .set_state(keys::USER, &serde_json::to_string(&me).unwrap())
            .await
            .unwrap();
        store.close().await;
    }
    let mut config = DeskConfig::new(dir.path().to_owned());
    config.keyring_service = "casedesk-unit-test".into();
    let desk = Desk::open(config).await.unwrap();
    let service = casedesk_letters::sample::service(id);
    desk.store().put_services(&[service]).await.unwrap();
    let mut case = casedesk_letters::sample::case(id);
    case.consents.portal_delivery = consent;
    let actor = Me::new(me).actor;
    let events = case
        .decide(
            &actor,
            &CommandKind::Claim,
            case.version,
            &DecideContext::at(Utc::now()),
        )
        .unwrap();
    case.record(events, &actor, None, Utc::now(), 2);
    let json = serde_json::to_string(&case).unwrap();
    let mut conn = desk.store().writer.acquire().await.unwrap();
    let server = ServerCase::parse(&json, desk.store().codec()).unwrap();
    write_server_cases(&mut conn, &[server], Freshness::MaybeStored)
        .await
        .unwrap();
    drop(conn);
    (dir, desk)
}

const AZ: &str = "32-SN-2026-000123";

fn recorded_decision(entry: &OutboxEntry) -> (Option<String>, DeliveryChannel, i64, bool) {
    match &entry.command.kind {
        CommandKind::RecordDecision {
            reasons,
            channel,
            fee_cents,
            letter_sha256,
            ..
        } => (
            reasons.clone(),
            *channel,
            *fee_cents,
            letter_sha256.is_some(),
        ),
        other => panic!("not a decision: {other:?}"),
    }
}

#[tokio::test]
async fn a_rejection_needs_the_caseworkers_reasons_and_goes_out_in_their_name() {
    let (_dir, desk) = desk_with_case("SN", true).await;
    let mut draft = DecisionDraft::new(Outcome::Rejected);
    let refused = desk.decide_with_letter(AZ, &draft).await.unwrap_err();
    assert!(refused.to_string().contains("§ 39 VwVfG NRW"), "{refused}");
    assert!(desk.outbox().await.unwrap().is_empty(), "nothing queued");

    draft.reasons = Some("Der Gehweg ist dort nur 1,20 m breit.".into());
    draft.channel = Some(DeliveryChannel::Post);
    // The editable text never holds a closing; the letter adds it.
    let text = desk.decision_text(AZ, &draft).await.unwrap();
    assert!(text.contains("1,20 m breit"), "{text}");
    assert!(
        !text.contains("Im Auftrag") && !text.contains("maschinell"),
        "{text}"
    );

    let entry = desk.decide_with_letter(AZ, &draft).await.unwrap();
    let (reasons, channel, fee_cents, with_letter) = recorded_decision(&entry);
    assert_eq!(
        reasons.as_deref(),
        Some("Der Gehweg ist dort nur 1,20 m breit.")
    );
    assert_eq!(channel, DeliveryChannel::Post);
    // The rejection's own fee under the KAG bylaw, not the approval's use fee.
    assert_eq!(
        fee_cents,
        casedesk_letters::sample::service("SN").fee_for(
            Outcome::Rejected,
            &casedesk_letters::sample::case("SN").form_data
        )
    );
    assert!(with_letter);
    assert_eq!(entry.state, OutboxState::Pending);

    // The letter is signed "Im Auftrag" by the signed-in caseworker.
    let me = desk.signed_in().await.unwrap();
    let detail = desk.case(AZ).await.unwrap();
    let service = detail.service.clone().unwrap();
    let request = LetterRequest {
        reasons: draft.reasons.clone(),
        ..LetterRequest::new(LetterKind::Decision(Outcome::Rejected))
    };
    let input = letters::input(
        &detail.case,
        &service,
        &casedesk_letters::Letterhead::demo(),
        &letters::tenant(&desk.inner.store).await.unwrap(),
        &me,
        &request,
    )
    .unwrap();
    assert_eq!(
        input.signature,
        Signature::Responsible {
            name: "Mia Maier".into()
        }
    );
    let closing = casedesk_letters::closing_markup(&input, &casedesk_letters::Letterhead::demo());
    assert!(
        closing.contains("Im Auftrag") && closing.ends_with("Mia Maier"),
        "{closing}"
    );

    // The case as the caseworker sees it now: decided, by post, waiting for the
    // dispatch to be recorded, with the Klagefrist once announced.
    let law = detail.law.unwrap();
    assert_eq!(detail.case.status, CaseStatus::Decided);
    assert_eq!(law.remedy, Remedy::Klage);
    assert_eq!(law.deliveries.len(), 1);
    // The rejection's processing fee rests on a KAG bylaw: objected to, not sued over.
    assert_eq!(law.deliveries[0].fee_remedy, Some(Remedy::Widerspruch));
    assert_eq!(law.deliveries[0].state, DeliveryState::AwaitingDispatch);
    assert_eq!(detail.actions.record_dispatch.len(), 1);
}

#[tokio::test]
async fn what_the_caseworker_leaves_open_follows_the_law_and_the_consent() {
    let (_dir, desk) = desk_with_case("SN", false).await;
    let detail = desk.case(AZ).await.unwrap();
    let law = detail.law.as_ref().unwrap();
    let outcomes: Vec<(Outcome, bool)> = law
        .outcomes
        .iter()
        .map(|o| (o.outcome, o.needs_reasons))
        .collect();
    assert_eq!(
        outcomes,
        [
            (Outcome::Approved, false),
            (Outcome::Partial, true),
            (Outcome::Rejected, true)
        ]
    );
    assert!(!law.portal_consent);
    assert_eq!(law.default_channel, DeliveryChannel::Post);
    let portal = law
        .channels
        .iter()
        .find(|c| c.channel == DeliveryChannel::Portal)
        .unwrap();
    assert!(!portal.allowed && portal.reason.is_some());
    let due = law.default_answer_due.unwrap();
    assert!(casedesk_domain::holidays::is_working_day(due) && due > detail.today);

    // Without consent the portal is refused, in the domain's words.
    let mut draft = DecisionDraft::new(Outcome::Approved);
    draft.channel = Some(DeliveryChannel::Portal);
    let refused = desk.decide_with_letter(AZ, &draft).await.unwrap_err();
    assert!(refused.to_string().contains("§ 41 Abs. 2a"), "{refused}");
    // Left open, the channel is post and the fee the approval's.
    let entry = desk
        .decide_with_letter(AZ, &DecisionDraft::new(Outcome::Approved))
        .await
        .unwrap();
    let (_, channel, fee_cents, _) = recorded_decision(&entry);
    assert_eq!(channel, DeliveryChannel::Post);
    assert_eq!(fee_cents, law.outcomes[0].fee_cents);
}

#[tokio::test]
async fn a_batch_of_rejections_is_refused_and_approvals_go_out_on_each_cases_channel() {
    let (_dir, desk) = desk_with_case("SN", true).await;
    let refused = desk
        .decide_many(vec![AZ.to_owned()], Outcome::Rejected)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("einzeln"), "{refused}");
    assert!(desk.outbox().await.unwrap().is_empty());

    let missing = "32-BP-2025-000001".to_owned();
    let items = desk
        .decide_many(vec![missing.clone(), AZ.to_owned()], Outcome::Approved)
        .await
        .unwrap();
    let answers: Vec<(&str, Option<&str>)> = items
        .iter()
        .map(|i| {
            (
                i.case_key.as_str(),
                i.error.as_ref().map(|e| e.code.as_str()),
            )
        })
        .collect();
    assert_eq!(
        answers,
        [(missing.as_str(), Some("case_not_found")), (AZ, None)]
    );
    // The applicant consented: the batch's letter goes to the portal mailbox.
    let (_, channel, _, _) = recorded_decision(items[1].entry.as_ref().unwrap());
    assert_eq!(channel, DeliveryChannel::Portal);
}

#[tokio::test]
async fn a_posted_decision_is_announced_once_its_dispatch_is_recorded() {
    let (_dir, desk) = desk_with_case("SN", false).await;
    // Nothing decided yet: nothing to dispatch.
    let today = crate::Desk::today();
    assert!(desk.record_dispatch(AZ, None, today).await.is_err());
    desk.decide_with_letter(AZ, &DecisionDraft::new(Outcome::Approved))
        .await
        .unwrap();
    desk.record_dispatch(AZ, None, today).await.unwrap();
    let detail = desk.case(AZ).await.unwrap();
    let view = &detail.law.unwrap().deliveries[0];
    assert_eq!(view.state, DeliveryState::Announced);
    // The approval's use fee is sued over like the permit itself.
    assert_eq!(view.fee_remedy, None);
    let dates = view.delivery.dates.unwrap();
    assert_eq!(
        dates.announced,
        casedesk_domain::delivery::announced_by_post(today, view.delivery.procedure).unwrap()
    );
    assert_eq!(
        dates.remedy_deadline,
        casedesk_domain::delivery::remedy_deadline(dates.announced).unwrap()
    );
    assert!(detail.actions.record_dispatch.is_empty());
    // Recorded once; a second time is refused.
    assert!(desk.record_dispatch(AZ, None, today).await.is_err());
}

#[tokio::test]
async fn a_hearing_waits_for_a_working_day_deadline() {
    let (_dir, desk) = desk_with_case("SN", false).await;
    let detail = desk.case(AZ).await.unwrap();
    assert!(detail.actions.hear);
    let saturday = (1..8)
        .map(|n| detail.today + chrono::Days::new(7 + n))
        .find(|d| chrono::Datelike::weekday(d) == chrono::Weekday::Sat)
        .unwrap();
    let mut draft = HearingDraft {
        intended: "Wir beabsichtigen, die Erlaubnis nur für den Parkstreifen zu erteilen.".into(),
        answer_due: saturday,
        message: "Sie können sich bis zu dem genannten Tag äußern.".into(),
    };
    let refused = desk.hearing_preview(AZ, &draft).await.unwrap_err();
    assert!(refused.to_string().contains("Werktag"), "{refused}");
    assert!(desk.start_hearing(AZ, &draft).await.is_err());
    let deadline = desk.answer_deadline(saturday);
    assert!(deadline.note.is_some());
    draft.answer_due = deadline.due;
    // The hearing letter before the hearing starts, and from the case afterwards.
    let preview = desk.hearing_preview(AZ, &draft).await.unwrap();
    assert!(preview.starts_with(b"%PDF"));
    assert_eq!(
        desk.case(AZ).await.unwrap().case.status,
        CaseStatus::InReview
    );
    desk.start_hearing(AZ, &draft).await.unwrap();
    let letter = desk
        .render_letter(AZ, &LetterRequest::new(LetterKind::Hearing))
        .await
        .unwrap();
    assert!(letter.starts_with(b"%PDF"));
    let case = desk.case(AZ).await.unwrap().case;
    assert_eq!(case.status, CaseStatus::AwaitingCitizen);
    let hearing = case.requests.last().unwrap();
    assert_eq!(
        hearing.purpose,
        casedesk_domain::aggregate::RequestPurpose::Hearing
    );
    assert_eq!(hearing.answer_due, deadline.due);
    // The letter went with the hearing, kept as an outgoing document for the
    // portal, so the citizen downloads it from their mailbox.
    let sha = hearing
        .letter_sha256
        .as_deref()
        .expect("the hearing names its letter");
    let kept = desk.blobs().read(None, sha).await.unwrap();
    assert!(kept.bytes.starts_with(b"%PDF"));
}

#[tokio::test]
async fn without_the_synced_law_nothing_is_decided() {
    let (_dir, desk) = desk_with_case("SN", false).await;
    desk.store().put_services(&[]).await.unwrap();
    let detail = desk.case(AZ).await.unwrap();
    assert!(detail.law.is_none());
    // The letter cannot be made, and a decision without one is refused locally.
    assert!(
        desk.decide_with_letter(AZ, &DecisionDraft::new(Outcome::Approved))
            .await
            .is_err()
    );
    let refused = desk
        .command(
            AZ,
            CommandKind::RecordDecision {
                outcome: Outcome::Approved,
                letter_sha256: None,
                fee_cents: 0,
                reasons: None,
                channel: DeliveryChannel::Post,
            },
        )
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("Rechtsgrundlagen"),
        "{refused}"
    );
}

#[tokio::test]
async fn a_fee_notice_after_the_decision_goes_out_with_its_letter_and_its_own_dispatch() {
    let (_dir, desk) = desk_with_case("SN", false).await;
    let notice = NoticeDraft {
        kind: NoticeKind::Fee,
        amount_cents: Some(4_500),
        channel: None,
        edited_text: None,
    };
    // Before the decision there is nothing to follow it.
    assert!(desk.issue_notice(AZ, &notice).await.is_err());
    desk.decide_with_letter(AZ, &DecisionDraft::new(Outcome::Approved))
        .await
        .unwrap();
    assert!(
        desk.notice_preview(AZ, &notice)
            .await
            .unwrap()
            .starts_with(b"%PDF")
    );
    let entry = desk.issue_notice(AZ, &notice).await.unwrap();
    match &entry.command.kind {
        CommandKind::IssueNotice {
            kind,
            letter_sha256,
            amount_cents,
            channel,
        } => {
            assert_eq!(*kind, NoticeKind::Fee);
            assert!(letter_sha256.is_some());
            assert_eq!(*amount_cents, 4_500);
            assert_eq!(*channel, DeliveryChannel::Post);
        }
        other => panic!("not a notice: {other:?}"),
    }
    let detail = desk.case(AZ).await.unwrap();
    let law = detail.law.unwrap();
    assert_eq!(law.deliveries.len(), 2);
    let notice_id = law.deliveries[1].notice_id;
    assert!(notice_id.is_some());
    assert_eq!(law.deliveries[1].kind, Some(NoticeKind::Fee));
    // Its id derives from the command id, as on the portal, so its dispatch is
    // queued right behind it, offline too: the notice is posted on its own, the
    // decision still waits for its dispatch.
    let today = crate::Desk::today();
    desk.record_dispatch(AZ, notice_id, today).await.unwrap();
    let law = desk.case(AZ).await.unwrap().law.unwrap();
    assert_eq!(law.deliveries[0].state, DeliveryState::AwaitingDispatch);
    assert_eq!(law.deliveries[1].state, DeliveryState::Announced);
}

#[tokio::test]
async fn a_request_for_items_goes_out_with_its_letter_and_the_case_waits() {
    let (_dir, desk) = desk_with_case("SN", false).await;
    let detail = desk.case(AZ).await.unwrap();
    assert!(detail.actions.request_items);
    let law = detail.law.clone().unwrap();
    let due = law.default_answer_due.unwrap();
    let mut draft = ItemsRequestDraft {
        items: vec![casedesk_domain::aggregate::RequestedItem {
            kind: None,
            description: "Lageplan mit eingezeichnetem Gerüst".into(),
            replaces: None,
        }],
        reason: "Ohne Lageplan kann die Fläche nicht geprüft werden.".into(),
        answer_due: due,
        message: "Bitte reichen Sie den Lageplan nach.".into(),
    };
    // The domain's refusal comes before any letter: no items, no request.
    let items = std::mem::take(&mut draft.items);
    let refused = desk.items_request_preview(AZ, &draft).await.unwrap_err();
    assert!(refused.to_string().contains("mindestens ein"), "{refused}");
    draft.items = items;
    let preview = desk.items_request_preview(AZ, &draft).await.unwrap();
    assert!(preview.starts_with(b"%PDF"));
    desk.request_items(AZ, &draft).await.unwrap();
    let detail = desk.case(AZ).await.unwrap();
    assert_eq!(detail.case.status, CaseStatus::AwaitingCitizen);
    let request = detail.case.requests.last().unwrap();
    assert_eq!(
        request.items[0].description,
        "Lageplan mit eingezeichnetem Gerüst"
    );
    let sha = request
        .letter_sha256
        .as_deref()
        .expect("the request names its letter");
    assert!(
        desk.blobs()
            .read(None, sha)
            .await
            .unwrap()
            .bytes
            .starts_with(b"%PDF")
    );
    // While it waits, nothing more is requested; the request can be withdrawn.
    assert!(!detail.actions.request_items);
    assert!(detail.actions.request_moves[0].withdraw);
}
