//! `otinish deadline`: the registration date and deadline the appliance would set, computed with
//! the store's calendar and the configured close of business and counting rule.
#![allow(clippy::print_stdout)]

use jiff::civil::DateTime;

use super::{load_config, open_ctx};
use crate::cli::DeadlineArgs;
use crate::domain::deadline::{CountingRule, DayUnit};
use crate::domain::kind::AppealKind;
use crate::service::calendar::{self, DeadlineCheck};

pub(super) fn run(args: &DeadlineArgs) -> anyhow::Result<()> {
    let kind = parse_kind(&args.kind)?;
    let received = parse_received(&args.received)?;
    let config = load_config(&args.store)?;
    let ctx = open_ctx(&config)?;
    let check = calendar::deadline_for(&ctx, kind, received)?;
    println!("{}", describe(&check));
    Ok(())
}

fn parse_kind(input: &str) -> anyhow::Result<AppealKind> {
    AppealKind::from_code(input.trim()).ok_or_else(|| {
        let codes: Vec<&str> = AppealKind::ALL.iter().map(|k| k.code()).collect();
        anyhow::anyhow!(
            "--type: unknown appeal type `{input}`; use one of {}",
            codes.join(", ")
        )
    })
}

fn parse_received(input: &str) -> anyhow::Result<DateTime> {
    DateTime::strptime("%Y-%m-%d %H:%M", input.trim()).map_err(|_| {
        anyhow::anyhow!("--received: `{input}` is not a local date and time \"YYYY-MM-DD HH:MM\"")
    })
}

/// One line, e.g. `registered 2026-11-09, due 2026-11-30 (15 working days from the next day;
/// 6 days off skipped)`, followed by the unconfirmed years when the deadline is provisional.
fn describe(check: &DeadlineCheck) -> String {
    let d = &check.deadline;
    let unit = match check.term.unit {
        DayUnit::Working => "working",
        DayUnit::Calendar => "calendar",
    };
    let days = if check.term.days == 1 { "day" } else { "days" };
    let rule = match check.rule {
        CountingRule::FromNextDay => "from the next day",
        CountingRule::RegistrationDayCounts => "counting the registration day",
    };
    let skipped = if d.skipped_days_off == 1 {
        "1 day off skipped".to_owned()
    } else {
        format!("{} days off skipped", d.skipped_days_off)
    };
    let line = format!(
        "registered {}, due {} ({} {unit} {days} {rule}; {skipped})",
        d.registered_on, d.due, check.term.days
    );
    if !d.provisional {
        return line;
    }
    let years: Vec<String> = check
        .unconfirmed_years
        .iter()
        .map(ToString::to_string)
        .collect();
    format!(
        "{line}; provisional: the calendar of {} is not confirmed",
        years.join(", ")
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::domain::deadline::{Deadline, Term};

    fn check(provisional: bool, skipped: u16) -> DeadlineCheck {
        DeadlineCheck {
            term: Term::working(15),
            rule: CountingRule::FromNextDay,
            deadline: Deadline {
                registered_on: date(2026, 11, 9),
                due: date(2026, 11, 30),
                skipped_days_off: skipped,
                provisional,
            },
            unconfirmed_years: if provisional { vec![2026] } else { vec![] },
        }
    }

    #[test]
    fn the_line_names_the_term_the_rule_and_the_skipped_days() {
        assert_eq!(
            describe(&check(false, 6)),
            "registered 2026-11-09, due 2026-11-30 (15 working days from the next day; 6 days off skipped)"
        );
        assert_eq!(
            describe(&check(true, 1)),
            "registered 2026-11-09, due 2026-11-30 (15 working days from the next day; 1 day off skipped); provisional: the calendar of 2026 is not confirmed"
        );
    }

    #[test]
    fn flags_are_named_in_their_errors() {
        let err = parse_kind("petition").unwrap_err().to_string();
        assert!(
            err.starts_with("--type:") && err.contains("complaint"),
            "{err}"
        );
        for bad in [
            "2026-13-01 10:00",
            "13.03.2026 18:45",
            "2026-03-13",
            "2026-03-13 25:00",
        ] {
            let err = parse_received(bad).unwrap_err().to_string();
            assert!(err.starts_with("--received:"), "{bad}: {err}");
        }
        assert_eq!(
            parse_received(" 2026-03-13 18:45 ").unwrap(),
            date(2026, 3, 13).at(18, 45, 0, 0)
        );
    }
}
