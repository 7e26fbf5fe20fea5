//! Running tallies: what each appeal adds to the counters of the days it touches, so that the
//! report for any period is a sum over days instead of a pass over every appeal.
//!
//! [`contribution`] turns one appeal's [`Facts`] into `(day, counter, amount)` entries; the
//! store keeps their sums per day (and per month), changing them in the same transaction as
//! the appeal. [`aggregate_counted`] turns the sums for a period back into the same [`Figures`]
//! as [`super::aggregate`] (a property test holds the two equal).
//!
//! Three kinds of counters:
//! - *on the registration day*: what the intake tables count (received, by type, unit …);
//! - *on the day of a step*: finished (with result, term, working days), extension decisions,
//!   forwarding, passing up;
//! - *alive*: `+1` on the day an appeal enters a state (in term, overdue, with the higher body)
//!   and `−1` on the day it leaves it, so the sum of every day up to `D` is the number of
//!   appeals in that state at the end of `D` (carried over, open at the end of a period).
//!
//! An open appeal is counted the same way, with its life running to its *lapse day*, the
//! registration day plus the carry-over look-back: the report stops looking for it after that
//! day, so its alive counters step down there and *lapsed* counters step up, holding the state
//! it keeps from then on (overdue, or with the higher body). Its alive steps on days still to
//! come (its term running out, its lapse) are stored too, so the state at the end of a period
//! that reaches past today is read as of today ([`PeriodCounts::past_as_of`] takes those days
//! back out).
//!
//! An appeal whose counters cannot be read back this way is *loose* ([`contribution`] returns
//! `None`) and is folded in full with every report: one that lived longer than the carry-over
//! look-back, one with steps outside its own life or with extensions decided on different days,
//! or one open whose state could still change after its lapse day (its term ends later). Loose
//! appeals are rare.
//!
//! Invariant the counters rely on: no day in the facts of a finished appeal lies after today,
//! and no step of an open appeal (extension, forwarding, passing up) does.

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;

use super::facts::{End, Facts, TextLanguage};
use super::tally::{Side, Tally};
use super::{CARRY_OVER_LOOKBACK_DAYS, Figures, Period, Scope};
use crate::domain::calendar::Calendar;
use crate::domain::deadline::{add_working_days, working_days_between};
use crate::domain::kind::{AppealKind, Score};
use crate::domain::tax_id::ApplicantKind;

/// One running counter. Stored (by variant index): append new variants at the end only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Counter {
    /// Registered.
    Received,
    /// Registered, by applicant kind (0 individual, 1 legal entity).
    Applicant(u8),
    /// Registered with co-applicants.
    Collective,
    /// Registered as a repeated appeal.
    Repeated,
    /// Registered, by channel index.
    Channel(u8),
    /// Registered, by text language (0 Kazakh, 1 Russian, 2 other).
    Language(u8),
    /// Registered, by type index.
    Kind(u8),
    /// Registered, by category.
    Category(u32),
    /// Registered, by unit.
    UnitReceived(u32),
    /// Registered, by executor.
    ExecutorReceived(Option<u64>),
    /// Complaints registered.
    Complaint,
    /// Complaints about the institution's own answers registered.
    ComplaintAboutUs,
    /// Finished with an answer, by result index.
    Outcome(u8),
    /// Finished by forwarding in full.
    ForwardedFull,
    /// Finished by return.
    Returned,
    /// Finished by withdrawal.
    Withdrawn,
    /// Finished by termination.
    Terminated,
    /// Finished within the term.
    InTerm,
    /// Finished after the term.
    Late,
    /// Finished, taking this many working days.
    Taken(u32),
    /// Working days taken, summed by type index.
    KindDaysSum(u8),
    /// Finished, by type index.
    KindFinished(u8),
    /// Answers finished and rated (0 positive, 1 neutral, 2 negative).
    Rating(u8),
    /// Finished, by unit.
    UnitFinished(u32),
    /// Finished in term, by unit.
    UnitInTerm(u32),
    /// Finished late, by unit.
    UnitLate(u32),
    /// Working days taken, by unit.
    UnitDaysSum(u32),
    /// Finished, by executor.
    ExecutorFinished(Option<u64>),
    /// Finished in term, by executor.
    ExecutorInTerm(Option<u64>),
    /// Finished late, by executor.
    ExecutorLate(Option<u64>),
    /// Working days taken, by executor.
    ExecutorDaysSum(Option<u64>),
    /// Extension decisions.
    ExtensionDecisions,
    /// Working days added by extensions.
    ExtensionDays,
    /// Appeals extended (counted on the day of their extension).
    ExtendedAppeals,
    /// Forwarding letters (first of each appeal).
    Forwarded,
    /// Of them, within 3 working days of receipt.
    ForwardedInTime,
    /// Complaints passed up.
    SentUp,
    /// Of them, within 3 working days of receipt.
    SentUpInTime,
    /// Alive: open, within the term.
    AliveInTerm,
    /// Alive: open, past the term.
    AliveOverdue,
    /// Alive: with the higher body.
    AliveUp,
    /// Alive, by unit.
    UnitAlive(u32),
    /// Alive and past the term, by unit.
    UnitAliveOverdue(u32),
    /// Alive, by executor.
    ExecutorAlive(Option<u64>),
    /// Alive and past the term, by executor.
    ExecutorAliveOverdue(Option<u64>),
    /// Lapsed (open on its lapse day, see the module docs), past the term.
    LapsedOverdue,
    /// Lapsed, with the higher body.
    LapsedUp,
    /// Lapsed past the term, by unit.
    UnitLapsedOverdue(u32),
    /// Lapsed past the term, by executor.
    ExecutorLapsedOverdue(Option<u64>),
}

impl Counter {
    /// Whether this counter holds `+1`/`−1` steps whose running sum is a state.
    pub fn is_alive(self) -> bool {
        matches!(
            self,
            Counter::AliveInTerm
                | Counter::AliveOverdue
                | Counter::AliveUp
                | Counter::UnitAlive(_)
                | Counter::UnitAliveOverdue(_)
                | Counter::ExecutorAlive(_)
                | Counter::ExecutorAliveOverdue(_)
        )
    }

    /// The alive counter a lapsed counter stands for at the end of a period, if it is one.
    fn lapsed_as_alive(self) -> Option<Counter> {
        match self {
            Counter::LapsedOverdue => Some(Counter::AliveOverdue),
            Counter::LapsedUp => Some(Counter::AliveUp),
            Counter::UnitLapsedOverdue(u) => Some(Counter::UnitAliveOverdue(u)),
            Counter::ExecutorLapsedOverdue(e) => Some(Counter::ExecutorAliveOverdue(e)),
            _ => None,
        }
    }
}

/// Sums of counters (a day's, a month's, a period's). Zero sums are left out, so two equal
/// tallies compare equal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts(BTreeMap<Counter, i64>);

impl Counts {
    /// Adds `amount` to one counter.
    pub fn add(&mut self, counter: Counter, amount: i64) {
        if amount == 0 {
            return;
        }
        let entry = self.0.entry(counter).or_insert(0);
        *entry += amount;
        if *entry == 0 {
            self.0.remove(&counter);
        }
    }

    /// Adds `sign` times every counter of `other`.
    pub fn merge(&mut self, other: &Counts, sign: i64) {
        for (counter, amount) in &other.0 {
            self.add(*counter, amount * sign);
        }
    }

    /// One counter's sum.
    pub fn get(&self, counter: Counter) -> i64 {
        self.0.get(&counter).copied().unwrap_or(0)
    }

    /// Whether every counter is zero.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The non-zero counters.
    pub fn iter(&self) -> impl Iterator<Item = (Counter, i64)> + '_ {
        self.0.iter().map(|(c, n)| (*c, *n))
    }
}

/// One entry of an appeal's contribution.
pub type Entry = (Date, Counter, i64);

fn language_slot(language: TextLanguage) -> u8 {
    match language {
        TextLanguage::Kazakh => 0,
        TextLanguage::Russian => 1,
        TextLanguage::Other => 2,
    }
}

fn score_slot(score: Score) -> u8 {
    match score {
        Score::Positive => 0,
        Score::Neutral => 1,
        Score::Negative => 2,
    }
}

/// The state an open appeal is in at the end of `day`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Alive {
    InTerm,
    Overdue,
    Up,
}

fn alive_on(f: &Facts, day: Date) -> Alive {
    if f.sent_up_on.is_some_and(|d| d <= day) {
        Alive::Up
    } else if f.due_on(day) < day {
        Alive::Overdue
    } else {
        Alive::InTerm
    }
}

fn alive_counters(f: &Facts, state: Alive) -> Vec<Counter> {
    let mut out = vec![
        match state {
            Alive::InTerm => Counter::AliveInTerm,
            Alive::Overdue => Counter::AliveOverdue,
            Alive::Up => Counter::AliveUp,
        },
        Counter::UnitAlive(f.unit.0),
        Counter::ExecutorAlive(f.executor.map(|e| e.0)),
    ];
    if state == Alive::Overdue {
        out.push(Counter::UnitAliveOverdue(f.unit.0));
        out.push(Counter::ExecutorAliveOverdue(f.executor.map(|e| e.0)));
    }
    out
}

/// The lapsed counters of an open appeal in `state` on its lapse day; `None` while in term
/// (its term runs out later, so its state could still change).
fn lapsed_counters(f: &Facts, state: Alive) -> Option<Vec<Counter>> {
    match state {
        Alive::InTerm => None,
        Alive::Up => Some(vec![Counter::LapsedUp]),
        Alive::Overdue => Some(vec![
            Counter::LapsedOverdue,
            Counter::UnitLapsedOverdue(f.unit.0),
            Counter::ExecutorLapsedOverdue(f.executor.map(|e| e.0)),
        ]),
    }
}

/// The last day an open appeal registered on `registered_on` is looked for by the report (a
/// period starting after it no longer carries it over).
pub fn lapse_day(registered_on: Date) -> Date {
    registered_on.saturating_add(CARRY_OVER_LOOKBACK_DAYS.days())
}

/// Whether the counters of a finished appeal read back exactly (see the module docs).
fn is_regular(f: &Facts, end_day: Date) -> bool {
    let reg = f.registered_on;
    let within = |d: Date| reg <= d && d <= end_day;
    end_day >= reg
        && end_day.saturating_sub(CARRY_OVER_LOOKBACK_DAYS.days()) <= reg
        && f.extensions.iter().all(|e| within(e.decided_on))
        && f.extensions
            .windows(2)
            .all(|w| w[0].decided_on == w[1].decided_on)
        && f.forwarding.is_none_or(|(on, _)| within(on))
        && f.sent_up_on.is_none_or(within)
}

/// What one appeal adds to the running tallies, or `None` when it is loose and must be folded
/// in full with every report.
#[allow(clippy::too_many_lines)] // one appeal's counters, rule by rule as in `tally::add_to`
pub fn contribution(f: &Facts, calendar: &Calendar) -> Option<Vec<Entry>> {
    let reg = f.registered_on;
    // An open appeal's life, as the report sees it, runs to its lapse day.
    let (end_day, end) = match f.end {
        Some((day, end)) => (day, Some(end)),
        None => (lapse_day(reg), None),
    };
    if !is_regular(f, end_day) {
        return None;
    }
    let lapsed = match end {
        Some(_) => Vec::new(),
        None => lapsed_counters(f, alive_on(f, end_day))?,
    };
    let kind = f.kind.index();
    let unit = f.unit.0;
    let executor = f.executor.map(|e| e.0);
    let mut out: Vec<Entry> = Vec::with_capacity(40);

    out.extend(
        [
            Counter::Received,
            Counter::Applicant(u8::from(f.applicant == ApplicantKind::Legal)),
            Counter::Channel(f.channel.index()),
            Counter::Language(language_slot(f.language)),
            Counter::Kind(kind),
            Counter::Category(f.category.0),
            Counter::UnitReceived(unit),
            Counter::ExecutorReceived(executor),
        ]
        .map(|c| (reg, c, 1)),
    );
    if f.collective {
        out.push((reg, Counter::Collective, 1));
    }
    if f.repeated {
        out.push((reg, Counter::Repeated, 1));
    }
    if f.kind == AppealKind::Complaint {
        out.push((reg, Counter::Complaint, 1));
        if f.contests_our_answer {
            out.push((reg, Counter::ComplaintAboutUs, 1));
        }
    }

    if let Some(end) = end {
        let settled = f.sent_up_on.unwrap_or(end_day);
        let in_term = settled <= f.due_on(settled);
        let taken = working_days_between(reg, settled, calendar);
        let taken_i = i64::from(taken);
        out.push((
            end_day,
            match end {
                End::Answered(outcome) => Counter::Outcome(outcome.index()),
                End::Forwarded => Counter::ForwardedFull,
                End::Returned => Counter::Returned,
                End::Withdrawn => Counter::Withdrawn,
                End::Terminated(_) => Counter::Terminated,
            },
            1,
        ));
        let finished = [
            (
                if in_term {
                    Counter::InTerm
                } else {
                    Counter::Late
                },
                1,
            ),
            (Counter::Taken(taken), 1),
            (Counter::KindDaysSum(kind), taken_i),
            (Counter::KindFinished(kind), 1),
            (Counter::UnitFinished(unit), 1),
            (
                if in_term {
                    Counter::UnitInTerm(unit)
                } else {
                    Counter::UnitLate(unit)
                },
                1,
            ),
            (Counter::UnitDaysSum(unit), taken_i),
            (Counter::ExecutorFinished(executor), 1),
            (
                if in_term {
                    Counter::ExecutorInTerm(executor)
                } else {
                    Counter::ExecutorLate(executor)
                },
                1,
            ),
            (Counter::ExecutorDaysSum(executor), taken_i),
        ];
        out.extend(finished.map(|(c, n)| (end_day, c, n)));
        if let (End::Answered(_), Some(score)) = (end, f.rating) {
            out.push((end_day, Counter::Rating(score_slot(score)), 1));
        }
    }

    for e in &f.extensions {
        out.push((e.decided_on, Counter::ExtensionDecisions, 1));
        out.push((
            e.decided_on,
            Counter::ExtensionDays,
            i64::from(working_days_between(e.previous_due, e.new_due, calendar)),
        ));
    }
    if let Some(first) = f.extensions.first() {
        out.push((first.decided_on, Counter::ExtendedAppeals, 1));
    }
    // The 3-working-day windows run from receipt (art. 65, art. 91 ч.4), as in `tally`.
    let in_time = |on: Date| on <= add_working_days(f.received_on, 3, calendar);
    if let Some((on, _)) = f.forwarding {
        out.push((on, Counter::Forwarded, 1));
        if in_time(on) {
            out.push((on, Counter::ForwardedInTime, 1));
        }
    }
    if let Some(on) = f.sent_up_on {
        out.push((on, Counter::SentUp, 1));
        if in_time(on) {
            out.push((on, Counter::SentUpInTime, 1));
        }
    }

    // Alive from the registration day up to (not including) the day it finished or lapsed.
    let mut day = reg;
    let mut state: Option<Alive> = None;
    while day < end_day {
        let now = alive_on(f, day);
        if state != Some(now) {
            if let Some(before) = state {
                out.extend(alive_counters(f, before).into_iter().map(|c| (day, c, -1)));
            }
            out.extend(alive_counters(f, now).into_iter().map(|c| (day, c, 1)));
            state = Some(now);
        }
        let Ok(next) = day.tomorrow() else { break };
        day = next;
    }
    if let Some(last) = state {
        out.extend(
            alive_counters(f, last)
                .into_iter()
                .map(|c| (end_day, c, -1)),
        );
    }
    out.extend(lapsed.into_iter().map(|c| (end_day, c, 1)));
    Some(out)
}

/// The counter sums one period of the report needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodCounts {
    /// Every day before the period's first (only the alive counters are read).
    pub before: Counts,
    /// The days of the period.
    pub within: Counts,
    /// Of `within`, [`Counter::Received`] per (year, month) of the day.
    pub received_by_month: BTreeMap<(i16, i8), i64>,
    /// Of `within`, the days after the day open appeals are judged on ([`as_of`]): only their
    /// alive and lapsed counters lie there, and the state at the end leaves them out.
    pub past_as_of: Counts,
}

/// The day the state of open appeals is read on for `period`: its last day, or today when
/// the period has not ended (as [`super::aggregate`] judges them).
pub fn as_of(period: Period, today: Date) -> Date {
    period.to.min(today).max(period.from)
}

/// The report's period and the same period a year earlier, whose day sums
/// [`aggregate_counted`] takes in this order.
pub fn periods(period: Period) -> [Period; 2] {
    [period, period.year_earlier()]
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

#[allow(clippy::too_many_lines)] // one match arm per counter
fn side_of(counts: &PeriodCounts, year_shift: i16) -> Side {
    let before = &counts.before;
    let within = &counts.within;
    // Open at the end (as of `as_of`): alive before the period and in it up to `as_of`, and
    // lapsed in it up to `as_of` (the report still looks for those, in the state they keep).
    let mut at_end = before.clone();
    for (sums, sign) in [(within, 1), (&counts.past_as_of, -1)] {
        for (counter, n) in sums.iter() {
            if counter.is_alive() {
                at_end.add(counter, n * sign);
            } else if let Some(alive) = counter.lapsed_as_alive() {
                at_end.add(alive, n * sign);
            }
        }
    }
    let mut side = Side {
        carried_over: count(
            before.get(Counter::AliveInTerm)
                + before.get(Counter::AliveOverdue)
                + before.get(Counter::AliveUp),
        ),
        open_in_term: count(at_end.get(Counter::AliveInTerm)),
        open_overdue: count(at_end.get(Counter::AliveOverdue)),
        with_higher_body: count(at_end.get(Counter::AliveUp)),
        ..Side::default()
    };
    for (counter, n) in within.iter() {
        let n = count(n);
        let k = |i: u8| usize::from(i);
        match counter {
            Counter::Received => side.received += n,
            Counter::Applicant(i) => add_at(&mut side.applicants, k(i), n),
            Counter::Collective => side.collective += n,
            Counter::Repeated => side.repeated += n,
            Counter::Channel(i) => add_at(&mut side.channels, k(i), n),
            Counter::Language(i) => add_at(&mut side.languages, k(i), n),
            Counter::Kind(i) => add_at(&mut side.kinds, k(i), n),
            Counter::Category(id) => {
                *side
                    .categories
                    .entry(crate::domain::appeal::CategoryId(id))
                    .or_default() += n;
            }
            Counter::Complaint => side.complaints += n,
            Counter::ComplaintAboutUs => side.complaints_about_us += n,
            Counter::Outcome(i) => add_at(&mut side.outcomes, k(i), n),
            Counter::ForwardedFull => side.forwarded_full += n,
            Counter::Returned => side.returned += n,
            Counter::Withdrawn => side.withdrawn += n,
            Counter::Terminated => side.terminated += n,
            Counter::InTerm => side.in_term += n,
            Counter::Late => side.late += n,
            Counter::Taken(days) => {
                side.days
                    .extend(std::iter::repeat_n(days, usize::try_from(n).unwrap_or(0)));
            }
            Counter::KindDaysSum(i) => {
                if let Some(slot) = side.days_by_kind.get_mut(k(i)) {
                    slot.0 += n;
                }
            }
            Counter::KindFinished(i) => {
                if let Some(slot) = side.days_by_kind.get_mut(k(i)) {
                    slot.1 += n;
                }
            }
            Counter::Rating(i) => add_at(&mut side.ratings, k(i), n),
            Counter::ExtensionDecisions => side.extension_decisions += n,
            Counter::ExtensionDays => side.extension_days += n,
            Counter::ExtendedAppeals => side.extended_appeals += n,
            Counter::Forwarded => side.forwarded += n,
            Counter::ForwardedInTime => side.forwarded_in_time += n,
            Counter::SentUp => side.sent_up += n,
            Counter::SentUpInTime => side.sent_up_in_time += n,
            _ => {}
        }
    }
    // Units and executors: a row for every one with an appeal on hand (received or carried).
    let received = within
        .iter()
        .filter(|(c, _)| matches!(c, Counter::UnitReceived(_) | Counter::ExecutorReceived(_)));
    let carried = before
        .iter()
        .filter(|(c, _)| matches!(c, Counter::UnitAlive(_) | Counter::ExecutorAlive(_)));
    for (counter, n) in received.chain(carried) {
        match counter {
            Counter::UnitReceived(id) | Counter::UnitAlive(id) if n > 0 => {
                side.units
                    .entry(crate::domain::appeal::UnitId(id))
                    .or_default();
            }
            Counter::ExecutorReceived(id) | Counter::ExecutorAlive(id) if n > 0 => {
                side.executors
                    .entry(id.map(crate::domain::user::UserId))
                    .or_default();
            }
            _ => {}
        }
    }
    for (id, p) in &mut side.units {
        let u = id.0;
        p.received = count(within.get(Counter::UnitReceived(u)));
        p.finished = count(within.get(Counter::UnitFinished(u)));
        p.in_term = count(within.get(Counter::UnitInTerm(u)));
        p.overdue =
            count(within.get(Counter::UnitLate(u)) + at_end.get(Counter::UnitAliveOverdue(u)));
        p.days_sum = count(within.get(Counter::UnitDaysSum(u)));
        p.days_n = p.finished;
    }
    for (id, p) in &mut side.executors {
        let e = id.map(|u| u.0);
        p.received = count(within.get(Counter::ExecutorReceived(e)));
        p.finished = count(within.get(Counter::ExecutorFinished(e)));
        p.in_term = count(within.get(Counter::ExecutorInTerm(e)));
        p.overdue = count(
            within.get(Counter::ExecutorLate(e)) + at_end.get(Counter::ExecutorAliveOverdue(e)),
        );
        p.days_sum = count(within.get(Counter::ExecutorDaysSum(e)));
        p.days_n = p.finished;
    }
    for ((year, month), n) in &counts.received_by_month {
        *side.months.entry((year + year_shift, *month)).or_default() += count(*n);
    }
    side
}

fn add_at<const N: usize>(slots: &mut [u64; N], i: usize, n: u64) {
    if let Some(slot) = slots.get_mut(i) {
        *slot += n;
    }
}

/// The report from running tallies: the day sums of [`periods`] (in that order) plus the loose
/// appeals folded in full. Equals [`super::aggregate`] over every appeal.
pub fn aggregate_counted(
    scope: &Scope,
    counts: &[PeriodCounts; 2],
    loose: impl IntoIterator<Item = Facts>,
) -> Figures {
    let mut tally = Tally::with_sides([side_of(&counts[0], 0), side_of(&counts[1], 1)], scope);
    for facts in loose {
        tally.add(&facts);
    }
    tally.finish()
}

/// Sums day tallies the way the store does, for tests: every entry of every regular appeal,
/// then the two periods' [`PeriodCounts`].
#[cfg(test)]
pub(crate) fn counts_of(
    days: &BTreeMap<Date, Counts>,
    period: Period,
    today: Date,
) -> [PeriodCounts; 2] {
    periods(period).map(|p| {
        let mut counts = PeriodCounts::default();
        let as_of = as_of(p, today);
        for (day, tally) in days {
            if *day < p.from {
                counts.before.merge(tally, 1);
            } else if *day <= p.to {
                if *day > as_of {
                    counts.past_as_of.merge(tally, 1);
                }
                counts.within.merge(tally, 1);
                *counts
                    .received_by_month
                    .entry((day.year(), day.month()))
                    .or_default() += tally.get(Counter::Received);
            }
        }
        counts.received_by_month.retain(|_, n| *n != 0);
        counts
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::appeal::{CategoryId, UnitId};
    use crate::domain::kind::{Channel, Outcome};
    use crate::domain::report::{ExtensionFacts, aggregate};
    use crate::domain::user::UserId;

    fn base() -> Date {
        jiff::civil::date(2023, 1, 1)
    }

    fn day(offset: i64) -> Date {
        base().saturating_add(offset.days())
    }

    /// Random facts over 2023–2026, a third of them open, most of them regular, some loose on
    /// purpose.
    fn facts() -> impl Strategy<Value = Facts> {
        (
            (0i64..1300, 0i64..80, prop::option::weighted(0.67, 0i64..90)),
            (
                0usize..AppealKind::ALL.len(),
                0usize..Channel::ALL.len(),
                any::<bool>(),
                any::<bool>(),
                any::<bool>(),
            ),
            (0u32..3, 0u32..4, prop::option::of(0u64..3), 0u8..3),
            (0usize..8, prop::option::of(0u8..3)),
            (
                prop::collection::vec((0i64..60, 1i64..30), 0..3),
                prop::option::weighted(0.2, (0i64..40, any::<bool>())),
                prop::option::weighted(0.15, 0i64..30),
            ),
            (
                any::<bool>(),
                0i64..500,
                prop::option::weighted(0.3, 0i64..4),
            ),
        )
            .prop_map(
                |(
                    (reg, term, life),
                    (kind, channel, legal, collective, repeated),
                    (unit, category, executor, language),
                    (end_kind, rating),
                    (extensions, forwarding, sent_up),
                    (long, extra, received_before),
                )| {
                    let registered_on = day(reg);
                    // Received up to 3 days before registration (a weekend, art. 64 ч.3).
                    let received_on =
                        registered_on.saturating_sub(received_before.unwrap_or(0).days());
                    let due = registered_on.saturating_add(term.days());
                    let life = life.map(|l| if long && extra > 450 { l + extra } else { l });
                    let end_day = life.map(|l| registered_on.saturating_add(l.days()));
                    let outcomes = Outcome::ALL;
                    let end = end_day.map(|d| {
                        (
                            d,
                            match end_kind {
                                0..=3 => End::Answered(outcomes[end_kind % outcomes.len()]),
                                4 => End::Forwarded,
                                5 => End::Returned,
                                6 => End::Withdrawn,
                                _ => End::Terminated(None),
                            },
                        )
                    });
                    let mut previous_due = due;
                    let extensions = extensions
                        .into_iter()
                        .map(|(at, add)| {
                            let new_due = previous_due.saturating_add(add.days());
                            let e = ExtensionFacts {
                                decided_on: registered_on.saturating_add(at.days()),
                                previous_due,
                                new_due,
                            };
                            previous_due = new_due;
                            e
                        })
                        .collect();
                    Facts {
                        registered_on,
                        received_on,
                        kind: AppealKind::ALL[kind],
                        channel: Channel::ALL[channel],
                        applicant: if legal {
                            ApplicantKind::Legal
                        } else {
                            ApplicantKind::Individual
                        },
                        collective,
                        repeated,
                        language: [
                            TextLanguage::Kazakh,
                            TextLanguage::Russian,
                            TextLanguage::Other,
                        ][usize::from(language)],
                        unit: UnitId(unit + 1),
                        category: CategoryId(category + 1),
                        executor: executor.map(UserId),
                        due,
                        extensions,
                        end,
                        forwarding: forwarding
                            .map(|(at, full)| (registered_on.saturating_add(at.days()), full)),
                        sent_up_on: sent_up.map(|at| registered_on.saturating_add(at.days())),
                        contests_our_answer: repeated && collective,
                        rating: rating.map(|r| {
                            [Score::Positive, Score::Neutral, Score::Negative][usize::from(r)]
                        }),
                    }
                },
            )
    }

    /// A period: often whole months, sometimes arbitrary days.
    fn period() -> impl Strategy<Value = Period> {
        (0i64..1400, 0i64..400, any::<bool>()).prop_map(|(from, len, months)| {
            let mut from = day(from);
            let mut to = from.saturating_add(len.days());
            if months {
                from = from.first_of_month();
                to = to.last_of_month();
            }
            Period::new(from, to).unwrap()
        })
    }

    fn by_day(all: &[Facts], calendar: &Calendar) -> (BTreeMap<Date, Counts>, Vec<Facts>) {
        let mut days: BTreeMap<Date, Counts> = BTreeMap::new();
        let mut loose = Vec::new();
        for f in all {
            match contribution(f, calendar) {
                Some(entries) => {
                    for (d, c, n) in entries {
                        days.entry(d).or_default().add(c, n);
                    }
                }
                None => loose.push(f.clone()),
            }
        }
        (days, loose)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn the_report_from_tallies_equals_the_full_fold(
            all in prop::collection::vec(facts(), 0..60),
            period in period(),
            today_offset in 0i64..200,
        ) {
            let calendar = Calendar::builtin();
            // No day of a finished appeal lies after today (see the module docs).
            let last = all
                .iter()
                .flat_map(|f| {
                    f.end.map(|e| e.0).into_iter()
                        .chain(f.extensions.iter().map(|e| e.decided_on))
                        .chain(f.forwarding.map(|x| x.0))
                        .chain(f.sent_up_on)
                        .chain([f.registered_on])
                })
                .max()
                .unwrap_or_else(base);
            let today = last.saturating_add(today_offset.days());
            let units = [UnitId(1), UnitId(2)];
            let scope = Scope { period, today, calendar: &calendar, units: &units };
            let (days, loose) = by_day(&all, &calendar);
            let counted = aggregate_counted(&scope, &counts_of(&days, period, today), loose);
            let folded = aggregate(&scope, all.iter().cloned());
            prop_assert_eq!(counted, folded);
        }
    }

    #[test]
    fn open_appeals_are_counted_unless_their_state_can_change_after_their_lapse_day() {
        let calendar = Calendar::builtin();
        let mut f = Facts {
            registered_on: day(10),
            received_on: day(10),
            kind: AppealKind::Application,
            channel: Channel::Portal,
            applicant: ApplicantKind::Individual,
            collective: false,
            repeated: false,
            language: TextLanguage::Kazakh,
            unit: UnitId(1),
            category: CategoryId(1),
            executor: None,
            due: day(30),
            extensions: Vec::new(),
            end: None,
            forwarding: None,
            sent_up_on: None,
            contests_our_answer: false,
            rating: None,
        };
        // Open, and overdue by its lapse day.
        let entries = contribution(&f, &calendar).unwrap();
        let lapse = lapse_day(day(10));
        assert!(entries.contains(&(lapse, Counter::AliveOverdue, -1)));
        assert!(entries.contains(&(lapse, Counter::LapsedOverdue, 1)));
        f.due = lapse;
        assert!(
            contribution(&f, &calendar).is_none(),
            "open, in term on its lapse day"
        );
        f.due = day(30);
        f.end = Some((day(20), End::Withdrawn));
        assert!(
            contribution(&f, &calendar).is_some(),
            "finished in ten days"
        );
        f.end = Some((day(500), End::Withdrawn));
        assert!(
            contribution(&f, &calendar).is_none(),
            "lived longer than the look-back"
        );
    }
}
