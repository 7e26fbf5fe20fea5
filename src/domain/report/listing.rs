//! One row per appeal for the registry export: the columns a director hands over.

use jiff::civil::Date;

use super::facts::{End, Facts};
use crate::domain::appeal::{Appeal, CategoryId, UnitId};
use crate::domain::calendar::Calendar;
use crate::domain::deadline::working_days_between;
use crate::domain::kind::{AppealKind, Outcome, Status};
use crate::domain::tax_id::ApplicantKind;

/// An appeal as a row of the registry export (no personal data of the applicant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingRow {
    /// Registration number.
    pub number: String,
    /// Registration day.
    pub registered_on: Date,
    /// The day it finished, if it has.
    pub finished_on: Option<Date>,
    /// Type.
    pub kind: AppealKind,
    /// Individual or legal entity.
    pub applicant: ApplicantKind,
    /// Category.
    pub category: CategoryId,
    /// Unit.
    pub unit: UnitId,
    /// Executor's name.
    pub executor: Option<String>,
    /// Status.
    pub status: Status,
    /// Result, when answered.
    pub outcome: Option<Outcome>,
    /// The deadline in force.
    pub due: Date,
    /// Working days from registration to the end, or to today while open.
    pub days_taken: u32,
    /// Finished after the term, or open past it today.
    pub overdue: bool,
}

impl ListingRow {
    /// The row of an appeal; `history_end` as for [`Facts::of`].
    pub fn of(
        appeal: &Appeal,
        history_end: Option<Date>,
        today: Date,
        calendar: &Calendar,
    ) -> Self {
        let facts = Facts::of(appeal, history_end);
        let settled = facts.settled_on(today);
        let until = settled.unwrap_or(today);
        let overdue = match settled {
            Some(day) => day > facts.due_on(day),
            None => appeal.is_overdue(today),
        };
        Self {
            number: appeal.number.to_string(),
            registered_on: appeal.registered_on,
            finished_on: facts.end.map(|(on, _)| on),
            kind: appeal.kind,
            applicant: appeal.applicant.kind,
            category: appeal.category,
            unit: appeal.unit,
            executor: appeal.executor.as_ref().map(|e| e.name.clone()),
            status: appeal.status,
            outcome: match facts.end {
                Some((_, End::Answered(outcome))) => Some(outcome),
                _ => None,
            },
            due: appeal.due,
            days_taken: working_days_between(appeal.registered_on, until, calendar),
            overdue,
        }
    }
}
