//! The three interface languages, and text that is kept in all three.

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Kazakh, the state language and the default.
    #[default]
    Kk,
    /// Russian.
    Ru,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the order the switch shows them.
    pub const ALL: [Lang; 3] = [Lang::Kk, Lang::Ru, Lang::En];

    /// The ISO 639-1 code, also the `lang` attribute of pages.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// Parses a code (`kk`, `ru`, `en`).
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "kk" => Some(Lang::Kk),
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language's own name, for the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Kk => "Қазақша",
            Lang::Ru => "Русский",
            Lang::En => "English",
        }
    }
}

/// A name kept in every language (units, categories, the institution).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Names {
    /// Kazakh.
    pub kk: String,
    /// Russian.
    pub ru: String,
    /// English.
    pub en: String,
}

impl Names {
    /// The name in `lang`, falling back to Kazakh, then Russian, when it is empty.
    pub fn get(&self, lang: Lang) -> &str {
        let wanted = match lang {
            Lang::Kk => &self.kk,
            Lang::Ru => &self.ru,
            Lang::En => &self.en,
        };
        [wanted, &self.kk, &self.ru, &self.en]
            .into_iter()
            .find(|s| !s.is_empty())
            .map_or("", String::as_str)
    }

    /// The same text in every language.
    pub fn same(text: &str) -> Self {
        Self {
            kk: text.to_owned(),
            ru: text.to_owned(),
            en: text.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("de"), None);
    }

    #[test]
    fn a_missing_translation_falls_back_to_kazakh() {
        let names = Names {
            kk: "Бөлім".into(),
            ru: String::new(),
            en: "Unit".into(),
        };
        assert_eq!(names.get(Lang::Ru), "Бөлім");
        assert_eq!(names.get(Lang::En), "Unit");
    }
}
