//! Electronic signature (ЭЦП) over HTTPS: a test NCA (root + intermediate) installed in the data
//! directory, CMS made here the way `NCALayer` makes it (detached, signed attributes), sign-in
//! and its refusals, and the director's signed answer.

use base64::Engine as _;
use rcgen::string::PrintableString;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType, DnValue,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose, date_time_ymd,
};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair};
use sha2::Digest as _;

use otinish::store::{AuditFilter, SecurityReads};

use crate::support::{Browser, PASSWORD, Page, TestApp, file_appeal, registered_applicant};

const IIN: &str = "900101300126";
/// The sample institution's BIN.
const BIN: &str = "150340001236";

// --- DER writing -------------------------------------------------------------------------

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap());
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | u8::try_from(bytes.len() - skip).unwrap());
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn set(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x31, &parts.concat())
}

fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut body = vec![u8::try_from(arcs[0] * 40 + arcs[1]).unwrap()];
    for &arc in &arcs[2..] {
        let mut chunk = vec![u8::try_from(arc & 0x7f).unwrap()];
        let mut rest = arc >> 7;
        while rest > 0 {
            chunk.push(0x80 | u8::try_from(rest & 0x7f).unwrap());
            rest >>= 7;
        }
        chunk.reverse();
        body.extend(chunk);
    }
    tlv(0x06, &body)
}

const SHA256: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 1];
const ECDSA_SHA256: &[u64] = &[1, 2, 840, 10045, 4, 3, 2];
const GOST_2015_256: &[u64] = &[1, 2, 398, 3, 10, 1, 1, 2, 3, 1];
const DATA: &[u64] = &[1, 2, 840, 113_549, 1, 7, 1];
const SIGNED_DATA: &[u64] = &[1, 2, 840, 113_549, 1, 7, 2];
const CONTENT_TYPE: &[u64] = &[1, 2, 840, 113_549, 1, 9, 3];
const MESSAGE_DIGEST: &[u64] = &[1, 2, 840, 113_549, 1, 9, 4];

// --- a test NCA --------------------------------------------------------------------------

fn ca_params(cn: &str) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    params.distinguished_name.push(DnType::CountryName, "KZ");
    params.distinguished_name.push(DnType::CommonName, cn);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = date_time_ymd(2020, 1, 1);
    params.not_after = date_time_ymd(2040, 1, 1);
    params
}

/// A root and an intermediate, as NCA RK has them.
struct Pki {
    root: CertifiedIssuer<'static, KeyPair>,
    nca: CertifiedIssuer<'static, KeyPair>,
}

/// Which key of the two NCA issues each person.
#[derive(Clone, Copy)]
enum Key {
    /// AUTH_…: clientAuth.
    Auth,
    /// RSA_… / signing: emailProtection.
    Sign,
}

/// A person's certificate and the key that signs with it.
struct Leaf {
    der: Vec<u8>,
    key: EcdsaKeyPair,
}

impl Pki {
    fn new() -> Self {
        let root_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let root = CertifiedIssuer::self_signed(
            ca_params("НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (TEST)"),
            root_key,
        )
        .unwrap();
        let nca_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let nca = CertifiedIssuer::signed_by(
            ca_params("ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (TEST)"),
            nca_key,
            &root,
        )
        .unwrap();
        Self { root, nca }
    }

    /// Puts the root and the intermediate where the admin would.
    fn install(&self, app: &TestApp) {
        let dir = &app.ctx.rules.nca_dir;
        std::fs::create_dir_all(dir.join("roots")).unwrap();
        std::fs::create_dir_all(dir.join("intermediates")).unwrap();
        std::fs::write(dir.join("roots/root_test.pem"), self.root.pem()).unwrap();
        std::fs::write(dir.join("intermediates/nca_test.cer"), self.nca.der()).unwrap();
        std::fs::write(dir.join("roots/readme.txt"), "not a certificate").unwrap();
    }

    /// A certificate for `iin` (and `bin` in OU), valid between the two dates.
    fn leaf(&self, iin: &str, bin: Option<&str>, key: Key, valid: (i32, i32)) -> Leaf {
        self.leaf_with(iin, bin, key, valid, false)
    }

    /// [`Pki::leaf`] of an organisation's first head (`head`: user type 1.2.398.3.3.4.1.2.1).
    fn leaf_with(
        &self,
        iin: &str,
        bin: Option<&str>,
        key: Key,
        valid: (i32, i32),
        head: bool,
    ) -> Leaf {
        let pair = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut params = CertificateParams::default();
        let dn = &mut params.distinguished_name;
        *dn = DistinguishedName::new();
        dn.push(DnType::CommonName, "СЕРІКОВА АЙГҮЛ");
        dn.push(
            DnType::CustomDnType(vec![2, 5, 4, 5]),
            DnValue::PrintableString(PrintableString::try_from(format!("IIN{iin}")).unwrap()),
        );
        dn.push(DnType::CountryName, "KZ");
        if let Some(bin) = bin {
            dn.push(DnType::OrganizationName, "«ҚАРАСУ» КММ");
            dn.push(DnType::OrganizationalUnitName, format!("BIN{bin}"));
        }
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::ContentCommitment,
        ];
        params.extended_key_usages = vec![match key {
            Key::Auth => ExtendedKeyUsagePurpose::ClientAuth,
            Key::Sign => ExtendedKeyUsagePurpose::EmailProtection,
        }];
        if head {
            params
                .extended_key_usages
                .push(ExtendedKeyUsagePurpose::Other(vec![
                    1, 2, 398, 3, 3, 4, 1, 2, 1,
                ]));
        }
        params.not_before = date_time_ymd(valid.0, 1, 1);
        params.not_after = date_time_ymd(valid.1, 1, 1);
        let der = params.signed_by(&pair, &self.nca).unwrap().der().to_vec();
        let key = EcdsaKeyPair::from_pkcs8(
            &ECDSA_P256_SHA256_ASN1_SIGNING,
            &pair.serialize_der(),
            &SystemRandom::new(),
        )
        .unwrap();
        Leaf { der, key }
    }
}

/// A detached CMS over `content`, base64, as `NCALayer` returns it; `gost` names a GOST
/// signature algorithm instead of ECDSA.
fn cms(leaf: &Leaf, content: &[u8], gost: bool) -> String {
    let (_, cert) = x509_parser::parse_x509_certificate(&leaf.der).unwrap();
    let sid = seq(&[cert.issuer().as_raw(), &tlv(0x02, cert.raw_serial())]);
    let digest = seq(&[&oid(SHA256), &[0x05, 0x00]]);
    let attrs = [
        seq(&[&oid(CONTENT_TYPE), &set(&[&oid(DATA)])]),
        seq(&[
            &oid(MESSAGE_DIGEST),
            &set(&[&tlv(0x04, &sha2::Sha256::digest(content))]),
        ]),
    ]
    .concat();
    let signature = leaf
        .key
        .sign(&SystemRandom::new(), &set(&[&attrs]))
        .unwrap();
    let algorithm = seq(&[&oid(if gost { GOST_2015_256 } else { ECDSA_SHA256 })]);
    let signer_info = seq(&[
        &tlv(0x02, &[1]),
        &sid,
        &digest,
        &tlv(0xa0, &attrs),
        &algorithm,
        &tlv(0x04, signature.as_ref()),
    ]);
    let signed_data = seq(&[
        &tlv(0x02, &[1]),
        &set(&[&digest]),
        &seq(&[&oid(DATA)]),
        &tlv(0xa0, &leaf.der),
        &set(&[&signer_info]),
    ]);
    let der = seq(&[&oid(SIGNED_DATA), &tlv(0xa0, &signed_data)]);
    base64::engine::general_purpose::STANDARD.encode(der)
}

// --- helpers -----------------------------------------------------------------------------

/// The app with the test NCA installed through the admin page.
fn app_with_nca() -> (TestApp, Pki) {
    let app = TestApp::spawn();
    let pki = Pki::new();
    pki.install(&app);
    let mut admin = english(app.browser());
    assert_eq!(admin.sign_in("admin", PASSWORD).status, 303);
    let before = admin.get("/admin/ecp");
    assert!(before.text().contains("not set up"), "{}", before.text());
    let reloaded = admin.post("/admin/ecp", &[]);
    assert_eq!(reloaded.status, 303);
    let after = admin.get(&reloaded.location.unwrap());
    assert!(after.text().contains("read again"), "{}", after.text());
    let text = after.text();
    assert!(text.contains("can be checked"), "{text}");
    assert!(
        text.contains("ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (TEST)"),
        "{text}"
    );
    assert!(text.contains("01.01.2020 – 01.01.2040"), "{text}");
    assert!(text.contains("readme.txt root Not used:"), "{text}");
    (app, pki)
}

/// A browser that reads the pages in English.
fn english(mut b: Browser) -> Browser {
    b.get("/");
    assert_eq!(
        b.post("/lang", &[("lang", "en"), ("next", "/")]).status,
        303
    );
    b
}

/// Opens the ЭЦП sign-in page; returns its nonce.
fn nonce(b: &mut Browser) -> String {
    let page = b.get("/login/ecp");
    assert_eq!(page.status, 200, "{}", page.text());
    page.input_value("nonce").unwrap()
}

fn post_cms(b: &mut Browser, nonce: &str, cms: &str) -> Page {
    b.post("/login/ecp", &[("nonce", nonce), ("cms", cms)])
}

/// The `data-content` of the page's ЭЦП controls, decoded.
fn content_to_sign(page: &Page) -> Vec<u8> {
    let start = page.body.find("data-content=\"").expect("ЭЦП controls") + 14;
    let end = start + page.body[start..].find('"').unwrap();
    base64::engine::general_purpose::STANDARD
        .decode(&page.body[start..end])
        .unwrap()
}

// --- sign-in -----------------------------------------------------------------------------

#[test]
fn sign_in_with_the_auth_key_opens_the_cabinet_and_is_audited() {
    let (app, pki) = app_with_nca();
    drop(registered_applicant(&app, IIN, "Айгүл Серікова"));
    let leaf = pki.leaf(IIN, None, Key::Auth, (2026, 2027));
    let mut b = english(app.browser());
    let n = nonce(&mut b);
    let page = post_cms(&mut b, &n, &cms(&leaf, n.as_bytes(), false));
    assert_eq!(page.status, 303, "{}", page.text());
    assert_eq!(page.location.as_deref(), Some("/cabinet"));
    assert_eq!(b.get("/cabinet").status, 200);
    let audit = app
        .ctx
        .store
        .read(|tx| tx.audit_entries(&AuditFilter::default(), 5))
        .unwrap();
    let (_, last) = &audit[0];
    assert_eq!(last.kind.code(), "sign_in");
    assert!(last.detail.starts_with("ЭЦП "), "{}", last.detail);
}

#[test]
fn without_roots_the_page_says_ecp_is_not_set_up() {
    let app = TestApp::spawn();
    let mut b = english(app.browser());
    let page = b.get("/login/ecp");
    assert!(page.text().contains("not set up"), "{}", page.text());
    assert!(!page.body.contains("data-ncalayer"));
}

/// Makes a CMS for a nonce.
type MakeCms<'a> = Box<dyn Fn(&str) -> String + 'a>;

/// Refusals over HTTPS: each answers 401 with its reason, and is audited as a failure.
#[test]
fn bad_signatures_are_refused_with_their_reason() {
    let (app, pki) = app_with_nca();
    drop(registered_applicant(&app, IIN, "Айгүл Серікова"));
    let stranger = Pki::new();
    let auth = pki.leaf(IIN, None, Key::Auth, (2026, 2027));
    let cases: Vec<(&str, MakeCms<'_>)> = vec![
        (
            "signature was made over other data",
            Box::new(|_| cms(&auth, b"another nonce", false)),
        ),
        (
            "unknown root",
            Box::new(|n| {
                let leaf = stranger.leaf(IIN, None, Key::Auth, (2026, 2027));
                cms(&leaf, n.as_bytes(), false)
            }),
        ),
        (
            "certificate has expired",
            Box::new(|n| {
                let leaf = pki.leaf(IIN, None, Key::Auth, (2025, 2026));
                cms(&leaf, n.as_bytes(), false)
            }),
        ),
        (
            "No account is registered with this IIN",
            Box::new(|n| {
                let leaf = pki.leaf("850101300123", None, Key::Auth, (2026, 2027));
                cms(&leaf, n.as_bytes(), false)
            }),
        ),
        (
            "GOST R 34.10-2015 256-bit (Kazakhstan, KalkanCrypt)",
            Box::new(|n| cms(&auth, n.as_bytes(), true)),
        ),
        (
            "for signing documents, not for signing in",
            Box::new(|n| {
                let leaf = pki.leaf(IIN, None, Key::Sign, (2026, 2027));
                cms(&leaf, n.as_bytes(), false)
            }),
        ),
        (
            "not a valid signature",
            Box::new(|_| "bm90IGEgQ01T".to_owned()),
        ),
    ];
    for (expected, make) in &cases {
        let mut b = english(app.browser());
        let n = nonce(&mut b);
        let page = post_cms(&mut b, &n, &make(&n));
        assert_eq!(page.status, 401, "{expected}: {}", page.text());
        assert!(
            page.text().contains(expected),
            "{expected}: {}",
            page.text()
        );
        assert_eq!(b.get("/cabinet").status, 303, "{expected}: not signed in");
    }
    let failures = app
        .ctx
        .store
        .read(|tx| tx.audit_entries(&AuditFilter::default(), 100))
        .unwrap()
        .into_iter()
        .filter(|(_, e)| e.kind.code() == "sign_in_failed" && e.detail.starts_with("ЭЦП"))
        .count();
    assert_eq!(failures, cases.len());
}

#[test]
fn a_nonce_works_once_and_only_in_the_browser_it_was_shown_to() {
    let (app, pki) = app_with_nca();
    drop(registered_applicant(&app, IIN, "Айгүл Серікова"));
    let leaf = pki.leaf(IIN, None, Key::Auth, (2026, 2027));
    let mut other = english(app.browser());
    let mut b = english(app.browser());
    let n = nonce(&mut b);
    let signed = cms(&leaf, n.as_bytes(), false);
    // Another browser cannot use it (and using it spends it) …
    nonce(&mut other);
    let page = post_cms(&mut other, &n, &signed);
    assert_eq!(page.status, 401);
    assert!(
        page.text().contains("expired or was already used"),
        "{}",
        page.text()
    );
    // … so the page it was shown on must ask again.
    let page = post_cms(&mut b, &n, &signed);
    assert!(
        page.text().contains("expired or was already used"),
        "{}",
        page.text()
    );
    let n = nonce(&mut b);
    let signed = cms(&leaf, n.as_bytes(), false);
    assert_eq!(post_cms(&mut b, &n, &signed).status, 303);
    let mut again = english(app.browser());
    nonce(&mut again);
    assert_eq!(post_cms(&mut again, &n, &signed).status, 401, "reused");
}

// --- the director's signature of an answer -------------------------------------------------

fn staff(app: &TestApp, login: &str) -> Browser {
    let mut b = english(app.browser());
    assert_eq!(b.sign_in(login, PASSWORD).status, 303);
    b
}

/// An appeal routed to the executor, with a draft answer awaiting the director.
fn awaiting_signature(app: &TestApp) -> String {
    let mut applicant = registered_applicant(app, IIN, "Айгүл Серікова");
    let (_, appeal) = file_appeal(&mut applicant, "Үйірмеге жазылу", &[]);
    let mut clerk = staff(app, "clerk");
    let card = clerk.get(&appeal);
    let executor = card
        .body
        .split("<option value=\"")
        .skip(1)
        .find(|o| o.contains("Нұрлан Оспанов"))
        .and_then(|o| o.split('"').next())
        .unwrap()
        .to_owned();
    let routed = clerk.post_multipart(
        &format!("{appeal}/act"),
        &[("action", "route"), ("executor", &executor)],
        &[],
    );
    assert_eq!(routed.status, 303, "{}", routed.text());
    let mut executor = staff(app, "executor");
    executor.get(&appeal);
    let drafted = executor.post_multipart(
        &format!("{appeal}/act"),
        &[
            ("action", "submit-draft"),
            ("outcome", "explained"),
            ("text", "Түсіндірме беріледі."),
            ("appeal_clause", "yes"),
        ],
        &[],
    );
    assert_eq!(drafted.status, 303, "{}", drafted.text());
    appeal
}

#[test]
fn the_director_signs_the_answer_with_ecp_and_the_page_shows_the_certificate() {
    let (app, pki) = app_with_nca();
    let appeal = awaiting_signature(&app);
    let mut director = staff(&app, "director");
    let card = director.get(&appeal);
    let content = content_to_sign(&card);
    let text = String::from_utf8(content.clone()).unwrap();
    assert!(text.contains("outcome: explained"), "{text}");
    assert!(text.contains("Түсіндірме беріледі."), "{text}");
    let leaf = pki.leaf_with("770707300128", Some(BIN), Key::Sign, (2026, 2027), true);
    let done = director.post_multipart(
        &format!("{appeal}/act"),
        &[("action", "sign"), ("cms", &cms(&leaf, &content, false))],
        &[],
    );
    assert_eq!(done.status, 303, "{}", done.text());
    let card = director.get(&appeal).text();
    assert!(card.contains("Answer signed with EDS"), "{card}");
    assert!(card.contains("СЕРІКОВА АЙГҮЛ"), "{card}");
    assert!(card.contains("valid 01.01.2026 – 01.01.2027"), "{card}");
    assert!(card.contains(&format!("«ҚАРАСУ» КММ ({BIN})")), "{card}");
    let stored = otinish::service::ecp::signatures(
        &app.ctx,
        otinish::domain::appeal::AppealId(appeal.rsplit('/').next().unwrap().parse().unwrap()),
    )
    .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].content.as_bytes(), content.as_slice());
}

#[test]
fn a_signature_that_does_not_verify_blocks_the_answer() {
    let (app, pki) = app_with_nca();
    let appeal = awaiting_signature(&app);
    let mut director = staff(&app, "director");
    let card = director.get(&appeal);
    let content = content_to_sign(&card);
    let cases = [
        (
            cms(
                &pki.leaf_with("770707300128", Some(BIN), Key::Sign, (2026, 2027), true),
                b"an edited answer",
                false,
            ),
            "signature was made over other data",
        ),
        (
            cms(
                &pki.leaf_with(
                    "770707300128",
                    Some("080540014021"),
                    Key::Sign,
                    (2026, 2027),
                    true,
                ),
                &content,
                false,
            ),
            "is not the institution's",
        ),
        (
            cms(
                &pki.leaf_with("770707300128", Some(BIN), Key::Auth, (2026, 2027), true),
                &content,
                false,
            ),
            "for signing in, not for signing documents",
        ),
        (
            cms(
                &pki.leaf("770707300128", Some(BIN), Key::Sign, (2026, 2027)),
                &content,
                false,
            ),
            "gives no right to sign",
        ),
    ];
    for (signed, expected) in &cases {
        director.get(&appeal);
        let refused = director.post_multipart(
            &format!("{appeal}/act"),
            &[("action", "sign"), ("cms", signed)],
            &[],
        );
        assert_eq!(refused.status, 422, "{expected}: {}", refused.text());
        assert!(refused.text().contains(expected), "{}", refused.text());
    }
    let card = director.get(&appeal);
    assert!(
        card.body.contains("action-sign"),
        "the answer is still to sign"
    );
    assert!(!card.text().contains("Answer signed with EDS"));
}

// --- "Sign and send" ---------------------------------------------------------------------

#[test]
fn sign_and_send_registers_the_appeal_only_with_the_applicants_own_signature() {
    use otinish::service::appeals::{AppealForm, Upload};
    let (app, pki) = app_with_nca();
    let mut applicant = english(registered_applicant(&app, IIN, "Айгүл Серікова"));
    let page = applicant.get("/appeals/new");
    assert!(page.body.contains("data-build=\"appeal\""), "offered");
    let (name, phone, email) = (
        page.input_value("name").unwrap(),
        page.input_value("phone").unwrap(),
        page.input_value("email").unwrap(),
    );
    let form = AppealForm {
        kind: "application".into(),
        unit: "1".into(),
        category: "1".into(),
        subject: "Үйірмеге жазылу".into(),
        description: "Домбыра үйірмесіне\r\nорын сұраймын.".into(),
        name: name.clone(),
        phone: phone.clone(),
        email: email.clone(),
        ..AppealForm::default()
    };
    let pdf = crate::support::PDF;
    let text = otinish::service::ecp::appeal_text(
        &form,
        &[Upload {
            file_name: "a.pdf".into(),
            bytes: pdf.to_vec().into(),
        }],
    );
    let post = |b: &mut Browser, cms: &str| {
        b.get("/appeals/new");
        b.post_multipart(
            "/appeals/new",
            &[
                ("kind", "application"),
                ("unit", "1"),
                ("category", "1"),
                ("subject", "Үйірмеге жазылу"),
                ("description", "Домбыра үйірмесіне\r\nорын сұраймын."),
                ("name", &name),
                ("phone", &phone),
                ("email", &email),
                ("address", ""),
                ("cms", cms),
            ],
            &[crate::support::FileUpload {
                name: "a.pdf",
                bytes: pdf,
            }],
        )
    };
    let someone_else = pki.leaf("850101300123", None, Key::Sign, (2026, 2027));
    let refused = post(&mut applicant, &cms(&someone_else, text.as_bytes(), false));
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert!(
        refused.text().contains("The certificate is not yours"),
        "{}",
        refused.text()
    );
    let own = pki.leaf(IIN, None, Key::Sign, (2026, 2027));
    let edited = post(
        &mut applicant,
        &cms(&own, b"Otinish appeal\nkind: complaint\n", false),
    );
    assert_eq!(edited.status, 422, "{}", edited.text());
    assert!(!applicant.get("/cabinet").text().contains("Үйірмеге жазылу"));
    let done = post(&mut applicant, &cms(&own, text.as_bytes(), false));
    assert_eq!(done.status, 303, "{}", done.text());
    let appeal = done
        .location
        .unwrap()
        .split("/receipt")
        .next()
        .unwrap()
        .to_owned();
    let page = applicant.get(&appeal).text();
    assert!(page.contains("Appeal signed with EDS"), "{page}");
    assert!(page.contains(&format!("IIN {IIN}")), "{page}");
}

#[test]
fn staff_sign_in_with_ecp_once_the_admin_has_recorded_their_iin() {
    let (app, pki) = app_with_nca();
    let clerk_iin = otinish::service::seed::demo_iin(42).to_string();
    let leaf = pki.leaf(&clerk_iin, None, Key::Auth, (2026, 2027));

    // Before the admin records the IIN, the certificate names no account.
    let mut b = english(app.browser());
    let n = nonce(&mut b);
    let refused = post_cms(&mut b, &n, &cms(&leaf, n.as_bytes(), false));
    assert_eq!(refused.status, 401, "{}", refused.text());

    let mut admin = english(app.browser());
    assert_eq!(admin.sign_in("admin", PASSWORD).status, 303);
    let staff_page = admin.get("/admin/staff");
    let clerk_id = app
        .ctx
        .store
        .read(|tx| {
            use otinish::store::UserReads;
            tx.user_id_by_login(&otinish::store::LoginKey::staff("clerk"))
        })
        .unwrap()
        .unwrap();
    let path = format!("/admin/staff/{}/iin", clerk_id.0);
    assert!(
        staff_page.body.contains(&format!("action=\"{path}\"")),
        "the staff page has an IIN form per person"
    );
    let bad = admin.post(&path, &[("iin", "123")]);
    assert_eq!(bad.status, 422, "{}", bad.text());
    assert_eq!(admin.post(&path, &[("iin", &clerk_iin)]).status, 303);

    let mut b = english(app.browser());
    let n = nonce(&mut b);
    let page = post_cms(&mut b, &n, &cms(&leaf, n.as_bytes(), false));
    assert_eq!(page.status, 303, "{}", page.text());
    assert_eq!(page.location.as_deref(), Some("/registry"));
    assert_eq!(b.get("/registry").status, 200);

    // The same IIN cannot be given to a second staff member.
    let director = app
        .ctx
        .store
        .read(|tx| {
            use otinish::store::UserReads;
            tx.user_id_by_login(&otinish::store::LoginKey::staff("director"))
        })
        .unwrap()
        .unwrap();
    let taken = admin.post(
        &format!("/admin/staff/{}/iin", director.0),
        &[("iin", &clerk_iin)],
    );
    assert_eq!(taken.status, 422);
}
