//! The reports page (period, language, the report itself with its downloads) and the
//! registry's export links.

use maud::{Markup, html};

use super::layout::{Chrome, page};
use crate::domain::lang::Lang;
use crate::domain::report::{Report, TABLE_IDS};
use crate::i18n::Tr;
use crate::report::Format;
use crate::web::forms::{Form, encode};
use crate::web::paths;

/// The reports page's model.
pub struct ReportsPage<'a> {
    /// The first day as typed (or the default).
    pub from: String,
    /// The last day as typed (or the default).
    pub to: String,
    /// The report's language.
    pub lang: Lang,
    /// Why the period was refused (a translation key).
    pub error: Option<&'static str>,
    /// The report, when the period was valid.
    pub report: Option<&'a Report>,
    /// Texts in the report's language.
    pub report_tr: Tr<'a>,
}

fn query(p: &ReportsPage, format: &str, table: Option<&str>) -> String {
    let mut q = format!(
        "{}?format={format}&from={}&to={}&lang={}",
        paths::REPORTS_DOWNLOAD,
        encode(&p.from),
        encode(&p.to),
        p.lang.code()
    );
    if let Some(table) = table {
        q.push_str("&table=");
        q.push_str(table);
    }
    q
}

fn downloads(c: &Chrome, p: &ReportsPage) -> Markup {
    html! {
        nav.report-downloads aria-label=(c.t("report.page.download")) {
            h2 { (c.t("report.page.download")) }
            ul {
                @for format in [Format::Pdf, Format::Docx, Format::Xlsx] {
                    li { a href=(query(p, format.code(), None)) download { (format.code().to_uppercase()) } }
                }
                li { a href=(query(p, "csv", None)) download { (c.t("report.page.all_tables")) } }
            }
            form method="get" action=(paths::REPORTS_DOWNLOAD) {
                input type="hidden" name="format" value="csv";
                input type="hidden" name="from" value=(p.from);
                input type="hidden" name="to" value=(p.to);
                input type="hidden" name="lang" value=(p.lang.code());
                label for="r-table" { (c.t("report.page.csv_table")) }
                " "
                select id="r-table" name="table" {
                    @for id in TABLE_IDS {
                        option value=(id) { (p.report_tr.t(table_title(id))) }
                    }
                }
                " "
                button type="submit" { (c.t("report.page.download")) }
            }
            p.muted { (c.t("report.page.print")) }
        }
    }
}

/// The title key of a table id.
fn table_title(id: &str) -> &'static str {
    match id {
        "intake" => "report.table.intake",
        "kinds" => "report.table.kinds",
        "results" => "report.table.results",
        "timeliness" => "report.table.timeliness",
        "complaints" => "report.table.complaints",
        "categories" => "report.table.categories",
        "units" => "report.table.units",
        "executors" => "report.table.executors",
        _ => "report.table.ratings",
    }
}

/// The reports page.
pub fn reports(c: &Chrome, p: &ReportsPage) -> Markup {
    page(
        c,
        c.t("report.page.title"),
        html! {
            link rel="stylesheet" href=(paths::REPORTS_STYLE);
            h1 { (c.t("report.page.title")) }
            p.muted { (c.t("report.page.intro")) }
            form.report-form method="get" action=(paths::REPORTS) {
                div.field {
                    label for="r-from" { (c.t("report.page.from")) }
                    input id="r-from" name="from" type="date" value=(p.from) required
                        aria-invalid=[p.error.map(|_| "true")]
                        aria-describedby=[p.error.map(|_| "r-error")];
                }
                div.field {
                    label for="r-to" { (c.t("report.page.to")) }
                    input id="r-to" name="to" type="date" value=(p.to) required;
                }
                div.field {
                    label for="r-lang" { (c.t("report.page.lang")) }
                    select id="r-lang" name="lang" {
                        @for lang in Lang::ALL {
                            option value=(lang.code()) selected[lang == p.lang] lang=(lang.code()) { (lang.native_name()) }
                        }
                    }
                }
                button type="submit" { (c.t("report.page.show")) }
            }
            @if let Some(error) = p.error {
                p.error #r-error role="alert" { (c.t(error)) }
            }
            @if let Some(report) = p.report {
                (downloads(c, p))
                (crate::report::html::fragment(report, p.report_tr))
            }
        },
    )
}

/// The registry's export links, carrying its current filters.
pub fn export_links(c: &Chrome, q: &Form) -> Markup {
    let filters: Vec<String> = ["status", "kind", "due", "unit", "executor", "q", "open"]
        .iter()
        .filter(|k| !q.get(k).is_empty())
        .map(|k| format!("&{k}={}", encode(q.get(k))))
        .collect();
    let link = |format: &str| {
        format!(
            "{}?format={format}{}",
            paths::REGISTRY_EXPORT,
            filters.concat()
        )
    };
    html! {
        p.registry-export {
            (c.t("report.export.label")) ": "
            a href=(link("xlsx")) download { (c.t("report.export.xlsx")) }
            " · "
            a href=(link("csv")) download { (c.t("report.export.csv")) }
        }
    }
}
