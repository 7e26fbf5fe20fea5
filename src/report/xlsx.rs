//! The report as a spreadsheet: one sheet per table, numbers as numbers, and totals,
//! differences, changes and shares as formulas (with their values cached, so readers that do
//! not recalculate show the same figures as every other format).

use rust_xlsxwriter::{Format as CellFormat, Formula, Workbook, Worksheet, XlsxError};

use super::Error;
use super::text::{Words, machine_cell};
use crate::domain::report::{Column, Format, Report, Table};
use crate::i18n::Tr;

/// Rows above the first data row: title, periods, blank, header.
pub const FIRST_DATA_ROW: u32 = 4;

fn x(e: XlsxError) -> Error {
    Error::writer("xlsx", e)
}

/// `A`, `B`, … for a 0-based column.
pub fn column_name(column: u16) -> String {
    rust_xlsxwriter::utility::column_number_to_name(column)
}

/// A sheet name: the table's title without the characters sheets may not hold, ≤ 31 chars.
pub fn sheet_name(title: &str) -> String {
    title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\' | '\''))
        .take(31)
        .collect::<String>()
        .trim()
        .to_owned()
}

struct Formats {
    bold: CellFormat,
    count: CellFormat,
    count_bold: CellFormat,
    signed: CellFormat,
    days: CellFormat,
    share: CellFormat,
    label: CellFormat,
    part: CellFormat,
    header: CellFormat,
}

impl Formats {
    fn new() -> Self {
        Self {
            bold: CellFormat::new().set_bold(),
            count: CellFormat::new().set_num_format("0"),
            count_bold: CellFormat::new().set_num_format("0").set_bold(),
            signed: CellFormat::new().set_num_format("+0;-0;0"),
            days: CellFormat::new().set_num_format("0.0"),
            share: CellFormat::new().set_num_format("0.0%"),
            label: CellFormat::new().set_bold().set_text_wrap(),
            part: CellFormat::new().set_indent(2).set_text_wrap(),
            header: CellFormat::new().set_bold().set_text_wrap(),
        }
    }

    fn number(&self, format: Format, column: Column, total: bool) -> &CellFormat {
        match (format, column) {
            (Format::Share, _) | (_, Column::Change { .. } | Column::Share { .. }) => &self.share,
            (Format::Days, _) => &self.days,
            (Format::Count, Column::Difference { .. }) => &self.signed,
            (Format::Count, _) if total => &self.count_bold,
            (Format::Count, _) => &self.count,
        }
    }
}

/// The cell reference of (data row `r`, table column `c`): the label is column A.
fn cell(r: usize, c: usize) -> String {
    let row = FIRST_DATA_ROW + u32::try_from(r).unwrap_or(0) + 1;
    format!("{}{row}", column_name(u16::try_from(c + 1).unwrap_or(0)))
}

/// The formula of a cell, if it is computed from others.
fn formula(table: &Table, r: usize, c: usize) -> Option<String> {
    let row = &table.rows[r];
    row.cell(c)?;
    match table.columns[c] {
        Column::Difference { of, base } => Some(format!("={}-{}", cell(r, of), cell(r, base))),
        Column::Change { of, base } => Some(format!(
            "=({}-{})/{}",
            cell(r, of),
            cell(r, base),
            cell(r, base)
        )),
        Column::Share { of } => row
            .share_of
            .map(|total| format!("={}/{}", cell(r, of), cell(total, of))),
        _ if !row.parts.is_empty() && table.format(r, c) == Format::Count => {
            let parts: Vec<String> = row.parts.iter().map(|p| cell(*p, c)).collect();
            Some(format!("=SUM({})", parts.join(",")))
        }
        _ => None,
    }
}

fn sheet(sheet: &mut Worksheet, w: &Words, table: &Table, f: &Formats) -> Result<(), Error> {
    let title = w.t(table.title_key);
    sheet.set_name(sheet_name(title)).map_err(x)?;
    sheet
        .write_string_with_format(0, 0, title, &f.bold)
        .map_err(x)?;
    let periods = format!(
        "{} / {}",
        w.period_short(w.report.figures.period),
        w.period_short(w.report.figures.previous)
    );
    sheet.write_string(1, 0, periods).map_err(x)?;
    sheet.set_column_width(0, 48).map_err(x)?;
    let header = FIRST_DATA_ROW - 1;
    sheet
        .write_string_with_format(header, 0, w.t("report.indicator"), &f.header)
        .map_err(x)?;
    for (c, column) in table.columns.iter().enumerate() {
        let col = u16::try_from(c + 1).unwrap_or(u16::MAX);
        sheet.set_column_width(col, 16).map_err(x)?;
        sheet
            .write_string_with_format(header, col, w.column(*column), &f.header)
            .map_err(x)?;
    }
    sheet.set_freeze_panes(FIRST_DATA_ROW, 1).map_err(x)?;
    for (r, row) in table.rows.iter().enumerate() {
        let line = FIRST_DATA_ROW + u32::try_from(r).unwrap_or(u32::MAX);
        let label_format = if row.level > 0 { &f.part } else { &f.label };
        sheet
            .write_string_with_format(line, 0, w.label(row.label), label_format)
            .map_err(x)?;
        for (c, column) in table.columns.iter().enumerate() {
            let col = u16::try_from(c + 1).unwrap_or(u16::MAX);
            let Some(value) = row.cell(c) else {
                continue;
            };
            let format = f.number(table.format(r, c), *column, !row.parts.is_empty());
            match formula(table, r, c) {
                Some(text) => {
                    let cached = match table.format(r, c) {
                        Format::Count => machine_cell(table, r, c),
                        _ => value.to_string(),
                    };
                    sheet
                        .write_formula_with_format(
                            line,
                            col,
                            Formula::new(text).set_result(cached),
                            format,
                        )
                        .map_err(x)?;
                }
                None => {
                    sheet
                        .write_number_with_format(line, col, value, format)
                        .map_err(x)?;
                }
            }
        }
    }
    Ok(())
}

/// The whole report as an XLSX file.
pub fn render(report: &Report, tr: Tr<'_>) -> Result<Vec<u8>, Error> {
    let w = Words::new(report, tr);
    let formats = Formats::new();
    let mut book = Workbook::new();
    for table in &report.figures.tables {
        sheet(book.add_worksheet(), &w, table, &formats)?;
    }
    book.save_to_buffer().map_err(x)
}
