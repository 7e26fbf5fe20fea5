//! How figures read: labels in the report's language, numbers for people (decimal comma in
//! Kazakh and Russian, signs on differences) and for machines (CSV), dates.

use jiff::civil::Date;

use crate::domain::lang::Lang;
use crate::domain::report::{Column, Format, Label, Period, Report, Table};
use crate::i18n::Tr;

/// Translation keys of the months, January first.
pub const MONTH_KEYS: [&str; 12] = [
    "report.month.jan",
    "report.month.feb",
    "report.month.mar",
    "report.month.apr",
    "report.month.may",
    "report.month.jun",
    "report.month.jul",
    "report.month.aug",
    "report.month.sep",
    "report.month.oct",
    "report.month.nov",
    "report.month.dec",
];

/// A day as people write it here: `dd.mm.yyyy`.
pub fn date(day: Date) -> String {
    day.strftime("%d.%m.%Y").to_string()
}

/// The report's texts in one language.
#[derive(Clone, Copy)]
pub struct Words<'a> {
    /// The translator.
    pub tr: Tr<'a>,
    /// The report whose names are looked up.
    pub report: &'a Report,
}

impl<'a> Words<'a> {
    /// Texts for a report.
    pub fn new(report: &'a Report, tr: Tr<'a>) -> Self {
        Self { tr, report }
    }

    /// A text by key.
    pub fn t(&self, key: &'a str) -> &'a str {
        self.tr.t(key)
    }

    /// A row label.
    pub fn label(&self, label: Label) -> String {
        let lang = self.tr.lang;
        match label {
            Label::Key(key) => self.tr.t(key).to_owned(),
            Label::Unit(id) => self
                .report
                .units
                .get(&id)
                .map_or_else(|| format!("#{}", id.0), |n| n.get(lang).to_owned()),
            Label::Category(id) => self
                .report
                .categories
                .get(&id)
                .map_or_else(|| format!("#{}", id.0), |n| n.get(lang).to_owned()),
            Label::Executor(id) => self
                .report
                .executors
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("#{}", id.0)),
        }
    }

    /// A period as "dd.mm.yyyy – dd.mm.yyyy".
    pub fn period_short(&self, period: Period) -> String {
        self.tr.fmt(
            "report.period_short",
            &[("from", &date(period.from)), ("to", &date(period.to))],
        )
    }

    /// A column header: the periods' dates for the compared columns.
    pub fn column(&self, column: Column) -> String {
        match column {
            Column::Current => self.period_short(self.report.figures.period),
            Column::Previous => self.period_short(self.report.figures.previous),
            other => self.t(other.key()).to_owned(),
        }
    }

    /// A number for people.
    pub fn number(&self, value: Option<f64>, format: Format, signed: bool) -> String {
        let Some(value) = value else {
            return self.t("report.none").to_owned();
        };
        let sign = if signed && value > 0.0 { "+" } else { "" };
        let body = match format {
            Format::Count => format!("{value:.0}"),
            Format::Days => format!("{value:.1}"),
            Format::Share => format!("{:.1} %", value * 100.0),
        };
        let body = if self.tr.lang == Lang::En {
            body
        } else {
            body.replace('.', ",")
        };
        format!("{sign}{body}")
    }

    /// The cell at (`row`, `column`) for people.
    pub fn cell(&self, table: &Table, row: usize, column: usize) -> String {
        let signed = matches!(
            table.columns.get(column),
            Some(Column::Difference { .. } | Column::Change { .. })
        );
        let value = table.rows.get(row).and_then(|r| r.cell(column));
        self.number(value, table.format(row, column), signed)
    }
}

/// The cell at (`row`, `column`) for machines: `.` decimals, shares in percent, empty for none.
pub fn machine_cell(table: &Table, row: usize, column: usize) -> String {
    let Some(value) = table.rows.get(row).and_then(|r| r.cell(column)) else {
        return String::new();
    };
    match table.format(row, column) {
        Format::Count => format!("{value:.0}"),
        Format::Days => format!("{value:.1}"),
        Format::Share => format!("{:.1}", value * 100.0),
    }
}
