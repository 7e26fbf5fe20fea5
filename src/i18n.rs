//! Interface texts in Kazakh, Russian and English.
//!
//! Catalogues are `assets/i18n/{kk,ru,en}.toml`, embedded at build time and flattened to
//! dotted keys (`[nav] home = …` → `nav.home`). Tests fail when a key is missing from any
//! language or when the code asks for a key no catalogue has.

use std::collections::HashMap;

pub use crate::domain::lang::Lang;

const SOURCES: [(Lang, &str); 3] = [
    (Lang::Kk, include_str!("../assets/i18n/kk.toml")),
    (Lang::Ru, include_str!("../assets/i18n/ru.toml")),
    (Lang::En, include_str!("../assets/i18n/en.toml")),
];

/// All three catalogues, loaded once at start and shared read-only.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    tables: [HashMap<String, String>; 3],
}

fn slot(lang: Lang) -> usize {
    match lang {
        Lang::Kk => 0,
        Lang::Ru => 1,
        Lang::En => 2,
    }
}

fn flatten(
    prefix: &str,
    table: &toml::Table,
    out: &mut HashMap<String, String>,
) -> Result<(), String> {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::String(text) => {
                out.insert(full, text.clone());
            }
            toml::Value::Table(inner) => flatten(&full, inner, out)?,
            _ => return Err(format!("i18n key `{full}` is not a string")),
        }
    }
    Ok(())
}

impl Catalog {
    /// Parses the embedded catalogues.
    pub fn load() -> Result<Self, String> {
        let mut tables: [HashMap<String, String>; 3] = Default::default();
        for (lang, source) in SOURCES {
            let table: toml::Table =
                toml::from_str(source).map_err(|e| format!("i18n {}: {e}", lang.code()))?;
            flatten("", &table, &mut tables[slot(lang)])?;
        }
        Ok(Self { tables })
    }

    /// A translator for one language.
    pub fn tr(&self, lang: Lang) -> Tr<'_> {
        Tr {
            lang,
            catalog: self,
        }
    }

    /// The keys of one language.
    pub fn keys(&self, lang: Lang) -> impl Iterator<Item = &str> {
        self.tables[slot(lang)].keys().map(String::as_str)
    }
}

/// Looks texts up in one language.
#[derive(Debug, Clone, Copy)]
pub struct Tr<'a> {
    /// The language.
    pub lang: Lang,
    catalog: &'a Catalog,
}

impl<'a> Tr<'a> {
    /// The text for `key`; the key itself when missing (tests keep that from happening).
    pub fn t(&self, key: &'a str) -> &'a str {
        self.catalog.tables[slot(self.lang)]
            .get(key)
            .map_or(key, String::as_str)
    }

    /// The text for `key` with `{name}` placeholders replaced.
    pub fn fmt(&self, key: &'a str, args: &[(&str, &str)]) -> String {
        args.iter()
            .fold(self.t(key).to_owned(), |text, (name, value)| {
                text.replace(&format!("{{{name}}}"), value)
            })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_key_exists_in_every_language() {
        let catalog = Catalog::load().unwrap();
        let all: BTreeSet<&str> = Lang::ALL.iter().flat_map(|l| catalog.keys(*l)).collect();
        for lang in Lang::ALL {
            let have: BTreeSet<&str> = catalog.keys(lang).collect();
            let missing: Vec<_> = all.difference(&have).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
        }
    }

    #[test]
    fn no_text_is_empty() {
        let catalog = Catalog::load().unwrap();
        for lang in Lang::ALL {
            for key in catalog.keys(lang) {
                assert!(
                    !catalog.tr(lang).t(key).trim().is_empty(),
                    "{}: {key} is empty",
                    lang.code()
                );
            }
        }
    }

    #[test]
    fn placeholders_are_filled() {
        let catalog = Catalog::load().unwrap();
        let text = catalog
            .tr(Lang::En)
            .fmt("registry.due_in", &[("date", "2026-03-24")]);
        assert!(text.contains("2026-03-24"), "{text}");
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod coverage {
    //! The code may only ask for keys the catalogues have.
    use super::*;
    use crate::domain::calendar::Holiday;
    use crate::domain::kind::{AppealKind, Channel, Outcome, Status};
    use crate::domain::user::Role;

    fn source_files(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                source_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(std::fs::read_to_string(&path).unwrap());
            }
        }
    }

    /// Every `"group.key"` literal in the code whose group is a catalogue group.
    fn keys_in_code() -> Vec<String> {
        let catalog = Catalog::load().unwrap();
        let groups: std::collections::BTreeSet<&str> = catalog
            .keys(Lang::En)
            .filter_map(|k| k.split('.').next())
            .collect();
        let mut files = Vec::new();
        source_files(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut keys = Vec::new();
        for text in files {
            for literal in text.split('"').skip(1).step_by(2) {
                let mut parts = literal.split('.');
                let group = parts.next().unwrap_or_default();
                let valid = literal
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
                let file_name = [".jsonl", ".json", ".redb", ".toml", ".pdf", ".csv"]
                    .iter()
                    .any(|ext| literal.ends_with(ext));
                if valid
                    && !file_name
                    && literal.contains('.')
                    && groups.contains(group)
                    && !literal.ends_with('.')
                {
                    keys.push(literal.to_owned());
                }
            }
        }
        keys
    }

    #[test]
    fn every_key_the_code_uses_is_translated() {
        let catalog = Catalog::load().unwrap();
        let mut wanted = keys_in_code();
        wanted.extend(AppealKind::ALL.iter().map(|k| k.label_key().to_owned()));
        wanted.extend(Status::ALL.iter().map(|k| k.label_key().to_owned()));
        wanted.extend(Channel::ALL.iter().map(|k| k.label_key().to_owned()));
        wanted.extend(Outcome::ALL.iter().map(|k| k.label_key().to_owned()));
        wanted.extend(Role::ALL.iter().map(|k| k.label_key().to_owned()));
        wanted.extend(
            [
                Holiday::NewYear,
                Holiday::Nauryz,
                Holiday::OrthodoxChristmas,
            ]
            .iter()
            .map(|h| h.key().to_owned()),
        );
        assert!(
            wanted.len() > 100,
            "the scan found too few keys: {}",
            wanted.len()
        );
        for lang in Lang::ALL {
            let have: std::collections::BTreeSet<&str> = catalog.keys(lang).collect();
            let missing: Vec<&String> = wanted
                .iter()
                .filter(|k| !have.contains(k.as_str()))
                .collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
        }
    }
}
