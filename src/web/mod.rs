//! The web door: HTTPS server, routing, sessions, forms and pages.

pub mod request;
pub mod response;
pub mod server;
pub mod tls;
