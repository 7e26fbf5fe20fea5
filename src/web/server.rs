//! The HTTPS server: the only async code in the product.
//!
//! Owns the tokio runtime, the accept loop, TLS handshakes, hyper's HTTP/1.1 connections, the
//! request limits (connection count overall and per address, header and body time and size,
//! body bytes in memory overall), graceful shutdown and the stop signals. It turns each hyper
//! request into our complete, bounded [`Request`], runs the synchronous [`Application`] on the
//! blocking pool and writes our [`Response`] back.
//!
//! A body is read only after the application has seen the head and named the largest body it
//! takes ([`Application::body_limit`]) and the bytes have room in the in-flight budget: a body
//! over its limit gets 413 without being read (declared length) or as soon as the count passes
//! the limit (chunked). After such an early answer the rest of the body is read and thrown
//! away for a while (at most 256 MiB, for at most 10 s) before the connection closes, so that a
//! client still sending gets the answer rather than a TCP reset that loses it.
//!
//! It must not route, render pages or touch the store, and hyper, hyper-util, tokio,
//! tokio-rustls and http-body-util must not appear anywhere else in the crate. Nothing a client
//! sends may panic here; a handler's panic costs one request a 500.

use std::any::Any;
use std::collections::HashMap;
use std::convert::Infallible;
use std::future::{Future, poll_fn};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt as _, Full};
use hyper::StatusCode;
use hyper::body::{Body as _, Bytes, Incoming};
use hyper::header::{CONTENT_LENGTH, HeaderMap, HeaderName, HeaderValue, TRANSFER_ENCODING};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};

use super::request::{Method, Request};
use super::response::Response;

/// How long the accept loop pauses after an accept error (EMFILE must not spin or stop it).
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(50);
/// How long a new connection waits for a free slot before it is dropped.
const CONNECTION_SLOT_WAIT: Duration = Duration::from_millis(100);
/// hyper refuses a read buffer smaller than this.
const HYPER_MIN_BUF_SIZE: usize = 8192;
/// Time the runtime gets to drop its tasks once the grace period is over.
const RUNTIME_STOP_FLOOR: Duration = Duration::from_millis(100);
/// The in-flight body budget counts whole KiB (tokio's semaphore counts permits in `u32`).
const BUDGET_UNIT: usize = 1024;
/// Bodies up to this size skip the in-flight budget, so that a sign-in is never kept waiting
/// behind uploads: the connection cap already bounds them (256 × 64 KiB = 16 MiB).
const UNBUDGETED_BODY: usize = 64 * 1024;
/// At most this many bytes of a refused body are read and thrown away after the answer.
const LINGER_BYTES: u64 = 256 * 1024 * 1024;
/// For at most this long; then the connection closes whatever is still coming.
const LINGER_TIME: Duration = Duration::from_secs(10);
/// Timeouts before its headers that halve an address's share of connections.
const STRIKES_PER_HALVING: u32 = 8;
/// An address's share never falls below its limit divided by this (an office behind one NAT
/// address, with browsers that pre-open connections they never use, keeps working).
const SMALLEST_SHARE_DIVISOR: usize = 4;
/// An address that has not timed out for this long has its strikes forgotten.
const STRIKE_MEMORY: Duration = Duration::from_secs(60);
/// Past this many addresses, a closing connection sweeps out the ones with nothing to remember.
const ADDRESS_BOOK_SWEEP: usize = 4096;

/// Everything that bounds what one client can make the server hold or wait for.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Connections served at once; more wait briefly for a slot, then are dropped.
    pub max_connections: usize,
    /// Connections from one IP address at once; more are dropped at once. An address whose
    /// connections time out before their headers arrive gets a smaller share for a while.
    pub max_connections_per_address: usize,
    /// Request body bytes held at once over all connections; a body without room waits up to
    /// `body_budget_wait`, then gets 503.
    pub max_body_in_flight_bytes: usize,
    /// How long a body waits for room in the in-flight budget.
    pub body_budget_wait: Duration,
    /// Time for the TLS handshake and for each request's headers; also the keep-alive idle limit.
    pub header_read_timeout: Duration,
    /// Time to receive a request's whole body.
    pub body_read_timeout: Duration,
    /// Largest request body on any route (the application names smaller ones per request);
    /// larger ones get 413.
    pub max_body_bytes: usize,
    /// Read buffer bound for the request line and headers (at least 8192, hyper's minimum).
    pub max_header_bytes: usize,
    /// Async worker threads (the handlers run on the blocking pool, not here).
    pub worker_threads: usize,
    /// Threads that run handlers at once.
    pub blocking_threads: usize,
    /// How long `shutdown` lets requests in flight finish.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 256,
            max_connections_per_address: 32,
            max_body_in_flight_bytes: 256 * 1024 * 1024,
            body_budget_wait: Duration::from_secs(5),
            header_read_timeout: Duration::from_secs(15),
            body_read_timeout: Duration::from_secs(60),
            max_body_bytes: 110 * 1024 * 1024,
            max_header_bytes: 16 * 1024,
            worker_threads: 2,
            blocking_threads: 4,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// The application the server runs: synchronous functions, called on the blocking pool.
pub trait Application: Send + Sync + 'static {
    /// From the request's head alone (its `body` is still empty): the largest body it may
    /// send, or the answer to give at once, without reading the body. Called only for
    /// requests that carry a body.
    fn body_limit(&self, head: &Request) -> Result<usize, Response>;

    /// The answer to a request whose body is not read (the connection then closes).
    fn refuse(&self, head: &Request, why: BodyRefusal) -> Response;

    /// Answers a complete request.
    fn handle(&self, request: Request) -> Response;
}

/// Why a request's body is not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyRefusal {
    /// The body is (or grew) larger than `limit` bytes: 413.
    TooLarge {
        /// The limit for this request.
        limit: usize,
    },
    /// The in-flight body budget had no room within `body_budget_wait`: 503.
    Busy,
}

/// What every connection task shares.
struct Shared {
    app: Arc<dyn Application>,
    limits: Limits,
    next_id: AtomicU64,
    /// Room for request bodies, in [`BUDGET_UNIT`]s.
    body_budget: Arc<Semaphore>,
    /// Units in `body_budget` when nothing is in flight.
    body_budget_units: u32,
    addresses: Mutex<AddressBook>,
}

/// A running server; stop it with [`ServerHandle::shutdown`] (dropping it does the same).
pub struct ServerHandle {
    addr: SocketAddr,
    /// `None` once stopped.
    runtime: Option<tokio::runtime::Runtime>,
    /// `true` asks the accept loop and every connection to stop; each holds a receiver, so
    /// `closed()` tells when all of them are gone.
    stop: watch::Sender<bool>,
    accept_task: Option<tokio::task::JoinHandle<()>>,
    grace: Duration,
}

/// Starts serving on a listener the caller already bound (it may be port 0). Returns once the
/// socket accepts; the caller does not need to be async.
pub fn start(
    listener: std::net::TcpListener,
    tls: Arc<rustls::ServerConfig>,
    limits: Limits,
    app: Arc<dyn Application>,
) -> io::Result<ServerHandle> {
    let addr = listener.local_addr()?;
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(limits.worker_threads.max(1))
        .max_blocking_threads(limits.blocking_threads.max(1))
        .thread_name("otinish-web")
        .enable_io()
        .enable_time()
        .build()?;
    let listener = {
        let _context = runtime.enter();
        tokio::net::TcpListener::from_std(listener)?
    };
    let (stop, stop_rx) = watch::channel(false);
    let grace = limits.shutdown_grace;
    let body_budget_units = u32::try_from(
        limits
            .max_body_in_flight_bytes
            .div_ceil(BUDGET_UNIT)
            .clamp(1, Semaphore::MAX_PERMITS),
    )
    .unwrap_or(u32::MAX);
    let shared = Arc::new(Shared {
        app,
        addresses: Mutex::new(AddressBook::new(limits.max_connections_per_address)),
        limits,
        next_id: AtomicU64::new(1),
        body_budget: Arc::new(Semaphore::new(body_budget_units as usize)),
        body_budget_units,
    });
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    let accept_task = runtime.spawn(accept_loop(listener, acceptor, shared, stop_rx));
    Ok(ServerHandle {
        addr,
        runtime: Some(runtime),
        stop,
        accept_task: Some(accept_task),
        grace,
    })
}

impl ServerHandle {
    /// The address the server listens on (with the real port when bound to port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stop accepting, let requests in flight finish (up to `shutdown_grace`), then return.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    /// Block until SIGTERM or Ctrl-C (SIGINT), then [`shutdown`](Self::shutdown).
    pub fn run_until_signal(self) {
        if let Some(runtime) = &self.runtime {
            runtime.block_on(termination_signal());
        }
        self.shutdown();
    }

    fn stop_now(&mut self) {
        let Some(runtime) = self.runtime.take() else {
            return;
        };
        let deadline = Instant::now() + self.grace;
        self.stop.send_replace(true);
        let accept_task = self.accept_task.take();
        let stop = &self.stop;
        let drained = runtime.block_on(async {
            let everything_closed = async {
                if let Some(task) = accept_task {
                    // Resolves only after the accept loop, and with it the listener, is dropped.
                    if let Err(error) = task.await {
                        log::error!("the accept loop failed: {error}");
                    }
                }
                stop.closed().await;
            };
            tokio::time::timeout_at(deadline.into(), everything_closed)
                .await
                .is_ok()
        });
        if drained {
            log::info!("server stopped");
        } else {
            log::warn!(
                "shutdown grace of {:?} is over; dropping the connections still open",
                self.grace
            );
        }
        runtime.shutdown_timeout(
            deadline
                .saturating_duration_since(Instant::now())
                .max(RUNTIME_STOP_FLOOR),
        );
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.stop_now();
    }
}

impl std::fmt::Debug for ServerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerHandle")
            .field("addr", &self.addr)
            .field("running", &self.runtime.is_some())
            .finish_non_exhaustive()
    }
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    let max_connections = shared
        .limits
        .max_connections
        .clamp(1, Semaphore::MAX_PERMITS);
    let slots = Arc::new(Semaphore::new(max_connections));
    loop {
        let accepted = match race(listener.accept(), stop_requested(&mut stop)).await {
            Either::Left(accepted) => accepted,
            Either::Right(()) => break,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(error) => {
                // EMFILE and friends: never give up, never spin.
                log::warn!("accept failed: {error}");
                tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
                continue;
            }
        };
        let Some(ticket) = AddressTicket::take(&shared, peer.ip(), Instant::now()) else {
            log::debug!("{peer}: its address holds its share of connections; dropped");
            continue;
        };
        let slot =
            tokio::time::timeout(CONNECTION_SLOT_WAIT, Arc::clone(&slots).acquire_owned()).await;
        let Ok(Ok(slot)) = slot else {
            log::warn!("{max_connections} connections open; dropping the one from {peer}");
            continue;
        };
        if let Err(error) = stream.set_nodelay(true) {
            log::debug!("TCP_NODELAY for {peer}: {error}");
        }
        tokio::spawn(serve_connection(
            stream,
            peer,
            (slot, ticket),
            acceptor.clone(),
            Arc::clone(&shared),
            stop.clone(),
        ));
    }
    log::debug!("stopped accepting connections");
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    (_slot, ticket): (OwnedSemaphorePermit, AddressTicket),
    acceptor: tokio_rustls::TlsAcceptor,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    let limits = &shared.limits;
    let handshake = tokio::time::timeout(limits.header_read_timeout, acceptor.accept(stream));
    let tls_stream = match race(handshake, stop_requested(&mut stop)).await {
        Either::Left(Ok(Ok(tls_stream))) => tls_stream,
        Either::Left(Ok(Err(error))) => {
            log::debug!("TLS handshake with {peer} failed: {error}");
            return;
        }
        Either::Left(Err(_elapsed)) => {
            log::debug!("TLS handshake with {peer} timed out");
            ticket.strike(Instant::now());
            return;
        }
        Either::Right(()) => return,
    };

    let service_shared = Arc::clone(&shared);
    let answered = Arc::new(AtomicU64::new(0));
    let answered_by_service = Arc::clone(&answered);
    let service = hyper::service::service_fn(move |request| {
        answered_by_service.fetch_add(1, Ordering::Relaxed);
        respond(request, peer, Arc::clone(&service_shared))
    });
    let connection = hyper::server::conn::http1::Builder::new()
        // Without a timer hyper silently ignores header_read_timeout.
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true)
        .max_buf_size(limits.max_header_bytes.max(HYPER_MIN_BUF_SIZE))
        .serve_connection(TokioIo::new(tls_stream), service);
    let mut connection = pin!(connection);
    let result = match race(connection.as_mut(), stop_requested(&mut stop)).await {
        Either::Left(result) => result,
        Either::Right(()) => {
            // Finishes the request in flight, if any, then closes.
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(error) = result {
        // A keep-alive connection that idles out after its requests is a browser's habit;
        // one that never finished a request head is what a slow-header attack looks like.
        if error.is_timeout() && answered.load(Ordering::Relaxed) == 0 {
            ticket.strike(Instant::now());
        }
        log::debug!("connection from {peer} ended: {error}");
    }
}

/// One request: limits first, then the handler on the blocking pool.
async fn respond(
    request: hyper::Request<Incoming>,
    peer: SocketAddr,
    shared: Arc<Shared>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let started = Instant::now();
    let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
    let is_head = request.method() == hyper::Method::HEAD;
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = match read_request(request, peer, id, &shared).await {
        Ok((request, budget)) => {
            let response = run_blocking(id, &shared.app, move |app| app.handle(request))
                .await
                .unwrap_or_else(|| internal_error(id));
            // The body's room in the budget frees once the handler has dropped the body.
            drop(budget);
            response
        }
        Err(refusal) => refusal,
    };
    log::info!(
        "{id} {peer} {method} {path} {} {} ms",
        response.status,
        started.elapsed().as_millis()
    );
    Ok(into_hyper(response, is_head, id))
}

/// Reads the body within this request's limit and the in-flight budget and builds our
/// request, with the budget's hold on its bytes; `Err` is the answer to send instead of
/// calling the handler.
async fn read_request(
    request: hyper::Request<Incoming>,
    peer: SocketAddr,
    id: u64,
    shared: &Shared,
) -> Result<(Request, Option<OwnedSemaphorePermit>), Response> {
    let (parts, mut body) = request.into_parts();
    let path = parts.uri.path();
    if !path.starts_with('/') {
        // `*` (OPTIONS) and authority-form (CONNECT) targets: nothing here serves them.
        return Err(refusal(400, "Bad request target."));
    }
    let declared = declared_length(&parts.headers);
    let headers = parts
        .headers
        .iter()
        .filter_map(|(name, value)| {
            let value = std::str::from_utf8(value.as_bytes()).ok()?;
            Some((name.as_str().to_owned(), value.to_owned()))
        })
        .collect();
    let mut head = Request {
        method: Method::from_name(parts.method.as_str()),
        path: path.to_owned(),
        query: parts.uri.query().unwrap_or("").to_owned(),
        headers,
        body: Vec::new(),
        peer,
        id,
    };
    if body.is_end_stream() {
        return Ok((head, None));
    }

    let limits = &shared.limits;
    let (head_back, limit) = run_blocking(id, &shared.app, move |app| {
        let limit = app.body_limit(&head);
        (head, limit)
    })
    .await
    .ok_or_else(|| closing(internal_error(id)))?;
    head = head_back;
    let limit = match limit {
        Ok(limit) => limit.min(limits.max_body_bytes),
        Err(answer) => {
            linger(body);
            return Err(closing(answer));
        }
    };
    let too_large = BodyRefusal::TooLarge { limit };
    if declared.is_some_and(|len| len > u64::try_from(limit).unwrap_or(u64::MAX)) {
        linger(body);
        return Err(refuse(shared, head, too_large).await);
    }

    // Room for the declared size (or, for a chunked body, for the most it may send).
    let reserve = declared
        .and_then(|len| usize::try_from(len).ok())
        .unwrap_or(limit);
    let budget = if reserve <= UNBUDGETED_BODY {
        None
    } else {
        let units = u32::try_from(reserve.div_ceil(BUDGET_UNIT))
            .unwrap_or(u32::MAX)
            .clamp(1, shared.body_budget_units);
        let budget = tokio::time::timeout(
            limits.body_budget_wait,
            Arc::clone(&shared.body_budget).acquire_many_owned(units),
        )
        .await;
        let Ok(Ok(budget)) = budget else {
            log::warn!("request {id}: no room for {reserve} body bytes in flight; 503");
            linger(body);
            return Err(refuse(shared, head, BodyRefusal::Busy).await);
        };
        Some(budget)
    };

    let read = tokio::time::timeout(
        limits.body_read_timeout,
        collect_body(&mut body, declared, limit),
    );
    match read.await {
        Ok(Ok(bytes)) => {
            head.body = bytes;
            Ok((head, budget))
        }
        Ok(Err(BodyError::TooLarge)) => {
            drop(budget);
            linger(body);
            Err(refuse(shared, head, too_large).await)
        }
        Ok(Err(BodyError::Broken(error))) => {
            log::debug!("request {id}: reading the body from {peer} failed: {error}");
            Err(refusal(400, "The request body could not be read."))
        }
        Err(_elapsed) => Err(refusal(408, "The request body took too long to arrive.")),
    }
}

enum BodyError {
    TooLarge,
    Broken(hyper::Error),
}

/// Reads the body into one buffer, stopping as soon as it passes `limit`.
async fn collect_body(
    body: &mut Incoming,
    declared: Option<u64>,
    limit: usize,
) -> Result<Vec<u8>, BodyError> {
    // The declared length is at most `limit` here, and its room is reserved.
    let expected = declared
        .and_then(|len| usize::try_from(len).ok())
        .unwrap_or(0)
        .min(limit);
    let mut bytes = Vec::with_capacity(expected);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(BodyError::Broken)?;
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > limit {
                return Err(BodyError::TooLarge);
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(bytes)
}

/// Reads what is left of a refused body and throws it away, within [`LINGER_BYTES`] and
/// [`LINGER_TIME`], while hyper writes the early answer. Dropping the body instead makes hyper
/// close the connection with bytes unread, and the kernel then answers the client with a reset
/// that can overtake the answer (a browser shows "connection reset" instead of the 413 page).
fn linger(mut body: Incoming) {
    tokio::spawn(async move {
        let mut thrown_away = 0u64;
        let drain = async {
            while let Some(Ok(frame)) = body.frame().await {
                if let Ok(data) = frame.into_data() {
                    thrown_away += data.len() as u64;
                    if thrown_away > LINGER_BYTES {
                        break;
                    }
                }
            }
        };
        let _ = tokio::time::timeout(LINGER_TIME, drain).await;
    });
}

/// The application's answer to a body it will not get; the connection closes after it.
async fn refuse(shared: &Shared, head: Request, why: BodyRefusal) -> Response {
    let id = head.id;
    let answer = run_blocking(id, &shared.app, move |app| app.refuse(&head, why))
        .await
        .unwrap_or_else(|| match why {
            BodyRefusal::TooLarge { limit } => refusal(
                413,
                &format!("The request body is larger than the limit of {limit} bytes."),
            ),
            BodyRefusal::Busy => refusal(503, "The server is busy; try again shortly."),
        });
    closing(answer)
}

/// The declared Content-Length (hyper has already rejected malformed and conflicting ones).
fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// An answer given before the handler; the connection closes since the body may be unread.
fn refusal(status: u16, text: &str) -> Response {
    closing(Response::text(status, text))
}

fn closing(response: Response) -> Response {
    response.with_header("connection", "close")
}

/// Runs `job` on the blocking pool; `None` when it panicked (logged with the request id).
async fn run_blocking<T: Send + 'static>(
    id: u64,
    app: &Arc<dyn Application>,
    job: impl FnOnce(&dyn Application) -> T + Send + 'static,
) -> Option<T> {
    let app = Arc::clone(app);
    match tokio::task::spawn_blocking(move || job(app.as_ref())).await {
        Ok(outcome) => Some(outcome),
        Err(error) => {
            let cause = if error.is_panic() {
                panic_message(error.into_panic().as_ref())
            } else {
                "the task was cancelled".to_owned()
            };
            log::error!("request {id}: the handler panicked: {cause}");
            None
        }
    }
}

/// What a request gets when the application panicked on it.
fn internal_error(id: u64) -> Response {
    Response::text(
        500,
        &format!("Internal server error (request {id}). The error has been logged."),
    )
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a non-text panic payload".to_owned()
    }
}

/// Our response to hyper's. Framing headers are the server's job, so the handler's
/// Content-Length and Transfer-Encoding are ignored; headers hyper would reject (say, a value
/// with a line break) are dropped and logged rather than sent.
fn into_hyper(response: Response, is_head: bool, id: u64) -> hyper::Response<Full<Bytes>> {
    let status = StatusCode::from_u16(response.status)
        .ok()
        .filter(|status| !status.is_informational())
        .unwrap_or_else(|| {
            log::error!(
                "request {id}: the handler answered status {}; sending 500",
                response.status
            );
            StatusCode::INTERNAL_SERVER_ERROR
        });
    let mut out = hyper::Response::new(Full::new(Bytes::new()));
    *out.status_mut() = status;
    let headers = out.headers_mut();
    for (name, value) in response.headers {
        let Ok(header_name) = HeaderName::from_bytes(name.as_bytes()) else {
            log::error!("request {id}: dropping response header with invalid name {name:?}");
            continue;
        };
        if header_name == CONTENT_LENGTH || header_name == TRANSFER_ENCODING {
            continue;
        }
        if let Ok(header_value) = HeaderValue::try_from(value) {
            headers.append(header_name, header_value);
        } else {
            log::error!("request {id}: dropping response header {name} with an invalid value");
        }
    }
    if is_head {
        if status != StatusCode::NO_CONTENT {
            headers.insert(CONTENT_LENGTH, HeaderValue::from(response.body.len()));
        }
    } else {
        *out.body_mut() = Full::new(Bytes::from(response.body));
    }
    out
}

/// Resolves when the server is asked to stop (or its handle is gone).
async fn stop_requested(stop: &mut watch::Receiver<bool>) {
    // An error means the sender is gone, which is a stop too.
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Resolves on Ctrl-C (SIGINT) or, on unix, SIGTERM.
async fn termination_signal() {
    match race(interrupt(), terminate()).await {
        Either::Left(()) => log::info!("interrupt received; shutting down"),
        Either::Right(()) => log::info!("SIGTERM received; shutting down"),
    }
}

async fn interrupt() {
    if let Err(error) = tokio::signal::ctrl_c().await {
        log::error!("cannot listen for Ctrl-C: {error}");
        std::future::pending::<()>().await;
    }
}

#[cfg(unix)]
async fn terminate() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut terminate) => {
            terminate.recv().await;
        }
        Err(error) => {
            log::error!("cannot listen for SIGTERM: {error}");
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(not(unix))]
async fn terminate() {
    std::future::pending::<()>().await;
}

/// Connections open per client address, and how often each address's connections timed out
/// before their headers arrived. Pure bookkeeping: time is a parameter.
#[derive(Debug)]
struct AddressBook {
    /// Connections one address may hold when it has no strikes.
    limit: usize,
    entries: HashMap<IpAddr, AddressEntry>,
}

#[derive(Debug, Clone, Copy)]
struct AddressEntry {
    open: usize,
    /// Header or handshake timeouts since the address was last quiet for [`STRIKE_MEMORY`].
    strikes: u32,
    last_strike: Instant,
}

impl AddressBook {
    fn new(limit: usize) -> Self {
        Self {
            limit: limit.max(1),
            entries: HashMap::new(),
        }
    }

    /// How many connections `entry`'s address may hold now: the limit, halved for every
    /// [`STRIKES_PER_HALVING`] recent timeouts, never below a quarter of it (nor below one).
    fn share(&self, entry: &AddressEntry, now: Instant) -> usize {
        let strikes = if now.saturating_duration_since(entry.last_strike) >= STRIKE_MEMORY {
            0
        } else {
            entry.strikes
        };
        let halvings = (strikes / STRIKES_PER_HALVING).min(usize::BITS - 1);
        let floor = (self.limit / SMALLEST_SHARE_DIVISOR).max(1);
        (self.limit >> halvings).max(floor)
    }

    /// Counts a new connection from `ip`, or `false` when the address holds its share.
    fn open(&mut self, ip: IpAddr, now: Instant) -> bool {
        let entry = self.entries.get(&ip).copied().unwrap_or(AddressEntry {
            open: 0,
            strikes: 0,
            last_strike: now,
        });
        if entry.open >= self.share(&entry, now) {
            return false;
        }
        self.entries.insert(
            ip,
            AddressEntry {
                open: entry.open + 1,
                ..entry
            },
        );
        true
    }

    /// A connection from `ip` closed.
    fn close(&mut self, ip: IpAddr, now: Instant) {
        if let Some(entry) = self.entries.get_mut(&ip) {
            entry.open = entry.open.saturating_sub(1);
            if entry.open == 0 && !Self::remembered(entry, now) {
                self.entries.remove(&ip);
            }
        }
        if self.entries.len() > ADDRESS_BOOK_SWEEP {
            self.forget_quiet(now);
        }
    }

    fn remembered(entry: &AddressEntry, now: Instant) -> bool {
        entry.strikes > 0 && now.saturating_duration_since(entry.last_strike) < STRIKE_MEMORY
    }

    /// A connection from `ip` timed out before a request head arrived.
    fn strike(&mut self, ip: IpAddr, now: Instant) {
        if let Some(entry) = self.entries.get_mut(&ip) {
            if now.saturating_duration_since(entry.last_strike) >= STRIKE_MEMORY {
                entry.strikes = 0;
            }
            // Enough to reach the smallest share; more would only take longer to forget.
            entry.strikes = (entry.strikes + 1).min(STRIKES_PER_HALVING * 8);
            entry.last_strike = now;
        }
    }

    /// Drops addresses with no connection and no strike to remember, so the book holds at
    /// most the open connections' addresses plus those that timed out within a minute.
    fn forget_quiet(&mut self, now: Instant) {
        self.entries
            .retain(|_, entry| entry.open > 0 || Self::remembered(entry, now));
    }
}

/// One connection's place in the [`AddressBook`], given back when it is dropped.
struct AddressTicket {
    shared: Arc<Shared>,
    ip: IpAddr,
}

impl AddressTicket {
    fn take(shared: &Arc<Shared>, ip: IpAddr, now: Instant) -> Option<Self> {
        let opened = shared
            .addresses
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .open(ip, now);
        opened.then(|| Self {
            shared: Arc::clone(shared),
            ip,
        })
    }

    fn strike(&self, now: Instant) {
        self.shared
            .addresses
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .strike(self.ip, now);
    }
}

impl Drop for AddressTicket {
    fn drop(&mut self) {
        self.shared
            .addresses
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .close(self.ip, Instant::now());
    }
}

enum Either<L, R> {
    Left(L),
    Right(R),
}

/// Polls both futures until one finishes (the first wins a tie) and drops the other.
/// tokio's `select!` needs the macros feature, which nothing else would use.
async fn race<L, R>(
    first: impl Future<Output = L>,
    second: impl Future<Output = R>,
) -> Either<L, R> {
    let mut first = pin!(first);
    let mut second = pin!(second);
    poll_fn(move |cx| {
        if let Poll::Ready(value) = first.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(value));
        }
        if let Poll::Ready(value) = second.as_mut().poll(cx) {
            return Poll::Ready(Either::Right(value));
        }
        Poll::Pending
    })
    .await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::io::{ErrorKind, Read, Write as _};
    use std::net::{Ipv4Addr, TcpStream};
    use std::sync::atomic::AtomicUsize;
    use std::sync::{Mutex, mpsc};

    use rustls::pki_types::ServerName;
    use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject as _;

    use super::*;
    use crate::web::tls::{self, TlsMaterial};

    /// Far longer than anything should take, so that a loaded machine does not fail a test.
    const PATIENCE: Duration = Duration::from_secs(20);

    struct TestServer {
        handle: ServerHandle,
        material: TlsMaterial,
    }

    /// A plain function as the application: every body may be as large as the server allows.
    struct PlainHandler<F>(F);

    impl<F: Fn(Request) -> Response + Send + Sync + 'static> Application for PlainHandler<F> {
        fn body_limit(&self, _head: &Request) -> Result<usize, Response> {
            Ok(usize::MAX)
        }

        fn refuse(&self, _head: &Request, why: BodyRefusal) -> Response {
            match why {
                BodyRefusal::TooLarge { limit } => Response::text(413, &format!("over {limit}")),
                BodyRefusal::Busy => Response::text(503, "busy"),
            }
        }

        fn handle(&self, request: Request) -> Response {
            (self.0)(request)
        }
    }

    impl TestServer {
        fn start(
            limits: Limits,
            handler: impl Fn(Request) -> Response + Send + Sync + 'static,
        ) -> Self {
            let material = tls::generate_self_signed(&[]).unwrap();
            let config = tls::server_config(&material).unwrap();
            let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
            let handle = start(listener, config, limits, Arc::new(PlainHandler(handler))).unwrap();
            Self { handle, material }
        }

        fn url(&self, path: &str) -> String {
            format!("https://{}{path}", self.handle.addr())
        }

        /// A ureq agent that trusts only this server's certificate.
        fn agent(&self) -> ureq::Agent {
            let cert = ureq::tls::Certificate::from_pem(self.material.cert_pem.as_bytes()).unwrap();
            let tls = ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::Specific(Arc::new(vec![cert])))
                .build();
            ureq::Agent::config_builder()
                .tls_config(tls)
                .http_status_as_error(false)
                .timeout_global(Some(PATIENCE))
                .build()
                .into()
        }

        fn get(&self, path: &str) -> Result<(u16, String), ureq::Error> {
            get_with(&self.agent(), &self.url(path))
        }

        /// A TLS connection with the handshake done, for byte-level requests.
        fn raw(&self) -> StreamOwned<ClientConnection, TcpStream> {
            let mut roots = RootCertStore::empty();
            roots
                .add(CertificateDer::from_pem_slice(self.material.cert_pem.as_bytes()).unwrap())
                .unwrap();
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_root_certificates(roots)
                .with_no_client_auth();
            let name = ServerName::try_from("127.0.0.1").unwrap();
            let conn = ClientConnection::new(Arc::new(config), name).unwrap();
            let mut stream = StreamOwned::new(conn, self.tcp());
            while stream.conn.is_handshaking() {
                stream.conn.complete_io(&mut stream.sock).unwrap();
            }
            stream
        }

        /// A plain TCP connection that never starts TLS.
        fn tcp(&self) -> TcpStream {
            let sock = TcpStream::connect(self.handle.addr()).unwrap();
            sock.set_read_timeout(Some(PATIENCE)).unwrap();
            sock
        }

        /// Sends `request` on a fresh connection and returns what the server wrote before
        /// closing it.
        fn exchange(&self, request: &[u8]) -> String {
            let mut stream = self.raw();
            stream.write_all(request).unwrap();
            stream.flush().unwrap();
            read_until_closed(&mut stream).unwrap()
        }
    }

    fn get_with(agent: &ureq::Agent, url: &str) -> Result<(u16, String), ureq::Error> {
        let mut response = agent.get(url).call()?;
        let body = response.body_mut().read_to_string()?;
        Ok((response.status().as_u16(), body))
    }

    /// Everything read until the peer closes; `Err` if it is still open after `PATIENCE`.
    fn read_until_closed(stream: &mut impl Read) -> Result<String, String> {
        let mut received = Vec::new();
        let mut buf = [0_u8; 4096];
        loop {
            match stream.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
                Err(error)
                    if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
                {
                    return Err(format!("still open after {PATIENCE:?}"));
                }
                // Reset, or closed without close_notify: closed all the same.
                Err(_) => break,
            }
        }
        Ok(String::from_utf8_lossy(&received).into_owned())
    }

    fn test_limits() -> Limits {
        Limits {
            max_body_bytes: 1024,
            shutdown_grace: PATIENCE,
            ..Limits::default()
        }
    }

    /// A handler that counts its calls and answers 200 "ok".
    fn counting_handler() -> (Arc<AtomicUsize>, impl Fn(Request) -> Response + Send + Sync) {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&calls);
        let handler = move |_: Request| {
            counter.fetch_add(1, Ordering::SeqCst);
            Response::text(200, "ok")
        };
        (calls, handler)
    }

    #[test]
    fn get_reaches_the_handler_with_path_query_and_headers_and_the_response_comes_back() {
        let seen = Arc::new(Mutex::new(Vec::<Request>::new()));
        let seen_by_handler = Arc::clone(&seen);
        let server = TestServer::start(test_limits(), move |request| {
            seen_by_handler.lock().unwrap().push(request.clone());
            Response::text(201, &format!("hello {}", request.path)).with_header("x-answer", "42")
        });

        let mut response = server
            .agent()
            .get(&server.url("/appeals/7?lang=kk&page=2"))
            .header("X-Test", "Value One")
            .call()
            .unwrap();
        assert_eq!(response.status().as_u16(), 201);
        assert_eq!(response.headers().get("x-answer").unwrap(), "42");
        assert_eq!(
            response.body_mut().read_to_string().unwrap(),
            "hello /appeals/7"
        );
        assert_eq!(server.get("/second").unwrap().0, 201);

        let seen = seen.lock().unwrap();
        let first = &seen[0];
        assert_eq!(first.method, Method::Get);
        assert_eq!(first.path, "/appeals/7");
        assert_eq!(first.query, "lang=kk&page=2");
        assert_eq!(first.header("x-test"), Some("Value One"));
        assert_eq!(first.peer.ip(), Ipv4Addr::LOCALHOST);
        assert!(first.body.is_empty());
        assert_eq!(first.id, 1, "ids start at 1");
        assert_eq!(seen[1].id, 2, "each request gets the next id");
        assert_eq!(seen[1].query, "");
    }

    #[test]
    fn post_body_reaches_the_handler_and_non_utf8_header_values_are_dropped() {
        let seen = Arc::new(Mutex::new(None::<Request>));
        let seen_by_handler = Arc::clone(&seen);
        let server = TestServer::start(test_limits(), move |request| {
            *seen_by_handler.lock().unwrap() = Some(request);
            Response::see_other("/done")
        });
        let body = "name=Айгүл".as_bytes();
        let mut request = b"POST /form HTTP/1.1\r\nHost: x\r\nConnection: close\r\n".to_vec();
        request.extend_from_slice("X-Name: Сәлем\r\n".as_bytes());
        request.extend_from_slice(b"X-Latin1: caf\xe9\r\n");
        request.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        request.extend_from_slice(body);

        let response = server.exchange(&request);

        assert!(response.starts_with("HTTP/1.1 303"), "got: {response}");
        assert!(response.contains("location: /done"), "got: {response}");
        let seen = seen.lock().unwrap().take().unwrap();
        assert_eq!(seen.method, Method::Post);
        assert_eq!(seen.body, body);
        assert_eq!(seen.header("x-name"), Some("Сәлем"));
        assert_eq!(seen.header("x-latin1"), None);
    }

    #[test]
    fn head_answer_carries_the_length_but_no_body() {
        let methods = Arc::new(Mutex::new(Vec::new()));
        let methods_seen = Arc::clone(&methods);
        let server = TestServer::start(test_limits(), move |request| {
            methods_seen.lock().unwrap().push(request.method);
            Response::text(200, "hello")
        });

        let response =
            server.exchange(b"HEAD /page HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assert!(response.starts_with("HTTP/1.1 200"), "got: {response}");
        assert!(
            response.contains("content-length: 5\r\n"),
            "got: {response}"
        );
        assert!(
            response.ends_with("\r\n\r\n"),
            "a body was sent: {response:?}"
        );
        assert_eq!(*methods.lock().unwrap(), vec![Method::Head]);
    }

    #[test]
    fn declared_body_over_the_limit_gets_413_without_calling_the_handler() {
        let (calls, handler) = counting_handler();
        let server = TestServer::start(test_limits(), handler);

        // Only the head is sent: the answer must not wait for the body.
        let response =
            server.exchange(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");

        assert!(response.starts_with("HTTP/1.1 413"), "got: {response}");
        assert_eq!(calls.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn chunked_body_over_the_limit_gets_413_without_calling_the_handler() {
        let (calls, handler) = counting_handler();
        let server = TestServer::start(test_limits(), handler);
        let mut request =
            b"POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n"
                .to_vec();
        request.extend_from_slice(&[b'a'; 0x800]);
        request.extend_from_slice(b"\r\n0\r\n\r\n");

        let response = server.exchange(&request);

        assert!(response.starts_with("HTTP/1.1 413"), "got: {response}");
        assert_eq!(calls.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn headers_over_the_limit_get_431_without_calling_the_handler() {
        let (calls, handler) = counting_handler();
        let server = TestServer::start(test_limits(), handler);
        let mut request = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
        request.extend_from_slice(&vec![b'a'; 20 * 1024]);
        request.extend_from_slice(b"\r\n\r\n");

        let response = server.exchange(&request);

        assert!(response.starts_with("HTTP/1.1 431"), "got: {response}");
        assert_eq!(calls.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn body_that_arrives_too_slowly_gets_408_without_calling_the_handler() {
        let (calls, handler) = counting_handler();
        let limits = Limits {
            body_read_timeout: Duration::from_millis(300),
            ..test_limits()
        };
        let server = TestServer::start(limits, handler);

        // Three of the ten declared bytes, then silence.
        let response =
            server.exchange(b"POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");

        assert!(response.starts_with("HTTP/1.1 408"), "got: {response}");
        assert_eq!(calls.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn handler_panic_gives_500_naming_the_request_and_the_server_keeps_serving() {
        let panicked_id = Arc::new(AtomicU64::new(0));
        let recorded = Arc::clone(&panicked_id);
        let server = TestServer::start(test_limits(), move |request| {
            if request.path == "/boom" {
                recorded.store(request.id, Ordering::SeqCst);
                panic!("handler bug for the test");
            }
            Response::text(200, "still here")
        });

        let (status, body) = server.get("/boom").unwrap();

        assert_eq!(status, 500);
        let id = panicked_id.load(Ordering::SeqCst);
        assert!(body.contains(&format!("request {id}")), "got: {body}");
        assert_eq!(server.get("/fine").unwrap(), (200, "still here".to_owned()));
    }

    #[test]
    fn silent_clients_are_dropped_after_the_header_timeout_while_others_are_served() {
        let timeout = Duration::from_millis(300);
        let limits = Limits {
            header_read_timeout: timeout,
            ..test_limits()
        };
        let (_, handler) = counting_handler();
        let server = TestServer::start(limits, handler);
        let started = Instant::now();
        let mut no_tls = server.tcp();
        let mut no_request = server.raw();
        let mut half_request = server.raw();
        half_request
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
            .unwrap();
        half_request.flush().unwrap();

        assert_eq!(server.get("/").unwrap(), (200, "ok".to_owned()));

        let outcome = read_until_closed(&mut no_tls);
        assert!(
            outcome.is_ok(),
            "a client that never starts TLS: {outcome:?}"
        );
        let outcome = read_until_closed(&mut no_request);
        assert!(
            outcome.is_ok(),
            "a client that sends no request: {outcome:?}"
        );
        let outcome = read_until_closed(&mut half_request);
        assert!(
            outcome.is_ok(),
            "a client that stops mid-header: {outcome:?}"
        );
        let waited = started.elapsed();
        assert!(
            waited + Duration::from_millis(50) >= timeout,
            "dropped before the timeout: {waited:?}"
        );
        assert_eq!(server.get("/").unwrap(), (200, "ok".to_owned()));
    }

    #[test]
    fn connections_over_the_cap_are_dropped_and_served_again_once_a_slot_frees() {
        let limits = Limits {
            max_connections: 1,
            header_read_timeout: PATIENCE,
            ..test_limits()
        };
        let (_, handler) = counting_handler();
        let server = TestServer::start(limits, handler);
        // A finished handshake proves this connection holds the only slot.
        let mut holder = server.raw();

        let mut extra = server.tcp();
        let outcome = read_until_closed(&mut extra);
        assert!(
            outcome.is_ok(),
            "the connection over the cap stayed open: {outcome:?}"
        );

        holder
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let answer = read_until_closed(&mut holder).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "got: {answer}");
        drop(holder);
        // The slot frees when the server notices the close, which may take a moment.
        let deadline = Instant::now() + PATIENCE;
        loop {
            match server.get("/") {
                Ok(answer) => {
                    assert_eq!(answer, (200, "ok".to_owned()));
                    break;
                }
                Err(error) => assert!(Instant::now() < deadline, "never served again: {error}"),
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    #[test]
    fn shutdown_closes_idle_connections_at_once_and_the_port_stops_accepting() {
        let (_, handler) = counting_handler();
        let server = TestServer::start(test_limits(), handler);
        let agent = server.agent();
        // The agent keeps this keep-alive connection open and idle.
        assert_eq!(get_with(&agent, &server.url("/")).unwrap().0, 200);
        let addr = server.handle.addr();

        let started = Instant::now();
        server.handle.shutdown();

        assert!(
            started.elapsed() < PATIENCE / 2,
            "shutdown waited out the grace period: {:?}",
            started.elapsed()
        );
        assert!(TcpStream::connect(addr).is_err(), "the port still accepts");
    }

    #[test]
    fn request_in_flight_finishes_during_shutdown() {
        let (entered_tx, entered_rx) = mpsc::channel();
        let entered_tx = Mutex::new(entered_tx);
        let server = TestServer::start(test_limits(), move |_| {
            entered_tx.lock().unwrap().send(()).unwrap();
            std::thread::sleep(Duration::from_secs(1));
            Response::text(200, "finished")
        });
        let agent = server.agent();
        let url = server.url("/slow");
        let client = std::thread::spawn(move || get_with(&agent, &url));
        entered_rx.recv_timeout(PATIENCE).unwrap();

        server.handle.shutdown();

        assert_eq!(
            client.join().unwrap().unwrap(),
            (200, "finished".to_owned())
        );
    }

    #[cfg(unix)]
    #[test]
    fn run_until_signal_shuts_down_on_sigterm() {
        // tokio's SIGTERM handler is process-wide and stays once installed: installing it first
        // means a SIGTERM sent before the server listens is swallowed, not fatal to the tests.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .unwrap();
        runtime.block_on(async {
            drop(
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).unwrap(),
            );
        });
        drop(runtime);
        let (_, handler) = counting_handler();
        let server = TestServer::start(test_limits(), handler);
        let addr = server.handle.addr();
        let (done_tx, done_rx) = mpsc::channel();
        let runner = std::thread::spawn(move || {
            server.handle.run_until_signal();
            done_tx.send(()).unwrap();
        });

        let deadline = Instant::now() + PATIENCE;
        loop {
            let status = std::process::Command::new("kill")
                .args(["-TERM", &std::process::id().to_string()])
                .status()
                .unwrap();
            assert!(status.success());
            if done_rx.recv_timeout(Duration::from_millis(200)).is_ok() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "run_until_signal ignored SIGTERM"
            );
        }
        runner.join().unwrap();
        assert!(TcpStream::connect(addr).is_err(), "the port still accepts");
    }

    #[test]
    fn issue_12_an_address_holds_its_share_and_gets_a_smaller_one_while_it_keeps_timing_out() {
        // See: issue 12 (500 slowloris connections from one address starved other clients).
        let start = Instant::now();
        let attacker = IpAddr::from([10, 0, 0, 1]);
        let other = IpAddr::from([10, 0, 0, 2]);
        let mut book = AddressBook::new(32);
        let opened = (0..40).filter(|_| book.open(attacker, start)).count();
        assert_eq!(
            opened, 32,
            "the 33rd connection from one address is refused"
        );
        assert!(book.open(other, start), "another address is not affected");

        for _ in 0..STRIKES_PER_HALVING {
            book.strike(attacker, start);
        }
        for _ in 0..32 {
            book.close(attacker, start);
        }
        let opened = (0..40).filter(|_| book.open(attacker, start)).count();
        assert_eq!(opened, 16, "eight timeouts halve the share");
        for _ in 0..STRIKES_PER_HALVING * 10 {
            book.strike(attacker, start);
        }
        for _ in 0..16 {
            book.close(attacker, start);
        }
        let opened = (0..40).filter(|_| book.open(attacker, start)).count();
        assert_eq!(opened, 8, "never below a quarter of the limit");

        for _ in 0..8 {
            book.close(attacker, start);
        }
        let quiet = start + STRIKE_MEMORY;
        let opened = (0..40).filter(|_| book.open(attacker, quiet)).count();
        assert_eq!(
            opened, 32,
            "a minute without timeouts restores the full share"
        );
    }

    #[test]
    fn the_address_book_forgets_addresses_with_nothing_open_and_nothing_to_remember() {
        let now = Instant::now();
        let mut book = AddressBook::new(4);
        let ip = IpAddr::from([10, 0, 0, 3]);
        assert!(book.open(ip, now));
        book.close(ip, now);
        assert!(book.entries.is_empty());
        assert!(book.open(ip, now));
        book.strike(ip, now);
        book.close(ip, now);
        assert_eq!(book.entries.len(), 1, "its strike is remembered");
        book.forget_quiet(now + STRIKE_MEMORY);
        assert!(book.entries.is_empty());
    }

    #[test]
    fn connections_over_the_per_address_share_are_dropped_while_the_global_cap_has_room() {
        let limits = Limits {
            max_connections_per_address: 2,
            header_read_timeout: PATIENCE,
            ..test_limits()
        };
        let (_, handler) = counting_handler();
        let server = TestServer::start(limits, handler);
        let _first = server.raw();
        let _second = server.raw();

        let mut extra = server.tcp();
        let outcome = read_until_closed(&mut extra);
        assert!(
            outcome.is_ok(),
            "the third connection stayed open: {outcome:?}"
        );
    }

    /// An application whose upload route takes 64 bytes and every other body 8.
    struct SmallLimits;

    impl Application for SmallLimits {
        fn body_limit(&self, head: &Request) -> Result<usize, Response> {
            match head.path.as_str() {
                "/upload" => Ok(64),
                "/refused" => Err(Response::text(403, "not you")),
                _ => Ok(8),
            }
        }

        fn refuse(&self, _head: &Request, why: BodyRefusal) -> Response {
            Response::text(413, &format!("{why:?}"))
        }

        fn handle(&self, request: Request) -> Response {
            Response::text(200, &format!("got {}", request.body.len()))
        }
    }

    fn small_limits_server() -> TestServer {
        let material = tls::generate_self_signed(&[]).unwrap();
        let config = tls::server_config(&material).unwrap();
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let handle = start(listener, config, test_limits(), Arc::new(SmallLimits)).unwrap();
        TestServer { handle, material }
    }

    #[test]
    fn each_request_gets_the_body_limit_its_application_names_from_the_head() {
        let server = small_limits_server();
        let post = |path: &str, body: &str| {
            server.exchange(
                format!(
                    "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                )
                .as_bytes(),
            )
        };
        let answer = post("/upload", &"a".repeat(64));
        assert!(answer.ends_with("got 64"), "got: {answer}");
        let answer = post("/form", &"a".repeat(9));
        assert!(answer.starts_with("HTTP/1.1 413"), "got: {answer}");
        assert!(answer.contains("TooLarge { limit: 8 }"), "got: {answer}");
        let answer = post("/refused", "a");
        assert!(answer.starts_with("HTTP/1.1 403"), "got: {answer}");
        assert!(answer.contains("connection: close"), "got: {answer}");
        // Only the head of a 1 MB body: the refusal comes without it.
        let answer =
            server.exchange(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
        assert!(answer.contains("TooLarge { limit: 64 }"), "got: {answer}");
    }

    #[test]
    fn a_chunked_body_is_cut_off_as_soon_as_it_passes_the_limit_the_application_named() {
        let server = small_limits_server();
        let answer = server.exchange(
            b"POST /form HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n5\r\nfghij\r\n0\r\n\r\n",
        );
        assert!(answer.starts_with("HTTP/1.1 413"), "got: {answer}");
    }

    #[test]
    fn a_body_without_room_in_the_in_flight_budget_waits_then_gets_503() {
        const LARGE: usize = UNBUDGETED_BODY + 1;
        let (entered_tx, entered_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let entered_tx = Mutex::new(entered_tx);
        let release_rx = Mutex::new(release_rx);
        let limits = Limits {
            max_body_in_flight_bytes: 4 * LARGE,
            body_budget_wait: Duration::from_millis(200),
            max_body_bytes: 4 * LARGE,
            ..test_limits()
        };
        let server = TestServer::start(limits, move |request| {
            if request.path == "/hold" {
                entered_tx.lock().unwrap().send(()).unwrap();
                release_rx.lock().unwrap().recv_timeout(PATIENCE).unwrap();
            }
            Response::text(200, "ok")
        });
        let post = |path: &str, size: usize| {
            format!(
                "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {size}\r\n\r\n{}",
                "a".repeat(size)
            )
        };
        let holder = {
            let mut stream = server.raw();
            let request = post("/hold", LARGE);
            std::thread::spawn(move || {
                stream.write_all(request.as_bytes()).unwrap();
                stream.flush().unwrap();
                read_until_closed(&mut stream)
            })
        };
        entered_rx.recv_timeout(PATIENCE).unwrap();
        // The held body still holds its room: one more of its size fits, three times its size
        // does not, and a small form never waits.
        let second = server.exchange(post("/other", LARGE).as_bytes());
        assert!(second.starts_with("HTTP/1.1 200"), "got: {second}");
        let small = server.exchange(post("/form", 1024).as_bytes());
        assert!(small.starts_with("HTTP/1.1 200"), "got: {small}");
        let big = post("/other", 3 * LARGE);
        // Only the head: the refusal must come without the body.
        let big_head = &big[..big.find("\r\n\r\n").unwrap() + 4];
        let third = server.exchange(big_head.as_bytes());
        assert!(third.starts_with("HTTP/1.1 503"), "got: {third}");

        release_tx.send(()).unwrap();
        let first = holder.join().unwrap().unwrap();
        assert!(first.starts_with("HTTP/1.1 200"), "got: {first}");
        let after = server.exchange(big.as_bytes());
        assert!(
            after.starts_with("HTTP/1.1 200"),
            "room again once the body is gone: {after}"
        );
    }

    #[test]
    fn response_conversion_refuses_what_would_break_the_wire() {
        let response = Response {
            status: 42,
            headers: vec![
                ("x-injected", "a\r\nset-cookie: sid=evil".to_owned()),
                ("bad name", "v".to_owned()),
                ("content-length", "999".to_owned()),
                ("x-fine", "Сәлем".to_owned()),
            ],
            body: b"body".to_vec(),
        };

        let out = into_hyper(response, false, 9);

        assert_eq!(out.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(out.headers().get("x-injected").is_none());
        assert!(out.headers().get("set-cookie").is_none());
        assert!(out.headers().get("content-length").is_none());
        assert_eq!(
            out.headers().get("x-fine").unwrap().as_bytes(),
            "Сәлем".as_bytes()
        );
        assert_eq!(out.headers().len(), 1);
    }
}
