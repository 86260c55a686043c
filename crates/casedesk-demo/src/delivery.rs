//! How demo decisions and notices reach their citizens: whether a citizen consents
//! to delivery through the portal, the channel a service's law and that consent
//! allow, the day a letter goes to the post or is served, when a citizen fetches a
//! decision from the portal mailbox, and when the portal notes that one was not
//! fetched in time (§41(2a) VwVfG NRW).

use casedesk_domain::aggregate::Consents;
use casedesk_domain::deadline::local_date;
use casedesk_domain::delivery::{DeliveryChannel, retrieval_lapses_after};
use casedesk_domain::holidays::next_working_day_on_or_after;
use casedesk_domain::law::{DeliveryRequirement, ServiceLaw};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use rand::Rng;
use sha2::{Digest, Sha256};

/// What a demo citizen agrees to when applying: about 60 % consent to receiving
/// decisions through the portal. The answer follows from the e-mail address, so
/// the same citizen answers alike in every application and on every run.
pub fn consents_of(email: &str) -> Consents {
    let digest = Sha256::digest(email.as_bytes());
    Consents {
        portal_delivery: digest[0] % 10 < 6,
    }
}

/// The channel a decision of a service with `law` goes out on: Zustellung where the
/// law demands it; the portal mailbox mostly, where the applicant consented; the
/// post otherwise.
pub fn channel_for(law: &ServiceLaw, consents: Consents, rng: &mut impl Rng) -> DeliveryChannel {
    match law.delivery {
        DeliveryRequirement::Zustellung => DeliveryChannel::Zustellung,
        DeliveryRequirement::PostOrPortal if consents.portal_delivery && rng.gen_bool(0.9) => {
            DeliveryChannel::Portal
        }
        DeliveryRequirement::PostOrPortal | DeliveryRequirement::Post => DeliveryChannel::Post,
    }
}

/// The day a letter issued at `issued_at` goes out: handed to the post on the next
/// working day (the day's outgoing mail has left), or served by the postal service
/// one to three working days after that.
pub fn dispatch_day(
    channel: DeliveryChannel,
    issued_at: DateTime<Utc>,
    rng: &mut impl Rng,
) -> NaiveDate {
    let mut day = next_working_day_on_or_after(local_date(issued_at) + Duration::days(1));
    if channel == DeliveryChannel::Zustellung {
        for _ in 0..rng.gen_range(1..=3) {
            day = next_working_day_on_or_after(day + Duration::days(1));
        }
    }
    day
}

/// The first moment of `day` in Minden, as an instant: the local midnight, which is
/// 23:00 or 22:00 UTC the day before.
pub fn start_of_local_day(day: NaiveDate) -> DateTime<Utc> {
    let before = day - Duration::days(1);
    [22, 23]
        .into_iter()
        .map(|hour| {
            before
                .and_time(NaiveTime::from_hms_opt(hour, 0, 0).expect("a valid hour"))
                .and_utc()
        })
        .find(|at| local_date(*at) == day)
        .unwrap_or_else(|| day.and_time(NaiveTime::MIN).and_utc())
}

/// A moment in office hours (08:00 to 15:00 in Minden) of `day`.
pub fn office_hours(day: NaiveDate, rng: &mut impl Rng) -> DateTime<Utc> {
    start_of_local_day(day) + Duration::minutes(rng.gen_range(8 * 60..15 * 60))
}

/// When the portal's job notes that a decision notified at `notified_at` was not
/// retrieved: as the day after the last day of retrieval begins.
pub fn lapse_moment(notified_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let last = retrieval_lapses_after(notified_at).ok()?;
    Some(start_of_local_day(last + Duration::days(1)))
}

/// When a citizen notified at `notified_at` fetches the decision: mostly the same or
/// the next day, some only days later, always within the ten days.
pub fn retrieval_moment(notified_at: DateTime<Utc>, rng: &mut impl Rng) -> DateTime<Utc> {
    let hours = if rng.gen_bool(0.7) {
        rng.gen_range(1..30)
    } else {
        rng.gen_range(30..24 * 8)
    };
    notified_at + Duration::hours(hours) + Duration::minutes(rng.gen_range(0..60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use rand::SeedableRng;

    #[test]
    fn about_six_in_ten_citizens_consent() {
        let consenting = (0..1000)
            .filter(|i| consents_of(&format!("person{i}@example.org")).portal_delivery)
            .count();
        assert!((540..=660).contains(&consenting), "{consenting}");
        assert_eq!(
            consents_of("erika@example.org"),
            consents_of("erika@example.org")
        );
    }

    #[test]
    fn local_days_begin_at_local_midnight_in_winter_and_summer() {
        let winter = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
        assert_eq!(
            start_of_local_day(winter),
            Utc.with_ymd_and_hms(2026, 1, 14, 23, 0, 0).unwrap()
        );
        let summer = NaiveDate::from_ymd_opt(2026, 7, 15).unwrap();
        assert_eq!(
            start_of_local_day(summer),
            Utc.with_ymd_and_hms(2026, 7, 14, 22, 0, 0).unwrap()
        );
    }

    #[test]
    fn letters_go_out_on_working_days_and_retrievals_lapse_after_ten_days() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(9);
        // Decided on Thursday 02.04.2026: Karfreitag and Easter follow.
        let decided = Utc.with_ymd_and_hms(2026, 4, 2, 10, 0, 0).unwrap();
        assert_eq!(
            dispatch_day(DeliveryChannel::Post, decided, &mut rng),
            NaiveDate::from_ymd_opt(2026, 4, 7).unwrap()
        );
        assert!(
            dispatch_day(DeliveryChannel::Zustellung, decided, &mut rng)
                > NaiveDate::from_ymd_opt(2026, 4, 7).unwrap()
        );
        // Notified 02.04.: retrievable until 12.04., lapsed from 13.04. on.
        let lapse = lapse_moment(decided).unwrap();
        assert_eq!(
            local_date(lapse),
            NaiveDate::from_ymd_opt(2026, 4, 13).unwrap()
        );
        for _ in 0..100 {
            let retrieved = retrieval_moment(decided, &mut rng);
            assert!(retrieved > decided && retrieved < lapse);
        }
    }
}
