//! `check`: the store agrees with itself.
//!
//! Every record decodes; every index entry points to a record and every record has its index
//! entries; every appeal's history chain holds and folds to its snapshot; files match their
//! hashes; sequences are ahead of the ids they handed out. The appeal indexes are checked by
//! replaying `registry::write_indexes` for every appeal into a scratch store in memory and
//! comparing table by table, so an index added there is checked without a change here.
//! This module only reads the store; it reports problems, it never repairs them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use redb::{Database, ReadableTable, ReadableTableMetadata, TableHandle};
use sha2::{Digest, Sha256};

use super::appeals::AppealReads;
use super::attachments::{AttachmentMeta, AttachmentReads};
use super::backup::unknown_tables;
use super::codec::{Record, decode, decode_as};
use super::notices::{Notice, OutboxEntry};
use super::schema::{
    self, APPEAL_BY_NUMBER, APPEAL_EVENTS, APPEALS, ATTACHMENT_CHUNKS, ATTACHMENTS, CATEGORIES,
    COUNTERS, CREDENTIALS, NOTICES, OUTBOX, SETTINGS, TableVisitor, UNITS, USER_BY_LOGIN, USERS,
};

mod sign_in;
use super::records::settings_v1::{CategoryV1, UnitV1};
use super::totp::TotpReads;
use super::users::{Credentials, LoginKey};
use super::{
    Error, PolicyReads, ReadTx, Result, RoutingReads, SettingsReads, Store, TermReads, WriteTx,
    registry,
};
use crate::domain::appeal::{Appeal, AppealId, AttachmentId};
use crate::domain::registration_number::RegistrationNumber;
use crate::domain::user::User;

/// Problems kept in a report; past this the store is beyond a list.
const MAX_PROBLEMS: usize = 10_000;

/// What `check` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntegrityReport {
    /// The schema version recorded in the file.
    pub schema_version: Option<u32>,
    /// For a copy from an older schema: its version (it was checked after migrating a scratch
    /// copy to `schema_version`).
    pub migrated_from: Option<u32>,
    /// Entries per table, in schema order.
    pub tables: Vec<(String, u64)>,
    /// Everything that does not hold, in the order found (at most 10,000).
    pub problems: Vec<Problem>,
}

impl IntegrityReport {
    /// Whether nothing was found wrong.
    pub fn is_healthy(&self) -> bool {
        self.problems.is_empty()
    }

    /// Entries of one table (0 for a table never written).
    pub fn entries(&self, table: &str) -> u64 {
        self.tables
            .iter()
            .find(|(name, _)| name == table)
            .map_or(0, |(_, n)| *n)
    }
}

/// One thing that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What it concerns: `appeal ЖТ-2026-00000003`, `user 5`, `table idx_status`, …
    pub subject: String,
    /// What is wrong.
    pub detail: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.detail)
    }
}

impl Store {
    /// Checks the whole store on one snapshot.
    pub fn check(&self) -> Result<IntegrityReport> {
        self.read(|tx| tx.check_integrity())
    }
}

impl ReadTx {
    /// Checks the whole snapshot. An `Err` means the file could not be read at all; anything
    /// wrong inside it is a [`Problem`] in the report.
    pub fn check_integrity(&self) -> Result<IntegrityReport> {
        let mut check = Checker {
            tx: self,
            problems: Vec::new(),
            floors: BTreeMap::new(),
        };
        let tables = table_sizes(&self.txn)?;
        for name in unknown_tables(&self.txn)? {
            check.problem(
                format!("table {name}"),
                "is not in the schema: this program can neither check nor copy it",
            );
        }
        let schema_version = match self.schema_version() {
            Ok(None) => {
                check.problem("table meta", "records no schema version");
                None
            }
            Ok(version) => version,
            Err(e) => {
                check.problem("table meta", e.to_string());
                None
            }
        };
        check.settings()?;
        let units = check.keyed_records::<u32, UnitV1>(UNITS, "unit", |u| u64::from(u.id))?;
        let categories =
            check.keyed_records::<u32, CategoryV1>(CATEGORIES, "category", |c| u64::from(c.id))?;
        let users = check.users()?;
        check.sessions(&users)?;
        check.passkeys(&users)?;
        let known = Known {
            units,
            categories,
            users,
        };
        let appeals = check.appeals(&known)?;
        check.history_without_appeal(&appeals)?;
        check.number_index(&appeals)?;
        check.attachments(&appeals)?;
        check.signatures(&appeals)?;
        check.notices(&known.users, &appeals)?;
        check.counters()?;
        for (subject, detail) in super::TallyReads::check_tallies(self)? {
            check.problem(subject, detail);
        }
        check.security(&known.users)?;
        Ok(IntegrityReport {
            schema_version,
            migrated_from: None,
            tables,
            problems: check.problems,
        })
    }
}

/// Entries per listed table.
fn table_sizes(txn: &redb::ReadTransaction) -> Result<Vec<(String, u64)>> {
    struct Sizes<'a> {
        txn: &'a redb::ReadTransaction,
        sizes: Vec<(String, u64)>,
    }
    impl TableVisitor for Sizes<'_> {
        type Error = Error;
        fn table<K: redb::Key + 'static, V: redb::Value + 'static>(
            &mut self,
            def: redb::TableDefinition<'static, K, V>,
        ) -> Result<()> {
            let entries = match self.txn.open_table(def) {
                Ok(table) => table.len()?,
                Err(redb::TableError::TableDoesNotExist(_)) => 0,
                Err(e) => return Err(e.into()),
            };
            self.sizes.push((def.name().to_owned(), entries));
            Ok(())
        }
    }
    let mut sizes = Sizes {
        txn,
        sizes: Vec::new(),
    };
    schema::visit_tables(&mut sizes)?;
    Ok(sizes.sizes)
}

/// Ids of the records other records point to.
struct Known {
    units: BTreeSet<u64>,
    categories: BTreeSet<u64>,
    users: BTreeSet<u64>,
}

/// What the appeal pass learned, for the passes after it.
struct Appeals {
    /// Every key of the appeals table, decodable or not.
    keys: BTreeSet<u64>,
    /// Registration numbers of the appeals that decoded.
    numbers: BTreeMap<u64, RegistrationNumber>,
    /// Attachments the appeals refer to.
    attachment_refs: Vec<(u64, AttachmentId)>,
}

impl Appeals {
    fn subject(&self, id: u64) -> String {
        self.numbers
            .get(&id)
            .map_or_else(|| format!("appeal id {id}"), |n| format!("appeal {n}"))
    }
}

struct Checker<'a> {
    tx: &'a ReadTx,
    problems: Vec<Problem>,
    /// Sequence name → the highest id it must have handed out.
    floors: BTreeMap<String, u64>,
}

impl Checker<'_> {
    fn problem(&mut self, subject: impl Into<String>, detail: impl Into<String>) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(Problem {
                subject: subject.into(),
                detail: detail.into(),
            });
        }
    }

    fn floor(&mut self, sequence: String, id: u64) {
        let floor = self.floors.entry(sequence).or_default();
        *floor = (*floor).max(id);
    }

    fn open<K: redb::Key + 'static, V: redb::Value + 'static>(
        &self,
        def: redb::TableDefinition<'static, K, V>,
    ) -> Result<Option<redb::ReadOnlyTable<K, V>>> {
        match self.tx.txn.open_table(def) {
            Ok(table) => Ok(Some(table)),
            Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn settings(&mut self) -> Result<()> {
        let Some(table) = self.open(SETTINGS)? else {
            return Ok(());
        };
        for entry in table.iter()? {
            let (key, value) = entry?;
            let key = key.value();
            drop(value);
            // Each settings record is read through its own accessor, which decodes it.
            let decoded = match key {
                "institution" => self.tx.institution().map(drop),
                "calendar" => self.tx.calendar().map(drop),
                "routing" => self.tx.routing_rules().map(drop),
                "terms" => self.tx.stored_terms().map(drop),
                "extenders" => self.tx.extenders().map(drop),
                "sign_in_policy" => self.tx.sign_in_policy().map(drop),
                other => {
                    self.problem(
                        format!("setting {other}"),
                        "is unknown to the check; add it to store/integrity.rs",
                    );
                    continue;
                }
            };
            if let Err(e) = decoded {
                self.problem(format!("setting {key}"), e.to_string());
            }
        }
        Ok(())
    }

    /// Decodes a table of records keyed by their own id; returns the ids.
    fn keyed_records<K, T>(
        &mut self,
        def: redb::TableDefinition<'static, K, &'static [u8]>,
        sequence: &'static str,
        id_of: impl Fn(&T) -> u64,
    ) -> Result<BTreeSet<u64>>
    where
        K: redb::Key + 'static,
        for<'k> K::SelfType<'k>: Into<u64>,
        T: Record,
    {
        let mut ids = BTreeSet::new();
        let Some(table) = self.open(def)? else {
            return Ok(ids);
        };
        for entry in table.iter()? {
            let (key, value) = entry?;
            let key: u64 = key.value().into();
            match decode::<T>(value.value()) {
                Ok(record) if id_of(&record) == key => {
                    ids.insert(key);
                }
                Ok(record) => self.problem(
                    format!("{sequence} {key}"),
                    format!("is stored under the id of {}", id_of(&record)),
                ),
                Err(e) => self.problem(format!("{sequence} {key}"), e.to_string()),
            }
            self.floor(sequence.to_owned(), key);
        }
        Ok(ids)
    }

    fn users(&mut self) -> Result<BTreeSet<u64>> {
        let mut login_of: BTreeMap<u64, String> = BTreeMap::new();
        if let Some(table) = self.open(USERS)? {
            for entry in table.iter()? {
                let (key, value) = entry?;
                let id = key.value();
                self.floor("user".into(), id);
                match super::codec::decode_as::<User>(value.value()) {
                    Ok(user) if user.id.0 == id => {
                        login_of.insert(id, LoginKey::of(&user.account).encode());
                    }
                    Ok(user) => self.problem(
                        format!("user {id}"),
                        format!("is stored under the id of {}", user.id.0),
                    ),
                    Err(e) => self.problem(format!("user {id}"), e.to_string()),
                }
            }
        }
        let mut indexed: BTreeMap<u64, String> = BTreeMap::new();
        if let Some(table) = self.open(USER_BY_LOGIN)? {
            for entry in table.iter()? {
                let (key, value) = entry?;
                let (login, id) = (key.value().to_owned(), value.value());
                if login_of.get(&id) == Some(&login) {
                    indexed.insert(id, login);
                } else {
                    self.problem(
                        format!("sign-in name {login}"),
                        format!("user_by_login points to user {id}, whose sign-in name differs"),
                    );
                }
            }
        }
        for (id, login) in &login_of {
            if !indexed.contains_key(id) {
                self.problem(
                    format!("user {id}"),
                    format!("user_by_login has no entry {login}"),
                );
            }
        }
        let users: BTreeSet<u64> = login_of.keys().copied().collect();
        let mut with_credentials = BTreeSet::new();
        if let Some(table) = self.open(CREDENTIALS)? {
            for entry in table.iter()? {
                let (key, value) = entry?;
                let id = key.value();
                if let Err(e) = decode_as::<Credentials>(value.value()) {
                    self.problem(format!("user {id}"), format!("credentials: {e}"));
                }
                if !users.contains(&id) {
                    self.problem(format!("user {id}"), "has credentials but no record");
                }
                with_credentials.insert(id);
            }
        }
        for id in users.difference(&with_credentials) {
            self.problem(format!("user {id}"), "has no credentials");
        }
        Ok(users)
    }

    /// Signatures decode, sit under their own appeal and step, and belong to an appeal.
    fn signatures(&mut self, appeals: &Appeals) -> Result<()> {
        let Some(table) = self.open(schema::SIGNATURES)? else {
            return Ok(());
        };
        for entry in table.iter()? {
            let (key, value) = entry?;
            let (appeal, event) = key.value();
            let subject = format!("signature of {} step {event}", appeals.subject(appeal));
            match decode_as::<super::signatures::StoredSignature>(value.value()) {
                Ok(s) if (s.appeal.0, s.event) != (appeal, event) => self.problem(
                    subject,
                    format!("is stored under the key of {} step {}", s.appeal.0, s.event),
                ),
                Ok(_) if !appeals.keys.contains(&appeal) => {
                    self.problem(subject, "belongs to no appeal");
                }
                Ok(_) => {}
                Err(e) => self.problem(subject, e.to_string()),
            }
        }
        Ok(())
    }

    fn appeals(&mut self, known: &Known) -> Result<Appeals> {
        let mut appeals = Appeals {
            keys: BTreeSet::new(),
            numbers: BTreeMap::new(),
            attachment_refs: Vec::new(),
        };
        let scratch_db = Database::builder()
            .set_cache_size(64 * 1024 * 1024)
            .create_with_backend(redb::backends::InMemoryBackend::new())?;
        let mut expected = WriteTx {
            txn: scratch_db.begin_write()?,
            zone: super::default_zone(),
        };
        let by_number = self.open(APPEAL_BY_NUMBER)?;
        if let Some(table) = self.open(APPEALS)? {
            for entry in table.iter()? {
                let (key, value) = entry?;
                let id = key.value();
                appeals.keys.insert(id);
                self.floor("appeal".into(), id);
                let appeal: Appeal = match super::codec::decode_as(value.value()) {
                    Ok(appeal) => appeal,
                    Err(e) => {
                        self.problem(format!("appeal id {id}"), e.to_string());
                        continue;
                    }
                };
                let subject = format!("appeal {}", appeal.number);
                if appeal.id.0 != id {
                    self.problem(
                        &subject,
                        format!("is stored under id {id}, not {}", appeal.id.0),
                    );
                }
                appeals.numbers.insert(id, appeal.number);
                self.floor(
                    RegistrationNumber::counter_key(appeal.number.kind, appeal.number.year),
                    u64::from(appeal.number.seq),
                );
                let number = appeal.number.to_string();
                match by_number
                    .as_ref()
                    .map(|t| t.get(number.as_str()))
                    .transpose()?
                    .flatten()
                    .map(|v| v.value())
                {
                    Some(found) if found == id => {}
                    Some(found) => self.problem(
                        &subject,
                        format!("appeal_by_number points to appeal id {found} instead"),
                    ),
                    None => self.problem(&subject, "appeal_by_number has no entry for it"),
                }
                self.history(&subject, &appeal)?;
                self.references(&subject, &appeal, known);
                appeals
                    .attachment_refs
                    .extend(appeal.attachments.iter().map(|a| (id, a.id)));
                registry::write_indexes(&mut expected, &appeal)?;
            }
        }
        let mut comparer = IndexComparer {
            real: &self.tx.txn,
            expected: &expected.txn,
            appeals: &appeals,
            problems: Vec::new(),
        };
        schema::visit_tables(&mut comparer)?;
        for problem in comparer.problems {
            self.problem(problem.subject, problem.detail);
        }
        Ok(appeals)
    }

    /// The hash chain holds, and the history folds to the snapshot.
    fn history(&mut self, subject: &str, appeal: &Appeal) -> Result<()> {
        match self.tx.verify_chain(appeal.id) {
            Ok(None) => {}
            Ok(Some(broken)) => {
                self.problem(
                    subject,
                    format!("history chain broken at event {}", broken.seq),
                );
                return Ok(());
            }
            Err(e @ Error::Corrupt { .. }) => {
                self.problem(subject, format!("history: {e}"));
                return Ok(());
            }
            Err(e) => return Err(e),
        }
        let events = self.tx.events(appeal.id)?;
        if events.len() != appeal.events as usize {
            self.problem(
                subject,
                format!(
                    "the snapshot counts {} events, the history holds {}",
                    appeal.events,
                    events.len()
                ),
            );
        }
        match Appeal::fold(events.iter().map(|e| &e.change)) {
            Some(folded) if folded == *appeal => {}
            Some(_) => self.problem(subject, "the snapshot differs from the fold of its history"),
            None => self.problem(subject, "the history does not begin with the registration"),
        }
        Ok(())
    }

    fn references(&mut self, subject: &str, appeal: &Appeal, known: &Known) {
        if let Some(owner) = appeal.owner
            && !known.users.contains(&owner.0)
        {
            self.problem(
                subject,
                format!("its owner, user {}, does not exist", owner.0),
            );
        }
        if !known.units.contains(&u64::from(appeal.unit.0)) {
            self.problem(
                subject,
                format!("its unit {} does not exist", appeal.unit.0),
            );
        }
        if !known.categories.contains(&u64::from(appeal.category.0)) {
            self.problem(
                subject,
                format!("its category {} does not exist", appeal.category.0),
            );
        }
    }

    fn history_without_appeal(&mut self, appeals: &Appeals) -> Result<()> {
        let Some(table) = self.open(APPEAL_EVENTS)? else {
            return Ok(());
        };
        let mut reported = BTreeSet::new();
        for entry in table.iter()? {
            let id = entry?.0.value().0;
            if !appeals.keys.contains(&id) && reported.insert(id) {
                self.problem(
                    format!("appeal id {id}"),
                    "has a history but no appeal record",
                );
            }
        }
        Ok(())
    }

    fn number_index(&mut self, appeals: &Appeals) -> Result<()> {
        let Some(table) = self.open(APPEAL_BY_NUMBER)? else {
            return Ok(());
        };
        for entry in table.iter()? {
            let (key, value) = entry?;
            let (number, id) = (key.value(), value.value());
            let actual = appeals.numbers.get(&id).map(ToString::to_string);
            if actual.as_deref() != Some(number) {
                self.problem(
                    format!("appeal {number}"),
                    format!("appeal_by_number points to appeal id {id}, which has another number or none"),
                );
            }
        }
        Ok(())
    }

    fn attachments(&mut self, appeals: &Appeals) -> Result<()> {
        let mut metas = BTreeSet::new();
        if let Some(table) = self.open(ATTACHMENTS)? {
            for entry in table.iter()? {
                let (key, value) = entry?;
                let id = key.value();
                metas.insert(id);
                self.floor("attachment".into(), id);
                let subject = format!("attachment {id}");
                let meta: AttachmentMeta = match decode_as(value.value()) {
                    Ok(meta) => meta,
                    Err(e) => {
                        self.problem(subject, e.to_string());
                        continue;
                    }
                };
                if meta.id.0 != id {
                    self.problem(&subject, format!("is stored under the id of {}", meta.id.0));
                }
                if !appeals.keys.contains(&meta.appeal.0) {
                    self.problem(
                        &subject,
                        format!("belongs to missing appeal id {}", meta.appeal.0),
                    );
                }
                let bytes = self.tx.attachment_bytes(AttachmentId(id))?;
                if bytes.len() as u64 != meta.size {
                    self.problem(
                        &subject,
                        format!("holds {} bytes, its record says {}", bytes.len(), meta.size),
                    );
                } else if crate::hex::encode(&Sha256::digest(&bytes)) != meta.sha256 {
                    self.problem(&subject, "its bytes do not match their SHA-256");
                }
            }
        }
        if let Some(table) = self.open(ATTACHMENT_CHUNKS)? {
            let mut reported = BTreeSet::new();
            for entry in table.iter()? {
                let id = entry?.0.value().0;
                if !metas.contains(&id) && reported.insert(id) {
                    self.problem(format!("attachment {id}"), "has bytes but no record");
                }
            }
        }
        for (appeal, attachment) in &appeals.attachment_refs {
            if !metas.contains(&attachment.0) {
                self.problem(
                    appeals.subject(*appeal),
                    format!("its file {} does not exist", attachment.0),
                );
            }
        }
        Ok(())
    }

    fn notices(&mut self, users: &BTreeSet<u64>, appeals: &Appeals) -> Result<()> {
        if let Some(table) = self.open(OUTBOX)? {
            for entry in table.iter()? {
                let (key, value) = entry?;
                let id = key.value();
                self.floor("outbox".into(), id);
                let subject = format!("outbox entry {id}");
                match decode_as::<OutboxEntry>(value.value()) {
                    Ok(e) => {
                        self.notice_refs(&subject, id, e.id, e.user.0, e.appeal, users, appeals);
                    }
                    Err(e) => self.problem(subject, e.to_string()),
                }
            }
        }
        if let Some(table) = self.open(NOTICES)? {
            for entry in table.iter()? {
                let (key, value) = entry?;
                let (user, id) = key.value();
                self.floor("outbox".into(), id);
                let subject = format!("notice {id} of user {user}");
                match decode_as::<Notice>(value.value()) {
                    Ok(n) => self.notice_refs(&subject, id, n.id, user, n.appeal, users, appeals),
                    Err(e) => self.problem(subject, e.to_string()),
                }
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn notice_refs(
        &mut self,
        subject: &str,
        key: u64,
        id: u64,
        user: u64,
        appeal: AppealId,
        users: &BTreeSet<u64>,
        appeals: &Appeals,
    ) {
        if key != id {
            self.problem(subject, format!("is stored under the id of {id}"));
        }
        if !users.contains(&user) {
            self.problem(subject, format!("is for missing user {user}"));
        }
        if !appeals.keys.contains(&appeal.0) {
            self.problem(subject, format!("is about missing appeal id {}", appeal.0));
        }
    }

    /// Every sequence is at least the highest id it handed out, or the next record collides.
    fn counters(&mut self) -> Result<()> {
        let mut counters = BTreeMap::new();
        if let Some(table) = self.open(COUNTERS)? {
            for entry in table.iter()? {
                let (key, value) = entry?;
                counters.insert(key.value().to_owned(), value.value());
            }
        }
        let floors = std::mem::take(&mut self.floors);
        for (name, floor) in floors {
            let value = counters.get(&name).copied().unwrap_or(0);
            if value < floor {
                self.problem(
                    format!("sequence {name}"),
                    format!(
                        "stands at {value}, but {floor} is taken: the next record would collide"
                    ),
                );
            }
        }
        Ok(())
    }
}

/// Compares every appeal index of the store with the one the appeals imply.
struct IndexComparer<'a> {
    real: &'a redb::ReadTransaction,
    expected: &'a redb::WriteTransaction,
    appeals: &'a Appeals,
    problems: Vec<Problem>,
}

impl TableVisitor for IndexComparer<'_> {
    type Error = Error;

    fn table<K: redb::Key + 'static, V: redb::Value + 'static>(
        &mut self,
        def: redb::TableDefinition<'static, K, V>,
    ) -> Result<()> {
        let name = def.name().to_owned();
        let expected = self.expected.open_table(def)?;
        // Derived from appeals: what `write_indexes` wrote, and every `idx_` table (which may
        // be empty in the replay yet hold stray entries in the store).
        if !(name.starts_with("idx_") || name == "appeal_rows" || expected.len()? > 0) {
            return Ok(());
        }
        let real = match self.real.open_table(def) {
            Ok(table) => Some(table),
            Err(redb::TableError::TableDoesNotExist(_)) => None,
            Err(e) => return Err(e.into()),
        };
        let mut real_entries = real.as_ref().map(ReadableTable::iter).transpose()?;
        let mut expected_entries = Some(expected.iter()?);
        let mut r = next_entry(&mut real_entries)?;
        let mut e = next_entry(&mut expected_entries)?;
        loop {
            let order = match (&r, &e) {
                (None, None) => break,
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some(a), Some(b)) => K::compare(&a.0, &b.0),
            };
            match order {
                std::cmp::Ordering::Less => {
                    if let Some((key, _)) = &r {
                        let shown = format!("{:?}", K::from_bytes(key));
                        self.report(
                            &shown,
                            format!("{name} holds {shown}, which no appeal implies"),
                        );
                    }
                    r = next_entry(&mut real_entries)?;
                }
                std::cmp::Ordering::Greater => {
                    if let Some((key, _)) = &e {
                        let shown = format!("{:?}", K::from_bytes(key));
                        self.report(&shown, format!("{name} lacks the entry {shown}"));
                    }
                    e = next_entry(&mut expected_entries)?;
                }
                std::cmp::Ordering::Equal => {
                    if let (Some((key, a)), Some((_, b))) = (&r, &e)
                        && a != b
                    {
                        let shown = format!("{:?}", K::from_bytes(key));
                        self.report(
                            &shown,
                            format!("{name} entry {shown} differs from what the appeal implies"),
                        );
                    }
                    r = next_entry(&mut real_entries)?;
                    e = next_entry(&mut expected_entries)?;
                }
            }
        }
        Ok(())
    }
}

impl IndexComparer<'_> {
    /// Index keys end in the appeal id (see `schema`), so the printed key names the appeal.
    fn report(&mut self, shown_key: &str, detail: String) {
        let id = shown_key
            .trim_end_matches(')')
            .rsplit(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|digits| digits.parse::<u64>().ok());
        let subject = match id {
            Some(id) if self.appeals.keys.contains(&id) => self.appeals.subject(id),
            Some(id) => format!("appeal id {id}"),
            None => "appeal indexes".to_owned(),
        };
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(Problem { subject, detail });
        }
    }
}

/// The next entry of a table walk as owned key and value bytes.
fn next_entry<K: redb::Key + 'static, V: redb::Value + 'static>(
    range: &mut Option<redb::Range<'_, K, V>>,
) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
    let Some(range) = range else {
        return Ok(None);
    };
    match range.next() {
        None => Ok(None),
        Some(entry) => {
            let (key, value) = entry?;
            let key = K::as_bytes(&key.value()).as_ref().to_vec();
            let value = V::as_bytes(&value.value()).as_ref().to_vec();
            Ok(Some((key, value)))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::config::Config;
    use crate::service::{Ctx, Rules, auth, seed};
    use crate::store::schema::IDX_STATUS;

    /// A store filled through the service layer: settings, staff, applicants, appeals in
    /// several states with files, and a session.
    pub(crate) fn populated_store() -> Store {
        let store = Store::in_memory().unwrap();
        let now: jiff::Timestamp = "2026-03-02T05:00:00Z".parse().unwrap();
        let ctx = Ctx::new(
            store.clone(),
            Clock::fixed(now),
            Rules::from_config(&Config::default()),
        );
        seed::seed(&ctx, 12, now).unwrap();
        auth::sign_in(&ctx, "clerk", seed::DEMO_PASSWORD, "127.0.0.1", "test").unwrap();
        store
    }

    fn first_appeal(store: &Store) -> Appeal {
        store.read(|tx| tx.appeal(AppealId(3))).unwrap().unwrap()
    }

    #[test]
    fn a_store_filled_through_the_service_layer_is_healthy() {
        let report = populated_store().check().unwrap();
        assert_eq!(report.problems, vec![], "expected no problems");
        assert_eq!(report.schema_version, Some(schema::SCHEMA_VERSION));
        assert_eq!(report.entries("appeals"), 12);
        assert!(report.entries("appeal_events") > 12);
        assert!(report.entries("attachments") > 0);
        assert!(report.entries("sessions") > 0);
    }

    #[test]
    fn a_missing_index_entry_names_the_appeal() {
        let store = populated_store();
        let appeal = first_appeal(&store);
        store
            .write(|tx| {
                tx.table(IDX_STATUS)?
                    .remove((appeal.status.index(), appeal.id.0))?;
                Ok::<_, Error>(())
            })
            .unwrap();
        let report = store.check().unwrap();
        assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
        let problem = report.problems[0].to_string();
        assert!(
            problem.starts_with(&format!("appeal {}: idx_status lacks", appeal.number)),
            "{problem}"
        );
    }

    #[test]
    fn an_index_entry_without_its_appeal_is_reported() {
        let store = populated_store();
        store
            .write(|tx| {
                tx.table(IDX_STATUS)?.insert((0, 999), ())?;
                Ok::<_, Error>(())
            })
            .unwrap();
        let report = store.check().unwrap();
        assert_eq!(
            report.problems,
            vec![Problem {
                subject: "appeal id 999".into(),
                detail: "idx_status holds (0, 999), which no appeal implies".into()
            }]
        );
    }

    #[test]
    fn a_rewritten_event_names_the_appeal_and_the_step() {
        let store = populated_store();
        let appeal = first_appeal(&store);
        let mut events = store.read(|tx| tx.events(appeal.id)).unwrap();
        assert!(events.len() >= 2, "the sample appeal has a history");
        let mut event = events.remove(1);
        event.at = event.at.checked_add(jiff::Span::new().hours(1)).unwrap();
        store
            .write(|tx| tx.tamper_event(appeal.id, &event))
            .unwrap();
        let report = store.check().unwrap();
        assert_eq!(
            report.problems,
            vec![Problem {
                subject: format!("appeal {}", appeal.number),
                detail: "history chain broken at event 1".into()
            }]
        );
    }

    #[test]
    fn a_sequence_behind_its_records_is_reported() {
        let store = populated_store();
        store
            .write(|tx| {
                tx.table(COUNTERS)?.insert("appeal", 5)?;
                Ok::<_, Error>(())
            })
            .unwrap();
        let report = store.check().unwrap();
        assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
        assert_eq!(report.problems[0].subject, "sequence appeal");
    }

    #[test]
    fn undecodable_records_are_reported_not_fatal() {
        let store = populated_store();
        store
            .write(|tx| {
                tx.table(USERS)?.insert(1, [1u8, 0xff].as_slice())?;
                Ok::<_, Error>(())
            })
            .unwrap();
        let report = store.check().unwrap();
        assert!(
            report.problems.iter().any(|p| p.subject == "user 1"),
            "{:?}",
            report.problems
        );
    }
}
