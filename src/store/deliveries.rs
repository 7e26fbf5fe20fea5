//! Messages for outside gateways (e-mail, SMS): queued in the transaction that causes them,
//! sent by the housekeeping worker outside any transaction, and kept with their status so the
//! admin sees what was delivered, what waits for a retry and what failed.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::codec::{Record, decode, encode};
use super::schema::DELIVERIES;
use super::{Result, Tx, WriteTx};
use crate::domain::user::UserId;

/// Which gateway carries a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryChannel {
    /// SMTP.
    Email,
    /// The HTTP SMS gateway.
    Sms,
}

/// Where a message stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// One outgoing message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

impl Record for Delivery {
    const VERSION: u8 = 1;
    const NAME: &'static str = "delivery";
}

/// Reading deliveries.
pub trait DeliveryReads: Tx {
    /// Pending messages whose next attempt is due at `now`, oldest first.
    fn due_deliveries(&self, now: Timestamp, limit: usize) -> Result<Vec<Delivery>> {
        let Some(table) = self.view(DELIVERIES)? else {
            return Ok(Vec::new());
        };
        let mut due = Vec::new();
        for entry in table.range::<u64>(..)? {
            let delivery: Delivery = decode(entry?.1.value())?;
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
            .map(|e| decode(e?.1.value()))
            .collect()
    }
}

impl<T: Tx> DeliveryReads for T {}

impl WriteTx {
    /// Queues a message; its id is filled in.
    pub fn enqueue_delivery(&mut self, delivery: &mut Delivery) -> Result<()> {
        use redb::ReadableTable;
        let mut table = self.table(DELIVERIES)?;
        delivery.id = table.last()?.map_or(0, |(k, _)| k.value()) + 1;
        table.insert(delivery.id, encode(delivery)?.as_slice())?;
        Ok(())
    }

    /// Stores a message's new state.
    pub fn update_delivery(&mut self, delivery: &Delivery) -> Result<()> {
        self.table(DELIVERIES)?
            .insert(delivery.id, encode(delivery)?.as_slice())?;
        Ok(())
    }
}
