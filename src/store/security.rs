//! Sign-in failures per name (for the lockout) and the append-only security audit trail.

use jiff::Timestamp;

use super::LoginKey;
use super::codec::{decode_as, encode_as};
use super::schema::{AUDIT, SIGN_IN_FAILURES};
use super::{Result, Tx, WriteTx, decode_guard_as};
use crate::domain::security::{AuditEntry, AuditKind, Failures};

/// Which audit entries to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this kind.
    pub kind: Option<AuditKind>,
    /// Name, address or detail containing this text (case-insensitive); empty for all.
    pub text: String,
    /// At or after.
    pub from: Option<Timestamp>,
    /// Before.
    pub until: Option<Timestamp>,
    /// Entries older than this id (the next page).
    pub before: Option<u64>,
}

impl AuditFilter {
    fn matches(&self, entry: &AuditEntry) -> bool {
        if self.kind.is_some_and(|k| k != entry.kind) {
            return false;
        }
        if self.from.is_some_and(|from| entry.at < from)
            || self.until.is_some_and(|until| entry.at >= until)
        {
            return false;
        }
        if self.text.is_empty() {
            return true;
        }
        let needle = self.text.to_lowercase();
        [&entry.name, &entry.address, &entry.detail]
            .iter()
            .any(|field| field.to_lowercase().contains(&needle))
    }
}

/// Reading sign-in failures and the audit trail.
pub trait SecurityReads: Tx {
    /// The failures recorded for a sign-in key.
    fn sign_in_failures(&self, key: &LoginKey) -> Result<Option<Failures>> {
        let Some(table) = self.view(SIGN_IN_FAILURES)? else {
            return Ok(None);
        };
        decode_guard_as(table.get(key.encode().as_str())?)
    }

    /// Up to `limit` entries matching `filter`, newest first, with their ids. Reads at most
    /// 100,000 entries per call, so a rare filter over a long trail stays bounded; the last id
    /// returned continues the walk.
    fn audit_entries(&self, filter: &AuditFilter, limit: usize) -> Result<Vec<(u64, AuditEntry)>> {
        let Some(table) = self.view(AUDIT)? else {
            return Ok(Vec::new());
        };
        let mut found = Vec::new();
        let upper = filter.before.unwrap_or(u64::MAX);
        for entry in table.range(..upper)?.rev().take(100_000) {
            let (id, value) = entry?;
            let record: AuditEntry = decode_as(value.value())?;
            if filter.from.is_some_and(|from| record.at < from) {
                break;
            }
            if filter.matches(&record) {
                found.push((id.value(), record));
                if found.len() >= limit {
                    break;
                }
            }
        }
        Ok(found)
    }
}

impl<T: Tx> SecurityReads for T {}

impl WriteTx {
    /// Replaces the failures recorded for a sign-in key.
    pub fn put_sign_in_failures(&mut self, key: &LoginKey, failures: &Failures) -> Result<()> {
        self.table(SIGN_IN_FAILURES)?
            .insert(key.encode().as_str(), encode_as(failures)?.as_slice())?;
        Ok(())
    }

    /// Forgets the failures of a sign-in key (after a successful sign-in).
    pub fn clear_sign_in_failures(&mut self, key: &LoginKey) -> Result<()> {
        self.table(SIGN_IN_FAILURES)?
            .remove(key.encode().as_str())?;
        Ok(())
    }

    /// Appends an entry to the audit trail; returns its id.
    pub fn append_audit(&mut self, entry: &AuditEntry) -> Result<u64> {
        use redb::ReadableTable;
        let mut table = self.table(AUDIT)?;
        let id = table.last()?.map_or(0, |(k, _)| k.value()) + 1;
        table.insert(id, encode_as(entry)?.as_slice())?;
        Ok(id)
    }
}

/// Schema 3 → 4: the tables exist from now on (empty), so older releases refuse the file
/// instead of ignoring its audit trail.
pub(super) fn create_tables(tx: &mut WriteTx) -> Result<()> {
    tx.table(SIGN_IN_FAILURES)?;
    tx.table(AUDIT)?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::Store;
    use super::*;

    fn entry(minute: i64, kind: AuditKind, name: &str) -> AuditEntry {
        AuditEntry {
            at: Timestamp::from_second(1_800_000_000 + minute * 60).unwrap(),
            kind,
            user: None,
            name: name.into(),
            address: "10.0.0.7".into(),
            detail: String::new(),
        }
    }

    #[test]
    fn the_trail_reads_newest_first_with_filters_and_pages() {
        let store = Store::in_memory().unwrap();
        store
            .write(|tx| {
                for m in 0..10 {
                    let kind = if m % 2 == 0 {
                        AuditKind::SignIn
                    } else {
                        AuditKind::SignInFailed
                    };
                    tx.append_audit(&entry(m, kind, &format!("user{m}")))?;
                }
                Ok::<_, super::super::Error>(())
            })
            .unwrap();
        let all = store
            .read(|tx| tx.audit_entries(&AuditFilter::default(), 3))
            .unwrap();
        let ids: Vec<u64> = all.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, [10, 9, 8]);
        let failures = AuditFilter {
            kind: Some(AuditKind::SignInFailed),
            before: Some(8),
            ..AuditFilter::default()
        };
        let names: Vec<String> = store
            .read(|tx| tx.audit_entries(&failures, 10))
            .unwrap()
            .into_iter()
            .map(|(_, e)| e.name)
            .collect();
        assert_eq!(names, ["user5", "user3", "user1"]);
        let text = AuditFilter {
            text: "USER4".into(),
            ..AuditFilter::default()
        };
        assert_eq!(
            store.read(|tx| tx.audit_entries(&text, 10)).unwrap().len(),
            1
        );
    }
}
