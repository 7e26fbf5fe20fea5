//! Working days between two dates in constant time: a running count over a span of days,
//! built once per report (the calendar's own day test is too slow for a million appeals).

use jiff::ToSpan;
use jiff::civil::Date;

use crate::domain::calendar::Calendar;
use crate::domain::deadline::working_days_between;

/// Working days counted once over `[start, start + len)`.
pub struct WorkingDays<'a> {
    start: Date,
    /// `running[i]` = working days in `(start, start + i]`.
    running: Vec<u32>,
    calendar: &'a Calendar,
}

impl<'a> WorkingDays<'a> {
    /// Counts over `[from, to]`; days outside fall back to the calendar.
    pub fn new(from: Date, to: Date, calendar: &'a Calendar) -> Self {
        let mut running = Vec::new();
        let mut count = 0u32;
        let mut day = from;
        running.push(0);
        while day < to {
            let Ok(next) = day.tomorrow() else { break };
            day = next;
            if calendar.is_working_day(day) {
                count += 1;
            }
            running.push(count);
        }
        Self {
            start: from,
            running,
            calendar,
        }
    }

    fn offset(&self, day: Date) -> Option<usize> {
        let days = (day - self.start).get_days();
        usize::try_from(days)
            .ok()
            .filter(|i| *i < self.running.len())
    }

    /// Working days strictly after `from` up to and including `to` (0 when `to <= from`), as
    /// [`working_days_between`].
    pub fn between(&self, from: Date, to: Date) -> u32 {
        if to <= from {
            return 0;
        }
        match (self.offset(from), self.offset(to)) {
            (Some(a), Some(b)) => self.running[b] - self.running[a],
            _ => working_days_between(from, to, self.calendar),
        }
    }
}

/// A span of days long enough for the deadlines of appeals registered up to `to`.
pub fn horizon(to: Date) -> Date {
    to.saturating_add(1.year())
}
