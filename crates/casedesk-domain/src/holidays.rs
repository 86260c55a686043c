//! Statutory public holidays in North Rhine-Westphalia and the working-day calendar
//! built on them. Deadlines under §193 BGB and §31(3) VwVfG move off Saturdays,
//! Sundays and public holidays "at the place of performance", which for a municipality
//! in NRW means the holidays of the Feiertagsgesetz NW §2. Easter and the holidays that
//! hang off it are computed for each year, never tabled, so the calendar cannot run out.
//!
//! The current holiday law is applied to every supported year (1900–2199): deadlines
//! are always computed under today's rules, and historical holiday law (for example the
//! 17th of June before 1991) is deliberately out of scope, with one exception: the
//! Reformationstag of 31 October 2017, a one-time holiday in every German state for
//! the 500th anniversary of the Reformation, which deadlines of old cases still
//! meet. Office closures such as Rosenmontag are not public holidays and do not
//! affect deadlines.

use chrono::{Datelike, NaiveDate, TimeDelta, Weekday};
use serde::{Deserialize, Serialize};

/// The first year whose holidays this module knows.
pub const FIRST_YEAR: i32 = 1900;

/// The last year whose holidays this module knows.
pub const LAST_YEAR: i32 = 2199;

/// A date (or year) outside the supported range 1900–2199 was given or would result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Das Datum liegt außerhalb des unterstützten Bereichs 1900–2199.")]
pub struct DateOutOfRange;

/// A statutory public holiday in NRW (Feiertagsgesetz NW §2).
///
/// The variants are declared in the order the law lists them. Easter Sunday and Whit
/// Sunday are not in that list: they are Sundays anyway, so they never change a
/// deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum NrwHoliday {
    Neujahr,
    Karfreitag,
    Ostermontag,
    TagDerArbeit,
    ChristiHimmelfahrt,
    Pfingstmontag,
    Fronleichnam,
    TagDerDeutschenEinheit,
    Allerheiligen,
    ErsterWeihnachtstag,
    ZweiterWeihnachtstag,
    /// 31 October 2017 only: the 500th anniversary of the Reformation.
    Reformationstag2017,
}

impl NrwHoliday {
    /// Every holiday, in the order of the law; the one-time holiday of 2017 last.
    pub const ALL: [NrwHoliday; 12] = [
        NrwHoliday::Neujahr,
        NrwHoliday::Karfreitag,
        NrwHoliday::Ostermontag,
        NrwHoliday::TagDerArbeit,
        NrwHoliday::ChristiHimmelfahrt,
        NrwHoliday::Pfingstmontag,
        NrwHoliday::Fronleichnam,
        NrwHoliday::TagDerDeutschenEinheit,
        NrwHoliday::Allerheiligen,
        NrwHoliday::ErsterWeihnachtstag,
        NrwHoliday::ZweiterWeihnachtstag,
        NrwHoliday::Reformationstag2017,
    ];

    /// The name caseworkers and citizens know the holiday by.
    pub fn german_name(self) -> &'static str {
        match self {
            NrwHoliday::Neujahr => "Neujahr",
            NrwHoliday::Karfreitag => "Karfreitag",
            NrwHoliday::Ostermontag => "Ostermontag",
            NrwHoliday::TagDerArbeit => "Tag der Arbeit",
            NrwHoliday::ChristiHimmelfahrt => "Christi Himmelfahrt",
            NrwHoliday::Pfingstmontag => "Pfingstmontag",
            NrwHoliday::Fronleichnam => "Fronleichnam",
            NrwHoliday::TagDerDeutschenEinheit => "Tag der Deutschen Einheit",
            NrwHoliday::Allerheiligen => "Allerheiligen",
            NrwHoliday::ErsterWeihnachtstag => "1. Weihnachtstag",
            NrwHoliday::ZweiterWeihnachtstag => "2. Weihnachtstag",
            NrwHoliday::Reformationstag2017 => "Reformationstag (2017)",
        }
    }

    /// Where the holiday falls: on a fixed calendar day, or a number of days after
    /// Easter Sunday. Both `nrw_holiday` and `nrw_holidays` read this one table, so they
    /// cannot disagree.
    const fn rule(self) -> HolidayRule {
        match self {
            NrwHoliday::Neujahr => HolidayRule::Fixed { month: 1, day: 1 },
            NrwHoliday::Karfreitag => HolidayRule::AfterEaster(-2),
            NrwHoliday::Ostermontag => HolidayRule::AfterEaster(1),
            NrwHoliday::TagDerArbeit => HolidayRule::Fixed { month: 5, day: 1 },
            NrwHoliday::ChristiHimmelfahrt => HolidayRule::AfterEaster(39),
            NrwHoliday::Pfingstmontag => HolidayRule::AfterEaster(50),
            NrwHoliday::Fronleichnam => HolidayRule::AfterEaster(60),
            NrwHoliday::TagDerDeutschenEinheit => HolidayRule::Fixed { month: 10, day: 3 },
            NrwHoliday::Allerheiligen => HolidayRule::Fixed { month: 11, day: 1 },
            NrwHoliday::ErsterWeihnachtstag => HolidayRule::Fixed { month: 12, day: 25 },
            NrwHoliday::ZweiterWeihnachtstag => HolidayRule::Fixed { month: 12, day: 26 },
            NrwHoliday::Reformationstag2017 => HolidayRule::Once {
                year: 2017,
                month: 10,
                day: 31,
            },
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum HolidayRule {
    Fixed {
        month: u32,
        day: u32,
    },
    AfterEaster(i64),
    /// A holiday of one year only.
    Once {
        year: i32,
        month: u32,
        day: u32,
    },
}

/// Returns the date itself when it lies in the supported range 1900–2199.
pub fn ensure_supported(date: NaiveDate) -> Result<NaiveDate, DateOutOfRange> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        Ok(date)
    } else {
        Err(DateOutOfRange)
    }
}

/// Easter Sunday of `year` in the Gregorian calendar.
pub fn easter_sunday(year: i32) -> Result<NaiveDate, DateOutOfRange> {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(DateOutOfRange);
    }
    let easter = computus::gregorian(year)
        .expect("computus covers 1583–9999, which contains the supported years");
    Ok(
        NaiveDate::from_ymd_opt(easter.year, easter.month, easter.day)
            .expect("computus only returns real dates in March or April"),
    )
}

/// All NRW public holidays of `year`, sorted by date.
///
/// When two holidays share a day (Christi Himmelfahrt falls on the 1st of May in some
/// years, e.g. 2008), both are listed, in the order of the law.
pub fn nrw_holidays(year: i32) -> Result<Vec<(NaiveDate, NrwHoliday)>, DateOutOfRange> {
    let easter = easter_sunday(year)?;
    let mut holidays: Vec<(NaiveDate, NrwHoliday)> = NrwHoliday::ALL
        .iter()
        .filter_map(|&holiday| Some((holiday_date(holiday, year, easter)?, holiday)))
        .collect();
    holidays.sort();
    Ok(holidays)
}

/// The date of `holiday` in `year`, given that year's Easter Sunday; none for a
/// one-time holiday of another year.
fn holiday_date(holiday: NrwHoliday, year: i32, easter: NaiveDate) -> Option<NaiveDate> {
    match holiday.rule() {
        HolidayRule::Fixed { month, day } => Some(
            NaiveDate::from_ymd_opt(year, month, day)
                .expect("fixed holidays fall on days that exist in every year"),
        ),
        HolidayRule::AfterEaster(offset) => Some(
            easter
                .checked_add_signed(TimeDelta::days(offset))
                .expect("a few weeks around Easter stay far inside chrono's calendar"),
        ),
        HolidayRule::Once {
            year: only,
            month,
            day,
        } => (year == only).then(|| NaiveDate::from_ymd_opt(year, month, day))?,
    }
}

/// The NRW public holiday on `date`, if there is one.
///
/// Dates outside 1900–2199 have no holidays. When two holidays share a day, the one
/// the law lists first is returned, which is also the first one `nrw_holidays` gives
/// for that day. This is called in loops, so it allocates nothing and computes Easter
/// only for dates in the weeks Easter can influence.
pub fn nrw_holiday(date: NaiveDate) -> Option<NrwHoliday> {
    let year = date.year();
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return None;
    }
    // The Easter-dependent holidays lie between Karfreitag (20 March at the earliest)
    // and Fronleichnam (24 June at the latest); outside that window there is no need to
    // compute Easter at all.
    let easter = if (3..=6).contains(&date.month()) {
        easter_sunday(year).ok()
    } else {
        None
    };
    NrwHoliday::ALL
        .into_iter()
        .find(|&holiday| match holiday.rule() {
            HolidayRule::Fixed { month, day } => date.month() == month && date.day() == day,
            HolidayRule::AfterEaster(offset) => {
                easter.is_some_and(|easter| (date - easter).num_days() == offset)
            }
            HolidayRule::Once { year, month, day } => {
                date.year() == year && date.month() == month && date.day() == day
            }
        })
}

/// Whether `date` is a working day: neither Saturday, Sunday nor an NRW public holiday.
///
/// Outside 1900–2199 only weekends count as non-working days, because no holidays are
/// known there.
pub fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && nrw_holiday(date).is_none()
}

/// The first working day on or after `date` (§193 BGB moves a deadline there).
pub fn next_working_day_on_or_after(date: NaiveDate) -> NaiveDate {
    // The search always ends: at most four non-working days follow each other in the
    // supported range (Karfreitag to Ostermontag), and outside it only weekends do. The
    // last date chrono knows is a weekday outside the range, which the tests check, so
    // even a start right at the end of the calendar finds a working day.
    let mut day = date;
    while !is_working_day(day) {
        day = day
            .succ_opt()
            .expect("the last date chrono can represent is a working day, so the loop stops there");
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    /// Easter Sunday for several years, taken from published tables (and checked
    /// against python-dateutil), independently of the `computus` crate.
    const EASTER_SUNDAYS: [(i32, u32, u32); 11] = [
        (1900, 4, 15),
        (1954, 4, 18),
        (2000, 4, 23),
        (2008, 3, 23),
        (2019, 4, 21),
        (2024, 3, 31),
        (2025, 4, 20),
        (2026, 4, 5),
        (2038, 4, 25),
        (2100, 3, 28),
        (2199, 4, 14),
    ];

    #[test]
    fn easter_sunday_matches_published_tables() {
        for (year, month, day) in EASTER_SUNDAYS {
            assert_eq!(easter_sunday(year), Ok(d(year, month, day)), "{year}");
        }
    }

    #[test]
    fn easter_dependent_holidays_match_known_dates() {
        use NrwHoliday::*;
        // The five Easter-dependent holidays as (year, [Karfreitag, Ostermontag,
        // Christi Himmelfahrt, Pfingstmontag, Fronleichnam]) with literal dates.
        let table: [(i32, [(u32, u32); 5]); 11] = [
            (1900, [(4, 13), (4, 16), (5, 24), (6, 4), (6, 14)]),
            (1954, [(4, 16), (4, 19), (5, 27), (6, 7), (6, 17)]),
            (2000, [(4, 21), (4, 24), (6, 1), (6, 12), (6, 22)]),
            (2008, [(3, 21), (3, 24), (5, 1), (5, 12), (5, 22)]),
            (2019, [(4, 19), (4, 22), (5, 30), (6, 10), (6, 20)]),
            (2024, [(3, 29), (4, 1), (5, 9), (5, 20), (5, 30)]),
            (2025, [(4, 18), (4, 21), (5, 29), (6, 9), (6, 19)]),
            (2026, [(4, 3), (4, 6), (5, 14), (5, 25), (6, 4)]),
            (2038, [(4, 23), (4, 26), (6, 3), (6, 14), (6, 24)]),
            (2100, [(3, 26), (3, 29), (5, 6), (5, 17), (5, 27)]),
            (2199, [(4, 12), (4, 15), (5, 23), (6, 3), (6, 13)]),
        ];
        let names = [
            Karfreitag,
            Ostermontag,
            ChristiHimmelfahrt,
            Pfingstmontag,
            Fronleichnam,
        ];
        for (year, dates) in table {
            let all = nrw_holidays(year).unwrap();
            for (holiday, (month, day)) in names.into_iter().zip(dates) {
                let date = d(year, month, day);
                assert!(all.contains(&(date, holiday)), "{year}: {holiday:?}");
                if holiday != ChristiHimmelfahrt || (month, day) != (5, 1) {
                    assert_eq!(nrw_holiday(date), Some(holiday), "{date}");
                }
            }
        }
    }

    #[test]
    fn easter_sunday_and_whit_sunday_are_not_listed_holidays() {
        for (year, month, day) in EASTER_SUNDAYS {
            let easter = d(year, month, day);
            assert_eq!(nrw_holiday(easter), None);
            assert_eq!(nrw_holiday(easter + TimeDelta::days(49)), None);
        }
    }

    #[test]
    fn complete_list_for_2026() {
        use NrwHoliday::*;
        let expected = vec![
            (d(2026, 1, 1), Neujahr),
            (d(2026, 4, 3), Karfreitag),
            (d(2026, 4, 6), Ostermontag),
            (d(2026, 5, 1), TagDerArbeit),
            (d(2026, 5, 14), ChristiHimmelfahrt),
            (d(2026, 5, 25), Pfingstmontag),
            (d(2026, 6, 4), Fronleichnam),
            (d(2026, 10, 3), TagDerDeutschenEinheit),
            (d(2026, 11, 1), Allerheiligen),
            (d(2026, 12, 25), ErsterWeihnachtstag),
            (d(2026, 12, 26), ZweiterWeihnachtstag),
        ];
        assert_eq!(nrw_holidays(2026).unwrap(), expected);
    }

    #[test]
    fn himmelfahrt_on_first_of_may_lists_both_and_reports_tag_der_arbeit() {
        let holidays = nrw_holidays(2008).unwrap();
        assert_eq!(holidays.len(), 11);
        assert_eq!(
            &holidays[3..5],
            &[
                (d(2008, 5, 1), NrwHoliday::TagDerArbeit),
                (d(2008, 5, 1), NrwHoliday::ChristiHimmelfahrt),
            ]
        );
        assert_eq!(nrw_holiday(d(2008, 5, 1)), Some(NrwHoliday::TagDerArbeit));
    }

    #[test]
    fn single_day_lookup_agrees_with_the_yearly_list_everywhere() {
        for year in FIRST_YEAR..=LAST_YEAR {
            let list = nrw_holidays(year).unwrap();
            assert_eq!(list.len(), if year == 2017 { 12 } else { 11 });
            assert!(list.is_sorted());
            assert!(list.iter().all(|(date, _)| date.year() == year));
            for day in d(year, 1, 1)
                .iter_days()
                .take_while(|day| day.year() == year)
            {
                let first_listed = list.iter().find(|(date, _)| *date == day).map(|h| h.1);
                assert_eq!(nrw_holiday(day), first_listed, "{day}");
            }
        }
    }

    #[test]
    fn german_names() {
        let names: Vec<&str> = NrwHoliday::ALL.iter().map(|h| h.german_name()).collect();
        assert_eq!(
            names,
            [
                "Neujahr",
                "Karfreitag",
                "Ostermontag",
                "Tag der Arbeit",
                "Christi Himmelfahrt",
                "Pfingstmontag",
                "Fronleichnam",
                "Tag der Deutschen Einheit",
                "Allerheiligen",
                "1. Weihnachtstag",
                "2. Weihnachtstag",
                "Reformationstag (2017)",
            ]
        );
    }

    #[test]
    fn working_days() {
        assert!(is_working_day(d(2026, 4, 2))); // Gründonnerstag is a normal day.
        assert!(!is_working_day(d(2026, 4, 3))); // Karfreitag
        assert!(!is_working_day(d(2026, 4, 4))); // Saturday
        assert!(!is_working_day(d(2026, 4, 5))); // Easter Sunday
        assert!(!is_working_day(d(2026, 4, 6))); // Ostermontag
        assert!(is_working_day(d(2026, 4, 7)));
        assert!(is_working_day(d(2026, 12, 24))); // Heiligabend is a normal day.
        assert!(is_working_day(d(2026, 12, 31))); // So is Silvester.
        assert!(is_working_day(d(2027, 2, 8))); // Rosenmontag is only an office closure.
        assert_eq!(next_working_day_on_or_after(d(2026, 4, 3)), d(2026, 4, 7));
        assert_eq!(next_working_day_on_or_after(d(2026, 4, 7)), d(2026, 4, 7));
        assert_eq!(
            next_working_day_on_or_after(d(2026, 12, 25)),
            d(2026, 12, 28)
        );
        assert_eq!(next_working_day_on_or_after(d(2027, 1, 1)), d(2027, 1, 4));
    }

    #[test]
    fn longest_run_of_non_working_days_is_the_easter_weekend() {
        // Deadline code relies on a §193 shift being at most four days long.
        let mut longest = 0;
        let mut current = 0;
        let mut longest_ends = d(FIRST_YEAR, 1, 1);
        for day in d(FIRST_YEAR, 1, 1).iter_days() {
            if day.year() > LAST_YEAR {
                break;
            }
            if is_working_day(day) {
                current = 0;
            } else {
                current += 1;
                if current > longest {
                    longest = current;
                    longest_ends = day;
                }
            }
        }
        assert_eq!(longest, 4);
        assert_eq!(nrw_holiday(longest_ends), Some(NrwHoliday::Ostermontag));
    }

    #[test]
    fn out_of_range_years_and_dates() {
        assert_eq!(nrw_holidays(FIRST_YEAR - 1), Err(DateOutOfRange));
        assert_eq!(nrw_holidays(LAST_YEAR + 1), Err(DateOutOfRange));
        assert!(nrw_holidays(FIRST_YEAR).is_ok());
        assert!(nrw_holidays(LAST_YEAR).is_ok());
        assert_eq!(easter_sunday(1899), Err(DateOutOfRange));
        assert_eq!(nrw_holiday(d(1899, 12, 25)), None);
        assert_eq!(nrw_holiday(d(2200, 1, 1)), None);
        assert_eq!(nrw_holiday(d(1900, 1, 1)), Some(NrwHoliday::Neujahr));
        assert_eq!(
            nrw_holiday(d(2199, 12, 26)),
            Some(NrwHoliday::ZweiterWeihnachtstag)
        );
        // 2200-01-01 is a Wednesday; without known holidays it counts as working.
        assert!(is_working_day(d(2200, 1, 1)));
        assert_eq!(ensure_supported(d(2199, 12, 31)), Ok(d(2199, 12, 31)));
        assert_eq!(ensure_supported(d(2200, 1, 1)), Err(DateOutOfRange));
        assert_eq!(ensure_supported(d(1899, 12, 31)), Err(DateOutOfRange));
    }

    #[test]
    fn search_for_a_working_day_ends_at_the_edge_of_the_calendar() {
        // `next_working_day_on_or_after` relies on this to never run off the calendar.
        assert!(is_working_day(NaiveDate::MAX));
        assert_eq!(next_working_day_on_or_after(NaiveDate::MAX), NaiveDate::MAX);
        let saturday_before_max = NaiveDate::MAX
            .iter_days()
            .rev()
            .find(|day| day.weekday() == Weekday::Sat)
            .unwrap();
        assert!(next_working_day_on_or_after(saturday_before_max) <= NaiveDate::MAX);
    }

    #[test]
    fn holidays_serialize_by_variant_name() {
        let json = serde_json::to_string(&NrwHoliday::ErsterWeihnachtstag).unwrap();
        assert_eq!(json, "\"ErsterWeihnachtstag\"");
        let back: NrwHoliday = serde_json::from_str(&json).unwrap();
        assert_eq!(back, NrwHoliday::ErsterWeihnachtstag);
    }

    #[test]
    fn reformationstag_2017_was_a_holiday_once() {
        assert_eq!(
            nrw_holiday(d(2017, 10, 31)),
            Some(NrwHoliday::Reformationstag2017)
        );
        assert!(!is_working_day(d(2017, 10, 31)));
        for year in [2016, 2018, 2026] {
            assert_eq!(nrw_holiday(d(year, 10, 31)), None, "{year}");
        }
        assert_eq!(
            nrw_holidays(2017).unwrap()[8],
            (d(2017, 10, 31), NrwHoliday::Reformationstag2017)
        );
    }
}
