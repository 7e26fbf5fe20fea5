//! One-time codes over real HTTPS with a real SMTP conversation: a small mail server on
//! 127.0.0.1 records what the appliance sends; the code it received signs the applicant in.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use otinish::config::{Smtp, SmtpSecurity};
use otinish::service::deliveries;

use crate::support::{TestApp, registered_applicant};

/// A mail server that accepts everything and keeps each message's DATA.
fn mail_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received: Arc<Mutex<Vec<String>>> = Arc::default();
    let store = Arc::clone(&received);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let _ = stream.write_all(b"220 test ESMTP\r\n");
            let mut data = None::<String>;
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                if let Some(body) = data.as_mut() {
                    if line == ".\r\n" {
                        store.lock().unwrap().push(std::mem::take(body));
                        data = None;
                        let _ = stream.write_all(b"250 queued\r\n");
                    } else {
                        body.push_str(&line);
                    }
                } else {
                    let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 test\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go on\r\n"
                        }
                        "QUIT" => b"221 bye\r\n",
                        _ => b"250 ok\r\n",
                    };
                    let _ = stream.write_all(reply);
                    if verb == "QUIT" {
                        break;
                    }
                }
                line.clear();
            }
        }
    });
    (port, received)
}

/// The appliance with its e-mail gateway pointed at the test mail server on `port`.
fn app_mailing_to(port: u16) -> TestApp {
    TestApp::spawn_with(|config| {
        config.smtp = Some(Smtp {
            host: "127.0.0.1".into(),
            port,
            security: SmtpSecurity::None,
            username: None,
            password: None,
            from: "otinish@example.kz".into(),
            ca_file: None,
            timeout: std::time::Duration::from_secs(5),
        });
    })
}

/// The text of a received message (its body is base64, as lettre sends UTF-8).
fn mail_text(mail: &str) -> String {
    let body = mail.split("\r\n\r\n").nth(1).unwrap_or_default();
    base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        body.split_whitespace().collect::<String>(),
    )
    .map_or_else(
        |_| body.to_owned(),
        |bytes| String::from_utf8_lossy(&bytes).into_owned(),
    )
}

fn six_digits(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("a six-digit code in {text}"))
        .to_owned()
}

#[test]
fn an_applicant_signs_in_with_a_code_sent_by_e_mail() {
    let (port, received) = mail_server();
    let app = app_mailing_to(port);
    drop(registered_applicant(
        &app,
        "900101300126",
        "Байжанова Айгүл",
    ));

    let mut phone = app.browser();
    let login = phone.get("/login");
    assert!(
        login.body.contains("/login/code"),
        "the code method is offered"
    );
    phone.get("/login/code");
    let asked = phone.post(
        "/login/code",
        &[("name", "900101300126"), ("channel", "email")],
    );
    assert_eq!(asked.status, 200, "{}", asked.text());
    assert_eq!(
        deliveries::send_due(&app.ctx, &app.gateways, 10).unwrap(),
        1
    );
    let mail = received
        .lock()
        .unwrap()
        .pop()
        .expect("a message reached the mail server");
    let text = mail_text(&mail);
    assert!(
        text.contains("5 минут"),
        "in the applicant's language: {text}"
    );
    let code = six_digits(&text);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = phone.post(
        "/login/code/verify",
        &[("name", "900101300126"), ("code", wrong)],
    );
    assert_eq!(refused.status, 422);
    let done = phone.post(
        "/login/code/verify",
        &[("name", "900101300126"), ("code", &code)],
    );
    assert_eq!(done.status, 303, "{}", done.text());
    assert_eq!(phone.get("/").status, 200);

    // Notices go out by e-mail too: filing an appeal mails its number.
    let (_, appeal_path) = crate::support::file_appeal(&mut phone, "Үйірме кестесі", &[]);
    assert!(appeal_path.starts_with("/appeals/"));
    otinish::service::notices::deliver(&app.ctx, 10).unwrap();
    deliveries::send_due(&app.ctx, &app.gateways, 10).unwrap();
    let notice = received
        .lock()
        .unwrap()
        .pop()
        .expect("the notice was mailed");
    assert!(notice.contains("Subject: Otinish"), "{notice}");

    let mut admin = app.browser();
    admin.sign_in("admin", crate::support::PASSWORD);
    let list = admin.get("/admin/deliveries");
    assert_eq!(list.status, 200);
    assert!(
        list.text().contains("applicant@example.kz"),
        "{}",
        list.text()
    );
    assert!(!list.text().contains(&code), "the admin never sees a code");
}

#[test]
fn without_gateways_the_login_page_offers_no_codes_and_says_whom_to_ask() {
    let app = TestApp::spawn();
    let mut b = app.browser();
    let login = b.get("/login");
    assert!(!login.body.contains("/login/code"));
    assert!(
        !login.body.contains("/login/passkey"),
        "no passkeys on an IP address"
    );
    assert!(
        !login.body.contains("/login/ecp"),
        "no ЭЦП without NCA roots"
    );
    assert!(
        login.body.contains("/login/qr"),
        "the QR code needs nothing installed"
    );
    let forgot = b.get("/password/forgot");
    assert!(
        forgot.text().contains("бір реттік құпиясөз беруін"),
        "{}",
        forgot.text()
    );
}

#[test]
fn a_code_by_e_mail_as_the_second_factor_over_https() {
    let (port, received) = mail_server();
    let app = app_mailing_to(port);
    let mut b = registered_applicant(&app, "900101300126", "Байжанова Айгүл");
    let page = b.get("/account/authenticator");
    assert!(page.body.contains("/account/authenticator/code"), "offered");
    let chosen = b.post("/account/authenticator/code", &[("channel", "email")]);
    assert_eq!(chosen.status, 303, "{}", chosen.text());
    b.post("/logout", &[]);

    let mut next = app.browser();
    let step = next.sign_in("900101300126", crate::support::PASSWORD);
    assert_eq!(step.location.as_deref(), Some("/login/authenticator"));
    assert_eq!(
        deliveries::send_due(&app.ctx, &app.gateways, 10).unwrap(),
        1
    );
    let mail = received.lock().unwrap().pop().unwrap();
    let text = mail_text(&mail);
    next.get("/login/authenticator");
    let done = next.post("/login/authenticator", &[("code", &six_digits(&text))]);
    assert_eq!(done.status, 303, "{}", done.text());
    assert_eq!(next.get("/").status, 200);
}
