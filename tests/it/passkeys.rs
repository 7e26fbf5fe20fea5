//! Passkeys over real HTTPS: a passkey is registered in the profile and signs in without a
//! password; wrong signatures, counters going back, reused challenges, challenges from another
//! browser and IP-address hosts are refused. The authenticator is software built here (ES256
//! with ring, CBOR with ciborium), answering exactly what a browser would post.

use ciborium::Value;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
use sha2::{Digest, Sha256};

use otinish::crypto::webauthn::encode_b64url;
use otinish::domain::lang::Lang;
use otinish::domain::security::{AuditEntry, AuditKind};
use otinish::i18n::Catalog;
use otinish::store::{AuditFilter, PasskeyReads, SecurityReads};

use crate::support::{Browser, PASSWORD, Page, TestApp};

/// A browser that addresses the desk as `localhost`, so that passkeys may work there.
fn localhost(app: &TestApp) -> Browser {
    Browser::new(&origin(app), &app.cert_pem)
}

fn origin(app: &TestApp) -> String {
    format!(
        "https://localhost:{}",
        app.handle.as_ref().unwrap().addr().port()
    )
}

/// A text of the interface in Kazakh, the default language.
fn kk(key: &str) -> String {
    Catalog::load().unwrap().tr(Lang::Kk).t(key).to_owned()
}

/// The value of the first `data-{name}` attribute on the page.
fn data(page: &Page, name: &str) -> String {
    let marker = format!("data-{name}=\"");
    let at = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("no data-{name} on the page: {}", page.text()))
        + marker.len();
    let end = page.body[at..].find('"').unwrap();
    page.body[at..at + end].replace("&amp;", "&")
}

/// A platform authenticator holding one ES256 passkey for `localhost`.
struct Authenticator {
    key: EcdsaKeyPair,
    credential_id: Vec<u8>,
    origin: String,
}

impl Authenticator {
    fn new(app: &TestApp, credential_id: &[u8]) -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        Self {
            key,
            credential_id: credential_id.to_vec(),
            origin: origin(app),
        }
    }

    fn cose_key(&self) -> Vec<u8> {
        let point = self.key.public_key().as_ref();
        let int = |i: i64| Value::Integer(i.into());
        let key = Value::Map(vec![
            (int(1), int(2)),
            (int(3), int(-7)),
            (int(-1), int(1)),
            (int(-2), Value::Bytes(point[1..33].to_vec())),
            (int(-3), Value::Bytes(point[33..65].to_vec())),
        ]);
        let mut out = Vec::new();
        ciborium::ser::into_writer(&key, &mut out).unwrap();
        out
    }

    fn client_data(&self, kind: &str, challenge: &str) -> Vec<u8> {
        format!(
            r#"{{"type":"{kind}","challenge":"{challenge}","origin":"{}","crossOrigin":false}}"#,
            self.origin
        )
        .into_bytes()
    }

    /// `authenticatorData`: user present and verified, the counter, and the credential when
    /// registering.
    fn auth_data(&self, count: u32, attested: bool) -> Vec<u8> {
        let mut out = Sha256::digest(b"localhost").to_vec();
        out.push(if attested { 0x45 } else { 0x05 });
        out.extend(count.to_be_bytes());
        if attested {
            out.extend([0u8; 16]);
            out.extend(
                u16::try_from(self.credential_id.len())
                    .unwrap()
                    .to_be_bytes(),
            );
            out.extend(&self.credential_id);
            out.extend(self.cose_key());
        }
        out
    }

    /// The fields the passkey page posts after `navigator.credentials.create`.
    fn create(&self, challenge: &str) -> (String, String) {
        let object = Value::Map(vec![
            (Value::Text("fmt".into()), Value::Text("none".into())),
            (Value::Text("attStmt".into()), Value::Map(Vec::new())),
            (
                Value::Text("authData".into()),
                Value::Bytes(self.auth_data(0, true)),
            ),
        ]);
        let mut attestation = Vec::new();
        ciborium::ser::into_writer(&object, &mut attestation).unwrap();
        (
            encode_b64url(&self.client_data("webauthn.create", challenge)),
            encode_b64url(&attestation),
        )
    }

    /// The fields the sign-in page posts after `navigator.credentials.get`, signed with the key `holder` holds.
    fn get_signed_by(
        &self,
        holder: &Authenticator,
        challenge: &str,
        count: u32,
        user_handle: &str,
    ) -> Vec<(&'static str, String)> {
        let client_data = self.client_data("webauthn.get", challenge);
        let auth_data = self.auth_data(count, false);
        let signed = [auth_data.as_slice(), &Sha256::digest(&client_data)].concat();
        let signature = holder.key.sign(&SystemRandom::new(), &signed).unwrap();
        vec![
            ("credential_id", encode_b64url(&self.credential_id)),
            ("client_data", encode_b64url(&client_data)),
            ("authenticator_data", encode_b64url(&auth_data)),
            ("signature", encode_b64url(signature.as_ref())),
            ("user_handle", user_handle.to_owned()),
        ]
    }

    fn get(&self, challenge: &str, count: u32, user_handle: &str) -> Vec<(&'static str, String)> {
        self.get_signed_by(self, challenge, count, user_handle)
    }
}

fn post(b: &mut Browser, path: &str, fields: &[(&'static str, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post(path, &pairs)
}

/// Signs the clerk in with the password and registers `key` as "Телефон"; returns the
/// clerk's user handle.
fn clerk_with_passkey(app: &TestApp, key: &Authenticator) -> String {
    let mut b = localhost(app);
    let page = b.sign_in("clerk", PASSWORD);
    assert_eq!(page.status, 303, "{}", page.text());
    let form = b.get("/account/passkeys");
    assert_eq!(form.status, 200, "{}", form.text());
    assert!(
        form.text().contains(&kk("passkeys.none")),
        "{}",
        form.text()
    );
    let (client_data, attestation) = key.create(&data(&form, "challenge"));
    let added = b.post(
        "/account/passkeys",
        &[
            ("name", "Телефон"),
            ("client_data", &client_data),
            ("attestation_object", &attestation),
        ],
    );
    assert_eq!(added.status, 303, "{}", added.text());
    assert_eq!(
        added.location.as_deref(),
        Some("/account/passkeys?done=added")
    );
    let list = b.get("/account/passkeys?done=added");
    assert!(list.text().contains("Телефон"), "{}", list.text());
    assert!(
        list.text().contains(&kk("passkeys.added")),
        "{}",
        list.text()
    );
    data(&form, "user-id")
}

/// A fresh browser on the sign-in page; returns it with the challenge.
fn at_sign_in(app: &TestApp) -> (Browser, String) {
    let mut b = localhost(app);
    let page = b.get("/login/passkey");
    assert_eq!(page.status, 200, "{}", page.text());
    let challenge = data(&page, "challenge");
    assert_eq!(data(&page, "rp-id"), "localhost");
    (b, challenge)
}

fn last_audit(app: &TestApp) -> AuditEntry {
    app.ctx
        .store
        .read(|tx| tx.audit_entries(&AuditFilter::default(), 1))
        .unwrap()
        .remove(0)
        .1
}

#[test]
fn a_passkey_added_in_the_profile_signs_in_without_a_password() {
    let app = TestApp::spawn();
    let key = Authenticator::new(&app, b"credential-of-the-clerk");
    let handle = clerk_with_passkey(&app, &key);

    let (mut b, challenge) = at_sign_in(&app);
    let signed_in = post(&mut b, "/login/passkey", &key.get(&challenge, 1, &handle));
    assert_eq!(signed_in.status, 303, "{}", signed_in.text());
    assert_eq!(signed_in.location.as_deref(), Some("/registry"));
    assert!(
        signed_in
            .header("set-cookie")
            .is_some_and(|c| c.starts_with("otinish_session=") && c.contains("HttpOnly")),
        "{:?}",
        signed_in.headers
    );
    assert_eq!(b.get("/registry").status, 200);

    let entry = last_audit(&app);
    assert_eq!(entry.kind, AuditKind::SignIn);
    assert_eq!(entry.name, "clerk");
    assert!(
        entry.detail.starts_with("passkey 'Телефон'"),
        "{}",
        entry.detail
    );
    let stored = app
        .ctx
        .store
        .read(|tx| tx.passkey(b"credential-of-the-clerk"))
        .unwrap()
        .unwrap();
    assert_eq!(stored.sign_count, 1);
    assert_eq!(stored.last_used, Some(app.ctx.now()));
    // The list now shows when it was last used.
    let list = b.get("/account/passkeys");
    assert!(
        !list.text().contains(&kk("passkeys.never")),
        "{}",
        list.text()
    );
}

#[test]
fn a_removed_passkey_no_longer_signs_in() {
    let app = TestApp::spawn();
    let key = Authenticator::new(&app, b"credential-to-remove");
    let handle = clerk_with_passkey(&app, &key);
    let mut b = localhost(&app);
    b.sign_in("clerk", PASSWORD);
    let list = b.get("/account/passkeys");
    let remove = list
        .body
        .split("action=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .find(|a| a.ends_with("/remove"))
        .unwrap()
        .to_owned();
    let removed = b.post(&remove, &[]);
    assert_eq!(
        removed.location.as_deref(),
        Some("/account/passkeys?done=removed")
    );
    let entry = last_audit(&app);
    assert_eq!(
        entry.kind,
        otinish::domain::security::AuditKind::SecondFactorChanged
    );
    assert!(entry.detail.ends_with("removed"), "{}", entry.detail);
    assert!(
        b.get("/account/passkeys")
            .text()
            .contains(&kk("passkeys.none"))
    );

    let (mut b, challenge) = at_sign_in(&app);
    let refused = post(&mut b, "/login/passkey", &key.get(&challenge, 1, &handle));
    assert_eq!(refused.status, 401);
    assert!(
        refused.text().contains(&kk("passkeys.error.unknown")),
        "{}",
        refused.text()
    );
}

#[test]
fn a_wrong_signature_is_refused_and_audited() {
    let app = TestApp::spawn();
    let key = Authenticator::new(&app, b"credential-of-the-clerk");
    let handle = clerk_with_passkey(&app, &key);
    let impostor = Authenticator::new(&app, b"credential-of-the-clerk");

    let (mut b, challenge) = at_sign_in(&app);
    let refused = post(
        &mut b,
        "/login/passkey",
        &key.get_signed_by(&impostor, &challenge, 1, &handle),
    );
    assert_eq!(refused.status, 401);
    assert!(
        refused.text().contains(&kk("passkeys.error.not_verified")),
        "{}",
        refused.text()
    );
    assert!(
        refused
            .header("set-cookie")
            .is_none_or(|c| !c.starts_with("otinish_session="))
    );
    let entry = last_audit(&app);
    assert_eq!(entry.kind, AuditKind::SignInFailed);
    assert_eq!(entry.name, "clerk");
    assert!(entry.detail.contains("bad signature"), "{}", entry.detail);
    assert_eq!(b.get("/registry").status, 303, "still signed out");
}

#[test]
fn a_counter_going_back_is_refused_as_a_possible_copy() {
    let app = TestApp::spawn();
    let key = Authenticator::new(&app, b"credential-of-the-clerk");
    let handle = clerk_with_passkey(&app, &key);
    let (mut b, challenge) = at_sign_in(&app);
    assert_eq!(
        post(&mut b, "/login/passkey", &key.get(&challenge, 5, &handle)).status,
        303
    );

    let (mut b, challenge) = at_sign_in(&app);
    let refused = post(&mut b, "/login/passkey", &key.get(&challenge, 3, &handle));
    assert_eq!(refused.status, 401);
    assert!(
        refused.text().contains(&kk("passkeys.error.counter")),
        "{}",
        refused.text()
    );
    let entry = last_audit(&app);
    assert_eq!(entry.kind, AuditKind::SignInFailed);
    assert!(
        entry.detail.contains("counter went back (stored 5, got 3)"),
        "{}",
        entry.detail
    );
    let stored = app
        .ctx
        .store
        .read(|tx| tx.passkey(b"credential-of-the-clerk"))
        .unwrap()
        .unwrap();
    assert_eq!(stored.sign_count, 5, "the stored counter stays");
}

#[test]
fn a_challenge_answers_once() {
    let app = TestApp::spawn();
    let key = Authenticator::new(&app, b"credential-of-the-clerk");
    let handle = clerk_with_passkey(&app, &key);
    let (mut b, challenge) = at_sign_in(&app);
    let anonymous_csrf = b.csrf.clone().unwrap();
    let mut answer = key.get(&challenge, 1, &handle);
    assert_eq!(post(&mut b, "/login/passkey", &answer).status, 303);
    b.get("/registry"); // the session's own CSRF token, for signing out
    assert_eq!(b.post("/logout", &[]).status, 303);

    // The same answer again, from the same browser with the same token: nothing to answer.
    answer.push(("csrf", anonymous_csrf));
    let replayed = post(&mut b, "/login/passkey", &answer);
    assert_eq!(replayed.status, 401, "{}", replayed.text());
    assert!(
        replayed.text().contains(&kk("passkeys.error.expired")),
        "{}",
        replayed.text()
    );
}

#[test]
fn a_challenge_issued_to_another_browser_is_refused() {
    let app = TestApp::spawn();
    let key = Authenticator::new(&app, b"credential-of-the-clerk");
    let handle = clerk_with_passkey(&app, &key);
    let (mut victim, challenge) = at_sign_in(&app);

    // Another browser with a challenge of its own cannot use the victim's.
    let (mut other, _) = at_sign_in(&app);
    let refused = post(
        &mut other,
        "/login/passkey",
        &key.get(&challenge, 1, &handle),
    );
    assert_eq!(refused.status, 401);
    assert!(refused.text().contains(&kk("passkeys.error.not_verified")));
    // Nor can one that never asked for a challenge.
    let mut stranger = localhost(&app);
    stranger.get("/login");
    let refused = post(
        &mut stranger,
        "/login/passkey",
        &key.get(&challenge, 1, &handle),
    );
    assert_eq!(refused.status, 401);
    assert!(refused.text().contains(&kk("passkeys.error.expired")));

    // The browser it was issued to still can.
    let signed_in = post(
        &mut victim,
        "/login/passkey",
        &key.get(&challenge, 1, &handle),
    );
    assert_eq!(signed_in.status, 303, "{}", signed_in.text());
}

#[test]
fn an_ip_address_gets_an_explanation_and_no_ceremony() {
    let app = TestApp::spawn();
    let mut b = app.browser(); // https://127.0.0.1:port
    let page = b.get("/login/passkey");
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains(&kk("passkeys.unavailable")),
        "{}",
        page.text()
    );
    assert!(
        !page.body.contains("data-challenge"),
        "no ceremony is offered"
    );
    let refused = b.post("/login/passkey", &[("credential_id", "AAAA")]);
    assert_eq!(refused.status, 400);

    b.sign_in("clerk", PASSWORD);
    let profile = b.get("/account/passkeys");
    assert_eq!(profile.status, 200);
    assert!(
        profile.text().contains(&kk("passkeys.unavailable")),
        "{}",
        profile.text()
    );
    assert!(!profile.body.contains("data-challenge"));
    let refused = b.post("/account/passkeys", &[("name", "Телефон")]);
    assert_eq!(refused.status, 400);
}

#[test]
fn passkey_pages_load_their_script_and_say_that_they_need_it() {
    let app = TestApp::spawn();
    let mut b = localhost(&app);
    let page = b.get("/login/passkey");
    let script = page
        .body
        .split("<script src=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .find(|s| s.contains("/passkeys-"))
        .expect("the passkey script")
        .to_owned();
    assert!(page.body.contains("<noscript>"));
    assert!(page.body.contains(&kk("passkeys.needs_js")));
    let (status, content_type, body) = b.download(&script);
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/javascript"));
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("navigator.credentials.get")
    );
    // Other pages do not load it.
    assert!(!b.get("/login").body.contains("/passkeys-"));
}

#[test]
fn a_passkey_obeys_the_same_account_rules_as_a_password() {
    use otinish::service::security::{Origin, reset_password};
    use otinish::store::UserReads;

    let app = TestApp::spawn();
    let key = Authenticator::new(&app, b"credential-of-the-clerk");
    let handle = clerk_with_passkey(&app, &key);
    let user_of = |login: &str| {
        app.ctx
            .store
            .read(|tx| {
                let id = tx
                    .user_id_by_login(&otinish::store::LoginKey::staff(login))?
                    .unwrap();
                tx.user(id)
            })
            .unwrap()
            .unwrap()
    };

    // After the admin's reset, the passkey signs in but a new password comes first.
    let origin = Origin {
        address: "127.0.0.1",
        device: "test",
    };
    reset_password(&app.ctx, &user_of("admin"), "clerk", origin).unwrap();
    let (mut b, challenge) = at_sign_in(&app);
    assert_eq!(
        post(&mut b, "/login/passkey", &key.get(&challenge, 1, &handle)).status,
        303
    );
    assert_eq!(
        b.get("/registry").location.as_deref(),
        Some("/account/password")
    );

    // A disabled account does not sign in, whatever the key.
    let mut clerk = user_of("clerk");
    clerk.active = false;
    app.ctx.store.write(|tx| tx.update_user(&clerk)).unwrap();
    let (mut b, challenge) = at_sign_in(&app);
    let refused = post(&mut b, "/login/passkey", &key.get(&challenge, 2, &handle));
    assert_eq!(refused.status, 401);
    assert!(
        refused.text().contains(&kk("passkeys.error.refused")),
        "{}",
        refused.text()
    );
    let entry = last_audit(&app);
    assert_eq!(entry.kind, AuditKind::SignInFailed);
    assert!(
        entry.detail.contains("account disabled"),
        "{}",
        entry.detail
    );
}

#[test]
fn a_registration_needs_a_name_and_a_fresh_challenge_of_its_own() {
    let app = TestApp::spawn();
    let key = Authenticator::new(&app, b"credential-of-the-clerk");
    let mut b = localhost(&app);
    b.sign_in("clerk", PASSWORD);
    let form = b.get("/account/passkeys");
    let (client_data, attestation) = key.create(&data(&form, "challenge"));
    let fields = |name: &'static str| {
        vec![
            ("name", name.to_owned()),
            ("client_data", client_data.clone()),
            ("attestation_object", attestation.clone()),
        ]
    };
    let unnamed = post(&mut b, "/account/passkeys", &fields("  "));
    assert_eq!(unnamed.status, 422);
    assert!(
        unnamed.text().contains(&kk("passkeys.error.name")),
        "{}",
        unnamed.text()
    );

    // Showing the form again issued a new challenge: the old answer is stale.
    let stale = post(&mut b, "/account/passkeys", &fields("Телефон"));
    assert_eq!(stale.status, 422);
    assert!(
        stale.text().contains(&kk("passkeys.error.not_verified")),
        "{}",
        stale.text()
    );
    // A sign-in challenge does not register anything either.
    let mut other = localhost(&app);
    let sign_in = other.get("/login/passkey");
    let (client_data, attestation) = key.create(&data(&sign_in, "challenge"));
    let refused = post(
        &mut b,
        "/account/passkeys",
        &[
            ("name", "Телефон".to_owned()),
            ("client_data", client_data),
            ("attestation_object", attestation),
        ],
    );
    assert_eq!(refused.status, 422);
    let stored = app
        .ctx
        .store
        .read(|tx| tx.passkey(b"credential-of-the-clerk"));
    assert_eq!(stored.unwrap(), None);
}
