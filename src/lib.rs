//! Otinish (codemap comes later).

pub mod clock;
pub mod config;
pub mod domain;
pub mod i18n;
pub mod service;
pub mod store;
pub mod web;
