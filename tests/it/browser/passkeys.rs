//! Passkeys in a real browser: Chromium's virtual authenticator (a CTAP2 platform authenticator
//! with resident keys and user verification, added through the `DevTools` `WebAuthn` domain)
//! registers a passkey on the profile page and then signs in with it, with no password typed.
//! The desk is opened as `localhost`, the host name passkeys accept without configuration.

use otinish::domain::lang::Lang;
use serde_json::json;

use super::driver::Session;
use super::t;
use crate::support::{PASSWORD, TestApp};

#[test]
fn a_passkey_added_in_the_profile_signs_in_without_a_password() {
    let app = TestApp::spawn();
    let base = format!(
        "https://localhost:{}",
        app.handle.as_ref().unwrap().addr().port()
    );
    let Some(s) = Session::start(&base, "passkeys") else {
        return;
    };
    let tl = |key: &str| t(Lang::Kk, key);
    s.cdp("WebAuthn.enable", &json!({}));
    s.cdp(
        "WebAuthn.addVirtualAuthenticator",
        &json!({ "options": {
            "protocol": "ctap2",
            "transport": "internal",
            "hasResidentKey": true,
            "hasUserVerification": true,
            "isUserVerified": true,
            "automaticPresenceSimulation": true,
        }}),
    );

    s.sign_in("clerk", PASSWORD, &tl("login.submit"));
    assert_eq!(s.path(), "/registry", "{}", s.text());
    s.goto("/account/passkeys");
    assert!(s.text().contains(&tl("passkeys.none")), "{}", s.text());
    s.fill("#f-name", "Ноутбук");
    s.press_in("main", &tl("passkeys.add_submit"));
    assert_eq!(s.path(), "/account/passkeys?done=added", "{}", s.text());
    let list = s.text();
    assert!(list.contains(&tl("passkeys.added")), "{list}");
    assert!(list.contains("Ноутбук"), "{list}");

    s.sign_out(&tl("nav.logout"));
    s.goto("/login/passkey");
    s.press_in("main", &tl("passkeys.sign_in_submit"));
    assert_eq!(s.path(), "/registry", "{}", s.text());
    s.goto("/account/passkeys");
    assert!(
        !s.text().contains(&tl("passkeys.never")),
        "last used is shown: {}",
        s.text()
    );
}
