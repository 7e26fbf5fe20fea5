//! Load: the built binary under N keep-alive HTTPS clients for T seconds, over a mix of the
//! registry, appeal pages (staff) and submissions (applicants). Zero errors is the only pass;
//! p50/p99 per kind and the server's memory at start and end are printed.
//! `OTINISH_LOAD_CLIENTS` (default 8) and `OTINISH_LOAD_SECONDS` (default 4) make it longer.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use otinish::service::seed::{self, DEMO_PASSWORD};

use crate::support::{Binary, Browser, FileUpload, PDF, register_with, seeded_data_dir};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What one client did: (kind, latency) per request, and the failures it saw.
#[derive(Default)]
struct Tally {
    times: Vec<(&'static str, Duration)>,
    errors: Vec<String>,
}

impl Tally {
    fn expect(&mut self, kind: &'static str, started: Instant, status: u16, wanted: u16) {
        self.times.push((kind, started.elapsed()));
        if status != wanted {
            self.errors
                .push(format!("{kind}: {status}, wanted {wanted}"));
        }
    }
}

/// A staff member reading: the registry, then one of the appeals it lists.
fn browse(b: &mut Browser, tally: &mut Tally, turn: usize) {
    let started = Instant::now();
    let page = b.get("/registry");
    tally.expect("registry", started, page.status, 200);
    let links = page.links("/appeals/");
    if let Some(link) = links.get(turn % links.len().max(1)) {
        let started = Instant::now();
        let page = b.get(link);
        tally.expect("appeal page", started, page.status, 200);
    }
}

/// An applicant filing: the form, then the multipart submission.
fn submit(b: &mut Browser, tally: &mut Tally, subject: &str) {
    let form = b.get("/appeals/new");
    if form.status != 200 {
        tally.errors.push(format!("form: {}", form.status));
        return;
    }
    let fields = [
        ("kind", "application"),
        ("unit", "1"),
        ("category", "1"),
        ("subject", subject),
        ("description", "Жүктеме сынағы: бірнеше клиент бір уақытта."),
        ("name", &form.input_value("name").unwrap_or_default()),
        ("phone", &form.input_value("phone").unwrap_or_default()),
        ("email", &form.input_value("email").unwrap_or_default()),
        ("address", ""),
    ];
    let files = [FileUpload {
        name: "scan.pdf",
        bytes: PDF,
    }];
    let started = Instant::now();
    let done = b.post_multipart("/appeals/new", &fields, &files);
    tally.expect("submission", started, done.status, 303);
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let at = ((sorted.len().saturating_sub(1) as f64) * fraction).round() as usize;
    sorted.get(at).copied().unwrap_or_default()
}

#[test]
fn keep_alive_clients_over_a_mix_see_no_errors() {
    let clients = env_number("OTINISH_LOAD_CLIENTS", 8).max(2);
    let seconds = env_number("OTINISH_LOAD_SECONDS", 4);
    let dir = seeded_data_dir(60);
    let data = dir.path();
    let (server, addr) = Binary::start(data, "127.0.0.1:0");
    let base = format!("https://{addr}");
    let cert = std::fs::read_to_string(data.join("tls/cert.pem")).unwrap();
    let rss_start = server.rss_kib();

    // Half read as staff, half file as applicants; each keeps its own keep-alive connection.
    let browsers: Vec<(bool, Browser)> = (0..clients)
        .map(|n| {
            if n % 2 == 0 {
                let mut b = Browser::new(&base, &cert);
                let page = b.sign_in("clerk", DEMO_PASSWORD);
                assert_eq!(page.status, 303, "clerk sign-in: {}", page.text());
                (true, b)
            } else {
                let iin = seed::demo_iin(700 + u32::try_from(n).unwrap()).to_string();
                (
                    false,
                    register_with(Browser::new(&base, &cert), &iin, "Жүктеме Сынақ"),
                )
            }
        })
        .collect();

    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let threads: Vec<_> = browsers
        .into_iter()
        .enumerate()
        .map(|(client, (staff, mut b))| {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut tally = Tally::default();
                let mut turn = 0;
                while !stop.load(Ordering::SeqCst) {
                    if staff {
                        browse(&mut b, &mut tally, turn);
                    } else {
                        submit(&mut b, &mut tally, &format!("Жүктеме {client}-{turn}"));
                    }
                    turn += 1;
                }
                tally
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::SeqCst);
    let tallies: Vec<Tally> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let elapsed = started.elapsed();
    let rss_end = server.rss_kib();

    let errors: Vec<&String> = tallies.iter().flat_map(|t| &t.errors).collect();
    let total: usize = tallies.iter().map(|t| t.times.len()).sum();
    eprintln!(
        "load: {clients} keep-alive clients for {:.1} s, {total} timed requests ({:.0}/s), {} errors; server RSS {} KiB at start, {} KiB at end",
        elapsed.as_secs_f64(),
        f64::from(u32::try_from(total).unwrap()) / elapsed.as_secs_f64(),
        errors.len(),
        rss_start,
        rss_end
    );
    for kind in ["registry", "appeal page", "submission"] {
        let mut times: Vec<Duration> = tallies
            .iter()
            .flat_map(|t| &t.times)
            .filter(|(k, _)| *k == kind)
            .map(|(_, d)| *d)
            .collect();
        times.sort();
        eprintln!(
            "load: {kind:<12} n={:>5}  p50 {:>6.2} ms  p99 {:>6.2} ms",
            times.len(),
            percentile(&times, 0.5).as_secs_f64() * 1e3,
            percentile(&times, 0.99).as_secs_f64() * 1e3
        );
        assert!(!times.is_empty(), "no {kind} requests were made");
    }
    assert!(errors.is_empty(), "errors under load: {errors:?}");
    drop(server);
}
