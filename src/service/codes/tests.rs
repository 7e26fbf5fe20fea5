//! Tests of [`super`] on the real store in memory; codes are read from the queued message, as
//! the gateway would send it.

use jiff::{SignedDuration, Timestamp};

use super::*;
use crate::clock::Clock;
use crate::config::Config;
use crate::service::Rules;
use crate::service::auth::{self, RegistrationForm};
use crate::service::gateway::Gateways;
use crate::store::{DeliveryReads, DeliveryStatus, Store};

const PASSWORD: &str = "correct horse battery";
const IIN: &str = "900101300126";
const ORIGIN: Origin<'static> = Origin {
    address: "10.0.0.9",
    device: "phone",
};

fn desk() -> Ctx {
    let ctx = Ctx::new(
        Store::in_memory().unwrap(),
        Clock::fixed("2026-03-02T05:00:00Z".parse().unwrap()),
        Rules::from_config(&Config::default()),
    );
    auth::register_applicant(
        &ctx,
        &RegistrationForm {
            kind: "individual".into(),
            tax_id: IIN.into(),
            full_name: "Байжанова Айгүл Серікқызы".into(),
            phone: "+7 701 234 56 78".into(),
            email: "aigul@example.kz".into(),
            address: String::new(),
            password: PASSWORD.into(),
            password_again: PASSWORD.into(),
        },
        Lang::Kk,
    )
    .unwrap();
    ctx
}

fn later(ctx: &Ctx, seconds: i64) {
    let now: Timestamp = ctx.now();
    ctx.clock
        .set(now.checked_add(SignedDuration::from_secs(seconds)).unwrap());
}

/// The code in the newest queued message.
fn sent_code(ctx: &Ctx) -> String {
    let newest = ctx
        .store
        .read(|tx| tx.recent_deliveries(1))
        .unwrap()
        .remove(0);
    assert!(newest.secret);
    newest
        .body
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("a six-digit code in {}", newest.body))
        .to_owned()
}

fn code_error(err: Error) -> String {
    match err {
        Error::Invalid(errors) => errors
            .0
            .iter()
            .map(|e| e.key.to_owned())
            .collect::<Vec<_>>()
            .join(","),
        other => format!("{other:?}"),
    }
}

#[test]
fn a_code_by_sms_signs_in_once_and_is_stored_only_hashed() {
    let ctx = desk();
    request(&ctx, Purpose::SignIn, IIN, DeliveryChannel::Sms, ORIGIN).unwrap();
    let code = sent_code(&ctx);
    let message = ctx
        .store
        .read(|tx| tx.recent_deliveries(1))
        .unwrap()
        .remove(0);
    assert_eq!(message.to, "+77012345678");
    assert!(
        message.body.contains("5 минут"),
        "in the user's language: {}",
        message.body
    );
    let stored = ctx
        .store
        .read(|tx| tx.code(&Purpose::SignIn.key(IIN)))
        .unwrap()
        .unwrap();
    assert_ne!(&stored.hash[..6], code.as_bytes(), "not the code itself");
    let (token, user) = sign_in(&ctx, IIN, &code, ORIGIN).unwrap();
    assert!(auth::session(&ctx, &token).unwrap().is_some());
    assert_eq!(user.sign_in_name(), IIN);
    let again = sign_in(&ctx, IIN, &code, ORIGIN).unwrap_err();
    assert_eq!(code_error(again), "codes.expired", "a code works once");
}

#[test]
fn a_code_expires_after_five_minutes() {
    let ctx = desk();
    request(&ctx, Purpose::SignIn, IIN, DeliveryChannel::Email, ORIGIN).unwrap();
    let code = sent_code(&ctx);
    later(&ctx, 5 * 60 + 1);
    assert_eq!(
        code_error(sign_in(&ctx, IIN, &code, ORIGIN).unwrap_err()),
        "codes.expired"
    );
}

#[test]
fn five_wrong_entries_kill_the_code() {
    let ctx = desk();
    request(&ctx, Purpose::SignIn, IIN, DeliveryChannel::Sms, ORIGIN).unwrap();
    let code = sent_code(&ctx);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for n in 1..=5 {
        let err = check(&ctx, Purpose::SignIn, IIN, wrong).unwrap_err();
        assert_eq!(code_error(err), "codes.wrong", "try {n}");
    }
    let err = check(&ctx, Purpose::SignIn, IIN, &code).unwrap_err();
    assert_eq!(
        code_error(err),
        "codes.expired",
        "after five wrong tries the right code is dead"
    );
}

#[test]
fn wrong_codes_at_sign_in_also_count_towards_the_name_lock() {
    let ctx = desk();
    request(&ctx, Purpose::SignIn, IIN, DeliveryChannel::Sms, ORIGIN).unwrap();
    let code = sent_code(&ctx);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert!(sign_in(&ctx, IIN, wrong, ORIGIN).is_err());
    }
    let locked = sign_in(&ctx, IIN, &code, ORIGIN).unwrap_err();
    assert!(matches!(locked, Error::Locked { .. }), "{locked:?}");
}

#[test]
fn a_second_code_within_a_minute_is_refused_and_unknown_names_get_the_same_answer() {
    let ctx = desk();
    request(&ctx, Purpose::SignIn, IIN, DeliveryChannel::Sms, ORIGIN).unwrap();
    let err = request(&ctx, Purpose::SignIn, IIN, DeliveryChannel::Sms, ORIGIN).unwrap_err();
    assert_eq!(code_error(err), "codes.too_soon");
    later(&ctx, 61);
    request(&ctx, Purpose::SignIn, IIN, DeliveryChannel::Sms, ORIGIN).unwrap();
    let before = ctx.store.read(|tx| tx.recent_deliveries(10)).unwrap().len();
    request(
        &ctx,
        Purpose::SignIn,
        "nobody",
        DeliveryChannel::Sms,
        ORIGIN,
    )
    .unwrap();
    let after = ctx.store.read(|tx| tx.recent_deliveries(10)).unwrap().len();
    assert_eq!(
        before, after,
        "nothing is sent for a name without an account"
    );
}

#[test]
fn a_reset_code_sets_a_new_password_and_ends_every_session() {
    let ctx = desk();
    let (old_session, _) = auth::sign_in(&ctx, IIN, PASSWORD, "10.0.0.1", "x").unwrap();
    request(&ctx, Purpose::Reset, IIN, DeliveryChannel::Email, ORIGIN).unwrap();
    let code = sent_code(&ctx);
    let new = "a brand new passphrase";
    let err = reset_password(&ctx, IIN, &code, new, "different", ORIGIN).unwrap_err();
    assert_eq!(code_error(err), "error.password_mismatch");
    reset_password(&ctx, IIN, &code, new, new, ORIGIN).unwrap();
    assert!(auth::session(&ctx, &old_session).unwrap().is_none());
    assert!(auth::sign_in(&ctx, IIN, PASSWORD, "10.0.0.1", "x").is_err());
    auth::sign_in(&ctx, IIN, new, "10.0.0.1", "x").unwrap();
    assert!(
        sign_in(&ctx, IIN, &code, ORIGIN).is_err(),
        "a reset code does not sign in"
    );
}

#[test]
fn with_the_gateway_down_a_message_waits_and_an_old_code_expires_unsent_and_wiped() {
    let ctx = desk();
    request(&ctx, Purpose::SignIn, IIN, DeliveryChannel::Sms, ORIGIN).unwrap();
    let none = Gateways::default();
    assert_eq!(deliveries::send_due(&ctx, &none, 10).unwrap(), 0);
    let waiting = ctx
        .store
        .read(|tx| tx.recent_deliveries(1))
        .unwrap()
        .remove(0);
    assert_eq!(waiting.status, DeliveryStatus::Pending);
    assert_eq!(waiting.attempts, 1);
    assert!(
        waiting.last_error.contains("no SMS gateway"),
        "{}",
        waiting.last_error
    );
    assert!(waiting.next_attempt_at > ctx.now(), "retried later");
    later(&ctx, 6 * 60);
    deliveries::send_due(&ctx, &none, 10).unwrap();
    let expired = ctx
        .store
        .read(|tx| tx.recent_deliveries(1))
        .unwrap()
        .remove(0);
    assert_eq!(expired.status, DeliveryStatus::Expired);
    assert!(expired.body.is_empty(), "the code is wiped");
}
