//! Appeal types, their procedural tracks, intake channels, statuses and results.
//!
//! Codes (`code()`) are stable strings used in URLs, forms and exports; the stored form is the
//! variant's position in its frozen record (`store::records::values_v1`), so variants are only
//! ever appended.

use super::deadline::{DayUnit, Term};

/// Declares a plain enum with stable codes and a list of all variants.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every variant, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code used in URLs, forms and exports.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Parses a code.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// The translation key of the variant's name.
            pub fn label_key(self) -> &'static str {
                match self { $($name::$variant => concat!(stringify!($name), ".", $code)),+ }
            }

            /// A small number for compact indexes.
            pub fn index(self) -> u8 {
                Self::ALL.iter().position(|v| *v == self).and_then(|i| u8::try_from(i).ok()).unwrap_or(u8::MAX)
            }
        }
    };
}

coded_enum! {
    /// The type of an appeal (АППК art. 4 п.1, and e-Otinish's catalogue).
    AppealKind {
        /// Заявление / өтініш: a petition for help in realising a right.
        Application = "application",
        /// Жалоба / шағым: a demand to restore a right violated by an act or action.
        Complaint = "complaint",
        /// Запрос / сұрау салу: a request for information.
        Request = "request",
        /// Запрос о предоставлении информации (Law on access to information): 15 calendar days.
        InfoRequest = "info-request",
        /// Предложение / ұсыныс: a proposal for improvement.
        Proposal = "proposal",
        /// Отклик / ден қою: an opinion on public matters.
        Feedback = "feedback",
        /// Сообщение / хабарлама: a report of a violation or shortcoming.
        Report = "report",
    }
}

/// The procedure an appeal type follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Track {
    /// General administrative procedure (arts. 62-86).
    General,
    /// Complaint procedure (arts. 91-101).
    Complaint,
    /// Simplified procedure (arts. 87-89).
    Simplified,
}

impl AppealKind {
    /// The procedure the type follows.
    pub fn track(self) -> Track {
        match self {
            AppealKind::Application => Track::General,
            AppealKind::Complaint => Track::Complaint,
            AppealKind::Request
            | AppealKind::InfoRequest
            | AppealKind::Proposal
            | AppealKind::Feedback
            | AppealKind::Report => Track::Simplified,
        }
    }

    /// The statutory term (domain.md §2.3): complaints 20 working days (art. 99), information
    /// requests 15 calendar days, the rest 15 working days (arts. 76, 87). The store may hold
    /// the admin's own table; this is its default.
    pub fn term(self) -> Term {
        match self {
            AppealKind::Complaint => Term {
                days: 20,
                unit: DayUnit::Working,
            },
            AppealKind::InfoRequest => Term {
                days: 15,
                unit: DayUnit::Calendar,
            },
            _ => Term {
                days: 15,
                unit: DayUnit::Working,
            },
        }
    }
}

coded_enum! {
    /// How an appeal reached the institution.
    Channel {
        /// Filed online by the applicant.
        Portal = "portal",
        /// A paper letter, registered by the clerk.
        Paper = "paper",
        /// Brought or spoken in person, recorded by the clerk.
        InPerson = "in-person",
        /// Received by e-mail, registered by the clerk.
        Email = "email",
    }
}

coded_enum! {
    /// Where an appeal is in its life (domain.md §8.1).
    Status {
        /// Registered, waiting to be routed.
        Registered = "registered",
        /// The applicant was asked to correct defects (art. 64 ч.6, art. 93).
        NeedsFix = "needs-fix",
        /// An executor is working on it.
        InProgress = "in-progress",
        /// The applicant was asked for more documents.
        DocumentsRequested = "documents-requested",
        /// A preliminary decision was sent; the applicant may object (art. 73).
        Hearing = "hearing",
        /// A draft answer waits for the director's approval and signature.
        OnSignature = "on-signature",
        /// Answered (signed) and closed with a result.
        Closed = "closed",
        /// Forwarded in full to the competent body (art. 65).
        Forwarded = "forwarded",
        /// Returned to the applicant (art. 64 ч.7).
        Returned = "returned",
        /// Withdrawn by the applicant (art. 64 ч.9).
        Withdrawn = "withdrawn",
        /// The procedure was terminated on a legal ground (arts. 70, 88, 95).
        Terminated = "terminated",
        /// A complaint passed with the case file to the higher body (art. 91 ч.4).
        ComplaintSentUp = "complaint-sent-up",
    }
}

impl Status {
    /// Whether the appeal's life has ended (no deadline runs, no step changes the status).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Status::Closed
                | Status::Forwarded
                | Status::Returned
                | Status::Withdrawn
                | Status::Terminated
        )
    }

    /// Whether the institution's own deadline runs (not while the higher body decides).
    pub fn deadline_runs(self) -> bool {
        !self.is_terminal() && self != Status::ComplaintSentUp
    }
}

coded_enum! {
    /// The result of an appeal (domain.md §8.2).
    Outcome {
        /// Удовлетворено.
        Satisfied = "satisfied",
        /// Частично удовлетворено.
        PartlySatisfied = "partly-satisfied",
        /// Разъяснено.
        Explained = "explained",
        /// Отказано.
        Refused = "refused",
        /// A favourable administrative act was adopted.
        FavourableAct = "favourable-act",
        /// A burdensome administrative act was adopted (hearing required first).
        BurdensomeAct = "burdensome-act",
        /// Simplified track: the answer or information was given (art. 89 ч.1 пп.1).
        AnswerGiven = "answer-given",
        /// Simplified track: taken into consideration (art. 89 ч.1 пп.2).
        Noted = "noted",
        /// Complaint: the act was cancelled (art. 100 п.1).
        ActCancelled = "act-cancelled",
        /// Complaint: the act was cancelled and a new one adopted (art. 100 п.2).
        ActReplaced = "act-replaced",
        /// Complaint: the action was ordered (art. 100 п.3).
        ActionOrdered = "action-ordered",
        /// Complaint dismissed (art. 100 п.4).
        ComplaintRejected = "complaint-rejected",
        /// Complaint: the case was sent back for reconsideration (art. 100 п.5).
        SentBack = "sent-back",
        /// Complaint left without consideration (arts. 95, 100 п.6).
        NotConsidered = "not-considered",
        /// Complaint fully satisfied by the institution itself within 3 working days (art. 91 ч.4).
        SelfRemedied = "self-remedied",
    }
}

impl Outcome {
    /// The outcomes an answer on `track` may have.
    pub fn for_track(track: Track) -> &'static [Outcome] {
        match track {
            Track::General => &[
                Outcome::Satisfied,
                Outcome::PartlySatisfied,
                Outcome::Explained,
                Outcome::Refused,
                Outcome::FavourableAct,
                Outcome::BurdensomeAct,
            ],
            Track::Simplified => &[
                Outcome::AnswerGiven,
                Outcome::Explained,
                Outcome::Noted,
                Outcome::Satisfied,
            ],
            Track::Complaint => &[
                Outcome::ActCancelled,
                Outcome::ActReplaced,
                Outcome::ActionOrdered,
                Outcome::ComplaintRejected,
                Outcome::SentBack,
                Outcome::NotConsidered,
                Outcome::SelfRemedied,
            ],
        }
    }

    /// Whether the outcome burdens the applicant, so a hearing must come first (art. 73).
    pub fn is_burdensome(self) -> bool {
        matches!(self, Outcome::BurdensomeAct | Outcome::Refused)
    }
}

coded_enum! {
    /// A legal ground to terminate the procedure (arts. 70, 88, 95).
    Ground {
        /// A decision on the same subject and grounds exists.
        SameDecision = "same-decision",
        /// A court act in force on the same matter.
        CourtAct = "court-act",
        /// The appeal was returned (art. 64 ч.7 п.1).
        AfterReturn = "after-return",
        /// Repeated without new arguments (art. 88 ч.1 пп.1).
        Repeated = "repeated",
        /// Anonymous (art. 88 ч.1 пп.2).
        Anonymous = "anonymous",
        /// The substance of the question is not stated (art. 88 ч.1 пп.3).
        NoSubstance = "no-substance",
        /// An administrative claim on the same act is pending in court (art. 95 ч.1 пп.5).
        PendingLawsuit = "pending-lawsuit",
        /// Another ground provided by law.
        Other = "other",
    }
}

impl Ground {
    /// The grounds that apply to a track.
    pub fn for_track(track: Track) -> &'static [Ground] {
        match track {
            Track::General => &[
                Ground::SameDecision,
                Ground::CourtAct,
                Ground::AfterReturn,
                Ground::Other,
            ],
            Track::Simplified => &[
                Ground::Repeated,
                Ground::Anonymous,
                Ground::NoSubstance,
                Ground::Other,
            ],
            Track::Complaint => &[
                Ground::SameDecision,
                Ground::CourtAct,
                Ground::AfterReturn,
                Ground::PendingLawsuit,
                Ground::Other,
            ],
        }
    }
}

coded_enum! {
    /// The applicant's rating of an answer.
    Score {
        /// Satisfied with the answer.
        Positive = "positive",
        /// Neither.
        Neutral = "neutral",
        /// Not satisfied.
        Negative = "negative",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_for_every_variant() {
        for kind in AppealKind::ALL {
            assert_eq!(AppealKind::from_code(kind.code()), Some(*kind));
        }
        for status in Status::ALL {
            assert_eq!(Status::from_code(status.code()), Some(*status));
        }
        for channel in Channel::ALL {
            assert_eq!(Channel::from_code(channel.code()), Some(*channel));
        }
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::from_code(outcome.code()), Some(*outcome));
        }
        assert_eq!(AppealKind::from_code("petition"), None);
    }

    #[test]
    fn complaints_have_twenty_working_days_and_the_rest_fifteen() {
        assert_eq!(AppealKind::Complaint.term().days, 20);
        assert_eq!(AppealKind::Application.term().days, 15);
        assert_eq!(AppealKind::InfoRequest.term().unit, DayUnit::Calendar);
        assert_eq!(AppealKind::Request.track(), Track::Simplified);
    }

    #[test]
    fn every_track_has_outcomes_and_grounds_and_only_complaints_end_with_complaint_results() {
        for track in [Track::General, Track::Simplified, Track::Complaint] {
            assert!(!Outcome::for_track(track).is_empty());
            assert!(!Ground::for_track(track).is_empty());
        }
        assert!(!Outcome::for_track(Track::General).contains(&Outcome::SelfRemedied));
        assert!(Outcome::for_track(Track::Complaint).contains(&Outcome::SelfRemedied));
    }

    #[test]
    fn terminal_statuses_stop_the_clock() {
        for status in Status::ALL {
            if status.is_terminal() {
                assert!(!status.deadline_runs());
            }
        }
        assert!(!Status::ComplaintSentUp.deadline_runs());
        assert!(Status::Hearing.deadline_runs());
    }

    #[test]
    fn label_keys_name_the_type_and_code() {
        assert_eq!(
            AppealKind::Application.label_key(),
            "AppealKind.application"
        );
        assert_eq!(Status::InProgress.label_key(), "Status.in-progress");
    }
}
