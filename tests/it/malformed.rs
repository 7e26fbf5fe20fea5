//! Oversized and malformed requests get 4xx answers (or a closed connection), never a panic or a
//! hang; the router never panics on arbitrary requests; upload names are cleaned.

use std::io::Write;
use std::time::{Duration, Instant};

use otinish::web::request::{Method, Request};
use otinish::web::{self, App};

use crate::support::{self, FileUpload, PDF, TestApp, read_answer, tls_stream};

/// Sends `head` then `body_chunks` (stopping at the first write error or after `max_time`) and
/// returns the status code of the answer, or `None` when the server closed without one.
fn raw_exchange(
    app: &TestApp,
    head: &[u8],
    mut body_chunk: impl FnMut() -> Option<Vec<u8>>,
    max_time: Duration,
) -> Option<u16> {
    let addr = app.handle.as_ref().unwrap().addr();
    let mut s = tls_stream(addr, &app.cert_pem);
    let started = Instant::now();
    if s.write_all(head).is_ok() {
        while started.elapsed() < max_time {
            let Some(chunk) = body_chunk() else { break };
            if s.write_all(&chunk).and_then(|()| s.flush()).is_err() {
                break;
            }
        }
    }
    let text = read_answer(&mut s);
    text.strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
}

fn assert_client_error(status: Option<u16>, what: &str) {
    if let Some(code) = status {
        assert!((400..500).contains(&code), "{what}: got {code}");
    }
}

#[test]
fn huge_headers_get_431_or_a_closed_connection() {
    let app = TestApp::spawn();
    let mut head = b"GET / HTTP/1.1\r\nhost: localhost\r\n".to_vec();
    for i in 0..2000 {
        head.extend_from_slice(format!("x-filler-{i}: {}\r\n", "a".repeat(100)).as_bytes());
    }
    head.extend_from_slice(b"\r\n");
    let status = raw_exchange(&app, &head, || None, Duration::ZERO);
    eprintln!("200 KB of headers: {status:?}");
    assert_client_error(status, "huge headers");
    assert_eq!(app.browser().get("/").status, 200, "still serving");
}

#[test]
fn an_endless_chunked_body_is_refused_or_cut_off_without_a_hang() {
    let app = TestApp::spawn();
    let head = b"POST /appeals/new HTTP/1.1\r\nhost: localhost\r\ncontent-type: multipart/form-data; boundary=x\r\ntransfer-encoding: chunked\r\n\r\n";
    let chunk = {
        let data = vec![b'a'; 64 * 1024];
        let mut c = format!("{:x}\r\n", data.len()).into_bytes();
        c.extend_from_slice(&data);
        c.extend_from_slice(b"\r\n");
        c
    };
    let started = Instant::now();
    let status = raw_exchange(&app, head, || Some(chunk.clone()), Duration::from_secs(20));
    eprintln!(
        "endless chunked body: {status:?} after {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(started.elapsed() < Duration::from_secs(25), "no hang");
    assert_client_error(status, "endless chunked body");
    assert_eq!(app.browser().get("/").status, 200, "still serving");
}

#[test]
fn bad_multipart_and_bad_utf8_get_4xx() {
    let app = TestApp::spawn();
    let mut b = support::registered_applicant(&app, "900101300126", "Байжанова Айгүл");
    b.get("/appeals/new");
    let csrf = b.csrf.clone().unwrap();
    let cases: Vec<(&str, String, Vec<u8>)> = vec![
        (
            "no boundary",
            "multipart/form-data".into(),
            b"--x\r\n".to_vec(),
        ),
        (
            "truncated",
            "multipart/form-data; boundary=x".into(),
            format!("--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--x\r\nContent-Disp").into_bytes(),
        ),
        (
            "bad UTF-8 field",
            "multipart/form-data; boundary=x".into(),
            [
                format!("--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--x\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\n").into_bytes(),
                b"\xff\xfe\xc3(\r\n--x--\r\n".to_vec(),
            ]
            .concat(),
        ),
    ];
    for (what, content_type, body) in cases {
        let page = b.post_raw("/appeals/new", &content_type, &body);
        assert!(
            (400..500).contains(&page.status),
            "{what}: got {}",
            page.status
        );
    }
    let form = b"csrf="
        .iter()
        .copied()
        .chain(csrf.bytes())
        .collect::<Vec<u8>>();
    let page = b.post_raw(
        "/appeals/new",
        "application/x-www-form-urlencoded",
        &[form.as_slice(), b"&subject=%FF%FE"].concat(),
    );
    assert!(
        (400..500).contains(&page.status),
        "bad UTF-8 in a URL-encoded form: got {}",
        page.status
    );
    assert_eq!(b.get("/").status, 200, "still serving");
}

#[test]
fn a_path_traversal_upload_name_is_cleaned() {
    let app = TestApp::spawn();
    let mut b = support::registered_applicant(&app, "900101300126", "Байжанова Айгүл");
    let (_, appeal) = support::file_appeal(
        &mut b,
        "Жол іздеу",
        &[FileUpload {
            name: "../../etc/passwd.pdf",
            bytes: PDF,
        }],
    );
    let page = b.get(&appeal);
    assert_eq!(page.status, 200);
    let text = page.text();
    assert!(text.contains("passwd"), "the file is listed: {text}");
    assert!(
        !text.contains("../") && !text.contains("etc/passwd"),
        "{text}"
    );
}

fn app_for_the_router() -> (App, tempfile::TempDir) {
    let (ctx, config, dir) = crate::support::sample_store();
    (App::new(ctx, &config).unwrap(), dir)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// See: issue 6, "the router never panics on arbitrary paths/methods".
    #[test]
    fn the_router_never_panics_on_arbitrary_requests(
        method in "GET|POST|HEAD|PUT|DELETE|[A-Z]{0,8}",
        path in "(/[a-z0-9%.\\-_]{0,12}){0,6}|\\PC{0,40}",
        query in "\\PC{0,40}",
        cookie in "\\PC{0,40}",
        body in proptest::collection::vec(proptest::num::u8::ANY, 0..128),
    ) {
        thread_local! {
            static APP: (App, tempfile::TempDir) = app_for_the_router();
        }
        let mut req = Request::get("/");
        req.method = Method::from_name(&method);
        req.path = path;
        req.query = query;
        req.headers.push(("cookie".into(), cookie));
        req.headers.push(("content-type".into(), "application/x-www-form-urlencoded".into()));
        req.body = body;
        let status = APP.with(|(app, _)| web::handle(app, req).status);
        proptest::prop_assert!((200..600).contains(&status), "{status}");
    }
}
