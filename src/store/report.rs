//! Appeals by registration day: the report's read of a period, and the index behind it.
//!
//! `idx_registered` holds `(yyyymmdd, appeal id)` for every appeal; `registry::write_indexes`
//! keeps it, and schema version 2 fills it for files written before it existed. A period costs
//! one index range plus one snapshot decode per appeal in it, never a scan of the whole store.

use jiff::civil::Date;

use super::access::Access;
use super::registry::day_key;
use super::schema::{APPEALS, IDX_REGISTERED};
use super::{Result, Tx, WriteTx};
use crate::domain::appeal::Appeal;

/// The day a `yyyymmdd` key stands for.
fn day_of_key(key: u32) -> Option<Date> {
    let year = i16::try_from(key / 10_000).ok()?;
    let month = i8::try_from(key / 100 % 100).ok()?;
    let day = i8::try_from(key % 100).ok()?;
    Date::new(year, month, day).ok()
}

/// Reading appeals by the day they were registered.
pub trait PeriodReads: Tx {
    /// How many appeals were registered from `from` to `to`, both days included.
    fn count_registered(&self, from: Date, to: Date) -> Result<u64> {
        let Some(index) = self.view(IDX_REGISTERED)? else {
            return Ok(0);
        };
        let mut n = 0;
        for entry in index.range((day_key(from), 0)..=(day_key(to), u64::MAX))? {
            entry?;
            n += 1;
        }
        Ok(n)
    }

    /// Calls `visit` with every appeal registered from `from` to `to` (both included), in
    /// registration order.
    fn each_registered(
        &self,
        from: Date,
        to: Date,
        visit: &mut dyn FnMut(Appeal) -> Result<()>,
    ) -> Result<()> {
        let (Some(index), Some(appeals)) = (self.view(IDX_REGISTERED)?, self.view(APPEALS)?) else {
            return Ok(());
        };
        for entry in index.range((day_key(from), 0)..=(day_key(to), u64::MAX))? {
            let id = entry?.0.value().1;
            if let Some(appeal) = super::decode_guard_as::<Appeal>(appeals.get(id)?)? {
                visit(appeal)?;
            }
        }
        Ok(())
    }

    /// The day the first appeal was registered, if any was.
    fn first_registration_day(&self) -> Result<Option<Date>> {
        let Some(index) = self.view(IDX_REGISTERED)? else {
            return Ok(None);
        };
        let first = index.range::<(u32, u64)>(..)?.next().transpose()?;
        Ok(first.and_then(|(key, _)| day_of_key(key.value().0)))
    }
}

impl<T: Tx> PeriodReads for T {}

/// Schema 1 → 2: index every stored appeal by its registration day.
pub(super) fn index_registration_days(tx: &mut WriteTx) -> Result<()> {
    let mut ids = Vec::new();
    if let Some(appeals) = tx.view(APPEALS)? {
        for entry in appeals.range::<u64>(..)? {
            let (key, value) = entry?;
            let appeal: Appeal = super::codec::decode_as(value.value())?;
            ids.push((day_key(appeal.registered_on), key.value()));
        }
    }
    let mut index = tx.table(IDX_REGISTERED)?;
    for key in ids {
        index.insert(key, ())?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use redb::ReadableTable;

    use super::*;
    use crate::domain::appeal::AppealId;
    use crate::store::AppealReads;
    use crate::store::integrity::tests::populated_store;

    fn registered_on(tx: &impl Tx, day: Date) -> Result<Vec<AppealId>> {
        let mut ids = Vec::new();
        tx.each_registered(day, day, &mut |a| {
            ids.push(a.id);
            Ok(())
        })?;
        Ok(ids)
    }

    #[test]
    fn keys_turn_back_into_days() {
        let day = jiff::civil::date(2024, 2, 29);
        assert_eq!(day_of_key(day_key(day)), Some(day));
        assert_eq!(day_of_key(20_241_399), None);
    }

    #[test]
    fn a_period_reads_exactly_the_appeals_registered_in_it() {
        let store = populated_store();
        let all = store.read(|tx| tx.appeal_count()).unwrap();
        let (first, last) = store
            .read(|tx| {
                let first = tx.first_registration_day()?.unwrap();
                let last = tx.appeal(AppealId(all))?.unwrap().registered_on;
                Ok::<_, crate::store::Error>((first, last))
            })
            .unwrap();
        assert_eq!(
            store.read(|tx| tx.count_registered(first, last)).unwrap(),
            all
        );
        let first_day = store.read(|tx| registered_on(tx, first)).unwrap();
        assert!(!first_day.is_empty());
        let before = first.yesterday().unwrap();
        assert_eq!(
            store
                .read(|tx| tx.count_registered(before, before))
                .unwrap(),
            0
        );
        let after_first = store
            .read(|tx| tx.count_registered(first.tomorrow().unwrap(), last))
            .unwrap();
        assert_eq!(after_first + first_day.len() as u64, all);
    }

    #[test]
    fn the_migration_indexes_appeals_written_before_the_index() {
        let store = populated_store();
        store
            .write(|tx| {
                let mut index = tx.table(IDX_REGISTERED)?;
                let keys: Vec<(u32, u64)> = index
                    .range::<(u32, u64)>(..)?
                    .map(|e| e.map(|(k, _)| k.value()))
                    .collect::<Result<_, _>>()?;
                for key in keys {
                    index.remove(key)?;
                }
                Ok::<_, crate::store::Error>(())
            })
            .unwrap();
        assert!(!store.check().unwrap().is_healthy());
        store.write(index_registration_days).unwrap();
        assert_eq!(store.check().unwrap().problems, vec![]);
    }
}
