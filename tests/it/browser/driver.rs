//! One headless Chromium, driven over `WebDriver`: chromedriver on a free port, fantoccini as the
//! client, and a blocking facade so that tests read top to bottom like the steps a person takes.
//!
//! The async runtime here belongs to the tests; the product stays synchronous. Browser tests take
//! turns (one Chromium at a time: the machines have two cores), and each gets a fresh profile.
//! When chromedriver or Chromium is missing the test is skipped with a message, unless
//! `OTINISH_REQUIRE_BROWSER=1` (set by `.ci/run`), which turns that into a failure.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::wd::PrintConfiguration;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// Launch flags for Chromium on these machines (see the environment notes): no GPU, no QUIC,
/// nothing that phones home.
const CHROMIUM_FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// Desktop viewport of the screenshots and most checks.
pub const DESKTOP: (u32, u32) = (1366, 768);
/// Phone viewport of the screenshots.
pub const PHONE: (u32, u32) = (390, 844);

static TURN: Mutex<()> = Mutex::new(());

/// Whether a missing browser must fail the test instead of skipping it.
pub fn browser_required() -> bool {
    std::env::var("OTINISH_REQUIRE_BROWSER").is_ok_and(|v| v == "1")
}

/// Says, past the test harness's capture, that a test did not run and why; or fails it when
/// the browser is required.
pub fn skip(test: &str, why: &str) {
    assert!(
        !browser_required(),
        "{test}: {why}, and OTINISH_REQUIRE_BROWSER=1 says browser tests must run"
    );
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED browser test {test}: {why} (apt-get install chromium chromium-driver; \
         set OTINISH_REQUIRE_BROWSER=1 to make this a failure)"
    );
}

/// The first of `names` found on `PATH`, or the file named by the environment variable `var`.
pub fn program(var: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(var) {
        return Some(PathBuf::from(path));
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// Where test artifacts go: `target/<what>/`.
pub fn artifacts(what: &str) -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.parent().unwrap_or(tmp).join(what);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// How a session's browser is set up.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Whether pages may run JavaScript (off proves the pages work without it).
    pub javascript: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self { javascript: true }
    }
}

/// A browser session against the appliance at `base`.
pub struct Session {
    client: Option<Client>,
    rt: tokio::runtime::Runtime,
    driver: Child,
    driver_url: String,
    id: String,
    base: String,
    _profile: tempfile::TempDir,
    _turn: MutexGuard<'static, ()>,
}

impl Session {
    /// A new browser on `base` (`https://127.0.0.1:port`), or `None` (with a message) when
    /// there is no chromedriver or Chromium here.
    pub fn start(base: &str, test: &str) -> Option<Self> {
        Self::start_with(base, test, Options::default())
    }

    /// Same, with options.
    pub fn start_with(base: &str, test: &str, options: Options) -> Option<Self> {
        let Some(chromedriver) = program("CHROMEDRIVER", &["chromedriver"]) else {
            skip(test, "chromedriver not found");
            return None;
        };
        let Some(chromium) = program(
            "CHROMIUM",
            &["chromium", "chromium-browser", "google-chrome"],
        ) else {
            skip(test, "chromium not found");
            return None;
        };
        let turn = TURN.lock().unwrap_or_else(PoisonError::into_inner);
        let (driver, port) = spawn_chromedriver(&chromedriver);
        let driver_url = format!("http://127.0.0.1:{port}");
        let profile = tempfile::tempdir().unwrap();
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| (*f).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        // The appliance's throw-away certificate, trusted for this test profile only.
        args.push("--ignore-certificate-errors".to_owned());
        args.push(format!("--window-size={},{}", DESKTOP.0, DESKTOP.1));
        args.push("--hide-scrollbars".to_owned());
        let mut chrome_options = json!({
            "binary": chromium.display().to_string(),
            "args": args,
        });
        if !options.javascript {
            chrome_options["prefs"] =
                json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let capabilities = json!({
            "browserName": "chrome",
            "acceptInsecureCerts": true,
            "goog:chromeOptions": chrome_options,
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = rt
            .block_on(
                ClientBuilder::new(HttpConnector::new())
                    .capabilities(capabilities)
                    .connect(&driver_url),
            )
            .unwrap_or_else(|e| panic!("starting Chromium through chromedriver: {e}"));
        let session_id = rt
            .block_on(client.session_id())
            .unwrap()
            .expect("a session id");
        let session = Self {
            client: Some(client),
            rt,
            driver,
            driver_url,
            id: session_id,
            base: base.to_owned(),
            _profile: profile,
            _turn: turn,
        };
        session.viewport(DESKTOP);
        Some(session)
    }

    fn client(&self) -> &Client {
        self.client.as_ref().unwrap()
    }

    /// The full URL of a path on the appliance.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Opens a path of the appliance, as typing it into the address bar would.
    pub fn goto(&self, path: &str) {
        let url = self.url(path);
        self.rt
            .block_on(self.client().goto(&url))
            .unwrap_or_else(|e| panic!("opening {url}: {e}"));
    }

    /// The current path and query.
    pub fn path(&self) -> String {
        let url = self.rt.block_on(self.client().current_url()).unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// The text a person sees on the page (hidden elements excluded), whitespace collapsed.
    pub fn text(&self) -> String {
        let text = self.js("return document.body.innerText;");
        text.as_str()
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The page's `lang` attribute.
    pub fn lang(&self) -> String {
        self.js("return document.documentElement.lang;")
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The text of the first element matching a CSS selector.
    pub fn element_text(&self, css: &str) -> String {
        let element = self.find(css);
        self.rt.block_on(element.text()).unwrap()
    }

    /// The element matching a CSS selector.
    pub fn find(&self, css: &str) -> Element {
        self.rt
            .block_on(self.client().find(Locator::Css(css)))
            .unwrap_or_else(|e| panic!("no element {css} on {}: {e}", self.path()))
    }

    /// Whether an element matches a CSS selector.
    pub fn has(&self, css: &str) -> bool {
        self.rt
            .block_on(self.client().find_all(Locator::Css(css)))
            .is_ok_and(|all| !all.is_empty())
    }

    fn by_text(&self, scope: &str, tag: &str, text: &str) -> Element {
        self.by_xpath(scope, tag, "normalize-space()={}", text)
    }

    /// The first `tag` in `scope` whose text meets `predicate` (`{}` stands for `text`).
    fn by_xpath(&self, scope: &str, tag: &str, predicate: &str, text: &str) -> Element {
        let quoted = if text.contains('"') {
            format!("'{text}'")
        } else {
            format!("\"{text}\"")
        };
        let xpath = format!(".//{tag}[{}]", predicate.replace("{}", &quoted));
        let root = self.find(scope);
        self.rt
            .block_on(root.find(Locator::XPath(&xpath)))
            .unwrap_or_else(|e| panic!("no {tag} «{text}» in {scope} on {}: {e}", self.path()))
    }

    /// Clicks `element` and waits until the page it leads to has loaded (chromedriver does not
    /// always wait for a form post with files).
    fn click_and_load(&self, element: &Element) {
        let marked = self
            .rt
            .block_on(
                self.client()
                    .execute("window.__leaving = true; return true;", vec![]),
            )
            .is_ok();
        self.rt.block_on(element.click()).unwrap();
        if marked {
            self.wait_until(
                "!window.__leaving && document.readyState === 'complete'",
                "the next page",
            );
        }
    }

    /// Follows the link whose text is `text`.
    pub fn click_link(&self, text: &str) {
        let link = self.by_text("body", "a", text);
        self.click_and_load(&link);
    }

    /// Follows the link whose text starts with `text` (links that carry a count).
    pub fn click_link_starting(&self, text: &str) {
        let link = self.by_xpath("body", "a", "starts-with(normalize-space(), {})", text);
        self.click_and_load(&link);
    }

    /// Presses the button whose text is `text` inside `scope` (a CSS selector).
    pub fn press_in(&self, scope: &str, text: &str) {
        let button = self.by_text(scope, "button", text);
        self.click_and_load(&button);
    }

    /// Clicks an element.
    pub fn click(&self, css: &str) {
        let element = self.find(css);
        self.rt.block_on(element.click()).unwrap();
    }

    /// Types into a field, replacing what was there.
    pub fn fill(&self, css: &str, text: &str) {
        let field = self.find(css);
        self.rt.block_on(field.clear()).unwrap();
        self.rt.block_on(field.send_keys(text)).unwrap();
    }

    /// Picks the option shown as `label` in a select.
    pub fn choose(&self, css: &str, label: &str) {
        let select = self.find(css);
        self.rt
            .block_on(select.select_by_label(label))
            .unwrap_or_else(|e| panic!("no option «{label}» in {css}: {e}"));
    }

    /// Picks the `index`th option of a select (0 is the "choose" placeholder).
    pub fn choose_nth(&self, css: &str, index: usize) {
        let select = self.find(css);
        self.rt.block_on(select.select_by_index(index)).unwrap();
    }

    /// Attaches a file to a file input.
    pub fn attach(&self, css: &str, file: &Path) {
        let input = self.find(css);
        self.rt
            .block_on(input.send_keys(&file.display().to_string()))
            .unwrap();
    }

    /// Presses keys on whatever has the focus, as a keyboard would.
    pub fn keys(&self, keys: &str) {
        let mut actions = KeyActions::new("keyboard".to_owned());
        for key in keys.chars() {
            actions = actions
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key });
        }
        self.rt
            .block_on(self.client().perform_actions(actions))
            .unwrap();
    }

    /// Runs a script in the page and returns its result.
    pub fn js(&self, script: &str) -> Value {
        self.rt
            .block_on(self.client().execute(script, vec![]))
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Runs a script that reports through its callback (the last argument).
    pub fn js_async(&self, script: &str) -> Value {
        self.rt
            .block_on(self.client().execute_async(script, vec![]))
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Waits (up to 10 s) until a script returns `true`.
    pub fn wait_until(&self, condition: &str, what: &str) {
        let started = Instant::now();
        while self.js(&format!("return !!({condition});")) != Value::Bool(true) {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "waited 10 s for {what} on {}",
                self.path()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A Chrome `DevTools` command, sent through chromedriver.
    pub fn cdp(&self, cmd: &str, params: &Value) -> Value {
        let url = format!("{}/session/{}/goog/cdp/execute", self.driver_url, self.id);
        let body = json!({ "cmd": cmd, "params": params }).to_string();
        let mut response = ureq::post(&url)
            .content_type("application/json")
            .send(body.as_bytes())
            .unwrap_or_else(|e| panic!("{cmd}: {e}"));
        let text = response.body_mut().read_to_string().unwrap();
        let answer: Value = serde_json::from_str(&text).unwrap();
        answer["value"].clone()
    }

    /// Lays the page out for a viewport of `width`×`height` CSS pixels (a phone when narrow).
    pub fn viewport(&self, (width, height): (u32, u32)) {
        self.zoomed((width, height), 1.0);
    }

    /// Lays the page out as a window `width`×`height` device pixels wide does at browser zoom
    /// `zoom`: the page sees `width / zoom` CSS pixels, exactly as with Ctrl + at that size.
    pub fn zoomed(&self, (width, height): (u32, u32), zoom: f64) {
        let css = |px: u32| (f64::from(px) / zoom).round();
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            &json!({
                "width": css(width),
                "height": css(height),
                "deviceScaleFactor": zoom,
                "mobile": width < 600,
            }),
        );
    }

    /// Whether the page scrolls sideways (wider than the viewport).
    pub fn scrolls_sideways(&self) -> Option<String> {
        let widths = self.js("const d = document.documentElement; \
             return [d.scrollWidth, d.clientWidth, window.innerWidth];");
        let (scroll, client) = (widths[0].as_f64()?, widths[1].as_f64()?);
        (scroll > client).then(|| {
            let wide = self.js("const w = document.documentElement.clientWidth; \
                 return [...document.querySelectorAll('body *')] \
                   .filter(e => e.getBoundingClientRect().right > w + 0.5) \
                   .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + \
                     Math.round(e.getBoundingClientRect().right));");
            format!("page is {scroll}px wide in a {client}px viewport; too wide: {wide}")
        })
    }

    /// Saves a PNG of what the viewport shows to `target/screenshots/{name}.png`.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.rt.block_on(self.client().screenshot()).unwrap();
        let path = artifacts("screenshots").join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Screenshots at the desktop and the phone size (`{name}-desktop`, `{name}-phone`).
    pub fn screenshots(&self, name: &str) {
        self.screenshots_of(name, None);
    }

    /// Same, scrolled so that the element `css` is at the top when given.
    pub fn screenshots_of(&self, name: &str, css: Option<&str>) {
        for (size, suffix) in [(DESKTOP, "desktop"), (PHONE, "phone")] {
            self.viewport(size);
            if let Some(css) = css {
                self.js(&format!(
                    "document.querySelector(\"{css}\").scrollIntoView();"
                ));
            }
            self.screenshot(&format!("{name}-{suffix}"));
        }
        self.viewport(DESKTOP);
        self.js("window.scrollTo(0, 0);");
    }

    /// Prints the page to PDF on A4, as the browser's print dialog would.
    pub fn print_pdf(&self) -> Vec<u8> {
        let config = PrintConfiguration::builder()
            .background(false)
            .build()
            .unwrap();
        self.rt.block_on(self.client().print(config)).unwrap()
    }

    /// Signs in through the form, as a person would.
    pub fn sign_in(&self, name: &str, password: &str, submit: &str) {
        self.goto("/login");
        self.fill("#f-name", name);
        self.fill("#f-password", password);
        self.press_in("main", submit);
    }

    /// Signs out with the header's button.
    pub fn sign_out(&self, label: &str) {
        self.press_in("form.signout", label);
    }

    /// Switches the interface language with the header's switch (`kk`, `ru`, `en`).
    pub fn switch_language(&self, code: &str) {
        let button = self.find(&format!("form.lang button[value='{code}']"));
        self.click_and_load(&button);
        assert_eq!(self.lang(), code, "the page switched to {code}");
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            let _ = self.rt.block_on(client.close());
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Starts chromedriver on a free port and returns it with the port it chose.
fn spawn_chromedriver(program: &Path) -> (Child, u16) {
    let mut child = Command::new(program)
        .arg("--port=0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", program.display()));
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut port = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.split("started successfully on port ").nth(1) {
            port = rest.trim_end_matches('.').trim().parse().ok();
            break;
        }
    }
    // Keep reading so that chromedriver never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    let port = port.unwrap_or_else(|| panic!("{} did not say its port", program.display()));
    (child, port)
}
