//! What the citizen API takes and shows: the JSON part of an application with the
//! applicant's consents, and the citizen's view of a case — status, deadline, open
//! requests, messages, the decision and the notices after it, each with where its
//! delivery stands and, once it is announced, the dates that follow (the end of
//! the remedy period under the name the service's law gives it, the fee's due
//! date). Never internal notes or reviewer names. German labels travel beside the
//! codes, so a page can show them as they are.

use casedesk_domain::aggregate::{
    CaseAggregate, Consents, Decision, Delivery, Fee, ItemsRequest, Notice, NoticeKind,
    RequestStatus,
};
use casedesk_domain::delivery::{DeliveryChannel, DeliveryState, retrieval_lapses_after};
use casedesk_domain::law::{FeeRegime, Remedy, ServiceLaw};
use casedesk_domain::lifecycle::{CaseStatus, Outcome};
use casedesk_domain::wire::{CitizenDocument, CitizenMessage, ServiceDefinition};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The JSON part `application` of a multipart application.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationForm {
    pub service_id: String,
    #[schema(value_type = Object)]
    pub form: serde_json::Map<String, serde_json::Value>,
    /// What the applicant agrees to. Everything defaults to no: the citizen opts in.
    #[serde(default)]
    pub consents: ConsentsForm,
}

/// The consents an application may give.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentsForm {
    /// Decisions may be announced by retrieval from the portal mailbox
    /// (§41(2a) VwVfG NRW) instead of by post.
    #[serde(default)]
    pub portal_delivery: bool,
}

impl From<ConsentsForm> for Consents {
    fn from(form: ConsentsForm) -> Self {
        Consents {
            portal_delivery: form.portal_delivery,
        }
    }
}

/// What a citizen sees of their application.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CitizenCaseView {
    pub id: Uuid,
    pub aktenzeichen: String,
    pub service_id: String,
    pub service_name: String,
    pub status: CaseStatus,
    pub status_label: String,
    pub received_at: DateTime<Utc>,
    /// The processing deadline; stands still while the office waits for you.
    pub due_date: NaiveDate,
    /// What the applicant agreed to when applying.
    pub consents: Consents,
    pub documents: Vec<CitizenDocument>,
    pub open_requests: Vec<RequestView>,
    pub messages: Vec<CitizenMessage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionView>,
    /// Notices after the decision (fee notice, tax notice), oldest first.
    #[serde(default)]
    pub notices: Vec<NoticeView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<Fee>,
}

/// An open request (for items, or a hearing) as the citizen sees it: the request
/// and where its letter is downloaded, if one went out with it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequestView {
    #[serde(flatten)]
    pub request: ItemsRequest,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter_url: Option<String>,
}

/// The decision (Bescheid) as the citizen sees it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DecisionView {
    pub outcome: Outcome,
    /// "Abgelehnt".
    pub outcome_label: String,
    pub decided_at: DateTime<Utc>,
    pub fee_cents: i64,
    /// The caseworker's reasons for this case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasons: Option<String>,
    /// Where the letter is downloaded. Downloading a letter provided for retrieval
    /// announces it: on the day after the first download.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter_url: Option<String>,
    pub delivery: DeliveryView,
}

/// A notice after the decision as the citizen sees it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoticeView {
    pub id: Uuid,
    pub kind: NoticeKind,
    /// "Gebührenbescheid".
    pub kind_label: String,
    pub issued_at: DateTime<Utc>,
    pub amount_cents: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter_url: Option<String>,
    pub delivery: DeliveryView,
}

/// Where the delivery of a decision or notice stands, and the dates that follow
/// from its announcement once it is certain.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeliveryView {
    pub channel: DeliveryChannel,
    /// "Abruf im Bürgerportal".
    pub channel_label: String,
    pub state: DeliveryState,
    /// "Im Bürgerportal bereitgestellt, noch nicht abgerufen".
    pub state_label: String,
    /// Portal: when you were notified that it is in your mailbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notified_at: Option<DateTime<Utc>>,
    /// Portal, while it waits: the last day it can be retrieved (§41(2a) S. 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retrievable_until: Option<NaiveDate>,
    /// Portal: your first retrieval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retrieved_at: Option<DateTime<Utc>>,
    /// By post: the day it was posted; by Zustellung: the day it was served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatched_on: Option<NaiveDate>,
    /// The day it counts as announced (Bekanntgabe).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announced: Option<NaiveDate>,
    /// The remedy against it, with the last day once announced. Absent only when
    /// the service's law is unknown (a service stored by an older version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remedy: Option<RemedyView>,
    /// The remedy against the fee it assesses, where that differs (a fee under a
    /// municipal bylaw is objected to, the decision itself sued over).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_remedy: Option<RemedyView>,
    /// The day the fee part counts as announced, where that differs from
    /// `announced` (a KAG fee, announced under the AO).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_announced: Option<NaiveDate>,
    /// The day the fee falls due, once announced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_due: Option<NaiveDate>,
}

/// A remedy and the end of its period.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RemedyView {
    pub remedy: Remedy,
    /// "Klage" or "Widerspruch".
    pub label: String,
    /// "Klagefrist" or "Widerspruchsfrist".
    pub period_label: String,
    /// The last day of the period, once the announcement is certain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<NaiveDate>,
}

/// The citizen API's address of the decision letter of case `case_id`.
pub fn decision_letter_url(case_id: Uuid) -> String {
    format!("/api/v1/citizen/applications/{case_id}/letter")
}

/// The citizen API's address of the letter of request `request_id`.
pub fn request_letter_url(case_id: Uuid, request_id: Uuid) -> String {
    format!("/api/v1/citizen/applications/{case_id}/requests/{request_id}/letter")
}

/// The citizen API's address of the letter of notice `notice_id`.
pub fn notice_letter_url(case_id: Uuid, notice_id: Uuid) -> String {
    format!("/api/v1/citizen/applications/{case_id}/notices/{notice_id}/letter")
}

impl RemedyView {
    fn of(remedy: Remedy, deadline: Option<NaiveDate>) -> Self {
        RemedyView {
            remedy,
            label: remedy.german().to_owned(),
            period_label: remedy.period_german().to_owned(),
            deadline,
        }
    }
}

impl DeliveryView {
    /// The view of `delivery` of an act challenged by `remedy`, whose fee (if any)
    /// is challenged by `fee_remedy`.
    fn of(delivery: &Delivery, remedy: Option<Remedy>, fee_remedy: Option<Remedy>) -> Self {
        let state = delivery.state();
        let dates = delivery.dates;
        let deadline = dates.map(|d| d.remedy_deadline);
        let retrievable_until = (state == DeliveryState::AwaitingRetrieval)
            .then_some(delivery.notified_at)
            .flatten()
            .and_then(|notified| retrieval_lapses_after(notified).ok());
        DeliveryView {
            channel: delivery.channel,
            channel_label: delivery.channel.german().to_owned(),
            state,
            state_label: state.german().to_owned(),
            notified_at: delivery.notified_at,
            retrievable_until,
            retrieved_at: delivery.retrieved_at,
            dispatched_on: delivery.dispatched_on,
            announced: dates.map(|d| d.announced),
            remedy: remedy.map(|r| RemedyView::of(r, deadline)),
            // A fee announced on another day (a KAG fee under the AO) has its own
            // period end.
            fee_remedy: fee_remedy
                .filter(|r| Some(*r) != remedy)
                .map(|r| RemedyView::of(r, dates.and_then(|d| d.fee_remedy_deadline).or(deadline))),
            fee_announced: dates.and_then(|d| d.fee_announced),
            fee_due: dates.and_then(|d| d.fee_due),
        }
    }
}

/// The regime of the fee a decision with `outcome` charges under `law`.
fn fee_regime(law: &ServiceLaw, outcome: Outcome) -> Option<FeeRegime> {
    law.outcome(outcome)
        .and_then(|o| o.fee.as_ref())
        .map(|f| f.regime)
}

impl DecisionView {
    fn of(case_id: Uuid, decision: &Decision, law: Option<&ServiceLaw>) -> Self {
        let fee_remedy = law
            .filter(|_| decision.fee_cents > 0)
            .and_then(|law| fee_regime(law, decision.outcome))
            .map(FeeRegime::remedy);
        DecisionView {
            outcome: decision.outcome,
            outcome_label: decision.outcome.german().to_owned(),
            decided_at: decision.decided_at,
            fee_cents: decision.fee_cents,
            reasons: decision.reasons.clone(),
            letter_url: decision
                .letter_sha256
                .as_ref()
                .map(|_| decision_letter_url(case_id)),
            delivery: DeliveryView::of(&decision.delivery, law.map(|l| l.remedy), fee_remedy),
        }
    }
}

impl NoticeView {
    fn of(case: &CaseAggregate, notice: &Notice, law: Option<&ServiceLaw>) -> Self {
        let remedy = match notice.kind {
            // A fee notice is challenged like the fee it assesses: under the regime of
            // the decided outcome's fee.
            NoticeKind::Fee => law.map(|law| {
                case.decision
                    .as_ref()
                    .and_then(|d| fee_regime(law, d.outcome))
                    .map_or(law.remedy, FeeRegime::remedy)
            }),
            // A local tax is a levy under the KAG NRW: objected to (§110 JustG NRW).
            NoticeKind::Tax => Some(FeeRegime::KagSatzung.remedy()),
        };
        NoticeView {
            id: notice.id,
            kind: notice.kind,
            kind_label: notice.kind.german().to_owned(),
            issued_at: notice.issued_at,
            amount_cents: notice.amount_cents,
            letter_url: notice
                .letter_sha256
                .as_ref()
                .map(|_| notice_letter_url(case.id, notice.id)),
            delivery: DeliveryView::of(&notice.delivery, remedy, None),
        }
    }
}

impl CitizenCaseView {
    /// The citizen's view of `case` of `service` on `today` (a German date).
    /// Without the service (stored by an older version, unreadable now) the view
    /// names the service by its id and leaves out the remedies, which its law gives.
    pub fn of(case: &CaseAggregate, service: Option<&ServiceDefinition>, today: NaiveDate) -> Self {
        let law = service.map(|s| &s.law);
        CitizenCaseView {
            id: case.id,
            aktenzeichen: case.aktenzeichen.clone(),
            service_id: case.service_id.clone(),
            service_name: service.map_or_else(|| case.service_id.clone(), |s| s.name.clone()),
            status: case.status,
            status_label: case.status.german().to_owned(),
            received_at: case.received_at,
            due_date: case.computed_due_date(today),
            consents: case.consents,
            documents: case
                .documents
                .iter()
                .map(|d| CitizenDocument {
                    id: d.id,
                    file_name: d.file_name.clone(),
                    uploaded_at: d.uploaded_at,
                    from_citizen: d.from_citizen,
                })
                .collect(),
            open_requests: case
                .requests
                .iter()
                .filter(|r| r.status == RequestStatus::Open)
                .map(|r| RequestView {
                    letter_url: r
                        .letter_sha256
                        .as_ref()
                        .map(|_| request_letter_url(case.id, r.id)),
                    request: r.clone(),
                })
                .collect(),
            messages: case
                .messages
                .iter()
                .map(|m| CitizenMessage {
                    from_citizen: m.from_citizen,
                    text: m.text.clone(),
                    at: m.at,
                })
                .collect(),
            decision: case
                .decision
                .as_ref()
                .map(|d| DecisionView::of(case.id, d, law)),
            notices: case
                .notices
                .iter()
                .map(|n| NoticeView::of(case, n, law))
                .collect(),
            fee: case.fee.clone(),
        }
    }
}
