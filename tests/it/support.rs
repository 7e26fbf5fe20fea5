//! `TestApp`: the appliance in-process on 127.0.0.1:0 with a throw-away certificate, and
//! `Browser`: an HTTPS client that trusts only that certificate and keeps cookies.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use otinish::clock::Clock;
use otinish::config::Config;
use otinish::domain::user::Role;
use otinish::service::auth::{self, StaffForm};
use otinish::service::{Ctx, Rules, admin};
use otinish::store::Store;
use otinish::web::server::ServerHandle;
use otinish::web::{self, App, tls};

/// A data directory whose store holds the demo institution and `appeals` appeals, seeded at
/// Mon 2 March 2026, 10:00 +05.
pub fn seeded_data_dir(appeals: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("otinish.redb")).unwrap();
    let now = "2026-03-02T05:00:00Z".parse().unwrap();
    let ctx = Ctx::new(
        store,
        Clock::fixed(now),
        Rules::from_config(&Config::default()),
    );
    otinish::service::seed::seed(&ctx, appeals, now).unwrap();
    dir
}

/// A raw TLS connection to `addr` trusting only `cert_pem` (the handshake happens on first use).
pub fn tls_stream(
    addr: std::net::SocketAddr,
    cert_pem: &str,
) -> rustls::StreamOwned<rustls::ClientConnection, std::net::TcpStream> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(cert_pem.as_bytes()).unwrap())
        .unwrap();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let conn =
        rustls::ClientConnection::new(Arc::new(config), "localhost".try_into().unwrap()).unwrap();
    let tcp = std::net::TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    tcp.set_write_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    rustls::StreamOwned::new(conn, tcp)
}

/// Reads one HTTP answer from a raw stream: its head, then as many body bytes as its
/// Content-Length names (or up to the end of the stream without one). The server keeps reading
/// a refused body for a while before it closes, so waiting for the end would wait that long.
pub fn read_answer(stream: &mut impl std::io::Read) -> String {
    let mut answer = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    loop {
        if let Some(head_end) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&answer[..head_end]).to_ascii_lowercase();
            let length = head.lines().find_map(|line| {
                line.strip_prefix("content-length:")
                    .and_then(|v| v.trim().parse::<usize>().ok())
            });
            if length.is_some_and(|length| answer.len() >= head_end + 4 + length) {
                break;
            }
        }
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(read) => answer.extend_from_slice(&buffer[..read]),
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

/// The password of every account the tests create.
pub const PASSWORD: &str = "correct horse battery";

/// A running appliance with the sample institution and one account per staff role.
pub struct TestApp {
    pub handle: Option<ServerHandle>,
    pub cert_pem: String,
    pub ctx: Ctx,
    /// The gateways the app was configured with (tests run the delivery worker by hand).
    pub gateways: otinish::service::gateway::Gateways,
    _dir: tempfile::TempDir,
}

/// A fresh store in a temporary directory with the sample institution, at a fixed working-day
/// morning (Mon 2 March 2026, 10:00 +05); the directory lives as long as the returned guard.
pub fn sample_store() -> (Ctx, Config, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::default().with_data_dir(dir.path().to_owned());
    let store = Store::open(&dir.path().join("otinish.redb")).unwrap();
    let ctx = Ctx::new(
        store,
        Clock::fixed("2026-03-02T05:00:00Z".parse().unwrap()),
        Rules::from_config(&config),
    );
    admin::setup_if_empty(&ctx, &admin::SetupForm::sample()).unwrap();
    (ctx, config, dir)
}

impl TestApp {
    /// Starts on a fresh sample store (see [`sample_store`]) with one account per staff role.
    pub fn spawn() -> Self {
        Self::spawn_with(|_| {})
    }

    /// [`TestApp::spawn`] with the configuration changed by `configure` first (gateways, …).
    pub fn spawn_with(configure: impl FnOnce(&mut Config)) -> Self {
        let (mut ctx, mut config, dir) = sample_store();
        configure(&mut config);
        ctx.rules = Rules::from_config(&config);
        for (login, name, role) in [
            ("admin", "Ерлан Жұмабаев", Role::Admin),
            ("director", "Гүлнар Серікова", Role::Director),
            ("clerk", "Динара Ахметова", Role::Clerk),
            ("executor", "Нұрлан Оспанов", Role::Executor),
        ] {
            auth::create_staff(
                &ctx,
                None,
                &StaffForm {
                    login: login.into(),
                    full_name: name.into(),
                    roles: vec![role],
                    password: PASSWORD.into(),
                    must_change_password: false,
                },
            )
            .unwrap();
        }
        Self::serve(ctx, &config, dir)
    }

    /// Serves `ctx` on 127.0.0.1:0 with a throw-away certificate.
    fn serve(ctx: Ctx, config: &Config, dir: tempfile::TempDir) -> Self {
        let material = tls::generate_self_signed(&[]).unwrap();
        let tls_config = tls::server_config(&material).unwrap();
        let app = Arc::new(App::new(ctx.clone(), config).unwrap());
        let gateways = app.gateways.clone();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let handle = web::start(app, listener, tls_config, web::limits(config)).unwrap();
        Self {
            handle: Some(handle),
            cert_pem: material.cert_pem,
            ctx,
            gateways,
            _dir: dir,
        }
    }

    /// What a restart of the appliance does, in-process: the server stops, the store closes,
    /// and a new server starts on the same data directory (default configuration, the clock
    /// where it was). Nothing kept in memory survives.
    #[allow(clippy::used_underscore_binding)] // `_dir` is only kept alive, but moves on here
    pub fn restart(mut self) -> Self {
        if let Some(handle) = self.handle.take() {
            handle.shutdown();
        }
        let now = self.ctx.now();
        let dir = std::mem::replace(&mut self._dir, tempfile::tempdir().unwrap());
        drop(self);
        let config = Config::default().with_data_dir(dir.path().to_owned());
        let store = Store::open(&dir.path().join("otinish.redb")).unwrap();
        let ctx = Ctx::new(store, Clock::fixed(now), Rules::from_config(&config));
        Self::serve(ctx, &config, dir)
    }

    /// A new browser with no cookies.
    pub fn browser(&self) -> Browser {
        let addr = self.handle.as_ref().unwrap().addr();
        Browser::new(&format!("https://{addr}"), &self.cert_pem)
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.shutdown();
        }
    }
}

/// One response.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
    pub headers: Vec<(String, String)>,
}

impl Page {
    /// The page's text without tags, whitespace collapsed: what a person reads.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in self.body.chars() {
            match c {
                '<' => {
                    in_tag = true;
                    out.push(' ');
                }
                '>' => in_tag = false,
                _ if !in_tag => out.push(c),
                _ => {}
            }
        }
        let out = out
            .replace("&amp;", "&")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">");
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The value of the first input named `name`.
    pub fn input_value(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\"");
        let at = self.body.find(&marker)?;
        let tag_start = self.body[..at].rfind('<')?;
        let tag_end = at + self.body[at..].find('>')?;
        let tag = &self.body[tag_start..tag_end];
        let v = tag.find("value=\"")? + 7;
        let end = tag[v..].find('"')?;
        Some(
            tag[v..v + end]
                .replace("&amp;", "&")
                .replace("&quot;", "\""),
        )
    }

    /// Every link target on the page that starts with `prefix`.
    pub fn links(&self, prefix: &str) -> Vec<String> {
        self.body
            .split("href=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .filter(|h| h.starts_with(prefix))
            .map(str::to_owned)
            .collect()
    }

    /// A header by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTPS client that keeps cookies and the last form's CSRF token, like a browser.
pub struct Browser {
    base: String,
    agent: ureq::Agent,
    cookies: BTreeMap<String, String>,
    pub csrf: Option<String>,
}

/// A file to upload.
pub struct FileUpload<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

impl Browser {
    pub fn new(base: &str, cert_pem: &str) -> Self {
        let cert = ureq::tls::Certificate::from_pem(cert_pem.as_bytes()).unwrap();
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(ureq::tls::RootCerts::Specific(Arc::new(vec![cert])))
            .build();
        let agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Self {
            base: base.to_owned(),
            agent,
            cookies: BTreeMap::new(),
            csrf: None,
        }
    }

    /// The value of one of this browser's cookies.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.get(name).cloned()
    }

    /// Sets a cookie as if the server had.
    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_owned(), value.to_owned());
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The `cookie` header this browser sends.
    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn finish(&mut self, mut response: ureq::http::Response<ureq::Body>) -> Page {
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect();
        for (name, value) in &headers {
            if name == "set-cookie" {
                let pair = value.split(';').next().unwrap_or_default();
                if let Some((k, v)) = pair.split_once('=') {
                    if v.is_empty() {
                        self.cookies.remove(k);
                    } else {
                        self.cookies.insert(k.to_owned(), v.to_owned());
                    }
                }
            }
        }
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(50 * 1024 * 1024)
            .read_to_string()
            .unwrap_or_default();
        let location = headers
            .iter()
            .find(|(k, _)| k == "location")
            .map(|(_, v)| v.clone());
        let page = Page {
            status,
            body,
            location,
            headers,
        };
        if let Some(token) = page.input_value("csrf") {
            self.csrf = Some(token);
        }
        page
    }

    /// GET a path.
    pub fn get(&mut self, path: &str) -> Page {
        let response = self
            .agent
            .get(self.url(path))
            .header("cookie", self.cookie_header())
            .call()
            .unwrap();
        self.finish(response)
    }

    /// GET a download: status, content type and the body as bytes.
    pub fn download(&mut self, path: &str) -> (u16, String, Vec<u8>) {
        let mut response = self
            .agent
            .get(self.url(path))
            .header("cookie", self.cookie_header())
            .call()
            .unwrap();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response
            .body_mut()
            .with_config()
            .limit(50 * 1024 * 1024)
            .read_to_vec()
            .unwrap();
        (response.status().as_u16(), content_type, body)
    }

    /// POST a URL-encoded form with the current CSRF token and a same-origin `Origin`.
    pub fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut pairs: Vec<(&str, &str)> = fields.to_vec();
        let csrf = self.csrf.clone().unwrap_or_default();
        if !fields.iter().any(|(k, _)| *k == "csrf") {
            pairs.push(("csrf", &csrf));
        }
        let body: String = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.post_raw(path, "application/x-www-form-urlencoded", body.as_bytes())
    }

    /// POST bytes with a content type, a same-origin `Origin` and the cookies.
    pub fn post_raw(&mut self, path: &str, content_type: &str, body: &[u8]) -> Page {
        let origin = self.base.clone();
        self.post_from(&origin, path, content_type, body)
    }

    /// POST bytes as if sent by a page of `origin`.
    pub fn post_from(&mut self, origin: &str, path: &str, content_type: &str, body: &[u8]) -> Page {
        let response = self
            .agent
            .post(self.url(path))
            .header("cookie", self.cookie_header())
            .header("origin", origin)
            .header("content-type", content_type)
            .send(body)
            .unwrap();
        self.finish(response)
    }

    /// POST a multipart form (fields plus files under the name `files`) with the CSRF token.
    pub fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[FileUpload],
    ) -> Page {
        let boundary = "----otinish-test-boundary-7e1f";
        let mut body = Vec::new();
        let csrf = self.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf", &csrf));
        for (name, value) in all {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
        }
        for file in files {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n", file.name).as_bytes(),
            );
            body.extend_from_slice(file.bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        // As the upload forms do: the token also in the action URL, checked before the body.
        let url = match path.split_once('?') {
            Some((_, query)) if query.split('&').any(|p| p.starts_with("csrf=")) => path.to_owned(),
            Some(_) => format!("{path}&csrf={csrf}"),
            None => format!("{path}?csrf={csrf}"),
        };
        self.post_raw(
            &url,
            &format!("multipart/form-data; boundary={boundary}"),
            &body,
        )
    }

    /// Signs in through the login form.
    pub fn sign_in(&mut self, name: &str, password: &str) -> Page {
        self.get("/login");
        self.post(
            "/login",
            &[("name", name), ("password", password), ("next", "")],
        )
    }
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A minimal valid PDF-looking file.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

/// Registers an applicant through the web form and accepts the terms; returns the browser.
pub fn registered_applicant(app: &TestApp, iin: &str, name: &str) -> Browser {
    register_with(app.browser(), iin, name)
}

/// Registers an applicant in browser `b` (with no session) and accepts the terms.
pub fn register_with(mut b: Browser, iin: &str, name: &str) -> Browser {
    b.get("/register");
    let page = b.post(
        "/register",
        &[
            ("kind", "individual"),
            ("tax_id", iin),
            ("full_name", name),
            ("phone", "+7 701 234 56 78"),
            ("email", "applicant@example.kz"),
            ("address", "Қарасу ауылы"),
            ("password", PASSWORD),
            ("password_again", PASSWORD),
        ],
    );
    assert_eq!(page.status, 303, "registration refused: {}", page.text());
    assert_eq!(page.location.as_deref(), Some("/terms"));
    b.get("/terms");
    let page = b.post("/terms", &[("agree", "yes")]);
    assert_eq!(page.status, 303);
    b
}

/// `otinish serve` (the built binary) on `bind` over `data`; killed with SIGKILL on drop.
pub struct Binary(std::process::Child);

impl Binary {
    /// Starts the binary and waits for its `listening on` line; returns it with the address.
    pub fn start(data: &std::path::Path, bind: &str) -> (Self, String) {
        Self::start_with(data, bind, &[])
    }

    /// [`Binary::start`] with more arguments for `serve`.
    pub fn start_with(data: &std::path::Path, bind: &str, extra: &[&str]) -> (Self, String) {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_otinish"));
        command
            .args(["serve", "--bind", bind])
            .args(extra)
            .arg("--data-dir")
            .arg(data)
            .stderr(std::process::Stdio::null());
        Self::spawn(command)
    }

    /// Spawns `command` (a `serve`, perhaps wrapped) and waits for its `listening on` line.
    pub fn spawn(mut command: std::process::Command) -> (Self, String) {
        use std::io::{BufRead, BufReader};
        let mut child = command
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let server = Self(child);
        let mut lines = BufReader::new(stdout).lines();
        let addr = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|l| l.strip_prefix("listening on https://").map(str::to_owned))
            .expect("the listening line");
        // Keep draining stdout so that a later line never meets a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        (server, addr)
    }

    /// Everything the server writes to stderr until it ends (spawned with a piped stderr).
    pub fn collect_log(&mut self) -> std::thread::JoinHandle<String> {
        use std::io::Read;
        let stderr = self.0.stderr.take();
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut stderr) = stderr {
                let _ = stderr.read_to_string(&mut text);
            }
            text
        })
    }

    /// The process's resident memory in KiB (Linux; 0 where /proc is missing).
    pub fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.0.id()))
            .ok()
            .and_then(|status| {
                status.lines().find_map(|l| {
                    l.strip_prefix("VmRSS:")
                        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                })
            })
            .unwrap_or(0)
    }

    /// SIGKILL (what `Child::kill` sends on unix), then reap.
    pub fn kill(mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Files an appeal through the applicant's form; returns the appeal page path.
pub fn file_appeal(b: &mut Browser, subject: &str, files: &[FileUpload]) -> (Page, String) {
    let form = b.get("/appeals/new");
    assert_eq!(form.status, 200, "{}", form.text());
    let fields = [
        ("kind", "application"),
        ("unit", "1"),
        ("category", "1"),
        ("subject", subject),
        ("description", "Балама домбыра үйірмесінен орын сұраймын."),
        ("name", &form.input_value("name").unwrap()),
        ("phone", &form.input_value("phone").unwrap()),
        ("email", &form.input_value("email").unwrap()),
        ("address", ""),
    ];
    let done = b.post_multipart("/appeals/new", &fields, files);
    assert_eq!(done.status, 303, "filing refused: {}", done.text());
    let receipt_path = done.location.clone().unwrap();
    let receipt = b.get(&receipt_path);
    let appeal_path = receipt_path.split("/receipt").next().unwrap().to_owned();
    (receipt, appeal_path)
}
