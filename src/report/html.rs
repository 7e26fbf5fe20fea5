//! The report as HTML: a fragment for the desk's reports page and a standalone document (the
//! command line's `--format html`) with the print stylesheet for A4 inside.

use maud::{DOCTYPE, Markup, html};

use super::charts::{charts, svg};
use super::narrative::{paragraphs, title_block};
use super::text::{Words, machine_cell};
use crate::domain::report::{Report, Table};
use crate::i18n::Tr;

/// The report stylesheet, also served to the desk's reports page.
pub const STYLESHEET: &str = include_str!("../../assets/report.css");

/// One table; numeric cells carry their machine value in `data-value`.
pub fn table(w: &Words, table: &Table) -> Markup {
    html! {
        section.report-table id=(format!("t-{}", table.id)) {
            table {
                caption { (w.t(table.title_key)) }
                thead {
                    tr {
                        th scope="col" { (w.t("report.indicator")) }
                        @for column in &table.columns { th scope="col" { (w.column(*column)) } }
                    }
                }
                tbody {
                    @for (r, row) in table.rows.iter().enumerate() {
                        tr.part[row.level > 0] {
                            th scope="row" { (w.label(row.label)) }
                            @for c in 0..table.columns.len() {
                                td data-value=(machine_cell(table, r, c)) { (w.cell(table, r, c)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The report's body: title block, narrative, charts, tables, signature line.
pub fn fragment(report: &Report, tr: Tr<'_>) -> Markup {
    let w = Words::new(report, tr);
    let title = title_block(&w);
    html! {
        article.report lang=(tr.lang.code()) {
            div.title-block {
                @for (i, line) in title.iter().enumerate() {
                    @if i == 0 { p.report-name { (line) } } @else { p { (line) } }
                }
            }
            div.narrative {
                @for paragraph in paragraphs(&w) { p { (paragraph) } }
            }
            h2 { (w.t("report.charts")) }
            @for chart in charts(&w) { (svg(&chart)) }
            h2 { (w.t("report.figures")) }
            @for t in &report.figures.tables { (table(&w, t)) }
            p.signature {
                (tr.fmt("report.signature", &[("name", &report.institution.director_name)]))
            }
        }
    }
}

/// A standalone HTML document.
pub fn document(report: &Report, tr: Tr<'_>) -> String {
    let w = Words::new(report, tr);
    html! {
        (DOCTYPE)
        html lang=(tr.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (w.t("report.title")) " " (w.period_short(report.figures.period)) }
                style { (STYLESHEET) }
            }
            body { main { (fragment(report, tr)) } }
        }
    }
    .into_string()
}
