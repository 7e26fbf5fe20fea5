//! Notifications: the outbox written in the same transaction as the change that causes it,
//! and the in-app notices the delivery worker makes of it.
//!
//! An outbox entry is a fact ("tell this user that this happened to this appeal"); channels
//! (in-app now; e-mail and SMS later) deliver it. Nothing is lost when a channel is down: an
//! entry leaves the outbox only when its delivery committed.

use jiff::Timestamp;

use super::codec::{decode_as, encode_as};
use super::schema::{NOTICES, OUTBOX};
use super::{Result, Tx, WriteTx};
use crate::domain::appeal::AppealId;
pub use crate::domain::notice::{Notice, NoticeKind};
use crate::domain::registration_number::RegistrationNumber;
use crate::domain::user::UserId;

/// A notice waiting for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    /// Sequence number.
    pub id: u64,
    /// Recipient.
    pub user: UserId,
    /// The appeal it is about.
    pub appeal: AppealId,
    /// Its number.
    pub number: RegistrationNumber,
    /// What happened.
    pub kind: NoticeKind,
    /// When.
    pub at: Timestamp,
    /// Failed delivery attempts so far.
    pub attempts: u32,
}

/// Reading notices.
pub trait NoticeReads: Tx {
    /// Entries still waiting for delivery, oldest first.
    fn outbox(&self, limit: usize) -> Result<Vec<OutboxEntry>> {
        let Some(table) = self.view(OUTBOX)? else {
            return Ok(Vec::new());
        };
        table
            .range::<u64>(..)?
            .take(limit)
            .map(|e| decode_as(e?.1.value()))
            .collect()
    }

    /// A user's notices, newest first.
    fn notices(&self, user: UserId, limit: usize) -> Result<Vec<Notice>> {
        let Some(table) = self.view(NOTICES)? else {
            return Ok(Vec::new());
        };
        table
            .range((user.0, 0)..=(user.0, u64::MAX))?
            .rev()
            .take(limit)
            .map(|e| decode_as(e?.1.value()))
            .collect()
    }
}

impl<T: Tx> NoticeReads for T {}

impl WriteTx {
    /// Queues a notice in the current transaction.
    pub fn enqueue_notice(
        &mut self,
        user: UserId,
        appeal: AppealId,
        number: RegistrationNumber,
        kind: NoticeKind,
        at: Timestamp,
    ) -> Result<()> {
        let id = self.next_in_sequence("outbox")?;
        let entry = OutboxEntry {
            id,
            user,
            appeal,
            number,
            kind,
            at,
            attempts: 0,
        };
        self.table(OUTBOX)?
            .insert(id, encode_as(&entry)?.as_slice())?;
        Ok(())
    }

    /// Delivers one outbox entry in-app: the notice appears and the entry leaves the outbox.
    pub fn deliver_in_app(&mut self, entry: &OutboxEntry) -> Result<()> {
        let notice = Notice {
            id: entry.id,
            appeal: entry.appeal,
            number: entry.number,
            kind: entry.kind,
            at: entry.at,
            read: false,
        };
        self.table(NOTICES)?
            .insert((entry.user.0, entry.id), encode_as(&notice)?.as_slice())?;
        self.table(OUTBOX)?.remove(entry.id)?;
        Ok(())
    }

    /// Marks a user's notices read.
    pub fn mark_notices_read(&mut self, user: UserId) -> Result<()> {
        let unread: Vec<Notice> = self
            .notices(user, 100)?
            .into_iter()
            .filter(|n| !n.read)
            .collect();
        let mut table = self.table(NOTICES)?;
        for mut notice in unread {
            notice.read = true;
            table.insert((user.0, notice.id), encode_as(&notice)?.as_slice())?;
        }
        Ok(())
    }

    /// Whether a reminder of `kind` about `appeal` was already queued; records it if not.
    pub fn first_reminder(&mut self, appeal: AppealId, kind: NoticeKind) -> Result<bool> {
        use redb::ReadableTable;
        let key = format!("reminder:{}:{:?}", appeal.0, kind);
        let mut table = self.table(super::schema::COUNTERS)?;
        if table.get(key.as_str())?.is_some() {
            return Ok(false);
        }
        table.insert(key.as_str(), 1)?;
        Ok(true)
    }
}
