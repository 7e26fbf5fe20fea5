//! Tests of [`super`]: codes are computed from the secret with the clock the desk uses.

use super::*;
use crate::domain::user::Role;
use crate::service::auth;
use crate::service::testing::PASSWORD;

const ORIGIN: Origin<'static> = Origin {
    address: "10.0.0.9",
    device: "test",
};

fn desk() -> (Ctx, User, User) {
    let (ctx, mut users) =
        crate::service::testing::with_staff(&[("admin", Role::Admin), ("clerk", Role::Clerk)]);
    let clerk = users.pop().unwrap();
    let admin = users.pop().unwrap();
    (ctx, admin, clerk)
}

fn code_now(ctx: &Ctx, enrolment: &Enrolment) -> String {
    let secret = TotpSecret::from_base32(&enrolment.secret).unwrap();
    format!("{:06}", totp::code_at(&secret, ctx.now().as_second()))
}

fn later(ctx: &Ctx, seconds: i64) {
    let now = ctx.now();
    ctx.clock
        .set(now.checked_add(SignedDuration::from_secs(seconds)).unwrap());
}

#[test]
fn with_an_authenticator_the_password_alone_does_not_sign_in() {
    let (ctx, _, clerk) = desk();
    let enrolment = start(&ctx, &clerk).unwrap();
    assert!(
        confirm(&ctx, &clerk, "000000", ORIGIN).is_err() || code_now(&ctx, &enrolment) == "000000"
    );
    confirm(&ctx, &clerk, &code_now(&ctx, &enrolment), ORIGIN).unwrap();
    assert!(is_on(&ctx, &clerk).unwrap());

    let err = auth::sign_in(&ctx, "clerk", PASSWORD, "10.0.0.9", "x").unwrap_err();
    let Error::SecondFactor { pending } = err else {
        panic!("a second step: {err:?}");
    };
    later(&ctx, 30);
    let (token, user) = complete(&ctx, &pending, &code_now(&ctx, &enrolment), ORIGIN).unwrap();
    assert_eq!(user.id, clerk.id);
    assert!(auth::session(&ctx, &token).unwrap().is_some());
    assert!(
        complete(&ctx, &pending, &code_now(&ctx, &enrolment), ORIGIN).is_err(),
        "a pending sign-in completes once"
    );
}

#[test]
fn a_code_is_not_accepted_twice_and_a_pending_sign_in_expires() {
    let (ctx, _, clerk) = desk();
    let enrolment = start(&ctx, &clerk).unwrap();
    let first = code_now(&ctx, &enrolment);
    confirm(&ctx, &clerk, &first, ORIGIN).unwrap();
    let Err(Error::SecondFactor { pending }) = auth::sign_in(&ctx, "clerk", PASSWORD, "", "")
    else {
        panic!("a second step");
    };
    assert!(
        complete(&ctx, &pending, &first, ORIGIN).is_err(),
        "the code that confirmed enrolment is used up"
    );
    let Err(Error::SecondFactor { pending }) = auth::sign_in(&ctx, "clerk", PASSWORD, "", "")
    else {
        panic!("a second step");
    };
    later(&ctx, 6 * 60);
    assert!(complete(&ctx, &pending, &code_now(&ctx, &enrolment), ORIGIN).is_err());
}

#[test]
fn the_admin_can_require_an_authenticator_of_staff_and_removal_needs_the_password() {
    let (ctx, admin, clerk) = desk();
    assert!(!must_enrol(&ctx, &clerk).unwrap());
    assert!(matches!(
        set_policy(&ctx, &clerk, true),
        Err(Error::Forbidden)
    ));
    set_policy(&ctx, &admin, true).unwrap();
    assert!(must_enrol(&ctx, &clerk).unwrap());
    let enrolment = start(&ctx, &clerk).unwrap();
    confirm(&ctx, &clerk, &code_now(&ctx, &enrolment), ORIGIN).unwrap();
    assert!(!must_enrol(&ctx, &clerk).unwrap());
    assert!(remove(&ctx, &clerk, "wrong", ORIGIN).is_err());
    remove(&ctx, &clerk, PASSWORD, ORIGIN).unwrap();
    assert!(must_enrol(&ctx, &clerk).unwrap());
}

#[test]
fn a_code_by_sms_can_be_the_second_factor() {
    use crate::domain::lang::Lang;
    use crate::service::auth::RegistrationForm;
    use crate::store::DeliveryReads;
    let (ctx, _, clerk) = desk();
    assert!(
        choose_code(&ctx, &clerk, DeliveryChannel::Sms, ORIGIN).is_err(),
        "no phone, no SMS factor"
    );
    let id = auth::register_applicant(
        &ctx,
        &RegistrationForm {
            kind: "individual".into(),
            tax_id: "900101300126".into(),
            full_name: "Байжанова Айгүл".into(),
            phone: "+7 701 234 56 78".into(),
            email: "aigul@example.kz".into(),
            address: String::new(),
            password: PASSWORD.into(),
            password_again: PASSWORD.into(),
        },
        Lang::Kk,
    )
    .unwrap();
    let applicant = ctx.store.read(|tx| tx.user(id)).unwrap().unwrap();
    choose_code(&ctx, &applicant, DeliveryChannel::Sms, ORIGIN).unwrap();
    assert_eq!(
        factor(&ctx, &applicant).unwrap(),
        Some(Factor::Code(DeliveryChannel::Sms))
    );
    let Err(Error::SecondFactor { pending }) =
        auth::sign_in(&ctx, "900101300126", PASSWORD, "10.0.0.9", "phone")
    else {
        panic!("the password alone does not sign in");
    };
    let sent = ctx
        .store
        .read(|tx| tx.recent_deliveries(1))
        .unwrap()
        .remove(0);
    assert_eq!(sent.to, "+77012345678");
    let code: String = sent
        .body
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap()
        .to_owned();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert!(complete(&ctx, &pending, wrong, ORIGIN).is_err());
    let (token, user) = complete(&ctx, &pending, &code, ORIGIN).unwrap();
    assert_eq!(user.id, applicant.id);
    assert!(auth::session(&ctx, &token).unwrap().is_some());
    assert!(complete(&ctx, &pending, &code, ORIGIN).is_err(), "once");
    remove(&ctx, &applicant, PASSWORD, ORIGIN).unwrap();
    assert_eq!(factor(&ctx, &applicant).unwrap(), None);
}
