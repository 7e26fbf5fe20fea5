//! `export` and `import`: every record as JSON lines, in the directory format documented in
//! `docs/export-format.md` (format `otinish-export`, version 1).
//!
//! An export is read from one snapshot and written in key order, so the same records always give
//! the same bytes. The JSON of a record is its type's serde form. Indexes are not exported:
//! import rebuilds them through the store's own write paths (`insert_user`, `insert_appeal`,
//! `update_appeal`, `insert_attachment`, …) in one transaction, into an empty store only.
//! Each table of `schema` has a [`part`] in the format; a test fails when one has none.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use redb::{ReadableTable, ReadableTableMetadata};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::appeals::AppealReads;
use super::attachments::{AttachmentMeta, AttachmentReads, NewAttachment};
use super::codec::{Record, decode, decode_as, encode_as, thaw, thaw_part};
use super::notices::{Notice, OutboxEntry};
use super::records::Freeze;
use super::records::appeal_v1::AppealV1;
use super::records::audit_v1::AuditEntryV1;
use super::records::delivery_v1::CodeFactorV1;
use super::records::event::EventV2;
use super::records::file_v1::AttachmentMetaV1;
use super::records::notice_v1::{NoticeV1, OutboxEntryV1};
use super::records::passkey_v1::PasskeyV1;
use super::records::settings_v1::{
    CalendarV1, CategoryV1, ExtendersV1, InstitutionV1, RoutingRuleV1, RulesV1, TermsV1, UnitV1,
};
use super::records::sign_in_v1::{CredentialsV1, SessionV1, SignInPolicyV1, TotpV1};
use super::records::signature_v1::StoredSignatureV1;
use super::records::user_v1::UserV1;
use super::records::values_v1::TermV1;
use super::schema::{
    self, APPEALS, ATTACHMENTS, AUDIT, CATEGORIES, COUNTERS, CREDENTIALS, NOTICES, OUTBOX,
    SCHEMA_VERSION, SESSIONS, SETTINGS, TableVisitor, UNITS, USERS,
};
use super::signatures::StoredSignature;
use super::totp::TotpReads;
use super::users::Credentials;
use super::{Error, ReadTx, Result, RoutingReads, SettingsReads, Store, WriteTx};
use super::{PolicyReads, TermReads};
use crate::domain::appeal::{Appeal, AppealId, Event};
use crate::domain::calendar::Calendar;
use crate::domain::institution::{Category, Institution, Unit};
use crate::domain::routing::RoutingRule;
use crate::domain::security::AuditEntry;
use crate::domain::user::{Roles, User, UserId};

/// The `format` of the manifest.
pub const FORMAT_NAME: &str = "otinish-export";
/// The version of the directory format this program writes and reads.
pub const FORMAT_VERSION: u32 = 1;

const MANIFEST: &str = "manifest.json";
const ATTACHMENT_DIR: &str = "attachments";

/// The password hash given to accounts imported without one: it matches no password.
const NO_PASSWORD: &str = "!";

/// What each table becomes in an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Its facts are in the manifest.
    Manifest,
    /// One JSON object per record in this file.
    File(&'static str),
    /// Like `File`, but only with `--with-secrets`.
    Secret(&'static str),
    /// The bytes of files, as `attachments/<id>`.
    AttachmentFiles,
    /// An index: import rebuilds it.
    Rebuilt,
    /// Operational state that is not carried over: sign-in failures behind a lockout,
    /// one-time codes, the gateway queue.
    Transient,
}

/// The part of the format a table belongs to; `None` for a table this module does not know.
fn part(table: &str) -> Option<Part> {
    Some(match table {
        "meta" => Part::Manifest,
        "counters" => Part::File("counters.jsonl"),
        "settings" => Part::File("settings.jsonl"),
        "units" => Part::File("units.jsonl"),
        "categories" => Part::File("categories.jsonl"),
        "users" => Part::File("users.jsonl"),
        "credentials" => Part::Secret("credentials.jsonl"),
        "sessions" => Part::Secret("sessions.jsonl"),
        "passkeys" => Part::Secret("passkeys.jsonl"),
        "sign_in_failures" | "codes" | "deliveries" | "deliveries_due" | "pending_sign_ins"
        | "passkey_challenges" | "qr_logins" | "session_seen" | "pending_uploads" => {
            Part::Transient
        }
        "totp" => Part::Secret("totp.jsonl"),
        "code_factors" => Part::File("code_factors.jsonl"),
        "staff_iin" => Part::File("staff_iin.jsonl"),
        "language_chosen" => Part::File("language_chosen.jsonl"),
        "audit" => Part::File("audit.jsonl"),
        "appeals" => Part::File("appeals.jsonl"),
        "appeal_events" => Part::File("events.jsonl"),
        "attachments" => Part::File("attachments.jsonl"),
        "attachment_chunks" => Part::AttachmentFiles,
        "signatures" => Part::File("signatures.jsonl"),
        "outbox" => Part::File("outbox.jsonl"),
        "notices" => Part::File("notices.jsonl"),
        "user_by_login" | "appeal_by_number" | "appeal_rows" | "report_facts" | "report_loose"
        | "report_days" | "report_months" => Part::Rebuilt,
        index if index.starts_with("idx_") => Part::Rebuilt,
        _ => return None,
    })
}

/// The manifest: written last, so a directory without one is an unfinished export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `otinish-export`.
    pub format: String,
    /// Version of the directory format.
    pub format_version: u32,
    /// Schema version of the store it was taken from.
    pub schema_version: u32,
    /// When it was taken.
    pub created_at: Timestamp,
    /// Whether credentials and sessions are included.
    pub with_secrets: bool,
    /// Lines per file (the `attachments/` directory holds one file per line of `attachments.jsonl`).
    pub counts: BTreeMap<String, u64>,
}

/// How to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// Include password hashes and sessions.
    pub with_secrets: bool,
    /// The time written into the manifest.
    pub created_at: Timestamp,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// Records read per file.
    pub counts: BTreeMap<String, u64>,
    /// Accounts imported without a password (export made without secrets): nobody can sign in
    /// to them until a password is set.
    pub without_password: u64,
}

#[derive(Serialize, Deserialize)]
struct CounterLine {
    name: String,
    value: u64,
}

#[derive(Serialize)]
struct SettingOut<'a, T> {
    key: &'a str,
    value: &'a T,
}

#[derive(Deserialize)]
struct SettingIn {
    key: String,
    value: serde_json::Value,
}

#[derive(Serialize, Deserialize)]
struct CredentialsLine {
    user: u64,
    credentials: CredentialsV1,
}

/// One line of `staff_iin.jsonl`.
#[derive(Debug, Serialize, Deserialize)]
struct StaffIinLine {
    iin: String,
    user: u64,
}

/// One line of `language_chosen.jsonl`: a user who chose their language.
#[derive(Debug, Serialize, Deserialize)]
struct LanguageChosenLine {
    user: u64,
}

/// One line of `code_factors.jsonl`.
#[derive(Debug, Serialize, Deserialize)]
struct CodeFactorLine {
    user: u64,
    factor: CodeFactorV1,
}

/// One line of totp.jsonl.
#[derive(Debug, Serialize, Deserialize)]
struct TotpLine {
    user: u64,
    totp: TotpV1,
}

#[derive(Serialize, Deserialize)]
struct SessionLine {
    token_sha256: String,
    session: SessionV1,
}

#[derive(Serialize, Deserialize)]
struct PasskeyLine {
    /// Unpadded base64url, as `WebAuthn` writes credential ids.
    credential_id: String,
    passkey: PasskeyV1,
}

#[derive(Serialize, Deserialize)]
struct EventLine {
    appeal: u64,
    event: EventV2,
}

#[derive(Serialize, Deserialize)]
struct NoticeLine {
    user: u64,
    notice: NoticeV1,
}

fn io_error(path: &Path, err: &dyn std::fmt::Display) -> Error {
    Error::Database(format!("{}: {err}", path.display()))
}

fn bad_export(detail: String) -> Error {
    Error::Corrupt {
        record: "export",
        detail,
    }
}

/// Refuses to export or import a store holding a table the format has no place for.
fn refuse_unknown_tables(tx: &ReadTx) -> Result<()> {
    for name in schema::table_names() {
        if part(&name).is_none() {
            return Err(bad_export(format!(
                "table `{name}` has no place in the export format; add it to store/export.rs"
            )));
        }
    }
    match super::backup::unknown_tables(&tx.txn)?.first() {
        Some(name) => Err(bad_export(format!(
            "the store holds table `{name}`, which this program does not know"
        ))),
        None => Ok(()),
    }
}

/// One `.jsonl` file being written.
struct LinesOut {
    path: PathBuf,
    out: BufWriter<File>,
    lines: u64,
}

impl LinesOut {
    fn create(dir: &Path, name: &str) -> Result<Self> {
        let path = dir.join(name);
        let file = File::create_new(&path).map_err(|e| io_error(&path, &e))?;
        Ok(Self {
            path,
            out: BufWriter::new(file),
            lines: 0,
        })
    }

    fn line<T: Serialize>(&mut self, value: &T) -> Result<()> {
        serde_json::to_writer(&mut self.out, value).map_err(|e| io_error(&self.path, &e))?;
        self.out
            .write_all(b"\n")
            .map_err(|e| io_error(&self.path, &e))?;
        self.lines += 1;
        Ok(())
    }

    fn finish(self, counts: &mut BTreeMap<String, u64>) -> Result<()> {
        let file = self
            .out
            .into_inner()
            .map_err(|e| io_error(&self.path, &e.error()))?;
        file.sync_all().map_err(|e| io_error(&self.path, &e))?;
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        counts.insert(name, self.lines);
        Ok(())
    }
}

impl ReadTx {
    /// Whether any table other than `meta` holds an entry (import wants none).
    pub fn holds_records(&self) -> Result<bool> {
        struct Any<'a> {
            tx: &'a ReadTx,
            found: bool,
        }
        impl TableVisitor for Any<'_> {
            type Error = Error;
            fn table<K: redb::Key + 'static, V: redb::Value + 'static>(
                &mut self,
                def: redb::TableDefinition<'static, K, V>,
            ) -> Result<()> {
                if redb::TableHandle::name(&def) != "meta" {
                    match self.tx.txn.open_table(def) {
                        Ok(table) => self.found |= !table.is_empty()?,
                        Err(redb::TableError::TableDoesNotExist(_)) => {}
                        Err(e) => return Err(e.into()),
                    }
                }
                Ok(())
            }
        }
        let mut any = Any {
            tx: self,
            found: false,
        };
        schema::visit_tables(&mut any)?;
        Ok(any.found)
    }

    /// Writes every record of this snapshot into `dir` (created; it must not exist or be
    /// empty). Returns the manifest, written last.
    pub fn export_to(&self, dir: &Path, options: &ExportOptions) -> Result<Manifest> {
        refuse_unknown_tables(self)?;
        prepare_empty_dir(dir)?;
        let mut counts = BTreeMap::new();
        self.export_counters(dir, &mut counts)?;
        self.export_settings(dir, &mut counts)?;
        self.export_records_as::<u32, Unit>(dir, UNITS, "units.jsonl", &mut counts)?;
        self.export_records_as::<u32, Category>(dir, CATEGORIES, "categories.jsonl", &mut counts)?;
        self.export_records_as::<u64, User>(dir, USERS, "users.jsonl", &mut counts)?;
        if options.with_secrets {
            self.export_secrets(dir, &mut counts)?;
            self.export_totp(dir, &mut counts)?;
        }
        self.export_appeals(dir, &mut counts)?;
        self.export_attachments(dir, &mut counts)?;
        self.export_records_as::<(u64, u32), StoredSignature>(
            dir,
            schema::SIGNATURES,
            "signatures.jsonl",
            &mut counts,
        )?;
        self.export_records::<u64, OutboxEntryV1>(dir, OUTBOX, "outbox.jsonl", &mut counts)?;
        self.export_notices(dir, &mut counts)?;
        self.export_records_as::<u64, AuditEntry>(dir, AUDIT, "audit.jsonl", &mut counts)?;
        self.export_code_factors(dir, &mut counts)?;
        self.export_staff_iins(dir, &mut counts)?;
        self.export_language_choices(dir, &mut counts)?;
        for table in schema::table_names() {
            let file = match part(&table) {
                Some(Part::File(file)) => Some(file),
                Some(Part::Secret(file)) if options.with_secrets => Some(file),
                _ => None,
            };
            if let Some(file) = file.filter(|f| !counts.contains_key(*f)) {
                return Err(bad_export(format!(
                    "table `{table}` belongs in {file}, which export_to did not write"
                )));
            }
        }
        let manifest = Manifest {
            format: FORMAT_NAME.to_owned(),
            format_version: FORMAT_VERSION,
            schema_version: self.schema_version()?.unwrap_or(SCHEMA_VERSION),
            created_at: options.created_at,
            with_secrets: options.with_secrets,
            counts,
        };
        let mut text = serde_json::to_string_pretty(&manifest)
            .map_err(|e| io_error(&dir.join(MANIFEST), &e))?;
        text.push('\n');
        write_synced(&dir.join(MANIFEST), text.as_bytes())?;
        sync_dir(dir)?;
        Ok(manifest)
    }

    /// Named sequences, by name.
    fn export_counters(&self, dir: &Path, counts: &mut BTreeMap<String, u64>) -> Result<()> {
        let mut out = LinesOut::create(dir, "counters.jsonl")?;
        if let Some(table) = self.open_for_export(COUNTERS)? {
            for entry in table.iter()? {
                let (name, value) = entry?;
                out.line(&CounterLine {
                    name: name.value().to_owned(),
                    value: value.value(),
                })?;
            }
        }
        out.finish(counts)?;
        Ok(())
    }

    /// Settings records, by key, each as its own type.
    fn export_settings(&self, dir: &Path, counts: &mut BTreeMap<String, u64>) -> Result<()> {
        let mut out = LinesOut::create(dir, "settings.jsonl")?;
        if let Some(table) = self.open_for_export(SETTINGS)? {
            for entry in table.iter()? {
                let key = entry?.0.value().to_owned();
                match key.as_str() {
                    "calendar" => out.line(&SettingOut {
                        key: &key,
                        value: &CalendarV1::from(&self.calendar()?),
                    })?,
                    "institution" => out.line(&SettingOut {
                        key: &key,
                        value: &InstitutionV1::from(&self.institution()?),
                    })?,
                    "routing" => out.line(&SettingOut {
                        key: &key,
                        value: &self.routing_rules()?.freeze(),
                    })?,
                    "terms" => out.line(&SettingOut {
                        key: &key,
                        value: &self.stored_terms()?.freeze(),
                    })?,
                    "extenders" => out.line(&SettingOut {
                        key: &key,
                        value: &self.extenders()?.freeze(),
                    })?,
                    "sign_in_policy" => out.line(&SettingOut {
                        key: &key,
                        value: &self.sign_in_policy()?.freeze(),
                    })?,
                    other => {
                        return Err(bad_export(format!(
                            "settings record `{other}` has no place in the export format; \
                             add it to store/export.rs"
                        )));
                    }
                }
            }
        }
        out.finish(counts)?;
        Ok(())
    }

    /// Staff members' ЭЦП IINs, by IIN.
    fn export_staff_iins(&self, dir: &Path, counts: &mut BTreeMap<String, u64>) -> Result<()> {
        let mut out = LinesOut::create(dir, "staff_iin.jsonl")?;
        for (iin, user) in super::staff_iin::StaffIinReads::staff_iins(self)? {
            out.line(&StaffIinLine { iin, user: user.0 })?;
        }
        out.finish(counts)
    }

    /// Users who chose their interface language, by id.
    fn export_language_choices(
        &self,
        dir: &Path,
        counts: &mut BTreeMap<String, u64>,
    ) -> Result<()> {
        let mut out = LinesOut::create(dir, "language_chosen.jsonl")?;
        for user in super::language_choices::LanguageChoiceReads::language_choosers(self)? {
            out.line(&LanguageChosenLine { user: user.0 })?;
        }
        out.finish(counts)
    }

    /// Accounts whose second factor is a code, by user.
    fn export_code_factors(&self, dir: &Path, counts: &mut BTreeMap<String, u64>) -> Result<()> {
        let mut out = LinesOut::create(dir, "code_factors.jsonl")?;
        if let Some(table) = self.open_for_export(schema::CODE_FACTORS)? {
            for entry in table.iter()? {
                let (user, value) = entry?;
                out.line(&CodeFactorLine {
                    user: user.value(),
                    factor: decode(value.value())?,
                })?;
            }
        }
        out.finish(counts)
    }

    /// Authenticator secrets, by user.
    fn export_totp(&self, dir: &Path, counts: &mut BTreeMap<String, u64>) -> Result<()> {
        let mut out = LinesOut::create(dir, "totp.jsonl")?;
        if let Some(table) = self.open_for_export(schema::TOTP)? {
            for entry in table.iter()? {
                let (user, value) = entry?;
                out.line(&TotpLine {
                    user: user.value(),
                    totp: decode(value.value())?,
                })?;
            }
        }
        out.finish(counts)
    }

    /// Password hashes and sessions.
    fn export_secrets(&self, dir: &Path, counts: &mut BTreeMap<String, u64>) -> Result<()> {
        let mut out = LinesOut::create(dir, "credentials.jsonl")?;
        if let Some(table) = self.open_for_export(CREDENTIALS)? {
            for entry in table.iter()? {
                let (user, value) = entry?;
                out.line(&CredentialsLine {
                    user: user.value(),
                    credentials: decode(value.value())?,
                })?;
            }
        }
        out.finish(counts)?;
        let mut out = LinesOut::create(dir, "sessions.jsonl")?;
        if let Some(table) = self.open_for_export(SESSIONS)? {
            for entry in table.iter()? {
                let (hash, value) = entry?;
                out.line(&SessionLine {
                    token_sha256: crate::hex::encode(hash.value()),
                    session: decode(value.value())?,
                })?;
            }
        }
        out.finish(counts)?;
        let mut out = LinesOut::create(dir, "passkeys.jsonl")?;
        if let Some(table) = self.open_for_export(schema::PASSKEYS)? {
            for entry in table.iter()? {
                let (id, value) = entry?;
                out.line(&PasskeyLine {
                    credential_id: crate::crypto::webauthn::encode_b64url(id.value()),
                    passkey: decode(value.value())?,
                })?;
            }
        }
        out.finish(counts)?;
        Ok(())
    }

    /// Appeal snapshots and their histories, by appeal id.
    fn export_appeals(&self, dir: &Path, counts: &mut BTreeMap<String, u64>) -> Result<()> {
        let mut appeals = LinesOut::create(dir, "appeals.jsonl")?;
        let mut events = LinesOut::create(dir, "events.jsonl")?;
        if let Some(table) = self.open_for_export(APPEALS)? {
            for entry in table.iter()? {
                let (id, value) = entry?;
                // Through the domain type, so what the domain refuses is refused here too.
                let appeal: Appeal = decode_as(value.value())?;
                appeals.line(&appeal.freeze())?;
                for event in self.events(AppealId(id.value()))? {
                    events.line(&EventLine {
                        appeal: id.value(),
                        event: event.freeze(),
                    })?;
                }
            }
        }
        appeals.finish(counts)?;
        events.finish(counts)?;
        Ok(())
    }

    /// File records, and the files as `attachments/<id>` after checking their hashes.
    fn export_attachments(&self, dir: &Path, counts: &mut BTreeMap<String, u64>) -> Result<()> {
        let attachment_dir = dir.join(ATTACHMENT_DIR);
        fs::create_dir(&attachment_dir).map_err(|e| io_error(&attachment_dir, &e))?;
        let mut out = LinesOut::create(dir, "attachments.jsonl")?;
        let mut written = Vec::new();
        if let Some(table) = self.open_for_export(ATTACHMENTS)? {
            for entry in table.iter()? {
                let meta: AttachmentMeta = decode_as(entry?.1.value())?;
                let bytes = self.attachment_bytes(meta.id)?;
                if crate::hex::encode(&Sha256::digest(&bytes)) != meta.sha256 {
                    return Err(bad_export(format!(
                        "attachment {}: its bytes do not match their SHA-256 (run `otinish check`)",
                        meta.id.0
                    )));
                }
                let path = attachment_dir.join(meta.id.0.to_string());
                write_file(&path, &bytes)?;
                written.push(path);
                out.line(&meta.freeze())?;
            }
        }
        out.finish(counts)?;
        // Synced together at the end: one journal commit makes most of them durable, where
        // a sync per file while writing costs a commit each.
        for path in &written {
            File::open(path)
                .and_then(|f| f.sync_all())
                .map_err(|e| io_error(path, &e))?;
        }
        sync_dir(&attachment_dir)
    }

    /// Delivered notices, by user and id.
    fn export_notices(&self, dir: &Path, counts: &mut BTreeMap<String, u64>) -> Result<()> {
        let mut out = LinesOut::create(dir, "notices.jsonl")?;
        if let Some(table) = self.open_for_export(NOTICES)? {
            for entry in table.iter()? {
                let (key, value) = entry?;
                out.line(&NoticeLine {
                    user: key.value().0,
                    notice: decode::<NoticeV1>(value.value())?,
                })?;
            }
        }
        out.finish(counts)?;
        Ok(())
    }

    fn open_for_export<K: redb::Key + 'static, V: redb::Value + 'static>(
        &self,
        def: redb::TableDefinition<'static, K, V>,
    ) -> Result<Option<redb::ReadOnlyTable<K, V>>> {
        match self.txn.open_table(def) {
            Ok(table) => Ok(Some(table)),
            Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// A table of domain values stored as frozen records (keyed by their id) as one file of
    /// the records' JSON, in key order.
    fn export_records_as<K: redb::Key + 'static, T: Freeze>(
        &self,
        dir: &Path,
        def: redb::TableDefinition<'static, K, &'static [u8]>,
        file: &str,
        counts: &mut BTreeMap<String, u64>,
    ) -> Result<()>
    where
        T::Record: Record,
    {
        let mut out = LinesOut::create(dir, file)?;
        if let Some(table) = self.open_for_export(def)? {
            for entry in table.iter()? {
                out.line(&decode_as::<T>(entry?.1.value())?.freeze())?;
            }
        }
        out.finish(counts)
    }

    /// A table of records (keyed by their id) as one file, in key order.
    fn export_records<K: redb::Key + 'static, T: Record>(
        &self,
        dir: &Path,
        def: redb::TableDefinition<'static, K, &'static [u8]>,
        file: &str,
        counts: &mut BTreeMap<String, u64>,
    ) -> Result<()> {
        let mut out = LinesOut::create(dir, file)?;
        if let Some(table) = self.open_for_export(def)? {
            for entry in table.iter()? {
                out.line(&decode::<T>(entry?.1.value())?)?;
            }
        }
        out.finish(counts)
    }
}

/// The audit trail, in order (ids are given again from 1, as they were). Exports from before
/// the audit trail have no audit.jsonl.
fn import_audit(tx: &mut WriteTx, dir: &Path, counts: &mut BTreeMap<String, u64>) -> Result<()> {
    if let Some(mut audit) = LinesIn::<AuditEntryV1>::open_optional(dir, "audit.jsonl")? {
        while let Some(entry) = audit.next()? {
            tx.append_audit(&thaw::<AuditEntry>(entry)?)?;
        }
        audit.finish(counts);
    }
    Ok(())
}

/// Authenticator secrets (only in exports made `--with-secrets`) and code second factors
/// (exports from before them have no file).
fn import_totp(tx: &mut WriteTx, dir: &Path, counts: &mut BTreeMap<String, u64>) -> Result<()> {
    if let Some(mut lines) = LinesIn::<StaffIinLine>::open_optional(dir, "staff_iin.jsonl")? {
        while let Some(line) = lines.next()? {
            tx.put_staff_iin(UserId(line.user), Some(&line.iin))?;
        }
        lines.finish(counts);
    }
    if let Some(mut lines) =
        LinesIn::<LanguageChosenLine>::open_optional(dir, "language_chosen.jsonl")?
    {
        while let Some(line) = lines.next()? {
            tx.mark_language_chosen(UserId(line.user))?;
        }
        lines.finish(counts);
    }
    if let Some(mut lines) = LinesIn::<CodeFactorLine>::open_optional(dir, "code_factors.jsonl")? {
        while let Some(line) = lines.next()? {
            tx.put_code_factor(UserId(line.user), Some(&thaw(line.factor)?))?;
        }
        lines.finish(counts);
    }
    if let Some(mut lines) = LinesIn::<TotpLine>::open_optional(dir, "totp.jsonl")? {
        while let Some(line) = lines.next()? {
            tx.put_totp(UserId(line.user), &thaw(line.totp)?)?;
        }
        lines.finish(counts);
    }
    Ok(())
}

fn prepare_empty_dir(dir: &Path) -> Result<()> {
    match fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(io_error(
                    dir,
                    &"the directory is not empty; export into a new one",
                ));
            }
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))
        }
        Err(e) => Err(io_error(dir, &e)),
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    File::create_new(path)
        .and_then(|mut file| file.write_all(bytes))
        .map_err(|e| io_error(path, &e))
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = File::create_new(path).map_err(|e| io_error(path, &e))?;
    file.write_all(bytes).map_err(|e| io_error(path, &e))?;
    file.sync_all().map_err(|e| io_error(path, &e))
}

fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_error(dir, &e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// One `.jsonl` file being read, one record a line.
struct LinesIn<T> {
    path: PathBuf,
    lines: io::Lines<BufReader<File>>,
    read: u64,
    _record: PhantomData<T>,
}

impl<T: DeserializeOwned> LinesIn<T> {
    fn open(dir: &Path, name: &str) -> Result<Self> {
        let path = dir.join(name);
        let file = File::open(&path).map_err(|e| io_error(&path, &e))?;
        Ok(Self {
            path,
            lines: BufReader::new(file).lines(),
            read: 0,
            _record: PhantomData,
        })
    }

    /// Opens the file if it exists.
    fn open_optional(dir: &Path, name: &str) -> Result<Option<Self>> {
        if dir.join(name).exists() {
            Self::open(dir, name).map(Some)
        } else {
            Ok(None)
        }
    }

    fn next(&mut self) -> Result<Option<T>> {
        let Some(line) = self.lines.next() else {
            return Ok(None);
        };
        let line = line.map_err(|e| io_error(&self.path, &e))?;
        self.read += 1;
        serde_json::from_str(&line)
            .map(Some)
            .map_err(|e| io_error(&self.path, &format!("line {}: {e}", self.read)))
    }

    fn finish(self, counts: &mut BTreeMap<String, u64>) {
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        counts.insert(name, self.read);
    }
}

/// Reads and checks the manifest of an export directory.
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join(MANIFEST);
    let text = fs::read_to_string(&path).map_err(|e| {
        io_error(
            &path,
            &format!("{e} (an export directory without a manifest is unfinished)"),
        )
    })?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| io_error(&path, &e))?;
    if manifest.format != FORMAT_NAME {
        return Err(bad_export(format!(
            "{}: format `{}`, expected `{FORMAT_NAME}`",
            path.display(),
            manifest.format
        )));
    }
    if manifest.format_version != FORMAT_VERSION {
        return Err(bad_export(format!(
            "{}: format version {}, this program reads version {FORMAT_VERSION}",
            path.display(),
            manifest.format_version
        )));
    }
    if manifest.schema_version > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            found: manifest.schema_version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(manifest)
}

impl Store {
    /// Loads an export into this store, which must hold no records, in one transaction:
    /// everything or nothing. Indexes are rebuilt by the ordinary write paths, histories are
    /// re-chained, and every file is checked against its SHA-256.
    pub fn import_from(&self, dir: &Path) -> Result<ImportSummary> {
        let manifest = read_manifest(dir)?;
        self.read(|tx| {
            refuse_unknown_tables(tx)?;
            if tx.holds_records()? {
                return Err(Error::Duplicate("records: import needs an empty store"));
            }
            Ok(())
        })?;
        self.write(|tx| import(tx, dir, &manifest))
    }
}

/// One settings record, by key, each as its own type.
fn import_setting(tx: &mut WriteTx, line: &SettingIn) -> Result<()> {
    let bad = |e: serde_json::Error| bad_export(format!("setting `{}`: {e}", line.key));
    let value = || line.value.clone();
    match line.key.as_str() {
        "institution" => {
            let record: InstitutionV1 = serde_json::from_value(value()).map_err(bad)?;
            tx.put_institution(&thaw::<Institution>(record)?)
        }
        "calendar" => {
            let record: CalendarV1 = serde_json::from_value(value()).map_err(bad)?;
            tx.put_calendar(&thaw::<Calendar>(record)?)
        }
        "routing" => {
            let record: Vec<RoutingRuleV1> = serde_json::from_value(value()).map_err(bad)?;
            tx.put_routing_rules(&thaw_part::<Vec<RoutingRule>>(record, RulesV1::NAME)?)
        }
        "terms" => {
            let record: BTreeMap<String, TermV1> = serde_json::from_value(value()).map_err(bad)?;
            tx.put_stored_terms(&thaw_part(record, TermsV1::NAME)?)
        }
        "extenders" => {
            let record: u8 = serde_json::from_value(value()).map_err(bad)?;
            tx.put_extenders(thaw_part::<Roles>(record, ExtendersV1::NAME)?)
        }
        "sign_in_policy" => {
            let record: SignInPolicyV1 = serde_json::from_value(value()).map_err(bad)?;
            tx.put_sign_in_policy(thaw(record)?)
        }
        other => Err(bad_export(format!("unknown settings record `{other}`"))),
    }
}

fn import(tx: &mut WriteTx, dir: &Path, manifest: &Manifest) -> Result<ImportSummary> {
    let mut counts = BTreeMap::new();
    let mut counters = LinesIn::<CounterLine>::open(dir, "counters.jsonl")?;
    let mut sequences = Vec::new();
    while let Some(line) = counters.next()? {
        sequences.push(line);
    }
    counters.finish(&mut counts);

    let mut settings = LinesIn::<SettingIn>::open(dir, "settings.jsonl")?;
    while let Some(line) = settings.next()? {
        import_setting(tx, &line)?;
    }
    settings.finish(&mut counts);

    let mut units = LinesIn::<UnitV1>::open(dir, "units.jsonl")?;
    while let Some(unit) = units.next()? {
        tx.put_unit(&thaw::<Unit>(unit)?)?;
    }
    units.finish(&mut counts);
    let mut categories = LinesIn::<CategoryV1>::open(dir, "categories.jsonl")?;
    while let Some(category) = categories.next()? {
        tx.put_category(&thaw::<Category>(category)?)?;
    }
    categories.finish(&mut counts);

    let mut secrets = BTreeMap::new();
    if let Some(mut lines) = LinesIn::<CredentialsLine>::open_optional(dir, "credentials.jsonl")? {
        while let Some(line) = lines.next()? {
            secrets.insert(UserId(line.user), thaw::<Credentials>(line.credentials)?);
        }
        lines.finish(&mut counts);
    }
    let mut without_password = 0;
    let mut users = LinesIn::<UserV1>::open(dir, "users.jsonl")?;
    while let Some(record) = users.next()? {
        let user: User = thaw(record)?;
        let credentials = secrets.remove(&user.id).unwrap_or_else(|| {
            without_password += 1;
            Credentials {
                password_hash: NO_PASSWORD.to_owned(),
            }
        });
        tx.insert_user(&user, &credentials)?;
    }
    users.finish(&mut counts);
    if let Some(user) = secrets.keys().next() {
        return Err(bad_export(format!(
            "credentials of user {} who is not in users.jsonl",
            user.0
        )));
    }
    import_sessions_and_passkeys(tx, dir, &mut counts)?;

    import_appeals(tx, dir, &mut counts)?;
    import_attachments(tx, dir, &mut counts)?;
    // Exports from before electronic signatures have no signatures.jsonl.
    if let Some(mut lines) = LinesIn::<StoredSignatureV1>::open_optional(dir, "signatures.jsonl")? {
        while let Some(record) = lines.next()? {
            let signature: StoredSignature = thaw(record)?;
            if tx.appeal(signature.appeal)?.is_none() {
                return Err(bad_export(format!(
                    "signatures.jsonl: signature of appeal id {} without its appeal",
                    signature.appeal.0
                )));
            }
            tx.put_signature(&signature)?;
        }
        lines.finish(&mut counts);
    }

    let mut outbox = LinesIn::<OutboxEntryV1>::open(dir, "outbox.jsonl")?;
    while let Some(entry) = outbox.next()? {
        let entry = thaw::<OutboxEntry>(entry)?;
        tx.table(OUTBOX)?
            .insert(entry.id, encode_as(&entry)?.as_slice())?;
    }
    outbox.finish(&mut counts);
    let mut notices = LinesIn::<NoticeLine>::open(dir, "notices.jsonl")?;
    while let Some(line) = notices.next()? {
        tx.table(NOTICES)?.insert(
            (line.user, line.notice.id),
            encode_as(&thaw::<Notice>(line.notice)?)?.as_slice(),
        )?;
    }
    notices.finish(&mut counts);
    import_audit(tx, dir, &mut counts)?;
    import_totp(tx, dir, &mut counts)?;

    // Last: the write paths above drew from some sequences; the export says where they stood.
    let mut table = tx.table(COUNTERS)?;
    for line in sequences {
        table.insert(line.name.as_str(), line.value)?;
    }
    drop(table);

    if counts != manifest.counts {
        return Err(bad_export(format!(
            "the files hold {counts:?} records, the manifest says {:?}",
            manifest.counts
        )));
    }
    Ok(ImportSummary {
        counts,
        without_password,
    })
}

/// Sessions and passkeys (exports with secrets only), after the accounts they belong to.
/// Exports from before passkeys have no `passkeys.jsonl`.
fn import_sessions_and_passkeys(
    tx: &mut WriteTx,
    dir: &Path,
    counts: &mut BTreeMap<String, u64>,
) -> Result<()> {
    if let Some(mut lines) = LinesIn::<SessionLine>::open_optional(dir, "sessions.jsonl")? {
        while let Some(line) = lines.next()? {
            let hash = hash_from_hex(&line.token_sha256)
                .ok_or_else(|| bad_export(format!("session hash `{}`", line.token_sha256)))?;
            tx.insert_session(&hash, &thaw(line.session)?)?;
        }
        lines.finish(counts);
    }
    if let Some(mut lines) = LinesIn::<PasskeyLine>::open_optional(dir, "passkeys.jsonl")? {
        while let Some(line) = lines.next()? {
            let id = crate::crypto::webauthn::decode_b64url(&line.credential_id).map_err(|_| {
                bad_export(format!("passkey credential id `{}`", line.credential_id))
            })?;
            tx.put_passkey(&id, &thaw(line.passkey)?)?;
        }
        lines.finish(counts);
    }
    Ok(())
}

/// A SHA-256 from its 64 hex digits.
fn hash_from_hex(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 {
        return None;
    }
    let mut hash = [0u8; 32];
    for (i, byte) in hash.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(hash)
}

/// Appeals with their histories: the snapshot must be the fold of the history; the first event
/// goes in with `insert_appeal`, every further one with `update_appeal`, which re-chain the
/// history and write every index.
fn import_appeals(tx: &mut WriteTx, dir: &Path, counts: &mut BTreeMap<String, u64>) -> Result<()> {
    let mut appeals = LinesIn::<AppealV1>::open(dir, "appeals.jsonl")?;
    let mut events = LinesIn::<EventLine>::open(dir, "events.jsonl")?;
    let mut pending = events.next()?;
    while let Some(record) = appeals.next()? {
        let appeal: Appeal = thaw(record)?;
        let mut history: Vec<Event> = Vec::new();
        while let Some(line) = pending.take() {
            if line.appeal != appeal.id.0 {
                pending = Some(line);
                break;
            }
            history.push(thaw_part(line.event, "appeal event")?);
            pending = events.next()?;
        }
        if Appeal::fold(history.iter().map(|e| &e.change)).as_ref() != Some(&appeal) {
            return Err(bad_export(format!(
                "appeal {}: its history does not fold to its snapshot (or is not in order)",
                appeal.number
            )));
        }
        let mut steps = history.iter();
        if let Some(first) = steps.next() {
            tx.insert_appeal(&appeal, first)?;
        }
        for event in steps {
            tx.update_appeal(&appeal, &appeal, event)?;
        }
    }
    if let Some(line) = pending {
        return Err(bad_export(format!(
            "events.jsonl: history of appeal id {} without its appeal, or out of order",
            line.appeal
        )));
    }
    appeals.finish(counts);
    events.finish(counts);
    Ok(())
}

/// Files keep their ids: the `attachment` sequence is set just below each id before
/// `insert_attachment` draws it, and the id drawn is checked.
fn import_attachments(
    tx: &mut WriteTx,
    dir: &Path,
    counts: &mut BTreeMap<String, u64>,
) -> Result<()> {
    let mut metas = LinesIn::<AttachmentMetaV1>::open(dir, "attachments.jsonl")?;
    while let Some(record) = metas.next()? {
        let meta: AttachmentMeta = thaw(record)?;
        let path = dir.join(ATTACHMENT_DIR).join(meta.id.0.to_string());
        let bytes = fs::read(&path).map_err(|e| io_error(&path, &e))?;
        if crate::hex::encode(&Sha256::digest(&bytes)) != meta.sha256 {
            return Err(bad_export(format!(
                "{}: the bytes do not match the SHA-256 in attachments.jsonl",
                path.display()
            )));
        }
        tx.table(COUNTERS)?
            .insert("attachment", meta.id.0.saturating_sub(1))?;
        let stored = tx.insert_attachment(
            meta.appeal,
            meta.uploaded_by,
            &NewAttachment {
                name: meta.name.clone(),
                file_type: meta.file_type,
                bytes: bytes.into(),
            },
        )?;
        let again = tx.attachment(stored.id)?;
        if stored.id != meta.id || again.as_ref() != Some(&meta) {
            return Err(bad_export(format!(
                "attachment {}: stored differently from its line in attachments.jsonl",
                meta.id.0
            )));
        }
    }
    metas.finish(counts);
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::store::integrity::tests::populated_store;

    fn options(with_secrets: bool) -> ExportOptions {
        ExportOptions {
            with_secrets,
            created_at: "2026-03-02T05:00:00Z".parse().unwrap(),
        }
    }

    /// Every file of a directory tree, by relative path.
    fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut todo = vec![dir.to_owned()];
        while let Some(next) = todo.pop() {
            for entry in fs::read_dir(&next).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    todo.push(path);
                } else {
                    let name = path
                        .strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    out.insert(name, fs::read(&path).unwrap());
                }
            }
        }
        out
    }

    #[test]
    fn every_table_has_a_place_in_the_format() {
        for name in schema::table_names() {
            assert!(
                part(&name).is_some(),
                "table `{name}`: say in store/export.rs how it is exported (or that import rebuilds it)"
            );
        }
    }

    #[test]
    fn export_import_export_gives_identical_files_with_secrets() {
        round_trip(true);
    }

    #[test]
    fn export_import_export_gives_identical_files_without_secrets() {
        round_trip(false);
    }

    fn round_trip(with_secrets: bool) {
        let dir = tempfile::tempdir().unwrap();
        let store = populated_store();
        store
            .read(|tx| tx.export_to(&dir.path().join("first"), &options(with_secrets)))
            .unwrap();
        let copy = Store::in_memory().unwrap();
        let summary = copy.import_from(&dir.path().join("first")).unwrap();
        assert_eq!(summary.without_password > 0, !with_secrets);
        assert_eq!(copy.check().unwrap().problems, vec![]);
        copy.read(|tx| tx.export_to(&dir.path().join("second"), &options(with_secrets)))
            .unwrap();
        let (first, second) = (
            files(&dir.path().join("first")),
            files(&dir.path().join("second")),
        );
        assert_eq!(
            first.keys().collect::<Vec<_>>(),
            second.keys().collect::<Vec<_>>()
        );
        for (name, bytes) in &first {
            assert!(
                bytes == &second[name],
                "{name} differs after the round trip"
            );
        }
        assert_eq!(first.contains_key("credentials.jsonl"), with_secrets);
        assert!(first.keys().any(|k| k.starts_with("attachments/")));
    }

    #[test]
    fn import_refuses_a_store_that_holds_records() {
        let dir = tempfile::tempdir().unwrap();
        let store = populated_store();
        store
            .read(|tx| tx.export_to(dir.path(), &options(true)))
            .unwrap();
        let err = store.import_from(dir.path()).unwrap_err();
        assert!(err.to_string().contains("empty store"), "{err}");
    }

    #[test]
    fn import_refuses_a_file_whose_hash_does_not_match_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        populated_store()
            .read(|tx| tx.export_to(dir.path(), &options(true)))
            .unwrap();
        fs::write(dir.path().join("attachments/1"), b"%PDF-1.4 forged").unwrap();
        let store = Store::in_memory().unwrap();
        let err = store.import_from(dir.path()).unwrap_err();
        assert!(err.to_string().contains("SHA-256"), "{err}");
        assert!(!store.read(|tx| tx.holds_records()).unwrap());
    }

    #[test]
    fn export_refuses_a_directory_that_is_not_empty() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("x"), b"x").unwrap();
        let err = populated_store()
            .read(|tx| tx.export_to(dir.path(), &options(false)))
            .unwrap_err();
        assert!(err.to_string().contains("not empty"), "{err}");
    }
}
