//! The web door: HTTPS server, routing, sessions, forms and pages.
//!
//! `server` speaks HTTP (the only async code); everything else here is synchronous. A request
//! flows: [`handle`] → `session::visitor` → CSRF and Origin check for POST → `router::route`
//! → a handler (which calls `service`) → a view → security headers → log line.

pub mod assets;
pub mod error;
pub mod forms;
mod handlers;
pub mod multipart;
pub mod paths;
pub mod request;
pub mod response;
pub mod router;
pub mod security;
pub mod server;
pub mod session;
pub mod tls;
pub mod views;

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;

use assets::Assets;
use error::WebError;
use forms::Form;
use request::{Method, Request};
use response::Response;
use session::Visitor;
use views::layout::{Chrome, NavUser};

use crate::config::Config;
use crate::domain::lang::Lang;
use crate::i18n::Catalog;
use crate::service::Ctx;
use crate::service::appeals::Upload;
use crate::store::SettingsReads;

/// Everything the handlers share: the use-case context, texts, assets and limits.
#[derive(Debug)]
pub struct App {
    /// Store, clock and rules.
    pub ctx: Ctx,
    /// Interface texts.
    pub catalog: Catalog,
    /// Embedded static files.
    pub assets: Assets,
    /// Language for visitors without a choice.
    pub default_lang: Lang,
    /// Session cookie lifetime in seconds.
    pub session_secs: u64,
    /// Automatic daily backups (shown on the admin page).
    pub backups: crate::config::Backups,
    /// The e-mail and SMS gateways configured (the pages offer only what works).
    pub gateways: crate::service::gateway::Gateways,
}

impl App {
    /// The application over a context, configured by `config`.
    pub fn new(ctx: Ctx, config: &Config) -> Result<Self, String> {
        Ok(Self {
            ctx,
            catalog: Catalog::load()?,
            assets: Assets::new(),
            default_lang: config.default_language,
            session_secs: config.limits.session_lifetime.as_secs(),
            backups: config.backups.clone(),
            gateways: crate::service::gateway::Gateways::from_config(config),
        })
    }
}

/// One request being handled: the app, the request and its visitor.
pub struct Call<'a> {
    /// The application.
    pub app: &'a App,
    /// The request.
    pub req: &'a Request,
    /// Who asks.
    pub visitor: &'a Visitor,
    /// Cookies to set on the response.
    pub set_cookies: std::cell::RefCell<Vec<String>>,
}

impl Call<'_> {
    /// The page chrome for this visitor.
    pub fn chrome(&self) -> Chrome<'_> {
        let institution = self
            .app
            .ctx
            .store
            .read(|tx| tx.institution())
            .map(|i| i.names.get(self.visitor.lang).to_owned())
            .unwrap_or_default();
        Chrome {
            tr: self.app.catalog.tr(self.visitor.lang),
            csrf: self.visitor.csrf.clone(),
            path: self.req.path.clone(),
            assets: &self.app.assets,
            scope: "",
            institution,
            user: self.visitor.user().map(|u| NavUser {
                name: u.full_name.as_str().to_owned(),
                applicant: u.is_applicant(),
                roles: u.roles(),
            }),
            tz: self.app.ctx.rules.time_zone.clone(),
            unread: self
                .visitor
                .user()
                .and_then(|u| crate::service::notices::unread(&self.app.ctx, u).ok())
                .unwrap_or(0),
        }
    }

    /// The client's address and User-Agent, as sessions and the audit trail record them.
    pub fn client(&self) -> (String, String) {
        (
            self.req.peer.ip().to_string(),
            self.req.header("user-agent").unwrap_or_default().to_owned(),
        )
    }

    /// The query string as a form.
    pub fn query(&self) -> Form {
        Form::parse(self.req.query.as_bytes())
    }

    /// The body as a URL-encoded form.
    pub fn form(&self) -> Form {
        Form::parse(&self.req.body)
    }

    /// The body as a multipart form with files. A text field over the size limit comes cut to
    /// it and named in [`Form::size_errors`]: refuse the form before acting on it.
    pub fn multipart(&self) -> Result<(Form, Vec<Upload>), WebError> {
        let content_type = self.req.header("content-type").unwrap_or_default();
        let (form, files) =
            multipart::parse(content_type, &self.req.body).map_err(|_| WebError::BadRequest)?;
        let uploads = files
            .into_iter()
            .filter(|f| f.field == "files")
            .map(|f| Upload {
                file_name: f.file_name,
                bytes: f.bytes,
            })
            .collect();
        Ok((form, uploads))
    }

    /// Queues a cookie for the response.
    pub fn set_cookie(&self, value: String) {
        self.set_cookies.borrow_mut().push(value);
    }
}

/// Handles one request completely: never panics on input, always returns a response.
pub fn handle(app: &App, req: &Request) -> Response {
    let started = Instant::now();
    let visitor = match session::visitor(app, req) {
        Ok(v) => v,
        Err(err) => {
            log::error!("request {}: reading the session: {err:?}", req.id);
            Visitor {
                lang: app.default_lang,
                signed_in: None,
                token: None,
                csrf: String::new(),
                new_csrf_cookie: false,
            }
        }
    };
    let call = Call {
        app,
        req,
        visitor: &visitor,
        set_cookies: std::cell::RefCell::new(Vec::new()),
    };
    let result = if req.method == Method::Post && !post_allowed(&call) {
        Err(WebError::Csrf)
    } else {
        router::route(&call)
    };
    let mut response = result.unwrap_or_else(|err| error::render(&call, &err));
    if visitor.new_csrf_cookie {
        response.headers.push((
            "set-cookie",
            session::cookie(session::CSRF_COOKIE, &visitor.csrf, 86_400),
        ));
    }
    for cookie in call.set_cookies.take() {
        response.headers.push(("set-cookie", cookie));
    }
    let response = security::harden(response);
    log::info!(
        "{} {:?} {} {} {}µs",
        req.id,
        req.method,
        req.path,
        response.status,
        started.elapsed().as_micros()
    );
    response
}

/// CSRF token (from the form body) and Origin must both match for a POST.
fn post_allowed(call: &Call) -> bool {
    if !security::same_origin(call.req) {
        return false;
    }
    let content_type = call.req.header("content-type").unwrap_or_default();
    let sent = if content_type.starts_with("multipart/form-data") {
        multipart::parse(content_type, &call.req.body)
            .map(|(form, _)| form.string("csrf"))
            .unwrap_or_default()
    } else {
        call.form().string("csrf")
    };
    session::csrf_ok(call.visitor, &sent)
}

/// Starts serving `app` on `listener`.
pub fn start(
    app: Arc<App>,
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    limits: server::Limits,
) -> std::io::Result<server::ServerHandle> {
    let handler: server::Handler = Arc::new(move |req: Request| handle(&app, &req));
    server::start(listener, tls, limits, handler)
}

/// Server limits from the configuration.
pub fn limits(config: &Config) -> server::Limits {
    server::Limits {
        max_connections: config.limits.max_connections,
        header_read_timeout: config.limits.header_read_timeout,
        body_read_timeout: config.limits.body_read_timeout,
        max_body_bytes: config.limits.max_body_bytes(),
        ..server::Limits::default()
    }
}
