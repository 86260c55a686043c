//! Plausible times for the steps of a generated case.
//!
//! Every command of a demo case carries the time it "happened": after the application
//! was received and before the real present, in order. [`Timeline`] hands out such
//! times: each step moves on by a random share of the time that is left, so any
//! number of steps fits, and early steps are spread out like real work while later
//! ones bunch up towards the present.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use rand::Rng;

#[derive(Debug, Clone)]
pub struct Timeline {
    at: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl Timeline {
    /// A timeline from `start` (the receipt) up to, not beyond, `end`.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        Self {
            at: start,
            end: end.max(start),
        }
    }

    /// The time of the latest step.
    pub fn now(&self) -> DateTime<Utc> {
        self.at
    }

    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }

    /// Moves on by 4 % to 20 % of the time left (at least a second while time is left).
    pub fn step(&mut self, rng: &mut impl Rng) -> DateTime<Utc> {
        self.step_share(rng, 0.04, 0.20)
    }

    /// Moves on by a share between `low` and `high` of the time left.
    pub fn step_share(&mut self, rng: &mut impl Rng, low: f64, high: f64) -> DateTime<Utc> {
        let left = (self.end - self.at).num_seconds().max(0);
        let share = rng.gen_range(low..high.max(low + f64::EPSILON));
        let gap = ((left as f64 * share) as i64).clamp(left.min(1), left);
        self.at += Duration::seconds(gap);
        self.at
    }

    /// Jumps to `to` if that lies ahead and before the end; says whether it did.
    pub fn jump_to(&mut self, to: DateTime<Utc>) -> bool {
        if to > self.at && to < self.end {
            self.at = to;
            true
        } else {
            false
        }
    }

    /// Whether a step at `to` would still fit.
    pub fn fits(&self, to: DateTime<Utc>) -> bool {
        to > self.at && to < self.end
    }
}

/// Six in the morning of a day (UTC), when the portal's nightly jobs have run.
pub fn morning_of(day: chrono::NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::from_hms_opt(6, 0, 0).expect("06:00 is a valid time"))
        .and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn steps_are_ordered_and_never_pass_the_end() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let start = Utc::now() - Duration::days(30);
        let end = Utc::now();
        let mut timeline = Timeline::new(start, end);
        let mut last = start;
        for _ in 0..200 {
            let at = timeline.step(&mut rng);
            assert!(at >= last && at <= end);
            last = at;
        }
        assert!(!timeline.jump_to(end + Duration::days(1)));
    }
}
