//! The report's tables as CSV (RFC 4180, UTF-8 with a byte-order mark so spreadsheet programs
//! read Cyrillic right): one table, or every table as one file each in a zip.

use std::io::Write;

use super::Error;
use super::text::{Words, machine_cell};
use crate::domain::report::{Report, Table};
use crate::i18n::Tr;

/// The byte-order mark that tells spreadsheet programs the file is UTF-8.
pub const BOM: &str = "\u{feff}";

/// One field, quoted when it needs to be.
pub fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// Lines joined with CRLF, each a row of fields.
pub fn lines(rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = String::from(BOM);
    for row in rows {
        let fields: Vec<String> = row.iter().map(|f| field(f)).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

fn table_text(w: &Words, table: &Table) -> String {
    let mut header = vec![w.t("report.indicator").to_owned()];
    header.extend(table.columns.iter().map(|c| w.column(*c)));
    let rows = table.rows.iter().enumerate().map(|(r, row)| {
        let mut fields = vec![w.label(row.label)];
        fields.extend((0..table.columns.len()).map(|c| machine_cell(table, r, c)));
        fields
    });
    lines(std::iter::once(header).chain(rows))
}

/// One table by id.
pub fn table(report: &Report, tr: Tr<'_>, id: &str) -> Result<String, Error> {
    let table = report
        .figures
        .table(id)
        .ok_or_else(|| Error::NoSuchTable(id.to_owned()))?;
    Ok(table_text(&Words::new(report, tr), table))
}

/// Every table, `NN-id.csv`, in a zip.
pub fn zip(report: &Report, tr: Tr<'_>) -> Result<Vec<u8>, Error> {
    let w = Words::new(report, tr);
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (i, table) in report.figures.tables.iter().enumerate() {
        archive
            .start_file(format!("{:02}-{}.csv", i + 1, table.id), options)
            .map_err(|e| Error::writer("csv", e))?;
        archive
            .write_all(table_text(&w, table).as_bytes())
            .map_err(|e| Error::writer("csv", e))?;
    }
    let cursor = archive.finish().map_err(|e| Error::writer("csv", e))?;
    Ok(cursor.into_inner())
}
