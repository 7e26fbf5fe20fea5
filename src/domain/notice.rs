//! Notices: what the appeals desk tells a person, and when.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::appeal::AppealId;
use super::registration_number::RegistrationNumber;

/// What a notice says (its text is the translation of `notice.<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoticeKind {
    /// Your appeal was registered.
    Registered,
    /// Please correct your appeal.
    CorrectionRequested,
    /// Your appeal was forwarded (in full or in part).
    Forwarded,
    /// More documents are requested.
    DocumentsRequested,
    /// A preliminary decision awaits your objections.
    HearingStarted,
    /// The deadline was extended.
    Extended,
    /// Your appeal was answered.
    Answered,
    /// Your appeal was returned.
    Returned,
    /// The procedure was terminated.
    Terminated,
    /// Your complaint was passed to the higher body.
    SentUp,
    /// Your complaint was decided.
    ComplaintDecided,
    /// Staff: a new task.
    NewTask,
    /// Staff: a draft awaits your signature.
    AwaitingSignature,
    /// Staff: the applicant added documents or corrections.
    ApplicantReplied,
    /// Staff: the deadline is within 3 working days.
    DueSoon,
    /// Staff: the deadline has passed.
    Overdue,
}

impl NoticeKind {
    /// Translation key of the text.
    pub fn key(self) -> &'static str {
        match self {
            NoticeKind::Registered => "notice.registered",
            NoticeKind::CorrectionRequested => "notice.correction_requested",
            NoticeKind::Forwarded => "notice.forwarded",
            NoticeKind::DocumentsRequested => "notice.documents_requested",
            NoticeKind::HearingStarted => "notice.hearing_started",
            NoticeKind::Extended => "notice.extended",
            NoticeKind::Answered => "notice.answered",
            NoticeKind::Returned => "notice.returned",
            NoticeKind::Terminated => "notice.terminated",
            NoticeKind::SentUp => "notice.sent_up",
            NoticeKind::ComplaintDecided => "notice.complaint_decided",
            NoticeKind::NewTask => "notice.new_task",
            NoticeKind::AwaitingSignature => "notice.awaiting_signature",
            NoticeKind::ApplicantReplied => "notice.applicant_replied",
            NoticeKind::DueSoon => "notice.due_soon",
            NoticeKind::Overdue => "notice.overdue",
        }
    }
}

/// A delivered in-app notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Same id as its outbox entry.
    pub id: u64,
    /// The appeal.
    pub appeal: AppealId,
    /// Its number.
    pub number: RegistrationNumber,
    /// What happened.
    pub kind: NoticeKind,
    /// When it happened.
    pub at: Timestamp,
    /// Whether the user opened it.
    pub read: bool,
}
