//! The report as a Word document (opens in Word and `LibreOffice`, meant to be edited before it
//! is signed): title block, narrative and tables in Times New Roman, which has the Kazakh
//! letters. Charts are left to the HTML and PDF forms.

use docx_rs::{
    AlignmentType, Docx, Paragraph, Run, RunFonts, Table as DocTable, TableCell, TableRow,
    WidthType,
};

use super::Error;
use super::narrative::{paragraphs, title_block};
use super::text::Words;
use crate::domain::report::{Report, Table};
use crate::i18n::Tr;

/// Font sizes in half-points.
const BODY: usize = 24;
const SMALL: usize = 18;
const TITLE: usize = 28;

fn text(text: &str, size: usize, bold: bool) -> Run {
    let run = Run::new().add_text(text).size(size);
    if bold { run.bold() } else { run }
}

fn cell(content: &str, bold: bool, right: bool, width: usize) -> TableCell {
    let paragraph = Paragraph::new().add_run(text(content, SMALL, bold));
    let paragraph = if right {
        paragraph.align(AlignmentType::Right)
    } else {
        paragraph
    };
    TableCell::new()
        .add_paragraph(paragraph)
        .width(width, WidthType::Dxa)
}

fn table(w: &Words, table: &Table) -> DocTable {
    // A4 with 2 cm margins leaves about 9600 twips: the label takes the rest after the numbers.
    let columns = table.columns.len();
    let number = if columns > 5 { 850 } else { 1300 };
    let label = 9600usize.saturating_sub(number * columns).max(2400);
    let mut header = vec![cell(w.t("report.indicator"), true, false, label)];
    header.extend(
        table
            .columns
            .iter()
            .map(|c| cell(&w.column(*c), true, true, number)),
    );
    let mut rows = vec![TableRow::new(header)];
    for (r, row) in table.rows.iter().enumerate() {
        let name = if row.level > 0 {
            format!("    {}", w.label(row.label))
        } else {
            w.label(row.label)
        };
        let mut cells = vec![cell(&name, row.level == 0, false, label)];
        cells.extend((0..columns).map(|c| cell(&w.cell(table, r, c), false, true, number)));
        rows.push(TableRow::new(cells));
    }
    let mut grid = vec![label];
    grid.extend(std::iter::repeat_n(number, columns));
    DocTable::new(rows).set_grid(grid)
}

/// The whole report as a DOCX file.
pub fn render(report: &Report, tr: Tr<'_>) -> Result<Vec<u8>, Error> {
    let w = Words::new(report, tr);
    let font = RunFonts::new()
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
        .cs("Times New Roman")
        .east_asia("Times New Roman");
    let mut doc = Docx::new()
        .default_fonts(font)
        .default_size(BODY)
        .page_size(11_906, 16_838);
    for (i, line) in title_block(&w).iter().enumerate() {
        doc = doc.add_paragraph(
            Paragraph::new()
                .add_run(text(line, if i == 0 { TITLE } else { BODY }, i == 0))
                .align(AlignmentType::Center),
        );
    }
    doc = doc.add_paragraph(Paragraph::new());
    for paragraph in paragraphs(&w) {
        doc = doc.add_paragraph(
            Paragraph::new()
                .add_run(text(&paragraph, BODY, false))
                .align(AlignmentType::Both),
        );
    }
    doc = doc.add_paragraph(Paragraph::new().add_run(text(w.t("report.figures"), BODY, true)));
    for t in &report.figures.tables {
        doc = doc
            .add_paragraph(Paragraph::new().add_run(text(w.t(t.title_key), BODY, true)))
            .add_table(table(&w, t))
            .add_paragraph(Paragraph::new());
    }
    doc = doc.add_paragraph(Paragraph::new().add_run(text(
        &tr.fmt(
            "report.signature",
            &[("name", &report.institution.director_name)],
        ),
        BODY,
        false,
    )));
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| Error::writer("docx", e))?;
    Ok(out.into_inner())
}
