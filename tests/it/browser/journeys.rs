//! The whole appeal in a real browser, once in each language: the applicant registers, agrees
//! to the terms, files an appeal with an attachment and reads the receipt; the clerk finds it
//! in the registry and routes it; the executor drafts the answer; the director signs it; the
//! applicant reads the answer and rates it. Screenshots of each key page at desktop and phone
//! size go to `target/screenshots/{lang}-{page}-{desktop|phone}.png`.

use otinish::domain::lang::Lang;

use super::{AIGUL, browser, file_appeal, register, t};
use crate::support::{PASSWORD, TestApp};

const EXECUTOR: &str = "Нұрлан Оспанов";
const DIRECTOR: &str = "Гүлнар Серікова";

fn the_whole_appeal(lang: Lang, test: &str) {
    let app = TestApp::spawn();
    let Some(s) = browser(&app, test) else {
        return;
    };
    let tl = |key: &str| t(lang, key);
    let shots = |page: &str| s.screenshots(&format!("{}-{page}", lang.code()));

    // A visitor opens the desk and picks a language.
    s.goto("/");
    if lang != Lang::Kk {
        s.switch_language(lang.code());
    }
    assert_eq!(s.lang(), lang.code());
    assert!(s.text().contains(&tl("home.title")), "{}", s.text());
    shots("home");

    // Register → terms → the appeal form with one's own data filled in.
    register(&s, lang, AIGUL);
    let form = s.text();
    assert!(form.contains(&tl("form.title")), "{form}");
    assert!(form.contains(AIGUL.iin), "own IIN shown: {form}");
    shots("appeal-form");

    // File it with an attachment: the receipt shows number, dates and the attachment count.
    let subject = format!("Үйірмеге жазылу ({})", lang.code());
    let number = file_appeal(&s, lang, &subject, true);
    assert_eq!(number, "ЖТ-2026-00000001");
    let receipt = s.text();
    for seen in [
        tl("receipt.sent").as_str(),
        "02.03.2026 10:00",
        "27.03.2026",
        &subject,
        AIGUL.name,
        &tl("AppealKind.application"),
    ] {
        assert!(receipt.contains(seen), "receipt lacks «{seen}»: {receipt}");
    }
    shots("receipt");

    // The cabinet lists it as registered.
    s.click_link(&tl("nav.cabinet"));
    let cabinet = s.text();
    assert!(cabinet.contains(&number), "{cabinet}");
    assert!(cabinet.contains(&tl("Status.registered")), "{cabinet}");
    shots("cabinet");
    s.sign_out(&tl("nav.logout"));

    // The clerk filters the registry to new appeals with this number and routes it.
    s.sign_in("clerk", PASSWORD, &tl("login.submit"));
    assert_eq!(s.path(), "/registry");
    s.fill("#q-q", &number);
    s.choose("#q-status", &tl("Status.registered"));
    s.press_in("form.filters", &tl("registry.apply"));
    let registry = s.text();
    assert!(registry.contains(&number), "{registry}");
    assert!(registry.contains(&subject), "{registry}");
    shots("registry");
    s.click_link(&number);
    assert!(s.text().contains(AIGUL.name));
    shots("card");
    s.choose("#f-route-executor", EXECUTOR);
    s.press_in("#action-route", &tl("action.route"));
    let routed = s.text();
    assert!(routed.contains(&tl("Status.in-progress")), "{routed}");
    assert!(routed.contains(EXECUTOR), "{routed}");
    s.sign_out(&tl("nav.logout"));

    // The executor finds it among their tasks and sends a draft answer for signature.
    s.sign_in("executor", PASSWORD, &tl("login.submit"));
    s.click_link_starting(&tl("queue.mine"));
    s.click_link(&number);
    let answer = format!("Орын бар, сабақ сейсенбі күні басталады ({}).", lang.code());
    s.choose("#f-submit-draft-outcome", &tl("Outcome.satisfied"));
    s.fill("#f-submit-draft-text", &answer);
    s.press_in("#action-submit-draft", &tl("action.submit_draft"));
    let drafted = s.text();
    assert!(drafted.contains(&tl("Status.on-signature")), "{drafted}");
    s.sign_out(&tl("nav.logout"));

    // The director signs it from the signature queue.
    s.sign_in("director", PASSWORD, &tl("login.submit"));
    s.click_link_starting(&tl("queue.signature"));
    s.click_link(&number);
    s.click("label[for='f-sign-confirm']");
    s.press_in("#action-sign", &tl("action.sign"));
    let signed = s.text();
    assert!(signed.contains(&tl("Status.closed")), "{signed}");
    s.sign_out(&tl("nav.logout"));

    // The applicant reads the answer and rates it.
    s.sign_in(AIGUL.iin, PASSWORD, &tl("login.submit"));
    assert_eq!(s.path(), "/cabinet");
    assert!(s.text().contains(&tl("Status.closed")), "{}", s.text());
    s.click_link(&number);
    let page = s.text();
    for seen in [
        answer.as_str(),
        &tl("Outcome.satisfied"),
        &tl("appeal.answer"),
        DIRECTOR,
        EXECUTOR,
    ] {
        assert!(page.contains(seen), "answer page lacks «{seen}»: {page}");
    }
    s.screenshots_of(&format!("{}-answer", lang.code()), Some("section.answer"));
    s.click("label[for='score-positive']");
    s.press_in("#action-rate", &tl("action.rate"));
    let rated = s.text();
    assert!(
        rated.contains(&format!(
            "{}: {}",
            tl("appeal.rating"),
            tl("Score.positive")
        )),
        "{rated}"
    );
}

#[test]
fn the_whole_appeal_in_kazakh() {
    the_whole_appeal(Lang::Kk, "the_whole_appeal_in_kazakh");
}

#[test]
fn the_whole_appeal_in_russian() {
    the_whole_appeal(Lang::Ru, "the_whole_appeal_in_russian");
}

#[test]
fn the_whole_appeal_in_english() {
    the_whole_appeal(Lang::En, "the_whole_appeal_in_english");
}

/// Issue 11: the complaint form of an answered appeal posts the complaint (not a new appeal),
/// shows the contested answer, and the two appeals link each other.
#[test]
fn a_complaint_filed_through_its_form_is_linked_to_the_answer() {
    let app = TestApp::spawn();
    let Some(s) = browser(
        &app,
        "a_complaint_filed_through_its_form_is_linked_to_the_answer",
    ) else {
        return;
    };
    let lang = Lang::Kk;
    let tl = |key: &str| t(lang, key);
    register(&s, lang, AIGUL);
    let number = file_appeal(&s, lang, "Үйірмеге жазылу", false);
    super::answer_over_http(&app, "/appeals/1");

    s.goto("/appeals/1");
    s.click_link(&tl("action.complain"));
    assert_eq!(s.path(), "/appeals/1/complaint");
    let form = s.text();
    for seen in [
        tl("complaint.title").as_str(),
        &tl("law.contested_title"),
        &number,
        DIRECTOR,
        super::ANSWER,
    ] {
        assert!(
            form.contains(seen),
            "the complaint form lacks «{seen}»: {form}"
        );
    }
    s.fill("#f-description", "Жауапта сабақтың уақыты ғана айтылған.");
    s.press_in("main", &tl("form.submit"));
    assert!(s.path().contains("/receipt"), "{}: {}", s.path(), s.text());
    let receipt = s.text();
    assert!(receipt.contains(&tl("AppealKind.complaint")), "{receipt}");
    let complaint = receipt
        .split_whitespace()
        .find(|w| w.starts_with("ЖТ-") && *w != number)
        .unwrap()
        .to_owned();

    s.click_link(&tl("receipt.open"));
    let card = s.text();
    assert!(card.contains(&tl("law.contested_title")), "{card}");
    assert!(card.contains(&number), "{card}");
    s.click_link(&number);
    let original = s.text();
    assert!(original.contains(&tl("appeal.complaints")), "{original}");
    assert!(original.contains(&complaint), "{original}");
}
