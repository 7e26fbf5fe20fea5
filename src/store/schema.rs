//! Every table of the store and the schema version.
//!
//! Values are `[record version byte][postcard bytes]` (see `codec`). Index tables map a
//! composite key to `()`; the appeal id is always the last key part, so ranges read newest
//! first when iterated backwards.

use redb::TableDefinition;

/// The schema this binary writes. Opening a newer file is refused; older ones are migrated.
pub const SCHEMA_VERSION: u32 = 8;

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

/// User id → (): users who chose their interface language themselves (the language is on the
/// user record); until then the browser's or the installation's default wins.
pub const LANGUAGE_CHOSEN: TableDefinition<u64, ()> = TableDefinition::new("language_chosen");
/// IIN → staff user id: the IIN a staff member's ЭЦП carries (set by the admin).
pub const STAFF_IIN: TableDefinition<&str, u64> = TableDefinition::new("staff_iin");
/// SHA-256 of the session token → when the session was last used (Unix seconds), written at
/// most every five minutes.
pub const SESSION_SEEN: TableDefinition<&[u8], i64> = TableDefinition::new("session_seen");
/// `taxid:<IIN/BIN>` or `login:<login>` (also for names no account has) → `Failures`.
pub const SIGN_IN_FAILURES: TableDefinition<&str, &[u8]> = TableDefinition::new("sign_in_failures");
/// Entry id → `AuditEntry`: the security audit trail, append-only.
pub const AUDIT: TableDefinition<u64, &[u8]> = TableDefinition::new("audit");
/// Credential id → `Passkey` (`WebAuthn` credentials of every account).
pub const PASSKEYS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("passkeys");
/// SHA-256 of the browser's binding token → `PasskeyChallenge` (single use, minutes long).
pub const PASSKEY_CHALLENGES: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new("passkey_challenges");

/// `<purpose>:<sign-in key>` → `CodeRecord`: one-time codes, hashed.
pub const CODES: TableDefinition<&str, &[u8]> = TableDefinition::new("codes");
/// User id → `TotpRecord`: authenticator-app secrets (second factor).
pub const TOTP: TableDefinition<u64, &[u8]> = TableDefinition::new("totp");
/// User id → `CodeFactor`: accounts whose second factor is a code by SMS or e-mail.
pub const CODE_FACTORS: TableDefinition<u64, &[u8]> = TableDefinition::new("code_factors");
/// SHA-256 of a pending token → `PendingSignIn`: passwords accepted, second factor awaited.
pub const PENDING_SIGN_INS: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new("pending_sign_ins");
/// SHA-256 of a QR token → `QrLogin`: browsers waiting to be signed in by a phone.
pub const QR_LOGINS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("qr_logins");
/// SHA-256 of a form's upload token → `PendingUploads`: files sent with a refused form, held
/// (for two hours) so the corrected form need not send them again.
pub const PENDING_UPLOADS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("pending_uploads");
/// Sequence → `Delivery`: messages for the e-mail and SMS gateways, with their status.
pub const DELIVERIES: TableDefinition<u64, &[u8]> = TableDefinition::new("deliveries");
/// (next attempt as Unix seconds, delivery id) → (): the pending deliveries only, so the
/// sender's scan never walks the delivered, failed and expired ones (schema 7).
pub const DELIVERIES_DUE: TableDefinition<(i64, u64), ()> = TableDefinition::new("deliveries_due");

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
/// (registration day as yyyymmdd, appeal id): the report reads a period without a full scan.
pub const IDX_REGISTERED: TableDefinition<(u32, u64), ()> = TableDefinition::new("idx_registered");
/// `status:<index>` / `executor:<user id>` → number of appeals whose deadline runs, kept with
/// the other indexes so the work-queue counts cost a few lookups, not a scan.
pub const IDX_OPEN_COUNTS: TableDefinition<&str, u64> = TableDefinition::new("idx_open_counts");

/// Appeal id → `ReportFactsV1`: what the appeal adds to the report (`domain::report::Facts`).
pub const REPORT_FACTS: TableDefinition<u64, &[u8]> = TableDefinition::new("report_facts");
/// Appeal id: appeals the running tallies leave out, folded in full by every report (open ones).
pub const REPORT_LOOSE: TableDefinition<u64, ()> = TableDefinition::new("report_loose");
/// Day as yyyymmdd → `CountsV1`: the running tallies of that day.
pub const REPORT_DAYS: TableDefinition<u32, &[u8]> = TableDefinition::new("report_days");
/// Month as yyyymm → `CountsV1`: the sum of that month's days.
pub const REPORT_MONTHS: TableDefinition<u32, &[u8]> = TableDefinition::new("report_months");

/// Outbox sequence → `OutboxEntry` (notices waiting for delivery).
pub const OUTBOX: TableDefinition<u64, &[u8]> = TableDefinition::new("outbox");
/// (user id, notice id) → `Notice` (delivered in-app notices).
pub const NOTICES: TableDefinition<(u64, u64), &[u8]> = TableDefinition::new("notices");

/// Attachment id → `AttachmentMeta`.
pub const ATTACHMENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("attachments");
/// (attachment id, chunk number) → up to 1 MiB of the file.
pub const ATTACHMENT_CHUNKS: TableDefinition<(u64, u32), &[u8]> =
    TableDefinition::new("attachment_chunks");
/// (appeal id, event seq) → `StoredSignature`: the ЭЦП (CMS) that signed that step of the
/// appeal, with what was signed and who signed it.
pub const SIGNATURES: TableDefinition<(u64, u32), &[u8]> = TableDefinition::new("signatures");

/// Something done to every table of the store, such as copying it; see [`visit_tables`].
pub trait TableVisitor {
    /// What stops the visit.
    type Error;
    /// Called once for each table, with its definition.
    fn table<K: redb::Key + 'static, V: redb::Value + 'static>(
        &mut self,
        def: TableDefinition<'static, K, V>,
    ) -> Result<(), Self::Error>;
}

/// Visits every table of the store, in the order above. This is the one list of tables: backup,
/// `check` and export walk it, so a new table is one more line here (the tests below fail when
/// the file or this module holds a table the list lacks). A table holding records also needs its
/// decode check in `integrity.rs` and its file in `export.rs`; tests there say so.
pub fn visit_tables<T: TableVisitor>(visitor: &mut T) -> Result<(), T::Error> {
    visitor.table(META)?;
    visitor.table(COUNTERS)?;
    visitor.table(SETTINGS)?;
    visitor.table(UNITS)?;
    visitor.table(CATEGORIES)?;
    visitor.table(USERS)?;
    visitor.table(USER_BY_LOGIN)?;
    visitor.table(CREDENTIALS)?;
    visitor.table(SESSIONS)?;
    visitor.table(SESSION_SEEN)?;
    visitor.table(STAFF_IIN)?;
    visitor.table(LANGUAGE_CHOSEN)?;
    visitor.table(SIGN_IN_FAILURES)?;
    visitor.table(AUDIT)?;
    visitor.table(PASSKEYS)?;
    visitor.table(PASSKEY_CHALLENGES)?;
    visitor.table(CODES)?;
    visitor.table(DELIVERIES)?;
    visitor.table(DELIVERIES_DUE)?;
    visitor.table(TOTP)?;
    visitor.table(CODE_FACTORS)?;
    visitor.table(PENDING_SIGN_INS)?;
    visitor.table(QR_LOGINS)?;
    visitor.table(PENDING_UPLOADS)?;
    visitor.table(APPEALS)?;
    visitor.table(APPEAL_EVENTS)?;
    visitor.table(APPEAL_BY_NUMBER)?;
    visitor.table(APPEAL_ROWS)?;
    visitor.table(IDX_STATUS)?;
    visitor.table(IDX_KIND)?;
    visitor.table(IDX_UNIT)?;
    visitor.table(IDX_EXECUTOR)?;
    visitor.table(IDX_OWNER)?;
    visitor.table(IDX_TAX_ID)?;
    visitor.table(IDX_OPEN_DUE)?;
    visitor.table(IDX_REGISTERED)?;
    visitor.table(IDX_OPEN_COUNTS)?;
    visitor.table(REPORT_FACTS)?;
    visitor.table(REPORT_LOOSE)?;
    visitor.table(REPORT_DAYS)?;
    visitor.table(REPORT_MONTHS)?;
    visitor.table(OUTBOX)?;
    visitor.table(NOTICES)?;
    visitor.table(ATTACHMENTS)?;
    visitor.table(ATTACHMENT_CHUNKS)?;
    visitor.table(SIGNATURES)?;
    Ok(())
}

/// The names of every table, in [`visit_tables`] order.
pub fn table_names() -> Vec<String> {
    struct Names(Vec<String>);
    impl TableVisitor for Names {
        type Error = std::convert::Infallible;
        fn table<K: redb::Key + 'static, V: redb::Value + 'static>(
            &mut self,
            def: TableDefinition<'static, K, V>,
        ) -> Result<(), Self::Error> {
            self.0.push(redb::TableHandle::name(&def).to_owned());
            Ok(())
        }
    }
    let mut names = Names(Vec::new());
    match visit_tables(&mut names) {
        Ok(()) => names.0,
        Err(never) => match never {},
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::BTreeSet;

    use redb::{ReadableDatabase, TableHandle};

    use super::*;

    #[test]
    fn every_table_of_a_populated_store_is_in_the_list() {
        let store = crate::store::integrity::tests::populated_store();
        let listed = table_names();
        let listed: BTreeSet<&str> = listed.iter().map(String::as_str).collect();
        let txn = store.db.begin_read().unwrap();
        let in_file: Vec<String> = txn
            .list_tables()
            .unwrap()
            .map(|t| t.name().to_owned())
            .collect();
        assert!(in_file.len() > 10, "the sample store fills most tables");
        for name in &in_file {
            assert!(
                listed.contains(name.as_str()),
                "table `{name}` is in the store file but not in schema::visit_tables; add it there"
            );
        }
    }

    #[test]
    fn every_table_defined_in_this_module_is_in_the_list() {
        let source = include_str!("schema.rs");
        let defined: BTreeSet<&str> = source
            .split("TableDefinition::new(\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        let listed = table_names();
        let listed: BTreeSet<&str> = listed.iter().map(String::as_str).collect();
        assert_eq!(
            defined, listed,
            "schema::visit_tables must list every table"
        );
        assert_eq!(table_names().len(), listed.len(), "no table listed twice");
    }
}
