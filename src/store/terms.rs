//! The admin's procedural policy: the statutory term of each appeal type (domain.md §2.3, data
//! not code, so a change in the law needs no new release) and who besides the director may
//! extend deadlines.

use std::collections::BTreeMap;

use super::codec::{Record, encode, thaw_part};
use super::records::Freeze;
use super::records::settings_v1::{ExtendersV1, TermsV1};
use super::schema::SETTINGS;
use super::{Result, Tx, WriteTx, decode_guard};
use crate::domain::deadline::Term;
use crate::domain::kind::AppealKind;
use crate::domain::user::Roles;

const KEY: &str = "terms";
const EXTENDERS_KEY: &str = "extenders";

/// Reading the admin's policy.
pub trait PolicyReads: Tx {
    /// Roles besides the director's that may extend deadlines.
    fn extenders(&self) -> Result<Roles> {
        let Some(table) = self.view(SETTINGS)? else {
            return Ok(Roles::default());
        };
        let stored = decode_guard::<ExtendersV1>(table.get(EXTENDERS_KEY)?)?.unwrap_or_default();
        thaw_part(stored.0, ExtendersV1::NAME)
    }
}

impl<T: Tx> PolicyReads for T {}

/// Reading the terms.
pub trait TermReads: Tx {
    /// The term of a type: the admin's, or the built-in one.
    fn term(&self, kind: AppealKind) -> Result<Term> {
        Ok(self
            .stored_terms()?
            .get(kind.code())
            .copied()
            .unwrap_or_else(|| kind.term()))
    }

    /// The admin's terms as stored (type code → term), without the built-in defaults.
    fn stored_terms(&self) -> Result<BTreeMap<String, Term>> {
        let Some(table) = self.view(SETTINGS)? else {
            return Ok(BTreeMap::new());
        };
        let stored = decode_guard::<TermsV1>(table.get(KEY)?)?.unwrap_or_default();
        thaw_part(stored.0, TermsV1::NAME)
    }
}

impl<T: Tx> TermReads for T {}

impl WriteTx {
    /// Sets the roles besides the director's that may extend deadlines.
    pub fn put_extenders(&mut self, roles: Roles) -> Result<()> {
        self.table(SETTINGS)?.insert(
            EXTENDERS_KEY,
            encode(&ExtendersV1(roles.freeze()))?.as_slice(),
        )?;
        Ok(())
    }

    /// Replaces the admin's terms (export and import).
    pub fn put_stored_terms(&mut self, terms: &BTreeMap<String, Term>) -> Result<()> {
        self.table(SETTINGS)?
            .insert(KEY, encode(&TermsV1(terms.freeze()))?.as_slice())?;
        Ok(())
    }

    /// Sets the term of a type.
    pub fn put_term(&mut self, kind: AppealKind, term: Term) -> Result<()> {
        let mut terms = {
            let table = self.table(SETTINGS)?;
            let found = decode_guard::<TermsV1>(redb::ReadableTable::get(&table, KEY)?)?;
            found.unwrap_or_default()
        };
        terms.0.insert(kind.code().to_owned(), term.freeze());
        self.table(SETTINGS)?
            .insert(KEY, encode(&terms)?.as_slice())?;
        Ok(())
    }
}
