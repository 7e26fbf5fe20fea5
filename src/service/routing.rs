//! Routing rules: category → unit → executor, applied at registration (domain.md §4.5).
//!
//! The admin keeps one rule per category; a rule names the unit and one or more executors,
//! taken in turn (round-robin) when there are several, and the routing is decided by the state
//! machine (`decide`) as the clerk's would be. The clerk can always re-route.

use super::{Ctx, Result};
use crate::domain::appeal::{Actor, Appeal, Assignee, CategoryId, Change};
use crate::domain::lifecycle::{Command, decide};
use crate::domain::routing::{RoutingRule, executor_for_turn};
use crate::domain::user::{Role, Roles, User};
use crate::store::{RoutingReads, UserReads, WriteTx};

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
    // The rule is the clerk's standing instruction: it is decided as the clerk's routing would
    // be (an executor's role; never the signer of a contested answer, art. 97 ч.2), and a
    // refusal leaves the appeal waiting for the clerk. The history names the system.
    let command = Command::Route {
        unit: rule.unit,
        executor: Assignee {
            user: executor.id,
            name: executor.full_name.as_str().to_owned(),
        },
        executor_roles: executor.roles(),
        co_executors: Vec::new(),
    };
    let clerk = Actor {
        user: None,
        name: "Otinish".into(),
        roles: Roles::of(&[Role::Clerk]),
    };
    let calendar = ctx.calendar();
    let Ok(mut change) = decide(&appeal, command, &clerk, super::moment(ctx, &calendar)) else {
        return Ok(appeal);
    };
    if let Change::Routed { by_rule, .. } = &mut change {
        *by_rule = true;
    }
    let system = Actor {
        roles: Roles::default(),
        ..clerk
    };
    super::lifecycle::store_change(ctx, tx, &appeal, change, system, ctx.now())
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
