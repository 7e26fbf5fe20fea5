//! The admin's routing rules, kept as one settings record.

use super::codec::{Record, encode, thaw_part};
use super::records::Freeze;
use super::records::settings_v1::RulesV1;
use super::schema::SETTINGS;
use super::{Result, Tx, WriteTx, decode_guard};
use crate::domain::routing::RoutingRule;

const KEY: &str = "routing";

/// Reading the routing rules.
pub trait RoutingReads: Tx {
    /// Every rule, by category.
    fn routing_rules(&self) -> Result<Vec<RoutingRule>> {
        let Some(table) = self.view(SETTINGS)? else {
            return Ok(Vec::new());
        };
        let rules = decode_guard::<RulesV1>(table.get(KEY)?)?.unwrap_or_default();
        thaw_part(rules.0, RulesV1::NAME)
    }
}

impl<T: Tx> RoutingReads for T {}

impl WriteTx {
    /// Replaces the rules.
    pub fn put_routing_rules(&mut self, rules: &[RoutingRule]) -> Result<()> {
        self.table(SETTINGS)?.insert(
            KEY,
            encode(&RulesV1(rules.iter().map(Freeze::freeze).collect()))?.as_slice(),
        )?;
        Ok(())
    }
}
