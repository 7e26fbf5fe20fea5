//! The staff registry: every appeal, filtered and paged, plus the lists its filters offer.
//! Every member of staff sees the overview; personal data only where `domain::privacy` says.

use super::{Ctx, Error, Result};
use crate::domain::appeal::{Appeal, AppealId, UnitId};
use crate::domain::deadline::add_working_days;
use crate::domain::kind::{AppealKind, Status};
use crate::domain::privacy;
use crate::domain::registration_number::RegistrationNumber;
use crate::domain::tax_id::TaxId;
use crate::domain::user::{Role, User, UserId};
use crate::store::{
    QueueCounts, QueueReads, RegistryFilter, RegistryPage, RegistryReads, Tx, UserReads,
};

/// The registry's query string, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistryQuery {
    /// Status code.
    pub status: String,
    /// Type code.
    pub kind: String,
    /// `overdue` or `soon` (due within 3 working days).
    pub due: String,
    /// Unit id.
    pub unit: String,
    /// Executor user id.
    pub executor: String,
    /// Registration number or IIN/BIN.
    pub q: String,
    /// Next-page cursor.
    pub before: String,
    /// `1` for open appeals only.
    pub open: String,
}

/// Turns the typed query into a store filter; unknown values are ignored, not errors.
pub fn filter(ctx: &Ctx, query: &RegistryQuery) -> RegistryFilter {
    let today = ctx.today();
    filter_on(query, today, add_working_days(today, 3, &ctx.calendar()))
}

/// [`filter`] on a day the caller read, with the last day that counts as "due soon".
pub(super) fn filter_on(
    query: &RegistryQuery,
    today: jiff::civil::Date,
    soon_until: jiff::civil::Date,
) -> RegistryFilter {
    let due_between = match query.due.as_str() {
        "overdue" => today.yesterday().ok().map(|d| (jiff::civil::Date::MIN, d)),
        "soon" => Some((today, soon_until)),
        _ => None,
    };
    let q = query.q.trim();
    let (number, tax_id) = if q.is_empty() {
        (None, None)
    } else if let Some(number) = RegistrationNumber::parse(q) {
        (Some(number.to_string()), None)
    } else if let Ok(tax_id) = TaxId::parse(q) {
        (None, Some(tax_id.to_string()))
    } else {
        // Something that is neither: match nothing rather than everything.
        (Some(q.to_owned()), None)
    };
    RegistryFilter {
        status: Status::from_code(&query.status),
        kind: AppealKind::from_code(&query.kind),
        unit: query.unit.parse().ok().map(UnitId),
        executor: query.executor.parse().ok().map(UserId),
        due_between,
        tax_id,
        number,
        before: query.before.parse().ok().map(AppealId),
        open_only: query.open == "1",
    }
}

/// One page of the registry, for staff.
pub fn list(ctx: &Ctx, staff: &User, query: &RegistryQuery) -> Result<RegistryPage> {
    if staff.is_applicant() || staff.roles().is_empty() {
        return Err(Error::Forbidden);
    }
    let filter = filter(ctx, query);
    let mut page = ctx.store.read(|tx| tx.registry(&filter))?;
    withhold_for(staff, &filter, &mut page.appeals);
    Ok(page)
}

/// The registry rows as `staff` may see them: a search by IIN/BIN finds only the appeals whose
/// personal data they may see (else the search itself would tell whose appeal it is), and the
/// other rows lose their personal data (`domain::privacy`).
pub(super) fn withhold_for(staff: &User, filter: &RegistryFilter, appeals: &mut Vec<Appeal>) {
    if privacy::sees_every_applicant(staff) {
        return;
    }
    if filter.tax_id.is_some() {
        appeals.retain(|a| privacy::may_see_personal(staff, a));
    }
    for appeal in appeals.iter_mut() {
        if !privacy::may_see_personal(staff, appeal) {
            privacy::withhold(appeal);
        }
    }
}

/// The work-queue counts for a member of staff.
pub fn queue_counts(ctx: &Ctx, staff: &User) -> Result<QueueCounts> {
    let today = ctx.today();
    let soon_until = add_working_days(today, 3, &ctx.calendar());
    Ok(ctx
        .store
        .read(|tx| tx.queue_counts(staff.id, today, soon_until))?)
}

/// Staff who can be assigned appeals (executors and directors), by name.
pub fn executors(ctx: &Ctx) -> Result<Vec<User>> {
    Ok(ctx.store.read(executors_in)?)
}

/// [`executors`] read in the caller's snapshot.
pub(super) fn executors_in(tx: &impl Tx) -> crate::store::Result<Vec<User>> {
    let mut staff: Vec<User> = tx
        .staff()?
        .into_iter()
        .filter(|u| u.active && u.roles().any(&[Role::Executor, Role::Director]))
        .collect();
    staff.sort_by(|a, b| a.full_name.as_str().cmp(b.full_name.as_str()));
    Ok(staff)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::service::appeals;
    use crate::service::appeals::tests::{appeal_form, world};

    fn query(f: impl FnOnce(&mut RegistryQuery)) -> RegistryQuery {
        let mut q = RegistryQuery::default();
        f(&mut q);
        q
    }

    #[test]
    fn filters_find_what_they_say() {
        let w = world();
        let mut ids = Vec::new();
        for _ in 0..3 {
            ids.push(
                appeals::file(&w.ctx, &w.applicant, &appeal_form(), &[])
                    .unwrap()
                    .id,
            );
        }
        w.route(ids[0]);
        w.route(ids[1]);
        w.answer(ids[1], "explained", "ok");

        let all = list(&w.ctx, &w.clerk, &RegistryQuery::default()).unwrap();
        assert_eq!(
            all.appeals.iter().map(|a| a.id).collect::<Vec<_>>(),
            vec![ids[2], ids[1], ids[0]]
        );
        let closed = list(&w.ctx, &w.clerk, &query(|q| q.status = "closed".into())).unwrap();
        assert_eq!(closed.appeals.len(), 1);
        let mine = list(
            &w.ctx,
            &w.clerk,
            &query(|q| q.executor = w.executor.id.0.to_string()),
        )
        .unwrap();
        assert_eq!(mine.appeals.len(), 2);
        let mine_open = list(
            &w.ctx,
            &w.clerk,
            &query(|q| {
                q.executor = w.executor.id.0.to_string();
                q.status = "in-progress".into();
            }),
        )
        .unwrap();
        assert_eq!(
            mine_open.appeals.iter().map(|a| a.id).collect::<Vec<_>>(),
            vec![ids[0]]
        );
        let by_number = list(
            &w.ctx,
            &w.clerk,
            &query(|q| q.q = "жт-2026-00000002".into()),
        )
        .unwrap();
        assert_eq!(by_number.appeals.len(), 1);
        let by_iin = list(&w.ctx, &w.clerk, &query(|q| q.q = "900101300126".into())).unwrap();
        assert_eq!(by_iin.appeals.len(), 3);
        let nothing = list(&w.ctx, &w.clerk, &query(|q| q.q = "garbage".into())).unwrap();
        assert!(nothing.appeals.is_empty());
    }

    #[test]
    fn overdue_and_due_soon_follow_the_clock() {
        let w = world();
        let appeal = appeals::file(&w.ctx, &w.applicant, &appeal_form(), &[]).unwrap();
        let overdue = query(|q| q.due = "overdue".into());
        let soon = query(|q| q.due = "soon".into());
        assert!(list(&w.ctx, &w.clerk, &overdue).unwrap().appeals.is_empty());
        assert!(list(&w.ctx, &w.clerk, &soon).unwrap().appeals.is_empty());
        // The day before the deadline it is due soon; the day after, overdue.
        let day_before = appeal.due.yesterday().unwrap();
        w.ctx.clock.set(
            day_before
                .to_zoned(w.ctx.rules.time_zone.clone())
                .unwrap()
                .timestamp(),
        );
        assert_eq!(list(&w.ctx, &w.clerk, &soon).unwrap().appeals.len(), 1);
        let day_after = appeal.due.tomorrow().unwrap();
        w.ctx.clock.set(
            day_after
                .to_zoned(w.ctx.rules.time_zone.clone())
                .unwrap()
                .timestamp(),
        );
        assert_eq!(list(&w.ctx, &w.clerk, &overdue).unwrap().appeals.len(), 1);
    }

    #[test]
    fn pages_hold_fifty_newest_first_with_a_cursor() {
        let w = world();
        for _ in 0..55 {
            appeals::file(&w.ctx, &w.applicant, &appeal_form(), &[]).unwrap();
        }
        let first = list(&w.ctx, &w.clerk, &RegistryQuery::default()).unwrap();
        assert_eq!(first.appeals.len(), 50);
        assert_eq!(first.appeals[0].id, AppealId(55));
        let next = first.next.unwrap();
        let second = list(&w.ctx, &w.clerk, &query(|q| q.before = next.0.to_string())).unwrap();
        assert_eq!(second.appeals.len(), 5);
        assert_eq!(second.appeals[0].id, AppealId(5));
        assert!(second.next.is_none());
    }

    #[test]
    fn queue_counts_follow_every_step() {
        let w = world();
        let ids: Vec<_> = (0..3)
            .map(|_| {
                appeals::file(&w.ctx, &w.applicant, &appeal_form(), &[])
                    .unwrap()
                    .id
            })
            .collect();
        let counts = |user| queue_counts(&w.ctx, user).unwrap();
        assert_eq!(counts(&w.clerk).awaiting_routing, 3);
        w.route(ids[0]);
        w.route(ids[1]);
        assert_eq!(counts(&w.clerk).awaiting_routing, 1);
        assert_eq!(counts(&w.executor).mine, 2);
        w.answer(ids[1], "explained", "ok");
        assert_eq!(counts(&w.executor).mine, 1);
        assert_eq!(counts(&w.executor).awaiting_signature, 0);
        // Far past the deadlines, the two open ones are overdue.
        w.ctx.clock.set("2026-06-01T05:00:00Z".parse().unwrap());
        assert_eq!(counts(&w.clerk).overdue, 2);
        assert_eq!(counts(&w.clerk).due_soon, 0);
    }

    #[test]
    fn applicants_cannot_list_the_registry() {
        let w = world();
        assert!(matches!(
            list(&w.ctx, &w.applicant, &RegistryQuery::default()),
            Err(Error::Forbidden)
        ));
    }
}
