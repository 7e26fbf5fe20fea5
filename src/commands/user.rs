//! `otinish user add`: staff accounts from the command line.
#![allow(clippy::print_stdout)]

use super::{load_config, open_ctx};
use crate::cli::{RoleArg, UserCommand};
use crate::domain::user::Role;
use crate::service::{self, auth, new_token};

pub(super) fn run(command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add(args) => {
            let config = load_config(&args.store)?;
            let ctx = open_ctx(&config)?;
            let password = new_token()[..20].to_owned();
            let roles = args
                .role
                .iter()
                .map(|r| match r {
                    RoleArg::Clerk => Role::Clerk,
                    RoleArg::Executor => Role::Executor,
                    RoleArg::Director => Role::Director,
                    RoleArg::Admin => Role::Admin,
                    RoleArg::Deputy => Role::Deputy,
                })
                .collect();
            let form = auth::StaffForm {
                login: args.login.clone(),
                full_name: args.name.clone(),
                roles,
                password: password.clone(),
                must_change_password: true,
            };
            match auth::create_staff(&ctx, None, &form) {
                Ok(_) => {}
                Err(service::Error::Invalid(errors)) => {
                    let fields: Vec<String> = errors
                        .0
                        .iter()
                        .map(|e| format!("{}: {}", e.field, e.key))
                        .collect();
                    anyhow::bail!("account not created: {}", fields.join(", "));
                }
                Err(other) => return Err(other.into()),
            }
            println!(
                "created `{}`; one-time password `{password}` (change it at first sign-in)",
                form.login
            );
            Ok(())
        }
    }
}
