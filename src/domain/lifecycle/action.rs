//! The steps a person can take on an appeal's card, as one type, and the guard [`may`]: may
//! this actor take this step on this appeal now (role, status, time)?
//!
//! The guard never looks at a step's input (texts, dates, the chosen executor, the result):
//! `decide` runs it first and then checks the input, so a step the guard allows is refused
//! only for what the form said. The card offers `Action::ALL` filtered by the guard.

use std::fmt;

use super::{
    Moment, Refusal, is_owner, receipt_window_end, require, require_executor, require_role,
    require_status,
};
use crate::domain::appeal::{Actor, Appeal};
use crate::domain::kind::{Status, Track};
use crate::domain::user::Role;

/// One step on an appeal, as a form asks for it (its `action` field holds [`Action::code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Route to a unit and executor.
    Route,
    /// Ask the applicant to correct defects.
    RequestCorrection,
    /// The defects were corrected.
    Correct,
    /// Ask the applicant for more documents.
    RequestDocuments,
    /// The applicant adds documents.
    AddDocuments,
    /// Send the preliminary decision for a hearing.
    StartHearing,
    /// Record that the hearing was held.
    RecordHearing,
    /// Send a draft answer for signature.
    SubmitDraft,
    /// Send the draft back to the executor.
    ReturnDraft,
    /// Sign the draft: the answer goes out.
    Sign,
    /// Extend the deadline.
    Extend,
    /// Forward to the competent body.
    Forward,
    /// Return to the applicant.
    Return,
    /// Withdraw the appeal.
    Withdraw,
    /// Terminate the procedure.
    Terminate,
    /// Pass a complaint up to the higher body.
    SendUp,
    /// Decide a complaint.
    DecideComplaint,
    /// Rate the answer.
    Rate,
    /// Add a staff note.
    Note,
}

impl Action {
    /// Every step, in the order the card lists them.
    pub const ALL: [Action; 19] = [
        Action::Route,
        Action::RequestCorrection,
        Action::Correct,
        Action::RequestDocuments,
        Action::AddDocuments,
        Action::StartHearing,
        Action::RecordHearing,
        Action::SubmitDraft,
        Action::ReturnDraft,
        Action::Sign,
        Action::Extend,
        Action::Forward,
        Action::Return,
        Action::Withdraw,
        Action::Terminate,
        Action::SendUp,
        Action::DecideComplaint,
        Action::Rate,
        Action::Note,
    ];

    /// The stable code in forms (`action`), `?done=` links and the log.
    pub fn code(self) -> &'static str {
        match self {
            Action::Route => "route",
            Action::RequestCorrection => "request-correction",
            Action::Correct => "correct",
            Action::RequestDocuments => "request-documents",
            Action::AddDocuments => "add-documents",
            Action::StartHearing => "start-hearing",
            Action::RecordHearing => "record-hearing",
            Action::SubmitDraft => "submit-draft",
            Action::ReturnDraft => "return-draft",
            Action::Sign => "sign",
            Action::Extend => "extend",
            Action::Forward => "forward",
            Action::Return => "return",
            Action::Withdraw => "withdraw",
            Action::Terminate => "terminate",
            Action::SendUp => "send-up",
            Action::DecideComplaint => "decide-complaint",
            Action::Rate => "rate",
            Action::Note => "note",
        }
    }

    /// Parses a code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.code() == code)
    }

    /// The translation key of the step's name (its form's title and button).
    pub fn label_key(self) -> &'static str {
        match self {
            Action::Route => "action.route",
            Action::RequestCorrection => "action.request_correction",
            Action::Correct => "action.correct",
            Action::RequestDocuments => "action.request_documents",
            Action::AddDocuments => "action.add_documents",
            Action::StartHearing => "action.start_hearing",
            Action::RecordHearing => "action.record_hearing",
            Action::SubmitDraft => "action.submit_draft",
            Action::ReturnDraft => "action.return_draft",
            Action::Sign => "action.sign",
            Action::Extend => "action.extend",
            Action::Forward => "action.forward",
            Action::Return => "action.return",
            Action::Withdraw => "action.withdraw",
            Action::Terminate => "action.terminate",
            Action::SendUp => "action.send_up",
            Action::DecideComplaint => "action.decide_complaint",
            Action::Rate => "action.rate",
            Action::Note => "action.note",
        }
    }

    /// Whether the step cannot be undone, so the person must confirm it (ending the appeal, or
    /// sending the signed answer out).
    pub fn needs_confirmation(self) -> bool {
        match self {
            Action::Withdraw | Action::Return | Action::Terminate | Action::Sign => true,
            Action::Route
            | Action::RequestCorrection
            | Action::Correct
            | Action::RequestDocuments
            | Action::AddDocuments
            | Action::StartHearing
            | Action::RecordHearing
            | Action::SubmitDraft
            | Action::ReturnDraft
            | Action::Extend
            | Action::Forward
            | Action::SendUp
            | Action::DecideComplaint
            | Action::Rate
            | Action::Note => false,
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Whether `actor` may take `action` on `appeal` at this moment: who asks, the status, the
/// procedure and the time, never the step's input.
#[allow(clippy::too_many_lines)] // one arm per step, as in `decide`
pub fn may(appeal: &Appeal, action: Action, actor: &Actor, at: Moment) -> Result<(), Refusal> {
    use Status::{
        ComplaintSentUp, DocumentsRequested, InProgress, NeedsFix, OnSignature, Registered,
    };
    let track = appeal.kind.track();
    let owner_or_desk = || {
        require(
            is_owner(appeal, actor) || actor.roles.any(&[Role::Clerk, Role::Director]),
            Refusal::WrongRole,
        )
    };
    let running = || {
        require(
            !appeal.status.is_terminal(),
            Refusal::WrongStatus(appeal.status),
        )
    };
    match action {
        Action::Route | Action::Forward => {
            require_role(actor, &[Role::Clerk, Role::Director])?;
            require_status(appeal, &[Registered, InProgress])
        }
        Action::RequestCorrection => {
            require_role(actor, &[Role::Clerk, Role::Director])?;
            require_status(appeal, &[Registered])
        }
        Action::Correct => {
            owner_or_desk()?;
            require_status(appeal, &[NeedsFix])
        }
        Action::RequestDocuments => {
            require_executor(appeal, actor)?;
            require_status(appeal, &[InProgress])
        }
        Action::AddDocuments => {
            owner_or_desk()?;
            require_status(appeal, &[DocumentsRequested])
        }
        Action::StartHearing => {
            require_executor(appeal, actor)?;
            require_status(appeal, &[InProgress])?;
            require(track == Track::General, Refusal::NoHearingOnTrack)
        }
        Action::RecordHearing => {
            require_executor(appeal, actor)?;
            require_status(appeal, &[Status::Hearing])
        }
        Action::SubmitDraft => {
            require_executor(appeal, actor)?;
            require_status(appeal, &[InProgress])?;
            require(!appeal.applicant.tax_id.is_anonymous(), Refusal::Anonymous)?;
            require(track != Track::Complaint, Refusal::OutcomeNotForTrack)
        }
        Action::ReturnDraft | Action::Sign => {
            require_role(actor, &[Role::Director])?;
            require_status(appeal, &[OnSignature])
        }
        Action::Extend => {
            require(actor.roles.may_extend(), Refusal::WrongRole)?;
            require(
                appeal.status.deadline_runs(),
                Refusal::WrongStatus(appeal.status),
            )?;
            require(track != Track::Complaint, Refusal::NoExtensionForComplaints)?;
            // Extended after it ran out, an overdue appeal would count as answered in term.
            require(at.today <= appeal.due, Refusal::DeadlinePassed)
        }
        Action::Return => {
            require_role(actor, &[Role::Clerk, Role::Director])?;
            require_status(appeal, &[Registered, NeedsFix])?;
            // Returned for defects only once the applicant's term to correct them has run out.
            match &appeal.correction {
                Some(correction) => require(at.today > correction.until, Refusal::TooEarly),
                None => Ok(()),
            }
        }
        Action::Withdraw => {
            owner_or_desk()?;
            running()
        }
        Action::Terminate => {
            require_role(actor, &[Role::Director])?;
            running()
        }
        Action::SendUp => {
            require_role(actor, &[Role::Clerk, Role::Director])?;
            require(track == Track::Complaint, Refusal::OutcomeNotForTrack)?;
            require_status(appeal, &[Registered, InProgress])
        }
        Action::DecideComplaint => {
            require(track == Track::Complaint, Refusal::OutcomeNotForTrack)?;
            if appeal.status == ComplaintSentUp {
                // The higher body's decision, as it came back.
                require_role(actor, &[Role::Clerk, Role::Director])
            } else {
                // The institution satisfies the complaint itself, within 3 working days of
                // receipt (art. 91 ч.4), never by the signer of the contested answer.
                require_role(actor, &[Role::Director])?;
                require_status(appeal, &[Registered, InProgress])?;
                let signer = appeal.links.contested.as_ref().and_then(|c| c.signer);
                require(
                    signer.is_none() || signer != actor.user,
                    Refusal::ConflictOfInterest,
                )?;
                require(
                    at.today <= receipt_window_end(appeal, at.zone, at.calendar),
                    Refusal::TooLate,
                )
            }
        }
        Action::Rate => {
            require(is_owner(appeal, actor), Refusal::WrongRole)?;
            require_status(appeal, &[Status::Closed])?;
            require(appeal.answer.is_some(), Refusal::WrongStatus(appeal.status))?;
            require(appeal.rating.is_none(), Refusal::AlreadyRated)
        }
        Action::Note => require(!actor.roles.is_empty(), Refusal::WrongRole),
    }
}

/// Whether `actor` may link a complaint to this appeal's answer: once the answer is signed,
/// after the window too (a missed term is no ground to refuse, art. 92 ч.3).
pub fn may_complain(appeal: &Appeal, actor: &Actor) -> Result<(), Refusal> {
    require(
        is_owner(appeal, actor) || actor.roles.any(&[Role::Clerk, Role::Director]),
        Refusal::WrongRole,
    )?;
    require_status(appeal, &[Status::Closed])?;
    require(
        appeal.answer.as_ref().is_some_and(|a| a.signed.is_some()),
        Refusal::WrongStatus(appeal.status),
    )
}
