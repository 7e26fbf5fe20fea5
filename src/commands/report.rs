//! `otinish report`: the report on appeals for a period, written to a file. A progress line
//! goes to stderr while appeals are read, but only on a terminal (scripts see clean output).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{IsTerminal, Write};
use std::time::Instant;

use anyhow::Context;

use super::{load_config, open_ctx};
use crate::cli::{ReportArgs, ReportFormat, ReportLang};
use crate::domain::lang::Lang;
use crate::i18n::Catalog;
use crate::report::{self, Format};
use crate::service::reports;

fn format(arg: ReportFormat) -> Format {
    match arg {
        ReportFormat::Pdf => Format::Pdf,
        ReportFormat::Docx => Format::Docx,
        ReportFormat::Xlsx => Format::Xlsx,
        ReportFormat::Csv => Format::Csv,
        ReportFormat::Html => Format::Html,
    }
}

fn lang(arg: ReportLang) -> Lang {
    match arg {
        ReportLang::Kk => Lang::Kk,
        ReportLang::Ru => Lang::Ru,
        ReportLang::En => Lang::En,
    }
}

/// A one-line progress display, redrawn at most every tenth of a second.
struct Progress {
    on: bool,
    last: Option<Instant>,
}

impl Progress {
    fn update(&mut self, done: u64, total: u64) {
        if !self.on || total == 0 {
            return;
        }
        let now = Instant::now();
        if done < total
            && self
                .last
                .is_some_and(|t| now - t < std::time::Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(now);
        let width = 30u64;
        let filled = usize::try_from(done * width / total).unwrap_or(0);
        let bar = format!("{:<30}", "#".repeat(filled));
        eprint!("\rreading appeals [{bar}] {done}/{total}");
        if done >= total {
            eprintln!();
        }
        let _ = std::io::stderr().flush();
    }
}

pub(super) fn run(args: &ReportArgs) -> anyhow::Result<()> {
    let config = load_config(&args.store)?;
    let ctx = open_ctx(&config)?;
    let period = reports::period(&ctx, &args.from, &args.to).map_err(|e| {
        anyhow::anyhow!(
            "the period --from {:?} --to {:?} is not valid: {e}",
            args.from,
            args.to
        )
    })?;
    let started = Instant::now();
    let mut progress = Progress {
        on: std::io::stderr().is_terminal(),
        last: None,
    };
    let report = reports::build(&ctx, None, period, &mut |done, total| {
        progress.update(done, total);
    })
    .context("building the report")?;
    let built = started.elapsed();
    let catalog = Catalog::load().map_err(anyhow::Error::msg)?;
    let format = format(args.format);
    let bytes = report::render(
        &report,
        format,
        catalog.tr(lang(args.lang)),
        args.table.as_deref(),
    )
    .context("writing the report")?;
    std::fs::write(&args.output, &bytes)
        .with_context(|| format!("writing {}", args.output.display()))?;
    println!(
        "wrote {} ({} bytes): {} appeals received from {} to {}; built in {:.2} s, written in {:.2} s",
        args.output.display(),
        bytes.len(),
        report.figures.current.received,
        period.from,
        period.to,
        built.as_secs_f64(),
        started.elapsed().saturating_sub(built).as_secs_f64()
    );
    Ok(())
}
