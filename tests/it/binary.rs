//! The built binary as a black box: serve, help, configuration errors, the local root CA.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_otinish");

/// A child process killed on drop.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `otinish serve` on port 0 in a fresh data directory; returns the child, the
/// lines it printed up to the listening line, and the address.
fn serve(dir: &std::path::Path) -> (Running, Vec<String>, String) {
    let mut command = Command::new(BIN);
    command
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(dir);
    until_listening(command)
}

/// Spawns a serving command; returns the child, the lines it printed up to the listening
/// line, and the address.
fn until_listening(mut command: Command) -> (Running, Vec<String>, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let done = line.starts_with("listening on https://");
        lines.push(line);
        if done {
            break;
        }
    }
    let addr = lines
        .last()
        .and_then(|l| l.strip_prefix("listening on https://"))
        .expect("the listening line")
        .to_owned();
    (running, lines, addr)
}

/// The daily copies in a folder (none when it does not exist).
fn daily_copies(folder: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| {
                    std::path::Path::new(name)
                        .extension()
                        .is_some_and(|ext| ext == "redb")
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Waits (at most a minute) for the server's housekeeping to write its first daily copy.
fn wait_for_daily_copy(folder: &std::path::Path) -> Vec<String> {
    for _ in 0..600 {
        let copies = daily_copies(folder);
        if !copies.is_empty() {
            return copies;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    daily_copies(folder)
}

fn agent_trusting(cert_pem: &[u8]) -> ureq::Agent {
    let cert = ureq::tls::Certificate::from_pem(cert_pem).unwrap();
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::Specific(std::sync::Arc::new(vec![
            cert.to_owned(),
        ])))
        .build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

#[test]
fn serve_prints_the_listening_line_and_answers_over_https() {
    let dir = tempfile::tempdir().unwrap();
    let (_child, lines, addr) = serve(dir.path());
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("first admin created: login `admin`")),
        "{lines:?}"
    );
    let cert = std::fs::read(dir.path().join("tls/cert.pem")).unwrap();
    let agent = agent_trusting(&cert);
    let mut response = agent.get(format!("https://{addr}/")).call().unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body = response.body_mut().read_to_string().unwrap();
    assert!(body.contains("lang=\"kk\""), "Kazakh by default");
}

#[test]
fn a_second_start_reuses_the_store_and_certificate_and_creates_no_second_admin() {
    let dir = tempfile::tempdir().unwrap();
    let first_cert = {
        let (_child, _, _) = serve(dir.path());
        std::fs::read(dir.path().join("tls/cert.pem")).unwrap()
    };
    let (_child, lines, _) = serve(dir.path());
    assert!(
        !lines.iter().any(|l| l.contains("first admin")),
        "{lines:?}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("tls/cert.pem")).unwrap(),
        first_cert
    );
}

#[test]
fn help_describes_the_commands() {
    let output = Command::new(BIN).arg("--help").output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    for command in ["serve", "init", "demo", "user", "check-config"] {
        assert!(text.contains(command), "{text}");
    }
}

#[test]
fn a_bad_config_file_exits_non_zero_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("otinish.toml");
    std::fs::write(&path, "[limits]\nmax_conections = 5\n").unwrap();
    let output = Command::new(BIN)
        .args(["check-config", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("max_conections"), "{stderr}");

    std::fs::write(&path, "bind = \"nowhere\"\n").unwrap();
    let output = Command::new(BIN)
        .args(["serve", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8(output.stderr).unwrap().contains("`bind`"));

    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let output = Command::new(BIN)
        .args(["check-config", "--config"])
        .arg(&example)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn init_then_user_add_creates_a_staff_account_that_must_change_its_password() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .args(["init", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .contains("first admin created")
    );
    assert!(dir.path().join("otinish.redb").exists());
    assert!(dir.path().join("tls/key.pem").exists());
    let output = Command::new(BIN)
        .args([
            "user",
            "add",
            "--login",
            "clerk",
            "--name",
            "Динара Ахметова",
            "--role",
            "clerk,executor",
            "--data-dir",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .contains("one-time password")
    );
    let again = Command::new(BIN)
        .args([
            "user",
            "add",
            "--login",
            "clerk",
            "--name",
            "Someone",
            "--role",
            "clerk",
            "--data-dir",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1), "a taken login is refused");
    let usage = Command::new(BIN)
        .args(["user", "add", "--login", "x"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2), "usage errors exit 2");
}

/// Sends every host name to one address, as an office DNS entry for the appliance would.
#[derive(Debug)]
struct ResolveTo(std::net::SocketAddr);

impl ureq::unversioned::resolver::Resolver for ResolveTo {
    fn resolve(
        &self,
        _uri: &ureq::http::Uri,
        _config: &ureq::config::Config,
        _timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let mut addrs = self.empty();
        addrs.push(self.0);
        Ok(addrs)
    }
}

#[test]
fn tls_ca_issues_a_certificate_that_a_client_trusting_only_the_root_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .args(["tls", "ca", "--name", "desk.example", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let ca_file = dir.path().join("tls/ca.pem");
    assert!(stdout.contains(&ca_file.display().to_string()), "{stdout}");
    assert!(stdout.contains("SHA-256"), "{stdout}");
    assert!(stdout.contains("restart"), "{stdout}");

    let (_child, _, addr) = serve(dir.path());
    let ca = std::fs::read(&ca_file).unwrap();
    let cert = ureq::tls::Certificate::from_pem(&ca).unwrap();
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::Specific(std::sync::Arc::new(vec![
            cert.to_owned(),
        ])))
        .build();
    let config = ureq::Agent::config_builder()
        .tls_config(tls)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build();
    let agent = ureq::Agent::with_parts(
        config,
        ureq::unversioned::transport::DefaultConnector::default(),
        ResolveTo(addr.parse().unwrap()),
    );
    let port = addr.rsplit(':').next().unwrap();
    let response = agent
        .get(format!("https://desk.example:{port}/login"))
        .call()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let response = agent
        .get(format!("https://localhost:{port}/login"))
        .call()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[test]
fn tls_ca_refuses_a_name_that_is_not_a_host_name() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .args(["tls", "ca", "--name", "bad name", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("`bad name` is not a host name"), "{stderr}");
    assert!(!dir.path().join("tls").exists(), "nothing written");
}

/// `serve --data-dir DIR` takes its daily backup into DIR/backups, also with a configuration
/// file that names no backup folder; nothing lands in the working directory.
/// See: issue 11 (`--data-dir` left the backups in ./otinish-data/backups).
#[test]
fn serve_with_a_data_dir_takes_its_daily_backup_inside_it() {
    let work = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let config = work.path().join("otinish.toml");
    // Due at any time of day, so the copy is taken at start.
    std::fs::write(&config, "[backups]\nat = \"00:00\"\n").unwrap();
    let mut command = Command::new(BIN);
    command
        .current_dir(work.path())
        .args(["serve", "--bind", "127.0.0.1:0", "--config"])
        .arg(&config)
        .arg("--data-dir")
        .arg(data.path());
    let (child, _, _) = until_listening(command);
    let copies = wait_for_daily_copy(&data.path().join("backups"));
    drop(child);
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert!(
        !work.path().join("otinish-data").exists(),
        "nothing in the working directory"
    );
}

/// `demo --data-dir DIR` keeps its store and its daily backup in DIR, not in the working
/// directory. See: issue 11.
#[test]
fn demo_with_a_data_dir_keeps_its_backups_inside_it() {
    let work = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let mut command = Command::new(BIN);
    command
        .current_dir(work.path())
        .args([
            "demo",
            "--bind",
            "127.0.0.1:0",
            "--appeals",
            "3",
            "--data-dir",
        ])
        .arg(data.path());
    let (child, _, _) = until_listening(command);
    // The demo takes the default `backups.at` (02:00 at UTC+5): before it no copy is due.
    let local = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(5)));
    if local.hour() >= 2 {
        let copies = wait_for_daily_copy(&data.path().join("backups"));
        assert_eq!(copies.len(), 1, "{copies:?}");
    }
    drop(child);
    assert!(data.path().join("otinish.redb").exists());
    assert!(
        !work.path().join("otinish-data").exists(),
        "nothing in the working directory"
    );
}
