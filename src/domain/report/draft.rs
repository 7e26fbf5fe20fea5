//! Laying a table out: the column sets, and a draft whose rows get their own values first and
//! their differences, changes and shares once every row is in.

use super::{Column, Format, Label, Row, Table, round_share, round1};

/// Column header key of the units' and executors' average.
pub const AVERAGE_DAYS: &str = "report.col.average_days";

/// This period, a year earlier, difference, change.
pub(super) fn compare_columns() -> Vec<Column> {
    vec![
        Column::Current,
        Column::Previous,
        Column::Difference { of: 0, base: 1 },
        Column::Change { of: 0, base: 1 },
    ]
}

/// This period, its share, a year earlier, difference, change.
pub(super) fn share_columns() -> Vec<Column> {
    vec![
        Column::Current,
        Column::Share { of: 0 },
        Column::Previous,
        Column::Difference { of: 0, base: 2 },
        Column::Change { of: 0, base: 2 },
    ]
}

/// Received compared, then how the period went.
pub(super) fn performance_columns() -> Vec<Column> {
    let mut columns = compare_columns();
    columns.extend([
        Column::Extra("report.col.finished"),
        Column::Extra("report.col.in_term"),
        Column::Extra("report.col.overdue"),
        Column::Extra(AVERAGE_DAYS),
    ]);
    columns
}

#[allow(clippy::cast_precision_loss)] // counts of appeals are far below 2^52
pub(super) fn count(n: u64) -> Option<f64> {
    Some(n as f64)
}

pub(super) fn share(part: u64, whole: u64) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)]
    (whole > 0).then(|| round_share(part as f64 / whole as f64))
}

impl Table {
    /// How the cell at (`row`, `column`) reads.
    pub fn format(&self, row: usize, column: usize) -> Format {
        match self.columns.get(column) {
            Some(Column::Change { .. } | Column::Share { .. }) => Format::Share,
            Some(Column::Extra(key)) if *key == AVERAGE_DAYS => Format::Days,
            _ => self.rows.get(row).map_or(Format::Count, |r| r.format),
        }
    }
}

/// A table being laid out: rows get their own values, then the derived columns are filled.
pub(super) struct Draft {
    id: &'static str,
    columns: Vec<Column>,
    pub rows: Vec<Row>,
}

impl Draft {
    pub(super) fn new(id: &'static str, columns: Vec<Column>) -> Self {
        Self {
            id,
            columns,
            rows: Vec::new(),
        }
    }

    /// Adds a row with values for the non-derived columns, in column order; returns its index.
    pub(super) fn row(
        &mut self,
        label: Label,
        level: u8,
        format: Format,
        values: &[Option<f64>],
    ) -> usize {
        let mut values = values.iter();
        let cells = self
            .columns
            .iter()
            .map(|c| {
                if c.is_derived() {
                    None
                } else {
                    values.next().copied().flatten()
                }
            })
            .collect();
        self.rows.push(Row {
            label,
            level,
            format,
            cells,
            parts: Vec::new(),
            share_of: None,
        });
        self.rows.len() - 1
    }

    pub(super) fn counts(&mut self, label: Label, level: u8, now: u64, then: u64) -> usize {
        self.row(label, level, Format::Count, &[count(now), count(then)])
    }

    pub(super) fn key(&mut self, key: &'static str, level: u8, now: u64, then: u64) -> usize {
        self.counts(Label::Key(key), level, now, then)
    }

    pub(super) fn parts(&mut self, total: usize, parts: impl IntoIterator<Item = usize>) {
        self.rows[total].parts = parts.into_iter().collect();
    }

    pub(super) fn finish(mut self, title_key: &'static str) -> Table {
        for i in 0..self.rows.len() {
            for (c, column) in self.columns.iter().enumerate() {
                let row = &self.rows[i];
                let value = match *column {
                    Column::Difference { of, base } => match (row.cell(of), row.cell(base)) {
                        (Some(a), Some(b)) => Some(match row.format {
                            Format::Count => a - b,
                            Format::Days => round1(a - b),
                            Format::Share => round_share(a - b),
                        }),
                        _ => None,
                    },
                    Column::Change { of, base } => match (row.cell(of), row.cell(base)) {
                        (Some(a), Some(b)) if b > 0.0 && row.format != Format::Share => {
                            Some(round_share((a - b) / b))
                        }
                        _ => None,
                    },
                    Column::Share { of } => {
                        let whole = row.share_of.and_then(|s| self.rows[s].cell(of));
                        match (row.cell(of), whole) {
                            (Some(a), Some(w)) if w > 0.0 => Some(round_share(a / w)),
                            _ => None,
                        }
                    }
                    _ => continue,
                };
                self.rows[i].cells[c] = value;
            }
        }
        Table {
            id: self.id,
            title_key,
            columns: self.columns,
            rows: self.rows,
        }
    }
}
