//! The report's charts: appeals per month, results, timeliness. One model, drawn as SVG here
//! (maud) and as vector bars by the PDF writer; labels sit left of horizontal bars, so long
//! result names stay readable.

use maud::{Markup, html};

use super::text::{MONTH_KEYS, Words};
use crate::domain::report::{Label, Totals};

/// Colours of the series (this period, a year earlier), as `#rrggbb`.
pub const SERIES_COLOURS: [&str; 2] = ["#0b4f8a", "#9bb7d4"];

/// One series of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// One value per category.
    pub values: Vec<u64>,
}

/// A horizontal grouped bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// Title.
    pub title: String,
    /// Category labels, top to bottom.
    pub categories: Vec<String>,
    /// The series, drawn side by side in each category.
    pub series: Vec<Series>,
}

impl BarChart {
    /// The largest value (at least 1, so scales never divide by zero).
    pub fn max(&self) -> u64 {
        self.series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .max()
            .unwrap_or(0)
            .max(1)
    }
}

fn two_series(w: &Words, now: Vec<u64>, then: Vec<u64>) -> Vec<Series> {
    vec![
        Series {
            name: w.t("report.chart.this_period").to_owned(),
            values: now,
        },
        Series {
            name: w.t("report.chart.previous_period").to_owned(),
            values: then,
        },
    ]
}

fn timeliness_values(t: &Totals) -> Vec<u64> {
    vec![t.in_term, t.late, t.open_overdue]
}

/// The three charts of a report.
pub fn charts(w: &Words) -> Vec<BarChart> {
    let figures = &w.report.figures;
    let many_years = figures
        .months
        .first()
        .zip(figures.months.last())
        .is_some_and(|(a, b)| a.year != b.year);
    let months = BarChart {
        title: w.t("report.chart.months").to_owned(),
        categories: figures
            .months
            .iter()
            .map(|m| {
                let name = MONTH_KEYS
                    .get(usize::try_from(m.month - 1).unwrap_or(0))
                    .map_or("", |k| w.t(k));
                if many_years {
                    format!("{name} {}", m.year)
                } else {
                    name.to_owned()
                }
            })
            .collect(),
        series: two_series(
            w,
            figures.months.iter().map(|m| m.current).collect(),
            figures.months.iter().map(|m| m.previous).collect(),
        ),
    };
    let (mut labels, mut now, mut then) = (Vec::new(), Vec::new(), Vec::new());
    if let Some(results) = figures.table("results") {
        for row in results.rows.iter().filter(|r| r.level == 1) {
            let (a, b) = (row.cell(0).unwrap_or(0.0), row.cell(2).unwrap_or(0.0));
            if a + b > 0.0 && row.label != Label::Key("report.row.open_in_term") {
                labels.push(w.label(row.label));
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                {
                    now.push(a as u64);
                    then.push(b as u64);
                }
            }
        }
    }
    let results = BarChart {
        title: w.t("report.chart.results").to_owned(),
        categories: labels,
        series: two_series(w, now, then),
    };
    let timeliness = BarChart {
        title: w.t("report.chart.timeliness").to_owned(),
        categories: vec![
            w.t("report.chart.in_term").to_owned(),
            w.t("report.chart.late").to_owned(),
            w.t("report.chart.open_overdue").to_owned(),
        ],
        series: two_series(
            w,
            timeliness_values(&figures.current),
            timeliness_values(&figures.before),
        ),
    };
    vec![months, results, timeliness]
}

/// Geometry shared by the SVG and the PDF drawings, in abstract units.
pub mod geometry {
    /// Width of the label column.
    pub const LABEL_WIDTH: f32 = 200.0;
    /// Width of the bar area (values are printed after the bar).
    pub const BAR_WIDTH: f32 = 330.0;
    /// Height of one bar.
    pub const BAR: f32 = 9.0;
    /// Gap between categories.
    pub const GAP: f32 = 6.0;
    /// Height of the legend line.
    pub const LEGEND: f32 = 18.0;
    /// Whole width.
    pub const WIDTH: f32 = LABEL_WIDTH + BAR_WIDTH + 50.0;

    /// Height of a chart with `categories` groups of `series` bars.
    pub fn height(categories: usize, series: usize) -> f32 {
        #[allow(clippy::cast_precision_loss)] // a handful of bars
        let n = categories as f32;
        #[allow(clippy::cast_precision_loss)]
        let s = series as f32;
        LEGEND + n * (s * BAR + GAP) + GAP
    }

    /// The length of a bar for `value` out of `max`.
    pub fn length(value: u64, max: u64) -> f32 {
        #[allow(clippy::cast_precision_loss)]
        let ratio = value as f32 / max.max(1) as f32;
        ratio * BAR_WIDTH
    }
}

/// One drawn bar: where it starts, how long it is, its colour and value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    /// Top edge.
    pub y: f32,
    /// Length.
    pub length: f32,
    /// Series index (colour).
    pub series: usize,
    /// The value printed after it.
    pub value: u64,
}

/// Where every label and bar of a chart goes: (label baseline y, label, bars).
pub fn layout(chart: &BarChart) -> Vec<(f32, &str, Vec<Bar>)> {
    use geometry::{BAR, GAP, LEGEND, length};
    let max = chart.max();
    let mut top = LEGEND + GAP;
    let mut out = Vec::with_capacity(chart.categories.len());
    for (c, label) in chart.categories.iter().enumerate() {
        let mut bars = Vec::with_capacity(chart.series.len());
        let mut y = top;
        for (i, series) in chart.series.iter().enumerate() {
            let value = series.values.get(c).copied().unwrap_or(0);
            bars.push(Bar {
                y,
                length: length(value, max),
                series: i,
                value,
            });
            y += BAR;
        }
        out.push((top + BAR, label.as_str(), bars));
        top = y + GAP;
    }
    out
}

/// The chart as an SVG figure.
pub fn svg(chart: &BarChart) -> Markup {
    use geometry::{BAR, LABEL_WIDTH, LEGEND, WIDTH, height};
    let h = height(chart.categories.len(), chart.series.len());
    let legend: Vec<(f32, &str, &str)> = chart
        .series
        .iter()
        .zip([LABEL_WIDTH, LABEL_WIDTH + 150.0])
        .enumerate()
        .map(|(i, (s, x))| (x, s.name.as_str(), SERIES_COLOURS[i % 2]))
        .collect();
    let rows = layout(chart);
    html! {
        figure.report-chart {
            svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {WIDTH} {h}"))
                role="img" aria-label=(chart.title) {
                title { (chart.title) }
                @for (x, name, colour) in &legend {
                    rect x=(x) y="4" width="10" height="10" fill=(colour) {}
                    text x=(x + 14.0) y="13" font-size="10" { (name) }
                }
                @for (baseline, label, bars) in &rows {
                    text x=(LABEL_WIDTH - 6.0) y=(baseline) font-size="9" text-anchor="end" { (label) }
                    @for bar in bars {
                        rect x=(LABEL_WIDTH) y=(bar.y) width=(bar.length) height=(BAR - 1.0)
                            fill=(SERIES_COLOURS[bar.series % 2]) {}
                        text x=(LABEL_WIDTH + bar.length + 3.0) y=(bar.y + BAR - 2.0) font-size="8" { (bar.value) }
                    }
                }
                line x1=(LABEL_WIDTH) y1=(LEGEND) x2=(LABEL_WIDTH) y2=(h) stroke="#555" stroke-width="0.5" {}
            }
            figcaption { (chart.title) }
        }
    }
}
