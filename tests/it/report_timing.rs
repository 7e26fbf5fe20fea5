//! How long the report takes over many appeals (an ignored test: a measurement, run by hand in
//! release). The appeals come from `seed::seed_bulk`: copies written through the store's own
//! write path in big transactions, far faster than filing each through the use cases.

use otinish::clock::Clock;
use otinish::config::Config;
use otinish::service::{Ctx, Rules, seed};
use otinish::store::Store;

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
    let now = "2026-03-02T05:00:00Z".parse().unwrap();
    let ctx = Ctx::new(
        store,
        Clock::fixed(now),
        Rules::from_config(&Config::default()),
    );
    let started = std::time::Instant::now();
    seed::seed_bulk(&ctx, n, now).unwrap();
    let seeded = started.elapsed();
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
