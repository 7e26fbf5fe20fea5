//! The words around the tables: the title block and the narrative part, written from the
//! figures so that the director only has to read, adjust and sign.

use crate::domain::report::{Format, Label, Totals};
use crate::domain::user::Role;

use super::text::{Words, date};

/// The title block, line by line: report name, whose report, institution, director, period.
pub fn title_block(w: &Words) -> Vec<String> {
    let report = w.report;
    let period = report.figures.period;
    let mut lines = vec![
        w.t("report.title").to_owned(),
        w.t("report.of_director").to_owned(),
    ];
    let name = report.institution.names.get(w.tr.lang);
    if !name.is_empty() {
        lines.push(name.to_owned());
    }
    if !report.institution.director_name.is_empty() {
        lines.push(report.institution.director_name.clone());
    }
    lines.push(w.tr.fmt(
        "report.period",
        &[("from", &date(period.from)), ("to", &date(period.to))],
    ));
    lines
}

fn role_key(role: Role) -> &'static str {
    match role {
        Role::Clerk => "report.role.clerk",
        Role::Executor => "report.role.executor",
        Role::Director => "report.role.director",
        Role::Admin => "report.role.admin",
        Role::Deputy => "law.report_role_deputy",
    }
}

fn count(n: u64) -> String {
    n.to_string()
}

/// "(a year earlier – 38, 18,4 % more)" or its equivalents.
fn comparison(w: &Words, now: u64, then: u64) -> String {
    let key = match now.cmp(&then) {
        _ if then == 0 && now > 0 => "report.text.compare_none",
        std::cmp::Ordering::Greater => "report.text.compare_more",
        std::cmp::Ordering::Less => "report.text.compare_less",
        std::cmp::Ordering::Equal => "report.text.compare_same",
    };
    #[allow(clippy::cast_precision_loss)] // counts of appeals are far below 2^52
    let change = (now.abs_diff(then) as f64) / (then.max(1) as f64);
    let percent = w.number(Some(change), Format::Share, false);
    w.tr.fmt(key, &[("previous", &count(then)), ("percent", &percent)])
}

fn staff_paragraph(w: &Words) -> String {
    let report = w.report;
    let name = report.institution.names.get(w.tr.lang);
    let institution = if name.is_empty() {
        w.t("report.title").to_owned()
    } else {
        name.to_owned()
    };
    let mut text = match report.since {
        Some(since) => w.tr.fmt(
            "report.text.since",
            &[
                ("institution", &institution),
                ("year", &since.year().to_string()),
            ],
        ),
        None => {
            w.tr.fmt("report.text.since_none", &[("institution", &institution)])
        }
    };
    text.push(' ');
    if report.staff.is_empty() {
        text.push_str(w.t("report.text.staff_none"));
    } else {
        let list: Vec<String> = report
            .staff
            .iter()
            .map(|member| {
                let roles: Vec<&str> = member.roles.iter().map(|r| w.t(role_key(r))).collect();
                w.tr.fmt(
                    "report.text.staff_item",
                    &[("role", &roles.join(", ")), ("name", &member.name)],
                )
            })
            .collect();
        text.push_str(&w.tr.fmt(
            "report.text.staff",
            &[
                ("count", &report.staff.len().to_string()),
                ("list", &list.join("; ")),
            ],
        ));
    }
    text
}

fn intake_paragraph(w: &Words, now: &Totals, then: &Totals) -> String {
    let intake = w.report.figures.table("intake");
    let value = |key| {
        intake
            .and_then(|t| t.value(Label::Key(key), 0))
            .map_or_else(|| "0".to_owned(), |v| format!("{v:.0}"))
    };
    let mut text = w.tr.fmt(
        "report.text.received",
        &[
            ("received", &count(now.received)),
            ("compare", &comparison(w, now.received, then.received)),
            ("individuals", &value("report.row.individuals")),
            ("legal", &value("report.row.legal")),
        ],
    );
    if now.carried_over > 0 {
        text.push(' ');
        text.push_str(&w.tr.fmt(
            "report.text.carried",
            &[("carried", &count(now.carried_over))],
        ));
    }
    text
}

fn outcome_paragraph(w: &Words, now: &Totals) -> String {
    let mut parts = vec![w.tr.fmt(
        "report.text.finished",
        &[
            ("finished", &count(now.finished)),
            ("in_term", &count(now.in_term)),
        ],
    )];
    if now.late == 0 {
        parts.push(w.t("report.text.no_late").to_owned());
    } else {
        parts.push(w.tr.fmt("report.text.late", &[("late", &count(now.late))]));
    }
    if now.open_overdue > 0 {
        parts.push(w.tr.fmt(
            "report.text.open_overdue",
            &[
                ("open", &count(now.open_at_end)),
                ("overdue", &count(now.open_overdue)),
            ],
        ));
    } else {
        parts.push(w.tr.fmt("report.text.open", &[("open", &count(now.open_at_end))]));
    }
    if let (Some(average), Some(median)) = (now.average_days, now.median_days) {
        parts.push(w.tr.fmt(
            "report.text.days",
            &[
                ("average", &w.number(Some(average), Format::Days, false)),
                ("median", &w.number(Some(median), Format::Days, false)),
            ],
        ));
    }
    if let Some(results) = w.report.figures.table("results") {
        let top = results
            .rows
            .iter()
            .filter(|r| r.level == 1 && r.share_of.is_some())
            .filter(|r| r.cell(0).is_some_and(|v| v > 0.0))
            .max_by(|a, b| {
                a.cell(0)
                    .partial_cmp(&b.cell(0))
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
        if let Some(row) = top {
            parts.push(w.tr.fmt(
                "report.text.results",
                &[
                    ("outcome", &w.label(row.label)),
                    ("count", &w.number(row.cell(0), Format::Count, false)),
                    ("share", &w.number(row.cell(1), Format::Share, false)),
                ],
            ));
        }
    }
    parts.join(" ")
}

fn topics_paragraph(w: &Words, now: &Totals) -> String {
    let mut parts = Vec::new();
    if let Some((category, n)) = w.report.figures.top_category {
        #[allow(clippy::cast_precision_loss)]
        let share = (now.received > 0).then(|| n as f64 / now.received as f64);
        parts.push(w.tr.fmt(
            "report.text.topic",
            &[
                ("category", &w.label(Label::Category(category))),
                ("count", &count(n)),
                ("share", &w.number(share, Format::Share, false)),
            ],
        ));
    }
    if now.extensions > 0 {
        parts.push(w.tr.fmt(
            "report.text.extensions",
            &[("count", &count(now.extensions))],
        ));
    }
    if now.forwarded > 0 {
        let in_time = w
            .report
            .figures
            .table("timeliness")
            .and_then(|t| t.value(Label::Key("report.row.within_3_days"), 0))
            .map_or_else(|| "0".to_owned(), |v| format!("{v:.0}"));
        parts.push(w.tr.fmt(
            "report.text.forwarded",
            &[("count", &count(now.forwarded)), ("in_time", &in_time)],
        ));
    }
    if now.complaints_about_us > 0 {
        parts.push(w.tr.fmt(
            "report.text.complaints",
            &[("count", &count(now.complaints_about_us))],
        ));
    } else {
        parts.push(w.t("report.text.no_complaints").to_owned());
    }
    let rated: u64 = now.ratings.iter().sum();
    if rated > 0 {
        parts.push(w.tr.fmt(
            "report.text.ratings",
            &[
                ("rated", &count(rated)),
                ("good", &count(now.ratings[0] + now.ratings[1])),
            ],
        ));
    } else {
        parts.push(w.t("report.text.no_ratings").to_owned());
    }
    parts.join(" ")
}

/// The narrative part, paragraph by paragraph.
pub fn paragraphs(w: &Words) -> Vec<String> {
    let figures = &w.report.figures;
    let (now, then) = (&figures.current, &figures.before);
    let mut out = vec![
        staff_paragraph(w),
        w.t("report.text.intake").to_owned(),
        intake_paragraph(w, now, then),
        outcome_paragraph(w, now),
        topics_paragraph(w, now),
    ];
    if figures.as_of < figures.period.to {
        out.push(w.tr.fmt("report.as_of", &[("date", &date(figures.as_of))]));
    }
    out.push(w.tr.fmt("report.text.closing", &[("date", &date(w.report.made_on))]));
    out
}
