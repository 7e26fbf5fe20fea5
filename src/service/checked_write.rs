//! Decide on a read snapshot, write with a check: how a step on an appeal reaches the store.
//!
//! Writes share one transaction and its commit (`store/group_commit.rs`), and a closure that
//! fails there aborts the whole batch, so every other writer's closure runs again. So the
//! deciding (the guard, the form, the state machine, ЭЦП verification) runs on a read snapshot,
//! outside the shared write: a refusal never enters the group commit, and a slow check never
//! holds the writer. The write only applies what was decided, after checking that the appeal
//! is as the snapshot showed it. Every change of an appeal appends one event, so its event
//! count is its version.

use super::{Ctx, Error, Result};
use crate::domain::appeal::Appeal;
use crate::store::{AppealReads, ReadTx, WriteTx};

/// How many times a step is decided when its appeal keeps changing between the snapshot and
/// the write (each time another step landed first) before it is refused as
/// [`Error::ChangedMeanwhile`].
pub(super) const DECISIONS: usize = 3;

/// Runs `decide` on a read snapshot, then `write` in the shared write transaction while the
/// appeal `decide` returned has not changed since.
///
/// `decide` returns the appeal it decided on and its decision; its errors are returned as they
/// are, with nothing written. `write` gets the appeal (as the snapshot showed it, and as it
/// still is) and the decision, and must refuse nothing: it only stores. When the appeal
/// changed, nothing is written and the step is decided again on a fresh snapshot, up to
/// [`DECISIONS`] times.
pub(super) fn decide_then_write<D, T>(
    ctx: &Ctx,
    mut decide: impl FnMut(&ReadTx) -> Result<(Appeal, D)>,
    mut write: impl FnMut(&mut WriteTx, &Appeal, &D) -> Result<T>,
) -> Result<T> {
    for _ in 0..DECISIONS {
        let (seen, decision) = ctx.store.read(&mut decide)?;
        let written = ctx.store.write(|tx| {
            let unchanged = tx
                .appeal(seen.id)?
                .is_some_and(|now| now.events == seen.events);
            if !unchanged {
                return Ok(None);
            }
            write(tx, &seen, &decision).map(Some)
        })?;
        if let Some(value) = written {
            return Ok(value);
        }
    }
    Err(Error::ChangedMeanwhile)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::lifecycle::Action;
    use crate::service::appeals;
    use crate::service::appeals::tests::{appeal_form, world};
    use crate::service::lifecycle::{self, FieldList};

    /// An appeal that another step changes after every snapshot is never written on a stale
    /// state: after [`DECISIONS`] decisions the step is refused as changed meanwhile, and its
    /// write never ran. See: issue 13.
    #[test]
    fn a_step_whose_appeal_changes_after_every_snapshot_is_refused_as_changed_meanwhile() {
        let w = world();
        let appeal = appeals::file(&w.ctx, &w.applicant, &appeal_form(), &[]).unwrap();
        let (mut decided, mut written) = (0, 0);
        let result = decide_then_write(
            &w.ctx,
            |tx| {
                decided += 1;
                let seen = tx.appeal(appeal.id)?.unwrap();
                // Another step lands after this snapshot was taken.
                let note = FieldList::of(&[("text", "Басқа қадам")]);
                lifecycle::act(&w.ctx, &w.clerk, appeal.id, Action::Note, &note, &[])?;
                Ok((seen, ()))
            },
            |_, _, ()| {
                written += 1;
                Ok(())
            },
        );
        assert!(matches!(result, Err(Error::ChangedMeanwhile)), "{result:?}");
        assert_eq!((decided, written), (DECISIONS, 0));
        let now = w
            .ctx
            .store
            .read(|tx| tx.appeal(appeal.id))
            .unwrap()
            .unwrap();
        assert_eq!(
            now.events,
            appeal.events + u32::try_from(DECISIONS).unwrap(),
            "only the other steps"
        );
    }
}
