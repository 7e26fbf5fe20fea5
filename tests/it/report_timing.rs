//! How long the report takes over many appeals (an ignored test: a measurement, run by hand in
//! release). The appeals are written through the store's own write path in big transactions,
//! which is far faster than filing each through the use cases.

use otinish::clock::Clock;
use otinish::config::Config;
use otinish::service::{Ctx, Rules, seed};
use otinish::store::Store;

/// Fills `store` with `n` appeals registered over 2024 and 2025, written through the store's
/// own write path (`insert_appeal`, so every index is kept) in transactions of 10,000. The
/// appeals are copies of the demo's, in every state, with their days moved.
fn bulk_seed(store: &Store, n: u64) {
    use otinish::domain::appeal::{AppealId, Change};
    use otinish::domain::registration_number::RegistrationNumber;
    use otinish::store::AppealReads;
    let now: jiff::Timestamp = "2026-03-02T05:00:00Z".parse().unwrap();
    let ctx = Ctx::new(
        store.clone(),
        Clock::fixed(now),
        Rules::from_config(&Config::default()),
    );
    seed::seed(&ctx, 24, now).unwrap();
    let templates: Vec<_> = (1..=24)
        .map(|id| {
            let appeal = store.read(|tx| tx.appeal(AppealId(id))).unwrap().unwrap();
            let first = store.read(|tx| tx.events(AppealId(id))).unwrap().remove(0);
            (appeal, first)
        })
        .collect();
    let first = jiff::civil::date(2024, 1, 1);
    let mut id = 100u64;
    while id < n + 100 {
        let end = (id + 10_000).min(n + 100);
        store
            .write(|tx| {
                for i in id..end {
                    let (template, first_event) = &templates[usize::try_from(i % 24).unwrap()];
                    let mut appeal = template.clone();
                    let day = first
                        .saturating_add(jiff::Span::new().days(i64::try_from(i % 730).unwrap()));
                    let shift = day - appeal.registered_on;
                    appeal.id = AppealId(i);
                    appeal.number = RegistrationNumber {
                        kind: appeal.number.kind,
                        year: 2024,
                        seq: u32::try_from(i).unwrap(),
                    };
                    appeal.registered_on = day;
                    appeal.due = appeal.due.saturating_add(shift);
                    if let Some(signed) = appeal.answer.as_mut().and_then(|a| a.signed.as_mut()) {
                        signed.on = signed.on.saturating_add(shift);
                    }
                    let mut event = first_event.clone();
                    event.to = appeal.status;
                    event.change = Change::Registered(Box::new(appeal.clone()));
                    tx.insert_appeal(&appeal, &event)?;
                }
                Ok::<_, otinish::store::Error>(())
            })
            .unwrap();
        id = end;
    }
}

/// Times the report over many appeals. Run in release:
/// `OTINISH_BENCH_APPEALS=1000000 cargo test --release --test it report_timing -- --ignored --nocapture`
#[test]
#[ignore = "a measurement: seeds 100,000 appeals (OTINISH_BENCH_APPEALS to change) into a file"]
fn time_the_report_over_many_appeals() {
    let n: u64 = std::env::var("OTINISH_BENCH_APPEALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("otinish.redb")).unwrap();
    let started = std::time::Instant::now();
    bulk_seed(&store, n);
    let seeded = started.elapsed();
    let ctx = Ctx::new(
        store,
        Clock::fixed("2026-03-02T05:00:00Z".parse().unwrap()),
        Rules::from_config(&Config::default()),
    );
    let period = otinish::service::reports::period(&ctx, "2025-01-01", "2025-12-31").unwrap();
    let started = std::time::Instant::now();
    let report = otinish::service::reports::build(&ctx, None, period, &mut |_, _| {}).unwrap();
    let built = started.elapsed();
    let catalog = otinish::i18n::Catalog::load().unwrap();
    let mut rendered = Vec::new();
    for format in otinish::report::Format::ALL {
        let started = std::time::Instant::now();
        let bytes =
            otinish::report::render(&report, format, catalog.tr(otinish::i18n::Lang::Kk), None)
                .unwrap();
        rendered.push(format!(
            "{} {:.0} ms ({} KB)",
            format.code(),
            started.elapsed().as_secs_f64() * 1000.0,
            bytes.len() / 1024
        ));
    }
    let file = std::fs::metadata(dir.path().join("otinish.redb"))
        .unwrap()
        .len();
    eprintln!(
        "{n} appeals seeded in {:.1} s (store {} MB); report for 2025 ({} received, {} carried over, {} compared) built in {:.2} s; {}",
        seeded.as_secs_f64(),
        file / 1_000_000,
        report.figures.current.received,
        report.figures.current.carried_over,
        report.figures.before.received,
        built.as_secs_f64(),
        rendered.join(", ")
    );
    assert_eq!(
        report.figures.current.received + report.figures.before.received,
        n,
        "every seeded appeal falls in 2025 or 2024"
    );
}
