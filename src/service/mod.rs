//! Use cases: every change of state goes through one function here, used by web and CLI alike.
//!
//! Each use case is one store transaction: it reads what it needs, applies the domain rules,
//! writes the snapshot, its events and indexes, and commits durably before returning (a step
//! on an appeal decides on a read snapshot first: `checked_write`). The
//! service decides who may do what; the web layer only turns results into pages.

pub mod admin;
pub mod appeals;
pub mod auth;
pub mod authenticator;
pub mod backups;
pub mod calendar;
mod checked_write;
pub mod codes;
pub mod deliveries;
pub mod ecp;
pub mod gateway;
mod history;
pub mod lifecycle;
pub mod notices;
pub mod pages;
pub mod passkeys;
pub mod pending_uploads;
pub mod qr_login;
pub mod registry;
pub mod reports;
pub mod routing;
pub mod security;
pub mod seed;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

use crate::clock::Clock;
use crate::config::Config;
use crate::domain::calendar::Calendar;
use crate::domain::deadline::CountingRule;
use crate::domain::field::FieldErrors;
use crate::domain::lifecycle::Refusal;
use crate::store::{self, Store};

/// Why a use case did not happen. The web layer maps each variant to one kind of page.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No such thing, or not visible to this user (never reveal which).
    #[error("not found")]
    NotFound,
    /// Signed in, but not allowed.
    #[error("forbidden")]
    Forbidden,
    /// Wrong sign-in name or password (never say which).
    #[error("wrong credentials")]
    BadCredentials,
    /// The password was right; the authenticator code must follow (the pending sign-in's
    /// token).
    #[error("second factor needed")]
    SecondFactor {
        /// Token of the pending sign-in, for a short-lived cookie.
        pending: String,
    },
    /// Too many wrong passwords for this name: refused until then without checking.
    #[error("locked until {until}")]
    Locked {
        /// When attempts are accepted again.
        until: Timestamp,
    },
    /// Too many failed sign-ins from this client address: refused until then, by every way
    /// in, without checking anything.
    #[error("too many failed sign-ins from this address until {until}")]
    Throttled {
        /// When attempts from the address are accepted again.
        until: Timestamp,
    },
    /// Form input refused, field by field.
    #[error("invalid input: {0:?}")]
    Invalid(FieldErrors),
    /// The state machine refused the step.
    #[error("refused: {0}")]
    Refused(Refusal),
    /// The appeal changed each time the step was decided, before it could be written (other
    /// steps landed first): nothing was saved. Opened again, the appeal shows what changed.
    #[error("the appeal changed meanwhile; the step was not saved")]
    ChangedMeanwhile,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] store::Error),
    /// Something else a use case needs failed: the system's random source, the QR encoder,
    /// the backup folder. `what` names it; the error it gave is kept as the source. (Worded
    /// `database: …` as these failures always were, so logs and alerts read the same.)
    #[error("database: {what}: {source}")]
    Facility {
        /// What failed, e.g. `backup folder /var/backups/otinish`.
        what: String,
        /// How it failed.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl Error {
    /// A refusal of one field, with the message key shown beside it.
    pub fn field(field: &'static str, key: &'static str) -> Self {
        let mut errors = FieldErrors::default();
        errors.add(field, key);
        Error::Invalid(errors)
    }
}

impl From<FieldErrors> for Error {
    fn from(errors: FieldErrors) -> Self {
        Error::Invalid(errors)
    }
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        Error::Refused(refusal)
    }
}

/// Result of a use case.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The one check that `user` may run the installation (the web router checks the same with
/// `web::session::require_admin` before an admin handler is called; use cases check again,
/// since the CLI and other callers reach them without the router).
pub(crate) fn require_admin(user: &crate::domain::user::User) -> Result<()> {
    if user.roles().has(crate::domain::user::Role::Admin) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// The institution's rules that use cases need from configuration.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Receipts at or after this local time register the next working day.
    pub close_of_business: jiff::civil::Time,
    /// Local time zone.
    pub time_zone: TimeZone,
    /// How terms are counted.
    pub counting_rule: CountingRule,
    /// Lifetime of a sign-in.
    pub session_lifetime: std::time::Duration,
    /// Largest attachment.
    pub max_attachment_bytes: usize,
    /// Attachments per form.
    pub max_attachments: usize,
    /// The host names the desk is reached by (`host_names`): passkeys work on these and on
    /// `localhost` only.
    pub host_names: Vec<String>,
    /// Where the admin puts the NCA RK root and intermediate certificates (`data_dir/nca`).
    pub nca_dir: std::path::PathBuf,
    /// Outside channels that notices also go to (the gateways configured).
    pub notify_by: notices::Channels,
}

impl Rules {
    /// The rules a configuration sets.
    pub fn from_config(config: &Config) -> Self {
        Self {
            close_of_business: config.close_of_business,
            time_zone: config.time_zone.clone(),
            counting_rule: config.counting_rule,
            session_lifetime: config.limits.session_lifetime,
            max_attachment_bytes: config.limits.max_attachment_bytes,
            max_attachments: config.limits.max_attachments,
            host_names: config.host_names.clone(),
            nca_dir: config.data_dir.join("nca"),
            notify_by: notices::Channels {
                email: config.smtp.is_some(),
                sms: config.sms.is_some(),
            },
        }
    }
}

/// Everything a use case needs: the store, the clock and the rules. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The store.
    pub store: Store,
    /// Source of `now`.
    pub clock: Clock,
    /// Institution rules.
    pub rules: Rules,
    /// Texts, for the messages history keeps in Kazakh and Russian.
    pub catalog: std::sync::Arc<crate::i18n::Catalog>,
    /// Electronic signatures: the NCA certificates trusted, and the sign-in nonces handed out.
    pub ecp: std::sync::Arc<ecp::EcpState>,
    /// Recent failed sign-ins per client address (rebuilt from the audit trail here).
    pub sign_in_limit: std::sync::Arc<security::limit::AddressLimit>,
}

impl Ctx {
    /// A context over a store.
    pub fn new(store: Store, clock: Clock, rules: Rules) -> Self {
        let catalog = crate::i18n::Catalog::load().unwrap_or_else(|err| {
            log::error!("loading the interface texts: {err}");
            crate::i18n::Catalog::default()
        });
        let ecp = std::sync::Arc::new(ecp::EcpState::load(&rules.nca_dir));
        if let Err(err) = store.set_time_zone(&rules.time_zone) {
            log::error!("counting the report tallies in the configured time zone: {err}");
        }
        let sign_in_limit =
            std::sync::Arc::new(security::limit::AddressLimit::rebuild(&store, clock.now()));
        Self {
            store,
            clock,
            rules,
            catalog: std::sync::Arc::new(catalog),
            ecp,
            sign_in_limit,
        }
    }

    /// The current instant.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// A local date and time in the institution's zone.
    pub fn local(&self, at: Timestamp) -> DateTime {
        at.to_zoned(self.rules.time_zone.clone()).datetime()
    }

    /// Today in the institution's zone.
    pub fn today(&self) -> Date {
        self.local(self.now()).date()
    }

    /// The working-day calendar the admin keeps (the built-in one while none is stored). If the
    /// store cannot be read, the failure is logged and the built-in calendar is used: a deadline
    /// that may miss an override beats refusing to register an appeal (АППК art. 64 ч.1).
    pub fn calendar(&self) -> Calendar {
        calendar::load(self).unwrap_or_else(|err| {
            log::error!("reading the working-day calendar: {err}; using the built-in calendar");
            Calendar::builtin()
        })
    }
}

/// The moment a command is decided at: now, today, the calendar and the institution's zone.
pub(crate) fn moment<'a>(
    ctx: &'a Ctx,
    calendar: &'a Calendar,
) -> crate::domain::lifecycle::Moment<'a> {
    crate::domain::lifecycle::Moment {
        now: ctx.now(),
        today: ctx.today(),
        calendar,
        zone: &ctx.rules.time_zone,
    }
}

/// 32 random bytes from the operating system, as lowercase hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    // The OS generator only fails on a broken system; a predictable token would be worse than
    // failing the request (a panic in a handler becomes a 500 page).
    assert!(
        getrandom::fill(&mut bytes).is_ok(),
        "the operating system's random generator failed"
    );
    crate::hex::encode(&bytes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod testing {
    //! A context over an in-memory store at a fixed time, for the service tests.
    use super::*;

    pub(crate) fn ctx_at(at: &str) -> Ctx {
        let store = Store::in_memory().unwrap();
        let clock = Clock::fixed(at.parse().unwrap());
        Ctx::new(store, clock, Rules::from_config(&Config::default()))
    }

    /// The password of every account [`with_staff`] makes.
    pub(crate) const PASSWORD: &str = "correct horse battery";

    /// A fresh desk on a working-day morning (Mon 2 March 2026, 10:00 +05) and one staff
    /// account per `(login, role)`, in order.
    pub(crate) fn with_staff(
        staff: &[(&str, crate::domain::user::Role)],
    ) -> (Ctx, Vec<crate::domain::user::User>) {
        use crate::store::UserReads;
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        let users = staff
            .iter()
            .map(|(login, role)| {
                let id = auth::create_staff(
                    &ctx,
                    None,
                    &auth::StaffForm {
                        login: (*login).into(),
                        full_name: "Ахметова Динара".into(),
                        roles: vec![*role],
                        password: PASSWORD.into(),
                        must_change_password: false,
                    },
                )
                .unwrap();
                ctx.store.read(|tx| tx.user(id)).unwrap().unwrap()
            })
            .collect();
        (ctx, users)
    }
}
