//! Complaints about an answer over HTTPS (АППК arts. 91-92, issue 11): the form posts to the
//! complaint's own address and shows the contested answer; the complaint is linked both ways,
//! gets the complaint term, is never handled by the signer of the answer, is due to the higher
//! body 3 working days from receipt, and counts in the report; after the window it is still
//! accepted, marked late with the applicant's reason.

use otinish::domain::calendar::Calendar;
use otinish::domain::deadline::{CountingRule, Term, due_date};

use crate::support::{Browser, PASSWORD, Page, TestApp, file_appeal, registered_applicant};

fn staff(app: &TestApp, login: &str) -> Browser {
    let mut b = app.browser();
    assert_eq!(b.sign_in(login, PASSWORD).status, 303);
    b
}

fn act(b: &mut Browser, appeal: &str, fields: &[(&str, &str)]) -> Page {
    b.get(appeal);
    b.post_multipart(&format!("{appeal}/act"), fields, &[])
}

/// The id the page's select offers for a person.
fn option_value(page: &Page, name: &str) -> Option<String> {
    page.body
        .split("<option value=\"")
        .skip(1)
        .find(|o| {
            o.split("</option>")
                .next()
                .is_some_and(|o| o.contains(name))
        })
        .and_then(|o| o.split('"').next())
        .map(str::to_owned)
}

/// The `action` of the page's form that carries `field`.
fn form_action(page: &Page, field: &str) -> String {
    let at = page.body.find(&format!("name=\"{field}\"")).unwrap();
    let form = page.body[..at].rfind("<form").unwrap();
    let tag = &page.body[form..];
    let start = tag.find("action=\"").unwrap() + 8;
    tag[start..start + tag[start..].find('"').unwrap()].to_owned()
}

/// An appeal filed on Mon 2 March 2026, routed, answered by the executor and signed by the
/// director (Гүлнар Серікова); returns the applicant and the appeal's path.
fn answered(app: &TestApp) -> (Browser, String) {
    let mut applicant = registered_applicant(app, "900101300126", "Айгүл Серікова");
    let (_, appeal) = file_appeal(&mut applicant, "Үйірмеге жазылу", &[]);
    let mut clerk = staff(app, "clerk");
    let executor = option_value(&clerk.get(&appeal), "Нұрлан Оспанов").unwrap();
    let routed = act(
        &mut clerk,
        &appeal,
        &[("action", "route"), ("executor", &executor)],
    );
    assert_eq!(routed.status, 303, "{}", routed.text());
    let mut executor = staff(app, "executor");
    let drafted = act(
        &mut executor,
        &appeal,
        &[
            ("action", "submit-draft"),
            ("outcome", "explained"),
            ("appeal_clause", "yes"),
            ("text", "Үйірмеде бос орын жоқ, кезекке жазылдыңыз."),
        ],
    );
    assert_eq!(drafted.status, 303, "{}", drafted.text());
    let mut director = staff(app, "director");
    assert_eq!(
        act(
            &mut director,
            &appeal,
            &[("action", "sign"), ("confirm", "yes")]
        )
        .status,
        303
    );
    (applicant, appeal)
}

/// Posts the complaint form as shown, with a text and an optional reason for lateness.
fn complain(b: &mut Browser, appeal: &str, late_reason: &str) -> Page {
    let form = b.get(&format!("{appeal}/complaint"));
    assert_eq!(form.status, 200, "{}", form.text());
    let action = form_action(&form, "description");
    b.post_multipart(
        &action,
        &[
            ("kind", &form.input_value("kind").unwrap()),
            ("unit", "1"),
            ("category", "1"),
            ("subject", &form.input_value("subject").unwrap()),
            (
                "description",
                "Жауап толық емес: кезектегі орным айтылмаған.",
            ),
            ("name", &form.input_value("name").unwrap()),
            ("phone", &form.input_value("phone").unwrap()),
            ("email", &form.input_value("email").unwrap()),
            ("late_reason", late_reason),
        ],
        &[],
    )
}

#[test]
fn a_complaint_through_its_form_is_linked_gets_its_term_and_skips_the_signer() {
    let app = TestApp::spawn();
    let (mut applicant, appeal) = answered(&app);
    let form = applicant.get(&format!("{appeal}/complaint"));
    assert_eq!(
        form_action(&form, "description"),
        format!(
            "{appeal}/complaint?csrf={}",
            applicant.csrf.clone().unwrap()
        ),
        "the form posts to the complaint, not to a new appeal (its token in the URL)"
    );
    let text = form.text();
    for seen in [
        "Жауапқа шағым",
        "Шағым жасалып отырған жауап",
        "ЖТ-2026-00000001",
        "Гүлнар Серікова",
        "Үйірмеде бос орын жоқ",
        "Шағымдану мерзімі: 02.06.2026 дейін",
    ] {
        assert!(text.contains(seen), "the form lacks «{seen}»: {text}");
    }
    assert!(
        !form.body.contains("name=\"late_reason\""),
        "in time: no reason asked"
    );

    let done = complain(&mut applicant, &appeal, "");
    assert_eq!(done.status, 303, "{}", done.text());
    let complaint = done.location.unwrap().replace("/receipt?new=1", "");
    // The complaint term: 20 working days from registration (art. 99).
    let due = due_date(
        jiff::civil::date(2026, 3, 2),
        Term::working(20),
        CountingRule::FromNextDay,
        &Calendar::builtin(),
    )
    .due
    .strftime("%d.%m.%Y")
    .to_string();
    let card = applicant.get(&complaint);
    assert!(card.text().contains(&due), "due {due}: {}", card.text());
    assert!(card.text().contains("Шағым жасалып отырған жауап"));
    assert_eq!(
        card.links(&appeal),
        vec![appeal.clone()],
        "links the answer, once"
    );
    assert!(
        !card
            .text()
            .contains("Мына өтінішке берілген жауапқа шағым:"),
        "the box names the contested appeal, no second line: {}",
        card.text()
    );
    let original = applicant.get(&appeal);
    assert!(original.text().contains("Осы жауапқа шағымдар:"));
    assert!(
        !original.links(&complaint).is_empty(),
        "the answer links its complaint"
    );

    // The clerk is not offered the signer, and routing to them is refused (art. 97 ч.2).
    let mut clerk = staff(&app, "clerk");
    let card = clerk.get(&complaint);
    assert!(option_value(&card, "Нұрлан Оспанов").is_some());
    assert_eq!(
        option_value(&card, "Гүлнар Серікова"),
        None,
        "{}",
        card.text()
    );
    let director = option_value(&clerk.get("/registry"), "Гүлнар Серікова").unwrap();
    let refused = act(
        &mut clerk,
        &complaint,
        &[("action", "route"), ("executor", &director)],
    );
    assert_eq!(refused.status, 409, "{}", refused.text());

    // Due to the higher body 3 working days from receipt (Mon 2 → Thu 5 March), on the card
    // and in the registry.
    assert!(
        clerk
            .get(&complaint)
            .text()
            .contains("05.03.2026 дейін жолдаңыз"),
        "the card shows the pass-up day"
    );
    let registry = clerk.get("/registry").text();
    assert!(
        registry.contains("жолдау мерзімі: 05.03.2026"),
        "{registry}"
    );

    // Passed up in term, then counted in the report as received and passed up in term.
    let sent = act(
        &mut clerk,
        &complaint,
        &[
            ("action", "send-up"),
            ("to", "Аудандық білім бөлімі"),
            ("letter_number", "02/7"),
            ("text", "Шағым іс материалдарымен жолданады."),
        ],
    );
    assert_eq!(sent.status, 303, "{}", sent.text());
    let mut director = staff(&app, "director");
    let (_, _, html) =
        director.download("/reports/download?format=html&from=2026-01-01&to=2026-12-31");
    let report = String::from_utf8(html).unwrap();
    assert!(
        report.contains("Мекеме жауаптарына 1 шағым түсті."),
        "{report}"
    );
    let (status, _, csv) = director
        .download("/reports/download?format=csv&table=complaints&from=2026-01-01&to=2026-12-31");
    assert_eq!(status, 200);
    let csv = String::from_utf8(csv).unwrap();
    let row = |label: &str| {
        csv.lines()
            .find(|l| l.contains(label))
            .unwrap_or_else(|| panic!("no row {label}: {csv}"))
            .to_owned()
    };
    assert!(row("Түскен шағымдар").contains(",1,"), "{csv}");
    assert!(row("3 жұмыс күні ішінде").contains(",1,"), "{csv}");
}

#[test]
fn a_late_complaint_is_accepted_marked_late_and_its_reason_shown() {
    let app = TestApp::spawn();
    let (_, appeal) = answered(&app);
    // Signed Mon 2 March; the applicant first opens the answer on Wed 1 April.
    app.ctx.clock.set("2026-04-01T05:00:00Z".parse().unwrap());
    let mut applicant = app.browser();
    applicant.sign_in("900101300126", PASSWORD);
    assert!(
        applicant
            .get(&appeal)
            .text()
            .contains("Өтініш беруші жауапты алды")
    );

    // Mid-June is past 3 months from signing, not from receipt: still in time.
    app.ctx.clock.set("2026-06-15T05:00:00Z".parse().unwrap());
    let mut applicant = app.browser();
    applicant.sign_in("900101300126", PASSWORD);
    let form = applicant.get(&format!("{appeal}/complaint"));
    assert!(
        form.text().contains("Шағымдану мерзімі: 01.07.2026 дейін"),
        "{}",
        form.text()
    );

    // In July the window has closed: the complaint is registered all the same, marked late.
    app.ctx.clock.set("2026-07-06T05:00:00Z".parse().unwrap());
    let mut applicant = app.browser();
    applicant.sign_in("900101300126", PASSWORD);
    let form = applicant.get(&format!("{appeal}/complaint"));
    assert!(
        form.body.contains("name=\"late_reason\""),
        "{}",
        form.text()
    );
    assert!(
        form.text().contains("01.07.2026 аяқталды"),
        "{}",
        form.text()
    );
    // A reason over 2,000 characters is refused at its field, kept as typed, not cut short.
    let long = "ұ".repeat(2_001);
    let refused = complain(&mut applicant, &appeal, &long);
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert!(
        refused.body.contains("id=\"f-late_reason-error\""),
        "{}",
        refused.text()
    );
    assert_eq!(
        refused.input_value("late_reason").as_deref(),
        Some(long.as_str())
    );
    let done = complain(&mut applicant, &appeal, "Ауруханада жатып шықтым");
    assert_eq!(done.status, 303, "{}", done.text());
    let complaint = done.location.unwrap().replace("/receipt?new=1", "");
    for mut viewer in [applicant, staff(&app, "clerk")] {
        let card = viewer.get(&complaint).text();
        assert!(card.contains("Мерзімі өткізіліп берілді."), "{card}");
        assert!(card.contains("Ауруханада жатып шықтым"), "{card}");
    }
}

/// A routing rule naming the director who signed the contested answer does not route the
/// complaint to her: rule routing is decided by the state machine like the clerk's, and the
/// complaint waits for the clerk. See: issue 13 (rule routing through `decide`) and issue 11
/// (art. 97 ч.2).
#[test]
fn a_routing_rule_never_sends_a_complaint_to_the_signer_of_the_contested_answer() {
    let app = TestApp::spawn();
    let (mut applicant, appeal) = answered(&app);
    let mut admin = staff(&app, "admin");
    let page = admin.get("/admin/routing");
    let at = page.body.find("Гүлнар Серікова").unwrap();
    let before = &page.body[..at];
    let value_at = before.rfind("value=\"").unwrap() + 7;
    let director = before[value_at..].split('"').next().unwrap().to_owned();
    let saved = admin.post(
        "/admin/routing",
        &[("category", "1"), ("unit", "1"), ("executors", &director)],
    );
    assert_eq!(saved.status, 303, "{}", saved.text());
    let filed = complain(&mut applicant, &appeal, "");
    assert_eq!(filed.status, 303, "{}", filed.text());
    assert!(filed.location.is_some());
    // The complaint is the second appeal of the store.
    let complaint = format!("{}/2", appeal.rsplit_once('/').unwrap().0);
    let card = staff(&app, "clerk").get(&complaint).text();
    assert!(card.contains("ЖТ-2026-00000002"), "{card}");
    assert!(
        !card.contains("Ереже бойынша орындаушыға жолданды"),
        "{card}"
    );
    assert!(card.contains("Тіркелді"), "waits for the clerk: {card}");
}
