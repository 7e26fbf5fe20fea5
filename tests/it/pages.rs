//! The citizen's and the clerk's pages over HTTPS (issue 11): files kept across a refused
//! form, confirmation before steps that cannot be undone and a message after every step, the
//! card's main step, error summaries that name their fields, "Send" without ЭЦП, the receipt's
//! print button, and the language after sign-in.

use otinish::domain::lang::Lang;
use otinish::i18n::Catalog;

use crate::support::{
    Browser, FileUpload, PASSWORD, PDF, Page, TestApp, file_appeal, registered_applicant,
};

fn t(lang: Lang, key: &str) -> String {
    let catalog = Catalog::load().unwrap();
    let text = catalog.tr(lang).t(key);
    assert_ne!(text, key, "no text {key}");
    text.to_owned()
}

fn staff(app: &TestApp, login: &str) -> Browser {
    let mut b = app.browser();
    assert_eq!(b.sign_in(login, PASSWORD).status, 303);
    b
}

/// The applicant's form fields, with `subject` as given (empty: refused).
fn appeal_fields(form: &Page, subject: &str) -> Vec<(String, String)> {
    vec![
        ("kind".into(), "application".into()),
        ("unit".into(), "1".into()),
        ("category".into(), "1".into()),
        ("subject".into(), subject.into()),
        (
            "description".into(),
            "Балама домбыра үйірмесінен орын сұраймын.".into(),
        ),
        ("name".into(), form.input_value("name").unwrap()),
        ("phone".into(), form.input_value("phone").unwrap()),
        ("email".into(), form.input_value("email").unwrap()),
        ("address".into(), String::new()),
    ]
}

fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// Files links on an appeal page.
fn file_links(page: &Page) -> usize {
    page.links("/files/").len()
}

/// See: issue 11 (an appeal was filed with 0 files after a refused form, with no warning).
#[test]
fn files_sent_with_a_refused_form_are_filed_with_the_corrected_one() {
    let app = TestApp::spawn();
    let mut b = registered_applicant(&app, "900101300126", "Айгүл Серікова");
    let form = b.get("/appeals/new");
    let fields = appeal_fields(&form, "");
    let refused = b.post_multipart(
        "/appeals/new",
        &pairs(&fields),
        &[FileUpload {
            name: "анықтама.pdf",
            bytes: PDF,
        }],
    );
    assert_eq!(refused.status, 422, "{}", refused.text());
    let text = refused.text();
    assert!(text.contains(&t(Lang::Kk, "pages.held_files")), "{text}");
    assert!(
        text.contains("анықтама.pdf"),
        "the held file is listed: {text}"
    );
    let token = refused
        .input_value("uploads_token")
        .expect("a token for the held files");
    assert!(refused.body.contains("name=\"remove_upload\""));

    // Someone else presenting the token gets nothing.
    let mut other = registered_applicant(&app, "900101300811", "Берік Асанов");
    let other_form = other.get("/appeals/new");
    let mut stolen = appeal_fields(&other_form, "Бөгде файлдар");
    stolen.push(("uploads_token".into(), token.clone()));
    let done = other.post_multipart("/appeals/new", &pairs(&stolen), &[]);
    assert_eq!(done.status, 303, "{}", done.text());
    let appeal = done
        .location
        .unwrap()
        .split("/receipt")
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(file_links(&other.get(&appeal)), 0);

    // The corrected form, without uploading again.
    let mut fixed = appeal_fields(&form, "Үйірмеге жазылу");
    fixed.push(("uploads_token".into(), token.clone()));
    let done = b.post_multipart("/appeals/new", &pairs(&fixed), &[]);
    assert_eq!(done.status, 303, "{}", done.text());
    let receipt = b.get(done.location.as_deref().unwrap());
    assert!(receipt.text().contains(&t(Lang::Kk, "appeal.files")));
    let appeal = done
        .location
        .unwrap()
        .split("/receipt")
        .next()
        .unwrap()
        .to_owned();
    let page = b.get(&appeal);
    assert_eq!(file_links(&page), 1, "{}", page.text());
    assert!(page.text().contains("анықтама.pdf"));

    // The holding went with the appeal: the token files nothing a second time.
    let mut again = appeal_fields(&form, "Тағы бір өтініш");
    again.push(("uploads_token".into(), token));
    let done = b.post_multipart("/appeals/new", &pairs(&again), &[]);
    let appeal = done
        .location
        .unwrap()
        .split("/receipt")
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(file_links(&b.get(&appeal)), 0);
}

#[test]
fn a_held_file_ticked_for_removal_is_not_filed() {
    let app = TestApp::spawn();
    let mut b = registered_applicant(&app, "900101300126", "Айгүл Серікова");
    let form = b.get("/appeals/new");
    let refused = b.post_multipart(
        "/appeals/new",
        &pairs(&appeal_fields(&form, "")),
        &[
            FileUpload {
                name: "бірінші.pdf",
                bytes: PDF,
            },
            FileUpload {
                name: "екінші.pdf",
                bytes: PDF,
            },
        ],
    );
    assert_eq!(refused.status, 422);
    let token = refused.input_value("uploads_token").unwrap();
    let mut fixed = appeal_fields(&form, "Үйірмеге жазылу");
    fixed.push(("uploads_token".into(), token));
    fixed.push(("remove_upload".into(), "0".into()));
    let done = b.post_multipart("/appeals/new", &pairs(&fixed), &[]);
    assert_eq!(done.status, 303, "{}", done.text());
    let appeal = done
        .location
        .unwrap()
        .split("/receipt")
        .next()
        .unwrap()
        .to_owned();
    let page = b.get(&appeal);
    assert_eq!(file_links(&page), 1);
    assert!(page.text().contains("екінші.pdf"), "{}", page.text());
}

/// See: issue 11 (withdraw, return, terminate and sign were one click).
#[test]
fn withdrawing_needs_a_ticked_confirmation_and_then_says_it_was_done() {
    let app = TestApp::spawn();
    let mut b = registered_applicant(&app, "900101300126", "Айгүл Серікова");
    let (_, appeal) = file_appeal(&mut b, "Үйірмеге жазылу", &[]);
    let page = b.get(&appeal);
    assert!(
        page.body.contains("name=\"confirm\""),
        "the form asks to confirm"
    );
    let act = format!("{appeal}/act");
    let refused = b.post_multipart(&act, &[("action", "withdraw"), ("text", "")], &[]);
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert!(
        refused
            .text()
            .contains(&t(Lang::Kk, "pages.confirm_required"))
    );
    assert!(
        !b.get(&appeal)
            .text()
            .contains(&t(Lang::Kk, "Status.withdrawn")),
        "nothing was withdrawn"
    );
    let done = b.post_multipart(
        &act,
        &[("action", "withdraw"), ("text", ""), ("confirm", "yes")],
        &[],
    );
    assert_eq!(done.status, 303, "{}", done.text());
    let landed = done.location.unwrap();
    assert!(landed.ends_with("?done=withdraw"), "{landed}");
    let page = b.get(&landed);
    assert!(page.body.contains("role=\"status\""));
    assert!(page.text().contains(&t(Lang::Kk, "pages.done_withdraw")));
    assert!(page.text().contains(&t(Lang::Kk, "Status.withdrawn")));
}

#[test]
fn signing_and_terminating_need_confirmation_and_routing_says_it_was_done() {
    let app = TestApp::spawn();
    let mut b = registered_applicant(&app, "900101300126", "Айгүл Серікова");
    let (_, appeal) = file_appeal(&mut b, "Үйірмеге жазылу", &[]);
    let mut director = staff(&app, "director");
    let card = director.get(&appeal);
    let executor = card
        .body
        .split("<option value=\"")
        .skip(1)
        .find(|o| o.contains("Нұрлан Оспанов"))
        .and_then(|o| o.split('"').next())
        .unwrap()
        .to_owned();
    let act = format!("{appeal}/act");
    let routed =
        director.post_multipart(&act, &[("action", "route"), ("executor", &executor)], &[]);
    assert_eq!(routed.status, 303);
    let page = director.get(routed.location.as_deref().unwrap());
    assert!(page.text().contains(&t(Lang::Kk, "pages.done_route")));
    let refused = director.post_multipart(
        &act,
        &[("action", "terminate"), ("ground", "other"), ("text", "x")],
        &[],
    );
    assert_eq!(refused.status, 422, "{}", refused.text());
    let mut executor = staff(&app, "executor");
    executor.get(&appeal);
    let drafted = executor.post_multipart(
        &act,
        &[
            ("action", "submit-draft"),
            ("outcome", "explained"),
            ("appeal_clause", "yes"),
            ("text", "Түсіндірме беріледі."),
        ],
        &[],
    );
    assert_eq!(drafted.status, 303, "{}", drafted.text());
    director.get(&appeal);
    let unsigned = director.post_multipart(&act, &[("action", "sign")], &[]);
    assert_eq!(unsigned.status, 422, "{}", unsigned.text());
    let signed = director.post_multipart(&act, &[("action", "sign"), ("confirm", "yes")], &[]);
    assert_eq!(signed.status, 303);
    let page = director.get(signed.location.as_deref().unwrap());
    assert!(page.text().contains(&t(Lang::Kk, "pages.done_sign")));
}

/// See: issue 11 (the staff card was a 3,800 px stack of six open forms).
#[test]
fn the_card_shows_the_main_step_and_folds_the_others() {
    let app = TestApp::spawn();
    let mut b = registered_applicant(&app, "900101300126", "Айгүл Серікова");
    let (_, appeal) = file_appeal(&mut b, "Үйірмеге жазылу", &[]);
    let mut clerk = staff(&app, "clerk");
    let card = clerk.get(&appeal).body;
    let route = card
        .find("id=\"action-route\"")
        .expect("routing is offered");
    let folded = card
        .find("<details class=\"other-actions")
        .expect("other actions folded");
    assert!(route < folded, "the main step comes before the folded ones");
    assert_eq!(
        card[..folded].matches("<form class=\"stack\"").count(),
        1,
        "one open form before «other actions»"
    );
    assert!(
        card[folded..].contains("id=\"action-"),
        "the rest are inside"
    );
    assert!(card.contains(&t(Lang::Kk, "pages.other_actions")));
}

/// See: issue 11 (the summary said "fill in this field" five times).
#[test]
fn the_error_summary_names_each_field() {
    let app = TestApp::spawn();
    let mut b = registered_applicant(&app, "900101300126", "Айгүл Серікова");
    b.get("/appeals/new");
    let refused = b.post_multipart("/appeals/new", &[("subject", "")], &[]);
    assert_eq!(refused.status, 422);
    let summary = refused
        .body
        .split("id=\"form-errors\"")
        .nth(1)
        .and_then(|s| s.split("</div>").next())
        .unwrap()
        .to_owned();
    let required = t(Lang::Kk, "error.required");
    let lowered: String = required
        .chars()
        .next()
        .unwrap()
        .to_lowercase()
        .chain(required.chars().skip(1))
        .collect();
    for label in [
        "appeal.kind",
        "appeal.unit",
        "appeal.subject",
        "appeal.description",
    ] {
        let line = format!("{}: {lowered}", t(Lang::Kk, label));
        assert!(summary.contains(&line), "«{line}» missing from {summary}");
    }
}

/// See: issue 11 ("Sign and send" signed nothing when no ЭЦП was set up).
#[test]
fn without_ecp_the_appeal_form_says_send() {
    let app = TestApp::spawn();
    let mut b = registered_applicant(&app, "900101300126", "Айгүл Серікова");
    let form = b.get("/appeals/new");
    let button = form
        .body
        .split("<button class=\"primary\" type=\"submit\">")
        .nth(1)
        .and_then(|s| s.split("</button>").next())
        .unwrap()
        .to_owned();
    assert_eq!(button, t(Lang::Kk, "form.submit"));
    assert_eq!(button, "Жіберу");
    assert!(
        !form.body.contains("data-ncalayer"),
        "no ЭЦП offered when none is set up"
    );
}

/// See: issue 11 (the receipt had no Print/PDF button).
#[test]
fn the_receipt_offers_printing() {
    let app = TestApp::spawn();
    let mut b = registered_applicant(&app, "900101300126", "Айгүл Серікова");
    let (receipt, _) = file_appeal(&mut b, "Үйірмеге жазылу", &[]);
    assert!(receipt.body.contains("data-print"), "{}", receipt.body);
    assert!(receipt.text().contains(&t(Lang::Kk, "pages.print")));
    assert!(receipt.text().contains(&t(Lang::Kk, "pages.print_hint")));
}

/// See: issue 11 (after sign-in the pages switched to Kazakh with `default_language = "en"`).
#[test]
fn the_default_language_stays_after_sign_in_until_the_user_chooses() {
    let app = TestApp::spawn_with(|config| config.default_language = Lang::En);
    let mut clerk = app.browser();
    assert!(clerk.get("/login").body.contains("<html lang=\"en\""));
    assert_eq!(clerk.sign_in("clerk", PASSWORD).status, 303);
    let page = clerk.get("/registry");
    assert!(page.body.contains("<html lang=\"en\""), "{}", page.text());

    // Once the user chooses, the choice follows them to another browser.
    let chose = clerk.post("/lang", &[("lang", "ru"), ("next", "/registry")]);
    assert_eq!(chose.status, 303);
    let mut elsewhere = app.browser();
    assert_eq!(elsewhere.sign_in("clerk", PASSWORD).status, 303);
    assert!(
        elsewhere
            .get("/registry")
            .body
            .contains("<html lang=\"ru\"")
    );
}
