//! Issue 11's pages in a real browser: files kept across a refused form, the card's main step
//! with the others folded and a confirmation before withdrawing, the registry at 1366×768 and
//! on a phone, the receipt's print button, and the director's notice that clears once signed.

use otinish::domain::lang::Lang;

use super::driver::{DESKTOP, PHONE};
use super::{AIGUL, browser, file_appeal, register, t};
use crate::support::{FileUpload, PASSWORD, PDF, TestApp, registered_applicant};

#[test]
fn a_file_attached_to_a_refused_form_is_filed_with_the_corrected_one() {
    let app = TestApp::spawn();
    let Some(s) = browser(
        &app,
        "a_file_attached_to_a_refused_form_is_filed_with_the_corrected_one",
    ) else {
        return;
    };
    let tl = |key: &str| t(Lang::Kk, key);
    register(&s, Lang::Kk, AIGUL);
    s.choose("#f-kind", &tl("AppealKind.application"));
    s.choose_nth("#f-unit", 1);
    s.choose_nth("#f-category", 1);
    s.fill(
        "#f-description",
        "Балама домбыра үйірмесінен орын сұраймын.",
    );
    s.attach("#f-files", &super::attachment());
    // The subject is left out: the form is refused.
    s.press_in("main", &tl("form.submit"));
    assert_eq!(s.path(), "/appeals/new");
    let text = s.text();
    assert!(text.contains(&tl("pages.held_files")), "{text}");
    assert!(text.contains("өтініш.pdf"), "{text}");
    s.fill("#f-subject", "Үйірмеге жазылу");
    s.press_in("main", &tl("form.submit"));
    assert!(s.path().contains("/receipt"), "{}: {}", s.path(), s.text());
    s.goto(s.path().split("/receipt").next().unwrap());
    assert!(
        s.has("ul.files a[href^='/files/']"),
        "the appeal has its file: {}",
        s.text()
    );
    assert!(s.text().contains("өтініш.pdf"));
}

#[test]
fn withdrawing_is_folded_asks_for_confirmation_and_says_it_was_done() {
    let app = TestApp::spawn();
    let Some(s) = browser(
        &app,
        "withdrawing_is_folded_asks_for_confirmation_and_says_it_was_done",
    ) else {
        return;
    };
    let tl = |key: &str| t(Lang::Kk, key);
    register(&s, Lang::Kk, AIGUL);
    file_appeal(&s, Lang::Kk, "Үйірмеге жазылу", false);
    s.goto(s.path().split("/receipt").next().unwrap());
    let appeal = s.path();
    // The one step the applicant has is under "other actions", closed.
    assert_eq!(
        s.js("return document.querySelector('details.other-actions').open"),
        serde_json::Value::Bool(false)
    );
    s.click("details.other-actions > summary");
    s.press_in("#action-withdraw", &tl("action.withdraw"));
    assert!(
        s.text().contains(&tl("pages.confirm_required")),
        "{}",
        s.text()
    );
    assert!(!s.text().contains(&tl("Status.withdrawn")));
    s.click("label[for='f-withdraw-confirm']");
    s.press_in("#action-withdraw", &tl("action.withdraw"));
    assert!(s.path().starts_with(&appeal));
    assert_eq!(s.element_text("#done"), tl("pages.done_withdraw"));
    assert!(s.text().contains(&tl("Status.withdrawn")));
}

#[test]
fn the_clerk_card_opens_on_the_main_step_only() {
    let app = TestApp::spawn();
    let mut applicant = registered_applicant(&app, "900101300126", "Айгүл Серікова");
    let (_, appeal) = crate::support::file_appeal(&mut applicant, "Үйірмеге жазылу", &[]);
    let Some(s) = browser(&app, "the_clerk_card_opens_on_the_main_step_only") else {
        return;
    };
    s.viewport(DESKTOP);
    s.sign_in("clerk", PASSWORD, &t(Lang::Kk, "login.submit"));
    s.goto(&appeal);
    let open_forms = s.js("return [...document.querySelectorAll('main form.stack')] \
           .filter(f => f.checkVisibility()).length");
    assert_eq!(
        open_forms,
        serde_json::json!(1),
        "one open form on the card"
    );
    let main = s.js("return document.querySelector('section.main-step').id");
    assert_eq!(main, serde_json::json!("action-route"));
}

/// Files appeals whose subject and applicant are long enough to widen a careless table.
fn long_rows(app: &TestApp) {
    let mut b = registered_applicant(
        app,
        "900101300126",
        "Айгүлжан Серікқызы Нұрмағамбетова-Қалиасқарова",
    );
    let subject = "Балалар_шығармашылығы_орталығының_домбыра_үйірмесіне_жазылу_туралы_өтініш_\
                   және_кесте_өзгерісі";
    for _ in 0..3 {
        crate::support::file_appeal(
            &mut b,
            subject,
            &[FileUpload {
                name: "a.pdf",
                bytes: PDF,
            }],
        );
    }
}

#[test]
fn the_registry_fits_1366_px_with_status_and_deadline_in_view() {
    let app = TestApp::spawn();
    long_rows(&app);
    let Some(s) = browser(
        &app,
        "the_registry_fits_1366_px_with_status_and_deadline_in_view",
    ) else {
        return;
    };
    s.viewport(DESKTOP);
    s.sign_in("clerk", PASSWORD, &t(Lang::Kk, "login.submit"));
    s.goto("/registry");
    for lang in [Lang::Kk, Lang::Ru, Lang::En] {
        if s.lang() != lang.code() {
            s.switch_language(lang.code());
        }
        assert_eq!(s.path(), "/registry");
        // The status and deadline columns: header and first row, right edge within the
        // viewport and within the table's own scrolling box.
        let out = s.js("const w = document.documentElement.clientWidth; \
             const wrap = document.querySelector('.table-wrap'); \
             const box = wrap.getBoundingClientRect(); \
             const cells = [...document.querySelectorAll( \
               'table.list thead th:nth-child(8), table.list thead th:nth-child(9), \
                table.list tbody tr:first-child td:nth-child(8), \
                table.list tbody tr:first-child td:nth-child(9)')]; \
             return { count: cells.length, \
               cut: cells.filter(c => { const r = c.getBoundingClientRect(); \
                 return r.right > Math.min(w, box.right) + 0.5; }).map(c => c.textContent), \
               scrolls: wrap.scrollWidth > wrap.clientWidth + 1 };");
        s.screenshot(&format!("registry-1366-{}", lang.code()));
        assert_eq!(out["count"], serde_json::json!(4), "{out}");
        assert_eq!(
            out["cut"],
            serde_json::json!([]),
            "{} cut off: {out}",
            lang.code()
        );
        assert_eq!(
            out["scrolls"],
            serde_json::json!(false),
            "{}: {out}",
            lang.code()
        );
        assert!(s.scrolls_sideways().is_none());
    }
}

#[test]
fn the_registry_rows_are_cards_on_a_phone() {
    let app = TestApp::spawn();
    long_rows(&app);
    let Some(s) = browser(&app, "the_registry_rows_are_cards_on_a_phone") else {
        return;
    };
    s.viewport(PHONE);
    s.sign_in("clerk", PASSWORD, &t(Lang::Kk, "login.submit"));
    s.goto("/registry");
    let out = s.js(
        "const row = document.querySelector('table.list tbody tr'); \
         const head = document.querySelector('table.list thead').getBoundingClientRect(); \
         const label = getComputedStyle(row.querySelector('td'), '::before').content; \
         return { row: getComputedStyle(row).display, head: head.height, label: label };",
    );
    s.screenshot("registry-phone");
    assert_eq!(out["row"], serde_json::json!("block"), "{out}");
    assert!(out["head"].as_f64().unwrap() <= 1.0, "{out}");
    assert!(
        out["label"]
            .as_str()
            .unwrap()
            .contains(&t(Lang::Kk, "appeal.number")),
        "each cell is named: {out}"
    );
    assert!(s.scrolls_sideways().is_none(), "{:?}", s.scrolls_sideways());
}

#[test]
fn the_receipt_has_a_print_button() {
    let app = TestApp::spawn();
    let Some(s) = browser(&app, "the_receipt_has_a_print_button") else {
        return;
    };
    register(&s, Lang::Kk, AIGUL);
    file_appeal(&s, Lang::Kk, "Үйірмеге жазылу", false);
    let button = s.js(
        "const b = document.querySelector('button[data-print]'); \
         return b && !b.hidden && b.getBoundingClientRect().height > 0 ? b.textContent.trim() : null;",
    );
    assert_eq!(button, serde_json::json!(t(Lang::Kk, "pages.print")));
    s.js("window.printed = false; window.print = () => { window.printed = true; };");
    s.click("button[data-print]");
    assert_eq!(s.js("return window.printed"), serde_json::Value::Bool(true));
}

/// The director sees the notices badge for a draft awaiting signature, signs on the card, and
/// the badge is gone; the notices page lists the notice among the done tasks only.
/// See: issue 11 (23 "awaiting signature" notices, signed ones included).
#[test]
fn the_directors_signature_notice_clears_once_signed() {
    let app = TestApp::spawn();
    let mut applicant = registered_applicant(&app, "900101300126", "Айгүл Серікова");
    let (_, appeal) = crate::support::file_appeal(&mut applicant, "Үйірмеге жазылу", &[]);
    let act = format!("{appeal}/act");
    let mut clerk = app.browser();
    clerk.sign_in("clerk", PASSWORD);
    let card = clerk.get(&appeal);
    let executor = card
        .body
        .split("<option value=\"")
        .skip(1)
        .find(|o| o.contains("Нұрлан Оспанов"))
        .and_then(|o| o.split('"').next())
        .unwrap()
        .to_owned();
    let routed = clerk.post_multipart(&act, &[("action", "route"), ("executor", &executor)], &[]);
    assert_eq!(routed.status, 303, "{}", routed.text());
    let mut executor = app.browser();
    executor.sign_in("executor", PASSWORD);
    executor.get(&appeal);
    let drafted = executor.post_multipart(
        &act,
        &[
            ("action", "submit-draft"),
            ("outcome", "explained"),
            ("text", "Түсіндірме беріледі."),
        ],
        &[],
    );
    assert_eq!(drafted.status, 303, "{}", drafted.text());
    otinish::service::notices::deliver(&app.ctx, 100).unwrap();

    let Some(s) = browser(&app, "the_directors_signature_notice_clears_once_signed") else {
        return;
    };
    let tl = |key: &str| t(Lang::Kk, key);
    s.viewport(DESKTOP);
    s.sign_in("director", PASSWORD, &tl("login.submit"));
    s.goto(&appeal);
    assert_eq!(
        s.element_text("a[href='/notices'] .count"),
        "1",
        "the director is told"
    );
    s.click("label[for='f-sign-confirm']");
    s.press_in("#action-sign", &tl("action.sign"));
    assert_eq!(s.element_text("#done"), tl("pages.done_sign"));
    assert!(
        !s.has("a[href='/notices'] .count"),
        "no badge once signed: {}",
        s.text()
    );
    s.goto("/notices");
    let text = s.text();
    assert!(text.contains(&tl("notices.none_open")), "{text}");
    assert!(
        !text.contains(&tl("notice.awaiting_signature")),
        "the done task is folded away: {text}"
    );
    s.click("details.done-notices > summary");
    assert!(
        s.text().contains(&tl("notice.awaiting_signature")),
        "{}",
        s.text()
    );
}
