//! What one appeal contributes to the report, reduced to days and codes.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::domain::appeal::{Appeal, CategoryId, Event, UnitId};
use crate::domain::kind::{AppealKind, Channel, Ground, Outcome, Score, Status};
use crate::domain::tax_id::ApplicantKind;
use crate::domain::user::UserId;

/// How an appeal's procedure ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Answered or decided, with this result.
    Answered(Outcome),
    /// Forwarded in full to the competent body.
    Forwarded,
    /// Returned to the applicant.
    Returned,
    /// Withdrawn by the applicant.
    Withdrawn,
    /// Terminated, on this ground when recorded.
    Terminated(Option<Ground>),
}

/// The language an appeal is written in, judged from its text: Kazakh when it has a letter only
/// Kazakh uses (ә ғ қ ң ө ұ ү һ і), Russian when it is otherwise Cyrillic, else another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextLanguage {
    /// The state language.
    Kazakh,
    /// Russian.
    Russian,
    /// Anything else.
    Other,
}

impl TextLanguage {
    /// Judges a text.
    pub fn of(text: &str) -> Self {
        let mut cyrillic = 0usize;
        let mut latin = 0usize;
        for c in text.chars() {
            if "әғқңөұүһіӘҒҚҢӨҰҮҺІ".contains(c) {
                return TextLanguage::Kazakh;
            }
            if ('\u{0400}'..='\u{04FF}').contains(&c) {
                cyrillic += 1;
            } else if c.is_ascii_alphabetic() {
                latin += 1;
            }
        }
        if cyrillic > 0 && cyrillic >= latin {
            TextLanguage::Russian
        } else {
            TextLanguage::Other
        }
    }
}

/// An extension decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtensionFacts {
    /// The day it was decided.
    pub decided_on: Date,
    /// The deadline before.
    pub previous_due: Date,
    /// The deadline after.
    pub new_due: Date,
}

/// One appeal as the report sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// Registration day.
    pub registered_on: Date,
    /// The local day of receipt (the 3-working-day windows of art. 65 and art. 91 ч.4 count
    /// from it); [`Facts::of`] takes the registration day until [`Facts::received`] says.
    pub received_on: Date,
    /// Type.
    pub kind: AppealKind,
    /// Intake channel.
    pub channel: Channel,
    /// Individual or legal entity.
    pub applicant: ApplicantKind,
    /// Filed with co-applicants.
    pub collective: bool,
    /// A repeated appeal (same applicant, same subject, earlier one answered).
    pub repeated: bool,
    /// Language of the text.
    pub language: TextLanguage,
    /// Recipient unit.
    pub unit: UnitId,
    /// Category.
    pub category: CategoryId,
    /// Executor, once routed.
    pub executor: Option<UserId>,
    /// The deadline before any extension.
    pub due: Date,
    /// Extensions, oldest first.
    pub extensions: Vec<ExtensionFacts>,
    /// The day and the way it ended, if it has.
    pub end: Option<(Date, End)>,
    /// The first forwarding letter's day, and whether it forwarded the whole appeal.
    pub forwarding: Option<(Date, bool)>,
    /// The day a complaint was passed to the higher body.
    pub sent_up_on: Option<Date>,
    /// A complaint about the institution's own answer.
    pub contests_our_answer: bool,
    /// The applicant's rating of the answer.
    pub rating: Option<Score>,
}

/// The local day of the last step that ended the appeal's life, from its history (returns,
/// withdrawals and terminations record no day of their own).
pub fn finished_on(events: &[Event], tz: &TimeZone) -> Option<Date> {
    events
        .iter()
        .rev()
        .find(|e| e.to.is_terminal() && e.from.is_some_and(|f| !f.is_terminal()))
        .map(|e| e.at.to_zoned(tz.clone()).date())
}

impl Facts {
    /// Whether [`Facts::of`] needs the day from the history ([`finished_on`]).
    pub fn needs_history(appeal: &Appeal) -> bool {
        matches!(
            appeal.status,
            Status::Returned | Status::Withdrawn | Status::Terminated
        )
    }

    /// The facts of an appeal; `history_end` is [`finished_on`] of its history, needed only
    /// when [`Facts::needs_history`] says so.
    pub fn of(appeal: &Appeal, history_end: Option<Date>) -> Self {
        let answered_on = appeal
            .answer
            .as_ref()
            .and_then(|a| a.signed.as_ref().map(|s| (s.on, a.outcome)));
        let full_forwarding = appeal
            .forwardings
            .iter()
            .find(|f| f.part.is_none())
            .map(|f| f.letter.sent_on);
        let end = match appeal.status {
            Status::Closed => answered_on.map(|(on, outcome)| (on, End::Answered(outcome))),
            Status::Forwarded => full_forwarding.map(|on| (on, End::Forwarded)),
            Status::Returned => history_end.map(|on| (on, End::Returned)),
            Status::Withdrawn => history_end.map(|on| (on, End::Withdrawn)),
            Status::Terminated => history_end.map(|on| {
                let ground = appeal.ending.as_ref().and_then(|e| e.ground);
                (on, End::Terminated(ground))
            }),
            _ => None,
        };
        let mut text = String::with_capacity(appeal.subject.len() + appeal.description.len() + 1);
        text.push_str(&appeal.subject);
        text.push(' ');
        text.push_str(&appeal.description);
        Self {
            registered_on: appeal.registered_on,
            received_on: appeal.registered_on,
            kind: appeal.kind,
            channel: appeal.channel,
            applicant: appeal.applicant.kind,
            collective: !appeal.co_applicants.is_empty(),
            repeated: appeal.links.repeated_of.is_some(),
            language: TextLanguage::of(&text),
            unit: appeal.unit,
            category: appeal.category,
            executor: appeal.executor.as_ref().map(|e| e.user),
            due: appeal
                .extensions
                .first()
                .map_or(appeal.due, |e| e.previous_due),
            extensions: appeal
                .extensions
                .iter()
                .map(|e| ExtensionFacts {
                    decided_on: e.decided_on,
                    previous_due: e.previous_due,
                    new_due: e.new_due,
                })
                .collect(),
            end,
            forwarding: appeal
                .forwardings
                .first()
                .map(|f| (f.letter.sent_on, f.part.is_none())),
            sent_up_on: appeal.sent_up.as_ref().map(|l| l.sent_on),
            contests_our_answer: appeal.links.contested.is_some(),
            rating: appeal.rating.as_ref().map(|r| r.score),
        }
    }

    /// The same facts with the local day of receipt.
    #[must_use]
    pub fn received(mut self, on: Date) -> Self {
        self.received_on = on;
        self
    }

    /// The deadline in force on `day`: extensions decided later do not count yet, and one
    /// decided after the deadline it extended had run out never counts (art. 76 ч.3: an
    /// overdue appeal stays overdue).
    pub fn due_on(&self, day: Date) -> Date {
        self.extensions
            .iter()
            .filter(|e| e.decided_on <= day)
            .fold(
                self.due,
                |due, e| {
                    if e.decided_on <= due { e.new_due } else { due }
                },
            )
    }

    /// The day it finished, if on or before `day`.
    pub fn finished_by(&self, day: Date) -> Option<(Date, End)> {
        self.end.filter(|(on, _)| *on <= day)
    }

    /// The day its term stopped running: passed up (complaints) or finished.
    pub fn settled_on(&self, day: Date) -> Option<Date> {
        match (self.sent_up_on.filter(|d| *d <= day), self.finished_by(day)) {
            (Some(up), _) => Some(up),
            (None, Some((on, _))) => Some(on),
            (None, None) => None,
        }
    }
}
