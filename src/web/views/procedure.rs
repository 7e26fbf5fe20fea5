//! The procedural facts of АППК a complaint form and an appeal card show: the answer a
//! complaint contests, the complaint window (art. 92), a late filing and its reason, and the
//! 3-working-day windows from receipt (forwarding, art. 65; passing a complaint up, art. 91 ч.4).
//!
//! Pure rendering of facts the handler worked out; nothing here counts days.

use jiff::Timestamp;
use jiff::civil::Date;
use maud::{Markup, html};

use super::components::{Input, date, input};
use super::layout::Chrome;
use crate::domain::appeal::AppealId;
use crate::domain::field::FieldErrors;
use crate::domain::registration_number::RegistrationNumber;
use crate::web::paths;

/// The answer a complaint contests, as the complaint form and the complaint's card show it.
#[derive(Debug, Clone)]
pub struct ContestedAnswer {
    /// The contested appeal.
    pub appeal: AppealId,
    /// Its number.
    pub number: RegistrationNumber,
    /// When the answer was signed, and by whom.
    pub signed: Option<(Timestamp, String)>,
    /// The first lines of the answer.
    pub excerpt: String,
    /// The last day a complaint is in time (art. 92), and whether today is past it.
    pub window: Option<(Date, bool)>,
}

/// What a card says about the procedure's windows.
#[derive(Debug, Clone, Default)]
pub struct ProcedureFacts {
    /// For a complaint: the answer it contests.
    pub contested: Option<ContestedAnswer>,
    /// For a complaint filed after the window: its last day and the applicant's reason.
    pub filed_late: Option<(Date, String)>,
    /// For a complaint not yet passed up: the day it must be passed to the higher body by,
    /// and whether that day has passed (staff only).
    pub pass_up_by: Option<(Date, bool)>,
    /// Letters (forwarding, passing up) sent after their 3 working days from receipt, by
    /// letter number.
    pub late_letters: Vec<String>,
}

/// The first `chars` characters of a text, cut at a word, with "…" when cut.
pub fn excerpt(text: &str, chars: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= chars {
        return flat;
    }
    let cut: String = flat.chars().take(chars).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

fn answer_lines(c: &Chrome, a: &ContestedAnswer) -> Markup {
    html! {
        dl.facts {
            dt { (c.t("law.contested_appeal")) }
            dd { a href=(paths::appeal(a.appeal)) { (a.number) } }
            @if let Some((at, by)) = &a.signed {
                dt { (c.t("law.answer_signed")) } dd { (c.time(*at)) " · " (by) }
            }
            @if !a.excerpt.is_empty() {
                dt { (c.t("law.answer_excerpt")) } dd { q { (a.excerpt) } }
            }
        }
    }
}

/// The contested answer above the complaint form, with the window and, past it, the field
/// for the reason.
pub fn complaint_intro(
    c: &Chrome,
    a: &ContestedAnswer,
    errors: &FieldErrors,
    late_reason: &str,
) -> Markup {
    html! {
        section.card.contested {
            h2 { (c.t("law.contested_title")) }
            (answer_lines(c, a))
            @if let Some((last_day, late)) = a.window {
                @if late {
                    p.notice.error role="status" {
                        (c.tr.fmt("law.window_passed", &[("date", &date(last_day))]))
                    }
                    (input(c, errors, Input::text("late_reason", "law.late_reason", late_reason).optional().hint("law.late_reason_hint")))
                } @else {
                    p.muted { (c.tr.fmt("law.window_until", &[("date", &date(last_day))])) }
                }
            }
        }
    }
}

/// The procedural notes on a card: the contested answer, a late filing, the pass-up day.
pub fn card_notes(c: &Chrome, p: &ProcedureFacts) -> Markup {
    html! {
        @if let Some(a) = &p.contested {
            section.notice.contested {
                h2 { (c.t("law.contested_title")) }
                (answer_lines(c, a))
            }
        }
        @if let Some((last_day, reason)) = &p.filed_late {
            p.notice.error {
                strong { (c.t("law.filed_late")) } " "
                (c.tr.fmt("law.filed_late_text", &[("date", &date(*last_day))]))
                " " (c.t("law.late_reason")) ": "
                @if reason.is_empty() { em { (c.t("law.no_reason")) } } @else { (reason) }
            }
        }
        @if let Some((day, passed)) = p.pass_up_by {
            p.notice {
                (c.tr.fmt("law.pass_up_by", &[("date", &date(day))]))
                @if passed { " " span.tag.overdue { (c.t("appeal.overdue")) } }
            }
        }
        @for number in &p.late_letters {
            p.notice { span.tag.overdue { (c.t("law.sent_late")) } " " (c.tr.fmt("law.sent_late_text", &[("number", number)])) }
        }
    }
}

/// The pass-up day under a complaint's deadline in a registry row.
pub fn pass_up_cell(c: &Chrome, day: Date, today: Date) -> Markup {
    html! {
        br;
        span.muted { (c.tr.fmt("law.pass_up_short", &[("date", &date(day))])) }
        @if today > day { " " span.tag.overdue { (c.t("appeal.overdue")) } }
    }
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn an_excerpt_is_cut_at_a_word_and_marked() {
        assert_eq!(excerpt("Қысқа  жауап", 40), "Қысқа жауап");
        assert_eq!(excerpt("бір екі үш төрт", 9), "бір екі…");
    }
}
