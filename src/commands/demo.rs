//! `otinish demo`: the appliance on a fresh store seeded with a believable institution.
#![allow(clippy::print_stdout)]

use anyhow::Context;

use super::open_store;
use crate::cli::DemoArgs;
use crate::clock::Clock;
use crate::config::Config;
use crate::service::seed::{self, DEMO_PASSWORD};
use crate::service::{Ctx, Rules};
use crate::store::AppealReads;

pub(super) fn run(args: &DemoArgs) -> anyhow::Result<()> {
    let config = Config {
        bind: args.bind,
        ..Config::default()
    }
    .with_data_dir(match &args.data_dir {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join(format!("otinish-demo-{}", std::process::id())),
    });
    crate::logging::init(config.log_level);
    let store = open_store(&config.data_dir)?;
    let rules = Rules::from_config(&config);
    let now = Clock::system().now();
    if store.read(|tx| tx.appeal_count())? == 0 {
        println!(
            "seeding {} appeals into {} …",
            args.appeals,
            config.data_dir.display()
        );
        let seeding = Ctx::new(store.clone(), Clock::fixed(now), rules.clone());
        let logins = seed::seed(&seeding, args.appeals, now).context("seeding the demo store")?;
        println!("demo accounts (password `{DEMO_PASSWORD}` for all):");
        for login in logins {
            println!("  {:<14} {}", login.login, login.who);
        }
    }
    super::serve::serve(Ctx::new(store, Clock::system(), rules), &config)
}
