//! The history an appeal keeps: the one builder of its events.
//!
//! Registration, every later step, routing by rule and forwarding in part all turn their change
//! into an [`Event`] through [`event`], so the sequence number, the statuses and the message in
//! Kazakh and Russian are made one way. It builds and never writes: the caller stores the event
//! with the appeal in its transaction.

use jiff::Timestamp;

use super::Ctx;
use crate::domain::appeal::{Actor, Appeal, Change, Event, Message};
use crate::domain::lang::Lang;

/// The event recording `change`, made by `actor` at `at`: the step from `before` (`None` when
/// the change registers the appeal) to `after`.
pub(super) fn event(
    ctx: &Ctx,
    before: Option<&Appeal>,
    after: &Appeal,
    change: Change,
    actor: Actor,
    at: Timestamp,
) -> Event {
    let message = message(ctx, &change, &actor.name);
    Event {
        seq: before.map_or(0, |b| b.events),
        at,
        actor,
        from: before.map(|b| b.status),
        to: after.status,
        change,
        message,
    }
}

/// The step in words, in Kazakh and Russian, as the history keeps it.
fn message(ctx: &Ctx, change: &Change, actor: &str) -> Message {
    let say = |lang: Lang| -> String {
        let tr = ctx.catalog.tr(lang);
        let detail = match change {
            Change::Routed { executor, .. } => executor.name.clone(),
            Change::CorrectionRequested(r) | Change::DocumentsRequested(r) => {
                format!("{} ({})", r.text, r.until)
            }
            Change::DraftSubmitted(a) | Change::ComplaintDecided(a) => {
                tr.t(a.outcome.label_key()).to_owned()
            }
            Change::Extended(e) => format!("{} → {}: {}", e.previous_due, e.new_due, e.reason),
            Change::Forwarded(f) => format!("{} № {}", f.letter.to, f.letter.number),
            Change::SentUp(l) => format!("{} № {}", l.to, l.number),
            Change::Terminated(e) => e
                .ground
                .map(|g| tr.t(g.label_key()).to_owned())
                .unwrap_or_default(),
            Change::Returned(e) | Change::Withdrawn(e) => e.reason.clone(),
            Change::ComplaintFiled { number, .. } => number.to_string(),
            Change::Rated(r) => tr.t(r.score.label_key()).to_owned(),
            Change::DeadlineRecomputed { due, .. } => due.to_string(),
            Change::FiledLate { reason, .. } => reason.clone(),
            _ => String::new(),
        };
        let step = tr.t(change.label_key());
        if detail.is_empty() {
            format!("{actor}: {step}")
        } else {
            format!("{actor}: {step}: {detail}")
        }
    };
    Message {
        kk: say(Lang::Kk),
        ru: say(Lang::Ru),
    }
}
