//! The `otinish` binary: parse the command line, run, report the error chain.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    match otinish::run(otinish::cli::Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
