//! axe-core, injected into the page under test, checking WCAG 2.0 and 2.1 at levels A and AA.
//!
//! The script is vendored unmodified from the npm package (see `vendor/README.md`); it runs in
//! the page through `WebDriver`, so the page's Content-Security-Policy does not have to allow it.

use super::driver::Session;

const AXE: &str = include_str!("vendor/axe.min.js");

/// The rule sets checked: every WCAG 2.0 and 2.1 success criterion at level A or AA.
const TAGS: &str = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']";

/// One failed rule, as a person fixing it wants to read it.
#[derive(Debug)]
pub struct Violation {
    pub rule: String,
    pub impact: String,
    pub help: String,
    pub targets: Vec<String>,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {} at {}",
            self.rule,
            self.impact,
            self.help,
            self.targets.join(", ")
        )
    }
}

/// Runs axe on the current page and returns its violations and the number of rules that passed.
pub fn audit(session: &Session) -> (Vec<Violation>, usize) {
    if session.js("return typeof window.axe;") != "object" {
        session.js(AXE);
    }
    let result = session.js_async(&format!(
        "const done = arguments[arguments.length - 1]; \
         axe.run(document, {{ runOnly: {{ type: 'tag', values: {TAGS} }}, resultTypes: ['violations'] }}) \
           .then(r => done({{ violations: r.violations, passes: r.passes.length }}), \
                 e => done({{ error: String(e) }}));"
    ));
    assert!(
        result.get("error").is_none(),
        "axe failed: {}",
        result["error"]
    );
    let violations = result["violations"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|v| Violation {
            rule: v["id"].as_str().unwrap_or_default().to_owned(),
            impact: v["impact"].as_str().unwrap_or_default().to_owned(),
            help: v["help"].as_str().unwrap_or_default().to_owned(),
            targets: v["nodes"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|n| n["target"].to_string())
                .collect(),
        })
        .collect();
    let passes = usize::try_from(result["passes"].as_u64().unwrap_or(0)).unwrap_or(0);
    (violations, passes)
}

/// Fails with every violation on the current page listed.
pub fn assert_clean(session: &Session, page: &str) -> usize {
    let (violations, passes) = audit(session);
    assert!(
        violations.is_empty(),
        "axe finds WCAG 2.1 A/AA violations on {page} ({}):\n{}",
        session.path(),
        violations
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
    passes
}
