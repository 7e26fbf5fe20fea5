//! Small values inside records, version 1: ids as their numbers, coded enums by variant index,
//! a tax id as its 12-digit string, a role set as its bit byte.
//!
//! Each encodes as the domain type's serde form did when it was the stored form (a newtype
//! struct is its inner value, in postcard and in JSON alike).

use super::{Freeze, ThawError, frozen_enum, frozen_struct};
use crate::domain::appeal::{AppealId, AttachmentId, CategoryId, UnitId};
use crate::domain::deadline::{CountingRule, DayUnit, Term};
use crate::domain::file_type::FileType;
use crate::domain::kind::{AppealKind, Channel, Ground, Outcome, Score, Status};
use crate::domain::registration_number::RegistrationNumber;
use crate::domain::tax_id::{ApplicantKind, TaxId};
use crate::domain::user::{Roles, UserId};

/// Ids: stored as the number they wrap.
macro_rules! frozen_id {
    ($($id:ident($inner:ty)),* $(,)?) => {$(
        impl Freeze for $id {
            type Record = $inner;
            fn freeze(&self) -> $inner {
                self.0
            }
            fn thaw(record: $inner) -> Result<Self, ThawError> {
                Ok($id(record))
            }
        }
    )*};
}

frozen_id!(
    AppealId(u64),
    AttachmentId(u64),
    UnitId(u32),
    CategoryId(u32),
    UserId(u64)
);

/// A tax id: its 12 digits, checked again when read.
impl Freeze for TaxId {
    type Record = String;
    fn freeze(&self) -> String {
        self.as_str().to_owned()
    }
    fn thaw(record: String) -> Result<Self, ThawError> {
        TaxId::try_from(record).map_err(|e| ThawError(e.to_string()))
    }
}

/// A role set: its bit byte.
impl Freeze for Roles {
    type Record = u8;
    fn freeze(&self) -> u8 {
        self.bits()
    }
    fn thaw(record: u8) -> Result<Self, ThawError> {
        Ok(Roles::from_bits(record))
    }
}

frozen_enum! {
    /// [`ApplicantKind`], version 1 (lowercase in JSON).
    #[derive(Copy)]
    #[serde(rename_all = "lowercase")]
    ApplicantKindV1 = ApplicantKind {
        Individual,
        Legal,
    }
}

frozen_enum! {
    /// [`FileType`], version 1.
    #[derive(Copy)]
    FileTypeV1 = FileType { Pdf, Jpeg, Png, Docx, Xlsx }
}

frozen_enum! {
    /// [`AppealKind`], version 1.
    #[derive(Copy)]
    AppealKindV1 = AppealKind {
        Application, Complaint, Request, InfoRequest, Proposal, Feedback, Report,
    }
}

frozen_enum! {
    /// [`Channel`], version 1.
    #[derive(Copy)]
    ChannelV1 = Channel { Portal, Paper, InPerson, Email }
}

frozen_enum! {
    /// [`Status`], version 1.
    #[derive(Copy)]
    StatusV1 = Status {
        Registered, NeedsFix, InProgress, DocumentsRequested, Hearing, OnSignature, Closed,
        Forwarded, Returned, Withdrawn, Terminated, ComplaintSentUp,
    }
}

frozen_enum! {
    /// [`Outcome`], version 1.
    #[derive(Copy)]
    OutcomeV1 = Outcome {
        Satisfied, PartlySatisfied, Explained, Refused, FavourableAct, BurdensomeAct,
        AnswerGiven, Noted, ActCancelled, ActReplaced, ActionOrdered, ComplaintRejected,
        SentBack, NotConsidered, SelfRemedied,
    }
}

frozen_enum! {
    /// [`Ground`], version 1.
    #[derive(Copy)]
    GroundV1 = Ground {
        SameDecision, CourtAct, AfterReturn, Repeated, Anonymous, NoSubstance, PendingLawsuit,
        Other,
    }
}

frozen_enum! {
    /// [`Score`], version 1.
    #[derive(Copy)]
    ScoreV1 = Score { Positive, Neutral, Negative }
}

frozen_enum! {
    /// [`DayUnit`], version 1.
    #[derive(Copy)]
    DayUnitV1 = DayUnit { Working, Calendar }
}

frozen_enum! {
    /// [`CountingRule`], version 1.
    #[derive(Copy)]
    CountingRuleV1 = CountingRule { FromNextDay, RegistrationDayCounts }
}

frozen_struct! {
    /// [`Term`], version 1.
    TermV1 = Term {
        days: u16,
        unit: DayUnitV1,
    }
}

frozen_struct! {
    /// [`RegistrationNumber`], version 1.
    RegistrationNumberV1 = RegistrationNumber {
        kind: ApplicantKindV1,
        year: i16,
        seq: u32,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A coded enum's record writes the domain variant's position: the order of `ALL`, which
    /// is the declaration order the stored bytes were written with.
    fn writes_the_declaration_index<T: Freeze + Copy>(all: &[T], index: impl Fn(T) -> u8)
    where
        T::Record: serde::Serialize,
    {
        for value in all {
            let bytes = postcard::to_allocvec(&value.freeze()).unwrap();
            assert_eq!(bytes, vec![index(*value)]);
        }
    }

    #[test]
    fn coded_enums_keep_their_variant_index() {
        writes_the_declaration_index(AppealKind::ALL, AppealKind::index);
        writes_the_declaration_index(Channel::ALL, Channel::index);
        writes_the_declaration_index(Status::ALL, Status::index);
        writes_the_declaration_index(Outcome::ALL, Outcome::index);
        writes_the_declaration_index(Ground::ALL, Ground::index);
        writes_the_declaration_index(Score::ALL, Score::index);
    }

    #[test]
    fn a_tax_id_with_a_wrong_check_digit_does_not_thaw() {
        assert!(TaxId::thaw("780322300455".to_owned()).is_err());
        let id = TaxId::thaw("150340001236".to_owned()).unwrap();
        assert_eq!(id.freeze(), "150340001236");
    }
}
