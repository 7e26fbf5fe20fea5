//! The nine tables of the report, laid out from the counts of both periods.

use super::draft::{Draft, compare_columns, count, performance_columns, share, share_columns};
use super::tally::{Performance, Side, average};
use super::{Format, Label, MonthCount, Period, Table};
use crate::domain::appeal::UnitId;
use crate::domain::kind::{AppealKind, Channel, Outcome};
use crate::domain::user::UserId;

fn intake(now: &Side, then: &Side) -> Table {
    let mut t = Draft::new("intake", compare_columns());
    let carried = t.key(
        "report.row.carried_over",
        0,
        now.carried_over,
        then.carried_over,
    );
    let received = t.key("report.row.received", 0, now.received, then.received);
    let individuals = t.key(
        "report.row.individuals",
        1,
        now.applicants[0],
        then.applicants[0],
    );
    let legal = t.key("report.row.legal", 1, now.applicants[1], then.applicants[1]);
    t.parts(received, [individuals, legal]);
    t.key("report.row.collective", 1, now.collective, then.collective);
    for (i, channel) in Channel::ALL.iter().enumerate() {
        t.key(channel.label_key(), 1, now.channels[i], then.channels[i]);
    }
    for (i, key) in [
        "report.row.lang_kk",
        "report.row.lang_ru",
        "report.row.lang_other",
    ]
    .into_iter()
    .enumerate()
    {
        t.key(key, 1, now.languages[i], then.languages[i]);
    }
    let on_hand = t.key(
        "report.row.on_hand",
        0,
        now.carried_over + now.received,
        then.carried_over + then.received,
    );
    t.parts(on_hand, [carried, received]);
    t.finish("report.table.intake")
}

fn kinds(now: &Side, then: &Side) -> Table {
    let mut t = Draft::new("kinds", compare_columns());
    let total = t.key("report.row.received", 0, now.received, then.received);
    let rows: Vec<usize> = AppealKind::ALL
        .iter()
        .enumerate()
        .map(|(i, kind)| t.key(kind.label_key(), 1, now.kinds[i], then.kinds[i]))
        .collect();
    t.parts(total, rows);
    t.key("report.row.repeated", 1, now.repeated, then.repeated);
    t.key("report.row.collective", 1, now.collective, then.collective);
    t.finish("report.table.kinds")
}

fn results(now: &Side, then: &Side) -> Table {
    let mut t = Draft::new("results", share_columns());
    let finished = t.key("report.row.finished", 0, now.finished(), then.finished());
    let mut parts = Vec::new();
    for (i, outcome) in Outcome::ALL.iter().enumerate() {
        if now.outcomes[i] + then.outcomes[i] > 0 {
            parts.push(t.key(outcome.label_key(), 1, now.outcomes[i], then.outcomes[i]));
        }
    }
    parts.push(t.key(
        "report.row.forwarded",
        1,
        now.forwarded_full,
        then.forwarded_full,
    ));
    parts.push(t.key("report.row.returned", 1, now.returned, then.returned));
    parts.push(t.key("report.row.withdrawn", 1, now.withdrawn, then.withdrawn));
    parts.push(t.key("report.row.terminated", 1, now.terminated, then.terminated));
    for row in parts.iter().copied().chain([finished]) {
        t.rows[row].share_of = Some(finished);
    }
    t.parts(finished, parts);
    let open = t.key(
        "report.row.open_at_end",
        0,
        now.open_at_end(),
        then.open_at_end(),
    );
    let open_parts = [
        t.key(
            "report.row.open_in_term",
            1,
            now.open_in_term,
            then.open_in_term,
        ),
        t.key(
            "report.row.open_overdue",
            1,
            now.open_overdue,
            then.open_overdue,
        ),
        t.key(
            "report.row.with_higher_body",
            1,
            now.with_higher_body,
            then.with_higher_body,
        ),
    ];
    t.parts(open, open_parts);
    t.finish("report.table.results")
}

fn timeliness(now: &Side, then: &Side) -> Table {
    let mut t = Draft::new("timeliness", compare_columns());
    let finished = t.key(
        "report.row.finished",
        0,
        now.in_term + now.late,
        then.in_term + then.late,
    );
    let in_term = t.key("report.row.in_term", 1, now.in_term, then.in_term);
    let late = t.key("report.row.late", 1, now.late, then.late);
    t.parts(finished, [in_term, late]);
    t.row(
        Label::Key("report.row.share_in_term"),
        1,
        Format::Share,
        &[
            share(now.in_term, now.in_term + now.late),
            share(then.in_term, then.in_term + then.late),
        ],
    );
    t.key(
        "report.row.open_overdue",
        0,
        now.open_overdue,
        then.open_overdue,
    );
    t.key(
        "report.row.extensions",
        0,
        now.extension_decisions,
        then.extension_decisions,
    );
    t.key(
        "report.row.extended_appeals",
        1,
        now.extended_appeals,
        then.extended_appeals,
    );
    t.row(
        Label::Key("report.row.extension_days"),
        1,
        Format::Days,
        &[
            average(now.extension_days, now.extension_decisions),
            average(then.extension_days, then.extension_decisions),
        ],
    );
    t.row(
        Label::Key("report.row.average_days"),
        0,
        Format::Days,
        &[now.average_days(), then.average_days()],
    );
    for (i, kind) in AppealKind::ALL.iter().enumerate() {
        let (a, b) = (now.days_by_kind[i], then.days_by_kind[i]);
        if a.1 + b.1 > 0 {
            t.row(
                Label::Key(kind.label_key()),
                1,
                Format::Days,
                &[average(a.0, a.1), average(b.0, b.1)],
            );
        }
    }
    t.row(
        Label::Key("report.row.median_days"),
        0,
        Format::Days,
        &[now.median_days(), then.median_days()],
    );
    let forwarded = t.key("report.row.forwardings", 0, now.forwarded, then.forwarded);
    let in_time = t.key(
        "report.row.within_3_days",
        1,
        now.forwarded_in_time,
        then.forwarded_in_time,
    );
    let later = t.key(
        "report.row.later",
        1,
        now.forwarded - now.forwarded_in_time,
        then.forwarded - then.forwarded_in_time,
    );
    t.parts(forwarded, [in_time, later]);
    t.finish("report.table.timeliness")
}

fn complaints(now: &Side, then: &Side) -> Table {
    let mut t = Draft::new("complaints", compare_columns());
    t.key("report.row.complaints", 0, now.complaints, then.complaints);
    t.key(
        "report.row.about_our_answers",
        1,
        now.complaints_about_us,
        then.complaints_about_us,
    );
    let sent = t.key("report.row.sent_up", 0, now.sent_up, then.sent_up);
    let sent_parts = [
        t.key(
            "report.row.within_3_days",
            1,
            now.sent_up_in_time,
            then.sent_up_in_time,
        ),
        t.key(
            "report.row.later",
            1,
            now.sent_up - now.sent_up_in_time,
            then.sent_up - then.sent_up_in_time,
        ),
    ];
    t.parts(sent, sent_parts);
    let slot = |o: Outcome| usize::from(o.index());
    let remedied = slot(Outcome::SelfRemedied);
    t.key(
        Outcome::SelfRemedied.label_key(),
        0,
        now.outcomes[remedied],
        then.outcomes[remedied],
    );
    let higher = [
        Outcome::ActCancelled,
        Outcome::ActReplaced,
        Outcome::ActionOrdered,
        Outcome::ComplaintRejected,
        Outcome::SentBack,
        Outcome::NotConsidered,
    ];
    let sum = |side: &Side| higher.iter().map(|o| side.outcomes[slot(*o)]).sum();
    let decided = t.key("report.row.decided_above", 0, sum(now), sum(then));
    let rows: Vec<usize> = higher
        .iter()
        .map(|o| {
            t.key(
                o.label_key(),
                1,
                now.outcomes[slot(*o)],
                then.outcomes[slot(*o)],
            )
        })
        .collect();
    t.parts(decided, rows);
    t.key(
        "report.row.awaiting_above",
        0,
        now.with_higher_body,
        then.with_higher_body,
    );
    t.finish("report.table.complaints")
}

fn categories(now: &Side, then: &Side) -> Table {
    const TOP: usize = 10;
    let mut t = Draft::new("categories", share_columns());
    let mut ids: Vec<_> = now
        .categories
        .keys()
        .chain(then.categories.keys())
        .copied()
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let get = |side: &Side, id| side.categories.get(&id).copied().unwrap_or(0);
    ids.sort_by(|a, b| {
        get(now, *b)
            .cmp(&get(now, *a))
            .then(get(then, *b).cmp(&get(then, *a)))
            .then(a.cmp(b))
    });
    let mut rows = Vec::new();
    for id in ids.iter().take(TOP) {
        rows.push(t.counts(Label::Category(*id), 1, get(now, *id), get(then, *id)));
    }
    if ids.len() > TOP {
        let rest = |side: &Side| ids[TOP..].iter().map(|id| get(side, *id)).sum();
        rows.push(t.key("report.row.other_categories", 1, rest(now), rest(then)));
    }
    let total = t.key("report.row.received", 0, now.received, then.received);
    for row in rows.iter().copied().chain([total]) {
        t.rows[row].share_of = Some(total);
    }
    t.parts(total, rows);
    t.finish("report.table.categories")
}

fn performance_row(
    t: &mut Draft,
    label: Label,
    level: u8,
    now: Performance,
    then: Performance,
) -> usize {
    t.row(
        label,
        level,
        Format::Count,
        &[
            count(now.received),
            count(then.received),
            count(now.finished),
            count(now.in_term),
            count(now.overdue),
            now.average_days(),
        ],
    )
}

fn sum_performance<'a>(all: impl Iterator<Item = &'a Performance>) -> Performance {
    all.fold(Performance::default(), |mut acc, p| {
        acc.received += p.received;
        acc.finished += p.finished;
        acc.in_term += p.in_term;
        acc.overdue += p.overdue;
        acc.days_sum += p.days_sum;
        acc.days_n += p.days_n;
        acc
    })
}

fn units(now: &Side, then: &Side, known: &[UnitId]) -> Table {
    let mut t = Draft::new("units", performance_columns());
    let mut ids: Vec<UnitId> = known.to_vec();
    for id in now.units.keys().chain(then.units.keys()) {
        if !ids.contains(id) {
            ids.push(*id);
        }
    }
    let get = |side: &Side, id| side.units.get(&id).copied().unwrap_or_default();
    let rows: Vec<usize> = ids
        .iter()
        .map(|id| performance_row(&mut t, Label::Unit(*id), 1, get(now, *id), get(then, *id)))
        .collect();
    let total = performance_row(
        &mut t,
        Label::Key("report.row.total"),
        0,
        sum_performance(now.units.values()),
        sum_performance(then.units.values()),
    );
    t.parts(total, rows);
    t.finish("report.table.units")
}

fn executors(now: &Side, then: &Side) -> Table {
    let mut t = Draft::new("executors", performance_columns());
    let mut ids: Vec<UserId> = now
        .executors
        .keys()
        .chain(then.executors.keys())
        .filter_map(|id| *id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let get = |side: &Side, id| side.executors.get(&id).copied().unwrap_or_default();
    ids.sort_by(|a, b| {
        get(now, Some(*b))
            .received
            .cmp(&get(now, Some(*a)).received)
            .then(a.cmp(b))
    });
    let mut rows = Vec::new();
    for id in &ids {
        let label = Label::Executor(*id);
        rows.push(performance_row(
            &mut t,
            label,
            1,
            get(now, Some(*id)),
            get(then, Some(*id)),
        ));
    }
    rows.push(performance_row(
        &mut t,
        Label::Key("report.row.unassigned"),
        1,
        get(now, None),
        get(then, None),
    ));
    let total = performance_row(
        &mut t,
        Label::Key("report.row.total"),
        0,
        sum_performance(now.executors.values()),
        sum_performance(then.executors.values()),
    );
    t.parts(total, rows);
    t.finish("report.table.executors")
}

fn ratings(now: &Side, then: &Side) -> Table {
    let mut t = Draft::new("ratings", compare_columns());
    let rated = t.key(
        "report.row.rated",
        0,
        now.ratings.iter().sum(),
        then.ratings.iter().sum(),
    );
    let rows = [
        t.key(
            "report.row.rating_positive",
            1,
            now.ratings[0],
            then.ratings[0],
        ),
        t.key(
            "report.row.rating_neutral",
            1,
            now.ratings[1],
            then.ratings[1],
        ),
        t.key(
            "report.row.rating_negative",
            1,
            now.ratings[2],
            then.ratings[2],
        ),
    ];
    t.parts(rated, rows);
    let good = |side: &Side| share(side.ratings[0] + side.ratings[1], side.ratings.iter().sum());
    t.row(
        Label::Key("report.row.positive_or_neutral"),
        0,
        Format::Share,
        &[good(now), good(then)],
    );
    t.finish("report.table.ratings")
}

/// All nine tables, in [`super::TABLE_IDS`] order.
pub(super) fn build(now: &Side, then: &Side, known_units: &[UnitId]) -> Vec<Table> {
    vec![
        intake(now, then),
        kinds(now, then),
        results(now, then),
        timeliness(now, then),
        complaints(now, then),
        categories(now, then),
        units(now, then, known_units),
        executors(now, then),
        ratings(now, then),
    ]
}

/// Received per month of the period, beside the same month a year earlier.
pub(super) fn months(period: Period, now: &Side, then: &Side) -> Vec<MonthCount> {
    period
        .months()
        .into_iter()
        .map(|(year, month)| MonthCount {
            year,
            month,
            current: now.months.get(&(year, month)).copied().unwrap_or(0),
            previous: then.months.get(&(year, month)).copied().unwrap_or(0),
        })
        .collect()
}
