//! The page shell: header with navigation and the language switch, main, footer.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use maud::{DOCTYPE, Markup, html};

use crate::domain::lang::Lang;
use crate::domain::user::{Role, Roles};
use crate::i18n::Tr;
use crate::web::assets::{Assets, MANIFEST_PATH, THEME_COLOR};
use crate::web::paths;

/// Who is signed in, as the header shows it.
#[derive(Debug, Clone)]
pub struct NavUser {
    /// Display name.
    pub name: String,
    /// Applicant (or staff).
    pub applicant: bool,
    /// Staff roles.
    pub roles: Roles,
}

/// What every page needs besides its own content.
#[derive(Debug, Clone)]
pub struct Chrome<'a> {
    /// Translator in the page's language.
    pub tr: Tr<'a>,
    /// CSRF token for the page's forms.
    pub csrf: String,
    /// The current path (for the language switch and active navigation).
    pub path: String,
    /// URLs of the stylesheet, script and icons.
    pub assets: &'a Assets,
    /// Prefix of the ids of form controls, for pages with several forms that share field
    /// names (the appeal card's actions); empty elsewhere. See [`Chrome::scoped`].
    pub scope: &'a str,
    /// The institution's name in the page's language.
    pub institution: String,
    /// The signed-in user.
    pub user: Option<NavUser>,
    /// Local time zone, for showing times.
    pub tz: TimeZone,
    /// Unread notices of the signed-in user.
    pub unread: usize,
}

impl<'a> Chrome<'a> {
    /// A text in the page's language.
    pub fn t(&self, key: &'static str) -> &str {
        self.tr.t(key)
    }

    /// The same chrome for one of several forms on a page: its controls get ids
    /// `f-{scope}-{name}`, so labels and error links point into that form only.
    #[must_use]
    pub fn scoped(&self, scope: &'a str) -> Self {
        Self {
            scope,
            ..self.clone()
        }
    }

    /// The id of the control for field `name` (`f-name`, or `f-scope-name` in a scoped form).
    pub fn field_id(&self, name: &str) -> String {
        if self.scope.is_empty() {
            format!("f-{name}")
        } else {
            format!("f-{}-{name}", self.scope)
        }
    }

    /// A time as local `dd.mm.yyyy HH:MM`.
    pub fn time(&self, at: Timestamp) -> String {
        at.to_zoned(self.tz.clone())
            .strftime("%d.%m.%Y %H:%M")
            .to_string()
    }
}

fn nav_link(c: &Chrome, href: &str, key: &'static str) -> Markup {
    let current = c.path == href;
    html! {
        li { a href=(href) aria-current=[current.then_some("page")] { (c.t(key)) } }
    }
}

/// A complete HTML page.
#[allow(clippy::needless_pass_by_value)] // callers write `page(c, title, html! { … })`
pub fn page(c: &Chrome, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(c.tr.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — " (c.t("app.name")) }
                meta name="theme-color" content=(THEME_COLOR);
                link rel="stylesheet" href=(c.assets.style_path);
                link rel="icon" href=(c.assets.icon_path) type="image/svg+xml";
                link rel="apple-touch-icon" href=(c.assets.touch_icon_path);
                link rel="manifest" href=(MANIFEST_PATH);
                script src=(c.assets.script_path) defer {}
            }
            body {
                a.skip-link href="#main" { (c.t("nav.skip")) }
                header.site {
                    a.brand href=(paths::HOME) { (c.t("app.name")) }
                    nav.main aria-label=(c.t("nav.label")) {
                        ul {
                            @match &c.user {
                                None => {
                                    (nav_link(c, paths::LOGIN, "nav.login"))
                                    (nav_link(c, paths::REGISTER, "nav.register"))
                                }
                                Some(user) if user.applicant => {
                                    (nav_link(c, paths::CABINET, "nav.cabinet"))
                                    (nav_link(c, paths::NEW_APPEAL, "nav.new_appeal"))
                                }
                                Some(user) => {
                                    @if !user.roles.is_empty() {
                                        (nav_link(c, paths::REGISTRY, "nav.registry"))
                                    }
                                    @if user.roles.any(&[Role::Clerk, Role::Director, Role::Admin]) {
                                        (nav_link(c, paths::REGISTRY_NEW, "nav.register_appeal"))
                                    }
                                    @if user.roles.any(&[Role::Director, Role::Admin]) {
                                        (nav_link(c, paths::REPORTS, "report.nav"))
                                    }
                                    @if user.roles.has(Role::Admin) {
                                        (nav_link(c, paths::ADMIN, "nav.admin"))
                                    }
                                }
                            }
                            @if c.user.is_some() {
                                li {
                                    a href=(paths::NOTICES) aria-current=[(c.path == paths::NOTICES).then_some("page")] {
                                        (c.t("nav.notices"))
                                        @if c.unread > 0 { " " span.count { (c.unread) } }
                                    }
                                }
                            }
                        }
                    }
                    form.lang method="post" action=(paths::LANG) {
                        input type="hidden" name="csrf" value=(c.csrf);
                        input type="hidden" name="next" value=(c.path);
                        @for lang in Lang::ALL {
                            button type="submit" name="lang" value=(lang.code()) lang=(lang.code())
                                aria-pressed=(if lang == c.tr.lang { "true" } else { "false" }) {
                                (lang.native_name())
                            }
                        }
                    }
                    @if let Some(user) = &c.user {
                        form.signout method="post" action=(paths::LOGOUT) {
                            input type="hidden" name="csrf" value=(c.csrf);
                            span.muted { (user.name) " · " }
                            a href=(paths::PASSWORD) { (c.t("nav.password")) }
                            " · "
                            a href=(paths::SESSIONS) { (c.t("nav.sessions")) }
                            " "
                            button.link type="submit" { (c.t("nav.logout")) }
                        }
                    }
                }
                main #main .container { (body) }
                footer.site {
                    p { (c.institution) }
                    p.muted { (c.t("footer.note")) }
                }
            }
        }
    }
}
