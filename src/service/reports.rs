//! The report on appeals and the registry export: read a period in one snapshot, reduce each
//! appeal to its facts, aggregate once (`domain::report::aggregate`), and hand the result to
//! whichever format was asked for. Only directors and admins see the report.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::registry::{self, RegistryQuery};
use super::{Ctx, Error, Result};
use crate::domain::appeal::{Appeal, CategoryId, UnitId};
use crate::domain::field::FieldErrors;
use crate::domain::institution::Unit;
use crate::domain::lang::Names;
use crate::domain::report::{
    Facts, ListingRow, Period, Report, Scope, StaffMember, aggregate, aggregate_counted,
    finished_on,
};
use crate::domain::user::{Role, User};
use crate::store::{
    self, AppealReads, PeriodReads, ReadTx, RegistryReads, SettingsReads, TallyReads, UserReads,
};

/// The most rows one registry export holds.
pub const MAX_EXPORT_ROWS: usize = 100_000;

/// Whether a user may see the report: directors and admins.
pub fn may_see_reports(user: &User) -> bool {
    user.roles().any(&[Role::Director, Role::Admin])
}

/// The period typed in a form or on the command line: `YYYY-MM-DD` or `DD.MM.YYYY` days, both
/// optional (the current calendar year by default).
pub fn period(ctx: &Ctx, from: &str, to: &str) -> Result<Period> {
    let mut errors = FieldErrors::default();
    let year = ctx.today().year();
    let from =
        parse_day(from, &mut errors, "from").unwrap_or_else(|| jiff::civil::date(year, 1, 1));
    let to = parse_day(to, &mut errors, "to").unwrap_or_else(|| jiff::civil::date(year, 12, 31));
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    Period::new(from, to).map_err(|e| {
        let mut errors = FieldErrors::default();
        errors.add("to", e.key());
        Error::Invalid(errors)
    })
}

fn parse_day(text: &str, errors: &mut FieldErrors, field: &'static str) -> Option<Date> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let parsed = text.parse::<Date>().ok().or_else(|| {
        let mut parts = text.split('.');
        let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
    });
    if parsed.is_none() {
        errors.add(field, "report.error.date");
    }
    parsed
}

/// The facts of one appeal, reading its history only when the snapshot lacks the end day.
fn facts_of(ctx: &Ctx, tx: &ReadTx, appeal: &Appeal) -> store::Result<Facts> {
    let history_end = if Facts::needs_history(appeal) {
        finished_on(&tx.events(appeal.id)?, &ctx.rules.time_zone)
    } else {
        None
    };
    let received_on = crate::domain::lifecycle::received_on(appeal, &ctx.rules.time_zone);
    Ok(Facts::of(appeal, history_end).received(received_on))
}

/// The report as one pass over every appeal of the period (the tallies' reference, and the way
/// when they were counted in another time zone).
fn full_fold(
    ctx: &Ctx,
    tx: &ReadTx,
    scope: &Scope,
    progress: &mut dyn FnMut(u64, u64),
) -> store::Result<crate::domain::report::Figures> {
    let period = scope.period;
    let from = period.reading_from();
    let total = tx.count_registered(from, period.to)?;
    let mut facts = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    progress(0, total);
    tx.each_registered(from, period.to, &mut |appeal| {
        facts.push(facts_of(ctx, tx, &appeal)?);
        let done = facts.len() as u64;
        if done.is_multiple_of(10_000) {
            progress(done, total);
        }
        Ok(())
    })?;
    progress(facts.len() as u64, total);
    Ok(aggregate(scope, facts))
}

/// The units the report has a row for.
fn active_unit_ids(units: &[Unit]) -> Vec<UnitId> {
    units.iter().filter(|u| u.active).map(|u| u.id).collect()
}

/// The report for `period` as one pass over every appeal, for `check` and tests to hold the
/// running tallies against.
pub fn folded(ctx: &Ctx, period: Period) -> Result<crate::domain::report::Figures> {
    let calendar = ctx.calendar();
    let today = ctx.today();
    let figures = ctx.store.read(|tx| {
        let unit_ids = active_unit_ids(&tx.units()?);
        let scope = Scope {
            period,
            today,
            calendar: &calendar,
            units: &unit_ids,
        };
        full_fold(ctx, tx, &scope, &mut |_, _| {})
    })?;
    Ok(figures)
}

/// Builds the report for `period`. `viewer` is the signed-in user (`None` on the command line,
/// whose operator holds the store file anyway); `progress` hears (appeals read, appeals to read).
pub fn build(
    ctx: &Ctx,
    viewer: Option<&User>,
    period: Period,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Report> {
    if viewer.is_some_and(|u| !may_see_reports(u)) {
        return Err(Error::Forbidden);
    }
    let calendar = ctx.calendar();
    let today = ctx.today();
    let report = ctx.store.read(|tx| {
        let units = tx.units()?;
        let unit_ids = active_unit_ids(&units);
        let scope = Scope {
            period,
            today,
            calendar: &calendar,
            units: &unit_ids,
        };
        let counted =
            tx.tally_zone()?.as_deref() == Some(store::zone_name(&ctx.rules.time_zone).as_str());
        let figures = if counted {
            // The running tallies: a sum over months and edge days plus the few loose appeals,
            // whatever the size.
            let loose = tx.loose_facts()?;
            progress(0, loose.len() as u64);
            let figures = aggregate_counted(&scope, &tx.period_counts(period, today)?, loose);
            progress(1, 1);
            figures
        } else {
            full_fold(ctx, tx, &scope, progress)?
        };
        // Every staff account names its appeals; only active ones are listed in the narrative.
        let staff = tx.staff()?;
        Ok::<_, store::Error>(Report {
            figures,
            institution: tx.institution()?,
            staff: staff
                .iter()
                .filter(|u| u.active && !u.roles().is_empty())
                .map(|u| StaffMember {
                    name: u.full_name.as_str().to_owned(),
                    roles: u.roles(),
                })
                .collect(),
            since: tx.first_registration_day()?,
            made_on: today,
            units: units.into_iter().map(|u| (u.id, u.names)).collect(),
            categories: tx
                .categories()?
                .into_iter()
                .map(|c| (c.id, c.names))
                .collect(),
            executors: staff
                .iter()
                .map(|u| (u.id, u.full_name.as_str().to_owned()))
                .collect(),
        })
    })?;
    Ok(report)
}

/// The registry with its current filters, every page, as export rows.
#[derive(Debug, Clone)]
pub struct Listing {
    /// One row per appeal, newest first.
    pub rows: Vec<ListingRow>,
    /// Whether [`MAX_EXPORT_ROWS`] cut it short.
    pub truncated: bool,
    /// Unit names.
    pub units: BTreeMap<UnitId, Names>,
    /// Category names.
    pub categories: BTreeMap<CategoryId, Names>,
}

/// Every appeal the registry shows for `query`, for staff.
pub fn listing(ctx: &Ctx, staff: &User, query: &RegistryQuery) -> Result<Listing> {
    if staff.is_applicant() || staff.roles().is_empty() {
        return Err(Error::Forbidden);
    }
    let mut filter = registry::filter(ctx, query);
    filter.before = None;
    let calendar = ctx.calendar();
    let today = ctx.today();
    let listing = ctx.store.read(|tx| {
        let mut rows = Vec::new();
        let mut truncated = false;
        loop {
            let mut page = tx.registry(&filter)?;
            registry::withhold_for(staff, &filter, &mut page.appeals);
            for appeal in &page.appeals {
                let history_end = if Facts::needs_history(appeal) {
                    finished_on(&tx.events(appeal.id)?, &ctx.rules.time_zone)
                } else {
                    None
                };
                rows.push(ListingRow::of(appeal, history_end, today, &calendar));
            }
            match page.next {
                Some(next) if rows.len() < MAX_EXPORT_ROWS => filter.before = Some(next),
                Some(_) => {
                    truncated = true;
                    break;
                }
                None => break,
            }
        }
        Ok::<_, store::Error>(Listing {
            rows,
            truncated,
            units: tx.units()?.into_iter().map(|u| (u.id, u.names)).collect(),
            categories: tx
                .categories()?
                .into_iter()
                .map(|c| (c.id, c.names))
                .collect(),
        })
    })?;
    Ok(listing)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::BTreeMap;

    use jiff::civil::date;

    use super::*;
    use crate::domain::calendar::{Calendar, DayOverride};
    use crate::service::seed;
    use crate::service::testing::ctx_at;

    fn periods() -> Vec<Period> {
        vec![
            Period::calendar_year(2026).unwrap(),
            Period::new(date(2026, 10, 1), date(2026, 10, 31)).unwrap(),
            Period::new(date(2026, 9, 17), date(2026, 11, 3)).unwrap(),
            Period::new(date(2026, 11, 20), date(2026, 11, 20)).unwrap(),
        ]
    }

    fn assert_tallies_equal_the_fold(ctx: &Ctx) {
        for period in periods() {
            let counted = build(ctx, None, period, &mut |_, _| {}).unwrap().figures;
            assert_eq!(counted, folded(ctx, period).unwrap(), "{period:?}");
        }
        assert_eq!(ctx.store.check().unwrap().problems, vec![]);
    }

    #[test]
    fn the_report_from_tallies_equals_the_fold_over_the_demo_desk() {
        let now = "2026-11-20T06:00:00Z".parse().unwrap();
        let ctx = ctx_at("2026-11-20T06:00:00Z");
        seed::seed(&ctx, 40, now).unwrap();
        let year = build(&ctx, None, periods()[0], &mut |_, _| {}).unwrap();
        assert_eq!(year.figures.current.received, 40);
        assert!(year.figures.current.finished > 0, "the demo answers some");
        assert_tallies_equal_the_fold(&ctx);
    }

    /// Issue 12: open appeals are in the tallies, not folded with every report, and the report
    /// still equals the fold when their lapse day (a year after registration) falls inside the
    /// period, after it, or after today. See: issue 12
    #[test]
    fn issue_12_open_appeals_are_counted_in_the_tallies_and_agree_with_the_fold() {
        let now = "2026-03-02T05:00:00Z".parse().unwrap();
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        seed::seed_bulk(&ctx, 400, now).unwrap();
        let mut open = 0;
        ctx.store
            .read(|tx| {
                tx.each_registered(date(2020, 1, 1), date(2026, 12, 31), &mut |a| {
                    open += u32::from(!a.status.is_terminal());
                    Ok(())
                })
            })
            .unwrap();
        assert!(open > 100, "the bulk seed copies open appeals: {open}");
        let loose = ctx.store.read(|tx| tx.loose_facts()).unwrap().len();
        assert!(
            loose <= 24,
            "{loose} of {open} open appeals are folded in full"
        );
        for (from, to) in [
            ("2025-01-01", "2025-12-31"),
            ("2025-02-14", "2025-11-03"),
            ("2024-03-01", "2024-03-31"),
            ("2026-01-01", "2026-12-31"),
            ("2025-12-20", "2026-03-01"),
            ("2026-03-02", "2026-04-15"),
            ("2026-05-01", "2026-05-31"),
        ] {
            let period = Period::new(from.parse().unwrap(), to.parse().unwrap()).unwrap();
            let counted = build(&ctx, None, period, &mut |_, _| {}).unwrap().figures;
            assert_eq!(counted, folded(&ctx, period).unwrap(), "{from} – {to}");
        }
        assert_eq!(ctx.store.check().unwrap().problems, vec![]);
    }

    #[test]
    fn a_changed_calendar_recounts_the_tallies() {
        let now = "2026-11-20T06:00:00Z".parse().unwrap();
        let ctx = ctx_at("2026-11-20T06:00:00Z");
        seed::seed(&ctx, 30, now).unwrap();
        let days_off: BTreeMap<_, _> = (1..=30)
            .map(|d| {
                (
                    date(2026, 10, d),
                    DayOverride::DayOff {
                        reason: "test".into(),
                    },
                )
            })
            .collect();
        ctx.store
            .write(|tx| tx.put_calendar(&Calendar::new(days_off.clone(), [2026].into())))
            .unwrap();
        assert_tallies_equal_the_fold(&ctx);
    }
}
