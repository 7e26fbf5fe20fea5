//! What a page costs the store: each page reads in one snapshot (issue 13's read model per
//! page, issue 12's registry speed). A signed-in request takes one more, before routing: the
//! session that says who asks.

use crate::support::{Browser, PASSWORD, TestApp, file_appeal, registered_applicant};

/// The read snapshots the store began while `b` fetched `path` (which must answer 200).
fn reads_for(app: &TestApp, b: &mut Browser, path: &str) -> u64 {
    let before = app.ctx.store.reads_begun();
    let page = b.get(path);
    assert_eq!(page.status, 200, "{path}: {}", page.text());
    app.ctx.store.reads_begun() - before
}

/// See: issue 13 (the appeal page opened about 13 read transactions) and issue 12 (the
/// registry's chrome and counts came from several).
#[test]
fn the_home_registry_and_appeal_pages_each_read_one_snapshot() {
    let app = TestApp::spawn();
    let mut anonymous = app.browser();
    assert_eq!(reads_for(&app, &mut anonymous, "/"), 1, "home, anonymous");

    let mut applicant = registered_applicant(&app, "900101300126", "Айгүл Серікова");
    let (_, appeal) = file_appeal(&mut applicant, "Домбыра үйірмесі", &[]);
    let mut clerk = app.browser();
    assert_eq!(clerk.sign_in("clerk", PASSWORD).status, 303);

    // One for the session, one for the page.
    for (what, path) in [
        ("home, staff", "/"),
        ("registry", "/registry"),
        ("appeal, staff", appeal.as_str()),
    ] {
        assert_eq!(reads_for(&app, &mut clerk, path), 2, "{what}");
    }
    for (what, path) in [
        ("home, applicant", "/"),
        ("appeal, applicant", appeal.as_str()),
    ] {
        assert_eq!(reads_for(&app, &mut applicant, path), 2, "{what}");
    }
}

/// See: issue 13 (the receipt read the appeal, the institution, the units and categories
/// and the chrome in snapshots of their own).
#[test]
fn the_receipt_reads_one_snapshot() {
    let app = TestApp::spawn();
    let mut applicant = registered_applicant(&app, "900101300126", "Айгүл Серікова");
    let (_, appeal) = file_appeal(&mut applicant, "Домбыра үйірмесі", &[]);
    let receipt = format!("{appeal}/receipt");
    assert_eq!(
        reads_for(&app, &mut applicant, &receipt),
        2,
        "receipt, applicant"
    );
    let mut clerk = app.browser();
    assert_eq!(clerk.sign_in("clerk", PASSWORD).status, 303);
    assert_eq!(reads_for(&app, &mut clerk, &receipt), 2, "receipt, staff");
}

/// See: issue 13 (the appeal form read its units and categories and its chrome apart).
#[test]
fn the_appeal_forms_read_one_snapshot() {
    let app = TestApp::spawn();
    let mut applicant = registered_applicant(&app, "900101300126", "Айгүл Серікова");
    assert_eq!(
        reads_for(&app, &mut applicant, "/appeals/new"),
        2,
        "own form"
    );
    let mut clerk = app.browser();
    assert_eq!(clerk.sign_in("clerk", PASSWORD).status, 303);
    assert_eq!(reads_for(&app, &mut clerk, "/registry/new"), 2, "on behalf");
}

/// See: issue 13 (the admin's settings read the profile, the units and categories and the
/// chrome apart; the staff page the accounts and the chrome; the routing page its units and
/// categories, rules, executors and chrome; the terms and calendar pages theirs and the chrome; anyone's list of sessions, its sessions and the chrome).
#[test]
fn the_admin_pages_and_the_sessions_list_read_one_snapshot() {
    let app = TestApp::spawn();
    let mut admin = app.browser();
    assert_eq!(admin.sign_in("admin", PASSWORD).status, 303);
    assert_eq!(reads_for(&app, &mut admin, "/admin"), 2, "settings");
    assert_eq!(reads_for(&app, &mut admin, "/admin/staff"), 2, "staff");
    assert_eq!(reads_for(&app, &mut admin, "/admin/routing"), 2, "routing");
    assert_eq!(reads_for(&app, &mut admin, "/admin/terms"), 2, "terms");
    assert_eq!(
        reads_for(&app, &mut admin, "/admin/calendar"),
        2,
        "calendar"
    );
}
