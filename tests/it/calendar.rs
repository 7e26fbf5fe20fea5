//! The working-day calendar: the admin's page over real HTTPS, its effect on a new appeal's
//! deadline, and `otinish deadline` as a black box.

use std::process::Command;

use otinish::clock::Clock;
use otinish::config::Config;
use otinish::domain::user::Role;
use otinish::service::auth::{self, StaffForm};
use otinish::service::calendar::{self, OverrideForm};
use otinish::service::{Ctx, Rules};
use otinish::store::{Store, UserReads};

use crate::support::{Browser, PASSWORD, TestApp, file_appeal, registered_applicant};

const BIN: &str = env!("CARGO_BIN_EXE_otinish");
const PAGE: &str = "/admin/calendar";

fn admin(app: &TestApp) -> Browser {
    let mut b = app.browser();
    let signed_in = b.sign_in("admin", PASSWORD);
    assert_eq!(signed_in.status, 303, "{}", signed_in.text());
    b
}

/// Adds an entry through the form and follows the redirect.
fn add(b: &mut Browser, date: &str, kind: &str, reason: &str) -> String {
    b.get(&format!("{PAGE}?year=2026"));
    let done = b.post(
        PAGE,
        &[
            ("action", "add"),
            ("year", "2026"),
            ("date", date),
            ("kind", kind),
            ("reason", reason),
        ],
    );
    assert_eq!(done.status, 303, "{}", done.text());
    assert_eq!(
        done.location.as_deref(),
        Some("/admin/calendar?year=2026&done=added")
    );
    b.get(done.location.as_deref().unwrap()).text()
}

/// The admin adds a working Saturday and Kurban Ait, sees both, removes one and confirms 2026;
/// appeals filed afterwards get the deadlines the edited calendar implies.
#[test]
fn the_admin_edits_the_calendar_and_new_appeals_follow_it() {
    let app = TestApp::spawn();
    let mut admin = admin(&app);

    let settings = admin.get("/admin");
    assert!(settings.links(PAGE).contains(&PAGE.to_owned()));
    let page = admin.get(PAGE);
    assert_eq!(page.status, 200);
    let text = page.text();
    assert!(
        text.contains("2026 жылғы жұмыс күндерінің күнтізбесі"),
        "{text}"
    );
    assert!(
        text.contains("әлі расталмаған"),
        "not confirmed yet: {text}"
    );
    assert!(text.contains("Наурыз мейрамы"), "built-in holidays: {text}");
    assert!(
        text.contains("25.03.2026 сәрсенбі Ауыстырылған демалыс күні (Наурыз мейрамы)"),
        "transferred days off: {text}"
    );
    assert!(text.contains("Бұл жылға өзгерістер жоқ."), "{text}");

    add(
        &mut admin,
        "2026-03-14",
        "working-day",
        "Үкімет қаулысымен ауыстыру",
    );
    let text = add(&mut admin, "2026-05-27", "day-off", "Құрбан айт");
    assert!(text.contains("Жазба қосылды."), "{text}");
    assert!(
        text.contains("14.03.2026 сенбі Жұмыс күні Үкімет қаулысымен ауыстыру"),
        "{text}"
    );
    assert!(
        text.contains("27.05.2026 сәрсенбі Демалыс күні Құрбан айт"),
        "{text}"
    );

    // Refusals are shown next to the fields, in the page language, keeping what was typed.
    let refused = admin.post(
        PAGE,
        &[
            ("action", "add"),
            ("year", "2026"),
            ("date", "2026-06-01"),
            ("kind", ""),
            ("reason", "екінші рет"),
        ],
    );
    assert_eq!(refused.status, 422);
    let text = refused.text();
    assert!(
        text.contains("Демалыс күнін немесе жұмыс күнін таңдаңыз."),
        "{text}"
    );
    assert!(refused.body.contains("id=\"f-kind-error\""), "{text}");
    assert_eq!(refused.input_value("reason").as_deref(), Some("екінші рет"));
    let refused = admin.post(
        PAGE,
        &[
            ("action", "add"),
            ("year", "2026"),
            ("date", "2026-05-27"),
            ("kind", "working-day"),
            ("reason", "екінші рет"),
        ],
    );
    assert_eq!(refused.status, 422);
    let text = refused.text();
    assert!(
        text.contains("Бұл күнге жазба бар; алдымен оны жойыңыз."),
        "{text}"
    );
    assert!(refused.body.contains("id=\"f-date-error\""), "{text}");

    // The first appeal, on Monday 2 March, already counts the working Saturday: 26 March
    // instead of 27 (see journeys.rs), and 2026 is still provisional.
    let mut applicant = registered_applicant(&app, "900101300126", "Айгүл Серікова");
    let (receipt, first_path) = file_appeal(&mut applicant, "Наурыздағы өтініш", &[]);
    assert!(receipt.text().contains("26.03.2026"), "{}", receipt.text());

    // The admin removes the working Saturday and confirms the year.
    admin.get(PAGE);
    let removed = admin.post(PAGE, &[("action", "remove"), ("date", "2026-03-14")]);
    assert_eq!(removed.status, 303);
    let text = admin.get(removed.location.as_deref().unwrap()).text();
    assert!(text.contains("Жазба жойылды."), "{text}");
    assert!(!text.contains("14.03.2026"), "{text}");
    assert!(text.contains("27.05.2026"), "{text}");
    let confirmed = admin.post(PAGE, &[("action", "confirm"), ("year", "2026")]);
    assert_eq!(confirmed.status, 303);
    let text = admin.get(confirmed.location.as_deref().unwrap()).text();
    assert!(text.contains("Жыл расталды."), "{text}");
    assert!(text.contains("2026 жылғы күнтізбе расталды"), "{text}");

    // Wednesday 20 May: 15 working days from Thursday, skipping Kurban Ait, end on 11 June
    // (10 June without it), and the deadline is final.
    app.ctx.clock.set("2026-05-20T05:00:00Z".parse().unwrap());
    let signed_in = applicant.sign_in("900101300126", PASSWORD);
    assert_eq!(signed_in.status, 303, "the old session has expired");
    let (receipt, second_path) = file_appeal(&mut applicant, "Мамырдағы өтініш", &[]);
    assert!(receipt.text().contains("11.06.2026"), "{}", receipt.text());

    let mut clerk = app.browser();
    clerk.sign_in("clerk", PASSWORD);
    let provisional = "мерзім алдын ала";
    // Confirming 2026 recomputed the running appeal too: its deadline is final now.
    let first = clerk.get(&first_path).text();
    assert!(!first.contains(provisional), "{first}");
    assert!(first.contains("Мерзімі қайта есептелді"), "{first}");
    let second = clerk.get(&second_path).text();
    assert!(second.contains("11.06.2026"), "{second}");
    assert!(!second.contains(provisional), "{second}");
}

#[test]
fn the_calendar_page_shows_the_chosen_year_in_the_chosen_language() {
    let app = TestApp::spawn();
    let mut admin = admin(&app);
    admin.get(PAGE);
    let switched = admin.post("/lang", &[("lang", "en"), ("next", PAGE)]);
    assert_eq!(switched.status, 303, "{}", switched.text());
    let text = admin.get(&format!("{PAGE}?year=2025")).text();
    assert!(text.contains("Working-day calendar for 2025"), "{text}");
    // 25 October 2025 is a Saturday: the day off moves to Monday 27 October.
    assert!(
        text.contains("27.10.2025 Monday Transferred day off (Republic Day)"),
        "{text}"
    );
    let links = admin.get(&format!("{PAGE}?year=2025")).links(PAGE);
    assert!(
        links.contains(&"/admin/calendar?year=2024".to_owned()),
        "{links:?}"
    );
    assert!(
        links.contains(&"/admin/calendar?year=2026".to_owned()),
        "{links:?}"
    );
    // A year the page cannot show falls back to this year.
    let text = admin.get(&format!("{PAGE}?year=abc")).text();
    assert!(text.contains("Working-day calendar for 2026"), "{text}");
}

#[test]
fn only_the_admin_may_see_or_change_the_calendar() {
    let app = TestApp::spawn();
    for login in ["clerk", "director", "executor"] {
        let mut b = app.browser();
        b.sign_in(login, PASSWORD);
        assert_eq!(b.get(PAGE).status, 403, "{login}");
        let refused = b.post(PAGE, &[("action", "confirm"), ("year", "2026")]);
        assert_eq!(refused.status, 403, "{login}");
        assert!(
            refused.text().contains("Қолжетімділік жоқ"),
            "refused for the role, not for the form: {}",
            refused.text()
        );
    }
    let mut anonymous = app.browser();
    assert_eq!(anonymous.get(PAGE).status, 303);
    assert!(!calendar::load(&app.ctx).unwrap().is_confirmed(2026));
}

#[test]
fn an_unknown_action_or_a_missing_entry_is_refused() {
    let app = TestApp::spawn();
    let mut admin = admin(&app);
    admin.get(PAGE);
    assert_eq!(admin.post(PAGE, &[("action", "drop")]).status, 400);
    assert_eq!(
        admin
            .post(PAGE, &[("action", "remove"), ("date", "2026-05-27")])
            .status,
        404
    );
    assert_eq!(
        admin
            .post(PAGE, &[("action", "confirm"), ("year", "1812")])
            .status,
        400
    );
}

fn deadline(dir: &std::path::Path, kind: &str, received: &str) -> std::process::Output {
    Command::new(BIN)
        .args([
            "deadline",
            "--type",
            kind,
            "--received",
            received,
            "--data-dir",
        ])
        .arg(dir)
        .output()
        .unwrap()
}

#[test]
fn deadline_for_a_friday_evening_receipt_starts_on_monday() {
    let dir = tempfile::tempdir().unwrap();
    let output = deadline(dir.path(), "application", "2026-11-06 18:45");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8(output.stdout).unwrap().trim(),
        "registered 2026-11-09, due 2026-11-30 (15 working days from the next day; \
         6 days off skipped); provisional: the calendar of 2026 is not confirmed"
    );
}

#[test]
fn deadline_uses_the_stores_calendar() {
    let dir = tempfile::tempdir().unwrap();
    {
        let config = Config::default().with_data_dir(dir.path().to_owned());
        let store = Store::open(&dir.path().join("otinish.redb")).unwrap();
        let ctx = Ctx::new(
            store,
            Clock::fixed("2026-11-06T05:00:00Z".parse().unwrap()),
            Rules::from_config(&config),
        );
        let id = auth::create_staff(
            &ctx,
            None,
            &StaffForm {
                login: "admin".into(),
                full_name: "Ерлан Жұмабаев".into(),
                roles: vec![Role::Admin],
                password: PASSWORD.into(),
                must_change_password: false,
            },
        )
        .unwrap();
        let admin = ctx.store.read(|tx| tx.user(id)).unwrap().unwrap();
        let saturday = OverrideForm {
            date: "2026-11-14".into(),
            kind: "working-day".into(),
            reason: "перенос".into(),
        };
        calendar::add_override(&ctx, &admin, &saturday).unwrap();
        calendar::confirm_year(&ctx, &admin, 2026).unwrap();
    }
    let output = deadline(dir.path(), "application", "2026-11-06 18:45");
    assert_eq!(
        String::from_utf8(output.stdout).unwrap().trim(),
        "registered 2026-11-09, due 2026-11-27 (15 working days from the next day; \
         3 days off skipped)",
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn deadline_refuses_a_bad_receipt_time_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let output = deadline(dir.path(), "application", "06.11.2026 18:45");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("--received"), "{stderr}");
    assert!(output.stdout.is_empty());

    // An unknown type is a usage error that clap reports, listing the known types.
    let output = deadline(dir.path(), "petition", "2026-11-06 18:45");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("--type"), "{stderr}");
}
