//! The staff registry: filters, the table of appeals, the next-page link.

use jiff::civil::Date;
use maud::{Markup, html};

use super::components::{date, status};
use super::layout::{Chrome, page};
use crate::domain::appeal::{Appeal, AppealId};
use crate::domain::kind::{AppealKind, Status};
use crate::domain::queue::QueueCounts;
use crate::web::forms::{Form, encode};
use crate::web::paths;

/// The registry page's model.
#[derive(Debug, Clone)]
pub struct RegistryPage<'a> {
    /// Current filter values.
    pub query: &'a Form,
    /// The rows.
    pub appeals: &'a [Appeal],
    /// Cursor of the next page.
    pub next: Option<AppealId>,
    /// Units as (id, name).
    pub units: Vec<(String, String)>,
    /// Executors as (id, name).
    pub executors: Vec<(String, String)>,
    /// Today.
    pub today: Date,
    /// The date "due within 3 working days" ends.
    pub soon_until: Date,
    /// The viewer's user id (for "my tasks").
    pub me: u64,
    /// Work-queue counts.
    pub counts: QueueCounts,
    /// Complaints not yet passed up: the day each must go to the higher body (art. 91 ч.4).
    pub pass_up: Vec<(AppealId, Date)>,
}

/// The work queues as links with their counts (e-Otinish's registries, domain.md §4.5).
fn queues(c: &Chrome, p: &RegistryPage) -> Markup {
    let me = format!("{}?executor={}&open=1", paths::REGISTRY, p.me);
    let n = &p.counts;
    let links: [(String, &'static str, Option<u64>); 8] = [
        (
            format!("{}?status=registered", paths::REGISTRY),
            "queue.routing",
            Some(n.awaiting_routing),
        ),
        (me, "queue.mine", Some(n.mine)),
        (
            format!("{}?due=soon", paths::REGISTRY),
            "queue.soon",
            Some(n.due_soon),
        ),
        (
            format!("{}?due=overdue", paths::REGISTRY),
            "queue.overdue",
            Some(n.overdue),
        ),
        (
            format!("{}?status=on-signature", paths::REGISTRY),
            "queue.signature",
            Some(n.awaiting_signature),
        ),
        (
            format!("{}?status=withdrawn", paths::REGISTRY),
            "queue.withdrawn",
            None,
        ),
        (
            format!("{}?status=closed", paths::REGISTRY),
            "queue.finished",
            None,
        ),
        (paths::REGISTRY.to_owned(), "queue.all", None),
    ];
    html! {
        nav.queues aria-label=(c.t("queue.label")) {
            ul {
                @for (href, key, count) in &links {
                    li {
                        a href=(href) { (c.t(key)) @if let Some(count) = count { " " span.count { (count) @if *count >= 1000 { "+" } } } }
                    }
                }
            }
        }
    }
}

fn filter_select(
    c: &Chrome,
    name: &str,
    label: &'static str,
    options: &[(String, String)],
    selected: &str,
) -> Markup {
    html! {
        div.field {
            label for=(format!("q-{name}")) { (c.t(label)) }
            select id=(format!("q-{name}")) name=(name) {
                option value="" { (c.t("registry.all")) }
                @for (value, text) in options { option value=(value) selected[value == selected] { (text) } }
            }
        }
    }
}

/// The columns' names, looked up once per page rather than once per cell (each row repeats them
/// as `data-label` for the phone layout: 450 catalogue lookups on a full page). See: issue 12.
struct ColumnLabels<'a> {
    number: &'a str,
    registered_on: &'a str,
    kind: &'a str,
    applicant: &'a str,
    subject: &'a str,
    unit: &'a str,
    executor: &'a str,
    status: &'a str,
    due: &'a str,
}

impl<'a> ColumnLabels<'a> {
    fn of(c: &'a Chrome) -> Self {
        Self {
            number: c.t("appeal.number"),
            registered_on: c.t("appeal.registered_on"),
            kind: c.t("appeal.kind"),
            applicant: c.t("appeal.applicant"),
            subject: c.t("appeal.subject"),
            unit: c.t("appeal.unit"),
            executor: c.t("appeal.executor"),
            status: c.t("appeal.status"),
            due: c.t("appeal.due"),
        }
    }
}

/// The name of the appeal's unit ("" for a unit no longer listed), without formatting its id
/// once per listed unit.
fn unit_name<'a>(p: &'a RegistryPage, a: &Appeal) -> &'a str {
    p.units
        .iter()
        .find(|(id, _)| id.parse::<u32>() == Ok(a.unit.0))
        .map_or("", |(_, name)| name.as_str())
}

/// The registry.
pub fn registry(c: &Chrome, p: &RegistryPage) -> Markup {
    let q = p.query;
    let statuses: Vec<(String, String)> = Status::ALL
        .iter()
        .map(|s| (s.code().to_owned(), c.t(s.label_key()).to_owned()))
        .collect();
    let kinds: Vec<(String, String)> = AppealKind::ALL
        .iter()
        .map(|k| (k.code().to_owned(), c.t(k.label_key()).to_owned()))
        .collect();
    let dues = vec![
        ("overdue".to_owned(), c.t("registry.overdue").to_owned()),
        ("soon".to_owned(), c.t("registry.soon").to_owned()),
    ];
    let next_link = p.next.map(|next| {
        let mut query: Vec<String> = ["status", "kind", "due", "unit", "executor", "q", "open"]
            .iter()
            .filter(|k| !q.get(k).is_empty())
            .map(|k| format!("{k}={}", encode(q.get(k))))
            .collect();
        query.push(format!("before={}", next.0));
        format!("{}?{}", paths::REGISTRY, query.join("&"))
    });
    let labels = ColumnLabels::of(c);
    page(
        c,
        c.t("registry.title"),
        html! {
            h1 { (c.t("registry.title")) }
            (queues(c, p))
            form.filters method="get" action=(paths::REGISTRY) role="search" {
                div.field {
                    label for="q-q" { (c.t("registry.search")) }
                    input id="q-q" name="q" type="search" value=(q.get("q")) placeholder="ЖТ-2026-00000001";
                }
                (filter_select(c, "status", "appeal.status", &statuses, q.get("status")))
                (filter_select(c, "kind", "appeal.kind", &kinds, q.get("kind")))
                (filter_select(c, "due", "appeal.due", &dues, q.get("due")))
                (filter_select(c, "unit", "appeal.unit", &p.units, q.get("unit")))
                (filter_select(c, "executor", "appeal.executor", &p.executors, q.get("executor")))
                button type="submit" { (c.t("registry.apply")) }
            }
            (super::reports::export_links(c, q))
            @if p.appeals.is_empty() {
                p.muted { (c.t("registry.empty")) }
            } @else {
                div.table-wrap {
                    // Fits 1366 px with status and deadline in view; on phones each row is a
                    // card whose cells `data-label` names.
                    table.list.registry.cards {
                        caption.visually-hidden { (c.t("registry.title")) }
                        thead { tr {
                            th scope="col" { (c.t("appeal.number")) }
                            th scope="col" { (c.t("appeal.registered_on")) }
                            th scope="col" { (c.t("appeal.kind")) }
                            th scope="col" { (c.t("appeal.applicant")) }
                            th scope="col" { (c.t("appeal.subject")) }
                            th scope="col" { (c.t("appeal.unit")) }
                            th scope="col" { (c.t("appeal.executor")) }
                            th.status-cell scope="col" { (c.t("appeal.status")) }
                            th.due-cell scope="col" { (c.t("appeal.due")) }
                        } }
                        tbody {
                            @for a in p.appeals {
                                @let overdue = a.is_overdue(p.today);
                                @let soon = !overdue && !a.status.is_terminal() && a.due <= p.soon_until;
                                tr.overdue[overdue] {
                                    td.number data-label=(labels.number) { a href=(paths::appeal(a.id)) { (a.number) } }
                                    td data-label=(labels.registered_on) { (date(a.registered_on)) }
                                    td data-label=(labels.kind) { (c.t(a.kind.label_key())) }
                                    td data-label=(labels.applicant) { (a.applicant.name) }
                                    td.subject data-label=(labels.subject) { (a.subject) }
                                    td data-label=(labels.unit) { (unit_name(p, a)) }
                                    td data-label=(labels.executor) { @if let Some(e) = &a.executor { (e.name) } @else { "—" } }
                                    td.status-cell data-label=(labels.status) { (status(c, a.status)) }
                                    td.due-cell data-label=(labels.due) {
                                        (date(a.due))
                                        @if overdue { " " span.tag.overdue { (c.t("appeal.overdue")) } }
                                        @if soon { " " span.tag.soon { (c.t("registry.soon_tag")) } }
                                        @if let Some((_, day)) = p.pass_up.iter().find(|(id, _)| *id == a.id) { (super::procedure::pass_up_cell(c, *day, p.today)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(href) = next_link {
                nav.pager aria-label=(c.t("registry.pages")) { a href=(href) { (c.t("registry.next")) } }
            }
        },
    )
}
