//! Consistent copies of the store, opening store files only to read them, and restoring a copy.
//!
//! A copy is taken from one read transaction: an MVCC snapshot that never waits for the writer
//! and that the writer never waits for. Every table of [`schema::visit_tables`] is copied into a
//! new redb file written beside the target, made durable, then renamed over it, so the target
//! name only ever holds a complete copy. This module never writes to the store it copies, and
//! restores only a copy that [`verify_copy`] accepted.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use redb::{
    ConcurrencyMode, Database, DatabaseError, Durability, MultimapTableHandle, ReadableDatabase,
    ReadableTable, TableHandle,
};

use super::integrity::IntegrityReport;
use super::schema::{self, META, SCHEMA_VERSION, TableVisitor};
use super::{Error, ReadTx, Result, Store};

/// Page cache of a database opened only to write or read a copy.
const COPY_CACHE_BYTES: usize = 64 * 1024 * 1024;

/// What a copy holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySummary {
    /// Entries per table, in schema order (tables never written count 0).
    pub tables: Vec<(String, u64)>,
    /// Size of the copy in bytes.
    pub bytes: u64,
}

impl Store {
    /// Writes a consistent copy of the store to `dest` while writers carry on.
    pub fn backup_to(&self, dest: &Path) -> Result<CopySummary> {
        self.read(|tx| tx.copy_to(dest))
    }

    /// A consistent copy of the store as the bytes of a redb file (for the admin's download).
    pub fn backup_bytes(&self) -> Result<Vec<u8>> {
        self.read(|tx| tx.copy_to_bytes())
    }
}

impl ReadTx {
    /// Copies every table of this snapshot into a new redb file beside `dest`, makes it durable
    /// and renames it over `dest`. On failure the partial file is removed and `dest` is left
    /// as it was.
    pub fn copy_to(&self, dest: &Path) -> Result<CopySummary> {
        refuse_unknown_tables(&self.txn)?;
        write_beside(dest, |partial| {
            let db = Database::builder()
                .set_cache_size(COPY_CACHE_BYTES)
                .create(partial)
                .map_err(|e| file_error(partial, &e))?;
            let tables = copy_tables(&self.txn, &db)?;
            db.close()?;
            let bytes = fs::metadata(partial)
                .map_err(|e| file_error(partial, &e))?
                .len();
            Ok(CopySummary { tables, bytes })
        })
    }

    /// Copies every table of this snapshot into a redb file held in memory and returns its bytes.
    pub fn copy_to_bytes(&self) -> Result<Vec<u8>> {
        refuse_unknown_tables(&self.txn)?;
        let file = MemoryFile::default();
        let db = Database::builder()
            .set_cache_size(COPY_CACHE_BYTES)
            .create_with_backend(file.clone())?;
        copy_tables(&self.txn, &db)?;
        db.close()?;
        file.take()
            .map_err(|e| Error::Database(format!("in-memory copy: {e}")))
    }

    /// The schema version recorded in the file; `None` for a file that is not a store.
    pub fn schema_version(&self) -> Result<Option<u32>> {
        let table = match self.txn.open_table(META) {
            Ok(table) => table,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        // The key `migrate` writes.
        let Some(value) = table.get("schema_version")? else {
            return Ok(None);
        };
        let bytes: [u8; 4] = value.value().try_into().map_err(|_| Error::Corrupt {
            record: "meta",
            detail: "schema_version is not 4 bytes".into(),
        })?;
        Ok(Some(u32::from_le_bytes(bytes)))
    }
}

/// Names of tables in the file that [`schema::visit_tables`] does not list.
pub(super) fn unknown_tables(txn: &redb::ReadTransaction) -> Result<Vec<String>> {
    let known = schema::table_names();
    let mut unknown: Vec<String> = txn
        .list_tables()?
        .map(|t| t.name().to_owned())
        .filter(|name| !known.contains(name))
        .collect();
    unknown.extend(txn.list_multimap_tables()?.map(|t| t.name().to_owned()));
    Ok(unknown)
}

/// A copy must hold everything: a table the list lacks would be lost silently.
fn refuse_unknown_tables(txn: &redb::ReadTransaction) -> Result<()> {
    match unknown_tables(txn)?.first() {
        None => Ok(()),
        Some(name) => Err(Error::Corrupt {
            record: "table list",
            detail: format!(
                "the store holds table `{name}`, which this program does not know; \
                 a copy would lose it"
            ),
        }),
    }
}

/// Copies every listed table from `src` into `dest`, committing durably every
/// [`COMMIT_BYTES`]: one huge flush at the end would make the file system hold the live store's
/// next `fsync` until the whole copy is on disk (ext4 and others order them in one journal).
fn copy_tables(src: &redb::ReadTransaction, dest: &Database) -> Result<Vec<(String, u64)>> {
    let mut copier = Copier {
        src,
        dest,
        txn: Some(begin_copy(dest)?),
        pending: 0,
        tables: Vec::new(),
    };
    schema::visit_tables(&mut copier)?;
    if let Some(txn) = copier.txn.take() {
        txn.commit()?;
    }
    Ok(copier.tables)
}

/// Bytes copied between two durable commits of a copy.
const COMMIT_BYTES: usize = 4 * 1024 * 1024;

fn begin_copy(dest: &Database) -> Result<redb::WriteTransaction> {
    let mut txn = dest.begin_write()?;
    txn.set_durability(Durability::Immediate)?;
    Ok(txn)
}

struct Copier<'a> {
    src: &'a redb::ReadTransaction,
    dest: &'a Database,
    /// The open write transaction of the copy (taken while a table is copied).
    txn: Option<redb::WriteTransaction>,
    /// Bytes written since the last commit.
    pending: usize,
    tables: Vec<(String, u64)>,
}

impl TableVisitor for Copier<'_> {
    type Error = Error;

    fn table<K: redb::Key + 'static, V: redb::Value + 'static>(
        &mut self,
        def: redb::TableDefinition<'static, K, V>,
    ) -> Result<()> {
        let name = def.name().to_owned();
        let source = match self.src.open_table(def) {
            Ok(table) => table,
            Err(redb::TableError::TableDoesNotExist(_)) => {
                self.tables.push((name, 0));
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        };
        let mut txn = match self.txn.take() {
            Some(txn) => txn,
            None => begin_copy(self.dest)?,
        };
        let mut target = txn.open_table(def)?;
        let mut entries = 0u64;
        for entry in source.iter()? {
            let (key, value) = entry?;
            let (key, value) = (key.value(), value.value());
            self.pending += K::as_bytes(&key).as_ref().len() + V::as_bytes(&value).as_ref().len();
            target.insert(key, value)?;
            entries += 1;
            if self.pending >= COMMIT_BYTES {
                drop(target);
                txn.commit()?;
                txn = begin_copy(self.dest)?;
                target = txn.open_table(def)?;
                self.pending = 0;
            }
        }
        drop(target);
        self.txn = Some(txn);
        self.tables.push((name, entries));
        Ok(())
    }
}

/// Runs `fill` on a fresh file beside `dest`, then makes it durable and renames it over `dest`.
/// The partial file is removed when anything fails.
fn write_beside<T>(dest: &Path, fill: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    let partial = partial_path(dest);
    if partial.exists() {
        fs::remove_file(&partial).map_err(|e| file_error(&partial, &e))?;
    }
    let result = fill(&partial).and_then(|value| {
        fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&partial)
            .and_then(|f| f.sync_all())
            .map_err(|e| file_error(&partial, &e))?;
        fs::rename(&partial, dest).map_err(|e| file_error(dest, &e))?;
        sync_parent(dest).map_err(|e| file_error(dest, &e))?;
        Ok(value)
    });
    if result.is_err() {
        let _ = fs::remove_file(&partial);
    }
    result
}

/// `dir/.name.partial`: beside the target, so the rename stays on one file system.
fn partial_path(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map_or_else(|| "copy".into(), |n| n.to_string_lossy().into_owned());
    dest.with_file_name(format!(".{name}.partial"))
}

/// Makes a rename durable (on Unix a directory is synced like a file; Windows has no such call).
fn sync_parent(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        File::open(parent)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

fn file_error(path: &Path, err: &dyn std::fmt::Display) -> Error {
    Error::Database(format!("{}: {err}", path.display()))
}

/// A store file opened only to read it: a backup copy, or the live store beside a server.
pub struct StoreFile {
    db: Opened,
}

enum Opened {
    ReadOnly(redb::ReadOnlyDatabase),
    Repaired(Database),
}

impl std::fmt::Debug for StoreFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreFile")
    }
}

impl StoreFile {
    /// Opens a copy without ever writing to it; a copy that needs repair is refused.
    pub fn open_copy(path: &Path) -> Result<Self> {
        open_shared(path)
            .map(|db| Self {
                db: Opened::ReadOnly(db),
            })
            .map_err(|e| open_error(path, e))
    }

    /// Opens the live store to read it. It may be open in a server that shares it with
    /// readers; a file left unclean by a crash, with nothing else holding it, is repaired
    /// first (as the next start would do).
    pub fn open_live(path: &Path) -> Result<Self> {
        match open_shared(path) {
            Ok(db) => Ok(Self {
                db: Opened::ReadOnly(db),
            }),
            Err(DatabaseError::RepairAborted) => Database::builder()
                .open(path)
                .map(|db| Self {
                    db: Opened::Repaired(db),
                })
                .map_err(|e| open_error(path, e)),
            Err(e) => Err(open_error(path, e)),
        }
    }

    /// Runs `f` on one consistent snapshot of the file.
    pub fn read<T, E: From<Error>>(&self, f: impl FnOnce(&ReadTx) -> Result<T, E>) -> Result<T, E> {
        let txn = match &self.db {
            Opened::ReadOnly(db) => db.begin_read(),
            Opened::Repaired(db) => db.begin_read(),
        }
        .map_err(Error::from)?;
        f(&ReadTx {
            txn,
            zone: super::default_zone(),
        })
    }
}

/// A read-only handle that coexists with a writer opened in single-writer mode.
/// A read-only handle on a live store file, following the writer's durable commits (used by
/// the store itself once its own handle refuses transactions after a failed write).
pub(super) fn open_follower(path: &Path) -> Result<redb::ReadOnlyDatabase> {
    open_shared(path).map_err(|e| open_error(path, e))
}

fn open_shared(path: &Path) -> Result<redb::ReadOnlyDatabase, DatabaseError> {
    Database::builder()
        .set_cache_size(COPY_CACHE_BYTES)
        .set_concurrency_mode(ConcurrencyMode::SingleWriter)
        .open_read_only(path)
}

fn open_error(path: &Path, err: DatabaseError) -> Error {
    match err {
        DatabaseError::DatabaseAlreadyOpen | DatabaseError::LockProtocolMismatch => {
            Error::Database(format!(
                "{}: the store is open in another process that does not share it \
                 (a running server?); stop that process first",
                path.display()
            ))
        }
        DatabaseError::RepairAborted => Error::Database(format!(
            "{}: the file was not closed cleanly and needs a repair; a copy must not",
            path.display()
        )),
        other => Error::Database(format!("{}: {other}", path.display())),
    }
}

/// Checks a backup copy without changing it: a schema this program knows, every record
/// decodes, every index and history chain holds. A copy from an older schema is checked after
/// migrating a scratch copy of it, as the next start would.
pub fn verify_copy(path: &Path) -> Result<IntegrityReport> {
    let file = StoreFile::open_copy(path)?;
    match file.read(|tx| tx.schema_version())? {
        None => Err(Error::Corrupt {
            record: "backup copy",
            detail: format!("{} records no schema version", path.display()),
        }),
        Some(found) if found > SCHEMA_VERSION => Err(Error::NewerSchema {
            found,
            supported: SCHEMA_VERSION,
        }),
        Some(found) if found == SCHEMA_VERSION => file.read(|tx| tx.check_integrity()),
        Some(found) => {
            drop(file);
            let scratch = ScratchFile::copy_of(path)?;
            let store = Store::open(&scratch.0)?;
            let report = store.read(|tx| tx.check_integrity());
            drop(store);
            report.map(|report| IntegrityReport {
                migrated_from: Some(found),
                ..report
            })
        }
    }
}

/// A temporary copy of a file, removed on drop.
struct ScratchFile(PathBuf);

impl ScratchFile {
    fn copy_of(path: &Path) -> Result<Self> {
        let dir = std::env::temp_dir();
        for attempt in 0..100u32 {
            let candidate = dir.join(format!(
                "otinish-verify-{}-{attempt}.redb",
                std::process::id()
            ));
            match File::create_new(&candidate) {
                Ok(_) => {
                    let scratch = Self(candidate);
                    fs::copy(path, &scratch.0).map_err(|e| file_error(&scratch.0, &e))?;
                    return Ok(scratch);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(file_error(&candidate, &e)),
            }
        }
        Err(Error::Database(format!(
            "{}: no free name for a scratch copy",
            dir.display()
        )))
    }
}

impl Drop for ScratchFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// Replaces the store file at `store_path` with the copy at `copy`, once the copy is verified.
/// Refuses while another process has the store open; the swap is a rename, so the store file
/// is at every moment either the old one or the whole copy.
pub fn restore(copy: &Path, store_path: &Path) -> Result<IntegrityReport> {
    let report = verify_copy(copy)?;
    if let Some(first) = report.problems.first() {
        return Err(Error::Corrupt {
            record: "backup copy",
            detail: format!(
                "{} fails its check ({} problems; the first: {first})",
                copy.display(),
                report.problems.len()
            ),
        });
    }
    let held = hold_unused(store_path)?;
    let result = write_beside(store_path, |partial| {
        fs::copy(copy, partial).map_err(|e| file_error(partial, &e))?;
        Ok(())
    });
    drop(held);
    result.map(|()| report)
}

/// Keeps every writer away from the store while it is swapped: a read-only handle excludes
/// writers in every mode. A store too damaged to open is what a restore replaces, so that is
/// no reason to refuse.
fn hold_unused(store_path: &Path) -> Result<Option<redb::ReadOnlyDatabase>> {
    if !store_path.exists() {
        return Ok(None);
    }
    match Database::builder().open_read_only(store_path) {
        Ok(db) => Ok(Some(db)),
        Err(e @ (DatabaseError::DatabaseAlreadyOpen | DatabaseError::LockProtocolMismatch)) => {
            Err(open_error(store_path, e))
        }
        Err(_) => Ok(None),
    }
}

/// A redb file kept in memory, whose bytes can be taken once the database is closed.
#[derive(Clone, Default)]
struct MemoryFile(Arc<RwLock<Vec<u8>>>);

impl std::fmt::Debug for MemoryFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MemoryFile")
    }
}

fn poisoned<T>(_: T) -> io::Error {
    io::Error::other("the in-memory copy's lock is poisoned")
}

fn out_of_range() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "offset out of range")
}

impl MemoryFile {
    fn take(&self) -> io::Result<Vec<u8>> {
        Ok(std::mem::take(&mut *self.0.write().map_err(poisoned)?))
    }
}

impl redb::StorageBackend for MemoryFile {
    fn len(&self) -> io::Result<u64> {
        Ok(self.0.read().map_err(poisoned)?.len() as u64)
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        let bytes = self.0.read().map_err(poisoned)?;
        let start = usize::try_from(offset).map_err(|_| out_of_range())?;
        let source = bytes
            .get(start..start + out.len())
            .ok_or_else(out_of_range)?;
        out.copy_from_slice(source);
        Ok(())
    }

    fn set_len(&self, len: u64) -> io::Result<()> {
        let len = usize::try_from(len).map_err(|_| out_of_range())?;
        self.0.write().map_err(poisoned)?.resize(len, 0);
        Ok(())
    }

    fn sync_data(&self) -> io::Result<()> {
        Ok(())
    }

    fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        let mut bytes = self.0.write().map_err(poisoned)?;
        let start = usize::try_from(offset).map_err(|_| out_of_range())?;
        bytes
            .get_mut(start..start + data.len())
            .ok_or_else(out_of_range)?
            .copy_from_slice(data);
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::store::integrity::tests::populated_store;
    use crate::store::{AppealReads, FILE_NAME};

    #[test]
    fn a_copy_holds_every_record_and_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let store = populated_store();
        let dest = dir.path().join("copy.redb");
        let summary = store.backup_to(&dest).unwrap();
        let report = verify_copy(&dest).unwrap();
        assert_eq!(report.problems, vec![]);
        assert_eq!(summary.tables, report.tables);
        assert_eq!(summary.tables, store.check().unwrap().tables);
        assert_eq!(summary.bytes, fs::metadata(&dest).unwrap().len());
        assert!(!partial_path(&dest).exists(), "no partial file is left");
        let copy = Store::open(&dest).unwrap();
        assert_eq!(
            copy.read(|tx| tx.appeal_count()).unwrap(),
            store.read(|tx| tx.appeal_count()).unwrap()
        );
    }

    #[test]
    fn the_in_memory_copy_is_a_store_file_that_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let store = populated_store();
        let dest = dir.path().join("download.redb");
        fs::write(&dest, store.backup_bytes().unwrap()).unwrap();
        let report = verify_copy(&dest).unwrap();
        assert_eq!(report.problems, vec![]);
        assert_eq!(report.tables, store.check().unwrap().tables);
    }

    /// A copy whose `meta` says `version`.
    fn copy_with_schema(dir: &Path, version: u32) -> PathBuf {
        let dest = dir.join("copy.redb");
        populated_store().backup_to(&dest).unwrap();
        let db = Database::create(&dest).unwrap();
        let txn = db.begin_write().unwrap();
        txn.open_table(META)
            .unwrap()
            .insert("schema_version", version.to_le_bytes().as_slice())
            .unwrap();
        txn.commit().unwrap();
        dest
    }

    #[test]
    fn a_copy_from_a_newer_release_is_refused_and_not_restored() {
        let dir = tempfile::tempdir().unwrap();
        let copy = copy_with_schema(dir.path(), SCHEMA_VERSION + 1);
        assert!(matches!(
            verify_copy(&copy),
            Err(Error::NewerSchema { found, .. }) if found == SCHEMA_VERSION + 1
        ));
        let target = dir.path().join(FILE_NAME);
        drop(Store::open(&target).unwrap());
        let before = fs::read(&target).unwrap();
        let err = restore(&copy, &target).unwrap_err();
        assert!(err.to_string().contains("newer release"), "{err}");
        assert_eq!(fs::read(&target).unwrap(), before, "the store is untouched");
    }

    #[test]
    fn restore_puts_the_copy_in_place_of_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("copy.redb");
        populated_store().backup_to(&copy).unwrap();
        let target = dir.path().join(FILE_NAME);
        drop(Store::open(&target).unwrap());
        restore(&copy, &target).unwrap();
        assert_eq!(fs::read(&target).unwrap(), fs::read(&copy).unwrap());
        let store = Store::open(&target).unwrap();
        assert_eq!(store.read(|tx| tx.appeal_count()).unwrap(), 12);
        assert!(store.check().unwrap().is_healthy());
    }

    #[test]
    fn restore_refuses_a_store_that_is_open() {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("copy.redb");
        populated_store().backup_to(&copy).unwrap();
        let target = dir.path().join(FILE_NAME);
        let open = Store::open(&target).unwrap();
        let err = restore(&copy, &target).unwrap_err();
        assert!(err.to_string().contains("open in another process"), "{err}");
        drop(open);
    }

    #[test]
    fn a_store_file_opens_for_reading_beside_a_writer_that_shares_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        let writer = Database::builder()
            .set_concurrency_mode(ConcurrencyMode::SingleWriter)
            .create(&path)
            .unwrap();
        let txn = writer.begin_write().unwrap();
        txn.open_table(META)
            .unwrap()
            .insert("schema_version", SCHEMA_VERSION.to_le_bytes().as_slice())
            .unwrap();
        txn.commit().unwrap();
        let file = StoreFile::open_live(&path).unwrap();
        assert_eq!(
            file.read(|tx| tx.schema_version()).unwrap(),
            Some(SCHEMA_VERSION)
        );
        let copy = dir.path().join("copy.redb");
        file.read(|tx| tx.copy_to(&copy)).unwrap();
        assert_eq!(
            StoreFile::open_copy(&copy)
                .unwrap()
                .read(|tx| tx.schema_version())
                .unwrap(),
            Some(SCHEMA_VERSION)
        );
    }
}
