//! Messages for outside gateways (e-mail, SMS): queued in the transaction that causes them,
//! sent by the housekeeping worker outside any transaction, and kept with their status so the
//! admin sees what was delivered, what waits for a retry and what failed.
//!
//! `deliveries_due` holds `(next attempt, id)` of the pending ones only, kept by every write
//! here: the sender reads that index, so delivered messages, however many, are never walked.

use jiff::Timestamp;

use redb::ReadableTable;

use super::access::Access;
use super::codec::{decode_as, encode_as};
use super::schema::{DELIVERIES, DELIVERIES_DUE};
use super::{Result, Tx, WriteTx};
use crate::domain::user::UserId;

/// Which gateway carries a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryChannel {
    /// SMTP.
    Email,
    /// The HTTP SMS gateway.
    Sms,
}

/// Where a message stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Waiting for its (next) attempt.
    Pending,
    /// The gateway took it.
    Sent(Timestamp),
    /// The gateway refused it for good (bad address, rejected key): no more attempts.
    Failed(String),
    /// Not sent before it stopped mattering (a one-time code past its five minutes).
    Expired,
}

/// One outgoing message (stored as `records::delivery_v1::DeliveryV1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Sequence number.
    pub id: u64,
    /// The account it is for.
    pub user: Option<UserId>,
    /// The gateway.
    pub channel: DeliveryChannel,
    /// Phone number or e-mail address.
    pub to: String,
    /// Subject (e-mail only).
    pub subject: String,
    /// The text; cleared once sent, failed or expired when it holds a code.
    pub body: String,
    /// Whether the body holds a secret (a one-time code).
    pub secret: bool,
    /// When it was queued.
    pub created_at: Timestamp,
    /// After this it is not worth sending.
    pub expires_at: Option<Timestamp>,
    /// Attempts so far.
    pub attempts: u32,
    /// Not before this.
    pub next_attempt_at: Timestamp,
    /// The last temporary failure, for the admin.
    pub last_error: String,
    /// Where it stands.
    pub status: DeliveryStatus,
}

/// Reading deliveries.
pub trait DeliveryReads: Tx {
    /// Pending messages whose next attempt is due at `now`, the longest waiting first. Reads
    /// the `deliveries_due` index, never the delivered messages.
    fn due_deliveries(&self, now: Timestamp, limit: usize) -> Result<Vec<Delivery>> {
        let (Some(index), Some(table)) = (self.view(DELIVERIES_DUE)?, self.view(DELIVERIES)?)
        else {
            return Ok(Vec::new());
        };
        let mut due = Vec::new();
        for entry in index.range::<(i64, u64)>(..=(now.as_second(), u64::MAX))? {
            let id = entry?.0.value().1;
            let Some(value) = table.get(id)? else {
                continue;
            };
            let delivery: Delivery = decode_as(value.value())?;
            if delivery.status == DeliveryStatus::Pending && delivery.next_attempt_at <= now {
                due.push(delivery);
                if due.len() >= limit {
                    break;
                }
            }
        }
        Ok(due)
    }

    /// The newest `limit` messages, newest first.
    fn recent_deliveries(&self, limit: usize) -> Result<Vec<Delivery>> {
        let Some(table) = self.view(DELIVERIES)? else {
            return Ok(Vec::new());
        };
        table
            .range::<u64>(..)?
            .rev()
            .take(limit)
            .map(|e| decode_as(e?.1.value()))
            .collect()
    }
}

impl<T: Tx> DeliveryReads for T {}

/// The `deliveries_due` key of a pending delivery.
fn due_key(delivery: &Delivery) -> Option<(i64, u64)> {
    (delivery.status == DeliveryStatus::Pending)
        .then(|| (delivery.next_attempt_at.as_second(), delivery.id))
}

impl WriteTx {
    /// Queues a message; its id is filled in.
    pub fn enqueue_delivery(&mut self, delivery: &mut Delivery) -> Result<()> {
        let mut table = self.table(DELIVERIES)?;
        delivery.id = table.last()?.map_or(0, |(k, _)| k.value()) + 1;
        table.insert(delivery.id, encode_as(delivery)?.as_slice())?;
        drop(table);
        if let Some(key) = due_key(delivery) {
            self.table(DELIVERIES_DUE)?.insert(key, ())?;
        }
        Ok(())
    }

    /// Stores a message's new state, moving it in or out of the pending index.
    pub fn update_delivery(&mut self, delivery: &Delivery) -> Result<()> {
        let before: Option<Delivery> =
            super::decode_guard_as(self.table(DELIVERIES)?.get(delivery.id)?)?;
        self.table(DELIVERIES)?
            .insert(delivery.id, encode_as(delivery)?.as_slice())?;
        let mut index = self.table(DELIVERIES_DUE)?;
        if let Some(key) = before.as_ref().and_then(due_key) {
            index.remove(key)?;
        }
        if let Some(key) = due_key(delivery) {
            index.insert(key, ())?;
        }
        Ok(())
    }
}

/// Schema 6 → 7: index the pending deliveries apart.
pub(super) fn index_pending_deliveries(tx: &mut WriteTx) -> Result<()> {
    let mut keys = Vec::new();
    if let Some(table) = tx.view(DELIVERIES)? {
        for entry in table.range::<u64>(..)? {
            let delivery: Delivery = decode_as(entry?.1.value())?;
            keys.extend(due_key(&delivery));
        }
    }
    let mut index = tx.table(DELIVERIES_DUE)?;
    for key in keys {
        index.insert(key, ())?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::store::{Store, WriteTx};

    fn queued(at: Timestamp) -> Delivery {
        Delivery {
            id: 0,
            user: None,
            channel: DeliveryChannel::Sms,
            to: "+77010000000".into(),
            subject: String::new(),
            body: "hello".into(),
            secret: false,
            created_at: at,
            expires_at: None,
            attempts: 0,
            next_attempt_at: at,
            last_error: String::new(),
            status: DeliveryStatus::Pending,
        }
    }

    fn corrupt(tx: &mut WriteTx, id: u64) -> Result<()> {
        tx.table(DELIVERIES)?
            .insert(id, [1u8, 0xff, 0xff].as_slice())?;
        Ok(())
    }

    /// The sender's scan reads only the pending messages: delivered ones whose bytes no longer
    /// decode do not disturb it (a scan of the whole table would stop at them).
    /// See: issue 12.
    #[test]
    fn the_due_scan_never_reads_a_delivered_delivery() {
        let store = Store::in_memory().unwrap();
        let at: Timestamp = "2026-03-02T05:00:00Z".parse().unwrap();
        let ids = store
            .write(|tx| {
                let mut ids = Vec::new();
                for _ in 0..3 {
                    let mut d = queued(at);
                    tx.enqueue_delivery(&mut d)?;
                    ids.push(d.id);
                }
                for id in &ids[..2] {
                    let mut d = queued(at);
                    d.id = *id;
                    d.status = DeliveryStatus::Sent(at);
                    tx.update_delivery(&d)?;
                }
                for id in &ids[..2] {
                    corrupt(tx, *id)?;
                }
                Ok::<_, crate::store::Error>(ids)
            })
            .unwrap();
        let due = store.read(|tx| tx.due_deliveries(at, 10)).unwrap();
        assert_eq!(due.iter().map(|d| d.id).collect::<Vec<_>>(), vec![ids[2]]);
    }

    /// A retry moves the message in the index: not due before its next attempt, due after.
    #[test]
    fn a_retried_delivery_is_due_at_its_next_attempt_only() {
        let store = Store::in_memory().unwrap();
        let at: Timestamp = "2026-03-02T05:00:00Z".parse().unwrap();
        let later = at.checked_add(jiff::SignedDuration::from_mins(5)).unwrap();
        store
            .write(|tx| {
                let mut d = queued(at);
                tx.enqueue_delivery(&mut d)?;
                d.next_attempt_at = later;
                tx.update_delivery(&d)
            })
            .unwrap();
        assert!(
            store
                .read(|tx| tx.due_deliveries(at, 10))
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store.read(|tx| tx.due_deliveries(later, 10)).unwrap().len(),
            1
        );
    }

    #[test]
    fn the_migration_indexes_the_pending_deliveries() {
        let store = Store::in_memory().unwrap();
        let at: Timestamp = "2026-03-02T05:00:00Z".parse().unwrap();
        store
            .write(|tx| {
                let mut d = queued(at);
                tx.enqueue_delivery(&mut d)?;
                tx.table(DELIVERIES_DUE)?.remove((at.as_second(), d.id))?;
                Ok::<_, crate::store::Error>(())
            })
            .unwrap();
        assert!(
            store
                .read(|tx| tx.due_deliveries(at, 10))
                .unwrap()
                .is_empty()
        );
        store.write(index_pending_deliveries).unwrap();
        assert_eq!(store.read(|tx| tx.due_deliveries(at, 10)).unwrap().len(), 1);
    }
}
