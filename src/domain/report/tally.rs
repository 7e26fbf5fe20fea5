//! Counting: one pass over the appeals, two periods side by side.

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;

use super::facts::{End, Facts, TextLanguage};
use super::working_days::{WorkingDays, horizon};
use super::{Figures, Period, Scope, Totals, tables};
use crate::domain::appeal::{CategoryId, UnitId};
use crate::domain::deadline::add_working_days;
use crate::domain::kind::{AppealKind, Channel, Outcome, Score};
use crate::domain::tax_id::ApplicantKind;
use crate::domain::user::UserId;

/// How one unit or executor did in a period.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Performance {
    pub received: u64,
    pub finished: u64,
    pub in_term: u64,
    /// Finished late, or open past the term at the end.
    pub overdue: u64,
    pub days_sum: u64,
    pub days_n: u64,
}

impl Performance {
    pub fn average_days(&self) -> Option<f64> {
        average(self.days_sum, self.days_n)
    }
}

/// Counts for one period.
#[derive(Debug, Clone, Default)]
pub(super) struct Side {
    pub carried_over: u64,
    pub received: u64,
    pub applicants: [u64; 2],
    pub collective: u64,
    pub repeated: u64,
    pub channels: [u64; Channel::ALL.len()],
    pub languages: [u64; 3],
    pub kinds: [u64; AppealKind::ALL.len()],

    pub outcomes: [u64; Outcome::ALL.len()],
    pub forwarded_full: u64,
    pub returned: u64,
    pub withdrawn: u64,
    pub terminated: u64,
    pub open_in_term: u64,
    pub open_overdue: u64,
    pub with_higher_body: u64,

    pub in_term: u64,
    pub late: u64,
    pub days: Vec<u32>,
    pub days_by_kind: [(u64, u64); AppealKind::ALL.len()],
    pub extension_decisions: u64,
    pub extended_appeals: u64,
    pub extension_days: u64,
    pub forwarded: u64,
    pub forwarded_in_time: u64,

    pub complaints: u64,
    pub complaints_about_us: u64,
    pub sent_up: u64,
    pub sent_up_in_time: u64,

    pub categories: BTreeMap<CategoryId, u64>,
    pub units: BTreeMap<UnitId, Performance>,
    pub executors: BTreeMap<Option<UserId>, Performance>,
    pub ratings: [u64; 3],
    /// Received per (year, month) of the *report* period (a year earlier is shifted forward).
    pub months: BTreeMap<(i16, i8), u64>,
}

pub(super) fn average(sum: u64, n: u64) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)] // counts of appeals are far below 2^52
    (n > 0).then(|| super::round1(sum as f64 / n as f64))
}

impl Side {
    pub fn finished(&self) -> u64 {
        self.outcomes.iter().sum::<u64>()
            + self.forwarded_full
            + self.returned
            + self.withdrawn
            + self.terminated
    }

    pub fn open_at_end(&self) -> u64 {
        self.open_in_term + self.open_overdue + self.with_higher_body
    }

    pub fn average_days(&self) -> Option<f64> {
        average(
            self.days.iter().map(|d| u64::from(*d)).sum(),
            self.days.len() as u64,
        )
    }

    /// The median of the working days to finish; `days` must be sorted.
    pub fn median_days(&self) -> Option<f64> {
        let n = self.days.len();
        if n == 0 {
            return None;
        }
        let mid = f64::from(self.days[n / 2]);
        Some(if n % 2 == 1 {
            mid
        } else {
            super::round1(f64::from(self.days[n / 2 - 1]).midpoint(mid))
        })
    }

    fn totals(&self) -> Totals {
        Totals {
            carried_over: self.carried_over,
            received: self.received,
            finished: self.finished(),
            answered: self.outcomes.iter().sum(),
            in_term: self.in_term,
            late: self.late,
            open_at_end: self.open_at_end(),
            open_overdue: self.open_overdue,
            forwarded: self.forwarded,
            extensions: self.extension_decisions,
            complaints_about_us: self.complaints_about_us,
            average_days: self.average_days(),
            median_days: self.median_days(),
            ratings: self.ratings,
        }
    }
}

/// The running count over both periods.
pub(super) struct Tally<'a> {
    periods: [Period; 2],
    as_of: [Date; 2],
    scope: Scope<'a>,
    days: WorkingDays<'a>,
    sides: [Side; 2],
}

fn language_slot(language: TextLanguage) -> usize {
    match language {
        TextLanguage::Kazakh => 0,
        TextLanguage::Russian => 1,
        TextLanguage::Other => 2,
    }
}

fn score_slot(score: Score) -> usize {
    match score {
        Score::Positive => 0,
        Score::Neutral => 1,
        Score::Negative => 2,
    }
}

impl<'a> Tally<'a> {
    pub fn new(scope: &Scope<'a>) -> Self {
        let period = scope.period;
        let previous = period.year_earlier();
        let as_of = |p: Period| p.to.min(scope.today).max(p.from);
        Self {
            periods: [period, previous],
            as_of: [as_of(period), as_of(previous)],
            scope: *scope,
            days: WorkingDays::new(period.reading_from(), horizon(period.to), scope.calendar),
            sides: [Side::default(), Side::default()],
        }
    }

    /// A count that starts from sides already counted (from running tallies).
    pub fn with_sides(sides: [Side; 2], scope: &Scope<'a>) -> Self {
        let mut tally = Self::new(scope);
        tally.sides = sides;
        tally
    }

    pub fn add(&mut self, facts: &Facts) {
        for slot in 0..2 {
            self.add_to(slot, facts);
        }
    }

    #[allow(clippy::too_many_lines)] // one appeal's contribution, rule by rule
    fn add_to(&mut self, slot: usize, f: &Facts) {
        let period = self.periods[slot];
        let as_of = self.as_of[slot];
        let window_start = period
            .from
            .saturating_sub(super::CARRY_OVER_LOOKBACK_DAYS.days());
        if f.registered_on > period.to || f.registered_on < window_start {
            return;
        }
        let received = period.contains(f.registered_on);
        let day_before = period.from.yesterday().unwrap_or(period.from);
        let carried = !received && f.finished_by(day_before).is_none();
        if !received && !carried {
            return;
        }
        let calendar = self.scope.calendar;
        let days = &self.days;
        let side = &mut self.sides[slot];
        let kind = usize::from(f.kind.index());
        if received {
            side.received += 1;
            side.applicants[usize::from(f.applicant == ApplicantKind::Legal)] += 1;
            side.collective += u64::from(f.collective);
            side.repeated += u64::from(f.repeated);
            side.channels[usize::from(f.channel.index())] += 1;
            side.languages[language_slot(f.language)] += 1;
            side.kinds[kind] += 1;
            *side.categories.entry(f.category).or_default() += 1;
            side.units.entry(f.unit).or_default().received += 1;
            side.executors.entry(f.executor).or_default().received += 1;
            let year = f.registered_on.year() + i16::from(slot == 1);
            *side
                .months
                .entry((year, f.registered_on.month()))
                .or_default() += 1;
            if f.kind == AppealKind::Complaint {
                side.complaints += 1;
                side.complaints_about_us += u64::from(f.contests_our_answer);
            }
        } else {
            side.carried_over += 1;
        }

        let mut overdue = false;
        let mut finished_days = None;
        if let Some((_, end)) = f.finished_by(period.to) {
            match end {
                End::Answered(outcome) => side.outcomes[usize::from(outcome.index())] += 1,
                End::Forwarded => side.forwarded_full += 1,
                End::Returned => side.returned += 1,
                End::Withdrawn => side.withdrawn += 1,
                End::Terminated(_) => side.terminated += 1,
            }
            let settled = f.settled_on(period.to).unwrap_or(f.registered_on);
            if settled <= f.due_on(settled) {
                side.in_term += 1;
            } else {
                side.late += 1;
                overdue = true;
            }
            let taken = days.between(f.registered_on, settled);
            side.days.push(taken);
            side.days_by_kind[kind].0 += u64::from(taken);
            side.days_by_kind[kind].1 += 1;
            finished_days = Some(taken);
            if let (End::Answered(_), Some(score)) = (end, f.rating) {
                side.ratings[score_slot(score)] += 1;
            }
        } else if f.sent_up_on.is_some_and(|d| d <= period.to) {
            side.with_higher_body += 1;
        } else if f.due_on(as_of) < as_of {
            side.open_overdue += 1;
            overdue = true;
        } else {
            side.open_in_term += 1;
        }
        for performance in [
            side.units.entry(f.unit).or_default(),
            side.executors.entry(f.executor).or_default(),
        ] {
            performance.overdue += u64::from(overdue);
            if let Some(taken) = finished_days {
                performance.finished += 1;
                performance.in_term += u64::from(!overdue);
                performance.days_sum += u64::from(taken);
                performance.days_n += 1;
            }
        }

        let mut extended = false;
        for e in f
            .extensions
            .iter()
            .filter(|e| period.contains(e.decided_on))
        {
            side.extension_decisions += 1;
            side.extension_days += u64::from(days.between(e.previous_due, e.new_due));
            extended = true;
        }
        side.extended_appeals += u64::from(extended);
        if let Some((on, _)) = f.forwarding.filter(|(on, _)| period.contains(*on)) {
            side.forwarded += 1;
            if on <= add_working_days(f.received_on, 3, calendar) {
                side.forwarded_in_time += 1;
            }
        }
        if let Some(on) = f.sent_up_on.filter(|on| period.contains(*on)) {
            side.sent_up += 1;
            if on <= add_working_days(f.received_on, 3, calendar) {
                side.sent_up_in_time += 1;
            }
        }
    }

    pub fn finish(mut self) -> Figures {
        for side in &mut self.sides {
            side.days.sort_unstable();
        }
        let current = self.sides[0].totals();
        let before = self.sides[1].totals();
        let top_category = self.sides[0]
            .categories
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(id, n)| (*id, *n));
        let [now, then] = &self.sides;
        Figures {
            period: self.periods[0],
            previous: self.periods[1],
            as_of: self.as_of[0],
            tables: tables::build(now, then, self.scope.units),
            months: tables::months(self.periods[0], now, then),
            current,
            before,
            top_category,
        }
    }
}
