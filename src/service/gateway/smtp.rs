//! Outgoing e-mail: one plain-text UTF-8 message per call through an SMTP server, with
//! `lettre`'s blocking transport and rustls on the ring provider.
//!
//! Invariants: one connection per call (no pool, no background threads); TLS trusts the
//! Mozilla roots bundled in `webpki-roots` plus the PEM file in [`SmtpSettings::ca_file`],
//! never the certificate the server happens to present; the subject is always one header
//! line (CR and LF become spaces), and non-ASCII subject and body are MIME-encoded by
//! `lettre`; failures are split into permanent and temporary ones by [`SendError`], whose
//! texts never contain the password.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::SmtpTransport;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::{Message, Transport};

use super::SendError;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain text throughout. Only for tests and a trusted local relay: the password, if
    /// any, would travel in clear.
    None,
    /// Plain connection upgraded with `STARTTLS` (usually port 587); refused if the server
    /// does not offer it.
    StartTls,
    /// TLS from the first byte (implicit TLS, usually port 465).
    Tls,
}

/// Where and how to send e-mail. Plain data, filled from the configuration.
#[derive(Clone)]
pub struct SmtpSettings {
    /// Server host name (checked against its certificate) or IP address.
    pub host: String,
    /// Server port: 25, 465 or 587 usually.
    pub port: u16,
    /// Connection protection.
    pub security: Security,
    /// Login name, if the server wants `AUTH`.
    pub username: Option<String>,
    /// Password for `username` (empty if absent).
    pub password: Option<String>,
    /// The `From:` mailbox, e.g. `Өтініштер <otinish@akimat.kz>`.
    pub from: String,
    /// Limit for connecting and for each server reply.
    pub timeout: Duration,
    /// PEM file of extra CA certificates to trust besides the bundled Mozilla roots (e.g.
    /// the national root of Kazakhstan or an in-house CA for the local mail relay).
    pub ca_file: Option<PathBuf>,
}

impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("from", &self.from)
            .field("timeout", &self.timeout)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

/// Sends one plain-text message to `to`.
///
/// A recipient that is not a valid address, or any 5xx reply, is [`SendError::Permanent`].
/// Connection failures, timeouts, 4xx replies, TLS failures and local configuration problems
/// (unparsable `from`, unreadable `ca_file`) are [`SendError::Temporary`]: fixing the
/// settings makes the same message deliverable.
pub fn send(settings: &SmtpSettings, to: &str, subject: &str, body: &str) -> Result<(), SendError> {
    let from: Mailbox = settings.from.trim().parse().map_err(|_| {
        SendError::Temporary(format!(
            "the configured sender address {:?} is not valid",
            settings.from
        ))
    })?;
    let recipient: Mailbox = to
        .trim()
        .parse()
        .map_err(|_| SendError::Permanent(format!("{to:?} is not a valid e-mail address")))?;
    let one_line_subject: String = subject
        .chars()
        .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
        .collect();
    let message = Message::builder()
        .from(from)
        .to(recipient)
        .subject(one_line_subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_owned())
        .map_err(|e| SendError::Permanent(format!("the message cannot be built: {e}")))?;

    let mut builder = SmtpTransport::builder_dangerous(settings.host.as_str())
        .port(settings.port)
        .timeout(Some(settings.timeout))
        .tls(tls(settings)?);
    if let Some(username) = &settings.username {
        builder = builder.credentials(Credentials::new(
            username.clone(),
            settings.password.clone().unwrap_or_default(),
        ));
    }
    builder
        .build()
        .send(&message)
        .map(|_| ())
        .map_err(|e| classify(&e))
}

/// The `lettre` TLS mode for the configured security.
fn tls(settings: &SmtpSettings) -> Result<Tls, SendError> {
    Ok(match settings.security {
        Security::None => Tls::None,
        Security::StartTls => Tls::Required(tls_parameters(settings)?),
        Security::Tls => Tls::Wrapper(tls_parameters(settings)?),
    })
}

/// rustls (ring) parameters trusting the bundled Mozilla roots plus the configured CA file.
fn tls_parameters(settings: &SmtpSettings) -> Result<TlsParameters, SendError> {
    let mut params = TlsParameters::builder(settings.host.clone())
        .certificate_store(CertificateStore::WebpkiRoots);
    if let Some(path) = &settings.ca_file {
        let pem = std::fs::read(path).map_err(|e| {
            SendError::Temporary(format!("cannot read CA file {}: {e}", path.display()))
        })?;
        let certificate = Certificate::from_pem(&pem).map_err(|e| {
            SendError::Temporary(format!("CA file {} is not PEM: {e}", path.display()))
        })?;
        params = params.add_root_certificate(certificate);
    }
    params
        .build_rustls()
        .map_err(|e| SendError::Temporary(format!("TLS setup failed: {e}")))
}

/// Splits `lettre` errors: only a 5xx reply is permanent.
fn classify(error: &lettre::transport::smtp::Error) -> SendError {
    if error.is_permanent() {
        SendError::Permanent(format!("the SMTP server refused the message: {error}"))
    } else if error.is_timeout() {
        SendError::Temporary(format!("the SMTP server did not answer in time: {error}"))
    } else {
        SendError::Temporary(format!("SMTP delivery failed: {error}"))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::{TcpListener, TcpStream};
    use std::thread::{self, JoinHandle};

    /// What the fake server saw.
    #[derive(Debug, Default)]
    struct Recorded {
        mail_from: Vec<String>,
        rcpt_to: Vec<String>,
        data: String,
    }

    /// A one-connection SMTP server on 127.0.0.1 answering `rcpt_reply` to `RCPT TO`.
    fn fake_server(rcpt_reply: &'static str) -> (u16, JoinHandle<Recorded>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            serve(stream, rcpt_reply)
        });
        (port, handle)
    }

    fn serve(stream: TcpStream, rcpt_reply: &str) -> Recorded {
        let mut writer = stream.try_clone().unwrap();
        let mut reader = BufReader::new(stream);
        let mut recorded = Recorded::default();
        writer.write_all(b"220 fake.test ESMTP\r\n").unwrap();
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            let command = line.trim_end().to_owned();
            let verb = command
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_uppercase();
            let reply = match verb.as_str() {
                "EHLO" | "HELO" => "250 fake.test\r\n".to_owned(),
                "MAIL" => {
                    recorded.mail_from.push(command);
                    "250 2.1.0 Ok\r\n".to_owned()
                }
                "RCPT" => {
                    recorded.rcpt_to.push(command);
                    format!("{rcpt_reply}\r\n")
                }
                "DATA" => {
                    writer
                        .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                        .unwrap();
                    loop {
                        let mut data_line = String::new();
                        if reader.read_line(&mut data_line).unwrap_or(0) == 0
                            || data_line == ".\r\n"
                        {
                            break;
                        }
                        recorded.data.push_str(&data_line);
                    }
                    "250 2.0.0 Ok: queued\r\n".to_owned()
                }
                "RSET" | "NOOP" => "250 2.0.0 Ok\r\n".to_owned(),
                "QUIT" => {
                    writer.write_all(b"221 2.0.0 Bye\r\n").unwrap();
                    break;
                }
                _ => "502 5.5.2 Command not recognized\r\n".to_owned(),
            };
            writer.write_all(reply.as_bytes()).unwrap();
        }
        recorded
    }

    fn settings(port: u16) -> SmtpSettings {
        SmtpSettings {
            host: "127.0.0.1".to_owned(),
            port,
            security: Security::None,
            username: None,
            password: None,
            from: "Өтініштер <otinish@akimat.test>".to_owned(),
            timeout: Duration::from_secs(5),
            ca_file: None,
        }
    }

    /// Tiny base64 decoder for the test's MIME parts.
    fn base64_decode(text: &str) -> Vec<u8> {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = Vec::new();
        let mut buffer = 0u32;
        let mut bits = 0;
        for c in text
            .bytes()
            .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        {
            let value = u32::try_from(ALPHABET.iter().position(|&a| a == c).unwrap()).unwrap();
            buffer = (buffer << 6) | value;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push(u8::try_from((buffer >> bits) & 0xff).unwrap());
            }
        }
        out
    }

    /// Splits the DATA into unfolded headers and the body.
    fn parse_message(data: &str) -> (Vec<(String, String)>, String) {
        let (head, body) = data.split_once("\r\n\r\n").unwrap();
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                headers.last_mut().unwrap().1.push_str(line);
            } else {
                let (name, value) = line.split_once(':').unwrap();
                headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
            }
        }
        (headers, body.to_owned())
    }

    /// Decodes a header made of RFC 2047 `=?utf-8?b?…?=` words (or plain ASCII).
    fn decode_words(value: &str) -> String {
        let mut out = String::new();
        for word in value.split_whitespace() {
            let lower = word.to_ascii_lowercase();
            if lower.starts_with("=?utf-8?b?") && lower.ends_with("?=") {
                let encoded = &word[10..word.len() - 2];
                out.push_str(&String::from_utf8(base64_decode(encoded)).unwrap());
            } else {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(word);
            }
        }
        out
    }

    #[test]
    fn sends_utf8_subject_and_body() {
        let (port, server) = fake_server("250 2.1.5 Ok");
        let subject = "Өтінішіңіз қабылданды №42 — Ваше обращение принято";
        let body =
            "Сәлеметсіз бе, Әлия!\nӨтінішіңіз тіркелді: ҚР-2024/0042.\nҮміт, ұлы, һ, і, ғ, ң.";
        send(&settings(port), "aliya@example.kz", subject, body).unwrap();
        let recorded = server.join().unwrap();

        assert_eq!(recorded.mail_from, ["MAIL FROM:<otinish@akimat.test>"]);
        assert_eq!(recorded.rcpt_to, ["RCPT TO:<aliya@example.kz>"]);
        let (headers, raw_body) = parse_message(&recorded.data);
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        assert_eq!(decode_words(&header("subject")), subject);
        assert_eq!(header("to"), "aliya@example.kz");
        assert!(header("content-type").starts_with("text/plain; charset=utf-8"));
        let decoded_body = match header("content-transfer-encoding").as_str() {
            "base64" => String::from_utf8(base64_decode(&raw_body)).unwrap(),
            "8bit" | "7bit" => raw_body,
            other => panic!("unexpected transfer encoding {other}"),
        };
        assert_eq!(decoded_body.replace("\r\n", "\n").trim_end(), body);
    }

    #[test]
    fn subject_newlines_cannot_inject_headers() {
        let (port, server) = fake_server("250 2.1.5 Ok");
        send(
            &settings(port),
            "a@example.kz",
            "Hello\r\nBcc: victim@example.kz",
            "x",
        )
        .unwrap();
        let recorded = server.join().unwrap();
        let (headers, _) = parse_message(&recorded.data);
        assert!(headers.iter().all(|(name, _)| name != "bcc"));
        assert_eq!(recorded.rcpt_to.len(), 1);
    }

    #[test]
    fn rejected_recipient_is_permanent() {
        let (port, server) = fake_server("550 5.1.1 <nobody@example.kz>: user unknown");
        let error = send(&settings(port), "nobody@example.kz", "Тест", "Мәтін").unwrap_err();
        assert!(error.is_permanent(), "{error:?}");
        assert!(error.reason().contains("550"), "{error}");
        server.join().unwrap();
    }

    #[test]
    fn greylisted_recipient_is_temporary() {
        let (port, server) = fake_server("451 4.7.1 greylisted, try again later");
        let error = send(&settings(port), "new@example.kz", "Тест", "Мәтін").unwrap_err();
        assert!(matches!(error, SendError::Temporary(_)), "{error:?}");
        server.join().unwrap();
    }

    #[test]
    fn invalid_recipient_is_permanent_without_connecting() {
        // Port 9 (discard) is never contacted: the address is refused first.
        for to in ["not an address", "", "a@b@c", "Ерлан"] {
            let error = send(&settings(9), to, "Тест", "Мәтін").unwrap_err();
            assert!(error.is_permanent(), "{to:?}: {error:?}");
        }
    }

    #[test]
    fn invalid_sender_is_temporary() {
        let mut settings = settings(9);
        settings.from = "otinish at akimat".to_owned();
        let error = send(&settings, "a@example.kz", "Тест", "Мәтін").unwrap_err();
        assert!(matches!(error, SendError::Temporary(_)), "{error:?}");
    }

    #[test]
    fn nothing_listening_is_temporary() {
        let port = {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let error = send(&settings(port), "a@example.kz", "Тест", "Мәтін").unwrap_err();
        assert!(matches!(error, SendError::Temporary(_)), "{error:?}");
    }

    #[test]
    fn silent_server_times_out_as_temporary() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let holder = thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            thread::sleep(Duration::from_secs(2));
            drop(stream);
        });
        let mut settings = settings(port);
        settings.timeout = Duration::from_millis(300);
        let started = std::time::Instant::now();
        let error = send(&settings, "a@example.kz", "Тест", "Мәтін").unwrap_err();
        assert!(matches!(error, SendError::Temporary(_)), "{error:?}");
        assert!(started.elapsed() < Duration::from_secs(2));
        holder.join().unwrap();
    }

    #[test]
    fn missing_ca_file_is_temporary() {
        let mut settings = settings(9);
        settings.security = Security::StartTls;
        settings.ca_file = Some(PathBuf::from("/nonexistent/otinish-ca.pem"));
        let error = send(&settings, "a@example.kz", "Тест", "Мәтін").unwrap_err();
        assert!(matches!(error, SendError::Temporary(_)), "{error:?}");
    }

    #[test]
    fn debug_hides_password() {
        let mut settings = settings(25);
        settings.password = Some("құпия-сөз".to_owned());
        let shown = format!("{settings:?}");
        assert!(!shown.contains("құпия"));
        assert!(shown.contains("***"));
    }
}
