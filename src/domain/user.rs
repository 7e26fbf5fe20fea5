//! People who use the desk: applicants (by IIN/BIN) and staff (by login, with roles).

use jiff::Timestamp;

use super::field::{Email, FullName, Login, Phone};
use super::lang::Lang;
use super::tax_id::{ApplicantKind, TaxId};

/// A user's number in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(pub u64);

/// A staff role. One person may hold several (a small centre's director is often its clerk).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Registers and routes appeals (іс жүргізуші / канцелярия).
    Clerk,
    /// Prepares answers.
    Executor,
    /// Signs answers, decides extensions and complaints.
    Director,
    /// Runs the installation: profile, units, categories, staff.
    Admin,
    /// A deputy head or the head of the apparatus: besides the director, the only one who may
    /// extend a deadline (АППК art. 76 ч.3). Appended last: stored roles keep their bits.
    Deputy,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::Clerk,
        Role::Executor,
        Role::Director,
        Role::Admin,
        Role::Deputy,
    ];

    /// Stable code for forms and the CLI.
    pub fn code(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Executor => "executor",
            Role::Director => "director",
            Role::Admin => "admin",
            Role::Deputy => "deputy",
        }
    }

    /// Parses a code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Translation key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Clerk => "Role.clerk",
            Role::Executor => "Role.executor",
            Role::Director => "Role.director",
            Role::Admin => "Role.admin",
            Role::Deputy => "law.role_deputy",
        }
    }
}

/// A set of staff roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Roles(u8);

impl Roles {
    /// The set holding exactly these roles.
    pub fn of(roles: &[Role]) -> Self {
        roles.iter().fold(Self(0), |set, role| set.with(*role))
    }

    fn bit(role: Role) -> u8 {
        match role {
            Role::Clerk => 1,
            Role::Executor => 2,
            Role::Director => 4,
            Role::Admin => 8,
            Role::Deputy => 16,
        }
    }

    /// The set plus `role`.
    #[must_use]
    pub fn with(self, role: Role) -> Self {
        Self(self.0 | Self::bit(role))
    }

    /// Whether `role` is in the set.
    pub fn has(self, role: Role) -> bool {
        self.0 & Self::bit(role) != 0
    }

    /// Whether any of `roles` is in the set.
    pub fn any(self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }

    /// The roles in the set, in [`Role::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.has(*r))
    }

    /// Whether these roles may decide an extension: the head (director), a deputy or the head
    /// of the apparatus (АППК art. 76 ч.3), never a clerk, executor or admin as such.
    pub fn may_extend(self) -> bool {
        self.any(&[Role::Director, Role::Deputy])
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The set as its bit byte (Clerk 1, Executor 2, Director 4, Admin 8), the stored form.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// The set of a bit byte; unknown bits are kept, as the stored form always did.
    pub fn from_bits(bits: u8) -> Self {
        Self(bits)
    }
}

/// How a user signs in and what they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Account {
    /// A citizen or organisation filing appeals.
    Applicant {
        /// Individual (IIN) or legal entity (BIN).
        kind: ApplicantKind,
        /// The IIN or BIN, also the sign-in name.
        tax_id: TaxId,
    },
    /// A member of staff, created by the admin.
    Staff {
        /// Sign-in name.
        login: Login,
        /// What they may do.
        roles: Roles,
    },
}

/// A user as stored (credentials are kept apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Number in the store.
    pub id: UserId,
    /// Applicant or staff.
    pub account: Account,
    /// Full name (or the organisation's name).
    pub full_name: FullName,
    /// Phone, required for applicants.
    pub phone: Option<Phone>,
    /// E-mail, required for applicants.
    pub email: Option<Email>,
    /// Postal address (applicants).
    pub address: String,
    /// Preferred language.
    pub lang: Lang,
    /// When the applicant agreed to the terms of use (required before the first appeal).
    pub terms_accepted_at: Option<Timestamp>,
    /// When the account was created.
    pub created_at: Timestamp,
    /// Set by the admin's reset: the next sign-in must choose a new password.
    pub must_change_password: bool,
    /// Disabled accounts cannot sign in.
    pub active: bool,
}

impl User {
    /// Staff roles (empty for applicants).
    pub fn roles(&self) -> Roles {
        match &self.account {
            Account::Staff { roles, .. } => *roles,
            Account::Applicant { .. } => Roles::default(),
        }
    }

    /// Whether this is an applicant account.
    pub fn is_applicant(&self) -> bool {
        matches!(self.account, Account::Applicant { .. })
    }

    /// The sign-in name: IIN/BIN or staff login.
    pub fn sign_in_name(&self) -> &str {
        match &self.account {
            Account::Applicant { tax_id, .. } => tax_id.as_str(),
            Account::Staff { login, .. } => login.as_str(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_form_a_set() {
        let roles = Roles::of(&[Role::Director, Role::Clerk]);
        assert!(roles.has(Role::Director) && roles.has(Role::Clerk));
        assert!(!roles.has(Role::Admin));
        assert!(roles.any(&[Role::Admin, Role::Clerk]));
        assert_eq!(
            roles.iter().collect::<Vec<_>>(),
            vec![Role::Clerk, Role::Director]
        );
        assert!(Roles::default().is_empty());
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
    }
}
