//! `cargo bench`: the appliance's figures on stores of 10k, 100k and 1M appeals, in one table
//! beside the machine's raw fsync rate.
//!
//! For each size a store is seeded in a temp directory (`seed::seed_bulk`), then measured
//! in-process (page handler time, durable submissions with 1 and 16 writers, the yearly report
//! from the running tallies for whole months and for edge days, and as a full fold) and
//! through the built binary over HTTPS keep-alive (cold start, registry and appeal page latency
//! and throughput, the server process's `VmRSS` idle and after the loads and its `VmHWM`), and
//! in the same run the registry beside the bare page (`/health`) at `OTINISH_BENCH_CONNECTIONS`
//! (32) connections, with their ratio. The machine and its load average head the table.
//! Environment:
//! `OTINISH_BENCH_SIZES` (default `10000,100000,1000000`), `OTINISH_BENCH_CLIENTS` (8),
//! `OTINISH_BENCH_REQUESTS` (per client, 250), `OTINISH_BENCH_FILINGS` (400).
#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::too_many_lines // main prints the one table, row by row
)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use otinish::clock::Clock;
use otinish::config::Config;
use otinish::domain::lang::Lang;
use otinish::domain::user::User;
use otinish::service::appeals::{self, AppealForm, Upload};
use otinish::service::auth::{self, RegistrationForm};
use otinish::service::seed::{self, DEMO_PASSWORD};
use otinish::service::{Ctx, Rules, reports};
use otinish::store::{FILE_NAME, Store, UserReads};
use otinish::web::request::Request;
use otinish::web::{self, App};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Sorted durations: the value at `fraction` (0.5 for p50).
fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let at = ((sorted.len().saturating_sub(1) as f64) * fraction).round() as usize;
    sorted.get(at).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// 4 KiB written and `sync_data`-ed `count` times in `dir`: the ceiling for durable commits.
fn raw_fsyncs_per_second(dir: &Path, count: u32) -> f64 {
    let mut file = std::fs::File::create(dir.join("fsync.probe")).unwrap();
    let block = [7_u8; 4096];
    let started = Instant::now();
    for _ in 0..count {
        file.write_all(&block).unwrap();
        file.sync_data().unwrap();
    }
    f64::from(count) / started.elapsed().as_secs_f64()
}

/// One column of the table.
#[derive(Default)]
struct Figures {
    appeals: u64,
    seeding: Duration,
    bytes_per_appeal: u64,
    handler_registry: (Duration, Duration),
    handler_appeal: (Duration, Duration),
    submissions_one: f64,
    submissions_many: f64,
    commits_per_batch: f64,
    report_months: Duration,
    report_days: Duration,
    report_fold: Duration,
    cold_start: Duration,
    /// The server's `VmRSS` once it has opened the store and answered its first page.
    rss_idle_kib: u64,
    /// Its `VmRSS` right after the last load (32 connections on the registry).
    rss_loaded_kib: u64,
    /// Its `VmHWM` then: the peak over every load of the run.
    rss_peak_kib: u64,
    https_registry: (Duration, Duration),
    https_registry_rps: f64,
    https_appeal_p99: Duration,
    /// The registry at `connections` connections: requests/s and p99.
    wide_registry: (f64, Duration),
    /// The bare page (`/health`, no session) at the same connections, in the same run.
    wide_bare: (f64, Duration),
}

fn applicants(ctx: &Ctx, count: u32) -> Vec<User> {
    (0..count)
        .map(|n| {
            let id = auth::register_applicant(
                ctx,
                &RegistrationForm {
                    kind: "individual".into(),
                    tax_id: seed::demo_iin(950 + n).to_string(),
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
            auth::accept_terms(ctx, &who).unwrap();
            ctx.store.read(|tx| tx.user(id)).unwrap().unwrap()
        })
        .collect()
}

fn file_one(ctx: &Ctx, who: &User, n: u64) {
    let upload = Upload {
        file_name: "scan.pdf".into(),
        bytes: b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
            .to_vec()
            .into(),
    };
    let form = AppealForm {
        kind: "application".into(),
        unit: "1".into(),
        category: "1".into(),
        subject: format!("Өтініш {n}"),
        description: "Балама домбыра үйірмесінен орын сұраймын.".into(),
        ..AppealForm::prefilled(who)
    };
    appeals::file(ctx, who, &form, std::slice::from_ref(&upload)).unwrap();
}

/// Durable filings per second with `writers` threads filing `total` appeals between them.
fn submissions_per_second(ctx: &Ctx, filers: &[User], total: u64) -> f64 {
    let writers = filers.len() as u64;
    let started = Instant::now();
    std::thread::scope(|scope| {
        for (w, who) in filers.iter().enumerate() {
            scope.spawn(move || {
                for n in 0..total / writers {
                    file_one(ctx, who, n * writers + w as u64);
                }
            });
        }
    });
    (total / writers * writers) as f64 / started.elapsed().as_secs_f64()
}

/// Handler time without sockets or TLS: the server's own share of a page.
fn handler_times(app: &App, path: &str, token: &str, count: usize) -> (Duration, Duration) {
    let mut request = Request::get(path);
    request
        .headers
        .push(("cookie".into(), format!("otinish_session={token}")));
    let mut times: Vec<Duration> = (0..count)
        .map(|_| {
            let started = Instant::now();
            let response = web::handle(app, request.clone());
            assert_eq!(response.status, 200, "{path}");
            started.elapsed()
        })
        .collect();
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

/// A memory figure of a process from `/proc/<pid>/status`, in KiB (Linux): `VmRSS` (resident
/// now) or `VmHWM` (the most it was ever resident).
fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix(field)
                    .and_then(|v| v.strip_prefix(':'))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            })
        })
        .unwrap_or(0)
}

/// The load average over the last minute, as `uptime` shows it.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}

/// A keep-alive HTTPS client that trusts only the server's certificate.
fn agent(cert_pem: &str) -> ureq::Agent {
    let cert = ureq::tls::Certificate::from_pem(cert_pem.as_bytes()).unwrap();
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::Specific(Arc::new(vec![
            cert.to_owned(),
        ])))
        .build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

fn get(agent: &ureq::Agent, url: &str, token: &str) -> u16 {
    let mut response = agent
        .get(url)
        .header("cookie", format!("otinish_session={token}"))
        .call()
        .unwrap();
    let _ = response.body_mut().read_to_vec();
    response.status().as_u16()
}

/// `clients` threads each GET `requests` paths from `path_of(i)` on their own keep-alive
/// connection; returns the sorted latencies and the requests per second.
fn https_load(
    base: &str,
    cert: &str,
    token: &str,
    clients: u64,
    requests: u64,
    path_of: &(dyn Fn(u64) -> String + Sync),
) -> (Vec<Duration>, f64) {
    let started = Instant::now();
    let mut times: Vec<Duration> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..clients)
            .map(|c| {
                scope.spawn(move || {
                    let agent = agent(cert);
                    (0..requests)
                        .map(|i| {
                            let url = format!("{base}{}", path_of(c * requests + i));
                            let at = Instant::now();
                            assert_eq!(get(&agent, &url, token), 200, "{url}");
                            at.elapsed()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect()
    });
    let rps = times.len() as f64 / started.elapsed().as_secs_f64();
    times.sort();
    (times, rps)
}

/// The built binary serving `data`; killed on drop.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    /// Starts `otinish serve` and waits for its first answered page; returns it with the time
    /// from spawn to that answer.
    fn start(data: &Path) -> (Self, Duration) {
        let started = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_otinish"))
            .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(data)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let addr = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|l| l.strip_prefix("listening on https://").map(str::to_owned))
            .expect("the listening line");
        std::thread::spawn(move || lines.for_each(drop));
        let base = format!("https://{addr}");
        let cert = std::fs::read_to_string(data.join("tls/cert.pem")).unwrap();
        assert_eq!(get(&agent(&cert), &format!("{base}/login"), "none"), 200);
        (Self { child, base }, started.elapsed())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The best of three builds of the report for `from`..`to` (from the running tallies).
fn report_time(ctx: &Ctx, from: &str, to: &str) -> Duration {
    let period = reports::period(ctx, from, to).unwrap();
    (0..3)
        .map(|_| {
            let started = Instant::now();
            reports::build(ctx, None, period, &mut |_, _| {}).unwrap();
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// How many connections, how many clients and requests each.
struct Load {
    clients: u64,
    requests: u64,
    connections: u64,
}

fn measure(appeals: u64, load: &Load, filings: u64) -> Figures {
    let Load {
        clients,
        requests,
        connections,
    } = *load;
    let dir = tempfile::tempdir().unwrap();
    let config = Config::default().with_data_dir(dir.path().to_owned());
    let path = dir.path().join(FILE_NAME);
    let now = "2026-03-02T05:00:00Z".parse().unwrap();
    let mut figures = Figures {
        appeals,
        ..Figures::default()
    };
    let token = {
        let store = Store::open(&path).unwrap();
        let ctx = Ctx::new(
            store.clone(),
            Clock::fixed(now),
            Rules::from_config(&config),
        );
        let started = Instant::now();
        seed::seed_bulk(&ctx, appeals, now).unwrap();
        figures.seeding = started.elapsed();
        figures.bytes_per_appeal = std::fs::metadata(&path).unwrap().len() / appeals.max(1);

        figures.report_months = report_time(&ctx, "2025-01-01", "2025-12-31");
        figures.report_days = report_time(&ctx, "2025-02-14", "2025-11-03");
        let period = reports::period(&ctx, "2025-01-01", "2025-12-31").unwrap();
        let started = Instant::now();
        reports::folded(&ctx, period).unwrap();
        figures.report_fold = started.elapsed();

        // Sessions are checked against the real clock by the server.
        let live = Ctx::new(store, Clock::system(), Rules::from_config(&config));
        let (token, _) =
            auth::sign_in(&live, "clerk", DEMO_PASSWORD, "127.0.0.1", "bench").unwrap();
        let app = App::new(live.clone(), &config).unwrap();
        figures.handler_registry = handler_times(&app, "/registry", &token, 300);
        figures.handler_appeal =
            handler_times(&app, &format!("/appeals/{}", appeals / 2 + 1), &token, 300);

        let filers = applicants(&ctx, 16);
        figures.submissions_one = submissions_per_second(&ctx, &filers[..1], filings / 4);
        let (closures, commits) = ctx.store.commit_counts();
        figures.submissions_many = submissions_per_second(&ctx, &filers, filings);
        let (closures_after, commits_after) = ctx.store.commit_counts();
        figures.commits_per_batch =
            (closures_after - closures) as f64 / (commits_after - commits).max(1) as f64;
        token
    };

    let (server, cold_start) = Server::start(dir.path());
    figures.cold_start = cold_start;
    figures.rss_idle_kib = status_kib(server.child.id(), "VmRSS");
    let cert = std::fs::read_to_string(dir.path().join("tls/cert.pem")).unwrap();
    let (times, rps) = https_load(&server.base, &cert, &token, clients, requests, &|_| {
        "/registry".to_owned()
    });
    figures.https_registry = (percentile(&times, 0.5), percentile(&times, 0.99));
    figures.https_registry_rps = rps;
    let (times, _) = https_load(&server.base, &cert, &token, clients, requests, &|i| {
        format!("/appeals/{}", 1 + (i * 7919) % appeals.max(1))
    });
    figures.https_appeal_p99 = percentile(&times, 0.99);
    let (times, rps) = https_load(&server.base, &cert, "none", connections, requests, &|_| {
        "/health".to_owned()
    });
    figures.wide_bare = (rps, percentile(&times, 0.99));
    let (times, rps) = https_load(&server.base, &cert, &token, connections, requests, &|_| {
        "/registry".to_owned()
    });
    figures.wide_registry = (rps, percentile(&times, 0.99));
    figures.rss_loaded_kib = status_kib(server.child.id(), "VmRSS");
    figures.rss_peak_kib = status_kib(server.child.id(), "VmHWM");
    figures
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_owned())
        })
        .and_then(|kib| kib.parse::<u64>().ok())
        .map_or(0, |kib| kib / 1024 / 1024);
    format!("{cpu}, {cores} cores, {memory} GiB RAM")
}

fn main() {
    let sizes: Vec<u64> = std::env::var("OTINISH_BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000,1000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let clients = env_number("OTINISH_BENCH_CLIENTS", 8);
    let requests = env_number("OTINISH_BENCH_REQUESTS", 250);
    let filings = env_number("OTINISH_BENCH_FILINGS", 400);
    let connections = env_number("OTINISH_BENCH_CONNECTIONS", 32);
    let load = Load {
        clients,
        requests,
        connections,
    };
    let load_at_start = load_average();
    let probe = tempfile::tempdir().unwrap();
    let fsyncs = raw_fsyncs_per_second(probe.path(), 2000);
    let columns: Vec<Figures> = sizes
        .iter()
        .map(|&n| {
            eprintln!("bench: measuring a store of {n} appeals …");
            measure(n, &load, filings)
        })
        .collect();

    println!("machine: {}", machine());
    println!(
        "load average (1 min) at start / end: {load_at_start} / {}",
        load_average()
    );
    println!(
        "HTTPS: {clients} keep-alive clients × {requests} requests; submissions: {filings} filings"
    );
    let header: Vec<String> = columns
        .iter()
        .map(|c| format!("{} appeals", c.appeals))
        .collect();
    println!("| figure | {} |", header.join(" | "));
    println!("|---|{}", "---:|".repeat(columns.len()));
    let row = |name: &str, cell: &dyn Fn(&Figures) -> String| {
        let cells: Vec<String> = columns.iter().map(cell).collect();
        println!("| {name} | {} |", cells.join(" | "));
    };
    row("raw fsync (4 KiB write + fdatasync), /s", &|_| {
        format!("{fsyncs:.0}")
    });
    row("durable submissions, 1 writer, /s", &|c| {
        format!("{:.0}", c.submissions_one)
    });
    row("durable submissions, 16 writers, /s", &|c| {
        format!("{:.0}", c.submissions_many)
    });
    row("use cases per durable commit (16 writers)", &|c| {
        format!("{:.1}", c.commits_per_batch)
    });
    row("registry page, handler p50 / p99, ms", &|c| {
        format!(
            "{:.3} / {:.3}",
            ms(c.handler_registry.0),
            ms(c.handler_registry.1)
        )
    });
    row("appeal page, handler p50 / p99, ms", &|c| {
        format!(
            "{:.3} / {:.3}",
            ms(c.handler_appeal.0),
            ms(c.handler_appeal.1)
        )
    });
    row("registry over HTTPS p50 / p99, ms", &|c| {
        format!(
            "{:.2} / {:.2}",
            ms(c.https_registry.0),
            ms(c.https_registry.1)
        )
    });
    row("registry over HTTPS, requests/s", &|c| {
        format!("{:.0}", c.https_registry_rps)
    });
    row("appeal page over HTTPS p99, ms", &|c| {
        format!("{:.2}", ms(c.https_appeal_p99))
    });
    row(
        &format!("registry over HTTPS, {connections} connections, requests/s / p99 ms"),
        &|c| format!("{:.0} / {:.2}", c.wide_registry.0, ms(c.wide_registry.1)),
    );
    row(
        &format!("bare page (/health), {connections} connections, requests/s / p99 ms"),
        &|c| format!("{:.0} / {:.2}", c.wide_bare.0, ms(c.wide_bare.1)),
    );
    row("registry ÷ bare page, requests/s (same run)", &|c| {
        format!("{:.2}", c.wide_registry.0 / c.wide_bare.0.max(1.0))
    });
    row("yearly report (2025, whole months), ms", &|c| {
        format!("{:.1}", ms(c.report_months))
    });
    row("report 14 Feb – 3 Nov 2025 (edge days), ms", &|c| {
        format!("{:.1}", ms(c.report_days))
    });
    row("yearly report as a full fold (reference), s", &|c| {
        format!("{:.2}", c.report_fold.as_secs_f64())
    });
    row("cold start to first response, ms", &|c| {
        format!("{:.0}", ms(c.cold_start))
    });
    row("server RSS idle / after load / peak (VmHWM), MiB", &|c| {
        format!(
            "{:.1} / {:.1} / {:.1}",
            c.rss_idle_kib as f64 / 1024.0,
            c.rss_loaded_kib as f64 / 1024.0,
            c.rss_peak_kib as f64 / 1024.0
        )
    });
    row("store size per appeal, bytes", &|c| {
        c.bytes_per_appeal.to_string()
    });
    row("seeding (bulk), s", &|c| {
        format!("{:.1}", c.seeding.as_secs_f64())
    });
}
