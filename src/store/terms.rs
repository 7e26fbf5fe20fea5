//! The statutory term of each appeal type, as the admin keeps it (domain.md §2.3): data, not
//! code, so a change in the law or a special type's term needs no new release.

use std::collections::BTreeMap;

use super::codec::{Record, encode};
use super::schema::SETTINGS;
use super::{Result, Tx, WriteTx, decode_guard};
use crate::domain::deadline::Term;
use crate::domain::kind::AppealKind;

/// The stored table: type code → term; types not in it use their built-in term.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, Default)]
struct Terms(BTreeMap<String, Term>);

impl Record for Terms {
    const VERSION: u8 = 1;
    const NAME: &'static str = "terms";
}

const KEY: &str = "terms";

/// Reading the terms.
pub trait TermReads: Tx {
    /// The term of a type: the admin's, or the built-in one.
    fn term(&self, kind: AppealKind) -> Result<Term> {
        let Some(table) = self.view(SETTINGS)? else {
            return Ok(kind.term());
        };
        let terms = decode_guard::<Terms>(table.get(KEY)?)?.unwrap_or_default();
        Ok(terms
            .0
            .get(kind.code())
            .copied()
            .unwrap_or_else(|| kind.term()))
    }
}

impl<T: Tx> TermReads for T {}

impl WriteTx {
    /// Sets the term of a type.
    pub fn put_term(&mut self, kind: AppealKind, term: Term) -> Result<()> {
        let mut terms = {
            let table = self.table(SETTINGS)?;
            let found = decode_guard::<Terms>(redb::ReadableTable::get(&table, KEY)?)?;
            found.unwrap_or_default()
        };
        terms.0.insert(kind.code().to_owned(), term);
        self.table(SETTINGS)?
            .insert(KEY, encode(&terms)?.as_slice())?;
        Ok(())
    }
}
