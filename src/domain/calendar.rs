//! The working-day calendar of Kazakhstan (domain.md §3): which dates count when a term is
//! measured in working days.
//!
//! Built in, for every year: Saturdays and Sundays off; the fixed holidays of the Law "On holidays"
//! (1–2 Jan, 8 Mar, 21–23 Mar, 1 May, 7 May, 9 May, 6 Jul, 30 Aug, 25 Oct, 16 Dec); 7 January
//! off without transfer; and the art. 5 transfer of a holiday that falls on a weekend (see
//! [`Calendar::builtin_day`]). The list is the one in force since the 2022 amendment; earlier years
//! (1 and 17 December, no 25 October) need overrides.
//!
//! Not built in, entered by an administrator as [`DayOverride`]s: the first day of Kurban Ait (moon
//! calendar) and government transfers (working Saturdays, bridged Mondays). Invariants: an override
//! always wins and changes exactly its own date; the built-in rule never looks at overrides, so
//! adding one never moves another day. Lookups allocate nothing.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::{Date, Weekday};

/// An administrator's decision about one date, overriding the built-in rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayOverride {
    /// Not a working day, e.g. Kurban Ait or a bridged Monday.
    DayOff {
        /// Why, as shown to staff ("Құрбан айт", "перенос по приказу …").
        reason: String,
    },
    /// A working day, e.g. a working Saturday created by a government transfer.
    WorkingDay {
        /// Why, as shown to staff.
        reason: String,
    },
}

impl DayOverride {
    /// Whether the overridden date is a working day.
    pub fn is_working(&self) -> bool {
        matches!(self, DayOverride::WorkingDay { .. })
    }

    /// The administrator's reason.
    pub fn reason(&self) -> &str {
        match self {
            DayOverride::DayOff { reason } | DayOverride::WorkingDay { reason } => reason,
        }
    }
}

/// A built-in day off. `OrthodoxChristmas` is legally a day off rather than a holiday, and it is
/// the only one not transferred when it falls on a weekend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Holiday {
    /// Жаңа жыл / Новый год, 1–2 January.
    NewYear,
    /// Халықаралық әйелдер күні, 8 March.
    WomensDay,
    /// Наурыз мейрамы, 21–23 March.
    Nauryz,
    /// Қазақстан халқының бірлігі мерекесі, 1 May.
    UnityDay,
    /// Отан қорғаушы күні, 7 May.
    DefenderDay,
    /// Жеңіс күні, 9 May.
    VictoryDay,
    /// Астана күні, 6 July.
    CapitalDay,
    /// Конституция күні, 30 August.
    ConstitutionDay,
    /// Республика күні, 25 October.
    RepublicDay,
    /// Тәуелсіздік күні, 16 December.
    IndependenceDay,
    /// Православное Рождество, 7 January (Labour Code art. 84 п.5: off, never transferred).
    OrthodoxChristmas,
}

impl Holiday {
    /// Translation key for the UI, e.g. `holiday.nauryz`.
    pub fn key(self) -> &'static str {
        match self {
            Holiday::NewYear => "holiday.new_year",
            Holiday::WomensDay => "holiday.womens_day",
            Holiday::Nauryz => "holiday.nauryz",
            Holiday::UnityDay => "holiday.unity_day",
            Holiday::DefenderDay => "holiday.defender_day",
            Holiday::VictoryDay => "holiday.victory_day",
            Holiday::CapitalDay => "holiday.capital_day",
            Holiday::ConstitutionDay => "holiday.constitution_day",
            Holiday::RepublicDay => "holiday.republic_day",
            Holiday::IndependenceDay => "holiday.independence_day",
            Holiday::OrthodoxChristmas => "holiday.orthodox_christmas",
        }
    }

    /// Whether a weekend occurrence moves a day off to the next working day (Law on holidays art. 5).
    pub fn is_transferred(self) -> bool {
        self != Holiday::OrthodoxChristmas
    }
}

/// What a date is, and why: the answer behind "why is my deadline this day".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// An ordinary Monday–Friday.
    Working,
    /// Made a working day by an administrator (e.g. a working Saturday).
    WorkingByOverride,
    /// Saturday or Sunday.
    Weekend,
    /// A built-in holiday or day off; wins over `Weekend` when both apply.
    Holiday(Holiday),
    /// The day off that a holiday on a weekend moved here.
    TransferredDayOff(Holiday),
    /// Made a day off by an administrator (e.g. Kurban Ait, a bridged day).
    DayOffByOverride,
}

impl DayKind {
    /// Whether terms counted in working days count this day.
    pub fn is_working(self) -> bool {
        matches!(self, DayKind::Working | DayKind::WorkingByOverride)
    }
}

/// The working-day calendar: built-in rules plus administrator overrides, and the years an
/// administrator has confirmed as complete (deadlines in other years are provisional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    overrides: BTreeMap<Date, DayOverride>,
    confirmed_years: BTreeSet<i16>,
}

/// Built-in days off as (month, day), in calendar order. The order matters: transfers are assigned
/// in this order (see [`transfers`]).
const FIXED_DAYS_OFF: [(i8, i8, Holiday); 14] = [
    (1, 1, Holiday::NewYear),
    (1, 2, Holiday::NewYear),
    (1, 7, Holiday::OrthodoxChristmas),
    (3, 8, Holiday::WomensDay),
    (3, 21, Holiday::Nauryz),
    (3, 22, Holiday::Nauryz),
    (3, 23, Holiday::Nauryz),
    (5, 1, Holiday::UnityDay),
    (5, 7, Holiday::DefenderDay),
    (5, 9, Holiday::VictoryDay),
    (7, 6, Holiday::CapitalDay),
    (8, 30, Holiday::ConstitutionDay),
    (10, 25, Holiday::RepublicDay),
    (12, 16, Holiday::IndependenceDay),
];

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn fixed_day_off(d: Date) -> Option<Holiday> {
    let (month, day) = (d.month(), d.day());
    FIXED_DAYS_OFF
        .iter()
        .find(|&&(m, dd, _)| m == month && dd == day)
        .map(|&(_, _, holiday)| holiday)
}

/// The transferred days off of `year`: slot `i` holds the day that entry `i` of
/// [`FIXED_DAYS_OFF`] moved to, if it fell on a weekend.
///
/// Rule (Law on holidays art. 5, made deterministic): walk the holidays in calendar order; each one
/// on a Saturday or Sunday moves one day off to the first later day that is not a weekend, not a
/// built-in day off and not already taken by an earlier transfer. So 1–2 Jan on Sat–Sun give Mon 3
/// and Tue 4; 21–23 Mar on Sat–Mon give Tue 24 and Wed 25; 7 May on a Saturday skips 9 May (a
/// Monday holiday) and lands on Tue 10. This reproduces the e-Otinish 2022 list and the 2025 list.
///
/// Overrides are deliberately ignored here so that an administrator's edit changes only its own
/// date. A transfer lands at most a few days after its holiday and never leaves the year (the
/// last holiday is 16 December); a test checks both.
fn transfers(year: i16) -> [Option<(Date, Holiday)>; FIXED_DAYS_OFF.len()] {
    let mut moved: [Option<(Date, Holiday)>; FIXED_DAYS_OFF.len()] = [None; FIXED_DAYS_OFF.len()];
    for (slot, &(month, day, holiday)) in FIXED_DAYS_OFF.iter().enumerate() {
        if !holiday.is_transferred() {
            continue;
        }
        let Ok(date) = Date::new(year, month, day) else {
            continue;
        };
        if !is_weekend(date) {
            continue;
        }
        let mut candidate = date;
        while let Ok(next) = candidate.tomorrow() {
            candidate = next;
            let taken = moved.iter().flatten().any(|&(taken, _)| taken == next);
            if !is_weekend(next) && fixed_day_off(next).is_none() && !taken {
                moved[slot] = Some((next, holiday));
                break;
            }
        }
    }
    moved
}

impl Calendar {
    /// The built-in calendar with no overrides and no confirmed years.
    pub fn builtin() -> Self {
        Self::default()
    }

    /// A calendar with the administrator's overrides and confirmed years.
    pub fn new(overrides: BTreeMap<Date, DayOverride>, confirmed_years: BTreeSet<i16>) -> Self {
        Calendar {
            overrides,
            confirmed_years,
        }
    }

    /// The administrator's overrides, by date.
    pub fn overrides(&self) -> &BTreeMap<Date, DayOverride> {
        &self.overrides
    }

    /// The years an administrator has confirmed.
    pub fn confirmed_years(&self) -> &BTreeSet<i16> {
        &self.confirmed_years
    }

    /// Whether an administrator confirmed `year` (entered its Kurban Ait and government
    /// transfers). A deadline in an unconfirmed year is provisional.
    pub fn is_confirmed(&self, year: i16) -> bool {
        self.confirmed_years.contains(&year)
    }

    /// What `d` is under the built-in rules alone, ignoring overrides.
    pub fn builtin_day(d: Date) -> DayKind {
        if let Some(holiday) = fixed_day_off(d) {
            return DayKind::Holiday(holiday);
        }
        if is_weekend(d) {
            return DayKind::Weekend;
        }
        let transferred = transfers(d.year())
            .into_iter()
            .flatten()
            .find(|&(date, _)| date == d);
        match transferred {
            Some((_, holiday)) => DayKind::TransferredDayOff(holiday),
            None => DayKind::Working,
        }
    }

    /// What `d` is, and why: an override wins, otherwise [`Calendar::builtin_day`].
    pub fn day(&self, d: Date) -> DayKind {
        match self.overrides.get(&d) {
            Some(DayOverride::DayOff { .. }) => DayKind::DayOffByOverride,
            Some(DayOverride::WorkingDay { .. }) => DayKind::WorkingByOverride,
            None => Self::builtin_day(d),
        }
    }

    /// Whether terms counted in working days count `d`.
    pub fn is_working_day(&self, d: Date) -> bool {
        self.day(d).is_working()
    }

    /// The first working day strictly after `d` (saturates at [`Date::MAX`]).
    pub fn next_working_day(&self, d: Date) -> Date {
        match d.tomorrow() {
            Ok(next) => self.working_day_on_or_after(next),
            Err(_) => Date::MAX,
        }
    }

    /// `d` if it is a working day, else the next working day (saturates at [`Date::MAX`]).
    pub fn working_day_on_or_after(&self, d: Date) -> Date {
        let mut day = d;
        while !self.is_working_day(day) {
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => return Date::MAX,
            }
        }
        day
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::ToSpan;
    use jiff::civil::date;

    fn off(reason: &str) -> DayOverride {
        DayOverride::DayOff {
            reason: reason.to_owned(),
        }
    }

    fn working(reason: &str) -> DayOverride {
        DayOverride::WorkingDay {
            reason: reason.to_owned(),
        }
    }

    fn with_overrides(overrides: &[(Date, DayOverride)]) -> Calendar {
        Calendar::new(overrides.iter().cloned().collect(), BTreeSet::new())
    }

    #[test]
    fn ordinary_weekdays_work_and_weekends_do_not() {
        let cal = Calendar::builtin();
        // Mon 10 – Sun 16 November 2025.
        let week: Vec<DayKind> = (10..=16).map(|d| cal.day(date(2025, 11, d))).collect();
        let mut expected = vec![DayKind::Working; 5];
        expected.extend([DayKind::Weekend, DayKind::Weekend]);
        assert_eq!(week, expected);
    }

    #[test]
    fn every_fixed_holiday_is_a_day_off() {
        let cal = Calendar::builtin();
        for &(month, day, holiday) in &FIXED_DAYS_OFF {
            for year in [2024, 2025, 2026] {
                let d = date(year, month, day);
                assert_eq!(cal.day(d), DayKind::Holiday(holiday), "{d}");
                assert!(!cal.is_working_day(d));
            }
        }
    }

    #[test]
    fn dropped_holidays_are_working_days() {
        let cal = Calendar::builtin();
        // 1 Dec 2025 (Mon) and 17 Dec 2025 (Wed) stopped being days off in 2022.
        assert_eq!(cal.day(date(2025, 12, 1)), DayKind::Working);
        assert_eq!(cal.day(date(2025, 12, 17)), DayKind::Working);
    }

    #[test]
    fn republic_day_on_saturday_2025_moves_to_monday_27_october() {
        let cal = Calendar::builtin();
        assert_eq!(
            cal.day(date(2025, 10, 25)),
            DayKind::Holiday(Holiday::RepublicDay)
        );
        assert_eq!(
            cal.day(date(2025, 10, 27)),
            DayKind::TransferredDayOff(Holiday::RepublicDay)
        );
        assert_eq!(cal.day(date(2025, 10, 28)), DayKind::Working);
    }

    #[test]
    fn constitution_day_on_saturday_2025_moves_to_monday_1_september() {
        let cal = Calendar::builtin();
        assert_eq!(
            cal.day(date(2025, 9, 1)),
            DayKind::TransferredDayOff(Holiday::ConstitutionDay)
        );
    }

    #[test]
    fn new_year_on_sunday_2023_skips_the_monday_holiday_to_tuesday_3_january() {
        let cal = Calendar::builtin();
        assert_eq!(
            cal.day(date(2023, 1, 2)),
            DayKind::Holiday(Holiday::NewYear)
        );
        assert_eq!(
            cal.day(date(2023, 1, 3)),
            DayKind::TransferredDayOff(Holiday::NewYear)
        );
        assert_eq!(cal.day(date(2023, 1, 4)), DayKind::Working);
    }

    #[test]
    fn new_year_on_saturday_and_sunday_2022_moves_two_days() {
        let cal = Calendar::builtin();
        for d in [date(2022, 1, 3), date(2022, 1, 4)] {
            assert_eq!(
                cal.day(d),
                DayKind::TransferredDayOff(Holiday::NewYear),
                "{d}"
            );
        }
        assert_eq!(cal.day(date(2022, 1, 5)), DayKind::Working);
    }

    #[test]
    fn nauryz_on_saturday_to_monday_2020_moves_two_days() {
        let cal = Calendar::builtin();
        assert_eq!(
            cal.day(date(2020, 3, 23)),
            DayKind::Holiday(Holiday::Nauryz)
        );
        for d in [date(2020, 3, 24), date(2020, 3, 25)] {
            assert_eq!(
                cal.day(d),
                DayKind::TransferredDayOff(Holiday::Nauryz),
                "{d}"
            );
        }
        assert_eq!(cal.day(date(2020, 3, 26)), DayKind::Working);
    }

    #[test]
    fn nauryz_on_friday_to_sunday_2025_gives_21_to_25_march_off() {
        let cal = Calendar::builtin();
        let off: Vec<bool> = (20..=26)
            .map(|d| cal.is_working_day(date(2025, 3, d)))
            .collect();
        assert_eq!(off, [true, false, false, false, false, false, true]);
    }

    #[test]
    fn defender_day_on_saturday_skips_victory_day_on_monday() {
        let cal = Calendar::builtin();
        // 2022: 7 May Sat, 9 May Mon.
        assert_eq!(
            cal.day(date(2022, 5, 9)),
            DayKind::Holiday(Holiday::VictoryDay)
        );
        assert_eq!(
            cal.day(date(2022, 5, 10)),
            DayKind::TransferredDayOff(Holiday::DefenderDay)
        );
    }

    #[test]
    fn orthodox_christmas_on_a_weekend_is_not_transferred() {
        let cal = Calendar::builtin();
        // 7 Jan 2023 is a Saturday; Monday 9 January is an ordinary working day.
        assert_eq!(
            cal.day(date(2023, 1, 7)),
            DayKind::Holiday(Holiday::OrthodoxChristmas)
        );
        assert_eq!(cal.day(date(2023, 1, 9)), DayKind::Working);
    }

    #[test]
    fn transfers_land_soon_after_their_holiday_within_the_same_year() {
        for year in 1900..=2200 {
            for (slot, moved) in transfers(year).into_iter().enumerate() {
                let (month, day, holiday) = FIXED_DAYS_OFF[slot];
                let from = date(year, month, day);
                assert_eq!(
                    moved.is_some(),
                    holiday.is_transferred() && is_weekend(from)
                );
                if let Some((to, h)) = moved {
                    assert_eq!(h, holiday);
                    assert_eq!(to.year(), year);
                    assert!(to > from && to <= from.checked_add(4.days()).unwrap());
                    assert_eq!(
                        Calendar::builtin_day(to),
                        DayKind::TransferredDayOff(holiday)
                    );
                }
            }
        }
    }

    #[test]
    fn overrides_win_over_everything() {
        let cal = with_overrides(&[
            (date(2025, 3, 8), working("test")),
            (date(2025, 10, 27), working("test")),
            (date(2025, 11, 15), working("working Saturday")),
            (date(2025, 6, 6), off("Құрбан айт")),
            (date(2025, 11, 16), off("already a Sunday")),
        ]);
        assert_eq!(cal.day(date(2025, 3, 8)), DayKind::WorkingByOverride);
        assert_eq!(cal.day(date(2025, 10, 27)), DayKind::WorkingByOverride);
        assert_eq!(cal.day(date(2025, 11, 15)), DayKind::WorkingByOverride);
        assert_eq!(cal.day(date(2025, 6, 6)), DayKind::DayOffByOverride);
        assert_eq!(cal.day(date(2025, 11, 16)), DayKind::DayOffByOverride);
        assert_eq!(cal.overrides()[&date(2025, 6, 6)].reason(), "Құрбан айт");
        assert!(!cal.overrides()[&date(2025, 6, 6)].is_working());
    }

    /// e-Otinish's own list of non-working days for 2022 – March 2023 (domain.md §3.2) is the
    /// built-in calendar plus the three 2022 government transfers.
    #[test]
    fn matches_the_e_otinish_2022_list_with_the_government_transfers() {
        let cal = with_overrides(&[
            (date(2022, 3, 5), working("перенос")),
            (date(2022, 3, 7), off("перенос")),
            (date(2022, 8, 27), working("перенос")),
            (date(2022, 8, 29), off("перенос")),
            (date(2022, 10, 22), working("перенос")),
            (date(2022, 10, 24), off("перенос")),
            (date(2022, 7, 9), off("Құрбан айт")),
        ]);
        let weekdays_off = [
            date(2022, 1, 3),
            date(2022, 1, 4),
            date(2022, 1, 7),
            date(2022, 3, 7),
            date(2022, 3, 8),
            date(2022, 3, 21),
            date(2022, 3, 22),
            date(2022, 3, 23),
            date(2022, 5, 2),
            date(2022, 5, 9),
            date(2022, 5, 10),
            date(2022, 7, 6),
            date(2022, 8, 29),
            date(2022, 8, 30),
            date(2022, 10, 24),
            date(2022, 10, 25),
            date(2022, 12, 16),
            date(2023, 1, 2),
            date(2023, 1, 3),
            date(2023, 3, 8),
            date(2023, 3, 21),
            date(2023, 3, 22),
            date(2023, 3, 23),
        ];
        let working_weekends = [date(2022, 3, 5), date(2022, 8, 27), date(2022, 10, 22)];
        let mut d = date(2022, 1, 1);
        while d <= date(2023, 3, 26) {
            let expected = if is_weekend(d) {
                working_weekends.contains(&d)
            } else {
                !weekdays_off.contains(&d)
            };
            assert_eq!(cal.is_working_day(d), expected, "{d}: {:?}", cal.day(d));
            d = d.tomorrow().unwrap();
        }
    }

    #[test]
    fn next_working_day_is_strictly_after() {
        let cal = Calendar::builtin();
        assert_eq!(cal.next_working_day(date(2025, 11, 10)), date(2025, 11, 11));
        assert_eq!(cal.next_working_day(date(2025, 11, 14)), date(2025, 11, 17));
        assert_eq!(cal.next_working_day(date(2025, 10, 24)), date(2025, 10, 28));
        assert_eq!(cal.next_working_day(date(2025, 12, 31)), date(2026, 1, 5));
    }

    #[test]
    fn working_day_on_or_after_keeps_a_working_day() {
        let cal = Calendar::builtin();
        assert_eq!(
            cal.working_day_on_or_after(date(2025, 11, 14)),
            date(2025, 11, 14)
        );
        assert_eq!(
            cal.working_day_on_or_after(date(2025, 11, 15)),
            date(2025, 11, 17)
        );
        assert_eq!(
            cal.working_day_on_or_after(date(2025, 3, 21)),
            date(2025, 3, 26)
        );
    }

    #[test]
    fn searching_past_the_last_representable_date_saturates() {
        let cal = with_overrides(&[(Date::MAX, off("end of time"))]);
        assert_eq!(cal.next_working_day(Date::MAX), Date::MAX);
        assert_eq!(cal.working_day_on_or_after(Date::MAX), Date::MAX);
    }

    #[test]
    fn only_listed_years_are_confirmed() {
        let cal = Calendar::new(BTreeMap::new(), [2025].into());
        assert!(cal.is_confirmed(2025));
        assert!(!cal.is_confirmed(2026));
        assert!(!Calendar::builtin().is_confirmed(2025));
    }
}
