//! Interface texts in Kazakh, Russian and English.
pub use crate::domain::lang::Lang;
