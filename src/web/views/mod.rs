//! HTML pages as pure functions of view models (maud). Views import domain types, `i18n`,
//! `web::paths` and each other, never the service or the store.

pub mod actions;
pub mod admin;
pub mod appeal;
pub mod applicant;
pub mod auth;
pub mod authenticator;
pub mod calendar;
pub mod codes;
pub mod components;
pub mod ecp;
pub mod errors;
pub mod home;
pub mod layout;
pub mod notices;
pub mod passkeys;
pub mod procedure;
pub mod qr_login;
pub mod registry;
pub mod reports;
pub mod routing;
pub mod security;
pub mod terms;
