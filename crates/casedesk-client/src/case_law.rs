//! What the law of a case's service means for the person working on it today: the
//! outcomes a decision may have (and which need the caseworker's reasons), the
//! channels it may go out on and why one is closed, the remedy and so the name of the
//! period that follows the announcement, the default answer deadline of a hearing, and
//! where the delivery of the decision and of every notice stands.
//!
//! The UI draws this; it derives none of it. The rules are the domain's
//! (`casedesk_domain::law`, `delivery`, `deadline`); this module only reads them for
//! one case.

use casedesk_domain::CaseAggregate;
use casedesk_domain::aggregate::{Delivery, NoticeKind};
use casedesk_domain::deadline;
use casedesk_domain::delivery::{DeliveryChannel, DeliveryState, retrieval_lapses_after};
use casedesk_domain::holidays::{is_working_day, next_working_day_on_or_after, nrw_holiday};
use casedesk_domain::law::{DeliveryRequirement, Remedy, ServiceLaw};
use casedesk_domain::lifecycle::Outcome;
use casedesk_domain::wire::ServiceDefinition;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;
use uuid::Uuid;

/// The law of a case's service, read for this case (see the module documentation).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseLaw {
    /// The remedy against the decision: its period is the "Klagefrist" or the
    /// "Widerspruchsfrist".
    pub remedy: Remedy,
    /// The outcomes a decision may have, the one applied for first.
    pub outcomes: Vec<OutcomeChoice>,
    /// The channels the law allows, each open or closed with the reason.
    pub channels: Vec<ChannelChoice>,
    /// The channel a decision goes out on unless the caseworker chooses another: the
    /// one the law requires, else the portal where the applicant consented, else post.
    pub default_channel: DeliveryChannel,
    /// Whether the applicant consented to announcement by portal retrieval
    /// (§41(2a) VwVfG NRW).
    pub portal_consent: bool,
    /// The answer deadline a hearing started today gets by default: the law's answer
    /// period, ending on a working day.
    pub default_answer_due: Option<NaiveDate>,
    /// Where the registration leads to a tax, so that a tax notice may follow: the
    /// yearly tax the bylaw sets, which a tax notice assesses unless changed.
    pub tax_annual_cents: Option<i64>,
    /// The delivery of the decision and of each notice, in that order.
    pub deliveries: Vec<DeliveryView>,
}

/// One outcome a decision may have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OutcomeChoice {
    pub outcome: Outcome,
    /// A refusal (rejection, partial approval): the Bescheid needs the caseworker's
    /// reasons for this case (§39 VwVfG NRW).
    pub needs_reasons: bool,
    /// The fee the law assesses for this outcome and this application.
    pub fee_cents: i64,
}

/// One delivery channel a decision may go out on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChannelChoice {
    pub channel: DeliveryChannel,
    /// Whether it may be chosen for this case.
    pub allowed: bool,
    /// Why not, when it may not.
    pub reason: Option<String>,
}

/// Where the delivery of the decision or of one notice stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeliveryView {
    /// `None` for the decision.
    pub notice_id: Option<Uuid>,
    /// `None` for the decision.
    pub kind: Option<NoticeKind>,
    pub state: DeliveryState,
    /// The remedy against it, which names the period ending on
    /// `delivery.dates.remedy_deadline`: a fee under a KAG bylaw and a tax are
    /// objected to, whatever the decision's remedy.
    pub remedy: Remedy,
    /// The remedy against the fee the decision assesses, where it differs from
    /// `remedy` (a fee under a municipal bylaw is objected to, the decision sued
    /// over); its period ends on `delivery.dates.fee_remedy_deadline` when the fee
    /// part was announced on another day, else on `remedy_deadline`.
    pub fee_remedy: Option<Remedy>,
    /// Portal retrieval: the last day it can be retrieved and so announced.
    pub retrievable_until: Option<NaiveDate>,
    pub delivery: Delivery,
}

impl CaseLaw {
    /// The law of `service` for `case`, seen on `today` (a German date).
    pub fn of(case: &CaseAggregate, service: &ServiceDefinition, today: NaiveDate) -> CaseLaw {
        let law = &service.law;
        let portal_consent = case.consents.portal_delivery;
        CaseLaw {
            remedy: law.remedy,
            outcomes: law
                .outcomes
                .iter()
                .map(|o| OutcomeChoice {
                    outcome: o.outcome,
                    needs_reasons: o.outcome.needs_reasons(),
                    fee_cents: service.fee_for(o.outcome, &case.form_data),
                })
                .collect(),
            channels: channel_choices(law.delivery, portal_consent),
            default_channel: default_channel(law.delivery, portal_consent),
            portal_consent,
            default_answer_due: deadline::period_end(today, law.answer_period).ok(),
            tax_annual_cents: law.tax.as_ref().map(|t| t.annual_cents),
            deliveries: deliveries(case, law),
        }
    }
}

/// The channel a decision goes out on unless chosen otherwise: Zustellung where the
/// law demands it, the portal where the applicant consented and the law allows it,
/// else post.
pub fn default_channel(requirement: DeliveryRequirement, portal_consent: bool) -> DeliveryChannel {
    if requirement == DeliveryRequirement::Zustellung {
        DeliveryChannel::Zustellung
    } else if portal_consent && requirement.allows(DeliveryChannel::Portal) {
        DeliveryChannel::Portal
    } else {
        DeliveryChannel::Post
    }
}

/// The channels the law allows, in the order post, portal, Zustellung; the portal is
/// closed without the applicant's consent.
fn channel_choices(requirement: DeliveryRequirement, portal_consent: bool) -> Vec<ChannelChoice> {
    [
        DeliveryChannel::Post,
        DeliveryChannel::Portal,
        DeliveryChannel::Zustellung,
    ]
    .into_iter()
    .filter(|channel| requirement.allows(*channel))
    .map(|channel| {
        let closed = channel == DeliveryChannel::Portal && !portal_consent;
        ChannelChoice {
            channel,
            allowed: !closed,
            reason: closed.then(|| {
                "Die antragstellende Person hat der Bekanntgabe über das Bürgerportal nicht \
                 zugestimmt (§ 41 Abs. 2a VwVfG NRW)."
                    .to_owned()
            }),
        }
    })
    .collect()
}

/// The deliveries of the decision and the notices.
fn deliveries(case: &CaseAggregate, law: &ServiceLaw) -> Vec<DeliveryView> {
    // The fee a decision assesses may have another remedy than the decision.
    let decision = case.decision.as_ref().map(|decision| {
        let fee_remedy = Some(decision)
            .filter(|d| d.fee_cents > 0)
            .and_then(|d| law.outcome(d.outcome))
            .and_then(|o| o.fee.as_ref())
            .map(|fee| fee.regime.remedy())
            .filter(|remedy| *remedy != law.remedy);
        DeliveryView {
            fee_remedy,
            ..view(None, None, law.remedy, &decision.delivery)
        }
    });
    // A separate fee notice assesses the fee of the decided outcome.
    let fee_notice_remedy = case
        .decision
        .as_ref()
        .and_then(|d| law.outcome(d.outcome))
        .and_then(|o| o.fee.as_ref())
        .map(|fee| fee.regime.remedy());
    let notices = case.notices.iter().map(|notice| {
        let remedy = match notice.kind {
            // Local taxes are KAG matters: Widerspruch.
            NoticeKind::Tax => Remedy::Widerspruch,
            NoticeKind::Fee => fee_notice_remedy.unwrap_or(law.remedy),
        };
        view(Some(notice.id), Some(notice.kind), remedy, &notice.delivery)
    });
    decision.into_iter().chain(notices).collect()
}

fn view(
    notice_id: Option<Uuid>,
    kind: Option<NoticeKind>,
    remedy: Remedy,
    delivery: &Delivery,
) -> DeliveryView {
    let state = delivery.state();
    let retrievable_until = match (state, delivery.notified_at) {
        (DeliveryState::AwaitingRetrieval, Some(notified)) => retrieval_lapses_after(notified).ok(),
        _ => None,
    };
    DeliveryView {
        notice_id,
        kind,
        state,
        remedy,
        fee_remedy: None,
        retrievable_until,
        delivery: delivery.clone(),
    }
}

/// An answer deadline as the caseworker picked it and as it may be set: a deadline
/// must end on a working day (§31(3) VwVfG NRW would move it otherwise, and the
/// letter would name a date that is not the real end).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AnswerDeadline {
    pub picked: NaiveDate,
    /// The picked day, or the next working day after it.
    pub due: NaiveDate,
    /// Why the day moved, when it did: "Der 06.04.2026 ist Ostermontag; …".
    pub note: Option<String>,
}

impl AnswerDeadline {
    pub fn of(picked: NaiveDate) -> AnswerDeadline {
        if is_working_day(picked) {
            return AnswerDeadline {
                picked,
                due: picked,
                note: None,
            };
        }
        let due = next_working_day_on_or_after(picked);
        let what = match (nrw_holiday(picked), picked.weekday()) {
            (Some(holiday), _) => format!("ein Feiertag ({})", holiday.german_name()),
            (None, Weekday::Sat) => "ein Samstag".to_owned(),
            (None, _) => "ein Sonntag".to_owned(),
        };
        AnswerDeadline {
            picked,
            due,
            note: Some(format!(
                "Der {} ist {what}; eine Frist muss an einem Werktag enden. Sie endet daher am {}, {}.",
                picked.format("%d.%m.%Y"),
                weekday_german(due.weekday()),
                due.format("%d.%m.%Y"),
            )),
        }
    }
}

fn weekday_german(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Montag",
        Weekday::Tue => "Dienstag",
        Weekday::Wed => "Mittwoch",
        Weekday::Thu => "Donnerstag",
        Weekday::Fri => "Freitag",
        Weekday::Sat => "Samstag",
        Weekday::Sun => "Sonntag",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn the_default_channel_follows_the_law_and_the_consent() {
        use DeliveryRequirement::{Post, PostOrPortal, Zustellung};
        assert_eq!(
            default_channel(Zustellung, true),
            DeliveryChannel::Zustellung
        );
        assert_eq!(default_channel(PostOrPortal, true), DeliveryChannel::Portal);
        assert_eq!(default_channel(PostOrPortal, false), DeliveryChannel::Post);
        assert_eq!(default_channel(Post, true), DeliveryChannel::Post);
    }

    #[test]
    fn the_portal_is_offered_closed_without_consent_and_zustellung_only_when_required() {
        let open = channel_choices(DeliveryRequirement::PostOrPortal, true);
        assert_eq!(
            open.iter()
                .map(|c| (c.channel, c.allowed))
                .collect::<Vec<_>>(),
            [
                (DeliveryChannel::Post, true),
                (DeliveryChannel::Portal, true)
            ]
        );
        let closed = channel_choices(DeliveryRequirement::PostOrPortal, false);
        assert!(!closed[1].allowed);
        assert!(
            closed[1]
                .reason
                .as_deref()
                .unwrap()
                .contains("§ 41 Abs. 2a")
        );
        let served = channel_choices(DeliveryRequirement::Zustellung, true);
        assert_eq!(served.len(), 1);
        assert_eq!(served[0].channel, DeliveryChannel::Zustellung);
    }

    #[test]
    fn an_answer_deadline_on_a_closed_day_moves_to_the_next_working_day_with_a_note() {
        // Wednesday 18.03.2026 is a working day.
        assert_eq!(AnswerDeadline::of(d(2026, 3, 18)).note, None);
        // Saturday 21.03.2026 → Monday 23.03.2026.
        let saturday = AnswerDeadline::of(d(2026, 3, 21));
        assert_eq!(saturday.due, d(2026, 3, 23));
        let note = saturday.note.unwrap();
        assert!(note.contains("21.03.2026 ist ein Samstag"), "{note}");
        assert!(note.contains("Montag, 23.03.2026"), "{note}");
        // Karfreitag 03.04.2026: the weekend and Ostermontag pass too.
        let easter = AnswerDeadline::of(d(2026, 4, 3));
        assert_eq!(easter.due, d(2026, 4, 7));
        assert!(easter.note.unwrap().contains("Karfreitag"));
    }
}
