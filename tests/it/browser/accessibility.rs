//! Accessibility in a real browser: axe-core finds no WCAG 2.1 A/AA violation on any key page
//! in any language; every control has a label; `lang` names the page's language; a refused form
//! announces its errors and moves the focus to the first; the appeal form can be filled and
//! sent with the keyboard alone; at 200 % zoom nothing scrolls sideways; and everything works
//! with JavaScript turned off.

use std::io::Write;

use fantoccini::key::Key;
use otinish::domain::lang::Lang;

use super::driver::{DESKTOP, Options, Session};
use super::{AIGUL, World, attachment, axe, base, register, t};
use crate::support::TestApp;

/// Controls that have no label a screen reader would read (should be none).
fn unlabelled(s: &Session) -> Vec<String> {
    let found = s.js(
        "return [...document.querySelectorAll('input, select, textarea, button')] \
           .filter(e => e.type !== 'hidden') \
           .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') \
                        && !e.getAttribute('aria-labelledby') \
                        && !(e.tagName === 'BUTTON' && e.textContent.trim())) \
           .map(e => e.outerHTML.slice(0, 120));",
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
fn axe_finds_no_wcag_violations_on_any_page_in_any_language() {
    let Some(world) = World::new("axe_finds_no_wcag_violations_on_any_page_in_any_language") else {
        return;
    };
    let mut pages = 0;
    let mut rules_passed = 0;
    world.tour(&Lang::ALL, |s, lang, page| {
        assert_eq!(s.lang(), lang.code(), "`lang` of {page}");
        let missing = unlabelled(s);
        assert!(
            missing.is_empty(),
            "controls without a label on {page}: {missing:#?}"
        );
        rules_passed += axe::assert_clean(s, &format!("{page} ({})", lang.code()));
        pages += 1;
    });
    let _ = writeln!(
        std::io::stderr(),
        "axe: {pages} pages in 3 languages, 0 violations, {rules_passed} rule checks passed"
    );
}

#[test]
fn a_refused_form_announces_its_errors_and_focuses_the_first() {
    let app = TestApp::spawn();
    let Some(s) = super::browser(
        &app,
        "a_refused_form_announces_its_errors_and_focuses_the_first",
    ) else {
        return;
    };
    let focused = |s: &Session| {
        s.js("return document.activeElement.id;")
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    // Registration sent empty: the first field in error has the focus and its message.
    s.goto("/register");
    s.press_in("main", &t(Lang::Kk, "register.submit"));
    assert!(
        s.has("#form-errors[role='alert']"),
        "the summary is an alert"
    );
    assert_eq!(focused(&s), "f-tax_id");
    // It is marked invalid and described by the message the summary lists first.
    let described = s.js("const e = document.activeElement; \
         return [e.getAttribute('aria-invalid'), \
                 (e.getAttribute('aria-describedby') || '').split(' ') \
                   .map(id => document.getElementById(id).textContent).join(' '), \
                 document.querySelector('#form-errors li').textContent];");
    assert_eq!(described[0], "true", "aria-invalid");
    let (why, first) = (
        described[1].as_str().unwrap_or_default(),
        described[2].as_str().unwrap_or_default(),
    );
    // The summary names the field, then gives the message the field itself is described by.
    let (field, message) = first.split_once(": ").unwrap_or_default();
    assert!(
        !field.is_empty() && !message.is_empty() && why.contains(message),
        "the field is described by «{first}»: «{why}»"
    );

    // The appeal form sent empty: the focus goes to its first field, the type of appeal.
    register(&s, Lang::Kk, AIGUL);
    s.switch_language("en");
    s.press_in("main", &t(Lang::En, "form.submit"));
    assert_eq!(focused(&s), "f-kind");
    assert!(s.text().contains(&t(Lang::En, "form.has_errors")));

    // A refused sign-in: the focus goes to the message.
    s.sign_out(&t(Lang::En, "nav.logout"));
    s.sign_in(AIGUL.iin, "not the password", &t(Lang::En, "login.submit"));
    assert_eq!(focused(&s), "form-errors");
    assert!(s.text().contains(&t(Lang::En, "login.failed")));
}

#[test]
fn the_appeal_form_can_be_filled_and_sent_with_the_keyboard_alone() {
    let app = TestApp::spawn();
    let Some(s) = super::browser(
        &app,
        "the_appeal_form_can_be_filled_and_sent_with_the_keyboard_alone",
    ) else {
        return;
    };
    register(&s, Lang::Kk, AIGUL);
    s.goto("/appeals/new");
    let (tab, enter, down) = (
        char::from(Key::Tab).to_string(),
        char::from(Key::Enter).to_string(),
        char::from(Key::Down).to_string(),
    );
    let focus = |s: &Session| {
        let seen = s.js(
            "const e = document.activeElement, st = getComputedStyle(e); \
             return [e.id || e.className || e.tagName, \
                     st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2];",
        );
        (
            seen[0].as_str().unwrap_or_default().to_owned(),
            seen[1] == serde_json::Value::Bool(true),
        )
    };

    // The first Tab reaches the skip link, which shows itself and jumps to the content. Under
    // load that Tab was seen lost (focus still on BODY, no element focused); a second one
    // still starts from the top, so the skip link must be the first stop either way.
    s.keys(&tab);
    if focus(&s).0 == "BODY" {
        eprintln!("the first Tab did not reach the page; pressing it again");
        s.keys(&tab);
    }
    assert_eq!(focus(&s).0, "skip-link");
    let top = s.js("return document.activeElement.getBoundingClientRect().top;");
    assert!(
        top.as_f64().unwrap_or(-1.0) >= 0.0,
        "the skip link is on screen"
    );
    s.keys(&enter);

    // Then the fields in the order they are shown, each with a visible focus ring.
    let steps: [(&str, String); 12] = [
        ("f-kind", down.clone()),
        ("f-unit", down.clone()),
        ("f-category", down.clone()),
        ("f-subject", "Пернетақтамен жазылған өтініш".to_owned()),
        ("f-description", "Тінтуірсіз толтырдым.".to_owned()),
        ("f-co_applicants", String::new()),
        ("f-files", String::new()),
        ("f-name", String::new()),
        ("f-phone", String::new()),
        ("f-email", String::new()),
        ("f-address", String::new()),
        ("primary", enter.clone()),
    ];
    for (expected, typed) in steps {
        s.keys(&tab);
        let (id, ring) = focus(&s);
        assert_eq!(id, expected, "Tab order");
        assert!(ring, "{id} shows where the focus is");
        if !typed.is_empty() {
            s.keys(&typed);
        }
    }
    s.wait_until("location.pathname.includes('/receipt')", "the receipt");
    let receipt = s.text();
    assert!(receipt.contains("ЖТ-2026-00000001"), "{receipt}");
    assert!(
        receipt.contains("Пернетақтамен жазылған өтініш"),
        "{receipt}"
    );
}

#[test]
fn pages_reflow_at_200_percent_zoom_without_sideways_scrolling() {
    let Some(world) = World::new("pages_reflow_at_200_percent_zoom_without_sideways_scrolling")
    else {
        return;
    };
    world.s.zoomed(DESKTOP, 2.0);
    let mut problems = Vec::new();
    world.tour(&[Lang::Kk, Lang::Ru], |s, lang, page| {
        if let Some(problem) = s.scrolls_sideways() {
            problems.push(format!("{page} ({}): {problem}", lang.code()));
        }
    });
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn an_appeal_can_be_filed_with_javascript_turned_off() {
    let app = TestApp::spawn();
    let Some(s) = Session::start_with(
        &base(&app),
        "an_appeal_can_be_filed_with_javascript_turned_off",
        Options { javascript: false },
    ) else {
        return;
    };
    // A refused form still lists its errors; the page's own script did not run, so the
    // focus stays where the browser put it (WebDriver's scripts run regardless).
    s.goto("/register");
    s.press_in("main", &t(Lang::Kk, "register.submit"));
    assert!(s.has("#form-errors"), "errors listed without scripts");
    assert_eq!(
        s.js("return document.activeElement.tagName;"),
        "BODY",
        "no page script ran"
    );
    s.fill("#f-tax_id", AIGUL.iin);
    s.fill("#f-full_name", AIGUL.name);
    s.fill("#f-phone", "+7 701 234 56 78");
    s.fill("#f-email", "applicant@example.kz");
    s.fill("#f-password", crate::support::PASSWORD);
    s.fill("#f-password_again", crate::support::PASSWORD);
    s.press_in("main", &t(Lang::Kk, "register.submit"));
    s.click("label[for='agree']");
    s.press_in("main", &t(Lang::Kk, "terms.submit"));
    s.choose("#f-kind", &t(Lang::Kk, "AppealKind.request"));
    s.choose_nth("#f-unit", 1);
    s.choose_nth("#f-category", 1);
    s.fill("#f-subject", "Скриптсіз өтініш");
    s.fill("#f-description", "JavaScript өшірулі.");
    s.attach("#f-files", &attachment());
    s.press_in("main", &t(Lang::Kk, "form.submit"));
    assert!(s.path().contains("/receipt"), "{}", s.path());
    assert!(s.text().contains("ЖТ-2026-00000001"), "{}", s.text());
}
