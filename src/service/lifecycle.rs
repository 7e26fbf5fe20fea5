//! Every step of an appeal after registration, as one use case: on a read snapshot, parse the
//! form, decide through `domain::lifecycle` and verify the director's ЭЦП; then, in one write
//! transaction that first checks the appeal is as the snapshot showed it
//! (`checked_write`), store the new state with its event and indexes and queue the
//! notices it causes. The write refuses nothing: every refusal comes from the snapshot.

use jiff::Timestamp;
use jiff::civil::Date;

use super::appeals::{Upload, actor, can_see, checked_files};
use super::checked_write::decide_then_write;
use super::ecp::StoredSignature;
use super::{Ctx, Error, Result};
use crate::domain::appeal::{
    Actor, Appeal, AppealId, Assignee, AttachmentId, AttachmentRef, Change, Forwarding, Hearing,
    Letter, Links, Request, UnitId,
};
use crate::domain::field::{FieldErrors, optional_text, required_text};
use crate::domain::kind::{Ground, Outcome, Score, Status};
use crate::domain::lifecycle::{Action, Command, Moment, decide};
use crate::domain::registration_number::RegistrationNumber;
use crate::domain::user::{Role, User, UserId};
use crate::store::{AppealReads, NewAttachment, NoticeKind, ReadTx, UserReads, WriteTx};

/// Form fields as the web layer received them.
pub trait Fields {
    /// The first value of a field, or "".
    fn get(&self, name: &str) -> &str;
    /// Every value of a repeated field.
    fn all(&self, name: &str) -> Vec<&str>;
}

/// Fields given as a list of pairs (the CLI, seeding and tests).
#[derive(Debug, Clone, Default)]
pub struct FieldList(pub Vec<(String, String)>);

impl FieldList {
    /// A list from string pairs.
    pub fn of(pairs: &[(&str, &str)]) -> Self {
        Self(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }
}

impl Fields for FieldList {
    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

fn text(errors: &mut FieldErrors, form: &dyn Fields, name: &'static str, max: usize) -> String {
    errors
        .take(name, required_text(form.get(name), max))
        .unwrap_or_default()
}

fn date(errors: &mut FieldErrors, form: &dyn Fields, name: &'static str) -> Date {
    errors
        .take(
            name,
            form.get(name)
                .trim()
                .parse::<Date>()
                .map_err(|_| "error.date"),
        )
        .unwrap_or(Date::MIN)
}

fn staff_member(tx: &impl UserReads, field: &str) -> Result<Option<User>> {
    let Ok(id) = field.parse::<u64>() else {
        return Ok(None);
    };
    Ok(tx
        .user(UserId(id))?
        .filter(|u| !u.is_applicant() && u.active))
}

fn assignee(user: &User) -> Assignee {
    Assignee {
        user: user.id,
        name: user.full_name.as_str().to_owned(),
    }
}

/// Turns an action form into a command (files already stored and referenced).
#[allow(clippy::too_many_lines)] // one arm per step, each a few lines
fn command(
    tx: &impl UserReads,
    appeal: &Appeal,
    action: Action,
    form: &dyn Fields,
    attachments: Vec<crate::domain::appeal::AttachmentRef>,
    today: Date,
) -> Result<Command> {
    let mut e = FieldErrors::default();
    let command = match action {
        Action::Route => {
            let executor = staff_member(tx, form.get("executor"))?;
            if executor.is_none() {
                e.add("executor", "error.required");
            }
            let unit = form.get("unit").parse().map_or(appeal.unit, UnitId);
            let mut co_executors = Vec::new();
            for id in form.all("co_executors") {
                let user = staff_member(tx, id)?;
                if let Some(user) = user.filter(|u| executor.as_ref().is_none_or(|x| x.id != u.id))
                {
                    co_executors.push(assignee(&user));
                }
            }
            match executor {
                Some(executor) => Command::Route {
                    unit,
                    executor: assignee(&executor),
                    executor_roles: executor.roles(),
                    co_executors,
                },
                None => return Err(Error::Invalid(e)),
            }
        }
        Action::RequestCorrection => Command::RequestCorrection(Request {
            text: text(&mut e, form, "text", 5_000),
            until: date(&mut e, form, "until"),
        }),
        Action::Correct => Command::Correct {
            note: form.get("note").trim().to_owned(),
            attachments,
        },
        Action::RequestDocuments => Command::RequestDocuments(Request {
            text: text(&mut e, form, "text", 5_000),
            until: date(&mut e, form, "until"),
        }),
        Action::AddDocuments => Command::AddDocuments {
            note: form.get("note").trim().to_owned(),
            attachments,
        },
        Action::StartHearing => Command::StartHearing(Hearing {
            preliminary: text(&mut e, form, "text", 20_000),
            objections_until: date(&mut e, form, "until"),
            protocol: None,
        }),
        Action::RecordHearing => Command::RecordHearing {
            protocol: text(&mut e, form, "text", 20_000),
        },
        Action::SubmitDraft => {
            let outcome = e.take(
                "outcome",
                Outcome::from_code(form.get("outcome")).ok_or("error.required"),
            );
            let body = text(&mut e, form, "text", 20_000);
            let waiver = form.get("hearing_waiver").trim();
            Command::SubmitDraft {
                text: body,
                outcome: outcome.unwrap_or(Outcome::Explained),
                appeal_clause: !form.get("appeal_clause").is_empty(),
                attachments,
                hearing_waiver: (!waiver.is_empty()).then(|| waiver.to_owned()),
            }
        }
        Action::ReturnDraft => Command::ReturnDraft {
            comment: text(&mut e, form, "text", 5_000),
        },
        Action::Sign => Command::Sign,
        Action::Extend => Command::Extend {
            new_due: date(&mut e, form, "until"),
            reason: text(&mut e, form, "text", 5_000),
        },
        Action::Forward => Command::Forward(Forwarding {
            letter: Letter {
                number: text(&mut e, form, "letter_number", 100),
                to: text(&mut e, form, "to", 300),
                text: text(&mut e, form, "text", 20_000),
                sent_on: today,
            },
            part: None,
        }),
        Action::Return => Command::Return {
            reason: text(&mut e, form, "text", 5_000),
        },
        Action::Withdraw => Command::Withdraw {
            reason: form.get("text").trim().to_owned(),
        },
        Action::Terminate => {
            let ground = e.take(
                "ground",
                Ground::from_code(form.get("ground")).ok_or("error.required"),
            );
            Command::Terminate {
                ground: ground.unwrap_or(Ground::Other),
                reason: text(&mut e, form, "text", 5_000),
            }
        }
        Action::SendUp => Command::SendUp(Letter {
            number: text(&mut e, form, "letter_number", 100),
            to: text(&mut e, form, "to", 300),
            text: text(&mut e, form, "text", 20_000),
            sent_on: today,
        }),
        Action::DecideComplaint => {
            let outcome = e.take(
                "outcome",
                Outcome::from_code(form.get("outcome")).ok_or("error.required"),
            );
            Command::DecideComplaint {
                outcome: outcome.unwrap_or(Outcome::NotConsidered),
                text: text(&mut e, form, "text", 20_000),
                attachments,
            }
        }
        Action::Rate => {
            let score = e.take(
                "score",
                Score::from_code(form.get("score")).ok_or("error.required"),
            );
            Command::Rate {
                score: score.unwrap_or(Score::Neutral),
                comment: e
                    .take(
                        "comment",
                        optional_text(form.get("comment"), SHORT_TEXT_MAX),
                    )
                    .unwrap_or_default(),
            }
        }
        Action::Note => Command::AddNote {
            text: text(&mut e, form, "text", 5_000),
        },
    };
    if e.is_empty() {
        Ok(command)
    } else {
        Err(Error::Invalid(e))
    }
}

/// Runs one step on an appeal, as `by`, with the form of its `action`.
pub fn act(
    ctx: &Ctx,
    by: &User,
    id: AppealId,
    action: Action,
    form: &dyn Fields,
    uploads: &[Upload],
) -> Result<Appeal> {
    let files = checked_files(ctx, uploads)?;
    let (from, after) = decide_then_write(
        ctx,
        |tx| decide_step(ctx, tx, by, id, action, form, &files),
        |tx, before, step| {
            Ok((
                before.status,
                write_step(ctx, tx, before, step, by, &files)?,
            ))
        },
    )?;
    // Logged once the change is on disk.
    log::info!(
        "appeal {} (id {}): {action} by user {}: {} -> {}",
        after.number,
        after.id.0,
        by.id.0,
        from.code(),
        after.status.code()
    );
    Ok(after)
}

/// A step decided on a read snapshot: what [`write_step`] stores.
struct DecidedStep {
    /// The change; the uploaded files in it are placeholders until they are stored.
    change: Change,
    /// The description of the forwarded part, when forwarding in part.
    part: Option<String>,
    /// The director's ЭЦП, verified over the draft, kept with a "sign" step.
    signature: Option<StoredSignature>,
    /// When the step was decided: the time its event records.
    at: Timestamp,
}

/// Decides a step on a read snapshot: who asks, the status and the time (the guard), then what
/// the form says, then the state machine's checks of the input, then the director's ЭЦП.
fn decide_step(
    ctx: &Ctx,
    tx: &ReadTx,
    by: &User,
    id: AppealId,
    action: Action,
    form: &dyn Fields,
    files: &[NewAttachment],
) -> Result<(Appeal, DecidedStep)> {
    let before = tx
        .appeal(id)?
        .filter(|a| can_see(by, a))
        .ok_or(Error::NotFound)?;
    let calendar = ctx.calendar();
    let moment = super::moment(ctx, &calendar);
    // Who asks, the status and the time are checked before what the form says: a step that is
    // not offered (a stale page, a forged form) is refused for that reason.
    crate::domain::lifecycle::may(&before, action, &actor(by), moment)?;
    let command = command(tx, &before, action, form, unstored(files), moment.today)?;
    let change = decide(&before, command, &actor(by), moment)?;
    let part = form.get("part").trim();
    let part = (action == Action::Forward && !part.is_empty()).then(|| part.to_owned());
    // The director's ЭЦП posted with "sign" must verify over the draft, or nothing is saved;
    // it is kept with the step's event.
    let signature = if action == Action::Sign {
        super::ecp::check_answer(ctx, tx, &before, by, form.get("cms"))?
    } else {
        None
    };
    Ok((
        before,
        DecidedStep {
            change,
            part,
            signature,
            at: moment.now,
        },
    ))
}

/// The uploaded files as a command references them before they are stored (id 0): the
/// decision sees their names, types and sizes; [`write_step`] puts in the stored ones.
fn unstored(files: &[NewAttachment]) -> Vec<AttachmentRef> {
    files
        .iter()
        .map(|file| AttachmentRef {
            id: AttachmentId(0),
            name: file.name.clone(),
            file_type: file.file_type,
            size: file.bytes.len() as u64,
        })
        .collect()
}

/// Stores a decided step on the appeal it was decided on (unchanged since, as the caller
/// checked): the uploaded files, the change with its event and notices (forwarding in part
/// registers the forwarded part as a child appeal), and the ЭЦП. Refuses nothing.
fn write_step(
    ctx: &Ctx,
    tx: &mut WriteTx,
    before: &Appeal,
    step: &DecidedStep,
    by: &User,
    files: &[NewAttachment],
) -> Result<Appeal> {
    let mut stored = Vec::with_capacity(files.len());
    for file in files {
        stored.push(tx.insert_attachment(before.id, by.id, file)?);
    }
    let mut change = step.change.clone();
    if let Some(attachments) = change.attachments_mut() {
        *attachments = stored;
    }
    let after = match (&step.part, change) {
        (Some(part), Change::Forwarded(forwarding)) => {
            forward_part(ctx, tx, before, forwarding.letter, part, by, step.at)?
        }
        (_, change) => store_change(ctx, tx, before, change, actor(by), step.at)?,
    };
    if let Some(signature) = &step.signature {
        tx.put_signature(signature)?;
    }
    Ok(after)
}

/// Stores one decided change of `before` inside an open transaction: the new state, its event
/// (built by [`super::history::event`]), the indexes and the notices it causes.
pub(super) fn store_change(
    ctx: &Ctx,
    tx: &mut WriteTx,
    before: &Appeal,
    change: Change,
    by: Actor,
    at: Timestamp,
) -> Result<Appeal> {
    let mut after = before.clone();
    after.apply(&change);
    notify(tx, &after, &change, at)?;
    let event = super::history::event(ctx, Some(before), &after, change, by, at);
    tx.update_appeal(before, &after, &event)?;
    Ok(after)
}

/// The notices a change causes, queued in the same transaction.
fn notify(tx: &mut WriteTx, appeal: &Appeal, change: &Change, now: jiff::Timestamp) -> Result<()> {
    let to_owner = |tx: &mut WriteTx, kind| -> Result<()> {
        if let Some(owner) = appeal.owner {
            tx.enqueue_notice(owner, appeal.id, appeal.number, kind, now)?;
        }
        Ok(())
    };
    match change {
        Change::Routed {
            executor,
            co_executors,
            ..
        } => {
            for user in std::iter::once(executor).chain(co_executors) {
                tx.enqueue_notice(
                    user.user,
                    appeal.id,
                    appeal.number,
                    NoticeKind::NewTask,
                    now,
                )?;
            }
        }
        Change::CorrectionRequested(_) => to_owner(tx, NoticeKind::CorrectionRequested)?,
        Change::DocumentsRequested(_) => to_owner(tx, NoticeKind::DocumentsRequested)?,
        Change::HearingStarted(_) => to_owner(tx, NoticeKind::HearingStarted)?,
        Change::Extended(_) => to_owner(tx, NoticeKind::Extended)?,
        Change::Forwarded(_) => to_owner(tx, NoticeKind::Forwarded)?,
        Change::Signed(_) => to_owner(tx, NoticeKind::Answered)?,
        Change::Returned(_) => to_owner(tx, NoticeKind::Returned)?,
        Change::Terminated(_) => to_owner(tx, NoticeKind::Terminated)?,
        Change::SentUp(_) => to_owner(tx, NoticeKind::SentUp)?,
        Change::ComplaintDecided(_) => to_owner(tx, NoticeKind::ComplaintDecided)?,
        Change::DocumentsAdded { .. } | Change::Corrected { .. } => {
            if let Some(executor) = &appeal.executor {
                tx.enqueue_notice(
                    executor.user,
                    appeal.id,
                    appeal.number,
                    NoticeKind::ApplicantReplied,
                    now,
                )?;
            }
        }
        Change::DraftSubmitted(_) => {
            for director in tx
                .staff()?
                .into_iter()
                .filter(|u| u.active && u.roles().has(Role::Director))
            {
                tx.enqueue_notice(
                    director.id,
                    appeal.id,
                    appeal.number,
                    NoticeKind::AwaitingSignature,
                    now,
                )?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Forwarding in part: the forwarded part becomes a child appeal (registered and forwarded at
/// once), the parent records the letter and continues (art. 65; e-Otinish "Переадресовано в части").
/// The parent's forwarding (guard and letter) was decided on the snapshot.
fn forward_part(
    ctx: &Ctx,
    tx: &mut WriteTx,
    parent: &Appeal,
    letter: Letter,
    part: &str,
    by: &User,
    at: Timestamp,
) -> Result<Appeal> {
    let child_id = AppealId(tx.next_in_sequence("appeal")?);
    let seq = tx.next_in_sequence(&RegistrationNumber::counter_key(
        parent.applicant.kind,
        parent.number.year,
    ))?;
    let child_number = RegistrationNumber {
        kind: parent.applicant.kind,
        year: parent.number.year,
        seq: u32::try_from(seq)
            .map_err(|_| crate::store::Error::Duplicate("registration number"))?,
    };
    let mut child = parent.clone();
    child.id = child_id;
    child.number = child_number;
    part.clone_into(&mut child.description);
    child.attachments = Vec::new();
    child.status = Status::Registered;
    child.executor = None;
    child.co_executors = Vec::new();
    child.forwardings = Vec::new();
    child.links = Links {
        parent: Some((parent.id, parent.number)),
        ..Links::default()
    };
    child.events = 1;
    let registered = super::history::event(
        ctx,
        None,
        &child,
        Change::Registered(Box::new(child.clone())),
        actor(by),
        at,
    );
    tx.insert_appeal(&child, &registered)?;
    let full = Change::Forwarded(Forwarding {
        letter: letter.clone(),
        part: None,
    });
    store_change(ctx, tx, &child, full, actor(by), at)?;
    let change = Change::Forwarded(Forwarding {
        letter,
        part: Some((part.to_owned(), child_id, child_number)),
    });
    store_change(ctx, tx, parent, change, actor(by), at)
}

/// Staff who can be routed to, for the card's select (executors and directors).
pub fn assignable(ctx: &Ctx) -> Result<Vec<User>> {
    super::registry::executors(ctx)
}

/// Whether the director's signature (a user holding the director role) exists.
pub fn has_director(ctx: &Ctx) -> Result<bool> {
    Ok(ctx
        .store
        .read(|tx| tx.staff())?
        .iter()
        .any(|u| u.active && u.roles().has(Role::Director)))
}

/// The steps `viewer` may take on `appeal` now: every [`Action`] the guard allows (who, status,
/// time). A step offered is refused afterwards only for what its form says.
pub fn available(ctx: &Ctx, viewer: &User, appeal: &Appeal) -> Vec<Action> {
    let calendar = ctx.calendar();
    available_at(viewer, appeal, super::moment(ctx, &calendar))
}

/// [`available`] at a moment the caller read (a page reads its clock and calendar once).
pub fn available_at(viewer: &User, appeal: &Appeal, moment: Moment<'_>) -> Vec<Action> {
    let who = actor(viewer);
    Action::ALL
        .into_iter()
        .filter(|action| crate::domain::lifecycle::may(appeal, *action, &who, moment).is_ok())
        .collect()
}

/// Whether the applicant may complain about this appeal's answer: once it is answered, and
/// after the window too (a missed term is no ground to refuse, art. 92 ч.3).
pub fn may_complain(viewer: &User, appeal: &Appeal) -> bool {
    viewer.is_applicant() && crate::domain::lifecycle::may_complain(appeal, &actor(viewer)).is_ok()
}

/// The day a complaint must be passed to the higher body by (art. 91 ч.4: 3 working days
/// from receipt), while it has not been.
pub fn pass_up_due(ctx: &Ctx, appeal: &Appeal) -> Option<Date> {
    crate::domain::lifecycle::pass_up_due(appeal, &ctx.rules.time_zone, &ctx.calendar())
}

/// Whether a forwarding or passing-up letter went out after its 3 working days from receipt.
pub fn sent_late(ctx: &Ctx, appeal: &Appeal, letter: &Letter) -> bool {
    crate::domain::lifecycle::sent_late(appeal, letter, &ctx.rules.time_zone, &ctx.calendar())
}

/// Records, once, that the answer reached the applicant: the first time the owner opens the
/// answered appeal. The complaint window counts from that day (art. 92 ч.1). Returns whether
/// it wrote.
pub(super) fn record_answer_received(ctx: &Ctx, owner: &User, id: AppealId) -> Result<bool> {
    ctx.store.write(|tx| {
        let Some(appeal) = tx.appeal(id)?.filter(|a| a.owner == Some(owner.id)) else {
            return Ok(false);
        };
        let answered = appeal.answer.as_ref().is_some_and(|a| a.signed.is_some());
        if !answered || Appeal::answer_received_on(&tx.events(id)?).is_some() {
            return Ok(false);
        }
        let change = Change::AnswerReceived { on: ctx.today() };
        store_change(ctx, tx, &appeal, change, actor(owner), ctx.now())?;
        Ok(true)
    })
}

/// The longest rating comment or late-complaint reason, in characters.
pub(super) const SHORT_TEXT_MAX: usize = 2_000;

/// Marks a complaint that came after the window as late, with the applicant's reason (already
/// checked), in the transaction that registered it.
pub(super) fn mark_filed_late(
    ctx: &Ctx,
    tx: &mut WriteTx,
    complaint: &Appeal,
    window_ended: Date,
    reason: &str,
    by: &User,
    at: Timestamp,
) -> Result<Appeal> {
    let change = Change::FiledLate {
        window_ended,
        reason: reason.to_owned(),
    };
    store_change(ctx, tx, complaint, change, actor(by), at)
}

/// Recomputes the deadlines of every running appeal after the working-day calendar changed,
/// in the transaction that changed it. Each changed appeal gets a `DeadlineRecomputed` step;
/// extended deadlines keep their date unless it became a day off (then the next working day).
pub(super) fn recompute_deadlines(
    ctx: &Ctx,
    tx: &mut WriteTx,
    calendar: &crate::domain::calendar::Calendar,
    by: &User,
) -> Result<usize> {
    use crate::store::OpenReads;
    let mut changed = 0;
    for id in tx.open_appeal_ids()? {
        let Some(before) = tx.appeal(id)? else {
            continue;
        };
        let counted = crate::domain::deadline::due_date(
            before.registered_on,
            before.basis.term,
            before.basis.rule,
            calendar,
        );
        let due = match before.extensions.last() {
            Some(extension) => calendar.working_day_on_or_after(extension.new_due),
            None => counted.due,
        };
        let provisional = counted.provisional || !calendar.is_confirmed(due.year());
        if due == before.due && provisional == before.due_provisional {
            continue;
        }
        store_change(
            ctx,
            tx,
            &before,
            Change::DeadlineRecomputed { due, provisional },
            actor(by),
            ctx.now(),
        )?;
        changed += 1;
    }
    Ok(changed)
}

#[cfg(test)]
mod tests;
