//! Automatic daily backups: after the configured local time, one consistent copy of the store a
//! day goes into the backup folder as `otinish-YYYY-MM-DD.redb`, and only the newest `keep` such
//! files stay. The server's housekeeping thread calls [`take_if_due`] every minute; the admin
//! page lists what is there with [`list`].
//!
//! Only files named by this module are ever deleted: anything else in the folder is left alone.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::{Ctx, Error, Result};
use crate::config::Backups;

const PREFIX: &str = "otinish-";
const SUFFIX: &str = ".redb";

/// One automatic backup in the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupFile {
    /// The day it was taken.
    pub day: Date,
    /// Where it is.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
}

fn file_name(day: Date) -> String {
    format!("{PREFIX}{}{SUFFIX}", day.strftime("%Y-%m-%d"))
}

fn day_of(name: &str) -> Option<Date> {
    name.strip_prefix(PREFIX)?
        .strip_suffix(SUFFIX)?
        .parse()
        .ok()
}

fn io_error(path: &Path, err: std::io::Error) -> Error {
    Error::Facility {
        what: format!("backup folder {}", path.display()),
        source: Box::new(err),
    }
}

/// The automatic backups in the folder, newest first (an absent folder has none).
pub fn list(policy: &Backups) -> Result<Vec<BackupFile>> {
    let entries = match std::fs::read_dir(&policy.folder) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(io_error(&policy.folder, err)),
    };
    let mut files: Vec<BackupFile> = entries
        .filter_map(std::result::Result::ok)
        .filter_map(|entry| {
            let day = day_of(entry.file_name().to_str()?)?;
            let bytes = entry.metadata().ok()?.len();
            Some(BackupFile {
                day,
                path: entry.path(),
                bytes,
            })
        })
        .collect();
    files.sort_by_key(|f| std::cmp::Reverse(f.day));
    Ok(files)
}

/// Takes today's copy if automatic backups are on, the local time is past `policy.at` and
/// today's file is not there yet; then removes all but the newest `policy.keep`. Returns the
/// new copy's path, if one was taken.
pub fn take_if_due(ctx: &Ctx, policy: &Backups) -> Result<Option<PathBuf>> {
    if policy.keep == 0 {
        return Ok(None);
    }
    let local = ctx.local(ctx.now());
    if local.time() < policy.at {
        return Ok(None);
    }
    let path = policy.folder.join(file_name(local.date()));
    if path.exists() {
        return Ok(None);
    }
    std::fs::create_dir_all(&policy.folder).map_err(|e| io_error(&policy.folder, e))?;
    let summary = ctx.store.backup_to(&path)?;
    log::info!(
        "daily backup written: {} ({} bytes)",
        path.display(),
        summary.bytes
    );
    for old in list(policy)?.into_iter().skip(policy.keep) {
        match std::fs::remove_file(&old.path) {
            Ok(()) => log::info!("old daily backup removed: {}", old.path.display()),
            Err(err) => log::warn!("removing {}: {err}", old.path.display()),
        }
    }
    Ok(Some(path))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::config::Config;
    use crate::service::Rules;
    use crate::store::{FILE_NAME, Store, verify_copy};

    fn at(day: &str, time: &str) -> jiff::Timestamp {
        // Local +05:00, as the default configuration.
        format!("{day}T{time}+05:00[+05:00]")
            .parse::<jiff::Zoned>()
            .unwrap()
            .timestamp()
    }

    /// The folder's IO error is kept as the source (callers can ask its kind), under the
    /// message the log always showed.
    #[test]
    fn an_unreadable_backup_folder_keeps_its_io_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-folder");
        std::fs::write(&file, b"x").unwrap();
        let policy = Backups {
            folder: file.clone(),
            folder_in_data_dir: false,
            keep: 3,
            at: "02:00".parse().unwrap(),
        };
        let err = list(&policy).unwrap_err();
        let source = std::error::Error::source(&err)
            .and_then(|s| s.downcast_ref::<std::io::Error>())
            .unwrap();
        assert_eq!(
            err.to_string(),
            format!("database: backup folder {}: {source}", file.display())
        );
    }

    #[test]
    fn one_copy_a_day_after_the_set_time_and_only_the_newest_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join(FILE_NAME)).unwrap();
        let ctx = Ctx::new(
            store,
            Clock::fixed(at("2026-03-02", "01:59")),
            Rules::from_config(&Config::default()),
        );
        crate::service::admin::setup_if_empty(&ctx, &crate::service::admin::SetupForm::sample())
            .unwrap();
        let policy = Backups {
            folder: dir.path().join("backups"),
            folder_in_data_dir: true,
            keep: 3,
            at: "02:00".parse().unwrap(),
        };
        assert_eq!(take_if_due(&ctx, &policy).unwrap(), None, "before 02:00");

        ctx.clock.set(at("2026-03-02", "02:01"));
        let first = take_if_due(&ctx, &policy).unwrap().unwrap();
        assert!(
            first.ends_with("otinish-2026-03-02.redb"),
            "{}",
            first.display()
        );
        assert!(verify_copy(&first).unwrap().problems.is_empty());
        assert_eq!(take_if_due(&ctx, &policy).unwrap(), None, "once a day");

        std::fs::write(policy.folder.join("notes.txt"), "the admin's own file").unwrap();
        for day in ["2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"] {
            ctx.clock.set(at(day, "23:00"));
            assert!(take_if_due(&ctx, &policy).unwrap().is_some(), "{day}");
        }
        let days: Vec<String> = list(&policy)
            .unwrap()
            .iter()
            .map(|f| f.day.to_string())
            .collect();
        assert_eq!(days, ["2026-03-06", "2026-03-05", "2026-03-04"]);
        assert!(policy.folder.join("notes.txt").exists(), "other files stay");
    }

    #[test]
    fn keep_zero_turns_automatic_backups_off() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = Ctx::new(
            Store::in_memory().unwrap(),
            Clock::fixed(at("2026-03-02", "12:00")),
            Rules::from_config(&Config::default()),
        );
        let policy = Backups {
            folder: dir.path().join("backups"),
            folder_in_data_dir: true,
            keep: 0,
            at: "02:00".parse().unwrap(),
        };
        assert_eq!(take_if_due(&ctx, &policy).unwrap(), None);
        assert!(!policy.folder.exists());
    }
}
