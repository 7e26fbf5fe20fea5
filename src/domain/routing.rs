//! Routing rules: which unit and executors receive a category's appeals (domain.md §4.5).

use super::appeal::{CategoryId, UnitId};
use super::user::UserId;

/// One rule: appeals of `category` go to `unit` and to `executors`, taken in turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingRule {
    /// The category.
    pub category: CategoryId,
    /// The unit.
    pub unit: UnitId,
    /// Executors, in turn (round-robin); one for a fixed executor.
    pub executors: Vec<UserId>,
}

/// The executor whose turn it is, for the `turn`-th appeal (from 1) the rule routes.
pub fn executor_for_turn(rule: &RoutingRule, turn: u64) -> Option<UserId> {
    if rule.executors.is_empty() {
        return None;
    }
    let len = rule.executors.len() as u64;
    let index = usize::try_from(turn.saturating_sub(1) % len).ok()?;
    rule.executors.get(index).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executors_take_turns() {
        let rule = RoutingRule {
            category: CategoryId(1),
            unit: UnitId(1),
            executors: vec![UserId(3), UserId(4)],
        };
        let turns: Vec<_> = (1..=4)
            .filter_map(|t| executor_for_turn(&rule, t))
            .collect();
        assert_eq!(turns, vec![UserId(3), UserId(4), UserId(3), UserId(4)]);
        let empty = RoutingRule {
            executors: Vec::new(),
            ..rule
        };
        assert_eq!(executor_for_turn(&empty, 1), None);
    }
}
