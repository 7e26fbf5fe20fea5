//! Schema versions: written on creation, checked and migrated at open.
//!
//! Migration `i` (0-based) turns a version `i + 1` file into version `i + 2`; all run in one
//! write transaction, so a failed upgrade leaves the file as it was.

use redb::ReadableTable;

use super::schema::{META, SCHEMA_VERSION};
use super::{Error, Result, Store, WriteTx};

/// Upgrade steps, in order. Its length must equal `SCHEMA_VERSION - 1` (checked by a test).
const MIGRATIONS: &[fn(&mut WriteTx) -> Result<()>] = &[
    // 1 → 2: the report's index of appeals by registration day.
    super::report::index_registration_days,
    // 2 → 3: the work-queue counts kept with the indexes.
    super::registry::count_open_appeals,
    // 3 → 4: sign-in failures and the security audit trail.
    super::security::create_tables,
    // 4 → 5: passkeys, one-time codes, authenticator secrets and signatures. Their tables are
    // created when first written; the version step makes older releases refuse the file.
    no_records_to_change,
    // 5 → 6: the report's running tallies, counted from every stored appeal.
    super::report::count_report_tallies,
    // 6 → 7: the pending deliveries indexed apart from the delivered ones.
    super::deliveries::index_pending_deliveries,
    // 7 → 8: open appeals counted in the report's running tallies instead of folded in full.
    super::report::count_open_appeals_in_tallies,
];

/// A version step that only announces new tables.
fn no_records_to_change(_: &mut WriteTx) -> Result<()> {
    Ok(())
}

const VERSION_KEY: &str = "schema_version";

/// Brings the file to [`SCHEMA_VERSION`], or refuses a newer one.
pub(super) fn run(store: &Store) -> Result<()> {
    store.write(|tx| {
        let found = {
            let meta = tx.table(META)?;
            let stored = meta.get(VERSION_KEY)?;
            stored
                .map(|v| {
                    let bytes: [u8; 4] = v.value().try_into().map_err(|_| Error::Corrupt {
                        record: "meta",
                        detail: "schema_version is not 4 bytes".into(),
                    })?;
                    Ok::<_, Error>(u32::from_le_bytes(bytes))
                })
                .transpose()?
        };
        match found {
            None => {}
            Some(v) if v > SCHEMA_VERSION => {
                return Err(Error::NewerSchema {
                    found: v,
                    supported: SCHEMA_VERSION,
                });
            }
            Some(v) => {
                for step in MIGRATIONS.iter().skip(v.saturating_sub(1) as usize) {
                    step(tx)?;
                }
            }
        }
        tx.table(META)?
            .insert(VERSION_KEY, SCHEMA_VERSION.to_le_bytes().as_slice())?;
        Ok(())
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::store::FILE_NAME;

    #[test]
    fn there_is_one_migration_per_version_step() {
        assert_eq!(MIGRATIONS.len(), SCHEMA_VERSION as usize - 1);
    }

    #[test]
    fn a_file_from_a_newer_release_is_refused_with_a_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        let store = Store::open(&path).unwrap();
        store
            .write(|tx| {
                tx.table(META)?
                    .insert(VERSION_KEY, (SCHEMA_VERSION + 1).to_le_bytes().as_slice())?;
                Ok::<_, Error>(())
            })
            .unwrap();
        drop(store);
        let err = Store::open(&path).unwrap_err();
        assert!(matches!(err, Error::NewerSchema { .. }));
        assert!(err.to_string().contains("newer release"), "{err}");
    }
}
