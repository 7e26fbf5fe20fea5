//! Personal data only where the work needs it: who may see an applicant's IIN/BIN, phone,
//! e-mail, address and files, and the typed result of reading an appeal.
//!
//! The rule: the applicant who owns the appeal, the clerk (registrar), the director, and the
//! executor and co-executors assigned to the appeal. Every other member of staff keeps the
//! registry overview (number, name, subject, status, dates) and nothing more: the appeal they
//! read has those fields and every file list emptied ([`withhold`]), so no page, receipt or
//! export built from it can show them by mistake.

use super::appeal::{Appeal, ApplicantData, Change, Event};
use super::tax_id::TaxId;
use super::user::{Role, User};

/// The applicant's personal data on one appeal, as one viewer may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Personal {
    /// The viewer's work needs it: the data as filed (the files stay on the appeal).
    Visible(ApplicantData),
    /// Not for this viewer; the appeal's copy has it removed.
    Withheld {
        /// Whether the appeal is anonymous (no person's number to hide, but staff should know).
        anonymous: bool,
    },
}

impl Personal {
    /// Whether the appeal was filed anonymously.
    pub fn is_anonymous(&self) -> bool {
        match self {
            Personal::Visible(data) => data.tax_id.is_anonymous(),
            Personal::Withheld { anonymous } => *anonymous,
        }
    }

    /// The data, when visible.
    pub fn visible(&self) -> Option<&ApplicantData> {
        match self {
            Personal::Visible(data) => Some(data),
            Personal::Withheld { .. } => None,
        }
    }
}

/// Whether `viewer` sees the personal data of every appeal (clerk, director).
pub fn sees_every_applicant(viewer: &User) -> bool {
    !viewer.is_applicant() && viewer.roles().any(&[Role::Clerk, Role::Director])
}

/// Whether `viewer` may see the personal data and files of `appeal` (the caller has already
/// checked that they may see the appeal at all).
pub fn may_see_personal(viewer: &User, appeal: &Appeal) -> bool {
    if viewer.is_applicant() {
        return appeal.owner == Some(viewer.id);
    }
    sees_every_applicant(viewer)
        || appeal
            .executor
            .as_ref()
            .is_some_and(|e| e.user == viewer.id)
        || appeal.co_executors.iter().any(|c| c.user == viewer.id)
}

/// The personal data of `appeal` for `viewer`; when withheld, it is also removed from the
/// appeal itself.
pub fn read(viewer: &User, appeal: &mut Appeal) -> Personal {
    if may_see_personal(viewer, appeal) {
        Personal::Visible(appeal.applicant.clone())
    } else {
        withheld(appeal)
    }
}

/// Removes the personal data from `appeal` ([`withhold`]) and says so.
pub fn withheld(appeal: &mut Appeal) -> Personal {
    let anonymous = appeal.applicant.tax_id.is_anonymous();
    withhold(appeal);
    Personal::Withheld { anonymous }
}

/// Empties the applicant's number, phone, e-mail and address and every file list of the
/// appeal (its own, the draft's and the answer's). The number becomes the reserved anonymous
/// one, which names no one, so the value stays a valid IIN/BIN.
pub fn withhold(appeal: &mut Appeal) {
    appeal.applicant.tax_id = TaxId::anonymous();
    appeal.applicant.phone.clear();
    appeal.applicant.email.clear();
    appeal.applicant.address.clear();
    appeal.attachments.clear();
    if let Some(draft) = &mut appeal.draft {
        draft.attachments.clear();
    }
    if let Some(answer) = &mut appeal.answer {
        answer.attachments.clear();
    }
}

/// [`withhold`] on the history: the appeal as registered and every file list in its steps.
pub fn withhold_events(events: &mut [Event]) {
    for event in events {
        match &mut event.change {
            Change::Registered(initial) => withhold(initial),
            Change::Corrected { attachments, .. } | Change::DocumentsAdded { attachments, .. } => {
                attachments.clear();
            }
            Change::DraftSubmitted(answer) | Change::ComplaintDecided(answer) => {
                answer.attachments.clear();
            }
            _ => {}
        }
    }
}
