//! The report's formats: HTML (with SVG charts), PDF, DOCX, XLSX and CSV, and the registry
//! export (XLSX, CSV).
//!
//! Every figure comes from `domain::report::aggregate`; these modules only lay it out. They
//! know the domain and the interface texts (`i18n`), never the store or the service, so the web
//! door and the command line render the same bytes from the same [`Report`].

pub mod charts;
pub mod csv;
pub mod docx;
pub mod html;
pub mod listing;
pub mod narrative;
pub mod pdf;
mod pdf_layout;
pub mod text;
pub mod xlsx;

use crate::domain::report::Report;
use crate::i18n::Tr;

/// A format the report can be had in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A standalone HTML page with charts and a print stylesheet.
    Html,
    /// PDF, A4, `DejaVu Sans` embedded.
    Pdf,
    /// Word document.
    Docx,
    /// Spreadsheet, one sheet per table.
    Xlsx,
    /// CSV: all tables in a zip, or one table.
    Csv,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 5] = [
        Format::Html,
        Format::Pdf,
        Format::Docx,
        Format::Xlsx,
        Format::Csv,
    ];

    /// The code used in URLs and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    /// Parses a code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }

    /// The file extension of the whole report (`csv` without a table is a zip).
    pub fn extension(self, one_table: bool) -> &'static str {
        match (self, one_table) {
            (Format::Csv, false) => "zip",
            (other, _) => other.code(),
        }
    }

    /// The media type.
    pub fn content_type(self, one_table: bool) -> &'static str {
        match (self, one_table) {
            (Format::Html, _) => "text/html; charset=utf-8",
            (Format::Pdf, _) => "application/pdf",
            (Format::Docx, _) => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            (Format::Xlsx, _) => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            (Format::Csv, true) => "text/csv; charset=utf-8",
            (Format::Csv, false) => "application/zip",
        }
    }
}

/// Why a format could not be written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No table has this id.
    #[error("no table `{0}` in the report")]
    NoSuchTable(String),
    /// The writer of a format failed.
    #[error("writing {format}: {detail}")]
    Writer {
        /// Which format.
        format: &'static str,
        /// What the library said.
        detail: String,
    },
}

impl Error {
    pub(crate) fn writer(format: &'static str, detail: impl std::fmt::Display) -> Self {
        Error::Writer {
            format,
            detail: detail.to_string(),
        }
    }
}

/// The report in `format`; `table` picks one table for CSV.
pub fn render(
    report: &Report,
    format: Format,
    tr: Tr<'_>,
    table: Option<&str>,
) -> Result<Vec<u8>, Error> {
    match format {
        Format::Html => Ok(html::document(report, tr).into_bytes()),
        Format::Pdf => pdf::render(report, tr),
        Format::Docx => docx::render(report, tr),
        Format::Xlsx => xlsx::render(report, tr),
        Format::Csv => match table {
            Some(id) => csv::table(report, tr, id).map(String::into_bytes),
            None => csv::zip(report, tr),
        },
    }
}

/// A file name such as `otinish-report-2023-01-04-2023-12-29.pdf`.
pub fn file_name(report: &Report, format: Format, table: Option<&str>) -> String {
    let period = report.figures.period;
    let table = table.map(|t| format!("-{t}")).unwrap_or_default();
    format!(
        "otinish-report-{}-{}{table}.{}",
        period.from,
        period.to,
        format.extension(!table.is_empty())
    )
}
