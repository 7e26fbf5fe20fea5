//! Whole stories as people live them, over real HTTPS.

use crate::support::{FileUpload, PASSWORD, PDF, TestApp, file_appeal, registered_applicant};

/// Register → consent → file with attachment → staff assign → answer → applicant sees it.
#[test]
fn an_appeal_goes_from_the_applicant_to_an_answer() {
    let app = TestApp::spawn();
    let mut applicant = registered_applicant(&app, "900101300126", "Айгүл Серікова");
    let (receipt, appeal_path) = file_appeal(
        &mut applicant,
        "Үйірмеге жазылу",
        &[FileUpload {
            name: "өтініш.pdf",
            bytes: PDF,
        }],
    );
    let text = receipt.text();
    assert!(text.contains("ЖТ-2026-00000001"), "{text}");
    assert!(
        text.contains("02.03.2026"),
        "registered the same working day: {text}"
    );
    // 15 working days from Tue 3 March 2026: 9 March is off for 8 March (a Sunday); Nauryz
    // (21-23 March) falls on Sat-Mon, so 24 and 25 March are off too. The 15th is Fri 27 March.
    assert!(text.contains("Мерзімі 27.03.2026"), "deadline: {text}");
    assert!(
        text.contains("Өтінішті тіркеу туралы талон"),
        "receipt in Kazakh: {text}"
    );

    let cabinet = applicant.get("/cabinet");
    assert!(cabinet.text().contains("ЖТ-2026-00000001"));
    assert!(cabinet.text().contains("Тіркелді"));

    // The clerk finds it by number and assigns the executor.
    let mut clerk = app.browser();
    assert_eq!(
        clerk.sign_in("clerk", PASSWORD).location.as_deref(),
        Some("/registry")
    );
    let registry = clerk.get("/registry?q=%D0%96%D0%A2-2026-00000001");
    assert!(
        registry.links("/appeals/").contains(&appeal_path),
        "{}",
        registry.text()
    );
    let card = clerk.get(&appeal_path);
    let executor_id = card
        .body
        .split("<option value=\"")
        .skip(1)
        .find(|o| o.contains("Нұрлан Оспанов"))
        .and_then(|o| o.split('"').next())
        .unwrap()
        .to_owned();
    let assigned = clerk.post_multipart(
        &format!("{appeal_path}/act"),
        &[("action", "route"), ("executor", &executor_id)],
        &[],
    );
    assert_eq!(assigned.status, 303, "{}", assigned.text());

    // The executor sees it in the registry filtered to them, and answers with a file.
    let mut executor = app.browser();
    executor.sign_in("executor", PASSWORD);
    let mine = executor.get(&format!(
        "/registry?executor={executor_id}&status=in-progress"
    ));
    assert!(mine.links("/appeals/").contains(&appeal_path));
    executor.get(&appeal_path);
    let answered = executor.post_multipart(
        &format!("{appeal_path}/act"),
        &[
            ("action", "submit-draft"),
            ("outcome", "satisfied"),
            ("appeal_clause", "yes"),
            ("text", "Орын бар, сабақ сейсенбі күні басталады."),
        ],
        &[FileUpload {
            name: "жауап.pdf",
            bytes: PDF,
        }],
    );
    assert_eq!(answered.status, 303, "{}", answered.text());
    // Until the director signs, the applicant sees no answer.
    assert!(!applicant.get(&appeal_path).text().contains("сейсенбі"));

    // The director approves and signs.
    let mut director = app.browser();
    director.sign_in("director", PASSWORD);
    let queue = director.get("/registry?status=on-signature");
    assert!(queue.links("/appeals/").contains(&appeal_path));
    director.get(&appeal_path);
    let signed = director.post_multipart(
        &format!("{appeal_path}/act"),
        &[("action", "sign"), ("confirm", "yes")],
        &[],
    );
    assert_eq!(signed.status, 303, "{}", signed.text());

    // The applicant reads the answer, the new status and the whole history.
    let page = applicant.get(&appeal_path);
    let text = page.text();
    assert!(
        text.contains("Орын бар, сабақ сейсенбі күні басталады."),
        "{text}"
    );
    assert!(text.contains("Қанағаттандырылды"), "{text}");
    assert!(text.contains("Қаралды"), "{text}");
    for step in [
        "Тіркелді",
        "Жауапқа қол қойылып, жіберілді",
        "Қол қойған Гүлнар Серікова",
        "Нұрлан Оспанов",
    ] {
        assert!(text.contains(step), "history lacks {step}: {text}");
    }
    let files = page.links("/files/");
    assert_eq!(files.len(), 2, "the appeal's and the answer's file");
    let download = applicant.get(&files[0]);
    assert_eq!(download.status, 200);
    assert_eq!(download.body.as_bytes(), PDF);
    assert_eq!(download.header("content-type"), Some("application/pdf"));
}

#[test]
fn every_page_speaks_the_chosen_language_and_remembers_it() {
    let app = TestApp::spawn();
    let mut b = app.browser();
    let home = b.get("/");
    assert!(home.body.contains("<html lang=\"kk\""));
    assert!(home.text().contains("Өтініштер қабылдау"));
    let switched = b.post("/lang", &[("lang", "ru"), ("next", "/login")]);
    assert_eq!(switched.location.as_deref(), Some("/login"));
    let login = b.get("/login");
    assert!(login.body.contains("<html lang=\"ru\""));
    assert!(login.text().contains("ИИН/БИН или логин сотрудника"));
    b.post("/lang", &[("lang", "en"), ("next", "/")]);
    assert!(
        b.get("/register")
            .text()
            .contains("Register as an applicant")
    );
}

#[test]
fn the_clerk_registers_a_paper_appeal_for_a_legal_entity() {
    let app = TestApp::spawn();
    let mut clerk = app.browser();
    clerk.sign_in("clerk", PASSWORD);
    clerk.get("/registry/new");
    let done = clerk.post_multipart(
        "/registry/new",
        &[
            ("channel", "paper"),
            ("applicant_kind", "legal"),
            ("tax_id", "150340001236"),
            ("name", "ЖШС «Болашақ»"),
            ("phone", "+7 714 200 00 00"),
            ("email", ""),
            ("address", "Қостанай"),
            ("kind", "proposal"),
            ("unit", "2"),
            ("category", "2"),
            ("subject", "Бірлескен байқау өткізу"),
            ("description", "Ұсынысымыз қоса беріліп отыр."),
        ],
        &[],
    );
    assert_eq!(done.status, 303, "{}", done.text());
    let receipt = clerk.get(&done.location.unwrap());
    let text = receipt.text();
    assert!(text.contains("ЗТ-2026-00000001"), "{text}");
    assert!(text.contains("Қағаз түрінде"), "channel recorded: {text}");
    assert!(text.contains("Динара Ахметова"), "who registered: {text}");
    let registry = clerk.get("/registry?kind=proposal");
    assert!(registry.text().contains("ЖШС «Болашақ»"));
}

#[test]
fn the_admin_edits_the_profile_units_and_staff() {
    let app = TestApp::spawn();
    let mut admin = app.browser();
    admin.sign_in("admin", PASSWORD);
    admin.get("/admin");
    let saved = admin.post(
        "/admin/profile",
        &[
            ("name_kk", "Жаңа атау"),
            ("name_ru", "Новое название"),
            ("name_en", "New name"),
            ("bin", "150340001236"),
            ("address", "Қарасу"),
            ("director_name", "Ахметов Ержан"),
        ],
    );
    assert_eq!(saved.status, 303);
    assert!(admin.get("/").text().contains("Жаңа атау"));
    admin.get("/admin");
    admin.post(
        "/admin/units",
        &[
            ("kk", "Бухгалтерия"),
            ("ru", "Бухгалтерия"),
            ("en", "Accounts"),
            ("active", "yes"),
        ],
    );
    assert!(
        admin.get("/admin").text().contains("Accounts")
            || admin.get("/admin").body.contains("Бухгалтерия")
    );
    admin.get("/admin/staff");
    let created = admin.post(
        "/admin/staff",
        &[
            ("login", "methodist"),
            ("full_name", "Елена Ким"),
            ("roles", "executor"),
            ("password", PASSWORD),
        ],
    );
    assert_eq!(created.status, 303, "{}", created.text());
    let mut methodist = app.browser();
    assert_eq!(
        methodist.sign_in("methodist", PASSWORD).location.as_deref(),
        Some("/registry")
    );
}

#[test]
fn an_appeal_sent_on_friday_evening_is_registered_on_the_next_working_day() {
    let app = TestApp::spawn();
    // Friday 13 March 2026, 18:45 in Kazakhstan (UTC+5), after the 18:30 close of business.
    app.ctx.clock.set("2026-03-13T13:45:00Z".parse().unwrap());
    let mut applicant = registered_applicant(&app, "900101300126", "Айгүл Серікова");
    let (receipt, _) = file_appeal(&mut applicant, "Кешкі өтініш", &[]);
    let text = receipt.text();
    assert!(text.contains("13.03.2026 18:45"), "received: {text}");
    assert!(text.contains("16.03.2026"), "registered on Monday: {text}");
}
