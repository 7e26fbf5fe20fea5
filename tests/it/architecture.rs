//! The layer rules of STYLE.md, checked over the source tree.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Product code only: `//` comments dropped (docs may name what the code must not use) and
/// the `#[cfg(test)]` module at the end left out (tests may build fixtures through any layer).
fn code_of(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .take_while(|l| l.trim() != "#[cfg(test)]")
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn offenders(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in rust_files(&src().join(dir)) {
        let code = code_of(&file);
        for word in forbidden {
            if code.contains(word) {
                found.push(format!("{} uses {word}", file.display()));
            }
        }
    }
    found
}

#[test]
fn every_source_file_starts_with_a_module_doc() {
    let missing: Vec<_> = rust_files(&src())
        .into_iter()
        .filter(|f| !std::fs::read_to_string(f).unwrap().starts_with("//!"))
        .collect();
    assert!(missing.is_empty(), "{missing:?}");
}

#[test]
fn the_domain_is_pure() {
    let found = offenders(
        "domain",
        &[
            "redb",
            "hyper",
            "tokio",
            "maud",
            "std::fs",
            "std::net",
            "crate::store",
            "crate::web",
            "crate::service",
            "SystemTime",
        ],
    );
    assert!(found.is_empty(), "{found:#?}");
}

/// Domain types have no serde: what is stored or exported is a frozen record of
/// `store::records`, so a domain type can change without changing a byte on disk.
/// Tests included, comments left out. See: issue 13.
#[test]
fn the_domain_has_no_serde() {
    let mut found = Vec::new();
    for file in rust_files(&src().join("domain")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for word in ["serde", "Serialize", "Deserialize"] {
                if code.contains(word) {
                    found.push(format!("{}:{} uses {word}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn crypto_is_pure_verification() {
    let found = offenders(
        "crypto",
        &[
            "crate::store",
            "crate::service",
            "crate::web",
            "std::fs",
            "std::net",
            "SystemTime",
            "redb",
            "tokio",
        ],
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_store_knows_only_the_domain() {
    let found = offenders(
        "store",
        &[
            "crate::service",
            "crate::web",
            "crate::commands",
            "hyper",
            "maud",
        ],
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_service_knows_no_web_or_database_engine() {
    let found = offenders(
        "service",
        &[
            "crate::web",
            "crate::commands",
            "redb::",
            "hyper",
            "maud",
            "tokio",
        ],
    );
    assert!(found.is_empty(), "{found:#?}");
}

/// Handlers read and write through service functions only; the store's types they show come
/// re-exported by the service module that owns the use case.
#[test]
fn handlers_go_through_the_service() {
    let found = offenders("web/handlers", &["crate::store", "redb::"]);
    assert!(found.is_empty(), "{found:#?}");
}

/// Nothing in the web layer (handlers, the page chrome, sessions) opens the store: every page
/// gets what it shows from one service read model (`service::pages`) or one use case. Only
/// `web/error.rs` names a store type, to turn "cannot be written" into its page.
/// See: issue 13 (`Call::chrome` read the store itself).
#[test]
fn the_web_layer_never_opens_the_store() {
    let mut found = Vec::new();
    for file in rust_files(&src().join("web")) {
        let code = code_of(&file);
        let opens = code
            .match_indices(".store")
            .any(|(at, _)| !code[at + 6..].starts_with(|c: char| c.is_alphanumeric() || c == '_'));
        if opens {
            found.push(format!("{} uses ctx.store", file.display()));
        }
        if code.contains("crate::store") && !file.ends_with("web/error.rs") {
            found.push(format!("{} uses crate::store", file.display()));
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn views_are_pure_functions_of_view_models() {
    let found = offenders("web/views", &["crate::store", "crate::service", "redb"]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_report_formats_only_lay_out_figures() {
    let found = offenders(
        "report",
        &["crate::store", "crate::service", "crate::web", "redb"],
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn async_lives_in_the_server_file_only() {
    let mut found = Vec::new();
    for file in rust_files(&src()) {
        if file.ends_with("web/server.rs") {
            continue;
        }
        let code = code_of(&file);
        for word in ["hyper", "tokio", "async fn", "hyper_util", "http_body_util"] {
            if code.contains(word) {
                found.push(format!("{} uses {word}", file.display()));
            }
        }
        // `.await` as a keyword, not the start of a name such as `awaiting_signature`.
        let awaits = code
            .match_indices(".await")
            .any(|(at, _)| !code[at + 6..].starts_with(|c: char| c.is_alphanumeric() || c == '_'));
        if awaits {
            found.push(format!("{} uses .await", file.display()));
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn only_the_clock_reads_the_system_time() {
    let found: Vec<_> = rust_files(&src())
        .into_iter()
        .filter(|f| !f.ends_with("clock.rs"))
        .filter(|f| code_of(f).contains("SystemTime::now") || code_of(f).contains("Timestamp::now"))
        .collect();
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn redb_stays_inside_the_store() {
    let found: Vec<_> = rust_files(&src())
        .into_iter()
        .filter(|f| !f.starts_with(src().join("store")))
        .filter(|f| code_of(f).contains("redb::") || code_of(f).contains("use redb"))
        .collect();
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn clap_stays_in_the_cli_and_main() {
    let found: Vec<_> = rust_files(&src())
        .into_iter()
        .filter(|f| !f.ends_with("cli.rs") && !f.ends_with("main.rs"))
        .filter(|f| code_of(f).contains("clap::"))
        .collect();
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn there_are_no_junk_drawer_modules() {
    let found: Vec<_> = rust_files(&src())
        .into_iter()
        .filter(|f| {
            let name = f.file_stem().unwrap().to_string_lossy();
            matches!(name.as_ref(), "utils" | "helpers" | "common" | "misc")
        })
        .collect();
    assert!(found.is_empty(), "{found:?}");
}
