//! Body limits per route, decided from the request head before the body is read: anonymous
//! and small forms take 16 KiB, the upload forms the attachment limits, and only from a
//! signed-in user whose CSRF token is in the URL. Over the limit: a 413 page in the visitor's
//! language, without the body ever being sent. See: issue 12.

use std::io::{Read, Write};

use crate::support::{self, FileUpload, PDF, TestApp, read_answer, tls_stream};

/// Sends only `head` (no body) on a fresh TLS connection and returns the server's answer.
fn answer_to_head_alone(app: &TestApp, head: &str) -> String {
    let addr = app.handle.as_ref().unwrap().addr();
    let mut stream = tls_stream(addr, &app.cert_pem);
    stream.write_all(head.as_bytes()).unwrap();
    stream.flush().unwrap();
    read_answer(&mut stream)
}

const TEN_MIB: usize = 10 * 1024 * 1024;

#[test]
fn issue_12_an_anonymous_post_declaring_10_mib_gets_413_in_its_language_before_the_body_is_sent() {
    let app = TestApp::spawn();
    for (path, cookie, title) in [
        ("/register", "", "Форма тым үлкен"),
        ("/login", "otinish_lang=ru", "Форма слишком большая"),
        ("/appeals/new", "otinish_lang=en", "The form is too large"),
    ] {
        let answer = answer_to_head_alone(
            &app,
            &format!(
                "POST {path} HTTP/1.1\r\nhost: localhost\r\ncookie: {cookie}\r\n\
                 content-type: application/x-www-form-urlencoded\r\ncontent-length: {TEN_MIB}\r\n\r\n"
            ),
        );
        assert!(answer.starts_with("HTTP/1.1 413"), "{path}: {answer}");
        assert!(
            answer.contains(title),
            "{path}: the page in its language: {answer}"
        );
        assert!(answer.contains("connection: close"), "{path}: {answer}");
    }
}

/// The 413 comes before the body, but a browser goes on sending the form before it reads the
/// answer: the server reads and throws the refused body away rather than closing on it (the
/// reset of a close with bytes unread can overtake the answer and lose the 413 page), then
/// closes cleanly once it is all in.
#[test]
fn issue_12_a_client_that_keeps_sending_a_refused_body_is_read_to_the_end_then_closed_cleanly() {
    let app = TestApp::spawn();
    let addr = app.handle.as_ref().unwrap().addr();
    let mut stream = tls_stream(addr, &app.cert_pem);
    let body = vec![b'a'; 2 * 1024 * 1024];
    stream
        .write_all(
            format!(
                "POST /register HTTP/1.1\r\nhost: localhost\r\n\
                 content-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        )
        .unwrap();
    stream.flush().unwrap();
    let answer = read_answer(&mut stream);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer:.300}");
    assert!(answer.contains("Форма тым үлкен"), "{answer:.300}");

    for (sent, chunk) in body.chunks(16 * 1024).enumerate() {
        let written = stream.write_all(chunk).and_then(|()| stream.flush());
        assert!(written.is_ok(), "chunk {sent} of the body: {written:?}");
    }
    let mut rest = Vec::new();
    let end = stream.read_to_end(&mut rest);
    assert!(
        end.is_ok(),
        "a clean close after the body, not a reset: {end:?}"
    );
}

#[test]
fn issue_12_a_small_form_over_16_kib_gets_413_even_when_signed_in() {
    let app = TestApp::spawn();
    let mut b = app.browser();
    b.sign_in("clerk", support::PASSWORD);
    let answer = answer_to_head_alone(
        &app,
        &format!(
            "POST /lang HTTP/1.1\r\nhost: localhost\r\ncookie: {}\r\n\
             content-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\n\r\n",
            b.cookie_header(),
            16 * 1024 + 1
        ),
    );
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

    // 16 KiB itself is taken: the form reaches its handler (which refuses the long `next`).
    b.get("/registry");
    let long = "a".repeat(16 * 1024 - 200);
    let page = b.post("/lang", &[("lang", "ru"), ("next", &long)]);
    assert_eq!(page.status, 400, "{}", page.text());
}

#[test]
fn issue_12_a_chunked_anonymous_body_is_cut_off_once_it_passes_16_kib() {
    let app = TestApp::spawn();
    let addr = app.handle.as_ref().unwrap().addr();
    let mut stream = tls_stream(addr, &app.cert_pem);
    stream
        .write_all(
            b"POST /register HTTP/1.1\r\nhost: localhost\r\n\
              content-type: application/x-www-form-urlencoded\r\ntransfer-encoding: chunked\r\n\r\n",
        )
        .unwrap();
    // 20 KiB in 4 KiB chunks and no last chunk: the answer must come once 16 KiB have passed.
    let chunk = format!("1000\r\n{}\r\n", "a".repeat(4096));
    for _ in 0..5 {
        if stream
            .write_all(chunk.as_bytes())
            .and_then(|()| stream.flush())
            .is_err()
        {
            break;
        }
    }
    let answer = read_answer(&mut stream);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

#[test]
fn issue_12_an_upload_without_the_token_in_its_url_is_refused_before_its_body_is_read() {
    let app = TestApp::spawn();
    let b = support::registered_applicant(&app, "900101300126", "Айгүл Серікқызы");
    let answer = answer_to_head_alone(
        &app,
        &format!(
            "POST /appeals/new HTTP/1.1\r\nhost: localhost\r\ncookie: {}\r\n\
             content-type: multipart/form-data; boundary=xyz\r\ncontent-length: {TEN_MIB}\r\n\r\n",
            b.cookie_header()
        ),
    );
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(answer.contains("Форманың мерзімі өтті"), "{answer}");

    // A wrong token in the URL is no better.
    let answer = answer_to_head_alone(
        &app,
        &format!(
            "POST /appeals/new?csrf=00{} HTTP/1.1\r\nhost: localhost\r\ncookie: {}\r\n\
             content-type: multipart/form-data; boundary=xyz\r\ncontent-length: {TEN_MIB}\r\n\r\n",
            &b.csrf.clone().unwrap()[2..],
            b.cookie_header()
        ),
    );
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
}

#[test]
fn issue_12_a_signed_in_upload_within_the_limits_is_filed_and_its_file_kept_whole() {
    let app = TestApp::spawn();
    let mut b = support::registered_applicant(&app, "900101300126", "Айгүл Серікқызы");
    // 9 MiB: well over the small-form limit, within one attachment's 10 MiB.
    let mut big = PDF.to_vec();
    big.resize(9 * 1024 * 1024, b'%');
    let (_, appeal) = support::file_appeal(
        &mut b,
        "Үлкен файлмен өтініш",
        &[FileUpload {
            name: "скан.pdf",
            bytes: &big,
        }],
    );
    let files = b.get(&appeal).links("/files/");
    assert_eq!(files.len(), 1, "the file is listed");
    let (status, _, bytes) = b.download(&files[0]);
    assert_eq!(status, 200);
    assert!(bytes == big, "the stored file is the uploaded one");
}

#[test]
fn issue_12_the_upload_forms_carry_the_csrf_token_in_their_action() {
    let app = TestApp::spawn();
    let mut b = support::registered_applicant(&app, "900101300126", "Айгүл Серікқызы");
    let form = b.get("/appeals/new");
    let token = b.csrf.clone().unwrap();
    assert!(
        form.body
            .contains(&format!("action=\"/appeals/new?csrf={token}\"")),
        "{}",
        form.body
    );
    let mut clerk = app.browser();
    clerk.sign_in("clerk", support::PASSWORD);
    let form = clerk.get("/registry/new");
    let token = clerk.csrf.clone().unwrap();
    assert!(
        form.body
            .contains(&format!("action=\"/registry/new?csrf={token}\""))
    );
}
