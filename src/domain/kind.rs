//! Appeal types, their procedural tracks, intake channels, statuses and results.
//!
//! Codes (`code()`) are stable strings used in URLs, forms and exports; the stored form is the
//! serde variant, so renaming a variant needs a migration.

use serde::{Deserialize, Serialize};

use super::deadline::{DayUnit, Term};

/// Declares a plain enum with stable codes and a list of all variants.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    /// The type of an appeal (АППК art. 4 п.1).
    AppealKind {
        /// Заявление / өтініш: a petition for help in realising a right.
        Application = "application",
        /// Жалоба / шағым: a demand to restore a right violated by an act or action.
        Complaint = "complaint",
        /// Запрос / сұрау салу: a request for information.
        Request = "request",
        /// Предложение / ұсыныс: a proposal for improvement.
        Proposal = "proposal",
        /// Отклик / ден қою: an opinion on public matters.
        Feedback = "feedback",
        /// Сообщение / хабарлама: a report of a violation or shortcoming.
        Report = "report",
    }
}

/// The procedure an appeal type follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
            | AppealKind::Proposal
            | AppealKind::Feedback
            | AppealKind::Report => Track::Simplified,
        }
    }

    /// The statutory term: 20 working days for complaints (art. 99), 15 for the rest (art. 76, 87).
    pub fn term(self) -> Term {
        let days = if self == AppealKind::Complaint {
            20
        } else {
            15
        };
        Term {
            days,
            unit: DayUnit::Working,
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
    /// Where an appeal is in its life.
    Status {
        /// Registered, waiting for an executor.
        Registered = "registered",
        /// An executor is preparing the answer.
        InProgress = "in-progress",
        /// Answered and closed with a result.
        Closed = "closed",
    }
}

impl Status {
    /// Whether the appeal's life has ended (no deadline runs).
    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Closed)
    }
}

coded_enum! {
    /// The result of an answered appeal.
    Outcome {
        /// Удовлетворено.
        Satisfied = "satisfied",
        /// Частично удовлетворено.
        PartlySatisfied = "partly-satisfied",
        /// Разъяснено.
        Explained = "explained",
        /// Отказано.
        Refused = "refused",
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
        assert_eq!(AppealKind::Request.track(), Track::Simplified);
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
