//! Crash safety: the real binary is killed with SIGKILL at random moments while applicants file
//! appeals over HTTPS from several threads; after every restart each filing that got its 303 must
//! still be there, and `otinish check` must pass on the stopped store. Zero losses is the only pass.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use otinish::service::seed;

use crate::support::{Binary as Server, Browser, PDF, register_with, seeded_data_dir};

const BIN: &str = env!("CARGO_BIN_EXE_otinish");

/// Kill/restart cycles: the issue asks for at least 20 in CI.
const CYCLES: u32 = 20;

/// Applicants filing at the same time.
const FILERS: u32 = 3;

/// A small xorshift generator: the kill moments only need to vary, and the seed is printed.
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

fn check_passes(data: &Path) {
    let out = Command::new(BIN)
        .args(["check", "--data-dir"])
        .arg(data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "otinish check failed: exit {:?}\n{}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Registers applicant `n` through the web form and accepts the terms.
fn register(base: &str, cert: &str, n: u32) -> Browser {
    let iin = seed::demo_iin(900 + n).to_string();
    register_with(Browser::new(base, cert), &iin, "Байжанова Айгүл Серікқызы")
}

/// One filing; `Some(receipt path)` only when the server answered 303. A connection error
/// (the server was killed) panics inside `Browser`, which counts as no answer.
fn try_file(b: &mut Browser, subject: &str) -> Option<String> {
    catch_unwind(AssertUnwindSafe(|| {
        let form = b.get("/appeals/new");
        if form.status != 200 {
            return None;
        }
        let fields = [
            ("kind", "application"),
            ("unit", "1"),
            ("category", "1"),
            ("subject", subject),
            ("description", "Сынақ: сервер кез келген сәтте тоқтатылады."),
            ("name", &form.input_value("name")?),
            ("phone", &form.input_value("phone")?),
            ("email", &form.input_value("email")?),
            ("address", ""),
        ];
        let files = [crate::support::FileUpload {
            name: "scan.pdf",
            bytes: PDF,
        }];
        let done = b.post_multipart("/appeals/new", &fields, &files);
        (done.status == 303).then_some(done.location?)
    }))
    .ok()
    .flatten()
}

#[test]
fn no_acknowledged_filing_is_lost_when_the_server_is_killed_at_random_moments() {
    let started = Instant::now();
    let dir = seeded_data_dir(1);
    let data = dir.path();
    let (mut server, addr) = Server::start(data, "127.0.0.1:0");
    let base = format!("https://{addr}");
    let cert = std::fs::read_to_string(data.join("tls/cert.pem")).unwrap();
    let mut browsers: Vec<Browser> = (0..FILERS).map(|n| register(&base, &cert, n)).collect();

    let seed_value = u64::from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos(),
    ) | 1;
    eprintln!("kill schedule seed {seed_value}");
    let mut rng = Rng(seed_value);
    let acknowledged: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let mut attempts = 0_u32;

    for cycle in 0..CYCLES {
        let stop = Arc::new(AtomicBool::new(false));
        let threads: Vec<_> = browsers
            .drain(..)
            .enumerate()
            .map(|(filer, mut b)| {
                let stop = Arc::clone(&stop);
                let acknowledged = Arc::clone(&acknowledged);
                std::thread::spawn(move || {
                    let mut tried = 0_u32;
                    while !stop.load(Ordering::SeqCst) {
                        let subject = format!("Өтініш {cycle}-{filer}-{tried}");
                        tried += 1;
                        match try_file(&mut b, &subject) {
                            Some(receipt) => acknowledged.lock().unwrap().push((receipt, subject)),
                            None => std::thread::sleep(Duration::from_millis(20)),
                        }
                    }
                    (b, tried)
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(150 + rng.next(500)));
        server.kill();
        stop.store(true, Ordering::SeqCst);
        for thread in threads {
            let (b, tried) = thread.join().unwrap();
            attempts += tried;
            browsers.push(b);
        }
        check_passes(data);
        (server, _) = Server::start(data, &addr);
    }

    let acknowledged = acknowledged.lock().unwrap().clone();
    let mut lost = Vec::new();
    for (receipt, subject) in &acknowledged {
        let filer: usize = subject.split('-').nth(1).unwrap().parse().unwrap();
        let page = browsers[filer].get(receipt);
        if page.status != 200 || !page.text().contains(subject.as_str()) {
            lost.push((receipt.clone(), subject.clone(), page.status));
        }
    }
    server.kill();
    check_passes(data);
    eprintln!(
        "{CYCLES} SIGKILL cycles, {attempts} filings attempted, {} acknowledged, {} lost, {:.1} s",
        acknowledged.len(),
        lost.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        acknowledged.len() >= CYCLES as usize,
        "too few filings got through to prove anything"
    );
    assert!(lost.is_empty(), "lost after SIGKILL: {lost:?}");
}

/// Disk full, simulated with a file-size limit (`prlimit --fsize`, SIGXFSZ ignored so the write
/// fails with EFBIG as it would with ENOSPC): filings fail with the clear 503 page and a log
/// line, every acknowledged filing stays readable while the server runs on, and `check` passes.
#[test]
fn a_full_disk_refuses_writes_with_a_clear_page_and_reads_go_on() {
    if Command::new("prlimit").arg("--version").output().is_err() {
        eprintln!("skipped: prlimit (util-linux) is not installed");
        return;
    }
    let dir = seeded_data_dir(2);
    let data = dir.path();
    // First start without a limit writes the certificate; then the limit: the store may grow
    // by at most 2 MiB.
    let (server, _) = Server::start(data, "127.0.0.1:0");
    server.kill();
    let size = std::fs::metadata(data.join("otinish.redb")).unwrap().len();
    let limit = size + 2 * 1024 * 1024;
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg("trap '' XFSZ; exec prlimit --fsize=\"$1\" -- \"$2\" serve --bind 127.0.0.1:0 --data-dir \"$3\"")
        .arg("sh")
        .arg(limit.to_string())
        .arg(BIN)
        .arg(data)
        .stderr(std::process::Stdio::piped());
    let (mut child, addr) = Server::spawn(command);
    let log = child.collect_log();
    let base = format!("https://{addr}");
    let cert = std::fs::read_to_string(data.join("tls/cert.pem")).unwrap();
    let mut b = register(&base, &cert, 0);
    let scan: Vec<u8> = PDF
        .iter()
        .copied()
        .chain(std::iter::repeat_n(b'%', 300_000))
        .collect();
    let mut acknowledged = Vec::new();
    let mut refusal = None;
    for n in 0..40 {
        let form = b.get("/appeals/new");
        assert_eq!(form.status, 200);
        let subject = format!("Толы диск {n}");
        let fields = [
            ("kind", "application"),
            ("unit", "1"),
            ("category", "1"),
            ("subject", subject.as_str()),
            ("description", "Диск толғанша өтініш беріледі."),
            ("name", &form.input_value("name").unwrap()),
            ("phone", &form.input_value("phone").unwrap()),
            ("email", &form.input_value("email").unwrap()),
            ("address", ""),
        ];
        let files = [crate::support::FileUpload {
            name: "scan.pdf",
            bytes: &scan,
        }];
        let done = b.post_multipart("/appeals/new", &fields, &files);
        match done.status {
            303 => acknowledged.push((done.location.unwrap(), subject)),
            503 => {
                refusal = Some(done);
                break;
            }
            other => panic!("filing {n}: unexpected {other}: {}", done.text()),
        }
    }
    let refusal = refusal.expect("the file-size limit was reached within 40 filings");
    assert!(
        refusal.text().contains("сақталмады"),
        "the page says nothing was saved: {}",
        refusal.text()
    );
    assert!(
        !acknowledged.is_empty(),
        "some filings fitted before the limit"
    );
    for (receipt, subject) in &acknowledged {
        let page = b.get(receipt);
        assert_eq!(
            page.status, 200,
            "{receipt} is still readable: {:?}",
            page.location
        );
        assert!(page.text().contains(subject.as_str()));
    }
    assert_eq!(b.get("/").status, 200, "the cabinet still opens");
    child.kill();
    let log = log.join().unwrap();
    assert!(
        log.contains("cannot be written"),
        "a log line names the failure: {log}"
    );
    assert!(
        log.contains("registered by user") && log.contains(": registered\n"),
        "each state change has its log line: {log}"
    );
    check_passes(data);
    let (server, addr) = Server::start(data, "127.0.0.1:0");
    let mut b = Browser::new(&format!("https://{addr}"), &cert);
    let iin = seed::demo_iin(900).to_string();
    assert_eq!(b.sign_in(&iin, crate::support::PASSWORD).status, 303);
    for (receipt, subject) in &acknowledged {
        assert!(
            b.get(receipt).text().contains(subject.as_str()),
            "{receipt} after restart"
        );
    }
    server.kill();
}
