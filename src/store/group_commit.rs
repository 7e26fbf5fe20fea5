//! Group commit: concurrent use cases share one durable commit, and so one round of fsyncs.
//!
//! redb allows one write transaction at a time and each durable commit costs two fsyncs
//! (two-phase commit, which the shared-file mode requires). So while one batch commits, the
//! use cases that arrive queue up; the first of them opens the next transaction and the others
//! take turns running their closures inside it, each on its own thread. The member that
//! finishes with nobody left waiting (or with the batch full) commits for all. Every member is
//! answered only after that commit returned, so "done" still means "on disk".
//!
//! A closure that fails may already have written part of its change, and redb cannot undo
//! just that part (savepoints only exist on clean transactions). So a failure aborts the whole
//! batch: the failing caller gets its error, the members that had succeeded run their closures
//! again in a later batch. That is why [`super::Store::write`] takes `FnMut`.
//!
//! A panic inside a closure drops its [`Turn`], which aborts the batch the same way, so the
//! store never waits for a transaction that is gone.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};

use super::{Error, Result, WriteTx};

/// Most closures one transaction takes before it commits, so a steady stream of writers
/// cannot keep the first ones waiting.
const MAX_MEMBERS: usize = 128;

/// How a batch ended, as each member learns it.
#[derive(Debug, Clone)]
pub(super) enum Outcome {
    /// Committed durably: the member's change is on disk.
    Committed,
    /// Another member failed: run the closure again.
    Aborted,
    /// The commit itself failed (disk full, read-only file, …).
    Failed(Error),
}

/// One transaction shared by its members.
#[derive(Debug, Default)]
struct Batch {
    outcome: OnceLock<Outcome>,
}

/// The queue of writers and the batch they join. Shared by all clones of a `Store`.
#[derive(Default)]
pub(super) struct GroupCommit {
    slot: Mutex<Slot>,
    changed: Condvar,
}

#[derive(Default)]
struct Slot {
    /// The batch taking members; `None` while none is open (or the last one is committing).
    open: Option<Arc<Batch>>,
    /// Its transaction, while no member is using it.
    txn: Option<WriteTx>,
    /// Members the open batch has taken so far.
    members: usize,
    /// Callers waiting for a turn.
    waiting: usize,
    /// Closures run and durable commits made, for the benchmark's figures.
    closures: u64,
    commits: u64,
}

/// A caller's turn with the shared transaction. Dropping it without [`Turn::finish`] (an error
/// or a panic in the closure) aborts the batch.
pub(super) struct Turn<'a> {
    group: &'a GroupCommit,
    batch: Arc<Batch>,
    txn: Option<WriteTx>,
}

impl GroupCommit {
    fn lock(&self) -> MutexGuard<'_, Slot> {
        // Every update below leaves the slot consistent before anything can panic.
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for a turn: joins the open batch when its transaction is free, or opens the next
    /// batch with `begin` when none is open.
    pub(super) fn turn(&self, begin: impl FnOnce() -> Result<WriteTx>) -> Result<Turn<'_>> {
        let mut slot = self.lock();
        slot.waiting += 1;
        loop {
            if let Some(batch) = slot.open.clone() {
                if let Some(txn) = slot.txn.take() {
                    slot.waiting -= 1;
                    slot.members += 1;
                    slot.closures += 1;
                    return Ok(Turn {
                        group: self,
                        batch,
                        txn: Some(txn),
                    });
                }
                slot = self.wait(slot);
                continue;
            }
            let batch = Arc::new(Batch::default());
            slot.waiting -= 1;
            slot.open = Some(Arc::clone(&batch));
            slot.members = 1;
            slot.closures += 1;
            drop(slot);
            // Blocks until the previous batch's commit has released redb's writer lock.
            return match begin() {
                Ok(txn) => Ok(Turn {
                    group: self,
                    batch,
                    txn: Some(txn),
                }),
                Err(err) => {
                    self.end(&batch, Outcome::Failed(err.clone()));
                    Err(err)
                }
            };
        }
    }

    fn wait<'a>(&self, slot: MutexGuard<'a, Slot>) -> MutexGuard<'a, Slot> {
        self.changed
            .wait(slot)
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Records how `batch` ended, closes it if it is still the open one, and wakes everyone.
    fn end(&self, batch: &Arc<Batch>, outcome: Outcome) {
        let _ = batch.outcome.set(outcome);
        let mut slot = self.lock();
        if slot
            .open
            .as_ref()
            .is_some_and(|open| Arc::ptr_eq(open, batch))
        {
            slot.open = None;
            slot.txn = None;
        }
        self.changed.notify_all();
    }

    /// (closures run, durable commits) since the store was opened.
    pub(super) fn counts(&self) -> (u64, u64) {
        let slot = self.lock();
        (slot.closures, slot.commits)
    }

    /// Callers waiting for a turn right now.
    #[cfg(test)]
    pub(super) fn waiting(&self) -> usize {
        self.lock().waiting
    }
}

impl Turn<'_> {
    /// The shared transaction, for the caller's closure.
    pub(super) fn tx(&mut self) -> Result<&mut WriteTx> {
        self.txn
            .as_mut()
            .ok_or_else(|| Error::Database("group commit: the turn has no transaction".into()))
    }

    /// The closure succeeded: hand the transaction on, or commit it if nobody is waiting or the
    /// batch is full; then wait for the batch's outcome.
    pub(super) fn finish(mut self) -> Outcome {
        let group = self.group;
        let batch = Arc::clone(&self.batch);
        let Some(txn) = self.txn.take() else {
            return Outcome::Failed(Error::Database(
                "group commit: the turn has no transaction".into(),
            ));
        };
        let mut slot = group.lock();
        if let Some(outcome) = batch.outcome.get() {
            // Aborted by a member that ran before us (only possible if we raced its end()).
            return outcome.clone();
        }
        if slot.waiting > 0 && slot.members < MAX_MEMBERS {
            slot.txn = Some(txn);
            group.changed.notify_all();
        } else {
            // Seal: the next caller opens a new batch, whose begin waits for this commit.
            slot.open = None;
            slot.commits += 1;
            drop(slot);
            let outcome = match txn.txn.commit() {
                Ok(()) => Outcome::Committed,
                Err(err) => {
                    let err = Error::from(err);
                    log::error!("store: a commit failed, nothing of it was saved: {err}");
                    Outcome::Failed(err)
                }
            };
            group.end(&batch, outcome);
            slot = group.lock();
        }
        loop {
            if let Some(outcome) = batch.outcome.get() {
                return outcome.clone();
            }
            slot = group.wait(slot);
        }
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if let Some(txn) = self.txn.take() {
            // Roll back before waking anyone, so the next batch's begin does not wait on it.
            drop(txn);
            self.group.end(&self.batch, Outcome::Aborted);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::Store;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn concurrent_writers_share_commits_and_every_write_lands() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("group.redb")).unwrap();
        let (_, commits_before) = store.commit_counts();
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let store = store.clone();
                std::thread::spawn(move || {
                    for _ in 0..40 {
                        store.write(|tx| tx.next_in_sequence("n")).unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let (_, commits_after) = store.commit_counts();
        let next = store.write(|tx| tx.next_in_sequence("n")).unwrap();
        assert_eq!(next, 321, "every one of the 320 increments landed once");
        assert!(
            commits_after - commits_before < 320,
            "{} commits for 320 writes",
            commits_after - commits_before
        );
    }

    #[test]
    fn a_failing_member_aborts_only_itself_and_the_others_run_again() {
        let store = Store::in_memory().unwrap();
        let runs = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8_u64)
            .map(|i| {
                let store = store.clone();
                let runs = Arc::clone(&runs);
                std::thread::spawn(move || {
                    store.write(|tx| {
                        runs.fetch_add(1, Ordering::SeqCst);
                        tx.next_in_sequence("ok")?;
                        if i % 2 == 0 {
                            // Written, then failed: this part must vanish.
                            tx.next_in_sequence("bad")?;
                            return Err(super::Error::Duplicate("test"));
                        }
                        Ok(())
                    })
                })
            })
            .collect();
        let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 4);
        assert_eq!(store.write(|tx| tx.next_in_sequence("ok")).unwrap(), 5);
        assert_eq!(store.write(|tx| tx.next_in_sequence("bad")).unwrap(), 1);
        assert!(runs.load(Ordering::SeqCst) >= 8);
    }

    #[test]
    fn a_panicking_closure_does_not_stall_the_store() {
        let store = Store::in_memory().unwrap();
        let panicked = {
            let store = store.clone();
            std::thread::spawn(move || {
                let _ = store.write(|tx| {
                    tx.next_in_sequence("p")?;
                    assert!(tx.next_in_sequence("p")? == 0, "a bug in a use case");
                    Ok::<_, super::Error>(())
                });
            })
            .join()
        };
        assert!(panicked.is_err());
        assert_eq!(store.write(|tx| tx.next_in_sequence("p")).unwrap(), 1);
    }
}
