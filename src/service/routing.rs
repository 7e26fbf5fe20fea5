//! Routing rules: category → unit → executor, applied at registration (domain.md §4.5).
//!
//! The admin keeps one rule per category; a rule names the unit and one or more executors,
//! taken in turn (round-robin) when there are several. The clerk can always re-route.

use super::{Ctx, Result};
use crate::domain::appeal::{Actor, Appeal, Assignee, CategoryId, Change, Event};
use crate::domain::routing::{RoutingRule, executor_for_turn};
use crate::domain::user::{Role, Roles, User};
use crate::store::{NoticeKind, RoutingReads, UserReads, WriteTx};

/// Applies the rule for the appeal's category, if any, in the registering transaction.
pub(super) fn route_by_rule(ctx: &Ctx, tx: &mut WriteTx, appeal: Appeal) -> Result<Appeal> {
    let rules = tx.routing_rules()?;
    let Some(rule) = rules.iter().find(|r| r.category == appeal.category) else {
        return Ok(appeal);
    };
    if rule.executors.is_empty() {
        return Ok(appeal);
    }
    let turn = tx.next_in_sequence(&format!("routing:{}", rule.category.0))?;
    let Some(next) = executor_for_turn(rule, turn) else {
        return Ok(appeal);
    };
    let Some(executor) = tx.user(next)?.filter(|u| u.active) else {
        return Ok(appeal);
    };
    if !executor.roles().any(&[Role::Executor, Role::Director]) {
        return Ok(appeal);
    }
    // A complaint is never routed to the signer of the answer it contests (art. 97 ч.2);
    // it waits for the clerk instead.
    if appeal
        .links
        .contested
        .as_ref()
        .is_some_and(|c| c.signer == Some(executor.id))
    {
        return Ok(appeal);
    }
    let change = Change::Routed {
        unit: rule.unit,
        executor: Assignee {
            user: executor.id,
            name: executor.full_name.as_str().to_owned(),
        },
        co_executors: Vec::new(),
        by_rule: true,
    };
    let system = Actor {
        user: None,
        name: "Otinish".into(),
        roles: Roles::default(),
    };
    let mut after = appeal.clone();
    after.apply(&change);
    let message = super::lifecycle::message(ctx, &change, &system.name);
    let event = Event {
        seq: appeal.events,
        at: ctx.now(),
        actor: system,
        from: Some(appeal.status),
        to: after.status,
        change,
        message,
    };
    tx.update_appeal(&appeal, &after, &event)?;
    tx.enqueue_notice(
        executor.id,
        after.id,
        after.number,
        NoticeKind::NewTask,
        ctx.now(),
    )?;
    Ok(after)
}

/// The rules, for the admin page.
pub fn rules(ctx: &Ctx) -> Result<Vec<RoutingRule>> {
    Ok(ctx.store.read(|tx| tx.routing_rules())?)
}

/// Sets (or with no executors and no unit, removes) the rule of one category.
pub fn set_rule(
    ctx: &Ctx,
    admin: &User,
    rule: Option<&RoutingRule>,
    category: CategoryId,
) -> Result<()> {
    super::require_admin(admin)?;
    ctx.store.write(|tx| {
        let mut rules = tx.routing_rules()?;
        rules.retain(|r| r.category != category);
        if let Some(rule) = rule {
            rules.push(rule.clone());
        }
        rules.sort_by_key(|r| r.category);
        tx.put_routing_rules(&rules)?;
        Ok(())
    })
}
