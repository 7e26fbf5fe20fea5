//! The admin's routing rules, kept as one settings record.

use super::codec::{Record, encode};
use super::schema::SETTINGS;
use super::{Result, Tx, WriteTx, decode_guard};
use crate::domain::routing::RoutingRule;

/// The stored list of rules.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, Default)]
struct Rules(Vec<RoutingRule>);

impl Record for Rules {
    const VERSION: u8 = 1;
    const NAME: &'static str = "routing rules";
}

const KEY: &str = "routing";

/// Reading the routing rules.
pub trait RoutingReads: Tx {
    /// Every rule, by category.
    fn routing_rules(&self) -> Result<Vec<RoutingRule>> {
        let Some(table) = self.view(SETTINGS)? else {
            return Ok(Vec::new());
        };
        Ok(decode_guard::<Rules>(table.get(KEY)?)?
            .unwrap_or_default()
            .0)
    }
}

impl<T: Tx> RoutingReads for T {}

impl WriteTx {
    /// Replaces the rules.
    pub fn put_routing_rules(&mut self, rules: &[RoutingRule]) -> Result<()> {
        self.table(SETTINGS)?
            .insert(KEY, encode(&Rules(rules.to_vec()))?.as_slice())?;
        Ok(())
    }
}
