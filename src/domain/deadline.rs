//! Registration day and deadlines (domain.md §2): when an appeal counts as registered, and the
//! day by which an answer is due.
//!
//! Invariants: a due date is always a working day of the calendar it was computed with (terms in
//! working days land on one by construction; calendar-day terms roll forward, АППК art. 76 ч.5);
//! it is never before the registration day. Counting only reads the [`Calendar`]; the caller keeps
//! the [`CountingRule`] with each appeal so that a later change of rule does not move old deadlines.

use jiff::ToSpan;
use jiff::civil::{Date, DateTime, Time};

use super::calendar::Calendar;

/// The unit a term is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayUnit {
    /// Only working days count (the АППК default).
    Working,
    /// Every day counts; a last day that is not a working day moves to the next working day.
    Calendar,
}

/// A length of time such as "15 working days".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Term {
    /// How many days; 0 means due on the registration day itself.
    pub days: u16,
    /// Whether `days` are working or calendar days.
    pub unit: DayUnit,
}

impl Term {
    /// `days` working days.
    pub const fn working(days: u16) -> Self {
        Term {
            days,
            unit: DayUnit::Working,
        }
    }

    /// `days` calendar days.
    pub const fn calendar(days: u16) -> Self {
        Term {
            days,
            unit: DayUnit::Calendar,
        }
    }
}

/// Which day is day 1 of a term.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum CountingRule {
    /// Current АППК art. 76 ч.2: counting starts the day after registration. The default.
    #[default]
    FromNextDay,
    /// e-Otinish as observed in 2022: the registration day is day 1 (one day shorter).
    RegistrationDayCounts,
}

/// A computed deadline, with what is needed to explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// The registration day the term was counted from.
    pub registered_on: Date,
    /// The last day to answer (inclusive), always a working day.
    pub due: Date,
    /// Non-working days passed over while counting: the days between the first counted day and
    /// `due` that did not count (working-day terms), or the days the last day was moved forward
    /// (calendar-day terms).
    pub skipped_days_off: u16,
    /// Some year from `registered_on` to `due` has not been confirmed by an administrator, so
    /// Kurban Ait or a government transfer may still move the deadline.
    pub provisional: bool,
}

/// The day an appeal received at `received` (local time) is registered: the same day if it is a
/// working day and `received.time() < close_of_business`, else the next working day (art. 64 ч.3).
pub fn registration_date(received: DateTime, close_of_business: Time, cal: &Calendar) -> Date {
    let day = received.date();
    if cal.is_working_day(day) && received.time() < close_of_business {
        day
    } else {
        cal.next_working_day(day)
    }
}

/// The due date for a term counted from a registration date.
///
/// Working days: the `days`-th working day counted from the first day of the term (the day after
/// registration under [`CountingRule::FromNextDay`], the registration day itself under
/// [`CountingRule::RegistrationDayCounts`]), that first day included if it is working.
/// Calendar days: the `days`-th day counted the same way, rolled forward to a working day.
pub fn due_date(registered_on: Date, term: Term, rule: CountingRule, cal: &Calendar) -> Deadline {
    let first_day = match rule {
        CountingRule::FromNextDay => registered_on.tomorrow().unwrap_or(Date::MAX),
        CountingRule::RegistrationDayCounts => registered_on,
    };
    let (due, skipped_days_off) = match (term.days, term.unit) {
        (0, _) => roll_forward(registered_on, cal),
        (days, DayUnit::Working) => nth_working_day(first_day, days, cal),
        (days, DayUnit::Calendar) => {
            let last_day = first_day.saturating_add(i64::from(days - 1).days());
            roll_forward(last_day, cal)
        }
    };
    let provisional = (registered_on.year()..=due.year()).any(|year| !cal.is_confirmed(year));
    Deadline {
        registered_on,
        due,
        skipped_days_off,
        provisional,
    }
}

/// Adds `n` working days after `from` (n >= 1 → the n-th working day strictly after `from`;
/// n = 0 → `from`). Used for the 3-working-day windows.
pub fn add_working_days(from: Date, n: u16, cal: &Calendar) -> Date {
    if n == 0 {
        return from;
    }
    match from.tomorrow() {
        Ok(first_day) => nth_working_day(first_day, n, cal).0,
        Err(_) => Date::MAX,
    }
}

/// Working days strictly after `from` up to and including `to` (0 when to <= from).
pub fn working_days_between(from: Date, to: Date, cal: &Calendar) -> u32 {
    let mut count = 0;
    let mut day = from;
    while day < to {
        let Ok(next) = day.tomorrow() else { break };
        day = next;
        if cal.is_working_day(day) {
            count += 1;
        }
    }
    count
}

/// The `n`-th working day (n >= 1) on or after `first_day`, and how many days off were passed
/// over on the way. Saturates at [`Date::MAX`].
fn nth_working_day(first_day: Date, n: u16, cal: &Calendar) -> (Date, u16) {
    let mut day = first_day;
    let mut counted = 0;
    let mut skipped: u16 = 0;
    loop {
        if cal.is_working_day(day) {
            counted += 1;
            if counted >= n {
                return (day, skipped);
            }
        } else {
            skipped = skipped.saturating_add(1);
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => return (day, skipped),
        }
    }
}

/// `day` if it is working, else the next working day, with the number of days moved over.
/// Saturates at [`Date::MAX`].
fn roll_forward(day: Date, cal: &Calendar) -> (Date, u16) {
    let mut due = day;
    let mut moved: u16 = 0;
    while !cal.is_working_day(due) {
        let Ok(next) = due.tomorrow() else { break };
        due = next;
        moved = moved.saturating_add(1);
    }
    (due, moved)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use crate::domain::calendar::DayOverride;
    use jiff::civil::{date, time};
    use proptest::prelude::*;

    const CLOSE: Time = time(18, 30, 0, 0);

    fn confirmed(years: &[i16]) -> Calendar {
        Calendar::new(BTreeMap::new(), years.iter().copied().collect())
    }

    fn with_override(day: Date, over: DayOverride) -> Calendar {
        Calendar::new([(day, over)].into(), BTreeSet::new())
    }

    fn due(registered_on: Date, term: Term, rule: CountingRule, cal: &Calendar) -> Date {
        due_date(registered_on, term, rule, cal).due
    }

    /// The built-in calendar alone agrees with e-Otinish here: 26 May – 16 June 2022 holds only
    /// weekends (Kurban Ait 2022 was 9 July; 6 July is the next holiday).
    #[test]
    fn e_otinish_fixture_2022_05_26_under_both_rules() {
        let cal = Calendar::builtin();
        let registered = date(2022, 5, 26);
        let e_otinish = due(
            registered,
            Term::working(15),
            CountingRule::RegistrationDayCounts,
            &cal,
        );
        let current_law = due(
            registered,
            Term::working(15),
            CountingRule::FromNextDay,
            &cal,
        );
        assert_eq!(e_otinish, date(2022, 6, 15));
        assert_eq!(current_law, date(2022, 6, 16));
    }

    #[test]
    fn receipt_on_friday_after_close_of_business_registers_on_monday() {
        let cal = Calendar::builtin();
        let friday = date(2025, 11, 14);
        assert_eq!(
            registration_date(friday.at(18, 45, 0, 0), CLOSE, &cal),
            date(2025, 11, 17)
        );
        assert_eq!(
            registration_date(friday.at(18, 30, 0, 0), CLOSE, &cal),
            date(2025, 11, 17)
        );
        assert_eq!(
            registration_date(friday.at(18, 29, 59, 0), CLOSE, &cal),
            friday
        );
        assert_eq!(
            registration_date(friday.at(0, 5, 0, 0), CLOSE, &cal),
            friday
        );
    }

    #[test]
    fn receipt_on_saturday_morning_registers_on_monday() {
        let cal = Calendar::builtin();
        let saturday = date(2025, 11, 15).at(10, 0, 0, 0);
        assert_eq!(registration_date(saturday, CLOSE, &cal), date(2025, 11, 17));
    }

    #[test]
    fn receipt_on_the_eve_of_nauryz_after_hours_registers_after_the_transfers() {
        let cal = Calendar::builtin();
        let thursday_evening = date(2025, 3, 20).at(19, 0, 0, 0);
        assert_eq!(
            registration_date(thursday_evening, CLOSE, &cal),
            date(2025, 3, 26)
        );
    }

    #[test]
    fn term_crossing_nauryz_skips_five_days_off() {
        let cal = Calendar::builtin();
        // 21 Mar 2025 Fri – 25 Mar Tue are off (two of them transferred from the weekend).
        let deadline = due_date(
            date(2025, 3, 17),
            Term::working(15),
            CountingRule::FromNextDay,
            &cal,
        );
        assert_eq!(deadline.due, date(2025, 4, 10));
        assert_eq!(deadline.skipped_days_off, 9); // 21–25 Mar, 29–30 Mar, 5–6 Apr
    }

    #[test]
    fn term_crossing_new_year_skips_1_2_and_7_january() {
        let cal = Calendar::builtin();
        let deadline = due_date(
            date(2025, 12, 22),
            Term::working(15),
            CountingRule::FromNextDay,
            &cal,
        );
        assert_eq!(deadline.due, date(2026, 1, 15));
        assert_eq!(deadline.skipped_days_off, 9); // 27–28 Dec, 1–4 Jan, 7 Jan, 10–11 Jan
    }

    #[test]
    fn holiday_on_a_weekend_makes_the_next_monday_a_day_off() {
        let cal = Calendar::builtin();
        // Fri 24 Oct 2025; 25 Oct (Sat) moves to Mon 27 Oct.
        assert_eq!(
            add_working_days(date(2025, 10, 24), 1, &cal),
            date(2025, 10, 28)
        );
        let deadline = due_date(
            date(2025, 10, 24),
            Term::working(3),
            CountingRule::FromNextDay,
            &cal,
        );
        assert_eq!(deadline.due, date(2025, 10, 30));
        assert_eq!(deadline.skipped_days_off, 3);
    }

    #[test]
    fn an_admin_working_saturday_shortens_the_count() {
        let registered = date(2022, 3, 3); // Thu
        let term = Term::working(3);
        let builtin = due(
            registered,
            term,
            CountingRule::FromNextDay,
            &Calendar::builtin(),
        );
        assert_eq!(builtin, date(2022, 3, 9)); // Fri 4, Mon 7, (Tue 8 Mar off) Wed 9
        let cal = with_override(
            date(2022, 3, 5),
            DayOverride::WorkingDay {
                reason: "перенос".into(),
            },
        );
        assert_eq!(
            due(registered, term, CountingRule::FromNextDay, &cal),
            date(2022, 3, 7)
        );
    }

    #[test]
    fn an_admin_day_off_for_kurban_ait_lengthens_the_count() {
        let registered = date(2025, 6, 4); // Wed
        let term = Term::working(5);
        let builtin = due(
            registered,
            term,
            CountingRule::FromNextDay,
            &Calendar::builtin(),
        );
        assert_eq!(builtin, date(2025, 6, 11));
        let cal = with_override(
            date(2025, 6, 6),
            DayOverride::DayOff {
                reason: "Құрбан айт".into(),
            },
        );
        let deadline = due_date(registered, term, CountingRule::FromNextDay, &cal);
        assert_eq!(deadline.due, date(2025, 6, 12));
        assert_eq!(deadline.skipped_days_off, 3);
    }

    #[test]
    fn calendar_day_term_ending_on_a_day_off_rolls_forward() {
        let cal = Calendar::builtin();
        // Fri 10 Oct 2025 + 15 days = Sat 25 Oct (holiday), Sun 26, Mon 27 (transfer) → Tue 28.
        let deadline = due_date(
            date(2025, 10, 10),
            Term::calendar(15),
            CountingRule::FromNextDay,
            &cal,
        );
        assert_eq!(deadline.due, date(2025, 10, 28));
        assert_eq!(deadline.skipped_days_off, 3);
        let e_otinish = due_date(
            date(2025, 10, 10),
            Term::calendar(15),
            CountingRule::RegistrationDayCounts,
            &cal,
        );
        assert_eq!(e_otinish.due, date(2025, 10, 24));
        assert_eq!(e_otinish.skipped_days_off, 0);
    }

    #[test]
    fn a_zero_day_term_is_due_on_the_registration_day() {
        let cal = Calendar::builtin();
        for rule in [
            CountingRule::FromNextDay,
            CountingRule::RegistrationDayCounts,
        ] {
            for unit in [DayUnit::Working, DayUnit::Calendar] {
                let term = Term { days: 0, unit };
                assert_eq!(
                    due(date(2025, 11, 14), term, rule, &cal),
                    date(2025, 11, 14)
                );
            }
        }
    }

    #[test]
    fn deadline_is_provisional_until_every_year_it_spans_is_confirmed() {
        let registered = date(2025, 12, 22);
        let term = Term::working(15);
        let rule = CountingRule::FromNextDay;
        assert!(due_date(registered, term, rule, &Calendar::builtin()).provisional);
        assert!(due_date(registered, term, rule, &confirmed(&[2025])).provisional);
        assert!(!due_date(registered, term, rule, &confirmed(&[2025, 2026])).provisional);
        let within_2025 = due_date(date(2025, 11, 3), term, rule, &confirmed(&[2025]));
        assert!(!within_2025.provisional);
    }

    #[test]
    fn add_working_days_of_zero_is_the_same_day() {
        let cal = Calendar::builtin();
        assert_eq!(
            add_working_days(date(2025, 11, 15), 0, &cal),
            date(2025, 11, 15)
        );
        assert_eq!(
            add_working_days(date(2025, 11, 14), 3, &cal),
            date(2025, 11, 19)
        );
    }

    #[test]
    fn working_days_between_counts_the_half_open_interval() {
        let cal = Calendar::builtin();
        let friday = date(2025, 11, 14);
        assert_eq!(working_days_between(friday, friday, &cal), 0);
        assert_eq!(working_days_between(date(2025, 11, 21), friday, &cal), 0);
        assert_eq!(working_days_between(friday, date(2025, 11, 16), &cal), 0);
        assert_eq!(working_days_between(friday, date(2025, 11, 17), &cal), 1);
        assert_eq!(working_days_between(friday, date(2025, 11, 21), &cal), 5);
    }

    #[test]
    fn counting_near_the_end_of_time_saturates_instead_of_panicking() {
        let cal = Calendar::builtin();
        assert_eq!(add_working_days(Date::MAX, 1, &cal), Date::MAX);
        let deadline = due_date(
            Date::MAX,
            Term::working(15),
            CountingRule::FromNextDay,
            &cal,
        );
        assert_eq!(deadline.due, Date::MAX);
    }

    fn any_registration_day() -> impl Strategy<Value = Date> {
        (2020i16..=2035, 0i64..365)
            .prop_map(|(year, offset)| date(year, 1, 1).checked_add(offset.days()).unwrap())
    }

    fn some_overrides() -> impl Strategy<Value = Calendar> {
        prop::collection::btree_map(
            any_registration_day(),
            prop::bool::ANY.prop_map(|working| {
                let reason = "random".to_owned();
                if working {
                    DayOverride::WorkingDay { reason }
                } else {
                    DayOverride::DayOff { reason }
                }
            }),
            0..40,
        )
        .prop_map(|overrides| Calendar::new(overrides, BTreeSet::new()))
    }

    proptest! {
        #[test]
        fn working_day_terms_count_exactly_their_days(
            registered_on in any_registration_day(),
            days in 1u16..=60,
            cal in prop_oneof![Just(Calendar::builtin()), some_overrides()],
        ) {
            let deadline = due_date(registered_on, Term::working(days), CountingRule::FromNextDay, &cal);
            prop_assert!(cal.is_working_day(deadline.due));
            prop_assert!(deadline.due > registered_on);
            prop_assert_eq!(working_days_between(registered_on, deadline.due, &cal), u32::from(days));
            prop_assert_eq!(add_working_days(registered_on, days, &cal), deadline.due);
            let span = registered_on.until(deadline.due).unwrap().get_days();
            prop_assert_eq!(i64::from(deadline.skipped_days_off), i64::from(span) - i64::from(days));

            let e_otinish = due_date(registered_on, Term::working(days), CountingRule::RegistrationDayCounts, &cal);
            prop_assert!(cal.is_working_day(e_otinish.due));
            prop_assert!(e_otinish.due <= deadline.due);
        }

        #[test]
        fn calendar_day_terms_land_on_the_first_working_day_from_the_nominal_day(
            registered_on in any_registration_day(),
            days in 1u16..=120,
            cal in prop_oneof![Just(Calendar::builtin()), some_overrides()],
        ) {
            let deadline = due_date(registered_on, Term::calendar(days), CountingRule::FromNextDay, &cal);
            let nominal = registered_on.checked_add(i64::from(days).days()).unwrap();
            prop_assert_eq!(deadline.due, cal.working_day_on_or_after(nominal));
            let moved = nominal.until(deadline.due).unwrap().get_days();
            prop_assert_eq!(i64::from(deadline.skipped_days_off), i64::from(moved));
        }
    }
}
