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
mod export;
mod group_commit;
mod integrity;
mod migrate;
mod notices;
mod registry;
mod report;
mod routing;
pub mod schema;
mod sessions;
mod settings;
mod terms;
mod users;

use std::path::Path;
use std::sync::Arc;

use redb::{Database, Durability, ReadableDatabase};

pub use crate::domain::queue::QueueCounts;
pub use appeals::{AppealReads, ChainBreak};
pub use attachments::{AttachmentMeta, AttachmentReads, NewAttachment};
pub use backup::{CopySummary, StoreFile, restore, verify_copy};
pub use export::{ExportOptions, ImportSummary, Manifest, read_manifest};
pub use integrity::{IntegrityReport, Problem};
pub use notices::{Notice, NoticeKind, NoticeReads, OutboxEntry};
pub use registry::{
    OpenReads, QueueReads, RegistryFilter, RegistryPage, RegistryReads, RowSummary,
};
pub use report::PeriodReads;
pub use routing::RoutingReads;
pub use sessions::{Session, SessionReads};
pub use settings::SettingsReads;
pub use terms::{PolicyReads, TermReads};
pub use users::{Credentials, UserReads, login_key_for};

/// What can go wrong in the store. Callers act on `NewerSchema` (refuse to start) and treat
/// the rest as an internal error with a log line.
#[derive(Debug, thiserror::Error)]
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
}

macro_rules! database_errors {
    ($($t:ty),+) => {$(
        impl From<$t> for Error {
            fn from(err: $t) -> Self { Error::Database(err.to_string()) }
        }
    )+};
}
database_errors!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::SetDurabilityError
);

/// Result of store operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The open store; cheap to clone and share between threads.
#[derive(Clone)]
pub struct Store {
    db: Arc<Database>,
    commits: Arc<group_commit::GroupCommit>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

/// The store's file name inside the data directory.
pub const FILE_NAME: &str = "otinish.redb";

impl Store {
    /// Opens (creating if needed) the store file and runs migrations.
    pub fn open(path: &Path) -> Result<Self> {
        // Other processes (`backup create` beside a running server) may open the file to read.
        let db = Database::builder()
            .set_concurrency_mode(redb::ConcurrencyMode::SingleWriter)
            .create(path)?;
        Self::prepare(db)
    }

    /// A store in memory, for tests.
    pub fn in_memory() -> Result<Self> {
        let db = Database::builder().create_with_backend(redb::backends::InMemoryBackend::new())?;
        Self::prepare(db)
    }

    fn prepare(db: Database) -> Result<Self> {
        let store = Self {
            db: Arc::new(db),
            commits: Arc::default(),
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
            let mut turn = self.commits.turn(|| self.begin_write())?;
            let value = f(turn.tx()?)?;
            match turn.finish() {
                group_commit::Outcome::Committed => return Ok(value),
                group_commit::Outcome::Aborted => {}
                group_commit::Outcome::Failed(reason) => {
                    return Err(Error::Database(reason).into());
                }
            }
        }
    }

    fn begin_write(&self) -> Result<WriteTx> {
        let mut txn = self.db.begin_write()?;
        txn.set_durability(Durability::Immediate)?;
        Ok(WriteTx { txn })
    }

    /// (write transactions, durable commits) since the store was opened: how well commits
    /// were grouped.
    pub fn commit_counts(&self) -> (u64, u64) {
        self.commits.counts()
    }

    /// Runs `f` on a consistent read snapshot.
    pub fn read<T, E: From<Error>>(&self, f: impl FnOnce(&ReadTx) -> Result<T, E>) -> Result<T, E> {
        let txn = self.db.begin_read().map_err(Error::from)?;
        f(&ReadTx { txn })
    }
}

/// A write transaction. Its methods are the only way to change the store.
pub struct WriteTx {
    txn: redb::WriteTransaction,
}

/// A read snapshot.
pub struct ReadTx {
    txn: redb::ReadTransaction,
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
