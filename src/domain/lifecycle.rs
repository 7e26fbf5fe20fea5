//! The appeal state machine: who may do what, in which status, by when (domain.md §8.3).
//!
//! [`decide`] checks a [`Command`] against the appeal, the actor and the day, and returns the
//! [`Change`] it causes or the [`Refusal`] that explains why not. It never changes anything
//! itself; `Appeal::apply` folds the change in. Each command is one [`Action`]; the guard
//! [`may`] (who, status, time) runs first, and the arms of `decide` check only the input.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

use super::appeal::{
    Actor, Answer, Appeal, Assignee, AttachmentRef, Change, Ending, Extension, Forwarding, Hearing,
    Letter, Rating, Request, Signature, UnitId,
};
use super::calendar::Calendar;
use super::deadline::add_working_days;
use super::kind::{Ground, Outcome, Score, Status, Track};
use super::user::Role;

mod action;
pub use action::{Action, may, may_complain};

/// The moment a command is decided at.
#[derive(Debug, Clone, Copy)]
pub struct Moment<'a> {
    /// The instant.
    pub now: Timestamp,
    /// The institution's local day.
    pub today: Date,
    /// The working-day calendar.
    pub calendar: &'a Calendar,
    /// The institution's time zone (the day of receipt is a local day).
    pub zone: &'a TimeZone,
}

/// What someone asks to do to an appeal.
#[derive(Debug, Clone)]
pub enum Command {
    /// Route to a unit and executor (+ co-executors).
    Route {
        /// Unit.
        unit: UnitId,
        /// Executor.
        executor: Assignee,
        /// The executor's roles.
        executor_roles: super::user::Roles,
        /// Co-executors.
        co_executors: Vec<Assignee>,
    },
    /// Ask the applicant to correct defects (art. 64 ч.6 / art. 93).
    RequestCorrection(Request),
    /// The defects were corrected.
    Correct {
        /// Note.
        note: String,
        /// Files.
        attachments: Vec<AttachmentRef>,
    },
    /// Ask the applicant for more documents.
    RequestDocuments(Request),
    /// The applicant adds documents.
    AddDocuments {
        /// Note.
        note: String,
        /// Files.
        attachments: Vec<AttachmentRef>,
    },
    /// Send the preliminary decision for a hearing (art. 73).
    StartHearing(Hearing),
    /// Record that the hearing was held.
    RecordHearing {
        /// Protocol.
        protocol: String,
    },
    /// Send a draft answer for signature.
    SubmitDraft {
        /// Text.
        text: String,
        /// Result.
        outcome: Outcome,
        /// Whether the appeal clause is included.
        appeal_clause: bool,
        /// Files.
        attachments: Vec<AttachmentRef>,
        /// Reason a hearing was not needed, for a burdensome result without one.
        hearing_waiver: Option<String>,
    },
    /// Send the draft back to the executor.
    ReturnDraft {
        /// Why.
        comment: String,
    },
    /// Approve and sign the draft: the answer goes out.
    Sign,
    /// Extend the deadline (art. 76 ч.3).
    Extend {
        /// New deadline (rolled forward to a working day).
        new_due: Date,
        /// Reasons.
        reason: String,
    },
    /// Forward to the competent body, in full or in part (art. 65).
    Forward(Forwarding),
    /// Return to the applicant (art. 64 ч.7).
    Return {
        /// Reasons.
        reason: String,
    },
    /// The applicant withdraws the appeal (art. 64 ч.9).
    Withdraw {
        /// Reasons or the withdrawal text.
        reason: String,
    },
    /// Terminate the procedure on a ground.
    Terminate {
        /// Ground.
        ground: Ground,
        /// Reasons.
        reason: String,
    },
    /// Pass a complaint with the case file to the higher body (art. 91 ч.4).
    SendUp(Letter),
    /// Decide a complaint: the institution's own full satisfaction, or the higher body's
    /// decision as it came back.
    DecideComplaint {
        /// Result.
        outcome: Outcome,
        /// Text.
        text: String,
        /// Files.
        attachments: Vec<AttachmentRef>,
    },
    /// Record that a complaint was filed about this appeal's answer. Accepted after the
    /// window too (art. 92 ч.3, art. 64 ч.1): lateness is marked, never a refusal.
    LinkComplaint {
        /// The complaint.
        complaint: super::appeal::AppealId,
        /// Its number.
        number: super::registration_number::RegistrationNumber,
    },
    /// The applicant rates the answer.
    Rate {
        /// Score.
        score: Score,
        /// Comment.
        comment: String,
    },
    /// A staff note, never shown to the applicant.
    AddNote {
        /// The note.
        text: String,
    },
}

/// Why a command was refused; each has a message key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The actor's role does not allow it.
    #[error("your role does not allow this")]
    WrongRole,
    /// The appeal's status does not allow it.
    #[error("not possible in status {0:?}")]
    WrongStatus(Status),
    /// Only the assigned executor (or the director) may do it.
    #[error("this appeal is assigned to someone else")]
    NotYourTask,
    /// The chosen person cannot be an executor.
    #[error("that person cannot be an executor")]
    NotAnExecutor,
    /// The window for this step has closed.
    #[error("the time for this step has passed")]
    TooLate,
    /// The term set for the applicant has not run out yet.
    #[error("the applicant's term has not run out")]
    TooEarly,
    /// A term must end after today.
    #[error("the term must end after today")]
    DateInPast,
    /// Extensions reach at most two months from the decision.
    #[error("an extension may reach at most two months from today")]
    ExtensionTooLong,
    /// An extension must move the deadline later.
    #[error("the new deadline must be after the current one")]
    ExtensionNotLater,
    /// Complaint terms cannot be extended (art. 99).
    #[error("complaint terms cannot be extended")]
    NoExtensionForComplaints,
    /// A burdensome result needs a hearing first (art. 73).
    #[error("a hearing must come first")]
    HearingRequired,
    /// Hearings belong to the general procedure.
    #[error("no hearing on this procedure")]
    NoHearingOnTrack,
    /// The result does not belong to this appeal's procedure.
    #[error("that result does not apply to this type")]
    OutcomeNotForTrack,
    /// The ground does not belong to this appeal's procedure.
    #[error("that ground does not apply to this type")]
    GroundNotForTrack,
    /// The signer of the contested answer may not decide the complaint (art. 97 ч.2).
    #[error("the signer of the contested answer cannot decide the complaint")]
    ConflictOfInterest,
    /// Already rated.
    #[error("already rated")]
    AlreadyRated,
    /// A required text is empty.
    #[error("a text is required")]
    EmptyText,
    /// Anonymous appeals are not answered on the merits (art. 88 ч.1 пп.2; art. 64 ч.6-7).
    #[error("anonymous appeals are terminated or returned, not answered")]
    Anonymous,
    /// An extension is decided while the term runs, not after it has run out (art. 76 ч.3).
    #[error("the deadline has passed: it can no longer be extended")]
    DeadlinePassed,
}

impl Refusal {
    /// Translation key of the message.
    pub fn key(self) -> &'static str {
        match self {
            Refusal::WrongRole => "refusal.wrong_role",
            Refusal::WrongStatus(_) => "refusal.wrong_status",
            Refusal::NotYourTask => "refusal.not_your_task",
            Refusal::NotAnExecutor => "refusal.not_an_executor",
            Refusal::TooLate => "refusal.too_late",
            Refusal::TooEarly => "refusal.too_early",
            Refusal::DateInPast => "refusal.date_in_past",
            Refusal::ExtensionTooLong => "refusal.extension_too_long",
            Refusal::ExtensionNotLater => "refusal.extension_not_later",
            Refusal::NoExtensionForComplaints => "refusal.no_extension_for_complaints",
            Refusal::HearingRequired => "refusal.hearing_required",
            Refusal::NoHearingOnTrack => "refusal.no_hearing_on_track",
            Refusal::OutcomeNotForTrack => "refusal.outcome_not_for_track",
            Refusal::GroundNotForTrack => "refusal.ground_not_for_track",
            Refusal::ConflictOfInterest => "refusal.conflict_of_interest",
            Refusal::AlreadyRated => "refusal.already_rated",
            Refusal::EmptyText => "refusal.empty_text",
            Refusal::Anonymous => "refusal.anonymous",
            Refusal::DeadlinePassed => "law.refusal_deadline_passed",
        }
    }
}

/// The local day the appeal was received (not registered: art. 64 ч.3 may move registration
/// to the next working day, but the windows of art. 65 and art. 91 ч.4 run from receipt).
pub fn received_on(appeal: &Appeal, zone: &TimeZone) -> Date {
    appeal.received_at.to_zoned(zone.clone()).date()
}

/// The last day of the 3-working-day window from receipt: to forward an appeal outside the
/// institution's competence (art. 65), and to pass a complaint up with the case file or satisfy
/// it in full (art. 91 ч.4).
pub fn receipt_window_end(appeal: &Appeal, zone: &TimeZone, calendar: &Calendar) -> Date {
    add_working_days(received_on(appeal, zone), 3, calendar)
}

/// The day a complaint must be passed to the higher body by (art. 91 ч.4): `None` for other
/// types, and once it has been passed up or its life ended.
pub fn pass_up_due(appeal: &Appeal, zone: &TimeZone, calendar: &Calendar) -> Option<Date> {
    (appeal.kind.track() == Track::Complaint && appeal.status.deadline_runs())
        .then(|| receipt_window_end(appeal, zone, calendar))
}

/// Whether a letter (forwarding or complaint passed up) went out after its 3-working-day
/// window from receipt. Late steps stay possible and are marked, derived here at read time.
pub fn sent_late(appeal: &Appeal, letter: &Letter, zone: &TimeZone, calendar: &Calendar) -> bool {
    letter.sent_on > receipt_window_end(appeal, zone, calendar)
}

/// The last day a complaint about this appeal's answer is in time: 3 months from the day the
/// applicant learned of the answer, 6 when it did not explain how to complain (art. 92 ч.1,
/// ч.1-1). `learned_on` is the recorded day the answer reached the applicant; without one (a
/// paper applicant with no account) the day it was signed stands in.
pub fn complaint_deadline(appeal: &Appeal, learned_on: Option<Date>) -> Option<Date> {
    let answer = appeal.answer.as_ref()?;
    let signed = answer.signed.as_ref()?;
    let months = if answer.appeal_clause { 3 } else { 6 };
    let from = learned_on.map_or(signed.on, |day| day.max(signed.on));
    from.checked_add(Span::new().months(months)).ok()
}

/// Whether a complaint filed on `today` about this appeal's answer comes after the window
/// (it is still accepted and registered, art. 92 ч.3; the card says it is late and why).
pub fn complaint_is_late(appeal: &Appeal, learned_on: Option<Date>, today: Date) -> bool {
    complaint_deadline(appeal, learned_on).is_some_and(|last_day| today > last_day)
}

fn require(ok: bool, refusal: Refusal) -> Result<(), Refusal> {
    if ok { Ok(()) } else { Err(refusal) }
}

fn require_text(text: &str) -> Result<(), Refusal> {
    require(!text.trim().is_empty(), Refusal::EmptyText)
}

fn require_status(appeal: &Appeal, allowed: &[Status]) -> Result<(), Refusal> {
    require(
        allowed.contains(&appeal.status),
        Refusal::WrongStatus(appeal.status),
    )
}

fn require_role(actor: &Actor, roles: &[Role]) -> Result<(), Refusal> {
    require(actor.roles.any(roles), Refusal::WrongRole)
}

fn is_owner(appeal: &Appeal, actor: &Actor) -> bool {
    actor.roles.is_empty() && actor.user.is_some() && actor.user == appeal.owner
}

/// The assigned executor, a co-executor or the director.
fn require_executor(appeal: &Appeal, actor: &Actor) -> Result<(), Refusal> {
    require_role(actor, &[Role::Executor, Role::Director])?;
    let assigned = appeal
        .executor
        .iter()
        .chain(&appeal.co_executors)
        .any(|e| Some(e.user) == actor.user);
    require(
        assigned || actor.roles.has(Role::Director),
        Refusal::NotYourTask,
    )
}

impl Command {
    /// The card's step this command is, or `None` for a step no form asks for (linking a
    /// complaint happens when the complaint is filed).
    pub fn action(&self) -> Option<Action> {
        Some(match self {
            Command::Route { .. } => Action::Route,
            Command::RequestCorrection(_) => Action::RequestCorrection,
            Command::Correct { .. } => Action::Correct,
            Command::RequestDocuments(_) => Action::RequestDocuments,
            Command::AddDocuments { .. } => Action::AddDocuments,
            Command::StartHearing(_) => Action::StartHearing,
            Command::RecordHearing { .. } => Action::RecordHearing,
            Command::SubmitDraft { .. } => Action::SubmitDraft,
            Command::ReturnDraft { .. } => Action::ReturnDraft,
            Command::Sign => Action::Sign,
            Command::Extend { .. } => Action::Extend,
            Command::Forward(_) => Action::Forward,
            Command::Return { .. } => Action::Return,
            Command::Withdraw { .. } => Action::Withdraw,
            Command::Terminate { .. } => Action::Terminate,
            Command::SendUp(_) => Action::SendUp,
            Command::DecideComplaint { .. } => Action::DecideComplaint,
            Command::Rate { .. } => Action::Rate,
            Command::AddNote { .. } => Action::Note,
            Command::LinkComplaint { .. } => return None,
        })
    }
}

/// Checks a command and returns the change it causes: first the guard ([`may`]: who, status,
/// time), then the command's input.
#[allow(clippy::too_many_lines)] // one arm per command reads better than a dispatch table
pub fn decide(
    appeal: &Appeal,
    command: Command,
    actor: &Actor,
    at: Moment,
) -> Result<Change, Refusal> {
    match command.action() {
        Some(action) => may(appeal, action, actor, at)?,
        None => may_complain(appeal, actor)?,
    }
    let track = appeal.kind.track();
    match command {
        Command::Route {
            unit,
            executor,
            executor_roles,
            co_executors,
        } => {
            require(
                executor_roles.any(&[Role::Executor, Role::Director]),
                Refusal::NotAnExecutor,
            )?;
            // A complaint about an answer never goes to the one who signed it (art. 97 ч.2).
            let signer = appeal.links.contested.as_ref().and_then(|c| c.signer);
            require(
                signer.is_none()
                    || std::iter::once(&executor)
                        .chain(&co_executors)
                        .all(|e| Some(e.user) != signer),
                Refusal::ConflictOfInterest,
            )?;
            Ok(Change::Routed {
                unit,
                executor,
                co_executors,
                by_rule: false,
            })
        }
        Command::RequestCorrection(request) => {
            require_text(&request.text)?;
            require(request.until > at.today, Refusal::DateInPast)?;
            Ok(Change::CorrectionRequested(request))
        }
        Command::Correct { note, attachments } => Ok(Change::Corrected { note, attachments }),
        Command::RequestDocuments(request) => {
            require_text(&request.text)?;
            require(request.until > at.today, Refusal::DateInPast)?;
            Ok(Change::DocumentsRequested(request))
        }
        Command::AddDocuments { note, attachments } => {
            Ok(Change::DocumentsAdded { note, attachments })
        }
        Command::StartHearing(hearing) => {
            require_text(&hearing.preliminary)?;
            // Objections may come within 2 working days of the notice (art. 73 ч.3).
            require(
                hearing.objections_until >= add_working_days(at.today, 2, at.calendar),
                Refusal::DateInPast,
            )?;
            Ok(Change::HearingStarted(hearing))
        }
        Command::RecordHearing { protocol } => {
            require_text(&protocol)?;
            Ok(Change::HearingHeld { protocol })
        }
        Command::SubmitDraft {
            text,
            outcome,
            appeal_clause,
            attachments,
            hearing_waiver,
        } => {
            require(
                Outcome::for_track(track).contains(&outcome),
                Refusal::OutcomeNotForTrack,
            )?;
            require_text(&text)?;
            let heard = appeal
                .hearing
                .as_ref()
                .is_some_and(|h| h.protocol.is_some());
            let waived = hearing_waiver
                .as_ref()
                .is_some_and(|w| !w.trim().is_empty());
            require(
                track != Track::General || !outcome.is_burdensome() || heard || waived,
                Refusal::HearingRequired,
            )?;
            Ok(Change::DraftSubmitted(Answer {
                text,
                outcome,
                attachments,
                appeal_clause,
                by: actor.clone(),
                at: at.now,
                hearing_waiver: hearing_waiver.filter(|w| !w.trim().is_empty()),
                signed: None,
            }))
        }
        Command::ReturnDraft { comment } => {
            require_text(&comment)?;
            Ok(Change::DraftReturned { comment })
        }
        Command::Sign => Ok(Change::Signed(Signature {
            by: actor.clone(),
            at: at.now,
            on: at.today,
        })),
        Command::Extend { new_due, reason } => {
            require_text(&reason)?;
            let new_due = at.calendar.working_day_on_or_after(new_due);
            require(new_due > appeal.due, Refusal::ExtensionNotLater)?;
            let limit = at
                .today
                .checked_add(Span::new().months(2))
                .unwrap_or(Date::MAX);
            require(
                new_due <= at.calendar.working_day_on_or_after(limit),
                Refusal::ExtensionTooLong,
            )?;
            Ok(Change::Extended(Extension {
                previous_due: appeal.due,
                new_due,
                reason,
                by: actor.clone(),
                decided_on: at.today,
                notify_by: add_working_days(at.today, 3, at.calendar),
                notified_at: Some(at.now),
            }))
        }
        Command::Forward(forwarding) => {
            require_text(&forwarding.letter.to)?;
            // Past the 3 working days from receipt it is still forwarded (the competent body
            // must get it), and marked late (`sent_late`).
            Ok(Change::Forwarded(forwarding))
        }
        Command::Return { reason } => {
            require_text(&reason)?;
            Ok(Change::Returned(Ending {
                ground: None,
                reason,
                by: actor.clone(),
            }))
        }
        Command::Withdraw { reason } => Ok(Change::Withdrawn(Ending {
            ground: None,
            reason,
            by: actor.clone(),
        })),
        Command::Terminate { ground, reason } => {
            require(
                Ground::for_track(track).contains(&ground),
                Refusal::GroundNotForTrack,
            )?;
            require_text(&reason)?;
            Ok(Change::Terminated(Ending {
                ground: Some(ground),
                reason,
                by: actor.clone(),
            }))
        }
        Command::SendUp(letter) => {
            require_text(&letter.to)?;
            Ok(Change::SentUp(letter))
        }
        Command::DecideComplaint {
            outcome,
            text,
            attachments,
        } => {
            require_text(&text)?;
            // The institution's own decision is full satisfaction; once passed up, the higher
            // body's decision is any other complaint result.
            let fits = if appeal.status == Status::ComplaintSentUp {
                outcome != Outcome::SelfRemedied
                    && Outcome::for_track(Track::Complaint).contains(&outcome)
            } else {
                outcome == Outcome::SelfRemedied
            };
            require(fits, Refusal::OutcomeNotForTrack)?;
            let signature = Signature {
                by: actor.clone(),
                at: at.now,
                on: at.today,
            };
            Ok(Change::ComplaintDecided(Answer {
                text,
                outcome,
                attachments,
                appeal_clause: true,
                by: actor.clone(),
                at: at.now,
                hearing_waiver: None,
                signed: Some(signature),
            }))
        }
        Command::LinkComplaint { complaint, number } => {
            Ok(Change::ComplaintFiled { complaint, number })
        }
        Command::Rate { score, comment } => Ok(Change::Rated(Rating {
            score,
            comment,
            at: at.now,
        })),
        Command::AddNote { text } => {
            require_text(&text)?;
            Ok(Change::NoteAdded { text })
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
