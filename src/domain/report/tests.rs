//! The aggregation over hand-made appeals whose figures are worked out by hand below.
#![allow(clippy::unwrap_used, clippy::float_cmp, clippy::many_single_char_names)]

use jiff::civil::Date;

use super::*;
use crate::domain::appeal::{CategoryId, UnitId};
use crate::domain::calendar::Calendar;
use crate::domain::kind::{AppealKind, Channel, Outcome, Score};
use crate::domain::tax_id::ApplicantKind;
use crate::domain::user::UserId;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

/// An application filed online by an individual in Kazakh to unit 1, category 1, open.
fn filed(on: &str, due: &str) -> Facts {
    Facts {
        registered_on: d(on),
        received_on: d(on),
        kind: AppealKind::Application,
        channel: Channel::Portal,
        applicant: ApplicantKind::Individual,
        collective: false,
        repeated: false,
        language: TextLanguage::Kazakh,
        unit: UnitId(1),
        category: CategoryId(1),
        executor: None,
        due: d(due),
        extensions: Vec::new(),
        end: None,
        forwarding: None,
        sent_up_on: None,
        contests_our_answer: false,
        rating: None,
    }
}

fn ended(mut f: Facts, on: &str, end: End) -> Facts {
    f.end = Some((d(on), end));
    f
}

fn by(mut f: Facts, executor: u64) -> Facts {
    f.executor = Some(UserId(executor));
    f
}

/// The worked example: 2025 against 2024, judged in February 2026.
///
/// | | registered | what happened | working days |
/// |---|---|---|---|
/// | A | Mon 2 Jun 2025 | satisfied 9 Jun, rated positive | 5, in term |
/// | B | 2 Jun, complaint (legal entity, paper, Russian) | passed up 4 Jun, dismissed above 15 Jul | 2, in term |
/// | C | 2 Jun, collective request by e-mail in Russian | extended 20 Jun to 4 Jul (+9 WD), explained 3 Jul | 23, in term |
/// | D | 2 Jun, proposal in person, other language | returned 30 Jun (due 23 Jun) | 20, late |
/// | E | Wed 31 Dec 2025, the period's last day | open | — |
/// | F | Thu 1 Jan 2026, the day after | not in the report | — |
/// | G | Fri 20 Dec 2024 | satisfied Mon 20 Jan 2025 (due 14 Jan) | 18, late |
/// | H | Mon 10 Mar 2025 | forwarded in full 11 Mar | 1, in term |
/// | I | Fri 1 Aug 2025 | open, due 22 Aug | overdue |
/// | P1 | Mon 3 Jun 2024 | satisfied 10 Jun 2024 | 5 |
/// | P2 | Thu 29 Feb 2024, category 2, Russian, paper | explained 5 Mar 2024 | 3 |
fn worked_example() -> Vec<Facts> {
    let a = by(
        ended(
            filed("2025-06-02", "2025-06-23"),
            "2025-06-09",
            End::Answered(Outcome::Satisfied),
        ),
        10,
    );
    let a = Facts {
        rating: Some(Score::Positive),
        ..a
    };
    let mut b = by(
        ended(
            filed("2025-06-02", "2025-06-30"),
            "2025-07-15",
            End::Answered(Outcome::ComplaintRejected),
        ),
        11,
    );
    b.kind = AppealKind::Complaint;
    b.channel = Channel::Paper;
    b.applicant = ApplicantKind::Legal;
    b.language = TextLanguage::Russian;
    b.unit = UnitId(2);
    b.category = CategoryId(2);
    b.contests_our_answer = true;
    b.sent_up_on = Some(d("2025-06-04"));
    let mut c = by(
        ended(
            filed("2025-06-02", "2025-06-23"),
            "2025-07-03",
            End::Answered(Outcome::Explained),
        ),
        10,
    );
    c.kind = AppealKind::Request;
    c.channel = Channel::Email;
    c.collective = true;
    c.language = TextLanguage::Russian;
    c.extensions = vec![ExtensionFacts {
        decided_on: d("2025-06-20"),
        previous_due: d("2025-06-23"),
        new_due: d("2025-07-04"),
    }];
    let mut dd = ended(
        filed("2025-06-02", "2025-06-23"),
        "2025-06-30",
        End::Returned,
    );
    dd.kind = AppealKind::Proposal;
    dd.channel = Channel::InPerson;
    dd.language = TextLanguage::Other;
    dd.category = CategoryId(3);
    let e = filed("2025-12-31", "2026-01-22");
    let f = filed("2026-01-01", "2026-01-23");
    let g = by(
        ended(
            filed("2024-12-20", "2025-01-14"),
            "2025-01-20",
            End::Answered(Outcome::Satisfied),
        ),
        10,
    );
    let mut h = ended(
        filed("2025-03-10", "2025-03-31"),
        "2025-03-11",
        End::Forwarded,
    );
    h.forwarding = Some((d("2025-03-11"), true));
    h.unit = UnitId(2);
    h.category = CategoryId(2);
    let mut i = by(filed("2025-08-01", "2025-08-22"), 11);
    i.unit = UnitId(2);
    i.category = CategoryId(2);
    let p1 = by(
        ended(
            filed("2024-06-03", "2024-06-24"),
            "2024-06-10",
            End::Answered(Outcome::Satisfied),
        ),
        10,
    );
    let mut p2 = ended(
        filed("2024-02-29", "2024-03-21"),
        "2024-03-05",
        End::Answered(Outcome::Explained),
    );
    p2.category = CategoryId(2);
    p2.channel = Channel::Paper;
    p2.language = TextLanguage::Russian;
    vec![a, b, c, dd, e, f, g, h, i, p1, p2]
}

fn figures_2025() -> Figures {
    let calendar = Calendar::builtin();
    let scope = Scope {
        period: Period::calendar_year(2025).unwrap(),
        today: d("2026-02-02"),
        calendar: &calendar,
        units: &[UnitId(1), UnitId(2)],
    };
    aggregate(&scope, worked_example())
}

/// (this period, a year earlier) of a row.
fn pair(figures: &Figures, table: &str, key: &'static str) -> (f64, f64) {
    let t = figures.table(table).unwrap();
    let row = t
        .row(Label::Key(key))
        .unwrap_or_else(|| panic!("{table}: no row {key}"));
    let previous = t
        .columns
        .iter()
        .position(|c| *c == Column::Previous)
        .unwrap();
    (
        row.cell(0).unwrap_or(f64::NAN),
        row.cell(previous).unwrap_or(f64::NAN),
    )
}

#[test]
fn intake_counts_received_carried_over_and_their_breakdowns() {
    let f = figures_2025();
    let p = |key| pair(&f, "intake", key);
    assert_eq!(p("report.row.received"), (7.0, 3.0));
    assert_eq!(p("report.row.carried_over"), (1.0, 0.0));
    assert_eq!(p("report.row.on_hand"), (8.0, 3.0));
    assert_eq!(p("report.row.individuals"), (6.0, 3.0));
    assert_eq!(p("report.row.legal"), (1.0, 0.0));
    assert_eq!(p("report.row.collective"), (1.0, 0.0));
    assert_eq!(p("Channel.portal"), (4.0, 2.0));
    assert_eq!(p("Channel.paper"), (1.0, 1.0));
    assert_eq!(p("Channel.in-person"), (1.0, 0.0));
    assert_eq!(p("Channel.email"), (1.0, 0.0));
    assert_eq!(p("report.row.lang_kk"), (4.0, 2.0));
    assert_eq!(p("report.row.lang_ru"), (2.0, 1.0));
    assert_eq!(p("report.row.lang_other"), (1.0, 0.0));
    let received = f
        .table("intake")
        .unwrap()
        .row(Label::Key("report.row.received"))
        .unwrap();
    assert_eq!(
        received.cells,
        vec![Some(7.0), Some(3.0), Some(4.0), Some(1.333)]
    );
    assert_eq!(pair(&f, "kinds", "AppealKind.application"), (4.0, 3.0));
    assert_eq!(pair(&f, "kinds", "AppealKind.complaint"), (1.0, 0.0));
    assert_eq!(pair(&f, "kinds", "AppealKind.proposal"), (1.0, 0.0));
}

#[test]
fn results_add_up_to_the_finished_and_the_rest_is_open_at_the_end() {
    let f = figures_2025();
    let p = |key| pair(&f, "results", key);
    assert_eq!(p("report.row.finished"), (6.0, 2.0));
    assert_eq!(p("Outcome.satisfied"), (2.0, 1.0));
    assert_eq!(p("Outcome.explained"), (1.0, 1.0));
    assert_eq!(p("Outcome.complaint-rejected"), (1.0, 0.0));
    assert_eq!(p("report.row.forwarded"), (1.0, 0.0));
    assert_eq!(p("report.row.returned"), (1.0, 0.0));
    assert_eq!(p("report.row.withdrawn"), (0.0, 0.0));
    assert_eq!(p("report.row.open_at_end"), (2.0, 1.0));
    assert_eq!(p("report.row.open_in_term"), (1.0, 1.0));
    assert_eq!(p("report.row.open_overdue"), (1.0, 0.0));
    let results = f.table("results").unwrap();
    assert!(
        results.row(Label::Key("Outcome.refused")).is_none(),
        "empty results are left out"
    );
    for row in &results.rows {
        if !row.parts.is_empty() {
            let sum: f64 = row
                .parts
                .iter()
                .map(|i| results.rows[*i].cell(0).unwrap())
                .sum();
            assert_eq!(row.cell(0), Some(sum), "{:?}", row.label);
        }
    }
    // Share of the finished: 2 of 6.
    let satisfied = results.row(Label::Key("Outcome.satisfied")).unwrap();
    assert_eq!(satisfied.cell(1), Some(0.333));
    assert_eq!(
        f.current.carried_over + f.current.received,
        f.current.finished + f.current.open_at_end
    );
}

#[test]
fn timeliness_counts_terms_working_days_extensions_and_forwarding() {
    let f = figures_2025();
    let p = |key| pair(&f, "timeliness", key);
    assert_eq!(p("report.row.in_term"), (4.0, 2.0));
    assert_eq!(p("report.row.late"), (2.0, 0.0));
    assert_eq!(p("report.row.share_in_term"), (0.667, 1.0));
    assert_eq!(p("report.row.open_overdue"), (1.0, 0.0));
    assert_eq!(p("report.row.extensions"), (1.0, 0.0));
    assert_eq!(p("report.row.extended_appeals"), (1.0, 0.0));
    assert_eq!(p("report.row.extension_days").0, 9.0);
    // 1, 2, 5, 18, 20, 23 working days; a year earlier 3 and 5.
    assert_eq!(p("report.row.average_days"), (11.5, 4.0));
    assert_eq!(p("report.row.median_days"), (11.5, 4.0));
    assert_eq!(p("report.row.forwardings"), (1.0, 0.0));
    assert_eq!(p("report.row.within_3_days"), (1.0, 0.0));
    assert_eq!(f.current.average_days, Some(11.5));
}

#[test]
fn complaints_ratings_categories_units_and_executors() {
    let f = figures_2025();
    assert_eq!(pair(&f, "complaints", "report.row.complaints"), (1.0, 0.0));
    assert_eq!(
        pair(&f, "complaints", "report.row.about_our_answers"),
        (1.0, 0.0)
    );
    assert_eq!(pair(&f, "complaints", "report.row.sent_up"), (1.0, 0.0));
    assert_eq!(
        pair(&f, "complaints", "report.row.within_3_days"),
        (1.0, 0.0)
    );
    assert_eq!(
        pair(&f, "complaints", "report.row.decided_above"),
        (1.0, 0.0)
    );
    assert_eq!(pair(&f, "ratings", "report.row.rated"), (1.0, 0.0));
    assert_eq!(pair(&f, "ratings", "report.row.positive_or_neutral").0, 1.0);

    let categories = f.table("categories").unwrap();
    let order: Vec<Label> = categories.rows.iter().map(|r| r.label).collect();
    assert_eq!(
        order,
        vec![
            Label::Category(CategoryId(1)),
            Label::Category(CategoryId(2)),
            Label::Category(CategoryId(3)),
            Label::Key("report.row.received"),
        ]
    );
    assert_eq!(
        categories.rows[0].cells[..3],
        [Some(3.0), Some(0.429), Some(2.0)]
    );
    assert_eq!(f.top_category, Some((CategoryId(1), 3)));

    let units = f.table("units").unwrap();
    // received now, before, Δ, Δ%, finished, in term, overdue, average days
    assert_eq!(
        units.row(Label::Unit(UnitId(1))).unwrap().cells,
        vec![
            Some(4.0),
            Some(3.0),
            Some(1.0),
            Some(0.333),
            Some(4.0),
            Some(2.0),
            Some(2.0),
            Some(16.5)
        ]
    );
    assert_eq!(
        units.row(Label::Unit(UnitId(2))).unwrap().cells[4..],
        [Some(2.0), Some(2.0), Some(1.0), Some(1.5)]
    );
    assert_eq!(units.value(Label::Key("report.row.total"), 0), Some(7.0));
    let executors = f.table("executors").unwrap();
    assert_eq!(executors.value(Label::Executor(UserId(10)), 0), Some(2.0));
    assert_eq!(executors.value(Label::Executor(UserId(10)), 4), Some(3.0));
    assert_eq!(
        executors.value(Label::Key("report.row.unassigned"), 0),
        Some(3.0)
    );
}

#[test]
fn the_last_day_of_the_period_counts_and_the_next_day_does_not() {
    let f = figures_2025();
    let december = f.months.iter().find(|m| m.month == 12).unwrap();
    assert_eq!(
        (december.current, december.previous),
        (1, 1),
        "E on 31 Dec, G on 20 Dec 2024"
    );
    let calendar = Calendar::builtin();
    let only = |on: &str| {
        let scope = Scope {
            period: Period::new(d("2023-01-04"), d("2023-12-29")).unwrap(),
            today: d("2024-03-01"),
            calendar: &calendar,
            units: &[],
        };
        let facts = ended(filed(on, "2024-01-30"), on, End::Withdrawn);
        aggregate(&scope, [facts]).current.received
    };
    assert_eq!(only("2023-12-29"), 1);
    assert_eq!(only("2023-12-30"), 0);
    assert_eq!(only("2023-01-04"), 1);
    assert_eq!(only("2023-01-03"), 0);
}

#[test]
fn the_comparison_period_handles_29_february() {
    let p = |from: &str, to: &str| Period::new(d(from), d(to)).unwrap().year_earlier();
    let expect = |from: &str, to: &str| Period {
        from: d(from),
        to: d(to),
    };
    assert_eq!(
        p("2025-02-01", "2025-02-28"),
        expect("2024-02-01", "2024-02-29")
    );
    assert_eq!(
        p("2024-02-01", "2024-02-29"),
        expect("2023-02-01", "2023-02-28")
    );
    assert_eq!(
        p("2024-02-29", "2024-03-31"),
        expect("2023-03-01", "2023-03-31")
    );
    assert_eq!(
        p("2024-02-29", "2024-02-29"),
        expect("2023-02-28", "2023-02-28")
    );
    assert_eq!(
        p("2023-01-04", "2023-12-29"),
        expect("2022-01-04", "2022-12-29")
    );
    // February 2025's report counts an appeal of 29 February 2024 in the comparison column.
    let calendar = Calendar::builtin();
    let scope = Scope {
        period: Period::new(d("2025-02-01"), d("2025-02-28")).unwrap(),
        today: d("2025-06-01"),
        calendar: &calendar,
        units: &[],
    };
    let f = aggregate(&scope, worked_example());
    assert_eq!(f.before.received, 1);
    assert_eq!(f.current.received, 0);
}

#[test]
fn periods_are_checked() {
    assert_eq!(
        Period::new(d("2025-02-01"), d("2025-01-31")),
        Err(PeriodError::Reversed)
    );
    assert_eq!(
        Period::new(d("2000-01-01"), d("2015-01-01")),
        Err(PeriodError::TooLong)
    );
    assert_eq!(
        Period::new(d("1800-01-01"), d("1800-02-01")),
        Err(PeriodError::OutOfRange)
    );
    assert_eq!(Period::calendar_year(2025).unwrap().months().len(), 12);
}

#[test]
fn the_language_is_judged_from_the_text() {
    assert_eq!(TextLanguage::of("Үйірмеге жазылу"), TextLanguage::Kazakh);
    assert_eq!(
        TextLanguage::of("Прошу сообщить расписание"),
        TextLanguage::Russian
    );
    assert_eq!(
        TextLanguage::of("Please tell me the timetable"),
        TextLanguage::Other
    );
}

/// An extension decided after the deadline had run out does not make the appeal in term
/// (issue 11: art. 76 ч.3 extends a running term, not an expired one).
#[test]
fn an_extension_decided_after_the_deadline_keeps_the_appeal_overdue() {
    let mut late = ended(
        filed("2025-06-02", "2025-06-23"),
        "2025-07-10",
        End::Answered(Outcome::Explained),
    );
    late.extensions = vec![ExtensionFacts {
        decided_on: d("2025-06-30"),
        previous_due: d("2025-06-23"),
        new_due: d("2025-07-15"),
    }];
    assert_eq!(late.due_on(d("2025-07-10")), d("2025-06-23"));
    let mut in_time = late.clone();
    in_time.extensions[0].decided_on = d("2025-06-20");
    assert_eq!(in_time.due_on(d("2025-07-10")), d("2025-07-15"));
}

/// Passing a complaint up counts from receipt (art. 91 ч.4): received on Saturday 31 May
/// 2025, registered Monday 2 June, passed up Thursday 5 June is late (Wednesday was the last
/// day), though within 3 working days of registration.
#[test]
fn passing_up_in_term_counts_from_receipt() {
    let mut b = filed("2025-06-02", "2025-06-30");
    b.kind = AppealKind::Complaint;
    b.received_on = d("2025-05-31");
    b.sent_up_on = Some(d("2025-06-05"));
    let calendar = Calendar::builtin();
    let scope = Scope {
        period: Period::calendar_year(2025).unwrap(),
        today: d("2026-02-02"),
        calendar: &calendar,
        units: &[],
    };
    let on_time = |f: &Figures| pair(f, "complaints", "report.row.within_3_days").0;
    assert_eq!(on_time(&aggregate(&scope, [b.clone()])), 0.0);
    b.sent_up_on = Some(d("2025-06-04"));
    assert_eq!(on_time(&aggregate(&scope, [b])), 1.0);
}
