//! An appeal and its history: the state and the changes that make it.
//!
//! The current [`Appeal`] is always the fold of its [`Event`]s: `lifecycle::decide` checks a
//! command against the state and the actor and returns the [`Change`] it causes;
//! [`Appeal::apply`] folds a change in. The stored snapshot is a cache of that fold.

use jiff::Timestamp;
use jiff::civil::Date;

use super::deadline::{CountingRule, Term};
use super::file_type::FileType;
use super::kind::{AppealKind, Channel, Ground, Outcome, Score, Status};
use super::registration_number::RegistrationNumber;
use super::tax_id::{ApplicantKind, TaxId};
use super::user::{Roles, UserId};

/// An appeal's number in the store (not the registration number people see).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AppealId(pub u64);

/// A stored file's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttachmentId(pub u64);

/// A structural unit of the institution (the recipient of an appeal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitId(pub u32);

/// A subject category of appeals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CategoryId(pub u32);

/// A file attached to an appeal or an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user, when there is one.
    pub user: Option<UserId>,
    /// The name at the time.
    pub name: String,
    /// Staff roles at the time (empty for applicants).
    pub roles: Roles,
}

/// An answer: drafted by the executor, signed by the director.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The text sent to the applicant.
    pub text: String,
    /// The result.
    pub outcome: Outcome,
    /// Files sent with it.
    pub attachments: Vec<AttachmentRef>,
    /// Whether it tells the applicant where, when and how to complain (art. 80 ч.5); without
    /// it the complaint period is 6 months instead of 3 (art. 92 ч.1-1).
    pub appeal_clause: bool,
    /// Who drafted it.
    pub by: Actor,
    /// When it was drafted.
    pub at: Timestamp,
    /// Why no hearing was held before a burdensome decision (art. 73 ч.2 exception).
    pub hearing_waiver: Option<String>,
    /// Who signed it, and when (set on signing).
    pub signed: Option<Signature>,
}

/// Who signed an answer, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The signer.
    pub by: Actor,
    /// The instant.
    pub at: Timestamp,
    /// The local day (complaint periods count from it).
    pub on: Date,
}

/// The executor an appeal is assigned to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignee {
    /// The staff member.
    pub user: UserId,
    /// Their name at the time.
    pub name: String,
}

/// A request with a term: correction of defects or additional documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// What is asked.
    pub text: String,
    /// The last day to answer it.
    pub until: Date,
}

/// The hearing before a burdensome decision (art. 73).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hearing {
    /// The preliminary decision sent to the applicant.
    pub preliminary: String,
    /// The last day for objections.
    pub objections_until: Date,
    /// The protocol, once the hearing was held.
    pub protocol: Option<String>,
}

/// A deadline extension (art. 76 ч.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    /// The deadline before.
    pub previous_due: Date,
    /// The new deadline.
    pub new_due: Date,
    /// The reasons.
    pub reason: String,
    /// Who decided.
    pub by: Actor,
    /// The day of the decision.
    pub decided_on: Date,
    /// The last day to notify the applicant (3 working days).
    pub notify_by: Date,
    /// When the applicant was notified (in the same transaction, in-app).
    pub notified_at: Option<Timestamp>,
}

/// An outgoing letter (forwarding, complaint passed up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// Outgoing number.
    pub number: String,
    /// The addressee body.
    pub to: String,
    /// Text of the letter.
    pub text: String,
    /// The day it was sent.
    pub sent_on: Date,
}

/// How a forwarding went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forwarding {
    /// The letter.
    pub letter: Letter,
    /// For a forwarding in part: what part, and the child appeal that records it.
    pub part: Option<(String, AppealId, RegistrationNumber)>,
}

/// Why the procedure ended without an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ending {
    /// The ground (for terminations).
    pub ground: Option<Ground>,
    /// The reasons as written.
    pub reason: String,
    /// Who.
    pub by: Actor,
}

/// The applicant's rating of the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    /// Positive, neutral or negative.
    pub score: Score,
    /// Optional comment.
    pub comment: String,
    /// When.
    pub at: Timestamp,
}

/// Why the deadline is what it is (shown on the appeal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineBasis {
    /// The statutory term.
    pub term: Term,
    /// How it was counted.
    pub rule: CountingRule,
    /// Non-working days passed over while counting.
    pub skipped_days_off: u16,
}

/// Links between appeals and flags set at registration.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Links {
    /// The same applicant's answered appeal on the same subject (a repeated appeal).
    pub repeated_of: Option<(AppealId, RegistrationNumber)>,
    /// The same applicant's open appeal on the same subject (a duplicate).
    pub duplicate_of: Option<(AppealId, RegistrationNumber)>,
    /// For a forwarded part: the appeal it was split from.
    pub parent: Option<(AppealId, RegistrationNumber)>,
    /// For a complaint about an answer: the contested appeal and who signed its answer.
    pub contested: Option<Contested>,
    /// Complaints filed about this appeal's answer.
    pub complaints: Vec<(AppealId, RegistrationNumber)>,
}

/// The answer a complaint contests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contested {
    /// The appeal.
    pub appeal: AppealId,
    /// Its number.
    pub number: RegistrationNumber,
    /// Who signed the contested answer (may not decide the complaint, art. 97 ч.2).
    pub signer: Option<UserId>,
}

/// The current state of one appeal.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// Co-applicants of a collective appeal (names as given).
    pub co_applicants: Vec<String>,
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
    /// Files filed with it (and added later at the institution's request).
    pub attachments: Vec<AttachmentRef>,
    /// When it was received.
    pub received_at: Timestamp,
    /// The day it was registered (art. 64 ч.3).
    pub registered_on: Date,
    /// The last day of the term (after any extension).
    pub due: Date,
    /// Whether `due` lies in a year whose calendar the admin has not confirmed.
    pub due_provisional: bool,
    /// How the original deadline was counted.
    pub basis: DeadlineBasis,
    /// Who registered it (the applicant online, or the clerk).
    pub registered_by: Actor,
    /// Where it is.
    pub status: Status,
    /// The executor, once routed.
    pub executor: Option<Assignee>,
    /// Co-executors.
    pub co_executors: Vec<Assignee>,
    /// An open request to correct defects.
    pub correction: Option<Request>,
    /// An open request for documents.
    pub documents: Option<Request>,
    /// The hearing, when one was started.
    pub hearing: Option<Hearing>,
    /// A draft answer waiting for signature.
    pub draft: Option<Answer>,
    /// The signed answer.
    pub answer: Option<Answer>,
    /// Extensions, oldest first.
    pub extensions: Vec<Extension>,
    /// Forwarding to another body (in full or in part).
    pub forwardings: Vec<Forwarding>,
    /// A complaint passed to the higher body.
    pub sent_up: Option<Letter>,
    /// Return, withdrawal or termination.
    pub ending: Option<Ending>,
    /// The applicant's rating.
    pub rating: Option<Rating>,
    /// Links and flags.
    pub links: Links,
    /// Number of events in its history.
    pub events: u32,
}

impl Appeal {
    /// The day the applicant learned of the answer, as the history records it.
    pub fn answer_received_on(events: &[Event]) -> Option<Date> {
        events.iter().find_map(|e| match e.change {
            Change::AnswerReceived { on } => Some(on),
            _ => None,
        })
    }

    /// The late filing recorded in a complaint's history: (window's last day, reason).
    pub fn filed_late(events: &[Event]) -> Option<(Date, &str)> {
        events.iter().find_map(|e| match &e.change {
            Change::FiledLate {
                window_ended,
                reason,
            } => Some((*window_ended, reason.as_str())),
            _ => None,
        })
    }

    /// Whether the term has run out on `today` without an answer.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.status.deadline_runs() && today > self.due
    }

    /// Folds one change into the state.
    pub fn apply(&mut self, change: &Change) {
        match change {
            Change::Registered(initial) => *self = (**initial).clone(),
            Change::Routed {
                unit,
                executor,
                co_executors,
                ..
            } => {
                self.unit = *unit;
                self.executor = Some(executor.clone());
                self.co_executors.clone_from(co_executors);
                self.status = Status::InProgress;
            }
            Change::CorrectionRequested(request) => {
                self.correction = Some(request.clone());
                self.status = Status::NeedsFix;
            }
            Change::Corrected { attachments, .. } => {
                self.attachments.extend(attachments.iter().cloned());
                self.correction = None;
                self.status = Status::Registered;
            }
            Change::DocumentsRequested(request) => {
                self.documents = Some(request.clone());
                self.status = Status::DocumentsRequested;
            }
            Change::DocumentsAdded { attachments, .. } => {
                self.attachments.extend(attachments.iter().cloned());
                self.documents = None;
                self.status = Status::InProgress;
            }
            Change::HearingStarted(hearing) => {
                self.hearing = Some(hearing.clone());
                self.status = Status::Hearing;
            }
            Change::HearingHeld { protocol } => {
                if let Some(hearing) = &mut self.hearing {
                    hearing.protocol = Some(protocol.clone());
                }
                self.status = Status::InProgress;
            }
            Change::DraftSubmitted(answer) => {
                self.draft = Some(answer.clone());
                self.status = Status::OnSignature;
            }
            Change::DraftReturned { .. } => {
                self.draft = None;
                self.status = Status::InProgress;
            }
            Change::Signed(signature) => {
                if let Some(mut answer) = self.draft.take() {
                    answer.signed = Some(signature.clone());
                    self.answer = Some(answer);
                }
                self.status = Status::Closed;
            }
            Change::Extended(extension) => {
                self.due = extension.new_due;
                self.extensions.push(extension.clone());
            }
            Change::Forwarded(forwarding) => {
                if forwarding.part.is_none() {
                    self.status = Status::Forwarded;
                }
                self.forwardings.push(forwarding.clone());
            }
            Change::Returned(ending) => {
                self.ending = Some(ending.clone());
                self.status = Status::Returned;
            }
            Change::Withdrawn(ending) => {
                self.ending = Some(ending.clone());
                self.status = Status::Withdrawn;
            }
            Change::Terminated(ending) => {
                self.ending = Some(ending.clone());
                self.status = Status::Terminated;
            }
            Change::SentUp(letter) => {
                self.sent_up = Some(letter.clone());
                self.status = Status::ComplaintSentUp;
            }
            Change::ComplaintDecided(answer) => {
                self.answer = Some(answer.clone());
                self.status = Status::Closed;
            }
            Change::ComplaintFiled { complaint, number } => {
                self.links.complaints.push((*complaint, *number));
            }
            Change::Rated(rating) => self.rating = Some(rating.clone()),
            Change::DeadlineRecomputed { due, provisional } => {
                self.due = *due;
                self.due_provisional = *provisional;
            }
            Change::NoteAdded { .. } | Change::AnswerReceived { .. } | Change::FiledLate { .. } => {
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Registered with this initial state.
    Registered(Box<Appeal>),
    /// Routed to a unit and executor (by the clerk, or by a routing rule).
    Routed {
        /// Unit.
        unit: UnitId,
        /// Executor.
        executor: Assignee,
        /// Co-executors.
        co_executors: Vec<Assignee>,
        /// Whether an admin-defined rule routed it.
        by_rule: bool,
    },
    /// The applicant was asked to correct defects.
    CorrectionRequested(Request),
    /// The defects were corrected.
    Corrected {
        /// What the applicant wrote.
        note: String,
        /// Files added.
        attachments: Vec<AttachmentRef>,
    },
    /// More documents were requested.
    DocumentsRequested(Request),
    /// The applicant added documents.
    DocumentsAdded {
        /// What the applicant wrote.
        note: String,
        /// Files added.
        attachments: Vec<AttachmentRef>,
    },
    /// A preliminary decision was sent for the hearing.
    HearingStarted(Hearing),
    /// The hearing was held.
    HearingHeld {
        /// Its protocol.
        protocol: String,
    },
    /// A draft answer went to the director.
    DraftSubmitted(Answer),
    /// The director sent the draft back.
    DraftReturned {
        /// Why.
        comment: String,
    },
    /// The director signed the draft: the answer was sent.
    Signed(Signature),
    /// The deadline was extended.
    Extended(Extension),
    /// Forwarded to the competent body, in full or in part.
    Forwarded(Forwarding),
    /// Returned to the applicant.
    Returned(Ending),
    /// Withdrawn by the applicant.
    Withdrawn(Ending),
    /// Terminated on a legal ground.
    Terminated(Ending),
    /// A complaint was passed to the higher body with the case file.
    SentUp(Letter),
    /// A complaint was decided (by the institution itself, or as the higher body reported).
    ComplaintDecided(Answer),
    /// A complaint was filed about this appeal's answer.
    ComplaintFiled {
        /// The complaint.
        complaint: AppealId,
        /// Its number.
        number: RegistrationNumber,
    },
    /// The applicant rated the answer.
    Rated(Rating),
    /// The working-day calendar changed and the deadline with it.
    DeadlineRecomputed {
        /// The new deadline.
        due: Date,
        /// Whether it lies in an unconfirmed year.
        provisional: bool,
    },
    /// A staff note, never shown to the applicant.
    NoteAdded {
        /// The note.
        text: String,
    },
    // Appended variants: postcard writes the variant index, so new ones go last.
    /// The answer reached the applicant (they first opened it): the complaint window of
    /// art. 92 ч.1 counts from this day. Read from the history; the snapshot is unchanged.
    AnswerReceived {
        /// The local day.
        on: Date,
    },
    /// This complaint came after the complaint window and was registered all the same
    /// (art. 92 ч.3, art. 64 ч.1). Read from the history; the snapshot is unchanged.
    FiledLate {
        /// The last day of the window that was missed.
        window_ended: Date,
        /// The applicant's reason, as given (may be empty).
        reason: String,
    },
}

impl Change {
    /// The files this change attaches (a correction, added documents, a draft, a complaint
    /// decision), so that the service can put in their stored references; `None` for the rest.
    pub fn attachments_mut(&mut self) -> Option<&mut Vec<AttachmentRef>> {
        match self {
            Change::Corrected { attachments, .. } | Change::DocumentsAdded { attachments, .. } => {
                Some(attachments)
            }
            Change::DraftSubmitted(answer) | Change::ComplaintDecided(answer) => {
                Some(&mut answer.attachments)
            }
            _ => None,
        }
    }

    /// Translation key describing the step in the history.
    pub fn label_key(&self) -> &'static str {
        match self {
            Change::Registered(_) => "history.registered",
            Change::Routed { by_rule: false, .. } => "history.routed",
            Change::Routed { by_rule: true, .. } => "history.routed_by_rule",
            Change::CorrectionRequested(_) => "history.correction_requested",
            Change::Corrected { .. } => "history.corrected",
            Change::DocumentsRequested(_) => "history.documents_requested",
            Change::DocumentsAdded { .. } => "history.documents_added",
            Change::HearingStarted(_) => "history.hearing_started",
            Change::HearingHeld { .. } => "history.hearing_held",
            Change::DraftSubmitted(_) => "history.draft_submitted",
            Change::DraftReturned { .. } => "history.draft_returned",
            Change::Signed(_) => "history.signed",
            Change::Extended(_) => "history.extended",
            Change::Forwarded(Forwarding { part: None, .. }) => "history.forwarded",
            Change::Forwarded(Forwarding { part: Some(_), .. }) => "history.forwarded_in_part",
            Change::Returned(_) => "history.returned",
            Change::Withdrawn(_) => "history.withdrawn",
            Change::Terminated(_) => "history.terminated",
            Change::SentUp(_) => "history.sent_up",
            Change::ComplaintDecided(_) => "history.complaint_decided",
            Change::ComplaintFiled { .. } => "history.complaint_filed",
            Change::Rated(_) => "history.rated",
            Change::DeadlineRecomputed { .. } => "history.deadline_recomputed",
            Change::NoteAdded { .. } => "history.note",
            Change::AnswerReceived { .. } => "law.history_answer_received",
            Change::FiledLate { .. } => "law.history_filed_late",
        }
    }

    /// Whether the applicant may see this step (staff notes and routing stay internal).
    pub fn visible_to_applicant(&self) -> bool {
        !matches!(
            self,
            Change::NoteAdded { .. }
                | Change::Routed { .. }
                | Change::DraftSubmitted(_)
                | Change::DraftReturned { .. }
        )
    }
}

/// A step in words, kept with the event in the two languages e-Otinish keeps them in
/// (`system_message_kk` / `system_message_ru`), so the record reads the same whatever the
/// catalogues later say.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    /// Kazakh.
    pub kk: String,
    /// Russian.
    pub ru: String,
}

/// One entry of an appeal's history.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// The step in Kazakh and Russian.
    pub message: Message,
}
