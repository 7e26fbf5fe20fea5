//! Appeals: snapshot, hash-chained history and indexes, always written together.
//!
//! Every event record stores the SHA-256 of the previous event record of the same appeal
//! (zeros for the first), so a rewritten or removed step breaks the chain visibly.

use sha2::{Digest, Sha256};

use redb::ReadableTable;

use super::codec::{Record, decode, encode, encode_as, thaw_part};
use super::records::Freeze;
use super::records::event::{StoredEventV1, StoredEventV2};
use super::registry::{remove_indexes, write_indexes};
use super::schema::{APPEAL_BY_NUMBER, APPEAL_EVENTS, APPEALS, IDX_OWNER};
use super::{Error, Result, Tx, WriteTx, decode_guard_as};
use crate::domain::appeal::{Appeal, AppealId, Event};
use crate::domain::user::UserId;

/// Decodes an event record of any version this release knows. Records stay as written (the
/// hash chain covers their bytes); older ones read with an empty message.
pub(super) fn decode_event(bytes: &[u8]) -> Result<StoredEventV2> {
    if bytes.first() == Some(&StoredEventV1::VERSION) {
        return Ok(decode::<StoredEventV1>(bytes)?.into());
    }
    decode(bytes)
}

/// The domain event of a stored one.
fn thaw_event(stored: StoredEventV2) -> Result<Event> {
    thaw_part::<Event>(stored.event, StoredEventV2::NAME)
}

/// The first broken link of an appeal's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The appeal.
    pub appeal: AppealId,
    /// The event whose stored previous-hash does not match.
    pub seq: u32,
}

/// Reading appeals.
pub trait AppealReads: Tx {
    /// An appeal's current state.
    fn appeal(&self, id: AppealId) -> Result<Option<Appeal>> {
        let Some(table) = self.view(APPEALS)? else {
            return Ok(None);
        };
        decode_guard_as(table.get(id.0)?)
    }

    /// An appeal's id by its printed registration number.
    fn appeal_id_by_number(&self, number: &str) -> Result<Option<AppealId>> {
        let Some(table) = self.view(APPEAL_BY_NUMBER)? else {
            return Ok(None);
        };
        Ok(table.get(number)?.map(|v| AppealId(v.value())))
    }

    /// An appeal's whole history, oldest first.
    fn events(&self, id: AppealId) -> Result<Vec<Event>> {
        let Some(table) = self.view(APPEAL_EVENTS)? else {
            return Ok(Vec::new());
        };
        table
            .range((id.0, 0)..=(id.0, u32::MAX))?
            .map(|entry| thaw_event(decode_event(entry?.1.value())?))
            .collect()
    }

    /// Checks an appeal's hash chain; `None` when intact.
    fn verify_chain(&self, id: AppealId) -> Result<Option<ChainBreak>> {
        let Some(table) = self.view(APPEAL_EVENTS)? else {
            return Ok(None);
        };
        let mut expected = [0u8; 32];
        for entry in table.range((id.0, 0)..=(id.0, u32::MAX))? {
            let (key, value) = entry?;
            let bytes = value.value();
            let stored = decode_event(bytes)?;
            if stored.prev_hash != expected || stored.event.seq != key.value().1 {
                return Ok(Some(ChainBreak {
                    appeal: id,
                    seq: key.value().1,
                }));
            }
            expected = Sha256::digest(bytes).into();
        }
        Ok(None)
    }

    /// An applicant's appeals, newest first.
    fn appeals_of_owner(&self, owner: UserId, limit: usize) -> Result<Vec<Appeal>> {
        let ids = match self.view(IDX_OWNER)? {
            Some(index) => newest_ids(&index, (owner.0, 0)..=(owner.0, u64::MAX), limit)?,
            None => Vec::new(),
        };
        self.appeals_by_id(ids)
    }

    /// The appeals filed under one IIN/BIN, newest first.
    fn appeals_of_tax_id(&self, tax_id: &str, limit: usize) -> Result<Vec<Appeal>> {
        let ids = match self.view(super::schema::IDX_TAX_ID)? {
            Some(index) => newest_ids(&index, (tax_id, 0)..=(tax_id, u64::MAX), limit)?,
            None => Vec::new(),
        };
        self.appeals_by_id(ids)
    }

    /// The appeals with these ids, in that order (missing ones left out).
    fn appeals_by_id(&self, ids: Vec<u64>) -> Result<Vec<Appeal>> {
        let mut appeals = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(appeal) = self.appeal(AppealId(id))? {
                appeals.push(appeal);
            }
        }
        Ok(appeals)
    }

    /// Number of appeals in the store.
    fn appeal_count(&self) -> Result<u64> {
        self.view(APPEALS)?.map_or(Ok(0), |t| t.len())
    }
}

impl<T: Tx> AppealReads for T {}

/// The appeal ids at the end of an index range (`(prefix, id)` keys), newest first.
fn newest_ids<'a, P: redb::Key + 'static>(
    index: &super::access::View<'_, (P, u64), ()>,
    range: std::ops::RangeInclusive<(P::SelfType<'a>, u64)>,
    limit: usize,
) -> Result<Vec<u64>>
where
    (P::SelfType<'a>, u64): std::borrow::Borrow<<(P, u64) as redb::Value>::SelfType<'a>>,
{
    index
        .range(range)?
        .rev()
        .take(limit)
        .map(|entry| entry.map(|(k, _)| k.value().1).map_err(Into::into))
        .collect()
}

impl WriteTx {
    /// Stores a newly registered appeal with its first event.
    pub fn insert_appeal(&mut self, appeal: &Appeal, event: &Event) -> Result<()> {
        let number = appeal.number.to_string();
        {
            let mut by_number = self.table(APPEAL_BY_NUMBER)?;
            if by_number.get(number.as_str())?.is_some() {
                return Err(Error::Duplicate("registration number"));
            }
            by_number.insert(number.as_str(), appeal.id.0)?;
        }
        self.table(APPEALS)?
            .insert(appeal.id.0, encode_as(appeal)?.as_slice())?;
        self.append_event(appeal.id, event)?;
        write_indexes(self, appeal)?;
        self.note_report_facts(appeal, event)
    }

    /// Stores an appeal's new state, the event that led to it, and the changed indexes.
    pub fn update_appeal(&mut self, before: &Appeal, after: &Appeal, event: &Event) -> Result<()> {
        self.table(APPEALS)?
            .insert(after.id.0, encode_as(after)?.as_slice())?;
        self.append_event(after.id, event)?;
        remove_indexes(self, before)?;
        write_indexes(self, after)?;
        self.note_report_facts(after, event)
    }

    fn append_event(&mut self, id: AppealId, event: &Event) -> Result<()> {
        let mut table = self.table(APPEAL_EVENTS)?;
        let prev_hash = if event.seq == 0 {
            [0u8; 32]
        } else {
            let prev = table
                .get((id.0, event.seq - 1))?
                .ok_or_else(|| Error::Corrupt {
                    record: "appeal event",
                    detail: format!("appeal {} has no event {}", id.0, event.seq - 1),
                })?;
            Sha256::digest(prev.value()).into()
        };
        if table.get((id.0, event.seq))?.is_some() {
            return Err(Error::Duplicate("appeal event"));
        }
        let record = encode(&StoredEventV2 {
            prev_hash,
            event: event.freeze(),
        })?;
        table.insert((id.0, event.seq), record.as_slice())?;
        Ok(())
    }

    /// Overwrites one stored event in place, bypassing the chain. Only for tests that prove
    /// tampering is detected.
    #[cfg(test)]
    pub(crate) fn tamper_event(&mut self, id: AppealId, event: &Event) -> Result<()> {
        let mut table = self.table(APPEAL_EVENTS)?;
        let record = encode(&StoredEventV2 {
            prev_hash: [0u8; 32],
            event: event.freeze(),
        })?;
        table.insert((id.0, event.seq), record.as_slice())?;
        Ok(())
    }
}
