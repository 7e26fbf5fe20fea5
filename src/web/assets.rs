//! Static files embedded in the binary.
//!
//! The stylesheet, the script, the icons and the offline page are served under content-hashed
//! names (`/assets/style-1a2b3c4d5e6f.css`) and cached for a year: a changed file gets a new
//! name, so no browser ever keeps a stale copy. The service worker (`/sw.js`) and the web-app
//! manifest keep fixed names, because browsers look them up by URL, and are revalidated on every
//! use. Every page works without the script; it only adds focus on errors and the offline list.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::response::Response;

const STYLE: &str = include_str!("../../assets/style.css");
const SCRIPT: &str = include_str!("../../assets/app.js");
const NCALAYER_SCRIPT: &str = include_str!("../../assets/ncalayer.js");
const PASSKEYS_SCRIPT: &str = include_str!("../../assets/passkeys.js");
const SERVICE_WORKER: &str = include_str!("../../assets/sw.js");
const OFFLINE: &str = include_str!("../../assets/offline.html");
const ICON_SVG: &[u8] = include_bytes!("../../assets/icons/icon.svg");
const ICON_192: &[u8] = include_bytes!("../../assets/icons/icon-192.png");
const ICON_512: &[u8] = include_bytes!("../../assets/icons/icon-512.png");
const MASKABLE_512: &[u8] = include_bytes!("../../assets/icons/maskable-512.png");
const TOUCH_ICON: &[u8] = include_bytes!("../../assets/icons/apple-touch-icon.png");

/// Where the service worker is served; at the root so that it may control every page.
pub const SERVICE_WORKER_PATH: &str = "/sw.js";
/// Where the web-app manifest is served.
pub const MANIFEST_PATH: &str = "/manifest.webmanifest";
/// The browser-interface colour of the installed app (the accent colour of the stylesheet).
pub const THEME_COLOR: &str = "#0b4f8a";

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// One embedded file as it is served.
#[derive(Clone)]
struct File {
    content_type: &'static str,
    body: Vec<u8>,
    cache_control: &'static str,
}

impl std::fmt::Debug for File {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({} bytes)", self.content_type, self.body.len())
    }
}

/// The embedded assets and their URLs.
#[derive(Debug, Clone)]
pub struct Assets {
    /// URL of the stylesheet.
    pub style_path: String,
    /// URL of the progressive-enhancement script.
    pub script_path: String,
    /// URL of the script that asks `NCALayer` for an electronic signature (only the ЭЦП pages
    /// and forms load it).
    pub ncalayer_path: String,
    /// URL of the passkey pages' script (`navigator.credentials`); only those pages load it.
    pub passkeys_script_path: String,
    /// URL of the scalable icon (also the favicon).
    pub icon_path: String,
    /// URL of the 180 px icon for iOS home screens.
    pub touch_icon_path: String,
    /// URL of the page shown for any other page while offline.
    pub offline_path: String,
    files: HashMap<String, File>,
}

/// `/assets/{stem}-{first 12 hex digits of SHA-256}.{ext}`.
fn hashed(stem: &str, ext: &str, body: &[u8]) -> String {
    let hash = crate::hex::encode(&Sha256::digest(body)[..6]);
    format!("/assets/{stem}-{hash}.{ext}")
}

/// The web-app manifest naming the hashed icons.
fn manifest(svg: &str, png_192: &str, png_512: &str, maskable: &str) -> Vec<u8> {
    serde_json::json!({
        "id": "/",
        "name": "Otinish — өтініштер қабылдау",
        "short_name": "Otinish",
        "description": "Өтініштер қабылдау · Приём обращений · Appeals desk",
        "lang": "kk",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [
            { "src": svg, "sizes": "any", "type": "image/svg+xml" },
            { "src": png_192, "sizes": "192x192", "type": "image/png" },
            { "src": png_512, "sizes": "512x512", "type": "image/png" },
            { "src": maskable, "sizes": "512x512", "type": "image/png", "purpose": "maskable" },
        ],
    })
    .to_string()
    .into_bytes()
}

/// The service worker with the shell it caches; its cache name changes with any shell file.
fn worker(shell: &[&str], offline: &str) -> Vec<u8> {
    let version = crate::hex::encode(&Sha256::digest(shell.join(" "))[..6]);
    SERVICE_WORKER
        .replace("__VERSION__", &version)
        .replace("__SHELL_URLS__", &serde_json::json!(shell).to_string())
        .replace("__OFFLINE__", offline)
        .into_bytes()
}

impl Assets {
    /// Computes the hashed names and fills the templates (offline page, manifest, worker).
    pub fn new() -> Self {
        let mut files = HashMap::new();
        let mut add = |stem: &str, ext: &str, content_type: &'static str, body: Vec<u8>| {
            let path = hashed(stem, ext, &body);
            files.insert(
                path.clone(),
                File {
                    content_type,
                    body,
                    cache_control: IMMUTABLE,
                },
            );
            path
        };
        let style_path = add(
            "style",
            "css",
            "text/css; charset=utf-8",
            STYLE.as_bytes().to_vec(),
        );
        let script_path = add(
            "app",
            "js",
            "text/javascript; charset=utf-8",
            SCRIPT.as_bytes().to_vec(),
        );
        let passkeys_script_path = add(
            "passkeys",
            "js",
            "text/javascript; charset=utf-8",
            PASSKEYS_SCRIPT.as_bytes().to_vec(),
        );
        let ncalayer_path = add(
            "ncalayer",
            "js",
            "text/javascript; charset=utf-8",
            NCALAYER_SCRIPT.as_bytes().to_vec(),
        );
        let icon_path = add("icon", "svg", "image/svg+xml", ICON_SVG.to_vec());
        let icon_192 = add("icon-192", "png", "image/png", ICON_192.to_vec());
        let icon_512 = add("icon-512", "png", "image/png", ICON_512.to_vec());
        let maskable = add("maskable-512", "png", "image/png", MASKABLE_512.to_vec());
        let touch_icon_path = add("apple-touch-icon", "png", "image/png", TOUCH_ICON.to_vec());
        let offline = OFFLINE
            .replace("__STYLE__", &style_path)
            .replace("__ICON__", &icon_path);
        let offline_path = add(
            "offline",
            "html",
            "text/html; charset=utf-8",
            offline.into_bytes(),
        );

        files.insert(
            MANIFEST_PATH.to_owned(),
            File {
                content_type: "application/manifest+json",
                body: manifest(&icon_path, &icon_192, &icon_512, &maskable),
                cache_control: REVALIDATE,
            },
        );
        let shell = [
            style_path.as_str(),
            &script_path,
            &icon_path,
            &icon_192,
            &offline_path,
        ];
        files.insert(
            SERVICE_WORKER_PATH.to_owned(),
            File {
                content_type: "text/javascript; charset=utf-8",
                body: worker(&shell, &offline_path),
                cache_control: REVALIDATE,
            },
        );

        Self {
            style_path,
            script_path,
            ncalayer_path,
            passkeys_script_path,
            icon_path,
            touch_icon_path,
            offline_path,
            files,
        }
    }

    /// The asset at `path`, if there is one.
    pub fn serve(&self, path: &str) -> Option<Response> {
        self.files.get(path).map(|file| {
            Response::bytes(file.content_type, file.body.clone())
                .with_header("cache-control", file.cache_control)
        })
    }
}

impl Default for Assets {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn body(assets: &Assets, path: &str) -> String {
        String::from_utf8(assets.serve(path).unwrap().body).unwrap()
    }

    #[test]
    fn hashed_files_are_cached_for_a_year_and_the_rest_revalidated() {
        let assets = Assets::new();
        for path in [
            &assets.style_path,
            &assets.script_path,
            &assets.passkeys_script_path,
            &assets.icon_path,
            &assets.touch_icon_path,
            &assets.offline_path,
        ] {
            let response = assets.serve(path).unwrap();
            assert_eq!(response.header("cache-control"), Some(IMMUTABLE), "{path}");
            assert!(path.starts_with("/assets/"), "{path}");
        }
        for path in [SERVICE_WORKER_PATH, MANIFEST_PATH] {
            let response = assets.serve(path).unwrap();
            assert_eq!(response.header("cache-control"), Some(REVALIDATE), "{path}");
        }
        assert!(assets.serve("/assets/style.css").is_none());
    }

    #[test]
    fn a_changed_file_gets_a_new_name() {
        assert_ne!(hashed("style", "css", b"a"), hashed("style", "css", b"b"));
        assert_eq!(hashed("style", "css", b"a"), hashed("style", "css", b"a"));
    }

    #[test]
    fn the_manifest_names_icons_that_are_served() {
        let assets = Assets::new();
        let manifest: serde_json::Value =
            serde_json::from_str(&body(&assets, MANIFEST_PATH)).unwrap();
        let icons = manifest["icons"].as_array().unwrap();
        assert!(icons.iter().any(|i| i["sizes"] == "192x192"));
        assert!(icons.iter().any(|i| i["sizes"] == "512x512"));
        assert!(icons.iter().any(|i| i["purpose"] == "maskable"));
        for icon in icons {
            assert!(assets.serve(icon["src"].as_str().unwrap()).is_some());
        }
    }

    #[test]
    fn the_worker_and_the_offline_page_name_the_current_shell() {
        let assets = Assets::new();
        let worker = body(&assets, SERVICE_WORKER_PATH);
        assert!(!worker.contains("__"), "a placeholder is left: {worker}");
        for path in [
            &assets.style_path,
            &assets.script_path,
            &assets.offline_path,
        ] {
            assert!(worker.contains(path.as_str()), "{path}");
        }
        let offline = body(&assets, &assets.offline_path);
        assert!(offline.contains(&assets.style_path));
        assert!(!offline.contains("__"));
    }
}
