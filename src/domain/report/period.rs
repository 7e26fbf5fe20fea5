//! The report period and the same period a year earlier.

use jiff::ToSpan;
use jiff::civil::Date;

use super::CARRY_OVER_LOOKBACK_DAYS;

/// An inclusive range of days: both the first and the last day count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
}

/// Why a period was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// The last day is before the first.
    #[error("the period ends before it begins")]
    Reversed,
    /// Longer than ten years.
    #[error("the period is longer than ten years")]
    TooLong,
    /// Outside years 1901–2999.
    #[error("the period lies outside the years the desk knows")]
    OutOfRange,
}

impl PeriodError {
    /// Translation key of the message.
    pub fn key(self) -> &'static str {
        match self {
            PeriodError::Reversed => "report.error.reversed",
            PeriodError::TooLong => "report.error.too_long",
            PeriodError::OutOfRange => "report.error.out_of_range",
        }
    }
}

fn last_of_month(d: Date) -> bool {
    d.day() == d.days_in_month()
}

impl Period {
    /// A period from `from` to `to`, both inclusive.
    pub fn new(from: Date, to: Date) -> Result<Self, PeriodError> {
        if to < from {
            return Err(PeriodError::Reversed);
        }
        if !(1901..=2999).contains(&from.year()) || !(1901..=2999).contains(&to.year()) {
            return Err(PeriodError::OutOfRange);
        }
        if from.saturating_add(10.years()) <= to {
            return Err(PeriodError::TooLong);
        }
        Ok(Self { from, to })
    }

    /// The whole calendar year `year`.
    pub fn calendar_year(year: i16) -> Result<Self, PeriodError> {
        let from = Date::new(year, 1, 1).map_err(|_| PeriodError::OutOfRange)?;
        let to = Date::new(year, 12, 31).map_err(|_| PeriodError::OutOfRange)?;
        Self::new(from, to)
    }

    /// Whether `day` lies in the period (first and last day included).
    pub fn contains(&self, day: Date) -> bool {
        self.from <= day && day <= self.to
    }

    /// The same days a year earlier. A period starting on 29 February compares from 1 March (from
    /// 28 February when it is that one day); one
    /// ending on the last day of a month compares to the last day of that month, so February
    /// 2025 compares with all of February 2024 (29 days) and February 2024 with February 2023.
    #[must_use]
    pub fn year_earlier(&self) -> Period {
        let from = if self.from.month() == 2 && self.from.day() == 29 {
            Date::new(self.from.year() - 1, 3, 1).unwrap_or(self.from)
        } else {
            self.from.saturating_sub(1.year())
        };
        let shifted = self.to.saturating_sub(1.year());
        let to = if last_of_month(self.to) {
            shifted.last_of_month()
        } else {
            shifted
        };
        Period {
            from: from.min(to),
            to,
        }
    }

    /// The first registration day the report needs: a year before the comparison period, for
    /// the appeals carried over into it.
    pub fn reading_from(&self) -> Date {
        self.year_earlier()
            .from
            .saturating_sub(CARRY_OVER_LOOKBACK_DAYS.days())
    }

    /// Each (year, month) the period touches, in order.
    pub fn months(&self) -> Vec<(i16, i8)> {
        let mut out = Vec::new();
        let mut day = self.from.first_of_month();
        while day <= self.to {
            out.push((day.year(), day.month()));
            match day.checked_add(1.month()) {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        out
    }
}
