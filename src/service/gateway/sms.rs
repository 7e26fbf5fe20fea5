//! Outgoing SMS through any HTTP(S) gateway: the URL, method, headers and body are all
//! templates from the configuration, because every provider wants something different.
//!
//! Invariants: the `{phone}` and `{text}` placeholders are substituted in one pass (text that
//! itself contains `{phone}` is not substituted again) and always encoded for where they land
//! (percent-encoding in the URL and header values, JSON-string escaping or form encoding in
//! the body by its content type); redirects are not followed; one blocking request per call
//! with `ureq` over rustls on ring; error texts never contain the URL's query or header
//! values (API keys live there).

use std::fmt::{self, Write as _};
use std::io::Read as _;
use std::time::Duration;

use super::SendError;

/// HTTP method of the gateway call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`; everything travels in the URL, `body_template` is not used.
    Get,
    /// `POST` with `body_template` as the body (empty body if there is none).
    Post,
}

/// How to reach the SMS gateway. Plain data, filled from the configuration.
#[derive(Clone)]
pub struct SmsSettings {
    /// Gateway URL; `{phone}` and `{text}` are replaced, percent-encoded.
    pub url: String,
    /// HTTP method.
    pub method: Method,
    /// Extra request headers (e.g. an API key); `{phone}` and `{text}` in values are replaced,
    /// percent-encoded.
    pub headers: Vec<(String, String)>,
    /// Body for `Post`, e.g. `{"to":"{phone}","text":"{text}"}`. Placeholders are JSON-string
    /// escaped when the `Content-Type` header mentions `json`, form-encoded when it is
    /// `application/x-www-form-urlencoded`, inserted as they are otherwise.
    pub body_template: Option<String>,
    /// Limit for the whole call (connect, send, response).
    pub timeout: Duration,
    /// Statuses meaning "accepted"; empty means any 2xx.
    pub success_statuses: Vec<u16>,
}

impl SmsSettings {
    /// Settings with no headers, no body, a 10-second timeout and any 2xx as success.
    pub fn new(url: impl Into<String>, method: Method) -> Self {
        Self {
            url: url.into(),
            method,
            headers: Vec::new(),
            body_template: None,
            timeout: Duration::from_secs(10),
            success_statuses: Vec::new(),
        }
    }

    /// Whether `status` means the gateway took the message.
    pub fn is_success(&self, status: u16) -> bool {
        if self.success_statuses.is_empty() {
            (200..300).contains(&status)
        } else {
            self.success_statuses.contains(&status)
        }
    }
}

impl fmt::Debug for SmsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("SmsSettings")
            .field("url", &redacted_url(&self.url))
            .field("method", &self.method)
            .field("headers", &header_names)
            .field("body_template", &self.body_template.is_some())
            .field("timeout", &self.timeout)
            .field("success_statuses", &self.success_statuses)
            .finish()
    }
}

/// Sends `text` to `phone` through the configured gateway.
///
/// A 4xx answer other than 408 and 429 is [`SendError::Permanent`]; 5xx, 408, 429, any other
/// unexpected status, connection failures, timeouts and a URL or header that the
/// configuration got wrong are [`SendError::Temporary`]. An empty phone number is permanent.
pub fn send(settings: &SmsSettings, phone: &str, text: &str) -> Result<(), SendError> {
    let phone = phone.trim();
    if phone.is_empty() {
        return Err(SendError::Permanent("no phone number".to_owned()));
    }
    let url = substitute(&settings.url, phone, text, percent_encode);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(settings.timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();

    let result = match settings.method {
        Method::Get => {
            let mut request = agent.get(url.as_str());
            for (name, value) in &settings.headers {
                request = request.header(name, substitute(value, phone, text, percent_encode));
            }
            request.call()
        }
        Method::Post => {
            let mut request = agent.post(url.as_str());
            for (name, value) in &settings.headers {
                request = request.header(name, substitute(value, phone, text, percent_encode));
            }
            match &settings.body_template {
                Some(template) => {
                    let encode = body_encoder(&settings.headers);
                    request.send(substitute(template, phone, text, encode))
                }
                None => request.send_empty(),
            }
        }
    };

    let mut response = result.map_err(|e| describe(&e, settings.timeout))?;
    let status = response.status().as_u16();
    if settings.is_success(status) {
        return Ok(());
    }
    let mut snippet = Vec::new();
    // The answer only decorates the error; failing to read it changes nothing.
    let _ = response
        .body_mut()
        .as_reader()
        .take(300)
        .read_to_end(&mut snippet);
    let answer = String::from_utf8_lossy(&snippet);
    let reason = format!("the SMS gateway answered {status}: {}", answer.trim());
    Err(match status {
        408 | 429 => SendError::Temporary(reason),
        400..=499 => SendError::Permanent(reason),
        _ => SendError::Temporary(reason),
    })
}

/// A `ureq` failure as a temporary error whose text holds no URL or header value.
fn describe(error: &ureq::Error, timeout: Duration) -> SendError {
    let reason = match error {
        ureq::Error::Timeout(stage) => {
            format!("the SMS gateway did not answer within {timeout:?} ({stage})")
        }
        ureq::Error::HostNotFound => "the SMS gateway host was not found".to_owned(),
        ureq::Error::ConnectionFailed => "cannot connect to the SMS gateway".to_owned(),
        ureq::Error::Io(e) => format!("SMS gateway connection failed: {e}"),
        ureq::Error::BadUri(_) => "the configured SMS gateway URL is not valid".to_owned(),
        ureq::Error::Http(e) => format!("the configured SMS request is not valid: {e}"),
        ureq::Error::Tls(e) => format!("TLS with the SMS gateway failed: {e}"),
        ureq::Error::Rustls(e) => format!("TLS with the SMS gateway failed: {e}"),
        ureq::Error::Protocol(e) => format!("the SMS gateway broke HTTP: {e}"),
        _ => "the SMS gateway request failed".to_owned(),
    };
    SendError::Temporary(reason)
}

/// The encoder for body placeholders, chosen by the last `Content-Type` header.
fn body_encoder(headers: &[(String, String)]) -> fn(&str) -> String {
    let content_type = headers
        .iter()
        .rev()
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.to_ascii_lowercase());
    match content_type {
        Some(t) if t.contains("json") => json_escape,
        Some(t) if t.contains("application/x-www-form-urlencoded") => form_encode,
        _ => str::to_owned,
    }
}

/// Replaces `{phone}` and `{text}` in `template` in one left-to-right pass.
fn substitute(template: &str, phone: &str, text: &str, encode: fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len() + phone.len() + text.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let tail = &rest[open..];
        if let Some(after) = tail.strip_prefix("{phone}") {
            out.push_str(&encode(phone));
            rest = after;
        } else if let Some(after) = tail.strip_prefix("{text}") {
            out.push_str(&encode(text));
            rest = after;
        } else {
            out.push('{');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// RFC 3986 percent-encoding of every byte except unreserved characters (space is `%20`).
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for &byte in value.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// `application/x-www-form-urlencoded` (WHATWG): space is `+`, `*-._` and alphanumerics stay.
fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for &byte in value.as_bytes() {
        match byte {
            b' ' => out.push('+'),
            b if b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_') => {
                out.push(char::from(b));
            }
            b => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// Escapes a value for the inside of a JSON string (the template supplies the quotes).
fn json_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// The URL without its query, for logs.
fn redacted_url(url: &str) -> String {
    match url.split_once('?') {
        Some((base, _)) => format!("{base}?…"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    use std::thread::{self, JoinHandle};

    /// What the fake gateway received.
    #[derive(Debug)]
    struct Recorded {
        method: String,
        target: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    }

    impl Recorded {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        }
    }

    /// A one-request HTTP server on 127.0.0.1 answering `status` with `answer` as the body.
    fn fake_gateway(status: u16, answer: &'static str) -> (u16, JoinHandle<Recorded>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let mut writer = stream.try_clone().unwrap();
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut parts = line.split_whitespace();
            let method = parts.next().unwrap().to_owned();
            let target = parts.next().unwrap().to_owned();
            let mut headers = Vec::new();
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                let (name, value) = line.split_once(':').unwrap();
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
            let length = headers
                .iter()
                .find(|(n, _)| n == "content-length")
                .map_or(0, |(_, v)| v.parse::<usize>().unwrap());
            let mut body = vec![0; length];
            std::io::Read::read_exact(&mut reader, &mut body).unwrap();
            write!(
                writer,
                "HTTP/1.1 {status} Whatever\r\nContent-Type: text/plain; charset=utf-8\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            )
            .unwrap();
            writer.flush().unwrap();
            Recorded {
                method,
                target,
                headers,
                body,
            }
        });
        (port, handle)
    }

    fn percent_decode(text: &str, plus_is_space: bool) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'%' => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 3;
                }
                b'+' if plus_is_space => {
                    out.push(b' ');
                    i += 1;
                }
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).unwrap()
    }

    fn query_pairs(target: &str, plus_is_space: bool) -> Vec<(String, String)> {
        let query = target.split_once('?').map_or(target, |(_, q)| q);
        query
            .split('&')
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap();
                (
                    percent_decode(k, plus_is_space),
                    percent_decode(v, plus_is_space),
                )
            })
            .collect()
    }

    const PHONE: &str = "+7 701 123 45 67";

    #[test]
    fn get_with_query_placeholders() {
        let (port, server) = fake_gateway(200, "OK");
        let text = "Сәлем! Өтінішіңіз №5 қабылданды & 100% дайын? Иә/жоқ #1";
        let settings = SmsSettings::new(
            format!("http://127.0.0.1:{port}/api/send?login=otinish&to={{phone}}&msg={{text}}"),
            Method::Get,
        );
        send(&settings, PHONE, text).unwrap();
        let recorded = server.join().unwrap();
        assert_eq!(recorded.method, "GET");
        assert!(recorded.target.starts_with("/api/send?login=otinish&to=%2B7%20701%20123%2045%2067&msg=%D0%A1%D3%99%D0%BB%D0%B5%D0%BC%21%20"),
            "{}", recorded.target);
        assert!(recorded.target.is_ascii());
        assert_eq!(
            query_pairs(&recorded.target, false),
            [
                ("login".to_owned(), "otinish".to_owned()),
                ("to".to_owned(), PHONE.to_owned()),
                ("msg".to_owned(), text.to_owned()),
            ]
        );
        assert!(recorded.body.is_empty());
    }

    #[test]
    fn post_json_escapes_quotes_and_newlines() {
        let (port, server) = fake_gateway(201, r#"{"status":"queued"}"#);
        let mut settings =
            SmsSettings::new(format!("http://127.0.0.1:{port}/messages"), Method::Post);
        settings.headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        settings.body_template = Some(r#"{"to":"{phone}","text":"{text}"}"#.to_owned());
        let text = "Ол \"Өтініш\" деді\nекінші жол \\ {phone}\tсоңы\u{1}";
        send(&settings, "+77011234567", text).unwrap();
        let recorded = server.join().unwrap();
        assert_eq!(recorded.method, "POST");
        assert_eq!(recorded.target, "/messages");
        assert_eq!(recorded.header("content-type"), Some("application/json"));
        assert_eq!(
            String::from_utf8(recorded.body).unwrap(),
            r#"{"to":"+77011234567","text":"Ол \"Өтініш\" деді\nекінші жол \\ {phone}\tсоңы\u0001"}"#
        );
    }

    #[test]
    fn post_form_is_form_encoded() {
        let (port, server) = fake_gateway(200, "");
        let mut settings = SmsSettings::new(format!("http://127.0.0.1:{port}/sms"), Method::Post);
        settings.headers = vec![(
            "content-type".to_owned(),
            "application/x-www-form-urlencoded".to_owned(),
        )];
        settings.body_template = Some("to={phone}&text={text}&from=Akimat".to_owned());
        let text = "Сәлем әлем & 1+1=2";
        send(&settings, PHONE, text).unwrap();
        let recorded = server.join().unwrap();
        let body = String::from_utf8(recorded.body).unwrap();
        assert!(
            body.starts_with("to=%2B7+701+123+45+67&text=%D0%A1"),
            "{body}"
        );
        assert_eq!(
            query_pairs(&body, true),
            [
                ("to".to_owned(), PHONE.to_owned()),
                ("text".to_owned(), text.to_owned()),
                ("from".to_owned(), "Akimat".to_owned()),
            ]
        );
    }

    #[test]
    fn raw_body_for_other_content_types() {
        let (port, server) = fake_gateway(200, "");
        let mut settings = SmsSettings::new(format!("http://127.0.0.1:{port}/sms"), Method::Post);
        settings.headers = vec![(
            "Content-Type".to_owned(),
            "text/plain; charset=utf-8".to_owned(),
        )];
        settings.body_template = Some("{phone}: {text}".to_owned());
        send(&settings, "87011234567", "Сәлем \"Әлия\" & {text}").unwrap();
        let recorded = server.join().unwrap();
        assert_eq!(
            String::from_utf8(recorded.body).unwrap(),
            "87011234567: Сәлем \"Әлия\" & {text}"
        );
    }

    #[test]
    fn custom_headers_carry_api_key_and_placeholders() {
        let (port, server) = fake_gateway(200, "OK");
        let mut settings = SmsSettings::new(format!("http://127.0.0.1:{port}/send"), Method::Get);
        settings.headers = vec![
            ("X-API-Key".to_owned(), "k3y-SECRET".to_owned()),
            ("X-Recipient".to_owned(), "{phone}".to_owned()),
            ("X-Text".to_owned(), "{text}".to_owned()),
        ];
        send(&settings, PHONE, "Жол\r\nX-Injected: 1").unwrap();
        let recorded = server.join().unwrap();
        assert_eq!(recorded.header("x-api-key"), Some("k3y-SECRET"));
        assert_eq!(
            recorded.header("x-recipient"),
            Some("%2B7%20701%20123%2045%2067")
        );
        assert_eq!(recorded.header("x-injected"), None);
        assert_eq!(
            percent_decode(recorded.header("x-text").unwrap(), false),
            "Жол\r\nX-Injected: 1"
        );
    }

    #[test]
    fn server_error_is_temporary() {
        for status in [500, 502, 503, 408, 429] {
            let (port, server) = fake_gateway(status, "try later");
            let settings = SmsSettings::new(
                format!("http://127.0.0.1:{port}/send?to={{phone}}"),
                Method::Get,
            );
            let error = send(&settings, PHONE, "Сәлем").unwrap_err();
            assert!(
                matches!(error, SendError::Temporary(_)),
                "{status}: {error:?}"
            );
            assert!(error.reason().contains(&status.to_string()));
            server.join().unwrap();
        }
    }

    #[test]
    fn client_error_is_permanent() {
        for status in [400, 401, 404, 422] {
            let (port, server) = fake_gateway(status, "Нөмір қате / invalid phone");
            let settings = SmsSettings::new(
                format!("http://127.0.0.1:{port}/send?to={{phone}}"),
                Method::Get,
            );
            let error = send(&settings, PHONE, "Сәлем").unwrap_err();
            assert!(error.is_permanent(), "{status}: {error:?}");
            assert!(error.reason().contains("Нөмір қате"), "{error}");
            server.join().unwrap();
        }
    }

    #[test]
    fn unlisted_success_status_is_temporary() {
        let (port, server) = fake_gateway(202, "");
        let mut settings = SmsSettings::new(format!("http://127.0.0.1:{port}/"), Method::Get);
        settings.success_statuses = vec![200];
        let error = send(&settings, PHONE, "x").unwrap_err();
        assert!(matches!(error, SendError::Temporary(_)), "{error:?}");
        server.join().unwrap();
    }

    #[test]
    fn redirect_is_not_followed() {
        let (port, server) = fake_gateway(302, "");
        let settings = SmsSettings::new(format!("http://127.0.0.1:{port}/"), Method::Post);
        let error = send(&settings, PHONE, "x").unwrap_err();
        assert!(matches!(error, SendError::Temporary(_)), "{error:?}");
        server.join().unwrap();
    }

    #[test]
    fn closed_port_is_temporary_and_hides_the_key() {
        let port = {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let settings = SmsSettings::new(
            format!("http://127.0.0.1:{port}/send?apikey=TOPSECRET&to={{phone}}"),
            Method::Get,
        );
        let error = send(&settings, PHONE, "Сәлем").unwrap_err();
        assert!(matches!(error, SendError::Temporary(_)), "{error:?}");
        assert!(!error.to_string().contains("TOPSECRET"));
        assert!(!format!("{settings:?}").contains("TOPSECRET"));
    }

    #[test]
    fn silent_gateway_times_out_as_temporary() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let holder = thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            thread::sleep(Duration::from_secs(2));
            drop(stream);
        });
        let mut settings = SmsSettings::new(format!("http://127.0.0.1:{port}/"), Method::Get);
        settings.timeout = Duration::from_millis(300);
        let started = std::time::Instant::now();
        let error = send(&settings, PHONE, "x").unwrap_err();
        assert!(matches!(error, SendError::Temporary(_)), "{error:?}");
        assert!(started.elapsed() < Duration::from_secs(2));
        holder.join().unwrap();
    }

    #[test]
    fn bad_configuration_is_temporary_and_empty_phone_permanent() {
        let settings = SmsSettings::new("not a url at all {phone}", Method::Get);
        let error = send(&settings, PHONE, "x").unwrap_err();
        assert!(matches!(error, SendError::Temporary(_)), "{error:?}");

        let mut settings = SmsSettings::new("http://127.0.0.1:9/", Method::Get);
        settings.headers = vec![("Bad Header Name".to_owned(), "v".to_owned())];
        let error = send(&settings, PHONE, "x").unwrap_err();
        assert!(matches!(error, SendError::Temporary(_)), "{error:?}");

        let error = send(&settings, "  ", "x").unwrap_err();
        assert!(error.is_permanent());
    }

    #[test]
    fn substitution_is_single_pass() {
        assert_eq!(
            substitute("{a}{phone}{{text}}{", "{text}", "x", str::to_owned),
            "{a}{text}{x}{"
        );
    }
}
