//! The store: one redb file holding every record, index and history of the desk.
//!
//! Nothing outside this module knows that redb is underneath. The service layer runs each use
//! case as one closure over a [`WriteTx`] (committed with immediate durability only when the
//! closure succeeds) or a [`ReadTx`] (an MVCC snapshot that never waits for the writer).
//! Reads are written once, as `…Reads` trait methods (e.g. [`AppealReads`]) available on both kinds of transaction.

mod access;
mod appeals;
mod attachments;
mod backup;
pub mod codec;
mod codes;
mod deliveries;
mod export;
mod group_commit;
mod integrity;
mod language_choices;
mod migrate;
mod notices;
mod passkeys;
mod pending_uploads;
mod qr_logins;
pub mod records;
mod registry;
mod report;
mod routing;
pub mod schema;
mod security;
mod sessions;
mod settings;
mod signatures;
mod staff_iin;
mod terms;
mod totp;
mod users;

use std::path::Path;
use std::sync::Arc;

use redb::{Database, Durability, ReadableDatabase};

pub use crate::domain::queue::QueueCounts;
pub use appeals::{AppealReads, ChainBreak};
pub use attachments::{AttachmentMeta, AttachmentReads, NewAttachment};
pub use backup::{CopySummary, StoreFile, restore, verify_copy};
pub use codes::{CodeReads, CodeRecord};
pub use deliveries::{Delivery, DeliveryChannel, DeliveryReads, DeliveryStatus};
pub use export::{ExportOptions, ImportSummary, Manifest, read_manifest};
pub use integrity::{IntegrityReport, Problem};
pub use language_choices::LanguageChoiceReads;
pub use notices::{Notice, NoticeKind, NoticeReads, OutboxEntry};
pub use passkeys::{ChallengePurpose, Passkey, PasskeyChallenge, PasskeyReads};
pub use pending_uploads::{PendingFile, PendingUploadReads, PendingUploads};
pub use qr_logins::{QrLogin, QrLoginReads, QrState};
pub use registry::{
    OpenReads, QueueReads, RegistryFilter, RegistryPage, RegistryReads, RowSummary,
};
pub use report::{PeriodReads, TallyReads, zone_name};
pub use routing::RoutingReads;
pub use security::{AuditFilter, SecurityReads};
pub use sessions::{Session, SessionReads};
pub use settings::SettingsReads;
pub use signatures::{SignatureReads, SignedDocument, SignerSummary, StoredSignature};
pub use staff_iin::StaffIinReads;
pub use terms::{PolicyReads, TermReads};
pub use totp::{CodeFactor, PendingSignIn, SignInPolicy, TotpReads, TotpRecord};
pub use users::{Credentials, LoginKey, UserReads};

/// What can go wrong in the store. Callers act on `NewerSchema` (refuse to start) and treat
/// the rest as an internal error with a log line.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The database engine failed (IO error, disk full, read-only file, …).
    #[error("database: {0}")]
    Database(String),
    /// A record could not be decoded.
    #[error("corrupt {record} record: {detail}")]
    Corrupt {
        /// Which kind of record.
        record: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// The file was written by a newer release.
    #[error(
        "the store has schema version {found}, but this program supports at most {supported}; \
         use the newer release that wrote it"
    )]
    NewerSchema {
        /// Version in the file.
        found: u32,
        /// Version this binary writes.
        supported: u32,
    },
    /// A unique key is already taken (login, registration number).
    #[error("already exists: {0}")]
    Duplicate(&'static str),
    /// Nothing can be written: the disk is full, the file or its file system is read-only, or
    /// a file-size limit was reached (or an earlier write failed that way; redb then refuses
    /// writes until the store is reopened). What is stored is intact and can still be read.
    #[error("the store cannot be written: {0}")]
    Unwritable(String),
}

/// Sorts a storage failure into "cannot write here" (disk full, read-only, too large) and
/// everything else.
fn storage_error(err: &redb::StorageError) -> Error {
    use std::io::ErrorKind;
    let unwritable = match err {
        redb::StorageError::Io(io) => matches!(
            io.kind(),
            ErrorKind::StorageFull
                | ErrorKind::ReadOnlyFilesystem
                | ErrorKind::PermissionDenied
                | ErrorKind::FileTooLarge
                | ErrorKind::QuotaExceeded
        ),
        redb::StorageError::PreviousIo => true,
        _ => false,
    };
    if unwritable {
        Error::Unwritable(err.to_string())
    } else {
        Error::Database(err.to_string())
    }
}

impl From<redb::StorageError> for Error {
    fn from(err: redb::StorageError) -> Self {
        storage_error(&err)
    }
}

impl From<redb::CommitError> for Error {
    fn from(err: redb::CommitError) -> Self {
        match &err {
            redb::CommitError::Storage(storage) => storage_error(storage),
            _ => Error::Database(err.to_string()),
        }
    }
}

impl From<redb::TransactionError> for Error {
    fn from(err: redb::TransactionError) -> Self {
        match &err {
            redb::TransactionError::Storage(storage) => storage_error(storage),
            _ => Error::Database(err.to_string()),
        }
    }
}

impl From<redb::TableError> for Error {
    fn from(err: redb::TableError) -> Self {
        match &err {
            redb::TableError::Storage(storage) => storage_error(storage),
            _ => Error::Database(err.to_string()),
        }
    }
}

macro_rules! database_errors {
    ($($t:ty),+) => {$(
        impl From<$t> for Error {
            fn from(err: $t) -> Self { Error::Database(err.to_string()) }
        }
    )+};
}
database_errors!(redb::Error, redb::DatabaseError, redb::SetDurabilityError);

/// Result of store operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The open store; cheap to clone and share between threads.
#[derive(Clone)]
pub struct Store {
    db: Arc<Database>,
    commits: Arc<group_commit::GroupCommit>,
    reads_after_failure: Arc<ReadsAfterFailure>,
    /// The institution's time zone: the local day an appeal ended on, for the report tallies.
    zone: Arc<std::sync::RwLock<jiff::tz::TimeZone>>,
    /// Read snapshots begun since the store was opened (see [`Store::reads_begun`]).
    reads_begun: Arc<std::sync::atomic::AtomicU64>,
}

/// After a write failed for lack of space (or a read-only file), redb refuses every further
/// transaction on that handle until it is reopened. Reads then go to a read-only handle on the
/// same file, which sees the last durable commit, so everything acknowledged stays readable;
/// writes keep failing with [`Error::Unwritable`] until the server is restarted with room on
/// the disk.
#[derive(Default)]
struct ReadsAfterFailure {
    /// The file, for the read-only handle (none for an in-memory store).
    path: Option<std::path::PathBuf>,
    /// Set once a write failed that way.
    failed: std::sync::atomic::AtomicBool,
    /// The read-only handle, opened at the first read after the failure.
    handle: std::sync::OnceLock<Option<redb::ReadOnlyDatabase>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

/// The store's file name inside the data directory.
pub const FILE_NAME: &str = "otinish.redb";

/// redb's page cache for the store (its default is 1 GiB, which under load grew the server to
/// 190 MiB on 100,000 appeals and would keep growing with the store). Pages beyond it are read
/// again through the kernel's page cache, which the server's RSS does not count and the kernel
/// gives back under memory pressure. See: issue 12.
pub const CACHE_BYTES: usize = 32 * 1024 * 1024;

impl Store {
    /// Opens (creating if needed) the store file and runs migrations.
    pub fn open(path: &Path) -> Result<Self> {
        // Other processes (`backup create` beside a running server) may open the file to read.
        let db = Database::builder()
            .set_concurrency_mode(redb::ConcurrencyMode::SingleWriter)
            .set_cache_size(CACHE_BYTES)
            .create(path)?;
        Self::prepare(db, Some(path.to_owned()))
    }

    /// A store in memory, for tests.
    pub fn in_memory() -> Result<Self> {
        let db = Database::builder().create_with_backend(redb::backends::InMemoryBackend::new())?;
        Self::prepare(db, None)
    }

    fn prepare(db: Database, path: Option<std::path::PathBuf>) -> Result<Self> {
        let store = Self {
            db: Arc::new(db),
            commits: Arc::default(),
            reads_after_failure: Arc::new(ReadsAfterFailure {
                path,
                ..ReadsAfterFailure::default()
            }),
            zone: Arc::new(std::sync::RwLock::new(default_zone())),
            reads_begun: Arc::default(),
        };
        migrate::run(&store)?;
        Ok(store)
    }

    /// Runs `f` in one write transaction, committed only if `f` returns `Ok`; returns once the
    /// commit is on disk.
    ///
    /// Concurrent callers share a transaction and its commit (group commit). If another
    /// caller's closure fails in the shared transaction, `f` runs again in a fresh one, so it
    /// must not have effects outside the transaction.
    pub fn write<T, E: From<Error>>(
        &self,
        mut f: impl FnMut(&mut WriteTx) -> Result<T, E>,
    ) -> Result<T, E> {
        loop {
            let mut turn = self
                .commits
                .turn(|| self.begin_write())
                .map_err(|err| self.note_failure(err))?;
            let value = f(turn.tx()?)?;
            match turn.finish() {
                group_commit::Outcome::Committed => return Ok(value),
                group_commit::Outcome::Aborted => {}
                group_commit::Outcome::Failed(err) => return Err(self.note_failure(err).into()),
            }
        }
    }

    fn begin_write(&self) -> Result<WriteTx> {
        let mut txn = self.db.begin_write()?;
        txn.set_durability(Durability::Immediate)?;
        Ok(WriteTx {
            txn,
            zone: self.zone(),
        })
    }

    fn zone(&self) -> jiff::tz::TimeZone {
        self.zone
            .read()
            .map_or_else(|_| default_zone(), |z| z.clone())
    }

    /// Sets the institution's time zone (from the configuration). When the report tallies
    /// were counted in another zone, they are counted again, in one write transaction.
    pub fn set_time_zone(&self, zone: &jiff::tz::TimeZone) -> Result<()> {
        if let Ok(mut current) = self.zone.write() {
            current.clone_from(zone);
        }
        let name = report::zone_name(zone);
        if self.read(|tx| tx.tally_zone())?.as_deref() == Some(name.as_str()) {
            return Ok(());
        }
        self.write(|tx| {
            tx.rebuild_report_tallies()?;
            tx.table(schema::META)?
                .insert(report::ZONE_KEY, name.as_bytes())?;
            Ok::<_, Error>(())
        })
    }

    /// Remembers a failure that leaves redb's handle refusing transactions, so that reads move
    /// to the read-only handle.
    fn note_failure(&self, err: Error) -> Error {
        if matches!(err, Error::Unwritable(_))
            && !self
                .reads_after_failure
                .failed
                .swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            log::error!(
                "store: writes fail ({err}); reads continue from the last durable commit. \
                 Free disk space (or make the data directory writable) and restart the service"
            );
        }
        err
    }

    /// A read snapshot: from the store's own handle, or after a failed write from the
    /// read-only one.
    fn begin_read(&self) -> Result<redb::ReadTransaction> {
        let fallback = &self.reads_after_failure;
        if fallback.failed.load(std::sync::atomic::Ordering::SeqCst) {
            let handle = fallback.handle.get_or_init(|| {
                let path = fallback.path.as_ref()?;
                backup::open_follower(path)
                    .map_err(|err| log::error!("store: opening a read-only handle: {err}"))
                    .ok()
            });
            if let Some(handle) = handle {
                return Ok(handle.begin_read()?);
            }
        }
        match self.db.begin_read() {
            Ok(txn) => Ok(txn),
            Err(err) => {
                let err = self.note_failure(Error::from(err));
                if fallback.handle.get().is_none() && matches!(err, Error::Unwritable(_)) {
                    return self.begin_read();
                }
                Err(err)
            }
        }
    }

    /// (write transactions, durable commits) since the store was opened: how well commits
    /// were grouped.
    pub fn commit_counts(&self) -> (u64, u64) {
        self.commits.counts()
    }

    /// Writers waiting for their turn right now, so that a test can make a batch abort on
    /// purpose (a failing writer queued behind a running closure).
    #[cfg(test)]
    pub(crate) fn writers_waiting(&self) -> usize {
        self.commits.waiting()
    }

    /// Read snapshots begun since the store was opened: what a page costs (each page is
    /// meant to read in one snapshot; tests count them around a request).
    pub fn reads_begun(&self) -> u64 {
        self.reads_begun.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Runs `f` on a consistent read snapshot.
    pub fn read<T, E: From<Error>>(&self, f: impl FnOnce(&ReadTx) -> Result<T, E>) -> Result<T, E> {
        self.reads_begun
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let txn = self.begin_read()?;
        f(&ReadTx {
            txn,
            zone: self.zone(),
        })
    }
}

/// A write transaction. Its methods are the only way to change the store.
pub struct WriteTx {
    txn: redb::WriteTransaction,
    zone: jiff::tz::TimeZone,
}

/// A read snapshot.
pub struct ReadTx {
    txn: redb::ReadTransaction,
    zone: jiff::tz::TimeZone,
}

/// The zone the tallies are counted in until the configuration says otherwise: the default
/// `appeals.time_zone` (Kazakhstan, UTC+5).
fn default_zone() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::fixed(jiff::tz::offset(5))
}

/// A transaction that can be read: both [`ReadTx`] and [`WriteTx`]. Sealed: the table
/// access it rests on stays inside `store`.
pub trait Tx: access::Access {}

impl Tx for ReadTx {}
impl Tx for WriteTx {}

impl WriteTx {
    /// Opens a table for writing.
    fn table<K: redb::Key + 'static, V: redb::Value + 'static>(
        &self,
        def: redb::TableDefinition<K, V>,
    ) -> Result<redb::Table<'_, K, V>> {
        Ok(self.txn.open_table(def)?)
    }

    /// Draws the next value of a named sequence (the first is 1).
    pub fn next_in_sequence(&mut self, name: &str) -> Result<u64> {
        use redb::ReadableTable;
        let mut table = self.table(schema::COUNTERS)?;
        let next = table.get(name)?.map_or(0, |v| v.value()) + 1;
        table.insert(name, next)?;
        Ok(next)
    }
}

/// Decodes the record a table lookup found.
fn decode_guard<T: codec::Record>(
    guard: Option<redb::AccessGuard<'_, &[u8]>>,
) -> Result<Option<T>> {
    guard.map(|g| codec::decode(g.value())).transpose()
}

/// Like [`decode_guard`], for a domain value stored as its frozen record.
fn decode_guard_as<T: records::Freeze>(
    guard: Option<redb::AccessGuard<'_, &[u8]>>,
) -> Result<Option<T>>
where
    T::Record: codec::Record,
{
    guard.map(|g| codec::decode_as(g.value())).transpose()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sequences_start_at_one_and_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        {
            let store = Store::open(&path).unwrap();
            let a = store.write(|tx| tx.next_in_sequence("x")).unwrap();
            let b = store.write(|tx| tx.next_in_sequence("x")).unwrap();
            assert_eq!((a, b), (1, 2));
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.write(|tx| tx.next_in_sequence("x")).unwrap(), 3);
        assert_eq!(store.write(|tx| tx.next_in_sequence("y")).unwrap(), 1);
    }

    #[test]
    fn a_failed_use_case_writes_nothing() {
        let store = Store::in_memory().unwrap();
        let result: Result<()> = store.write(|tx| {
            tx.next_in_sequence("x")?;
            Err(Error::Duplicate("test"))
        });
        assert!(result.is_err());
        assert_eq!(store.write(|tx| tx.next_in_sequence("x")).unwrap(), 1);
    }
}
