//! Personal data only where the work needs it: every member of staff keeps the registry
//! overview, but the applicant's IIN/BIN, phone, e-mail, address and files reach only the
//! clerk, the director and the appeal's executors, and each such view is in the audit trail.

use otinish::domain::appeal::AppealId;
use otinish::domain::user::Role;
use otinish::service::auth::{self, StaffForm};
use otinish::store::AppealReads;

use crate::support::{
    Browser, FileUpload, PASSWORD, PDF, Page, TestApp, file_appeal, registered_applicant,
};

const IIN: &str = "900101300126";
const EMAIL: &str = "applicant@example.kz";

fn staff(app: &TestApp, login: &str) -> Browser {
    let mut b = app.browser();
    assert_eq!(b.sign_in(login, PASSWORD).status, 303, "{login} signs in");
    b
}

/// The id the card's select offers for a person.
fn option_value(page: &Page, name: &str) -> String {
    page.body
        .split("<option value=\"")
        .skip(1)
        .find(|o| o.contains(name))
        .and_then(|o| o.split('"').next())
        .unwrap()
        .to_owned()
}

fn assert_no_personal_data(page: &Page, phone: &str, what: &str) {
    let text = page.text();
    for secret in [IIN, EMAIL, phone] {
        assert!(
            !page.body.contains(secret),
            "{what} shows `{secret}`:\n{text}"
        );
    }
}

/// See: issue 14 (an executor read every appeal's IIN, phone and e-mail).
#[test]
fn issue_14_only_the_clerk_director_and_assigned_executors_see_personal_data_and_files() {
    let app = TestApp::spawn();
    auth::create_staff(
        &app.ctx,
        None,
        &StaffForm {
            login: "other".into(),
            full_name: "Бөгде Орындаушы".into(),
            roles: vec![Role::Executor],
            password: PASSWORD.into(),
            must_change_password: false,
        },
    )
    .unwrap();
    let mut applicant = registered_applicant(&app, IIN, "Айгүл Серікова");
    let (_, appeal) = file_appeal(
        &mut applicant,
        "Үйірмеге жазылу",
        &[FileUpload {
            name: "a.pdf",
            bytes: PDF,
        }],
    );
    let id: u64 = appeal.rsplit('/').next().unwrap().parse().unwrap();
    let stored = app
        .ctx
        .store
        .read(|tx| tx.appeal(AppealId(id)))
        .unwrap()
        .unwrap();
    let number = stored.number.to_string();
    let phone = stored.applicant.phone.clone();
    let file = applicant.get(&appeal).links("/files/")[0].clone();

    let mut clerk = staff(&app, "clerk");
    let card = clerk.get(&appeal);
    let executor = option_value(&card, "Нұрлан Оспанов");
    clerk.get(&appeal);
    let routed = clerk.post_multipart(
        &format!("{appeal}/act"),
        &[("action", "route"), ("executor", &executor)],
        &[],
    );
    assert_eq!(routed.status, 303, "{}", routed.text());

    // An executor the appeal is not assigned to: the overview, not the person.
    let mut other = staff(&app, "other");
    let page = other.get(&appeal);
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Үйірмеге жазылу"), "the subject shows");
    assert_no_personal_data(&page, &phone, "the card for another executor");
    assert!(page.links("/files/").is_empty(), "no file links");
    let receipt = other.get(&format!("{appeal}/receipt"));
    assert_eq!(receipt.status, 200);
    assert_no_personal_data(&receipt, &phone, "the receipt for another executor");
    assert_eq!(other.download(&file).0, 404, "nor the file itself");
    let registry = other.get("/registry");
    assert!(registry.body.contains(&appeal), "the overview lists it");
    assert_no_personal_data(&registry, &phone, "the registry");
    let search = other.get(&format!("/registry?q={IIN}"));
    assert!(
        !search.body.contains(&appeal),
        "a search by IIN does not tell whose appeal it is"
    );
    let (status, _, csv) = other.download("/registry/export?format=csv");
    assert_eq!(status, 200);
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains(&number));
    assert!(!csv.contains(IIN) && !csv.contains(EMAIL) && !csv.contains(&phone));

    // The assigned executor and the clerk see it all, and the file.
    let mut assigned = staff(&app, "executor");
    let page = assigned.get(&appeal);
    for shown in [IIN, EMAIL, phone.as_str()] {
        assert!(page.body.contains(shown), "the executor sees `{shown}`");
    }
    assert_eq!(page.links("/files/"), std::slice::from_ref(&file));
    assert_eq!(assigned.download(&file).0, 200);
    let page = clerk.get(&appeal);
    assert!(page.body.contains(IIN) && page.body.contains(EMAIL));
    assert!(clerk.get(&format!("{appeal}/receipt")).body.contains(IIN));
    assert_eq!(clerk.download(&file).0, 200);
    let mut director = staff(&app, "director");
    assert!(director.get(&appeal).body.contains(IIN));

    // Every one of those views is in the audit trail, with who and which appeal.
    let mut admin = staff(&app, "admin");
    let audit = admin.get("/admin/audit?kind=personal_data_viewed");
    assert_eq!(audit.status, 200);
    let text = audit.text();
    for who in ["executor", "clerk", "director"] {
        assert!(text.contains(who), "{who} in the audit page:\n{text}");
    }
    assert!(text.contains(&number), "the appeal in the audit page");
    let (_, _, csv) = admin.download("/admin/audit?kind=personal_data_viewed&format=csv");
    let csv = String::from_utf8(csv).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    // The clerk's card twice before routing and once after, the receipt and the file; the
    // executor's card and file; the director's card. A withheld view is no view of the data.
    assert_eq!(rows.len(), 8, "{csv}");
    assert!(!csv.contains(",other,"), "{csv}");
    assert!(rows.iter().all(|r| r.contains("personal_data_viewed")));
    assert!(
        rows.iter()
            .any(|r| r.contains(",executor,")
                && r.contains(&format!("{number} (#{id}): file a.pdf"))),
        "{csv}"
    );
    assert!(
        rows.iter()
            .any(|r| r.contains(",clerk,") && r.contains(&format!("{number} (#{id}): receipt"))),
        "{csv}"
    );
    // The applicant's own reading is not staff's.
    assert!(!rows.iter().any(|r| r.contains(IIN)), "{csv}");
}
