//! The institution that runs the desk: its profile, structural units and appeal categories.

use super::appeal::{CategoryId, UnitId};
use super::lang::Names;
use super::tax_id::TaxId;

/// The institution's profile, shown on pages, receipts and reports.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Institution {
    /// Full name in each language.
    pub names: Names,
    /// BIN, once entered.
    pub bin: Option<TaxId>,
    /// Postal address.
    pub address: String,
    /// The director's (or acting director's) full name.
    pub director_name: String,
    /// The higher body complaints about the institution's answers go to (art. 91).
    pub higher_body: String,
}

/// A structural unit that can receive appeals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Number in the store.
    pub id: UnitId,
    /// Name in each language.
    pub names: Names,
    /// Hidden from the appeal form when false (kept for history).
    pub active: bool,
}

/// A subject category of appeals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// Number in the store.
    pub id: CategoryId,
    /// Name in each language.
    pub names: Names,
    /// Hidden from the appeal form when false (kept for history).
    pub active: bool,
}
