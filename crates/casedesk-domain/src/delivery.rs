//! Bekanntgabe: how a decision reaches the citizen, when it counts as announced, and
//! the dates that follow from that (the end of the remedy period, the fee's due date).
//!
//! The channel is chosen when the decision is issued:
//! - **Post** (§41(2) VwVfG NRW): the letter counts as announced on the fourth day
//!   after it was handed to the post (the third before 1 January 2025). In VwVfG
//!   matters that day stays where it falls, even on a Sunday or holiday (OVG NRW,
//!   27.03.2024 – 10 A 1356/21; Nds. OVG, 26.10.2006 – 7 PA 184/06): §31(3)
//!   VwVfG NRW moves only the *end* of a period. Under the AO (§122(2) AO, applied to
//!   local taxes by §12 KAG NRW) the Federal Fiscal Court moves it to the next working
//!   day (BFH, 14.10.2003 – IX R 68/98).
//! - **Portal retrieval** (§41(2a) VwVfG NRW): needs the applicant's consent; the
//!   decision counts as announced on the day after the citizen first retrieves it; if
//!   it is not retrieved within ten days of the notification, the provision ends and
//!   nothing is announced: the office must deliver another way.
//! - **Zustellung** (LZG NRW) where a statute demands it: announced on the day it was
//!   served.
//!
//! The remedy period is one month from the announcement (§§57, 74 VwGO, §70 VwGO for
//! an objection, with §222 ZPO and §§187–188 BGB); it ends on the next working day when
//! its last day is a Saturday, Sunday or NRW holiday (§222(2) ZPO). These dates are
//! computed by the portal when they become certain and never printed in advance: a
//! letter rendered before it is sent cannot know them.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::deadline::{self, Period};
use crate::holidays::{DateOutOfRange, ensure_supported, next_working_day_on_or_after};
use crate::law::Procedure;

/// How a decision or notice reaches the citizen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryChannel {
    /// A letter handed to the post.
    #[default]
    Post,
    /// Provided for retrieval in the citizen's portal mailbox (§41(2a)).
    Portal,
    /// Formally served under the LZG NRW.
    Zustellung,
}

impl DeliveryChannel {
    pub fn german(self) -> &'static str {
        match self {
            DeliveryChannel::Post => "Post",
            DeliveryChannel::Portal => "Abruf im Bürgerportal",
            DeliveryChannel::Zustellung => "Förmliche Zustellung",
        }
    }
}

/// The dates that follow from an announcement, once it is certain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AnnouncedDates {
    /// The day the decision counts as announced (Bekanntgabe).
    pub announced: NaiveDate,
    /// The last day to lodge the remedy (Klage or Widerspruch).
    pub remedy_deadline: NaiveDate,
    /// The day the fee falls due, when the letter assesses one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_due: Option<NaiveDate>,
    /// When the fee part of a posted letter is announced on another day than the
    /// decision (a KAG fee, announced under the AO, in a VwVfG decision): that day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_announced: Option<NaiveDate>,
    /// And the last day to challenge the fee, counted from that day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_remedy_deadline: Option<NaiveDate>,
}

impl AnnouncedDates {
    /// The dates of a decision announced on `announced` whose fee (if any) falls due
    /// `fee_due_after` later (§17 GebG NRW lets the office set the due date).
    pub fn from(
        announced: NaiveDate,
        fee_due_after: Option<Period>,
    ) -> Result<AnnouncedDates, DateOutOfRange> {
        Ok(AnnouncedDates {
            announced,
            remedy_deadline: remedy_deadline(announced)?,
            fee_due: fee_due_after
                .map(|period| deadline::period_end(announced, period))
                .transpose()?,
            fee_announced: None,
            fee_remedy_deadline: None,
        })
    }
}

/// Where the delivery of a decision or notice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// By post or Zustellung: the office has not yet recorded when it was sent or
    /// served.
    AwaitingDispatch,
    /// In the portal mailbox, notified, not yet retrieved.
    AwaitingRetrieval,
    /// Not retrieved within ten days: not announced; deliver by post.
    RetrievalLapsed,
    /// Announced; the dates are certain.
    Announced,
}

impl DeliveryState {
    pub fn german(self) -> &'static str {
        match self {
            DeliveryState::AwaitingDispatch => "Versand noch nicht erfasst",
            DeliveryState::AwaitingRetrieval => {
                "Im Bürgerportal bereitgestellt, noch nicht abgerufen"
            }
            DeliveryState::RetrievalLapsed => "Nicht abgerufen – bitte per Post versenden",
            DeliveryState::Announced => "Bekannt gegeben",
        }
    }
}

/// The delivery of one decision or notice: what happened so far and, once certain,
/// the dates that follow.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Delivery {
    pub channel: DeliveryChannel,
    /// The procedural law its announcement follows, fixed when it was issued.
    #[serde(default)]
    pub procedure: Procedure,
    /// The procedural law of its fee part, when that differs (a KAG fee in a
    /// VwVfG decision follows the AO).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_procedure: Option<Procedure>,
    /// How long after the announcement the fee falls due; `None` without a fee.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_due_after: Option<Period>,
    /// By post: the day it was handed to the post. By Zustellung: the day it was
    /// served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatched_on: Option<NaiveDate>,
    /// Portal: when the citizen was notified that it is in the mailbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notified_at: Option<DateTime<Utc>>,
    /// Portal: the citizen's first retrieval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retrieved_at: Option<DateTime<Utc>>,
    /// Portal: not retrieved within ten days of the notification.
    #[serde(default)]
    pub lapsed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dates: Option<AnnouncedDates>,
}

impl Delivery {
    /// A delivery that starts now on `channel`. A portal delivery's notification is
    /// the moment it is issued: the portal lists it in the citizen's mailbox then.
    pub fn start(
        channel: DeliveryChannel,
        procedure: Procedure,
        fee_due_after: Option<Period>,
        now: DateTime<Utc>,
    ) -> Delivery {
        Delivery {
            channel,
            procedure,
            fee_due_after,
            notified_at: (channel == DeliveryChannel::Portal).then_some(now),
            ..Delivery::default()
        }
    }

    /// The same, with a fee part that follows `fee_procedure`.
    pub fn with_fee_procedure(mut self, fee_procedure: Procedure) -> Delivery {
        self.fee_procedure = (fee_procedure != self.procedure).then_some(fee_procedure);
        self
    }

    pub fn state(&self) -> DeliveryState {
        if self.dates.is_some() {
            DeliveryState::Announced
        } else if self.lapsed {
            DeliveryState::RetrievalLapsed
        } else if self.channel == DeliveryChannel::Portal {
            DeliveryState::AwaitingRetrieval
        } else {
            DeliveryState::AwaitingDispatch
        }
    }

    /// The dates once the letter was handed to the post (or served) on `on`.
    pub fn dates_after_dispatch(
        &self,
        channel: DeliveryChannel,
        on: NaiveDate,
    ) -> Result<AnnouncedDates, DateOutOfRange> {
        let announced_under = |procedure| match channel {
            DeliveryChannel::Zustellung => ensure_supported(on),
            _ => announced_by_post(on, procedure),
        };
        let announced = announced_under(self.procedure)?;
        let fee_announced = match self.fee_procedure {
            Some(procedure) => Some(announced_under(procedure)?).filter(|day| *day != announced),
            None => None,
        };
        let mut dates =
            AnnouncedDates::from(fee_announced.unwrap_or(announced), self.fee_due_after)?;
        dates.announced = announced;
        dates.remedy_deadline = remedy_deadline(announced)?;
        dates.fee_announced = fee_announced;
        dates.fee_remedy_deadline = fee_announced.map(remedy_deadline).transpose()?;
        Ok(dates)
    }

    /// Whether the ten days for retrieval have passed by `today` without one.
    pub fn retrieval_overdue(&self, today: NaiveDate) -> bool {
        match (
            self.channel,
            self.notified_at,
            self.retrieved_at,
            self.lapsed,
        ) {
            (DeliveryChannel::Portal, Some(notified), None, false) => {
                retrieval_lapses_after(notified).is_ok_and(|last| today > last)
            }
            _ => false,
        }
    }
}

/// The number of days after posting a letter counts as announced (§41(2) VwVfG NRW,
/// §122(2) AO): four for letters posted since 1 January 2025, three before.
pub fn post_fiction_days(posted_on: NaiveDate) -> u32 {
    let four_days_from = NaiveDate::from_ymd_opt(2025, 1, 1).expect("a valid date");
    if posted_on >= four_days_from { 4 } else { 3 }
}

/// The day a letter handed to the post on `posted_on` counts as announced.
pub fn announced_by_post(
    posted_on: NaiveDate,
    procedure: Procedure,
) -> Result<NaiveDate, DateOutOfRange> {
    let fiction = ensure_supported(posted_on)?
        .checked_add_days(Days::new(u64::from(post_fiction_days(posted_on))))
        .ok_or(DateOutOfRange)
        .and_then(ensure_supported)?;
    match procedure {
        Procedure::Verwaltungsverfahren => Ok(fiction),
        Procedure::Abgaben => ensure_supported(next_working_day_on_or_after(fiction)),
    }
}

/// The day a decision first retrieved from the portal at `retrieved_at` counts as
/// announced: the day after the retrieval, in German local time (§41(2a) S. 3).
pub fn announced_by_retrieval(retrieved_at: DateTime<Utc>) -> Result<NaiveDate, DateOutOfRange> {
    ensure_supported(deadline::local_date(retrieved_at))?
        .checked_add_days(Days::new(1))
        .ok_or(DateOutOfRange)
        .and_then(ensure_supported)
}

/// The last day a decision notified at `notified_at` can be retrieved: the tenth day
/// after the notification (§41(2a) S. 4). The statute names no extension to a working
/// day, so a retrieval on the eleventh day no longer announces it.
pub fn retrieval_lapses_after(notified_at: DateTime<Utc>) -> Result<NaiveDate, DateOutOfRange> {
    deadline::period_end_unshifted(deadline::local_date(notified_at), Period::Days(10))
}

/// The last day to lodge the remedy against a decision announced on `announced`: one
/// month, moved to the next working day when it ends on a Saturday, Sunday or holiday.
pub fn remedy_deadline(announced: NaiveDate) -> Result<NaiveDate, DateOutOfRange> {
    deadline::period_end(announced, Period::Months(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
            .unwrap()
    }

    #[test]
    fn the_ovg_nrw_case_a_sunday_fiction_day_is_not_moved() {
        // OVG NRW 10 A 1356/21: rejected building application posted on Thursday
        // 29.08.2019 under the three-day rule of the time. Announced on Sunday
        // 01.09.2019; the action was due on Tuesday 01.10.2019, so the one filed on
        // 02.10.2019 was late.
        let announced = announced_by_post(d(2019, 8, 29), Procedure::Verwaltungsverfahren).unwrap();
        assert_eq!(announced, d(2019, 9, 1));
        assert_eq!(remedy_deadline(announced).unwrap(), d(2019, 10, 1));
    }

    #[test]
    fn a_fiction_day_on_karfreitag_stays_but_the_period_end_moves() {
        // Posted Monday 30.03.2026: four days later is Karfreitag 03.04.2026, which
        // stands. One month later is Sunday 03.05.2026, so the period ends Monday.
        let announced = announced_by_post(d(2026, 3, 30), Procedure::Verwaltungsverfahren).unwrap();
        assert_eq!(announced, d(2026, 4, 3));
        assert_eq!(remedy_deadline(announced).unwrap(), d(2026, 5, 4));
    }

    #[test]
    fn under_the_ao_the_fiction_day_moves_to_a_working_day() {
        // The same letter as a tax notice: Karfreitag, Easter and Ostermontag pass.
        let announced = announced_by_post(d(2026, 3, 30), Procedure::Abgaben).unwrap();
        assert_eq!(announced, d(2026, 4, 7));
        assert_eq!(remedy_deadline(announced).unwrap(), d(2026, 5, 7));
    }

    #[test]
    fn four_days_for_letters_posted_since_2025_three_before() {
        assert_eq!(post_fiction_days(d(2024, 12, 31)), 3);
        assert_eq!(post_fiction_days(d(2025, 1, 1)), 4);
        assert_eq!(
            announced_by_post(d(2024, 12, 31), Procedure::Verwaltungsverfahren),
            Ok(d(2025, 1, 3))
        );
        assert_eq!(
            announced_by_post(d(2025, 1, 1), Procedure::Verwaltungsverfahren),
            Ok(d(2025, 1, 5))
        );
    }

    #[test]
    fn a_retrieval_announces_on_the_following_german_day() {
        // 23:30 in Minden on Thursday 12.03.2026 (CET, UTC+1): announced Friday.
        assert_eq!(
            announced_by_retrieval(utc(2026, 3, 12, 22, 30)),
            Ok(d(2026, 3, 13))
        );
        // 00:30 in Minden on Friday 13.03.2026 is still Thursday in UTC: announced
        // on Saturday, which stays; the period ends on Tuesday 14.04.2026.
        let announced = announced_by_retrieval(utc(2026, 3, 12, 23, 30)).unwrap();
        assert_eq!(announced, d(2026, 3, 14));
        assert_eq!(remedy_deadline(announced), Ok(d(2026, 4, 14)));
        // Summer time (CEST, UTC+2): 01:30 local on 01.07.2026 is 23:30 UTC on 30.06.
        assert_eq!(
            announced_by_retrieval(utc(2026, 6, 30, 23, 30)),
            Ok(d(2026, 7, 2))
        );
    }

    #[test]
    fn an_unretrieved_decision_lapses_after_ten_days() {
        let notified = utc(2026, 3, 2, 9, 0);
        let mut delivery = Delivery::start(
            DeliveryChannel::Portal,
            Procedure::Verwaltungsverfahren,
            None,
            notified,
        );
        assert_eq!(delivery.state(), DeliveryState::AwaitingRetrieval);
        assert_eq!(retrieval_lapses_after(notified), Ok(d(2026, 3, 12)));
        assert!(!delivery.retrieval_overdue(d(2026, 3, 12)));
        assert!(delivery.retrieval_overdue(d(2026, 3, 13)));
        delivery.retrieved_at = Some(utc(2026, 3, 12, 10, 0));
        assert!(!delivery.retrieval_overdue(d(2026, 3, 20)));
    }

    #[test]
    fn dates_once_announced_with_the_fee_due_after_its_period() {
        // Announced Friday 13.03.2026; two weeks later is Friday 27.03.2026.
        let dates = AnnouncedDates::from(d(2026, 3, 13), Some(Period::Weeks(2))).unwrap();
        assert_eq!(dates.remedy_deadline, d(2026, 4, 13));
        assert_eq!(dates.fee_due, Some(d(2026, 3, 27)));
        assert_eq!(
            AnnouncedDates::from(d(2026, 3, 13), None).unwrap().fee_due,
            None
        );
    }

    #[test]
    fn the_state_follows_what_happened() {
        let now = utc(2026, 3, 2, 9, 0);
        let mut post = Delivery::start(DeliveryChannel::Post, Procedure::default(), None, now);
        assert_eq!(post.notified_at, None);
        assert_eq!(post.state(), DeliveryState::AwaitingDispatch);
        post.dates = Some(AnnouncedDates::from(d(2026, 3, 6), None).unwrap());
        assert_eq!(post.state(), DeliveryState::Announced);
        let mut portal = Delivery::start(DeliveryChannel::Portal, Procedure::default(), None, now);
        portal.lapsed = true;
        assert_eq!(portal.state(), DeliveryState::RetrievalLapsed);
    }
}
