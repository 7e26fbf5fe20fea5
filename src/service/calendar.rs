//! The working-day calendar as the admin keeps it: days off (Kurban Ait, bridged days) and
//! working days (working Saturdays) entered per date, and years confirmed as complete.
//!
//! Each change is one write transaction that reads the stored calendar, changes it and writes it
//! back, so two admins never lose each other's entries. Only admins change it; everyone reads it.
//! This module does not recompute the deadlines of appeals already registered.

use std::ops::RangeInclusive;

use jiff::ToSpan;
use jiff::civil::{Date, DateTime};

use super::{Ctx, Error, Result};
use crate::domain::calendar::{Calendar, DayKind, DayOverride};
use crate::domain::deadline::{CountingRule, Deadline, Term, due_date, registration_date};
use crate::domain::field::{FieldErrors, required_text};
use crate::domain::kind::AppealKind;
use crate::domain::user::User;
use crate::store::{SettingsReads, TermReads};

/// The years the calendar can be edited and shown for. The built-in holidays are those in force
/// since 2022; the range leaves room for entering older years by hand.
pub const YEARS: RangeInclusive<i16> = 2000..=2100;

/// Form value of a day off.
pub const DAY_OFF: &str = "day-off";
/// Form value of a working day.
pub const WORKING_DAY: &str = "working-day";

/// An override as typed.
#[derive(Debug, Clone, Default)]
pub struct OverrideForm {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// [`DAY_OFF`] or [`WORKING_DAY`].
    pub kind: String,
    /// Why, e.g. "Құрбан айт" or the number of the government decree.
    pub reason: String,
}

/// The deadline the appliance would set, with what it was computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineCheck {
    /// The statutory term of the appeal type.
    pub term: Term,
    /// The configured counting rule.
    pub rule: CountingRule,
    /// Registration day, due day, days off skipped, provisional.
    pub deadline: Deadline,
    /// Years from registration to the due day that no admin has confirmed.
    pub unconfirmed_years: Vec<i16>,
}

/// A year in [`YEARS`], from its decimal form.
pub fn parse_year(input: &str) -> Option<i16> {
    input
        .trim()
        .parse::<i16>()
        .ok()
        .filter(|year| YEARS.contains(year))
}

fn parse_override(form: &OverrideForm) -> Result<(Date, DayOverride)> {
    let mut errors = FieldErrors::default();
    let date = errors.take(
        "date",
        form.date
            .trim()
            .parse::<Date>()
            .map_err(|_| "calendar.error_date")
            .and_then(|d| {
                if YEARS.contains(&d.year()) {
                    Ok(d)
                } else {
                    Err("calendar.error_year")
                }
            }),
    );
    let working = errors.take(
        "kind",
        match form.kind.as_str() {
            DAY_OFF => Ok(false),
            WORKING_DAY => Ok(true),
            _ => Err("calendar.error_kind"),
        },
    );
    let reason = errors.take("reason", required_text(&form.reason, 200));
    match (date, working, reason) {
        (Some(date), Some(true), Some(reason)) => Ok((date, DayOverride::WorkingDay { reason })),
        (Some(date), Some(false), Some(reason)) => Ok((date, DayOverride::DayOff { reason })),
        _ => Err(Error::Invalid(errors)),
    }
}

/// The stored calendar (the built-in one while the admin has entered nothing).
pub fn load(ctx: &Ctx) -> Result<Calendar> {
    Ok(ctx.store.read(|tx| tx.calendar())?)
}

/// Makes a date a day off or a working day; returns the date. A date that already has an entry
/// is refused: the admin removes the old entry first, so a reason is never overwritten unseen.
pub fn add_override(ctx: &Ctx, admin: &User, form: &OverrideForm) -> Result<Date> {
    super::require_admin(admin)?;
    let (date, day) = parse_override(form)?;
    ctx.store.write(|tx| {
        let calendar = tx.calendar()?;
        if calendar.overrides().contains_key(&date) {
            let mut errors = FieldErrors::default();
            errors.add("date", "calendar.error_exists");
            return Err(Error::Invalid(errors));
        }
        let mut overrides = calendar.overrides().clone();
        overrides.insert(date, day.clone());
        let changed = Calendar::new(overrides, calendar.confirmed_years().clone());
        tx.put_calendar(&changed)?;
        super::lifecycle::recompute_deadlines(ctx, tx, &changed, admin)?;
        Ok(date)
    })
}

/// Removes the entry for `date`, so the built-in rule applies to it again.
pub fn remove_override(ctx: &Ctx, admin: &User, date: Date) -> Result<()> {
    super::require_admin(admin)?;
    ctx.store.write(|tx| {
        let calendar = tx.calendar()?;
        let mut overrides = calendar.overrides().clone();
        if overrides.remove(&date).is_none() {
            return Err(Error::NotFound);
        }
        let changed = Calendar::new(overrides, calendar.confirmed_years().clone());
        tx.put_calendar(&changed)?;
        super::lifecycle::recompute_deadlines(ctx, tx, &changed, admin)?;
        Ok(())
    })
}

/// Records that the admin entered every day off and working day of `year`: deadlines in it are
/// no longer provisional. Confirming a confirmed year changes nothing.
pub fn confirm_year(ctx: &Ctx, admin: &User, year: i16) -> Result<()> {
    super::require_admin(admin)?;
    if !YEARS.contains(&year) {
        let mut errors = FieldErrors::default();
        errors.add("year", "calendar.error_year");
        return Err(Error::Invalid(errors));
    }
    ctx.store.write(|tx| {
        let calendar = tx.calendar()?;
        let mut confirmed = calendar.confirmed_years().clone();
        if confirmed.insert(year) {
            let changed = Calendar::new(calendar.overrides().clone(), confirmed);
            tx.put_calendar(&changed)?;
            super::lifecycle::recompute_deadlines(ctx, tx, &changed, admin)?;
        }
        Ok(())
    })
}

/// The built-in holidays and transferred days off of `year`, in date order (weekends left out).
pub fn builtin_days_off(year: i16) -> Vec<(Date, DayKind)> {
    let Ok(first) = Date::new(year, 1, 1) else {
        return Vec::new();
    };
    first
        .series(1.day())
        .take_while(|d| d.year() == year)
        .map(|d| (d, Calendar::builtin_day(d)))
        .filter(|(_, kind)| matches!(kind, DayKind::Holiday(_) | DayKind::TransferredDayOff(_)))
        .collect()
}

/// The registration day and deadline an appeal of `kind` received at `received` (local time)
/// would get now, with the stored calendar and the configured rules.
pub fn deadline_for(ctx: &Ctx, kind: AppealKind, received: DateTime) -> Result<DeadlineCheck> {
    let calendar = load(ctx)?;
    let registered_on = registration_date(received, ctx.rules.close_of_business, &calendar);
    let term = ctx.store.read(|tx| tx.term(kind))?;
    let rule = ctx.rules.counting_rule;
    let deadline = due_date(registered_on, term, rule, &calendar);
    let unconfirmed_years = (deadline.registered_on.year()..=deadline.due.year())
        .filter(|year| !calendar.is_confirmed(*year))
        .collect();
    Ok(DeadlineCheck {
        term,
        rule,
        deadline,
        unconfirmed_years,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::domain::calendar::Holiday;
    use crate::domain::user::Role;
    use crate::service::auth::{self, StaffForm};
    use crate::service::testing::ctx_at;
    use crate::store::UserReads;

    fn staff(ctx: &Ctx, login: &str, role: Role) -> User {
        let id = auth::create_staff(
            ctx,
            None,
            &StaffForm {
                login: login.into(),
                full_name: "Staff Person".into(),
                roles: vec![role],
                password: "a long password".into(),
                must_change_password: false,
            },
        )
        .unwrap();
        ctx.store.read(|tx| tx.user(id)).unwrap().unwrap()
    }

    fn entry(date: &str, kind: &str, reason: &str) -> OverrideForm {
        OverrideForm {
            date: date.into(),
            kind: kind.into(),
            reason: reason.into(),
        }
    }

    fn received(at: &str) -> DateTime {
        at.parse().unwrap()
    }

    fn due(ctx: &Ctx, at: &str) -> Deadline {
        deadline_for(ctx, AppealKind::Application, received(at))
            .unwrap()
            .deadline
    }

    #[test]
    fn a_working_saturday_counts_and_shortens_a_deadline_by_one_day() {
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        let admin = staff(&ctx, "admin", Role::Admin);
        // Registered Mon 2 March 2026; 9, 24 and 25 March are transferred days off.
        assert_eq!(due(&ctx, "2026-03-02 10:00").due, date(2026, 3, 27));
        assert!(!ctx.calendar().is_working_day(date(2026, 3, 14)));

        let added = add_override(
            &ctx,
            &admin,
            &entry("2026-03-14", WORKING_DAY, "Үкімет қаулысымен ауыстыру"),
        )
        .unwrap();
        assert_eq!(added, date(2026, 3, 14));
        assert!(ctx.calendar().is_working_day(date(2026, 3, 14)));
        assert_eq!(due(&ctx, "2026-03-02 10:00").due, date(2026, 3, 26));
    }

    #[test]
    fn kurban_ait_is_skipped_and_removing_it_restores_the_builtin_day() {
        let ctx = ctx_at("2026-05-20T05:00:00Z");
        let admin = staff(&ctx, "admin", Role::Admin);
        assert_eq!(due(&ctx, "2026-05-20 10:00").due, date(2026, 6, 10));

        add_override(&ctx, &admin, &entry("2026-05-27", DAY_OFF, "Құрбан айт")).unwrap();
        let calendar = load(&ctx).unwrap();
        assert!(!calendar.is_working_day(date(2026, 5, 27)));
        assert_eq!(calendar.day(date(2026, 5, 27)), DayKind::DayOffByOverride);
        assert_eq!(
            calendar.overrides()[&date(2026, 5, 27)].reason(),
            "Құрбан айт"
        );
        let with_kurban_ait = due(&ctx, "2026-05-20 10:00");
        assert_eq!(with_kurban_ait.due, date(2026, 6, 11));
        assert_eq!(
            with_kurban_ait.skipped_days_off, 7,
            "three weekends and Kurban Ait"
        );

        remove_override(&ctx, &admin, date(2026, 5, 27)).unwrap();
        assert!(ctx.calendar().is_working_day(date(2026, 5, 27)));
        assert_eq!(due(&ctx, "2026-05-20 10:00").due, date(2026, 6, 10));
    }

    #[test]
    fn confirming_a_year_makes_its_deadlines_final() {
        let ctx = ctx_at("2026-11-06T05:00:00Z");
        let admin = staff(&ctx, "admin", Role::Admin);
        let before =
            deadline_for(&ctx, AppealKind::Application, received("2026-11-06 18:45")).unwrap();
        assert!(before.deadline.provisional);
        assert_eq!(before.unconfirmed_years, [2026]);

        confirm_year(&ctx, &admin, 2026).unwrap();
        confirm_year(&ctx, &admin, 2026).unwrap();
        assert_eq!(load(&ctx).unwrap().confirmed_years().len(), 1);
        let after =
            deadline_for(&ctx, AppealKind::Application, received("2026-11-06 18:45")).unwrap();
        assert!(!after.deadline.provisional);
        assert!(after.unconfirmed_years.is_empty());

        // A complaint (20 working days) received in December runs into 2027, not confirmed.
        let complaint =
            deadline_for(&ctx, AppealKind::Complaint, received("2026-12-10 10:00")).unwrap();
        assert_eq!(complaint.deadline.due, date(2027, 1, 13));
        assert!(complaint.deadline.provisional);
        assert_eq!(complaint.unconfirmed_years, [2027]);
    }

    #[test]
    fn a_friday_evening_receipt_registers_on_monday() {
        let ctx = ctx_at("2026-11-06T05:00:00Z");
        let check =
            deadline_for(&ctx, AppealKind::Application, received("2026-11-06 18:45")).unwrap();
        assert_eq!(check.deadline.registered_on, date(2026, 11, 9));
        assert_eq!(check.deadline.due, date(2026, 11, 30));
        assert_eq!(check.deadline.skipped_days_off, 6);
        assert_eq!(check.term, Term::working(15));
        assert_eq!(check.rule, CountingRule::FromNextDay);
    }

    #[test]
    fn only_admins_change_the_calendar() {
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        let admin = staff(&ctx, "admin", Role::Admin);
        add_override(&ctx, &admin, &entry("2026-05-27", DAY_OFF, "Құрбан айт")).unwrap();
        for role in [Role::Clerk, Role::Executor, Role::Director] {
            let user = staff(&ctx, role.code(), role);
            assert!(matches!(
                add_override(&ctx, &user, &entry("2026-03-14", WORKING_DAY, "перенос")),
                Err(Error::Forbidden)
            ));
            assert!(matches!(
                remove_override(&ctx, &user, date(2026, 5, 27)),
                Err(Error::Forbidden)
            ));
            assert!(matches!(
                confirm_year(&ctx, &user, 2026),
                Err(Error::Forbidden)
            ));
        }
        let calendar = load(&ctx).unwrap();
        assert_eq!(calendar.overrides().len(), 1);
        assert!(calendar.confirmed_years().is_empty());
    }

    #[test]
    fn a_bad_entry_is_refused_field_by_field() {
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        let admin = staff(&ctx, "admin", Role::Admin);
        let Err(Error::Invalid(errors)) =
            add_override(&ctx, &admin, &entry("27.05.2026", "holiday", "  "))
        else {
            panic!("expected a refusal");
        };
        assert_eq!(errors.for_field("date"), Some("calendar.error_date"));
        assert_eq!(errors.for_field("kind"), Some("calendar.error_kind"));
        assert_eq!(errors.for_field("reason"), Some("error.required"));

        let Err(Error::Invalid(errors)) =
            add_override(&ctx, &admin, &entry("1999-12-31", DAY_OFF, "old"))
        else {
            panic!("expected a refusal");
        };
        assert_eq!(errors.for_field("date"), Some("calendar.error_year"));
        assert!(matches!(
            confirm_year(&ctx, &admin, 2101),
            Err(Error::Invalid(_))
        ));
        assert_eq!(load(&ctx).unwrap(), Calendar::builtin());
    }

    #[test]
    fn a_date_with_an_entry_keeps_it_until_it_is_removed() {
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        let admin = staff(&ctx, "admin", Role::Admin);
        add_override(&ctx, &admin, &entry("2026-05-27", DAY_OFF, "Құрбан айт")).unwrap();
        let Err(Error::Invalid(errors)) =
            add_override(&ctx, &admin, &entry("2026-05-27", WORKING_DAY, "қате"))
        else {
            panic!("expected a refusal");
        };
        assert_eq!(errors.for_field("date"), Some("calendar.error_exists"));
        assert_eq!(
            load(&ctx).unwrap().overrides()[&date(2026, 5, 27)].reason(),
            "Құрбан айт"
        );
        assert!(matches!(
            remove_override(&ctx, &admin, date(2026, 5, 28)),
            Err(Error::NotFound)
        ));
    }

    #[test]
    fn the_builtin_days_off_of_2026_include_transfers_and_leave_out_weekends() {
        let days = builtin_days_off(2026);
        assert_eq!(
            days.first(),
            Some(&(date(2026, 1, 1), DayKind::Holiday(Holiday::NewYear)))
        );
        assert!(days.contains(&(
            date(2026, 3, 9),
            DayKind::TransferredDayOff(Holiday::WomensDay)
        )));
        assert!(days.contains(&(
            date(2026, 3, 25),
            DayKind::TransferredDayOff(Holiday::Nauryz)
        )));
        assert!(days.iter().all(|(d, _)| d.year() == 2026));
        assert!(days.windows(2).all(|w| w[0].0 < w[1].0));
        // 14 fixed days off plus one transfer per holiday on a weekend.
        let transfers = days
            .iter()
            .filter(|(_, k)| matches!(k, DayKind::TransferredDayOff(_)))
            .count();
        assert_eq!(days.len(), 14 + transfers);
    }

    #[test]
    fn years_parse_only_inside_the_supported_range() {
        assert_eq!(parse_year("2026"), Some(2026));
        assert_eq!(parse_year(" 2000 "), Some(2000));
        assert_eq!(parse_year("1999"), None);
        assert_eq!(parse_year("2101"), None);
        assert_eq!(parse_year("twenty"), None);
    }
}
