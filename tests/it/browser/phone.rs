//! At home on a phone: nothing scrolls sideways at 320 px, touch targets are at least 44 px,
//! pages stay small, and the desk installs as an app whose service worker shows the applicant's
//! last-seen list of appeals when the server cannot be reached — and forgets it at sign-out.

use std::io::Write;
use std::sync::Arc;

use otinish::clock::Clock;
use otinish::config::Config;
use otinish::domain::lang::Lang;
use otinish::service::seed::{self, DEMO_PASSWORD};
use otinish::service::{Ctx, Rules};
use otinish::store::Store;
use otinish::web::server::ServerHandle;
use otinish::web::{self, App, tls};
use serde_json::{Value, json};

use super::driver::{PHONE, Session};
use super::{AIGUL, World, browser, file_appeal, register, t};
use crate::support::{Browser, TestApp};

/// Controls smaller than 44×44 CSS px on the current page. A checkbox or radio button counts
/// with its label (the label is what a finger presses); a link inside a sentence or a table
/// cell is exempt, as WCAG 2.5.5 exempts inline targets.
fn small_targets(s: &Session) -> Vec<String> {
    let found = s.js(
        "const out = []; \
         for (const e of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')) { \
           const r0 = e.getBoundingClientRect(); \
           if (r0.width === 0 || r0.height === 0) continue; \
           let target = e; \
           if (e.type === 'checkbox' || e.type === 'radio') target = e.labels[0] || e; \
           const st = getComputedStyle(e); \
           if (e.tagName === 'A' && st.display === 'inline') { \
             const own = e.textContent.trim().length; \
             const around = e.parentElement.textContent.trim().length; \
             if (around > own + 2 || e.closest('td')) continue; \
           } \
           const r = target.getBoundingClientRect(); \
           if (r.width < 44 - 0.5 || r.height < 44 - 0.5) \
             out.push(e.outerHTML.slice(0, 90) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height)); \
         } \
         return out;",
    );
    found
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn nothing_scrolls_sideways_on_a_320_px_phone() {
    let Some(world) = World::new("nothing_scrolls_sideways_on_a_320_px_phone") else {
        return;
    };
    world.s.viewport((320, 640));
    let mut problems = Vec::new();
    world.tour(&Lang::ALL, |s, lang, page| {
        if let Some(problem) = s.scrolls_sideways() {
            problems.push(format!("{page} ({}): {problem}", lang.code()));
        }
    });
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn touch_targets_are_at_least_44_px_on_a_phone() {
    let Some(world) = World::new("touch_targets_are_at_least_44_px_on_a_phone") else {
        return;
    };
    world.s.viewport(PHONE);
    let mut problems = Vec::new();
    world.tour(&[Lang::Kk, Lang::En], |s, lang, page| {
        for small in small_targets(s) {
            problems.push(format!("{page} ({}): {small}", lang.code()));
        }
    });
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The demo institution with 60 appeals in every state, served in-process.
struct Demo {
    handle: Option<ServerHandle>,
    base: String,
    cert_pem: String,
    _dir: tempfile::TempDir,
}

impl Demo {
    fn spawn() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::default().with_data_dir(dir.path().to_owned());
        let store = Store::open(&dir.path().join("otinish.redb")).unwrap();
        let now = "2026-03-02T05:00:00Z".parse().unwrap();
        let ctx = Ctx::new(store, Clock::fixed(now), Rules::from_config(&config));
        seed::seed(&ctx, 60, now).unwrap();
        let material = tls::generate_self_signed(&[]).unwrap();
        let app = Arc::new(App::new(ctx, &config).unwrap());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let handle = web::start(
            app,
            listener,
            tls::server_config(&material).unwrap(),
            web::limits(&config),
        )
        .unwrap();
        let base = format!("https://{}", handle.addr());
        Self {
            handle: Some(handle),
            base,
            cert_pem: material.cert_pem,
            _dir: dir,
        }
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.shutdown();
        }
    }
}

/// Bytes a first-time visitor's browser fetches for the current page: the document as
/// transferred plus the encoded size of everything it loads (stylesheet, script, icons).
fn page_weight(s: &Session) -> (u64, String) {
    let seen = s.js(
        "const nav = performance.getEntriesByType('navigation')[0]; \
         const res = performance.getEntriesByType('resource'); \
         return [nav.transferSize, res.map(r => r.encodedBodySize).reduce((a, b) => a + b, 0), \
                 res.map(r => r.name.split('/').pop() + ' ' + r.encodedBodySize).join(', ')];",
    );
    let document = seen[0].as_u64().unwrap_or(0);
    let assets = seen[1].as_u64().unwrap_or(0);
    (
        document + assets,
        format!(
            "document {document} B + assets {assets} B ({})",
            seen[2].as_str().unwrap_or_default()
        ),
    )
}

#[test]
fn the_heaviest_page_is_under_100_kb() {
    let demo = Demo::spawn();
    let Some(s) = Session::start(&demo.base, "the_heaviest_page_is_under_100_kb") else {
        return;
    };
    // Every load as a first-time visitor's: no HTTP cache, no service worker.
    s.cdp("Network.enable", &json!({}));
    s.cdp(
        "Network.setCacheDisabled",
        &json!({ "cacheDisabled": true }),
    );
    s.cdp("Network.setBypassServiceWorker", &json!({ "bypass": true }));
    let mut weights: Vec<(u64, String, String)> = Vec::new();
    let mut weigh = |s: &Session, path: &str, page: &str| {
        s.goto(path);
        let (bytes, detail) = page_weight(s);
        weights.push((bytes, page.to_owned(), detail));
    };
    weigh(&s, "/", "home");
    s.sign_in("director", DEMO_PASSWORD, &t(Lang::Kk, "login.submit"));
    weigh(&s, "/registry", "registry, first 50");
    let cards: Vec<String> = s
        .js("return [...document.querySelectorAll('table.list a')].slice(0, 50).map(a => a.pathname);")
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    assert!(cards.len() >= 40, "the demo fills the registry");
    for card in cards.iter().step_by(5) {
        weigh(&s, card, &format!("card {card}"));
    }
    weigh(&s, "/registry/new", "paper appeal form");
    if Browser::new(&demo.base, &demo.cert_pem)
        .get("/reports")
        .status
        != 404
    {
        weigh(&s, "/reports", "reports");
    }
    s.sign_out(&t(Lang::Kk, "nav.logout"));
    s.sign_in(
        &seed::demo_iin(0).to_string(),
        DEMO_PASSWORD,
        &t(Lang::Kk, "login.submit"),
    );
    weigh(&s, "/cabinet", "cabinet");
    weigh(&s, "/appeals/new", "appeal form");

    weights.sort_by_key(|w| std::cmp::Reverse(w.0));
    let report: Vec<String> = weights
        .iter()
        .map(|(bytes, page, detail)| format!("{page}: {bytes} B = {detail}"))
        .collect();
    let _ = writeln!(
        std::io::stderr(),
        "page weights, heaviest first:\n{}",
        report.join("\n")
    );
    let (heaviest, page, detail) = &weights[0];
    assert!(
        *heaviest < 100 * 1024,
        "{page} weighs {heaviest} B: {detail}"
    );
}

#[test]
fn assets_have_content_hash_names_and_are_cached_for_a_year() {
    let app = TestApp::spawn();
    let mut b = app.browser();
    let home = b.get("/");
    let assets: Vec<String> = home.links("/assets/");
    let script = home
        .body
        .split("<script src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    assert!(assets.len() >= 3, "stylesheet and icons: {assets:?}");
    for path in assets.iter().chain([&script]) {
        let name = path.rsplit('/').next().unwrap();
        let hash = name.rsplit_once('-').unwrap().1.split('.').next().unwrap();
        assert!(
            hash.len() == 12 && hash.chars().all(|c| c.is_ascii_hexdigit()),
            "{path} carries a content hash"
        );
        let asset = b.get(path);
        assert_eq!(asset.status, 200, "{path}");
        assert_eq!(
            asset.header("cache-control"),
            Some("public, max-age=31536000, immutable"),
            "{path}"
        );
    }
    for path in ["/sw.js", "/manifest.webmanifest"] {
        let fixed = b.get(path);
        assert_eq!(fixed.status, 200, "{path}");
        assert_eq!(fixed.header("cache-control"), Some("no-cache"), "{path}");
    }
    assert_eq!(
        b.get("/").header("cache-control"),
        Some("no-store"),
        "pages are never cached"
    );
}

/// Waits until the service worker controls the page (reloading once it is active).
fn await_service_worker(s: &Session) {
    let ready = s.js_async(
        "const done = arguments[arguments.length - 1]; \
         navigator.serviceWorker.ready.then(r => done(!!r.active), e => done(String(e)));",
    );
    assert_eq!(ready, Value::Bool(true), "the service worker is active");
    if s.js("return !!navigator.serviceWorker.controller;") != Value::Bool(true) {
        s.js("location.reload();");
    }
    s.wait_until(
        "navigator.serviceWorker.controller",
        "the service worker to control the page",
    );
}

/// Whether the service worker keeps a copy of `/cabinet`.
fn cabinet_kept(s: &Session) -> bool {
    s.js_async(
        "const done = arguments[arguments.length - 1]; \
         caches.open('otinish-user').then(c => c.match('/cabinet')).then(r => done(!!r), () => done(false));",
    ) == Value::Bool(true)
}

#[test]
fn the_desk_installs_as_an_app() {
    let app = TestApp::spawn();
    let Some(s) = browser(&app, "the_desk_installs_as_an_app") else {
        return;
    };
    s.goto("/");
    await_service_worker(&s);
    let manifest = s.cdp("Page.getAppManifest", &json!({}));
    assert_eq!(
        manifest["errors"],
        json!([]),
        "the manifest parses: {manifest}"
    );
    let installable = s.cdp("Page.getInstallabilityErrors", &json!({}));
    assert_eq!(
        installable["installabilityErrors"],
        json!([]),
        "Chromium would offer to install the desk"
    );
    let icons = s.js_async(
        "const done = arguments[arguments.length - 1]; \
         fetch('/manifest.webmanifest').then(r => r.json()) \
           .then(m => Promise.all(m.icons.map(i => fetch(i.src).then(r => i.sizes + ' ' + r.status + ' ' + r.headers.get('content-type'))))) \
           .then(done, e => done(String(e)));",
    );
    let icons = icons.to_string();
    for expected in [
        "192x192 200 image/png",
        "512x512 200 image/png",
        "any 200 image/svg+xml",
    ] {
        assert!(icons.contains(expected), "{expected} in {icons}");
    }
}

#[test]
fn offline_the_applicant_sees_their_last_seen_list_marked_as_offline() {
    let mut app = TestApp::spawn();
    let Some(s) = browser(
        &app,
        "offline_the_applicant_sees_their_last_seen_list_marked_as_offline",
    ) else {
        return;
    };
    register(&s, Lang::Kk, AIGUL);
    let number = file_appeal(&s, Lang::Kk, "Үйірмеге жазылу", true);
    s.goto("/cabinet");
    await_service_worker(&s);
    s.goto("/cabinet");
    let started = std::time::Instant::now();
    while !cabinet_kept(&s) {
        assert!(
            started.elapsed().as_secs() < 10,
            "the list is kept for offline"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let note = t(Lang::Kk, "offline.note");
    assert!(!s.text().contains(&note), "online, no offline note");

    // The server goes away (the office network is down).
    app.handle.take().unwrap().shutdown();
    s.goto("/cabinet");
    let offline = s.text();
    assert!(offline.contains(&note), "marked as offline: {offline}");
    assert!(offline.contains(&number), "{offline}");
    assert!(
        offline.contains(&t(Lang::Kk, "Status.registered")),
        "{offline}"
    );
    let seen = s.element_text("time.seen-at");
    assert!(seen.contains('2'), "when it was last seen: «{seen}»");
    s.screenshots("kk-offline-cabinet");

    // Any other page: the offline page, in all three languages.
    s.goto("/appeals/new");
    let page = s.text();
    assert!(
        page.contains("Байланыс жоқ") && page.contains("Нет связи") && page.contains("Offline"),
        "{page}"
    );
}

#[test]
fn signing_out_forgets_the_list_kept_for_offline() {
    let mut app = TestApp::spawn();
    let Some(s) = browser(&app, "signing_out_forgets_the_list_kept_for_offline") else {
        return;
    };
    register(&s, Lang::Kk, AIGUL);
    let number = file_appeal(&s, Lang::Kk, "Үйірмеге жазылу", true);
    s.goto("/cabinet");
    await_service_worker(&s);
    s.goto("/cabinet");
    let started = std::time::Instant::now();
    while !cabinet_kept(&s) {
        assert!(started.elapsed().as_secs() < 10, "the list is kept");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }

    s.sign_out(&t(Lang::Kk, "nav.logout"));
    assert!(!cabinet_kept(&s), "signing out forgets the list");
    // The next person on this device, offline, sees no one's appeals.
    await_service_worker(&s);
    app.handle.take().unwrap().shutdown();
    s.goto("/cabinet");
    let page = s.text();
    assert!(!page.contains(&number), "{page}");
    assert!(page.contains("Байланыс жоқ"), "{page}");
}
