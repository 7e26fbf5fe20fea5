//! Notices: what the appeals desk tells a person, and when; and which of a staff member's
//! task notices still stand for an open task.
//!
//! Whether a task is done is read from the appeal's current state, never stored on the notice,
//! so a notice clears by itself however the task ended (signed, sent back, re-routed, closed).

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;

use super::appeal::{Appeal, AppealId};
use super::kind::Status;
use super::registration_number::RegistrationNumber;
use super::user::UserId;

/// What a notice says (its text is the translation of `notice.<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

    /// Whether the notice asks a staff member to do something (it clears once that is done);
    /// the applicant's notices only tell what happened.
    pub fn is_task(self) -> bool {
        matches!(
            self,
            NoticeKind::NewTask
                | NoticeKind::AwaitingSignature
                | NoticeKind::ApplicantReplied
                | NoticeKind::DueSoon
                | NoticeKind::Overdue
        )
    }

    /// Whether the task this notice of `user`'s asks for is still to be done on `appeal` as it
    /// is now: a draft awaits signature until it is signed or sent back; the executor's
    /// tasks (new task, applicant replied, due soon, overdue) stand while the appeal is still
    /// theirs and in work, not while a draft is on signature nor once the appeal is closed.
    pub fn task_open(self, appeal: &Appeal, user: UserId) -> bool {
        match self {
            NoticeKind::AwaitingSignature => appeal.status == Status::OnSignature,
            NoticeKind::NewTask
            | NoticeKind::ApplicantReplied
            | NoticeKind::DueSoon
            | NoticeKind::Overdue => {
                let assigned = appeal
                    .executor
                    .iter()
                    .chain(&appeal.co_executors)
                    .any(|a| a.user == user);
                assigned && appeal.status.deadline_runs() && appeal.status != Status::OnSignature
            }
            _ => false,
        }
    }
}

/// A delivered in-app notice.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// A user's notices split by whether they still call for something.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticeBoard {
    /// What happened to the user's own appeals, and the tasks still to do; newest first.
    pub current: Vec<Notice>,
    /// Task notices whose task is done (or told again by a newer notice); newest first.
    pub done: Vec<Notice>,
}

impl NoticeBoard {
    /// Splits `notices` (newest first) of `user`; `appeals` holds the current state of the
    /// appeals their tasks are about (one missing counts as done). Of several notices of one
    /// kind about one appeal only the newest can be current: the task is one.
    pub fn sort(notices: Vec<Notice>, user: UserId, appeals: &HashMap<AppealId, Appeal>) -> Self {
        let mut board = NoticeBoard::default();
        let mut told = HashSet::new();
        for notice in notices {
            if !notice.kind.is_task() {
                board.current.push(notice);
                continue;
            }
            let newest = told.insert((notice.appeal, notice.kind));
            let open = newest
                && appeals
                    .get(&notice.appeal)
                    .is_some_and(|a| notice.kind.task_open(a, user));
            if open {
                board.current.push(notice);
            } else {
                board.done.push(notice);
            }
        }
        board
    }

    /// Unread notices that still call for something (the navigation badge).
    pub fn unread(&self) -> usize {
        self.current.iter().filter(|n| !n.read).count()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::appeal::Assignee;
    use crate::domain::kind::AppealKind;
    use crate::domain::lifecycle::tests::appeal_of;

    const DIRECTOR: UserId = UserId(5);
    const EXECUTOR: UserId = UserId(3);

    fn notice(id: u64, kind: NoticeKind) -> Notice {
        let appeal = appeal_of(AppealKind::Application);
        Notice {
            id,
            appeal: appeal.id,
            number: appeal.number,
            kind,
            at: "2026-03-02T05:00:00Z".parse().unwrap(),
            read: false,
        }
    }

    fn board(notices: Vec<Notice>, user: UserId, status: Status) -> NoticeBoard {
        let mut appeal = appeal_of(AppealKind::Application);
        appeal.status = status;
        appeal.executor = Some(Assignee {
            user: EXECUTOR,
            name: "Нұрлан Оспанов".into(),
        });
        NoticeBoard::sort(notices, user, &HashMap::from([(appeal.id, appeal)]))
    }

    /// See: issue 11.
    #[test]
    fn a_signature_notice_stands_only_while_the_draft_is_on_signature() {
        let told = || vec![notice(1, NoticeKind::AwaitingSignature)];
        assert_eq!(board(told(), DIRECTOR, Status::OnSignature).unread(), 1);
        for done in [Status::Closed, Status::InProgress] {
            let b = board(told(), DIRECTOR, done);
            assert_eq!((b.unread(), b.done.len()), (0, 1), "{done:?}");
        }
    }

    #[test]
    fn of_two_notices_of_one_task_only_the_newest_stands() {
        let b = board(
            vec![
                notice(7, NoticeKind::AwaitingSignature),
                notice(3, NoticeKind::AwaitingSignature),
            ],
            DIRECTOR,
            Status::OnSignature,
        );
        assert_eq!(b.current.iter().map(|n| n.id).collect::<Vec<_>>(), [7]);
        assert_eq!(b.done.iter().map(|n| n.id).collect::<Vec<_>>(), [3]);
    }

    #[test]
    fn an_executors_task_ends_with_the_draft_or_when_routed_to_someone_else() {
        let told = || {
            vec![
                notice(1, NoticeKind::NewTask),
                notice(2, NoticeKind::Overdue),
            ]
        };
        assert_eq!(board(told(), EXECUTOR, Status::InProgress).unread(), 2);
        assert_eq!(board(told(), EXECUTOR, Status::OnSignature).unread(), 0);
        assert_eq!(board(told(), EXECUTOR, Status::Closed).unread(), 0);
        assert_eq!(board(told(), UserId(4), Status::InProgress).unread(), 0);
    }

    #[test]
    fn notices_to_the_applicant_are_not_tasks_and_stay() {
        let b = board(
            vec![notice(1, NoticeKind::Answered)],
            UserId(10),
            Status::Closed,
        );
        assert_eq!((b.unread(), b.done.len()), (1, 0));
    }
}
