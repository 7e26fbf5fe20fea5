//! `otinish tls ca`: a local root CA and a server certificate issued by it, so office browsers
//! trust the appliance (passkeys need that). Reads the configuration only; never opens the
//! store, so it works while the server runs (which picks the certificate up at restart).
#![allow(clippy::print_stdout)]

use anyhow::Context;

use super::load_config;
use crate::cli::{TlsCaArgs, TlsCommand};
use crate::clock::Clock;
use crate::web::tls;

pub(super) fn run(cmd: TlsCommand) -> anyhow::Result<()> {
    match cmd {
        TlsCommand::Ca(args) => ca(&args),
    }
}

fn ca(args: &TlsCaArgs) -> anyhow::Result<()> {
    let config = load_config(&args.store)?;
    let names = if args.names.is_empty() {
        &config.host_names
    } else {
        &args.names
    };
    let issued =
        tls::issue_from_local_ca(&config.data_dir, names, Clock::system().now(), args.force)
            .context("making the certificate from the local root")?;
    let files = &issued.files;
    if issued.ca_created {
        println!("root CA created:    {}", files.ca_cert.display());
    } else {
        println!("root CA reused:     {}", files.ca_cert.display());
    }
    println!(
        "root CA key:        {} (keep it private: it can vouch for any site)",
        files.ca_key.display()
    );
    println!("root SHA-256:       {}", issued.ca_fingerprint);
    println!("server certificate: {}", files.cert.display());
    println!("server key:         {}", files.key.display());
    println!("names:              {}", issued.names.join(", "));
    println!(
        "valid until:        {} (run `otinish tls ca` again before then)",
        issued.not_after.strftime("%Y-%m-%d")
    );
    if names.is_empty() {
        println!(
            "note: no host name given (--name or `host_names`): office PCs cannot reach the server as localhost"
        );
    }
    if config.tls_files.is_some() {
        println!(
            "note: `tls.cert_file` is configured, so the server keeps serving that certificate; remove `tls.cert_file` and `tls.key_file` to use this one"
        );
    }
    if issued.ca_created {
        println!(
            "next: install {} as a trusted root on every office PC (README, \"Trusted certificate for passkeys\"), then restart the server",
            files.ca_cert.display()
        );
    } else {
        println!(
            "next: restart the server (office PCs that already trust this root need nothing new)"
        );
    }
    Ok(())
}
