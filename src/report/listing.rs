//! The registry export: one row per appeal, as CSV or XLSX, in the chosen language.

use std::collections::BTreeMap;

use rust_xlsxwriter::{Format as CellFormat, Workbook};

use super::Error;
use super::csv::lines;
use super::text::date;
use crate::domain::appeal::{CategoryId, UnitId};
use crate::domain::lang::Names;
use crate::domain::report::ListingRow;
use crate::domain::tax_id::ApplicantKind;
use crate::i18n::Tr;

/// The column headers, in order.
pub const COLUMNS: [&str; 13] = [
    "report.list.number",
    "report.list.registered_on",
    "report.list.finished_on",
    "report.list.kind",
    "report.list.applicant",
    "report.list.category",
    "report.list.unit",
    "report.list.executor",
    "report.list.status",
    "report.list.result",
    "report.list.due",
    "report.list.days_taken",
    "report.list.overdue",
];

/// Unit and category names for the rows.
#[derive(Debug, Clone, Copy)]
pub struct Directory<'a> {
    /// Units.
    pub units: &'a BTreeMap<UnitId, Names>,
    /// Categories.
    pub categories: &'a BTreeMap<CategoryId, Names>,
}

/// A row's fields as text, in [`COLUMNS`] order.
pub fn fields(row: &ListingRow, names: Directory, tr: Tr<'_>) -> Vec<String> {
    let lang = tr.lang;
    vec![
        row.number.clone(),
        date(row.registered_on),
        row.finished_on.map(date).unwrap_or_default(),
        tr.t(row.kind.label_key()).to_owned(),
        tr.t(match row.applicant {
            ApplicantKind::Individual => "report.list.individual",
            ApplicantKind::Legal => "report.list.legal",
        })
        .to_owned(),
        names
            .categories
            .get(&row.category)
            .map(|n| n.get(lang).to_owned())
            .unwrap_or_default(),
        names
            .units
            .get(&row.unit)
            .map(|n| n.get(lang).to_owned())
            .unwrap_or_default(),
        row.executor.clone().unwrap_or_default(),
        tr.t(row.status.label_key()).to_owned(),
        row.outcome
            .map(|o| tr.t(o.label_key()).to_owned())
            .unwrap_or_default(),
        date(row.due),
        row.days_taken.to_string(),
        tr.t(if row.overdue {
            "report.list.yes"
        } else {
            "report.list.no"
        })
        .to_owned(),
    ]
}

/// The rows as CSV.
pub fn csv(rows: &[ListingRow], names: Directory, tr: Tr<'_>) -> String {
    let header: Vec<String> = COLUMNS.iter().map(|k| tr.t(k).to_owned()).collect();
    lines(std::iter::once(header).chain(rows.iter().map(|r| fields(r, names, tr))))
}

/// The rows as XLSX: one sheet, days taken as numbers, the header frozen.
pub fn xlsx(rows: &[ListingRow], names: Directory, tr: Tr<'_>) -> Result<Vec<u8>, Error> {
    let x = |e: rust_xlsxwriter::XlsxError| Error::writer("xlsx", e);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .set_name(super::xlsx::sheet_name(tr.t("report.list.title")))
        .map_err(x)?;
    let bold = CellFormat::new().set_bold().set_text_wrap();
    for (c, key) in COLUMNS.iter().enumerate() {
        let col = u16::try_from(c).unwrap_or(u16::MAX);
        sheet
            .write_string_with_format(0, col, tr.t(key), &bold)
            .map_err(x)?;
        sheet.set_column_width(col, 16).map_err(x)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(x)?;
    for (r, row) in rows.iter().enumerate() {
        let line = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, text) in fields(row, names, tr).into_iter().enumerate() {
            let col = u16::try_from(c).unwrap_or(u16::MAX);
            if c == 11 {
                sheet
                    .write_number(line, col, f64::from(row.days_taken))
                    .map_err(x)?;
            } else {
                sheet.write_string(line, col, text).map_err(x)?;
            }
        }
    }
    book.save_to_buffer().map_err(x)
}
