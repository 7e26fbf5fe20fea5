//! Log lines to stderr: `time level target: message`, at the configured level.

use std::io::Write;

use crate::clock::Clock;

struct StderrLog {
    level: log::LevelFilter,
    clock: Clock,
}

impl log::Log for StderrLog {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= self.level
    }

    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            let now = self.clock.now();
            let line = format!(
                "{now} {:5} {}: {}\n",
                record.level(),
                record.target(),
                record.args()
            );
            let _ = std::io::stderr().lock().write_all(line.as_bytes());
        }
    }

    fn flush(&self) {}
}

/// Installs the logger once; later calls (tests, demo after serve) are ignored.
pub fn init(level: log::LevelFilter) {
    let logger = Box::new(StderrLog {
        level,
        clock: Clock::system(),
    });
    if log::set_boxed_logger(logger).is_ok() {
        log::set_max_level(level);
    }
}
