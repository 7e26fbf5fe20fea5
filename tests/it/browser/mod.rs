//! The interface in a real browser: headless Chromium driven over `WebDriver` against the
//! appliance started in-process (`TestApp`).
//!
//! - `journeys`: the whole appeal, in Kazakh, Russian and English, with screenshots;
//! - `accessibility`: axe-core (WCAG 2.1 A/AA), focus on errors, keyboard only, zoom, `lang`;
//! - `phone`: 320 px without sideways scrolling, touch targets, page weight, install, offline;
//! - `print`: the receipt, the answer and the appeal card printed to A4 PDF and read back.
//! - `pages`: issue 11's pages: files kept across a refused form, the card's main step and
//!   confirmations, the registry at 1366 px and on a phone, the receipt's print button;
//! - `passkeys`: a passkey added on the profile page with Chromium's virtual authenticator, then
//!   used to sign in.
//!
//! Assertions are on what a person sees: the page's visible text in its language, taken from
//! the same catalogues the product shows. Screenshots and PDFs land in `target/screenshots/`
//! and `target/print/`.

mod accessibility;
mod axe;
mod driver;
mod journeys;
mod pages;
mod passkeys;
mod phone;
mod print;

use std::path::PathBuf;
use std::sync::OnceLock;

use otinish::domain::lang::Lang;
use otinish::i18n::Catalog;

use crate::support::{PASSWORD, PDF, TestApp};
use driver::Session;

/// A text of the interface in `lang`, as the product shows it.
pub fn t(lang: Lang, key: &str) -> String {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    let catalog = CATALOG.get_or_init(|| Catalog::load().unwrap());
    let text = catalog.tr(lang).t(key);
    assert_ne!(text, key, "no text {key} in {}", lang.code());
    text.to_owned()
}

/// The address the browser opens.
pub fn base(app: &TestApp) -> String {
    format!("https://{}", app.handle.as_ref().unwrap().addr())
}

/// A browser on `app`, or `None` when this machine has none (the test then returns).
pub fn browser(app: &TestApp, test: &str) -> Option<Session> {
    Session::start(&base(app), test)
}

/// A small PDF with a Kazakh file name, to attach.
pub fn attachment() -> PathBuf {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| tempfile::tempdir().unwrap());
    let path = dir.path().join("өтініш.pdf");
    if !path.exists() {
        std::fs::write(&path, PDF).unwrap();
    }
    path
}

/// An applicant as the tests register them.
#[derive(Debug, Clone, Copy)]
pub struct Applicant<'a> {
    pub iin: &'a str,
    pub name: &'a str,
}

/// The first applicant of every test.
pub const AIGUL: Applicant = Applicant {
    iin: "900101300126",
    name: "Айгүл Серікова",
};

/// Registers through the form from the home page and agrees to the terms; ends on the
/// appeal form.
pub fn register(s: &Session, lang: Lang, who: Applicant) {
    s.goto("/");
    s.click_link(&t(lang, "nav.register"));
    assert_eq!(s.path(), "/register");
    s.fill("#f-tax_id", who.iin);
    s.fill("#f-full_name", who.name);
    s.fill("#f-phone", "+7 701 234 56 78");
    s.fill("#f-email", "applicant@example.kz");
    s.fill("#f-address", "Қарасу ауылы, Абай көшесі 1");
    s.fill("#f-password", PASSWORD);
    s.fill("#f-password_again", PASSWORD);
    s.press_in("main", &t(lang, "register.submit"));
    assert_eq!(s.path(), "/terms", "registration refused: {}", s.text());
    s.click("label[for='agree']");
    s.press_in("main", &t(lang, "terms.submit"));
    assert_eq!(s.path(), "/appeals/new", "{}", s.text());
}

/// Fills the appeal form (an application to the first unit and category), attaches the
/// sample PDF when asked, sends it and returns the registration number from the receipt.
pub fn file_appeal(s: &Session, lang: Lang, subject: &str, attach: bool) -> String {
    s.goto("/appeals/new");
    s.choose("#f-kind", &t(lang, "AppealKind.application"));
    s.choose_nth("#f-unit", 1);
    s.choose_nth("#f-category", 1);
    s.fill("#f-subject", subject);
    s.fill(
        "#f-description",
        "Балама домбыра үйірмесінен орын сұраймын. Прошу место в кружке.",
    );
    if attach {
        s.attach("#f-files", &attachment());
    }
    s.press_in("main", &t(lang, "form.submit"));
    assert!(
        s.path().contains("/receipt"),
        "filing refused at {}: {}",
        s.path(),
        s.text()
    );
    let text = s.text();
    assert!(text.contains(&t(lang, "receipt.title")), "{text}");
    text.split_whitespace()
        .find(|w| w.starts_with("ЖТ-") || w.starts_with("ЗТ-"))
        .unwrap_or_else(|| panic!("no registration number on the receipt: {text}"))
        .to_owned()
}

/// Routes, drafts and signs the answer to an appeal over plain HTTPS (as in `journeys.rs`),
/// so that a browser test can start from an answered appeal.
pub fn answer_over_http(app: &TestApp, appeal_path: &str) {
    // The director routes as well as signs: sign-ins from one address are limited to 10 in
    // 5 minutes, and a browser test needs its own.
    let mut director = app.browser();
    director.sign_in("director", PASSWORD);
    let card = director.get(appeal_path);
    let executor = card
        .body
        .split("<option value=\"")
        .skip(1)
        .find(|o| o.contains("Нұрлан Оспанов"))
        .and_then(|o| o.split('"').next())
        .unwrap()
        .to_owned();
    let act = format!("{appeal_path}/act");
    let routed =
        director.post_multipart(&act, &[("action", "route"), ("executor", &executor)], &[]);
    assert_eq!(routed.status, 303, "{}", routed.text());
    let mut executor = app.browser();
    executor.sign_in("executor", PASSWORD);
    executor.get(appeal_path);
    let drafted = executor.post_multipart(
        &act,
        &[
            ("action", "submit-draft"),
            ("outcome", "satisfied"),
            ("appeal_clause", "yes"),
            ("text", ANSWER),
        ],
        &[crate::support::FileUpload {
            name: "жауап.pdf",
            bytes: PDF,
        }],
    );
    assert_eq!(drafted.status, 303, "{}", drafted.text());
    director.get(appeal_path);
    let signed = director.post_multipart(&act, &[("action", "sign"), ("confirm", "yes")], &[]);
    assert_eq!(signed.status, 303, "{}", signed.text());
}

/// The answer `answer_over_http` gives.
pub const ANSWER: &str = "Орын бар, сабақ сейсенбі күні басталады.";

/// A desk in use, seen from one browser: the applicant Aigul has registered there and filed
/// two appeals, the first with an attachment and still open, the second answered and signed.
pub struct World {
    pub app: TestApp,
    pub s: Session,
    /// The open appeal's page.
    pub open: String,
    /// The answered appeal's page.
    pub answered: String,
}

impl World {
    /// Builds the world, or `None` when this machine has no browser.
    pub fn new(test: &str) -> Option<Self> {
        let app = TestApp::spawn();
        let s = browser(&app, test)?;
        register(&s, Lang::Kk, AIGUL);
        file_appeal(&s, Lang::Kk, "Үйірмеге жазылу", true);
        let open = appeal_of_receipt(&s.path());
        file_appeal(&s, Lang::Kk, "Жазғы лагерь туралы", false);
        let answered = appeal_of_receipt(&s.path());
        answer_over_http(&app, &answered);
        Some(Self {
            app,
            s,
            open,
            answered,
        })
    }

    /// Shows the interface in `lang` (with the header's switch, when it is not already).
    pub fn speak(&self, lang: Lang) {
        if self.s.lang() != lang.code() {
            self.s.switch_language(lang.code());
        }
    }

    /// Whether the reports page exists yet (it is being built elsewhere): a visitor is sent
    /// to sign in rather than told there is no such page.
    pub fn has_reports(&self) -> bool {
        self.app.browser().get("/reports").status != 404
    }

    /// Visits every key page in each of `langs` as the person who sees it — a visitor, the
    /// applicant, the clerk, the director — including forms refused for missing fields, and
    /// calls `check(session, lang, page name)` on each. Starts signed in as the applicant and
    /// ends signed out. Sign-ins are counted per address: a tour takes four or five of ten.
    pub fn tour(&self, langs: &[Lang], mut check: impl FnMut(&Session, Lang, &str)) {
        let s = &self.s;
        let tl = |lang: Lang, key: &str| t(lang, key);
        s.sign_out(&tl(s_lang(s), "nav.logout"));
        for &lang in langs {
            self.speak(lang);
            s.goto("/");
            check(s, lang, "home");
            s.goto("/register");
            check(s, lang, "register");
            s.press_in("main", &tl(lang, "register.submit"));
            check(s, lang, "register, refused");
            s.goto("/login");
            check(s, lang, "login");
            s.fill("#f-name", "000000000000");
            s.fill("#f-password", "wrong password");
            s.press_in("main", &tl(lang, "login.submit"));
            check(s, lang, "login, refused");
            s.goto("/terms");
            check(s, lang, "terms");
        }
        s.sign_in(AIGUL.iin, PASSWORD, &tl(s_lang(s), "login.submit"));
        for &lang in langs {
            self.speak(lang);
            s.goto("/appeals/new");
            check(s, lang, "appeal form");
            s.press_in("main", &tl(lang, "form.submit"));
            check(s, lang, "appeal form, refused");
            s.goto("/cabinet");
            check(s, lang, "cabinet");
            s.goto(&self.open);
            check(s, lang, "appeal page");
            s.goto(&format!("{}/receipt", self.open));
            check(s, lang, "receipt");
            s.goto(&self.answered);
            check(s, lang, "appeal page with the answer");
            s.goto("/notices");
            check(s, lang, "notices");
        }
        s.sign_out(&tl(s_lang(s), "nav.logout"));
        s.sign_in("clerk", PASSWORD, &tl(s_lang(s), "login.submit"));
        for &lang in langs {
            self.speak(lang);
            s.goto("/registry");
            check(s, lang, "registry");
            s.goto(&self.open);
            check(s, lang, "appeal card");
            s.press_in("#action-route", &tl(lang, "action.route"));
            check(s, lang, "appeal card, refused");
            s.goto(&self.answered);
            check(s, lang, "appeal card with the answer");
            s.goto("/registry/new");
            check(s, lang, "paper appeal form");
        }
        s.sign_out(&tl(s_lang(s), "nav.logout"));
        if self.has_reports() {
            s.sign_in("director", PASSWORD, &tl(s_lang(s), "login.submit"));
            for &lang in langs {
                self.speak(lang);
                s.goto("/reports");
                check(s, lang, "reports");
            }
            s.sign_out(&tl(s_lang(s), "nav.logout"));
        } else {
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                b"note: /reports does not exist yet; the tour leaves it out\n",
            );
        }
    }
}

/// `/appeals/7` from `/appeals/7/receipt?…`.
fn appeal_of_receipt(path: &str) -> String {
    path.split("/receipt").next().unwrap_or_default().to_owned()
}

/// The language the page is in now.
fn s_lang(s: &Session) -> Lang {
    Lang::from_code(&s.lang()).unwrap()
}
