//! Static files embedded in the binary, served under content-hashed names so they can be
//! cached for a year.

use sha2::{Digest, Sha256};

use super::response::Response;

const STYLE: &str = include_str!("../../assets/style.css");

/// The embedded assets and their hashed URLs.
#[derive(Debug, Clone)]
pub struct Assets {
    /// URL of the stylesheet.
    pub style_path: String,
}

impl Assets {
    /// Computes the hashed names.
    pub fn new() -> Self {
        let hash = crate::hex::encode(&Sha256::digest(STYLE.as_bytes())[..6]);
        Self {
            style_path: format!("/assets/style-{hash}.css"),
        }
    }

    /// The asset at `path`, if there is one.
    pub fn serve(&self, path: &str) -> Option<Response> {
        (path == self.style_path).then(|| {
            Response::bytes("text/css; charset=utf-8", STYLE.as_bytes().to_vec())
                .with_header("cache-control", "public, max-age=31536000, immutable")
        })
    }
}

impl Default for Assets {
    fn default() -> Self {
        Self::new()
    }
}
