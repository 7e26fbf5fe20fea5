//! The report as a PDF on A4: title block, narrative, charts drawn as vector bars, and the
//! tables with their header repeated on every page they run over. `DejaVu Sans` is embedded, so
//! every Kazakh letter renders and `pdftotext` gets the text back.

use super::Error;
use super::charts::{BarChart, SERIES_COLOURS, charts, geometry, layout};
use super::narrative::{paragraphs, title_block};
use super::pdf_layout::{Align, BLACK, CONTENT_W, LEFT, Layout, hex};
use super::text::Words;
use crate::domain::report::{Report, Table};
use crate::i18n::Tr;

const BODY: f32 = 10.0;
const SMALL: f32 = 7.5;
const LEADING: f32 = 9.5;
const PAD: f32 = 2.5;
const GRID: (f32, f32, f32) = (0.55, 0.55, 0.55);
const HEADER_FILL: (f32, f32, f32) = (0.93, 0.95, 0.97);

struct Columns {
    /// Left edge of each cell, label first.
    x: Vec<f32>,
    /// Width of each cell.
    w: Vec<f32>,
}

fn columns(table: &Table) -> Columns {
    let n = table.columns.len();
    let number = if n > 5 { 46.0 } else { 62.0 };
    #[allow(clippy::cast_precision_loss)] // at most eight columns
    let label = CONTENT_W - number * n as f32;
    let mut x = vec![LEFT];
    let mut w = vec![label];
    for i in 0..n {
        #[allow(clippy::cast_precision_loss)]
        x.push(LEFT + label + number * i as f32);
        w.push(number);
    }
    Columns { x, w }
}

/// One band of cells: wraps each text, draws the band and its grid, moves down past it.
fn band(l: &mut Layout, cols: &Columns, texts: &[(String, bool, Align, f32)], fill: bool) {
    let wrapped: Vec<Vec<String>> = texts
        .iter()
        .enumerate()
        .map(|(i, (text, bold, _, indent))| {
            l.wrap(text, SMALL, *bold, cols.w[i] - 2.0 * PAD - indent)
        })
        .collect();
    let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
    #[allow(clippy::cast_precision_loss)] // a few lines
    let height = lines as f32 * LEADING + 2.0 * PAD;
    let top = l.y;
    if fill {
        l.fill(LEFT, top, CONTENT_W, height, HEADER_FILL);
    }
    for (i, cell) in wrapped.iter().enumerate() {
        let (_, bold, align, indent) = &texts[i];
        for (k, line) in cell.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let baseline = top + PAD + LEADING * (k as f32 + 1.0) - 2.0;
            l.aligned(
                cols.x[i] + PAD + indent,
                cols.w[i] - 2.0 * PAD - indent,
                baseline,
                line,
                SMALL,
                *bold,
                *align,
            );
        }
    }
    let bottom = top + height;
    l.line((LEFT, top), (LEFT + CONTENT_W, top), 0.4, GRID);
    l.line((LEFT, bottom), (LEFT + CONTENT_W, bottom), 0.4, GRID);
    for x in cols.x.iter().copied().chain([LEFT + CONTENT_W]) {
        l.line((x, top), (x, bottom), 0.4, GRID);
    }
    l.y = bottom;
}

fn band_height(l: &Layout, cols: &Columns, texts: &[(String, bool, Align, f32)]) -> f32 {
    let lines = texts
        .iter()
        .enumerate()
        .map(|(i, (t, b, _, indent))| l.wrap(t, SMALL, *b, cols.w[i] - 2.0 * PAD - indent).len())
        .max()
        .unwrap_or(1);
    #[allow(clippy::cast_precision_loss)]
    let lines = lines as f32;
    lines * LEADING + 2.0 * PAD
}

fn table(l: &mut Layout, w: &Words, table: &Table) {
    let cols = columns(table);
    let mut header = vec![(w.t("report.indicator").to_owned(), true, Align::Left, 0.0)];
    header.extend(
        table
            .columns
            .iter()
            .map(|c| (w.column(*c), false, Align::Right, 0.0)),
    );
    let header_height = band_height(l, &cols, &header);
    l.ensure(BODY * 2.0 + header_height + LEADING * 2.0);
    l.y += 6.0;
    l.paragraph(w.t(table.title_key), 9.5, true, Align::Left, 0.0);
    l.y += 3.0;
    band(l, &cols, &header, true);
    for (r, row) in table.rows.iter().enumerate() {
        let indent = if row.level > 0 { 8.0 } else { 0.0 };
        let mut texts = vec![(w.label(row.label), row.level == 0, Align::Left, indent)];
        texts.extend(
            (0..table.columns.len()).map(|c| (w.cell(table, r, c), false, Align::Right, 0.0)),
        );
        let height = band_height(l, &cols, &texts);
        if l.ensure(height) {
            band(l, &cols, &header, true);
        }
        band(l, &cols, &texts, false);
    }
    l.y += 8.0;
}

fn chart(l: &mut Layout, chart: &BarChart) {
    if chart.categories.is_empty() {
        return;
    }
    let scale = CONTENT_W / geometry::WIDTH;
    let height = geometry::height(chart.categories.len(), chart.series.len()) * scale;
    l.ensure(height + 30.0);
    l.paragraph(&chart.title, 9.5, true, Align::Left, 0.0);
    let top = l.y + 4.0;
    let at = |v: f32| top + v * scale;
    let label_x = LEFT + geometry::LABEL_WIDTH * scale;
    for (i, series) in chart.series.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let x = label_x + 150.0 * scale * i as f32;
        l.fill(x, at(4.0), 8.0, 8.0, hex(SERIES_COLOURS[i % 2]));
        l.text(x + 11.0, at(4.0) + 7.0, &series.name, 7.5, false, BLACK);
    }
    for (baseline, label, bars) in layout(chart) {
        l.aligned(
            LEFT,
            label_x - LEFT - 5.0,
            at(baseline),
            label,
            7.0,
            false,
            Align::Right,
        );
        for bar in bars {
            let y = at(bar.y);
            let length = bar.length * scale;
            l.fill(
                label_x,
                y,
                length,
                (geometry::BAR - 1.0) * scale,
                hex(SERIES_COLOURS[bar.series % 2]),
            );
            l.text(
                label_x + length + 3.0,
                y + geometry::BAR * scale - 1.5,
                &bar.value.to_string(),
                6.5,
                false,
                BLACK,
            );
        }
    }
    l.line(
        (label_x, at(geometry::LEGEND)),
        (label_x, top + height),
        0.4,
        GRID,
    );
    l.y = top + height + 10.0;
}

/// The whole report as a PDF file.
pub fn render(report: &Report, tr: Tr<'_>) -> Result<Vec<u8>, Error> {
    let w = Words::new(report, tr);
    let mut l = Layout::new(w.t("report.title"))?;
    for (i, line) in title_block(&w).iter().enumerate() {
        let (size, bold) = if i == 0 { (14.0, true) } else { (11.0, false) };
        l.paragraph(line, size, bold, Align::Center, 0.0);
    }
    l.y += 12.0;
    for paragraph in paragraphs(&w) {
        l.paragraph(&paragraph, BODY, false, Align::Left, 20.0);
        l.y += 4.0;
    }
    l.y += 6.0;
    // The heading stays with the first chart.
    l.ensure(220.0);
    l.paragraph(w.t("report.charts"), 11.0, true, Align::Left, 0.0);
    l.y += 4.0;
    for c in charts(&w) {
        chart(&mut l, &c);
    }
    l.new_page();
    l.paragraph(w.t("report.figures"), 11.0, true, Align::Left, 0.0);
    for t in &report.figures.tables {
        table(&mut l, &w, t);
    }
    l.ensure(40.0);
    l.y += 20.0;
    let signature = tr.fmt(
        "report.signature",
        &[("name", &report.institution.director_name)],
    );
    l.paragraph(&signature, BODY, false, Align::Left, 0.0);
    Ok(l.finish())
}
