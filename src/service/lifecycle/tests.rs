//! Steps beside other writers: decided on a snapshot, written only on the state they were
//! decided on, and never failing inside the shared group commit.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::domain::appeal::Ending;
use crate::domain::lifecycle::Refusal;
use crate::service::appeals::tests::{World, appeal_form, world};
use crate::service::appeals::{self, AppealForm};

/// Runs `step` on another thread while a writer's closure holds the shared transaction, and
/// returns how many times that closure ran, with the step's result. The closure waits until the
/// step has finished or is queued for the transaction; a step queued behind it runs in the same
/// batch, so a step failing there aborts the batch and the writer's closure runs again.
fn beside_a_writer<T: Send + 'static>(
    ctx: &Ctx,
    mut writer: impl FnMut(&mut WriteTx) -> Result<()>,
    step: impl FnOnce() -> T + Send + 'static,
) -> (usize, T) {
    let mut runs = 0;
    let mut step = Some(step);
    let mut thread = None;
    ctx.store
        .write(|tx| {
            runs += 1;
            writer(tx)?;
            if let Some(step) = step.take() {
                let running = std::thread::spawn(step);
                while !running.is_finished() && ctx.store.writers_waiting() == 0 {
                    std::thread::yield_now();
                }
                thread = Some(running);
            }
            Ok::<_, Error>(())
        })
        .unwrap();
    (runs, thread.unwrap().join().unwrap())
}

/// The other writer's own change: a sequence drawn, nothing to do with the appeal.
fn unrelated(tx: &mut WriteTx) -> Result<()> {
    tx.next_in_sequence("unrelated")?;
    Ok(())
}

/// An appeal routed to the executor, with its draft awaiting the director's signature.
fn awaiting_signature(w: &World) -> Appeal {
    let appeal = appeals::file(&w.ctx, &w.applicant, &appeal_form(), &[]).unwrap();
    w.route(appeal.id);
    let draft = FieldList::of(&[("outcome", "satisfied"), ("text", "Жауап мәтіні")]);
    act(
        &w.ctx,
        &w.executor,
        appeal.id,
        Action::SubmitDraft,
        &draft,
        &[],
    )
    .unwrap()
}

/// A step as `act` takes it: who, on which appeal, which action, with what form.
type Step = (User, AppealId, Action, FieldList);

fn events_of(ctx: &Ctx, id: AppealId) -> Vec<crate::domain::appeal::Event> {
    ctx.store.read(|tx| tx.events(id)).unwrap()
}

/// A step refused by its guard, by its form, by its ЭЦП or (a complaint) by the state machine
/// is refused on the snapshot: it never takes a turn in the shared write, so the writer beside
/// it commits with one run of its closure. See: issue 13.
#[test]
fn a_refused_step_beside_another_writer_does_not_make_that_writer_run_again() {
    let w = world();
    let registered = appeals::file(&w.ctx, &w.applicant, &appeal_form(), &[]).unwrap();
    let signing = awaiting_signature(&w);
    assert_eq!(signing.status, Status::OnSignature);
    let executor = w.executor.id.0.to_string();
    let steps: [(&str, Step); 3] = [
        (
            "guard: the executor may not route",
            (
                w.executor.clone(),
                registered.id,
                Action::Route,
                FieldList::of(&[("executor", &executor)]),
            ),
        ),
        (
            "form: no executor chosen",
            (
                w.clerk.clone(),
                registered.id,
                Action::Route,
                FieldList::default(),
            ),
        ),
        (
            "ЭЦП: a signature that does not verify",
            (
                w.director.clone(),
                signing.id,
                Action::Sign,
                FieldList::of(&[("cms", "MIIBnotasignature")]),
            ),
        ),
    ];
    for (case, (by, id, action, form)) in steps {
        let ctx = w.ctx.clone();
        let (runs, result) = beside_a_writer(&w.ctx, unrelated, move || {
            act(&ctx, &by, id, action, &form, &[])
        });
        assert!(
            matches!(result, Err(Error::Refused(_) | Error::Invalid(_))),
            "{case}: {result:?}"
        );
        assert_eq!(runs, 1, "{case}: the other writer's closure ran again");
    }
    assert_eq!(events_of(&w.ctx, registered.id).len(), 1, "nothing routed");
    let signing_now = w
        .ctx
        .store
        .read(|tx| tx.appeal(signing.id))
        .unwrap()
        .unwrap();
    assert_eq!(signing_now, signing, "nothing signed");

    // A complaint about an appeal that has no answer yet.
    let (ctx, applicant) = (w.ctx.clone(), w.applicant.clone());
    let mut form = AppealForm {
        subject: "Шағым".into(),
        ..appeal_form()
    };
    form.description = "Жауап жоқ.".into();
    let (runs, result) = beside_a_writer(&w.ctx, unrelated, move || {
        appeals::file_complaint(&ctx, &applicant, registered.id, &form, "", &[])
    });
    assert!(matches!(result, Err(Error::Refused(_))), "{result:?}");
    assert_eq!(runs, 1, "complaint: the other writer's closure ran again");
}

/// The staff note another writer adds between a step's snapshot and its write is seen: the
/// step is decided again on the fresh state and lands after it. See: issue 13.
#[test]
fn a_step_whose_appeal_changed_after_its_snapshot_is_decided_again_on_the_fresh_state() {
    let w = world();
    let appeal = appeals::file(&w.ctx, &w.applicant, &appeal_form(), &[]).unwrap();
    let routed = w.route(appeal.id);
    let clerk = actor(&w.clerk);
    let now = w.ctx.now();
    let (ctx, executor) = (w.ctx.clone(), w.executor.clone());
    let (runs, result) = beside_a_writer(
        &w.ctx,
        |tx| {
            let before = tx.appeal(appeal.id)?.unwrap();
            let note = Change::NoteAdded {
                text: "first".into(),
            };
            store_change(&w.ctx, tx, &before, note, clerk.clone(), now)?;
            Ok(())
        },
        move || {
            let note = FieldList::of(&[("text", "second")]);
            act(&ctx, &executor, appeal.id, Action::Note, &note, &[])
        },
    );
    let after = result.unwrap();
    assert_eq!(runs, 1, "the other writer's closure ran again");
    assert_eq!(after.events, routed.events + 2);
    let notes: Vec<_> = events_of(&w.ctx, appeal.id)
        .into_iter()
        .filter_map(|e| match e.change {
            Change::NoteAdded { text } => Some((e.seq, text)),
            _ => None,
        })
        .collect();
    assert_eq!(
        notes,
        vec![
            (routed.events, "first".to_owned()),
            (routed.events + 1, "second".to_owned())
        ]
    );
}

/// A step decided on a snapshot taken before the applicant withdrew the appeal is not written
/// on that stale state: decided again, it is refused for the appeal's new status.
/// See: issue 13.
#[test]
fn a_step_the_appeal_no_longer_allows_after_its_snapshot_is_refused_and_nothing_is_written() {
    let w = world();
    let appeal = appeals::file(&w.ctx, &w.applicant, &appeal_form(), &[]).unwrap();
    let routed = w.route(appeal.id);
    let applicant = actor(&w.applicant);
    let now = w.ctx.now();
    let (ctx, executor) = (w.ctx.clone(), w.executor.clone());
    let (runs, result) = beside_a_writer(
        &w.ctx,
        |tx| {
            let before = tx.appeal(appeal.id)?.unwrap();
            let withdrawn = Change::Withdrawn(Ending {
                ground: None,
                reason: "Қажет емес".into(),
                by: applicant.clone(),
            });
            store_change(&w.ctx, tx, &before, withdrawn, applicant.clone(), now)?;
            Ok(())
        },
        move || {
            let request = FieldList::of(&[("text", "Анықтама керек"), ("until", "2026-03-20")]);
            act(
                &ctx,
                &executor,
                appeal.id,
                Action::RequestDocuments,
                &request,
                &[],
            )
        },
    );
    assert!(
        matches!(result, Err(Error::Refused(Refusal::WrongStatus(_)))),
        "{result:?}"
    );
    assert_eq!(runs, 1, "the other writer's closure ran again");
    let events = events_of(&w.ctx, appeal.id);
    assert_eq!(
        events.len(),
        routed.events as usize + 1,
        "only the withdrawal"
    );
    assert!(matches!(
        events.last().map(|e| &e.change),
        Some(Change::Withdrawn(_))
    ));
}
