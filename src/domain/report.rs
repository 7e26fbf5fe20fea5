//! The report on appeals (domain.md §7.3): one aggregation over a period and the same period a
//! year earlier, returning plain figures that every format (HTML, PDF, DOCX, XLSX, CSV) only
//! renders.
//!
//! [`aggregate`] is the only place a figure is computed. It takes one [`Facts`] per appeal (what
//! an appeal's snapshot and history say, reduced to days and codes), the [`Period`] and the
//! working-day calendar, and returns [`Figures`]: tables whose rows already hold every value,
//! differences and percentages included, plus the monthly series and a summary for the
//! narrative. Labels stay language-neutral ([`Label`]); names are resolved when rendering.
//!
//! Counting rules, so that every table adds up:
//! - *received* in a period: registered on a day inside it (the first and last day count);
//! - *carried over*: registered in the year before the period and not finished when it began
//!   (appeals still open more than a year after registration are not looked for);
//! - *on hand* = carried over + received = finished in the period + in progress at its end;
//! - *finished* on the day the answer was signed, the forwarding letter sent, or the return,
//!   withdrawal or termination recorded; a complaint's term stops when it is passed up.

mod draft;
mod facts;
pub mod ledger;
mod listing;
mod period;
mod tables;
mod tally;
#[cfg(test)]
mod tests;
mod working_days;

pub use draft::AVERAGE_DAYS;
pub use facts::{End, ExtensionFacts, Facts, TextLanguage, finished_on};
pub use ledger::{Counter, Counts, PeriodCounts, aggregate_counted, contribution};
pub use listing::ListingRow;
pub use period::{Period, PeriodError};

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::appeal::{CategoryId, UnitId};
use super::calendar::Calendar;
use super::institution::Institution;
use super::lang::Names;
use super::user::{Roles, UserId};

/// How far before a period carried-over appeals are looked for.
pub const CARRY_OVER_LOOKBACK_DAYS: i32 = 366;

/// What a row is about; turned into text in the report's language when rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Label {
    /// A translation key (row names, appeal types, results, channels).
    Key(&'static str),
    /// A structural unit.
    Unit(UnitId),
    /// A category.
    Category(CategoryId),
    /// An executor.
    Executor(UserId),
}

/// How a row's values read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A whole number of appeals.
    Count,
    /// Working days, one decimal.
    Days,
    /// A share, 0.0–1.0, shown as a percentage with one decimal.
    Share,
}

/// What a column holds, and how a spreadsheet can recompute it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// A value counted for the period.
    Current,
    /// The same value for the same period a year earlier.
    Previous,
    /// A value for the period only (units and executors: finished, in term, …), by key.
    Extra(&'static str),
    /// `current − previous`, columns given by index.
    Difference {
        /// The minuend column.
        of: usize,
        /// The subtrahend column.
        base: usize,
    },
    /// `(current − previous) / previous`, as a share; empty when the base is 0.
    Change {
        /// The column that changed.
        of: usize,
        /// The base column.
        base: usize,
    },
    /// The row's value in column `of` as a share of its [`Row::share_of`] row.
    Share {
        /// The column.
        of: usize,
    },
}

impl Column {
    /// The translation key of the column header.
    pub fn key(self) -> &'static str {
        match self {
            Column::Current => "report.col.current",
            Column::Previous => "report.col.previous",
            Column::Extra(key) => key,
            Column::Difference { .. } => "report.col.difference",
            Column::Change { .. } => "report.col.change",
            Column::Share { .. } => "report.col.share",
        }
    }

    /// Whether the column is computed from others (a formula in a spreadsheet).
    pub fn is_derived(self) -> bool {
        matches!(
            self,
            Column::Difference { .. } | Column::Change { .. } | Column::Share { .. }
        )
    }
}

/// One row of a table: every cell already computed (`None` reads "—").
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// What the row counts.
    pub label: Label,
    /// Indentation: 0 for a main row, 1 for "of them".
    pub level: u8,
    /// How the values read.
    pub format: Format,
    /// One value per column.
    pub cells: Vec<Option<f64>>,
    /// Rows whose values add up to this row's (a total), by index.
    pub parts: Vec<usize>,
    /// The row that [`Column::Share`] divides by.
    pub share_of: Option<usize>,
}

impl Row {
    /// The value in a column.
    pub fn cell(&self, column: usize) -> Option<f64> {
        self.cells.get(column).copied().flatten()
    }
}

/// Stable table identifiers: CSV file names, spreadsheet sheets, HTML anchors.
pub const TABLE_IDS: [&str; 9] = [
    "intake",
    "kinds",
    "results",
    "timeliness",
    "complaints",
    "categories",
    "units",
    "executors",
    "ratings",
];

/// One table of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Stable identifier, one of [`TABLE_IDS`].
    pub id: &'static str,
    /// Translation key of the title.
    pub title_key: &'static str,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, in reading order.
    pub rows: Vec<Row>,
}

impl Table {
    /// The first row with this label, if any.
    pub fn row(&self, label: Label) -> Option<&Row> {
        self.rows.iter().find(|r| r.label == label)
    }

    /// The value of the row with this label in column `column`.
    pub fn value(&self, label: Label, column: usize) -> Option<f64> {
        self.row(label).and_then(|r| r.cell(column))
    }
}

/// Appeals received in one month of the period and in the same month a year earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthCount {
    /// Year of the period's month.
    pub year: i16,
    /// Month, 1–12.
    pub month: i8,
    /// Received that month (inside the period).
    pub current: u64,
    /// Received the same month a year earlier (inside the comparison period).
    pub previous: u64,
}

/// Headline figures for one period, for the narrative and the charts.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Totals {
    /// In progress when the period began.
    pub carried_over: u64,
    /// Registered in the period.
    pub received: u64,
    /// Finished in the period.
    pub finished: u64,
    /// Finished with an answer or decision (status closed).
    pub answered: u64,
    /// Finished within the term.
    pub in_term: u64,
    /// Finished after the term.
    pub late: u64,
    /// In progress at the end of the period.
    pub open_at_end: u64,
    /// Of them, past their term.
    pub open_overdue: u64,
    /// Forwarded to the competent body.
    pub forwarded: u64,
    /// Extension decisions taken.
    pub extensions: u64,
    /// Complaints about the institution's own answers.
    pub complaints_about_us: u64,
    /// Average working days to finish.
    pub average_days: Option<f64>,
    /// Median working days to finish.
    pub median_days: Option<f64>,
    /// Answers rated positive, neutral, negative.
    pub ratings: [u64; 3],
}

/// Everything [`aggregate`] computes.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// The period.
    pub period: Period,
    /// The same period a year earlier.
    pub previous: Period,
    /// The day the state of open appeals is read on: the period's last day, or today when the
    /// period has not ended.
    pub as_of: Date,
    /// Tables 1–9, in [`TABLE_IDS`] order.
    pub tables: Vec<Table>,
    /// Received per month.
    pub months: Vec<MonthCount>,
    /// Headline figures of the period.
    pub current: Totals,
    /// Headline figures of the period a year earlier.
    pub before: Totals,
    /// The most frequent category of the period, with its count.
    pub top_category: Option<(CategoryId, u64)>,
}

impl Figures {
    /// A table by id.
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }
}

/// What the aggregation needs besides the appeals.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// The period.
    pub period: Period,
    /// Today (open appeals are judged on `min(period end, today)`).
    pub today: Date,
    /// The working-day calendar.
    pub calendar: &'a Calendar,
    /// Units known to the institution, in display order (rows appear even when empty).
    pub units: &'a [UnitId],
}

/// Computes every figure of the report from the appeals registered between
/// `period.reading_from()` and the period's end (others are ignored).
pub fn aggregate(scope: &Scope, appeals: impl IntoIterator<Item = Facts>) -> Figures {
    let mut tally = tally::Tally::new(scope);
    for facts in appeals {
        tally.add(&facts);
    }
    tally.finish()
}

/// Rounds to one decimal, as every format shows days.
pub fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// Rounds a share to 0.1 %, as every format shows it.
pub fn round_share(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// A member of staff as the report names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    /// Full name.
    pub name: String,
    /// Roles.
    pub roles: Roles,
}

/// The report: the figures and what the formats print around them.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Every figure.
    pub figures: Figures,
    /// The institution's profile (names, director).
    pub institution: Institution,
    /// Active staff.
    pub staff: Vec<StaffMember>,
    /// The day the first appeal was registered in the desk.
    pub since: Option<Date>,
    /// The day the report was made.
    pub made_on: Date,
    /// Unit names.
    pub units: BTreeMap<UnitId, Names>,
    /// Category names.
    pub categories: BTreeMap<CategoryId, Names>,
    /// Executor names.
    pub executors: BTreeMap<UserId, String>,
}
