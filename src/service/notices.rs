//! Notices: the delivery worker that drains the outbox, reminders of deadlines, and the
//! user's list, where a staff member's task notice clears once its task is done
//! ([`NoticeBoard`]).
//!
//! Use cases queue outbox entries in their own transaction; [`deliver`] turns each into an
//! in-app notice and, where a gateway is configured and the user has an address for it, into
//! an e-mail and an SMS on the gateway queue (`deliveries`), all in one transaction: an entry
//! leaves the outbox only once all of that is stored, and the gateway queue retries on its own.

use std::collections::HashMap;

use super::{Ctx, Result, deliveries};
use crate::domain::deadline::add_working_days;
use crate::domain::notice::{NoticeBoard, NoticeKind};
use crate::domain::user::User;
use crate::store::{
    AppealReads, DeliveryChannel, NoticeReads, RegistryFilter, RegistryReads, Tx, UserReads,
};

/// Which outside channels notices also go to.
#[derive(Debug, Clone, Copy, Default)]
pub struct Channels {
    /// E-mail (an SMTP gateway is configured).
    pub email: bool,
    /// SMS (an SMS gateway is configured).
    pub sms: bool,
}

/// Delivers up to `batch` waiting outbox entries; returns how many.
pub fn deliver(ctx: &Ctx, batch: usize) -> Result<usize> {
    let channels = ctx.rules.notify_by;
    let pending = ctx.store.read(|tx| tx.outbox(batch))?;
    if pending.is_empty() {
        return Ok(0);
    }
    let now = ctx.now();
    ctx.store.write(|tx| {
        for entry in &pending {
            tx.deliver_in_app(entry)?;
            if !(channels.email || channels.sms) {
                continue;
            }
            let Some(user) = tx.user(entry.user)? else {
                continue;
            };
            let tr = ctx.catalog.tr(user.lang);
            let text = format!("Otinish {}: {}", entry.number, tr.t(entry.kind.key()));
            let mut send = |channel, to: String| {
                deliveries::queue(
                    tx,
                    now,
                    deliveries::Message {
                        user: Some(user.id),
                        channel,
                        to,
                        subject: format!("Otinish {}", entry.number),
                        body: text.clone(),
                        secret: false,
                        expires_at: None,
                    },
                )
            };
            if channels.email
                && let Some(email) = &user.email
            {
                send(DeliveryChannel::Email, email.as_str().to_owned())?;
            }
            if channels.sms
                && let Some(phone) = &user.phone
            {
                send(DeliveryChannel::Sms, phone.as_str().to_owned())?;
            }
        }
        Ok::<_, super::Error>(())
    })?;
    Ok(pending.len())
}

/// Queues each executor's reminder once per appeal: due within 3 working days, then overdue.
pub fn remind(ctx: &Ctx) -> Result<usize> {
    let today = ctx.today();
    let calendar = ctx.calendar();
    let soon_until = add_working_days(today, 3, &calendar);
    let mut queued = 0;
    for (kind, from, to) in [
        (
            NoticeKind::Overdue,
            jiff::civil::Date::MIN,
            today.yesterday().unwrap_or(today),
        ),
        (NoticeKind::DueSoon, today, soon_until),
    ] {
        let mut before = None;
        loop {
            let filter = RegistryFilter {
                due_between: Some((from, to)),
                before,
                ..RegistryFilter::default()
            };
            let page = ctx.store.read(|tx| tx.registry(&filter))?;
            let now = ctx.now();
            queued += ctx.store.write(|tx| {
                let mut n = 0;
                for appeal in &page.appeals {
                    let Some(executor) = &appeal.executor else {
                        continue;
                    };
                    if tx.first_reminder(appeal.id, kind)? {
                        tx.enqueue_notice(executor.user, appeal.id, appeal.number, kind, now)?;
                        n += 1;
                    }
                }
                Ok::<_, super::Error>(n)
            })?;
            match page.next {
                Some(next) => before = Some(next),
                None => break,
            }
        }
    }
    Ok(queued)
}

/// The user's latest notices, those of done tasks apart; marks them read.
pub fn list_and_mark_read(ctx: &Ctx, user: &User) -> Result<NoticeBoard> {
    deliver(ctx, 1_000)?;
    let board = ctx.store.read(|tx| board(tx, user))?;
    if board.current.iter().chain(&board.done).any(|n| !n.read) {
        ctx.store.write(|tx| tx.mark_notices_read(user.id))?;
    }
    Ok(board)
}

/// Unread notices of a user that still call for something (for the navigation badge).
pub fn unread(ctx: &Ctx, user: &User) -> Result<usize> {
    Ok(ctx.store.read(|tx| board(tx, user))?.unread())
}

/// The user's latest 100 notices, sorted against the current state of their tasks' appeals.
fn board(tx: &impl Tx, user: &User) -> crate::store::Result<NoticeBoard> {
    let notices = tx.notices(user.id, 100)?;
    let mut appeals = HashMap::new();
    for notice in notices.iter().filter(|n| n.kind.is_task()) {
        if !appeals.contains_key(&notice.appeal)
            && let Some(appeal) = tx.appeal(notice.appeal)?
        {
            appeals.insert(notice.appeal, appeal);
        }
    }
    Ok(NoticeBoard::sort(notices, user.id, &appeals))
}
