//! The institution profile, its units and its categories.

use super::codec::{Record, encode};
use super::schema::{CATEGORIES, SETTINGS, UNITS};
use super::{Result, Tx, WriteTx, decode_guard};
use crate::domain::appeal::{CategoryId, UnitId};
use crate::domain::institution::{Category, Institution, Unit};

impl Record for Institution {
    const VERSION: u8 = 1;
    const NAME: &'static str = "institution";
}

impl Record for Unit {
    const VERSION: u8 = 1;
    const NAME: &'static str = "unit";
}

impl Record for Category {
    const VERSION: u8 = 1;
    const NAME: &'static str = "category";
}

const INSTITUTION_KEY: &str = "institution";

/// Reading the institution's settings.
pub trait SettingsReads: Tx {
    /// The profile (empty until the admin or `init` fills it).
    fn institution(&self) -> Result<Institution> {
        let Some(table) = self.view(SETTINGS)? else {
            return Ok(Institution::default());
        };
        Ok(decode_guard(table.get(INSTITUTION_KEY)?)?.unwrap_or_default())
    }

    /// Every unit, in id order.
    fn units(&self) -> Result<Vec<Unit>> {
        let Some(table) = self.view(UNITS)? else {
            return Ok(Vec::new());
        };
        table
            .range::<u32>(..)?
            .map(|entry| super::codec::decode(entry?.1.value()))
            .collect()
    }

    /// One unit.
    fn unit(&self, id: UnitId) -> Result<Option<Unit>> {
        let Some(table) = self.view(UNITS)? else {
            return Ok(None);
        };
        decode_guard(table.get(id.0)?)
    }

    /// Every category, in id order.
    fn categories(&self) -> Result<Vec<Category>> {
        let Some(table) = self.view(CATEGORIES)? else {
            return Ok(Vec::new());
        };
        table
            .range::<u32>(..)?
            .map(|entry| super::codec::decode(entry?.1.value()))
            .collect()
    }

    /// One category.
    fn category(&self, id: CategoryId) -> Result<Option<Category>> {
        let Some(table) = self.view(CATEGORIES)? else {
            return Ok(None);
        };
        decode_guard(table.get(id.0)?)
    }
}

impl<T: Tx> SettingsReads for T {}

impl WriteTx {
    /// Replaces the profile.
    pub fn put_institution(&mut self, institution: &Institution) -> Result<()> {
        self.table(SETTINGS)?
            .insert(INSTITUTION_KEY, encode(institution)?.as_slice())?;
        Ok(())
    }

    /// Inserts or replaces a unit.
    pub fn put_unit(&mut self, unit: &Unit) -> Result<()> {
        self.table(UNITS)?
            .insert(unit.id.0, encode(unit)?.as_slice())?;
        Ok(())
    }

    /// Inserts or replaces a category.
    pub fn put_category(&mut self, category: &Category) -> Result<()> {
        self.table(CATEGORIES)?
            .insert(category.id.0, encode(category)?.as_slice())?;
        Ok(())
    }
}
