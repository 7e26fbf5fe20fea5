//! The gateway queue: messages for e-mail and SMS are queued in the use case's transaction
//! (`queue`) and sent by the housekeeping worker ([`send_due`]) outside any transaction.
//! A temporary failure is retried with back-off (30 s, doubling, at most an hour); a permanent
//! one stops; a message holding a code that outlives the code expires unsent, and its text is
//! then wiped. The admin sees the latest messages and their status ([`recent`]).

use jiff::{SignedDuration, Timestamp};

use super::gateway::{Gateways, SendError, sms, smtp};
use super::{Ctx, Result};
use crate::domain::user::{User, UserId};
use crate::store::{Delivery, DeliveryReads, WriteTx};
pub use crate::store::{DeliveryChannel, DeliveryStatus};

/// What to send, to whom.
#[derive(Debug, Clone)]
pub struct Message {
    /// The account.
    pub user: Option<UserId>,
    /// The gateway.
    pub channel: DeliveryChannel,
    /// Address or phone.
    pub to: String,
    /// Subject (e-mail).
    pub subject: String,
    /// Text.
    pub body: String,
    /// Holds a secret (wiped once it no longer needs sending).
    pub secret: bool,
    /// Not worth sending after.
    pub expires_at: Option<Timestamp>,
}

/// Queues a message in the caller's transaction.
pub(super) fn queue(tx: &mut WriteTx, now: Timestamp, message: Message) -> Result<u64> {
    let mut delivery = Delivery {
        id: 0,
        user: message.user,
        channel: message.channel,
        to: message.to,
        subject: message.subject,
        body: message.body,
        secret: message.secret,
        created_at: now,
        expires_at: message.expires_at,
        attempts: 0,
        next_attempt_at: now,
        last_error: String::new(),
        status: DeliveryStatus::Pending,
    };
    tx.enqueue_delivery(&mut delivery)?;
    Ok(delivery.id)
}

fn retry_delay(attempts: u32) -> SignedDuration {
    let seconds = 30_i64.saturating_mul(1_i64 << attempts.min(7));
    SignedDuration::from_secs(seconds.min(3600))
}

fn send(gateways: &Gateways, delivery: &Delivery) -> Result<(), SendError> {
    match delivery.channel {
        DeliveryChannel::Email => match &gateways.smtp {
            Some(settings) => smtp::send(settings, &delivery.to, &delivery.subject, &delivery.body),
            None => Err(SendError::Temporary(
                "no e-mail gateway is configured".into(),
            )),
        },
        DeliveryChannel::Sms => match &gateways.sms {
            Some(settings) => sms::send(settings, &delivery.to, &delivery.body),
            None => Err(SendError::Temporary("no SMS gateway is configured".into())),
        },
    }
}

/// Sends up to `batch` due messages; returns how many went out.
pub fn send_due(ctx: &Ctx, gateways: &Gateways, batch: usize) -> Result<usize> {
    let now = ctx.now();
    let due = ctx.store.read(|tx| tx.due_deliveries(now, batch))?;
    let mut sent = 0;
    for mut delivery in due {
        if delivery.expires_at.is_some_and(|at| at <= now) {
            delivery.status = DeliveryStatus::Expired;
        } else {
            delivery.attempts += 1;
            match send(gateways, &delivery) {
                Ok(()) => {
                    delivery.status = DeliveryStatus::Sent(ctx.now());
                    sent += 1;
                }
                Err(SendError::Permanent(reason)) => {
                    log::warn!("delivery {} refused for good: {reason}", delivery.id);
                    delivery.status = DeliveryStatus::Failed(reason);
                }
                Err(SendError::Temporary(reason)) => {
                    log::warn!(
                        "delivery {} failed (attempt {}), retrying: {reason}",
                        delivery.id,
                        delivery.attempts
                    );
                    delivery.last_error = reason;
                    delivery.next_attempt_at = now
                        .checked_add(retry_delay(delivery.attempts))
                        .unwrap_or(now);
                }
            }
        }
        if delivery.secret && delivery.status != DeliveryStatus::Pending {
            delivery.body = String::new();
        }
        ctx.store.write(|tx| tx.update_delivery(&delivery))?;
    }
    Ok(sent)
}

/// The latest messages, for the admin (texts holding codes are never shown).
pub fn recent(ctx: &Ctx, admin: &User, limit: usize) -> Result<Vec<Delivery>> {
    super::require_admin(admin)?;
    let mut list = ctx.store.read(|tx| tx.recent_deliveries(limit))?;
    for delivery in &mut list {
        if delivery.secret {
            delivery.body = String::new();
        }
    }
    Ok(list)
}
