//! Deadline arithmetic (Fristberechnung) under German administrative law.
//!
//! Periods the authority sets or the VwVfG sets (answer deadlines, the processing
//! deadline) follow §31 VwVfG NRW, which applies §§187–193 BGB; court periods (the
//! one-month period for an action or objection) follow §57 VwGO with §222 ZPO and
//! §§187–189 BGB. The arithmetic is the same: the day of the triggering event is not
//! counted (§187(1) BGB); a period in weeks or months ends on the day with the same
//! weekday name or day number as the event (§188(2)), or on the last day of the month
//! when that day does not exist (§188(3)); a period whose last day is a Saturday,
//! Sunday or NRW public holiday ends on the next working day (§31(3) VwVfG NRW,
//! §222(2) ZPO, §193 BGB). On top of that this module knows how the processing deadline
//! pauses while the office waits for the citizen; when a decision counts as announced
//! is [`crate::delivery`]'s business.
//!
//! Only deadlines triggered by an event are covered (§187(1)); periods that start at
//! the beginning of a day (§187(2), such as ages) do not occur in case processing.
//! Every date must lie in 1900–2199, the range whose holidays are known. Dates are
//! German local dates ([`local_date`]).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Days, Months, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::holidays::{DateOutOfRange, ensure_supported, next_working_day_on_or_after};

/// The length of a deadline.
///
/// Its string form, used in configuration and on the wire, is the number followed by
/// a unit: `"14d"` (days), `"2w"` (weeks), `"1m"` (months). Parsing accepts upper-case
/// units too; `Display` always gives the lower-case form. A zero length is allowed and
/// ends the period on the day of the event itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Days(u32),
    Weeks(u32),
    Months(u32),
}

/// Why a string is not a valid [`Period`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodParseError {
    #[error("Die Fristangabe ist leer.")]
    Empty,
    #[error("Die Fristangabe ist negativ; Fristen laufen nur vorwärts.")]
    Negative,
    #[error("Der Fristangabe fehlt die Zahl vor der Einheit (z. B. „14d“).")]
    MissingAmount,
    #[error("Die Zahl der Fristangabe „{0}“ ist keine ganze Zahl.")]
    InvalidAmount(String),
    #[error("Die Zahl der Fristangabe „{0}“ ist zu groß.")]
    TooLarge(String),
    #[error("Der Fristangabe fehlt die Einheit: d (Tage), w (Wochen) oder m (Monate).")]
    MissingUnit,
    #[error("Die Einheit „{0}“ ist unbekannt; erlaubt sind d (Tage), w (Wochen) und m (Monate).")]
    UnknownUnit(String),
}

impl FromStr for Period {
    type Err = PeriodParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.is_empty() {
            return Err(PeriodParseError::Empty);
        }
        if text.starts_with('-') {
            return Err(PeriodParseError::Negative);
        }
        // The unit is everything after the last digit, so "14dd" reports the unknown
        // unit "dd" rather than a confusing number error.
        let unit_start = text
            .rfind(|c: char| c.is_ascii_digit())
            .map_or(0, |last_digit| last_digit + 1);
        let (amount, unit) = text.split_at(unit_start);
        if amount.is_empty() {
            return Err(PeriodParseError::MissingAmount);
        }
        // `u32::from_str` would accept a leading '+', which is not part of the format.
        if !amount.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PeriodParseError::InvalidAmount(amount.to_owned()));
        }
        let amount: u32 = amount
            .parse()
            .map_err(|_| PeriodParseError::TooLarge(amount.to_owned()))?;
        match unit {
            "" => Err(PeriodParseError::MissingUnit),
            "d" | "D" => Ok(Period::Days(amount)),
            "w" | "W" => Ok(Period::Weeks(amount)),
            "m" | "M" => Ok(Period::Months(amount)),
            other => Err(PeriodParseError::UnknownUnit(other.to_owned())),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Days(n) => write!(f, "{n}d"),
            Period::Weeks(n) => write!(f, "{n}w"),
            Period::Months(n) => write!(f, "{n}m"),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The last day of a period triggered by an event on `start`, before any §193 shift.
///
/// This is the day §188 names; the pause logic builds on it, because paused time is
/// added to the calendar end and only the final date moves off weekends and holidays.
pub fn period_end_unshifted(start: NaiveDate, period: Period) -> Result<NaiveDate, DateOutOfRange> {
    let start = ensure_supported(start)?;
    // §187(1): the event day is not counted, so n days end on start + n. Weeks and
    // months end on the same weekday or day number (§188(2)); chrono's month addition
    // falls back to the last day of a shorter month, which is exactly §188(3).
    let end = match period {
        Period::Days(n) => start.checked_add_days(Days::new(u64::from(n))),
        Period::Weeks(n) => start.checked_add_days(Days::new(7 * u64::from(n))),
        Period::Months(n) => start.checked_add_months(Months::new(n)),
    };
    end.ok_or(DateOutOfRange).and_then(ensure_supported)
}

/// The last day of a period triggered by an event on `start` (§§187(1), 188, 193 BGB
/// via §31 VwVfG): the §188 end, moved to the next working day when it falls on a
/// Saturday, Sunday or NRW public holiday.
pub fn period_end(start: NaiveDate, period: Period) -> Result<NaiveDate, DateOutOfRange> {
    let end = period_end_unshifted(start, period)?;
    ensure_supported(next_working_day_on_or_after(end))
}

/// A stretch of time in which the processing deadline stands still because the office
/// waits for the citizen (case status `awaiting_citizen`).
///
/// `from` is the day the office asked, `to` the day the citizen answered, or `None`
/// while the office is still waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Pause {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// The number of calendar days the processing deadline has been paused as of `today`.
///
/// A pause from `d1` to `d2` counts `d2 - d1` days; an open pause counts up to `today`.
/// Days covered by more than one pause count once, so a duplicated or overlapping
/// pause record cannot stretch the deadline. A pause that ends before it starts counts
/// nothing.
pub fn paused_days(pauses: &[Pause], today: NaiveDate) -> u32 {
    let mut spans: Vec<(NaiveDate, NaiveDate)> = pauses
        .iter()
        .map(|pause| (pause.from, pause.to.unwrap_or(today)))
        .filter(|(from, to)| from < to)
        .collect();
    spans.sort_unstable();

    let mut total: i64 = 0;
    let mut current: Option<(NaiveDate, NaiveDate)> = None;
    for (from, to) in spans {
        current = match current {
            Some((start, end)) if from <= end => Some((start, end.max(to))),
            Some((start, end)) => {
                total += (end - start).num_days();
                Some((from, to))
            }
            None => Some((from, to)),
        };
    }
    if let Some((start, end)) = current {
        total += (end - start).num_days();
    }
    // All of chrono's calendar spans fewer than 2^32 days, so this cannot saturate.
    u32::try_from(total).unwrap_or(u32::MAX)
}

/// The due date of the processing deadline (Bearbeitungsfrist) for an application
/// received on `received`, after `paused_days` days of waiting for the citizen.
///
/// The due date moves by the paused time: the paused days are added
/// to the §188 end, and only then does §193 move the result to a working day, so a
/// pause never loses or gains days through an intermediate weekend shift. With no
/// pause this is exactly [`period_end`].
pub fn processing_due(
    received: NaiveDate,
    period: Period,
    paused_days: u32,
) -> Result<NaiveDate, DateOutOfRange> {
    let end = period_end_unshifted(received, period)?
        .checked_add_days(Days::new(u64::from(paused_days)))
        .ok_or(DateOutOfRange)
        .and_then(ensure_supported)?;
    ensure_supported(next_working_day_on_or_after(end))
}

/// The German local date (Europe/Berlin) of an instant. Every date of a case —
/// receipt, deadlines, announcement — is a date in the town's time zone; taking the
/// UTC date would put everything between midnight and 01:00 (02:00 in summer) on the
/// previous day.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Berlin).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::holidays::{FIRST_YEAR, LAST_YEAR, is_working_day};
    use chrono::Datelike;
    use proptest::prelude::*;

    fn d(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn p(text: &str) -> Period {
        text.parse().unwrap()
    }

    #[test]
    fn known_deadlines() {
        // (start, period, unshifted end, end after §193)
        let table = [
            // Ends on Neujahr 2027, a Friday, then the weekend.
            (d(2026, 12, 18), "14d", d(2027, 1, 1), d(2027, 1, 4)),
            // §188(3): February has no 31st; the 28th 2026 is a Saturday.
            (d(2026, 1, 31), "1m", d(2026, 2, 28), d(2026, 3, 2)),
            // Leap year: the 29th exists and is a Thursday.
            (d(2024, 1, 31), "1m", d(2024, 2, 29), d(2024, 2, 29)),
            // §188(2): the day number stays even when the start is a month end.
            (d(2026, 2, 28), "1m", d(2026, 3, 28), d(2026, 3, 30)),
            // Weeks end on the same weekday: Wednesday to Wednesday.
            (d(2026, 3, 4), "2w", d(2026, 3, 18), d(2026, 3, 18)),
            // Ends on Karfreitag; Saturday, Easter Sunday and Ostermontag follow.
            (d(2026, 3, 20), "2w", d(2026, 4, 3), d(2026, 4, 7)),
            // Ends on Ostermontag.
            (d(2026, 3, 6), "1m", d(2026, 4, 6), d(2026, 4, 7)),
            // Ends on Pfingstmontag.
            (d(2026, 4, 25), "1m", d(2026, 5, 25), d(2026, 5, 26)),
            // Ends on Christi Himmelfahrt, a Thursday; Friday is a working day.
            (d(2026, 4, 30), "14d", d(2026, 5, 14), d(2026, 5, 15)),
            // 25 December 2026 is a Friday: both holidays run into the weekend.
            (d(2026, 12, 11), "14d", d(2026, 12, 25), d(2026, 12, 28)),
            // 2022: Christmas Eve is a Saturday, then Sunday the 25th and Monday the 26th.
            (d(2022, 11, 24), "1m", d(2022, 12, 24), d(2022, 12, 27)),
            (d(2022, 11, 26), "1m", d(2022, 12, 26), d(2022, 12, 27)),
            // A zero-length period ends on the event day itself.
            (d(2026, 3, 4), "0d", d(2026, 3, 4), d(2026, 3, 4)),
            // Many months across a year boundary.
            (d(2025, 8, 31), "6m", d(2026, 2, 28), d(2026, 3, 2)),
        ];
        for (start, period, unshifted, shifted) in table {
            let period = p(period);
            assert_eq!(
                period_end_unshifted(start, period),
                Ok(unshifted),
                "{start} + {period}"
            );
            assert_eq!(period_end(start, period), Ok(shifted), "{start} + {period}");
        }
    }

    #[test]
    fn errors_at_the_range_edges() {
        assert_eq!(
            period_end(d(1899, 12, 31), Period::Days(1)),
            Err(DateOutOfRange)
        );
        assert_eq!(
            period_end(d(1900, 1, 1), Period::Days(1)),
            Ok(d(1900, 1, 2))
        );
        assert_eq!(
            period_end(d(2199, 12, 1), Period::Months(1)),
            Err(DateOutOfRange)
        );
        assert_eq!(
            period_end(d(2199, 11, 30), Period::Months(1)),
            Ok(d(2199, 12, 30))
        );
        assert_eq!(
            period_end(d(2199, 12, 30), Period::Days(1)),
            Ok(d(2199, 12, 31))
        );
        assert_eq!(
            period_end_unshifted(d(2199, 12, 31), Period::Days(1)),
            Err(DateOutOfRange)
        );
        assert_eq!(
            period_end(d(2000, 1, 1), Period::Weeks(u32::MAX)),
            Err(DateOutOfRange)
        );
        assert_eq!(
            period_end(d(2000, 1, 1), Period::Months(u32::MAX)),
            Err(DateOutOfRange)
        );
        assert_eq!(
            processing_due(d(2199, 12, 1), Period::Days(20), 11),
            Err(DateOutOfRange)
        );
        assert_eq!(
            processing_due(d(2000, 1, 1), Period::Days(1), u32::MAX),
            Err(DateOutOfRange)
        );
    }

    #[test]
    fn parse_and_display() {
        assert_eq!(p("14d"), Period::Days(14));
        assert_eq!(p("2w"), Period::Weeks(2));
        assert_eq!(p("1m"), Period::Months(1));
        assert_eq!(p("3D"), Period::Days(3));
        assert_eq!(p("3W"), Period::Weeks(3));
        assert_eq!(p("3M"), Period::Months(3));
        assert_eq!(p("0d"), Period::Days(0));
        assert_eq!(p("007d"), Period::Days(7));
        assert_eq!(p("4294967295d"), Period::Days(u32::MAX));
        assert_eq!(Period::Days(14).to_string(), "14d");
        assert_eq!(Period::Weeks(2).to_string(), "2w");
        assert_eq!(Period::Months(1).to_string(), "1m");
        assert_eq!(p("6M").to_string(), "6m");
    }

    #[test]
    fn parse_errors() {
        use PeriodParseError::*;
        let cases = [
            ("", Empty),
            ("-3d", Negative),
            ("d", MissingAmount),
            ("14", MissingUnit),
            ("+3d", InvalidAmount("+3".into())),
            (" 3d", InvalidAmount(" 3".into())),
            ("1.5m", InvalidAmount("1.5".into())),
            ("4294967296d", TooLarge("4294967296".into())),
            ("14x", UnknownUnit("x".into())),
            ("14t", UnknownUnit("t".into())),
            ("14dd", UnknownUnit("dd".into())),
            ("14 d", UnknownUnit(" d".into())),
            ("14ü", UnknownUnit("ü".into())),
        ];
        for (text, error) in cases {
            assert_eq!(text.parse::<Period>(), Err(error), "{text:?}");
        }
        assert_eq!(
            PeriodParseError::UnknownUnit("x".into()).to_string(),
            "Die Einheit „x“ ist unbekannt; erlaubt sind d (Tage), w (Wochen) und m (Monate)."
        );
    }

    #[test]
    fn serde_uses_the_string_form() {
        assert_eq!(serde_json::to_string(&Period::Weeks(2)).unwrap(), "\"2w\"");
        assert_eq!(
            serde_json::from_str::<Period>("\"14D\"").unwrap(),
            Period::Days(14)
        );
        assert_eq!(
            serde_json::from_value::<Period>(serde_json::json!("1m")).unwrap(),
            Period::Months(1)
        );
        assert!(serde_json::from_str::<Period>("\"14x\"").is_err());
        assert!(serde_json::from_str::<Period>("14").is_err());
    }

    #[test]
    fn paused_days_examples() {
        let open = |from| Pause { from, to: None };
        let closed = |from, to| Pause { from, to: Some(to) };
        let today = d(2026, 3, 20);
        assert_eq!(paused_days(&[], today), 0);
        assert_eq!(
            paused_days(&[closed(d(2026, 3, 1), d(2026, 3, 11))], today),
            10
        );
        assert_eq!(paused_days(&[open(d(2026, 3, 15))], today), 5);
        // An open pause that starts after today has not counted anything yet.
        assert_eq!(paused_days(&[open(d(2026, 3, 25))], today), 0);
        // Overlapping and duplicated pauses count each day once.
        let overlapping = [
            closed(d(2026, 3, 5), d(2026, 3, 12)),
            closed(d(2026, 3, 1), d(2026, 3, 8)),
            closed(d(2026, 3, 1), d(2026, 3, 8)),
            open(d(2026, 3, 10)),
        ];
        assert_eq!(paused_days(&overlapping, today), 19);
        // Touching pauses neither double-count nor lose the shared day.
        let touching = [
            closed(d(2026, 3, 1), d(2026, 3, 5)),
            closed(d(2026, 3, 5), d(2026, 3, 9)),
        ];
        assert_eq!(paused_days(&touching, today), 8);
        // A pause recorded backwards counts nothing rather than a negative amount.
        assert_eq!(
            paused_days(&[closed(d(2026, 3, 9), d(2026, 3, 1))], today),
            0
        );
    }

    #[test]
    fn processing_due_moves_by_the_paused_time() {
        let received = d(2026, 3, 2);
        let period = Period::Months(3);
        // The §188 end is Tuesday, 2 June 2026.
        assert_eq!(processing_due(received, period, 0), Ok(d(2026, 6, 2)));
        // Two paused days move it to Thursday, 4 June, which is Fronleichnam.
        assert_eq!(processing_due(received, period, 2), Ok(d(2026, 6, 5)));
        // Four paused days reach Saturday, 6 June, and move on to Monday.
        assert_eq!(processing_due(received, period, 4), Ok(d(2026, 6, 8)));
    }

    #[test]
    fn local_dates_are_german_dates() {
        use chrono::TimeZone;
        // 23:30 UTC on 31.12.2026 is already New Year's Day in Minden.
        let at = Utc.with_ymd_and_hms(2026, 12, 31, 23, 30, 0).unwrap();
        assert_eq!(local_date(at), d(2027, 1, 1));
        // 21:59 UTC in summer is 23:59 in Minden, the same day.
        let at = Utc.with_ymd_and_hms(2026, 7, 1, 21, 59, 0).unwrap();
        assert_eq!(local_date(at), d(2026, 7, 1));
        let at = Utc.with_ymd_and_hms(2026, 7, 1, 22, 0, 0).unwrap();
        assert_eq!(local_date(at), d(2026, 7, 2));
    }

    #[test]
    fn pauses_serialize_as_plain_objects() {
        let pause: Pause =
            serde_json::from_value(serde_json::json!({"from": "2026-03-01", "to": null})).unwrap();
        assert_eq!(
            pause,
            Pause {
                from: d(2026, 3, 1),
                to: None
            }
        );
    }

    /// Start dates from 1900-01-01 to 2198-12-31.
    fn start_date() -> impl Strategy<Value = NaiveDate> {
        let first = d(FIRST_YEAR, 1, 1);
        let last = d(LAST_YEAR - 1, 12, 31);
        let span = u64::try_from((last - first).num_days()).unwrap();
        (0..=span).prop_map(move |offset| first + Days::new(offset))
    }

    /// Periods short enough that every start from `start_date` ends inside the range.
    fn period() -> impl Strategy<Value = Period> {
        prop_oneof![
            (0..=357u32).prop_map(Period::Days),
            (0..=51u32).prop_map(Period::Weeks),
            (0..=11u32).prop_map(Period::Months),
        ]
    }

    fn pause() -> impl Strategy<Value = Pause> {
        (start_date(), proptest::option::of(0..400u64)).prop_map(|(from, length)| Pause {
            from,
            to: length.map(|length| from + Days::new(length)),
        })
    }

    proptest! {
        #[test]
        fn period_end_is_a_working_day_at_most_four_days_after_the_calendar_end(
            start in start_date(),
            period in period(),
        ) {
            let unshifted = period_end_unshifted(start, period).unwrap();
            let end = period_end(start, period).unwrap();
            prop_assert!(is_working_day(end));
            prop_assert!(end >= unshifted);
            // The longest run of non-working days is Karfreitag to Ostermontag.
            prop_assert!((end - unshifted).num_days() <= 4);
            if is_working_day(unshifted) {
                prop_assert_eq!(end, unshifted);
            }
        }

        #[test]
        fn week_periods_end_on_the_same_weekday(start in start_date(), weeks in 0..=51u32) {
            let end = period_end_unshifted(start, Period::Weeks(weeks)).unwrap();
            prop_assert_eq!(end.weekday(), start.weekday());
            prop_assert_eq!((end - start).num_days(), 7 * i64::from(weeks));
        }

        #[test]
        fn month_periods_keep_the_day_number_or_end_the_shorter_month(
            start in start_date(),
            months in 0..=11u32,
        ) {
            let end = period_end_unshifted(start, Period::Months(months)).unwrap();
            let month_index = |date: NaiveDate| date.year() * 12 + date.month0() as i32;
            prop_assert_eq!(month_index(end), month_index(start) + months as i32);
            if end.day() != start.day() {
                prop_assert!(end.day() < start.day());
                prop_assert_eq!(end.succ_opt().unwrap().day(), 1);
            }
        }

        #[test]
        fn later_starts_never_end_earlier(
            a in start_date(),
            b in start_date(),
            period in period(),
        ) {
            let (early, late) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(
                period_end(early, period).unwrap() <= period_end(late, period).unwrap()
            );
            prop_assert!(
                period_end_unshifted(early, period).unwrap()
                    <= period_end_unshifted(late, period).unwrap()
            );
        }

        #[test]
        fn processing_due_without_pause_is_the_period_end(
            start in start_date(),
            period in period(),
        ) {
            prop_assert_eq!(processing_due(start, period, 0), period_end(start, period));
        }

        #[test]
        fn more_paused_days_never_bring_the_due_date_forward(
            start in start_date(),
            period in period(),
            fewer in 0..200u32,
            extra in 0..200u32,
        ) {
            let with_fewer = processing_due(start, period, fewer);
            let with_more = processing_due(start, period, fewer + extra);
            if let (Ok(with_fewer), Ok(with_more)) = (with_fewer, with_more) {
                prop_assert!(with_fewer <= with_more);
                prop_assert!(is_working_day(with_more));
            } else {
                // Only the later date can run past 2199.
                prop_assert!(with_more.is_err());
            }
        }

        #[test]
        fn paused_days_of_separate_pauses_add_up(
            today in start_date(),
            mut pauses in proptest::collection::vec(pause(), 0..6),
        ) {
            // Make the pauses disjoint by laying them out one after another, each
            // starting a gap after the previous one ended.
            let mut next_free = d(FIRST_YEAR, 1, 1);
            for pause in &mut pauses {
                let gap = Days::new(u64::from(pause.from.ordinal()) % 30);
                let length = pause.to.map(|to| to - pause.from);
                pause.from = next_free + gap;
                pause.to = length.map(|length| pause.from + length);
                next_free = pause.to.unwrap_or(pause.from).max(next_free);
            }
            // Only the last pause may be open, and it must start after the others.
            let last = pauses.len().saturating_sub(1);
            for (index, pause) in pauses.iter_mut().enumerate() {
                if index != last && pause.to.is_none() {
                    pause.to = Some(pause.from);
                }
            }
            let today = today.max(next_free);
            let sum: i64 = pauses
                .iter()
                .map(|pause| (pause.to.unwrap_or(today) - pause.from).num_days())
                .sum();
            prop_assert_eq!(i64::from(paused_days(&pauses, today)), sum);
        }

        #[test]
        fn paused_days_never_exceed_the_sum_and_cover_the_longest_pause(
            today in start_date(),
            pauses in proptest::collection::vec(pause(), 0..6),
        ) {
            let lengths: Vec<i64> = pauses
                .iter()
                .map(|pause| (pause.to.unwrap_or(today) - pause.from).num_days().max(0))
                .collect();
            let total = i64::from(paused_days(&pauses, today));
            prop_assert!(total <= lengths.iter().sum::<i64>());
            prop_assert!(total >= lengths.iter().copied().max().unwrap_or(0));
        }
    }
}
