//! Every table of the store and the schema version.
//!
//! Values are `[record version byte][postcard bytes]` (see `codec`). Index tables map a
//! composite key to `()`; the appeal id is always the last key part, so ranges read newest
//! first when iterated backwards.

use redb::TableDefinition;

/// The schema this binary writes. Opening a newer file is refused; older ones are migrated.
pub const SCHEMA_VERSION: u32 = 1;

/// `schema_version` → u32 (little endian), and other facts about the file.
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// Named sequences: `appeal`, `user`, `attachment`, `unit`, `category`, `regno:KIND:YEAR`.
pub const COUNTERS: TableDefinition<&str, u64> = TableDefinition::new("counters");
/// Named settings records: `institution`.
pub const SETTINGS: TableDefinition<&str, &[u8]> = TableDefinition::new("settings");
/// Unit id → Unit.
pub const UNITS: TableDefinition<u32, &[u8]> = TableDefinition::new("units");
/// Category id → Category.
pub const CATEGORIES: TableDefinition<u32, &[u8]> = TableDefinition::new("categories");

/// User id → User.
pub const USERS: TableDefinition<u64, &[u8]> = TableDefinition::new("users");
/// `taxid:<IIN/BIN>` or `login:<login>` → user id.
pub const USER_BY_LOGIN: TableDefinition<&str, u64> = TableDefinition::new("user_by_login");
/// User id → Credentials (password hash).
pub const CREDENTIALS: TableDefinition<u64, &[u8]> = TableDefinition::new("credentials");
/// SHA-256 of the session token → Session.
pub const SESSIONS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("sessions");

/// Appeal id → Appeal snapshot (the fold of its events).
pub const APPEALS: TableDefinition<u64, &[u8]> = TableDefinition::new("appeals");
/// (appeal id, seq) → `StoredEvent` (event + hash of the previous record).
pub const APPEAL_EVENTS: TableDefinition<(u64, u32), &[u8]> = TableDefinition::new("appeal_events");
/// Registration number (printed form) → appeal id.
pub const APPEAL_BY_NUMBER: TableDefinition<&str, u64> = TableDefinition::new("appeal_by_number");
/// Appeal id → fixed-size row summary used to filter the registry without decoding snapshots.
pub const APPEAL_ROWS: TableDefinition<u64, &[u8]> = TableDefinition::new("appeal_rows");
/// (status index, appeal id).
pub const IDX_STATUS: TableDefinition<(u8, u64), ()> = TableDefinition::new("idx_status");
/// (kind index, appeal id).
pub const IDX_KIND: TableDefinition<(u8, u64), ()> = TableDefinition::new("idx_kind");
/// (unit id, appeal id).
pub const IDX_UNIT: TableDefinition<(u32, u64), ()> = TableDefinition::new("idx_unit");
/// (executor user id, appeal id).
pub const IDX_EXECUTOR: TableDefinition<(u64, u64), ()> = TableDefinition::new("idx_executor");
/// (owner user id, appeal id): the applicant's cabinet.
pub const IDX_OWNER: TableDefinition<(u64, u64), ()> = TableDefinition::new("idx_owner");
/// (IIN/BIN, appeal id).
pub const IDX_TAX_ID: TableDefinition<(&str, u64), ()> = TableDefinition::new("idx_tax_id");
/// (due date as yyyymmdd, appeal id) for appeals that are not closed.
pub const IDX_OPEN_DUE: TableDefinition<(u32, u64), ()> = TableDefinition::new("idx_open_due");

/// Attachment id → `AttachmentMeta`.
pub const ATTACHMENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("attachments");
/// (attachment id, chunk number) → up to 1 MiB of the file.
pub const ATTACHMENT_CHUNKS: TableDefinition<(u64, u32), &[u8]> =
    TableDefinition::new("attachment_chunks");
