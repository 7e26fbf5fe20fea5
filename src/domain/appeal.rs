//! An appeal and its history: the state machine.
//!
//! The current [`Appeal`] is always the fold of its [`Event`]s: [`decide`] checks a command
//! against the state and the actor and returns the [`Change`] it causes (or a [`Refusal`]);
//! [`Appeal::apply`] folds a change in. The stored snapshot is a cache of that fold.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::file_type::FileType;
use super::kind::{AppealKind, Channel, Outcome, Status};
use super::registration_number::RegistrationNumber;
use super::tax_id::{ApplicantKind, TaxId};
use super::user::{Role, Roles, UserId};

/// An appeal's number in the store (not the registration number people see).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AppealId(pub u64);

/// A stored file's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AttachmentId(pub u64);

/// A structural unit of the institution (the recipient of an appeal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UnitId(pub u32);

/// A subject category of appeals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CategoryId(pub u32);

/// A file attached to an appeal or an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRef {
    /// Where the bytes are.
    pub id: AttachmentId,
    /// Cleaned file name.
    pub name: String,
    /// Type recognised from the content.
    pub file_type: FileType,
    /// Size in bytes.
    pub size: u64,
}

/// The applicant's own data as given with the appeal (prefilled from the profile).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantData {
    /// Individual or legal entity.
    pub kind: ApplicantKind,
    /// IIN or BIN.
    pub tax_id: TaxId,
    /// Full name or organisation name.
    pub name: String,
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// Postal address.
    pub address: String,
}

/// Who did something: kept by name too, so history reads the same after renames.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The user, when there is one.
    pub user: Option<UserId>,
    /// The name at the time.
    pub name: String,
    /// Staff roles at the time (empty for applicants).
    pub roles: Roles,
}

/// The answer that closes an appeal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The text sent to the applicant.
    pub text: String,
    /// The result.
    pub outcome: Outcome,
    /// Files sent with it.
    pub attachments: Vec<AttachmentRef>,
    /// Who answered.
    pub by: Actor,
    /// When.
    pub at: Timestamp,
}

/// The executor an appeal is assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignee {
    /// The staff member.
    pub user: UserId,
    /// Their name at the time.
    pub name: String,
}

/// The current state of one appeal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appeal {
    /// Store number.
    pub id: AppealId,
    /// Registration number.
    pub number: RegistrationNumber,
    /// Type.
    pub kind: AppealKind,
    /// How it came in.
    pub channel: Channel,
    /// The applicant's data as filed.
    pub applicant: ApplicantData,
    /// The applicant's account, when they have one (paper appeals may not).
    pub owner: Option<UserId>,
    /// Recipient unit.
    pub unit: UnitId,
    /// Category.
    pub category: CategoryId,
    /// Subject line.
    pub subject: String,
    /// The appeal's text.
    pub description: String,
    /// Files filed with it.
    pub attachments: Vec<AttachmentRef>,
    /// When it was received.
    pub received_at: Timestamp,
    /// The day it was registered (art. 64 ч.3).
    pub registered_on: Date,
    /// The last day of the term.
    pub due: Date,
    /// Whether `due` lies in a year whose calendar the admin has not confirmed.
    pub due_provisional: bool,
    /// Who registered it (the applicant online, or the clerk).
    pub registered_by: Actor,
    /// Where it is.
    pub status: Status,
    /// The executor, once assigned.
    pub executor: Option<Assignee>,
    /// The answer, once given.
    pub answer: Option<Answer>,
    /// Number of events in its history.
    pub events: u32,
}

impl Appeal {
    /// Whether the term has run out on `today` without an answer.
    pub fn is_overdue(&self, today: Date) -> bool {
        !self.status.is_terminal() && today > self.due
    }

    /// Folds one change into the state.
    pub fn apply(&mut self, change: &Change) {
        match change {
            Change::Registered(initial) => *self = (**initial).clone(),
            Change::Assigned { executor } => {
                self.executor = Some(executor.clone());
                self.status = Status::InProgress;
            }
            Change::Answered(answer) => {
                self.answer = Some(answer.clone());
                self.status = Status::Closed;
            }
        }
        self.events += 1;
    }

    /// Rebuilds the state from a history; `None` for an empty or headless history.
    pub fn fold<'a>(changes: impl IntoIterator<Item = &'a Change>) -> Option<Self> {
        let mut changes = changes.into_iter();
        let Some(Change::Registered(initial)) = changes.next() else {
            return None;
        };
        let mut appeal = (**initial).clone();
        appeal.events = 1;
        for change in changes {
            appeal.apply(change);
        }
        Some(appeal)
    }
}

/// One step of an appeal's life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// The appeal was registered with this initial state.
    Registered(Box<Appeal>),
    /// An executor was assigned (or changed).
    Assigned {
        /// The executor.
        executor: Assignee,
    },
    /// The answer was given and the appeal closed.
    Answered(Answer),
}

impl Change {
    /// Translation key describing the step in the history.
    pub fn label_key(&self) -> &'static str {
        match self {
            Change::Registered(_) => "history.registered",
            Change::Assigned { .. } => "history.assigned",
            Change::Answered(_) => "history.answered",
        }
    }
}

/// One entry of an appeal's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the history, from 0.
    pub seq: u32,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: Actor,
    /// Status before the step (`None` for registration).
    pub from: Option<Status>,
    /// Status after the step.
    pub to: Status,
    /// What changed.
    pub change: Change,
}

/// What someone asks to do to an appeal.
#[derive(Debug, Clone)]
pub enum Command {
    /// Route the appeal to an executor.
    Assign {
        /// The executor.
        executor: Assignee,
        /// The executor's roles (only executors and directors can be assigned).
        executor_roles: Roles,
    },
    /// Answer and close.
    Answer {
        /// Answer text.
        text: String,
        /// Result.
        outcome: Outcome,
        /// Files.
        attachments: Vec<AttachmentRef>,
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
}

impl Refusal {
    /// Translation key of the message.
    pub fn key(self) -> &'static str {
        match self {
            Refusal::WrongRole => "refusal.wrong_role",
            Refusal::WrongStatus(_) => "refusal.wrong_status",
            Refusal::NotYourTask => "refusal.not_your_task",
            Refusal::NotAnExecutor => "refusal.not_an_executor",
        }
    }
}

/// Checks a command against the appeal and the actor; returns the change it causes.
pub fn decide(
    appeal: &Appeal,
    command: Command,
    actor: &Actor,
    now: Timestamp,
) -> Result<Change, Refusal> {
    match command {
        Command::Assign {
            executor,
            executor_roles,
        } => {
            if !actor.roles.any(&[Role::Clerk, Role::Director]) {
                return Err(Refusal::WrongRole);
            }
            if !matches!(appeal.status, Status::Registered | Status::InProgress) {
                return Err(Refusal::WrongStatus(appeal.status));
            }
            if !executor_roles.any(&[Role::Executor, Role::Director]) {
                return Err(Refusal::NotAnExecutor);
            }
            Ok(Change::Assigned { executor })
        }
        Command::Answer {
            text,
            outcome,
            attachments,
        } => {
            if !actor.roles.any(&[Role::Executor, Role::Director]) {
                return Err(Refusal::WrongRole);
            }
            if appeal.status != Status::InProgress {
                return Err(Refusal::WrongStatus(appeal.status));
            }
            let is_assignee = appeal
                .executor
                .as_ref()
                .is_some_and(|e| Some(e.user) == actor.user);
            if !is_assignee && !actor.roles.has(Role::Director) {
                return Err(Refusal::NotYourTask);
            }
            Ok(Change::Answered(Answer {
                text,
                outcome,
                attachments,
                by: actor.clone(),
                at: now,
            }))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::tax_id::TaxId;

    pub(crate) fn sample_appeal() -> Appeal {
        Appeal {
            id: AppealId(1),
            number: RegistrationNumber {
                kind: ApplicantKind::Individual,
                year: 2026,
                seq: 1,
            },
            kind: AppealKind::Application,
            channel: Channel::Portal,
            applicant: ApplicantData {
                kind: ApplicantKind::Individual,
                tax_id: TaxId::parse("900101300126").unwrap(),
                name: "Айгүл Серікова".into(),
                phone: "+77012345678".into(),
                email: "aigul@example.kz".into(),
                address: "Қарасу ауылы".into(),
            },
            owner: Some(UserId(10)),
            unit: UnitId(1),
            category: CategoryId(1),
            subject: "Үйірмеге жазылу".into(),
            description: "Балам үшін орын сұраймын.".into(),
            attachments: Vec::new(),
            received_at: "2026-03-02T05:00:00Z".parse().unwrap(),
            registered_on: jiff::civil::date(2026, 3, 2),
            due: jiff::civil::date(2026, 3, 25),
            due_provisional: false,
            registered_by: applicant(),
            status: Status::Registered,
            executor: None,
            answer: None,
            events: 1,
        }
    }

    fn applicant() -> Actor {
        Actor {
            user: Some(UserId(10)),
            name: "Айгүл Серікова".into(),
            roles: Roles::default(),
        }
    }

    fn staff(id: u64, roles: &[Role]) -> Actor {
        Actor {
            user: Some(UserId(id)),
            name: format!("staff {id}"),
            roles: Roles::of(roles),
        }
    }

    fn assign_to(id: u64) -> Command {
        Command::Assign {
            executor: Assignee {
                user: UserId(id),
                name: format!("staff {id}"),
            },
            executor_roles: Roles::of(&[Role::Executor]),
        }
    }

    fn answer() -> Command {
        Command::Answer {
            text: "Орын бар.".into(),
            outcome: Outcome::Satisfied,
            attachments: Vec::new(),
        }
    }

    fn now() -> Timestamp {
        "2026-03-05T06:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_clerk_assigns_and_the_executor_answers() {
        let mut appeal = sample_appeal();
        let change = decide(&appeal, assign_to(3), &staff(2, &[Role::Clerk]), now()).unwrap();
        appeal.apply(&change);
        assert_eq!(appeal.status, Status::InProgress);
        let change = decide(&appeal, answer(), &staff(3, &[Role::Executor]), now()).unwrap();
        appeal.apply(&change);
        assert_eq!(appeal.status, Status::Closed);
        assert_eq!(appeal.answer.as_ref().unwrap().outcome, Outcome::Satisfied);
        assert_eq!(appeal.events, 3);
    }

    #[test]
    fn an_applicant_or_executor_cannot_assign() {
        let appeal = sample_appeal();
        assert_eq!(
            decide(&appeal, assign_to(3), &applicant(), now()),
            Err(Refusal::WrongRole)
        );
        assert_eq!(
            decide(&appeal, assign_to(3), &staff(3, &[Role::Executor]), now()),
            Err(Refusal::WrongRole)
        );
    }

    #[test]
    fn a_clerk_cannot_be_made_executor() {
        let appeal = sample_appeal();
        let command = Command::Assign {
            executor: Assignee {
                user: UserId(2),
                name: "clerk".into(),
            },
            executor_roles: Roles::of(&[Role::Clerk]),
        };
        assert_eq!(
            decide(&appeal, command, &staff(2, &[Role::Clerk]), now()),
            Err(Refusal::NotAnExecutor)
        );
    }

    #[test]
    fn only_the_assignee_or_the_director_answers() {
        let mut appeal = sample_appeal();
        appeal.apply(&decide(&appeal, assign_to(3), &staff(2, &[Role::Clerk]), now()).unwrap());
        assert_eq!(
            decide(&appeal, answer(), &staff(4, &[Role::Executor]), now()),
            Err(Refusal::NotYourTask)
        );
        assert!(decide(&appeal, answer(), &staff(5, &[Role::Director]), now()).is_ok());
    }

    #[test]
    fn an_unassigned_or_closed_appeal_cannot_be_answered() {
        let mut appeal = sample_appeal();
        assert_eq!(
            decide(&appeal, answer(), &staff(5, &[Role::Director]), now()),
            Err(Refusal::WrongStatus(Status::Registered))
        );
        appeal.apply(&decide(&appeal, assign_to(3), &staff(2, &[Role::Clerk]), now()).unwrap());
        appeal.apply(&decide(&appeal, answer(), &staff(3, &[Role::Executor]), now()).unwrap());
        assert_eq!(
            decide(&appeal, answer(), &staff(3, &[Role::Executor]), now()),
            Err(Refusal::WrongStatus(Status::Closed))
        );
        assert_eq!(
            decide(&appeal, assign_to(3), &staff(2, &[Role::Clerk]), now()),
            Err(Refusal::WrongStatus(Status::Closed))
        );
    }

    #[test]
    fn overdue_means_past_due_and_not_closed() {
        let mut appeal = sample_appeal();
        assert!(!appeal.is_overdue(jiff::civil::date(2026, 3, 25)));
        assert!(appeal.is_overdue(jiff::civil::date(2026, 3, 26)));
        appeal.status = Status::Closed;
        assert!(!appeal.is_overdue(jiff::civil::date(2026, 3, 26)));
    }

    proptest::proptest! {
        /// The snapshot built step by step equals the fold of the recorded changes.
        #[test]
        fn snapshot_equals_fold_of_changes(steps in proptest::collection::vec((0u8..3, 1u64..6), 0..12)) {
            let mut appeal = sample_appeal();
            let mut changes = vec![Change::Registered(Box::new(appeal.clone()))];
            for (what, who) in steps {
                let actor = staff(who, if who % 2 == 0 { &[Role::Clerk] } else { &[Role::Executor, Role::Director] });
                let command = match what { 0 | 1 => assign_to(who), _ => answer() };
                if let Ok(change) = decide(&appeal, command, &actor, now()) {
                    appeal.apply(&change);
                    changes.push(change);
                }
            }
            proptest::prop_assert_eq!(Appeal::fold(&changes), Some(appeal));
        }
    }
}
