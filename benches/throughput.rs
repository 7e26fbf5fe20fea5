//! `cargo bench`: durable submissions per second beside the machine's raw fsync rate, and the
//! registry page's p50/p99, on a seeded store in a temp directory. Short by design; set
//! `OTINISH_BENCH_APPEALS` (default 2000) and `OTINISH_BENCH_FILINGS` (default 200) for more.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::time::{Duration, Instant};

use otinish::clock::Clock;
use otinish::config::Config;
use otinish::domain::lang::Lang;
use otinish::service::appeals::{self, AppealForm, Upload};
use otinish::service::auth::{self, RegistrationForm};
use otinish::service::seed::{self, DEMO_PASSWORD};
use otinish::service::{Ctx, Rules};
use otinish::store::{FILE_NAME, Store, UserReads};
use otinish::web::request::Request;
use otinish::web::{self, App};

fn env_number(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Sorted durations: the value at `fraction` (0.5 for p50).
fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let last = sorted.len().saturating_sub(1);
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let at = ((last as f64) * fraction).round() as usize;
    sorted.get(at).copied().unwrap_or_default()
}

/// 4 KiB written and `sync_data`-ed `count` times in `dir`: the ceiling for durable commits.
fn raw_fsyncs_per_second(dir: &std::path::Path, count: u32) -> f64 {
    let mut file = std::fs::File::create(dir.join("fsync.probe")).unwrap();
    let block = [7_u8; 4096];
    let started = Instant::now();
    for _ in 0..count {
        file.write_all(&block).unwrap();
        file.sync_data().unwrap();
    }
    f64::from(count) / started.elapsed().as_secs_f64()
}

fn main() {
    let appeals_in_store = env_number("OTINISH_BENCH_APPEALS", 2000);
    let filings = env_number("OTINISH_BENCH_FILINGS", 200);
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: dir.path().to_owned(),
        ..Config::default()
    };
    let store = Store::open(&dir.path().join(FILE_NAME)).unwrap();
    let now = "2026-03-02T05:00:00Z".parse().unwrap();
    let ctx = Ctx::new(store, Clock::fixed(now), Rules::from_config(&config));

    let started = Instant::now();
    let logins = seed::seed(&ctx, appeals_in_store, now).unwrap();
    let seeding = started.elapsed();

    let fsyncs = raw_fsyncs_per_second(dir.path(), filings);

    let id = auth::register_applicant(
        &ctx,
        &RegistrationForm {
            kind: "individual".into(),
            tax_id: seed::demo_iin(999).to_string(),
            full_name: "Байжанова Айгүл Серікқызы".into(),
            phone: "+77011234567".into(),
            email: "aigul@example.kz".into(),
            address: "Қарасу ауылы".into(),
            password: DEMO_PASSWORD.into(),
            password_again: DEMO_PASSWORD.into(),
        },
        Lang::Kk,
    )
    .unwrap();
    let who = ctx.store.read(|tx| tx.user(id)).unwrap().unwrap();
    auth::accept_terms(&ctx, &who).unwrap();
    let who = ctx.store.read(|tx| tx.user(id)).unwrap().unwrap();
    let upload = Upload {
        file_name: "scan.pdf".into(),
        bytes: b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec(),
    };
    let started = Instant::now();
    for n in 0..filings {
        let form = AppealForm {
            kind: "application".into(),
            unit: "1".into(),
            category: "1".into(),
            subject: format!("Өтініш {n}"),
            description: "Балама домбыра үйірмесінен орын сұраймын.".into(),
            ..AppealForm::prefilled(&who)
        };
        appeals::file(&ctx, &who, &form, std::slice::from_ref(&upload)).unwrap();
    }
    let submissions = f64::from(filings) / started.elapsed().as_secs_f64();

    let app = App::new(ctx.clone(), &config).unwrap();
    let staff = logins.first().expect("the demo staff").login.clone();
    let (token, _) = auth::sign_in(&ctx, &staff, DEMO_PASSWORD, "127.0.0.1", "bench").unwrap();
    let mut request = Request::get("/registry");
    request
        .headers
        .push(("cookie".into(), format!("otinish_session={token}")));
    let mut times: Vec<Duration> = (0..200)
        .map(|_| {
            let started = Instant::now();
            let response = web::handle(&app, &request);
            assert_eq!(response.status, 200, "the registry page");
            started.elapsed()
        })
        .collect();
    times.sort();

    println!(
        "store: {appeals_in_store} seeded appeals (seeding {:.1} s)",
        seeding.as_secs_f64()
    );
    println!("raw fsync (4 KiB write + fdatasync):   {fsyncs:>8.0} /s");
    println!("durable submissions (one writer):      {submissions:>8.0} /s");
    println!(
        "registry page, in-process (no TLS):    p50 {:.2} ms, p99 {:.2} ms",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3
    );
}
