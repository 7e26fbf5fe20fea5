//! The institution profile, its units, its categories and its working-day calendar.

use super::codec::encode_as;
use super::schema::{CATEGORIES, SETTINGS, UNITS};
use super::{Result, Tx, WriteTx, decode_guard_as};
use crate::domain::appeal::{CategoryId, UnitId};
use crate::domain::calendar::Calendar;
use crate::domain::institution::{Category, Institution, Unit};

const INSTITUTION_KEY: &str = "institution";
const CALENDAR_KEY: &str = "calendar";

/// Reading the institution's settings.
pub trait SettingsReads: Tx {
    /// The profile (empty until the admin or `init` fills it).
    fn institution(&self) -> Result<Institution> {
        let Some(table) = self.view(SETTINGS)? else {
            return Ok(Institution::default());
        };
        Ok(decode_guard_as(table.get(INSTITUTION_KEY)?)?.unwrap_or_default())
    }

    /// The working-day calendar: the admin's overrides and confirmed years, or the built-in
    /// calendar while none is stored.
    fn calendar(&self) -> Result<Calendar> {
        let Some(table) = self.view(SETTINGS)? else {
            return Ok(Calendar::builtin());
        };
        Ok(decode_guard_as(table.get(CALENDAR_KEY)?)?.unwrap_or_else(Calendar::builtin))
    }

    /// Every unit, in id order.
    fn units(&self) -> Result<Vec<Unit>> {
        let Some(table) = self.view(UNITS)? else {
            return Ok(Vec::new());
        };
        table
            .range::<u32>(..)?
            .map(|entry| super::codec::decode_as(entry?.1.value()))
            .collect()
    }

    /// One unit.
    fn unit(&self, id: UnitId) -> Result<Option<Unit>> {
        let Some(table) = self.view(UNITS)? else {
            return Ok(None);
        };
        decode_guard_as(table.get(id.0)?)
    }

    /// Every category, in id order.
    fn categories(&self) -> Result<Vec<Category>> {
        let Some(table) = self.view(CATEGORIES)? else {
            return Ok(Vec::new());
        };
        table
            .range::<u32>(..)?
            .map(|entry| super::codec::decode_as(entry?.1.value()))
            .collect()
    }

    /// One category.
    fn category(&self, id: CategoryId) -> Result<Option<Category>> {
        let Some(table) = self.view(CATEGORIES)? else {
            return Ok(None);
        };
        decode_guard_as(table.get(id.0)?)
    }
}

impl<T: Tx> SettingsReads for T {}

impl WriteTx {
    /// Replaces the profile.
    pub fn put_institution(&mut self, institution: &Institution) -> Result<()> {
        self.table(SETTINGS)?
            .insert(INSTITUTION_KEY, encode_as(institution)?.as_slice())?;
        Ok(())
    }

    /// Replaces the working-day calendar.
    pub fn put_calendar(&mut self, calendar: &Calendar) -> Result<()> {
        self.table(SETTINGS)?
            .insert(CALENDAR_KEY, encode_as(calendar)?.as_slice())?;
        Ok(())
    }

    /// Inserts or replaces a unit.
    pub fn put_unit(&mut self, unit: &Unit) -> Result<()> {
        self.table(UNITS)?
            .insert(unit.id.0, encode_as(unit)?.as_slice())?;
        Ok(())
    }

    /// Inserts or replaces a category.
    pub fn put_category(&mut self, category: &Category) -> Result<()> {
        self.table(CATEGORIES)?
            .insert(category.id.0, encode_as(category)?.as_slice())?;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::BTreeMap;

    use jiff::civil::date;

    use super::*;
    use crate::domain::calendar::DayOverride;
    use crate::store::{Error, Store};

    #[test]
    fn an_empty_store_has_the_builtin_calendar() {
        let store = Store::in_memory().unwrap();
        assert_eq!(store.read(|tx| tx.calendar()).unwrap(), Calendar::builtin());
    }

    #[test]
    fn the_calendar_round_trips_next_to_the_institution() {
        let store = Store::in_memory().unwrap();
        let overrides = BTreeMap::from([
            (
                date(2026, 5, 27),
                DayOverride::DayOff {
                    reason: "Құрбан айт".into(),
                },
            ),
            (
                date(2026, 3, 14),
                DayOverride::WorkingDay {
                    reason: "перенос".into(),
                },
            ),
        ]);
        let calendar = Calendar::new(overrides, [2026].into());
        store.write(|tx| tx.put_calendar(&calendar)).unwrap();
        assert_eq!(store.read(|tx| tx.calendar()).unwrap(), calendar);
        assert_eq!(
            store.read(|tx| tx.institution()).unwrap(),
            Institution::default(),
            "the calendar lives under its own key"
        );
    }

    #[test]
    fn a_corrupt_calendar_record_is_reported_not_replaced_by_the_builtin_one() {
        let store = Store::in_memory().unwrap();
        store
            .write(|tx| {
                tx.table(SETTINGS)?
                    .insert(CALENDAR_KEY, [1u8, 0xff].as_slice())?;
                Ok::<_, Error>(())
            })
            .unwrap();
        assert!(matches!(
            store.read(|tx| tx.calendar()),
            Err(Error::Corrupt {
                record: "calendar",
                ..
            })
        ));
    }
}
