//! `renouveau`: the command line of the programme's steering and monitoring system.

mod args;
mod commands;
mod failure;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{
    AuditCommand, CheckCommand, Cli, Command, DocumentCommand, SessionCommand, TerritoryCommand,
    TokenCommand, UserCommand,
};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logs(cli.verbose);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => return failure::report(&e.into()),
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Command::Migrate => commands::migrate::run(&cli.database).await,
            Command::Check { what: None } => commands::check::run(&cli.database).await,
            Command::Check {
                what: Some(CheckCommand::Figures),
            } => commands::check::figures(&cli.database).await,
            Command::Init { demo } => commands::init::run(&cli.database, &demo).await,
            Command::Serve { listen, web, demo } => {
                commands::serve::run(&cli.database, listen, web, &demo).await
            }
            Command::Territory(TerritoryCommand::Import { dir }) => {
                commands::territory::run(&cli.database, dir.as_deref()).await
            }
            Command::Document(DocumentCommand::Add { file }) => {
                commands::document::add(&cli.database, &file).await
            }
            Command::User(UserCommand::Add {
                email,
                org,
                role,
                password,
            }) => {
                commands::accounts::add_user(
                    &cli.database,
                    &email,
                    &org,
                    &role,
                    password.as_deref(),
                )
                .await
            }
            Command::User(UserCommand::List) => commands::users::list(&cli.database).await,
            Command::User(UserCommand::Set { email, role, org }) => {
                commands::users::set(&cli.database, &email, role.as_deref(), org.as_deref()).await
            }
            Command::User(UserCommand::Disable { email }) => {
                commands::users::set_disabled(&cli.database, &email, true).await
            }
            Command::User(UserCommand::Enable { email }) => {
                commands::users::set_disabled(&cli.database, &email, false).await
            }
            Command::User(UserCommand::ResetPassword { email, base_url }) => {
                commands::users::reset_password(&cli.database, &email, &base_url).await
            }
            Command::Session(SessionCommand::Purge) => {
                commands::users::purge_sessions(&cli.database).await
            }
            Command::Token(TokenCommand::Create { email, days }) => {
                commands::accounts::create_token(&cli.database, &email, days).await
            }
            Command::Token(TokenCommand::List { email }) => {
                commands::accounts::list_tokens(&cli.database, &email).await
            }
            Command::Token(TokenCommand::Revoke { id, prefix }) => {
                commands::accounts::revoke_token(&cli.database, id, prefix.as_deref()).await
            }
            Command::Audit(AuditCommand::Verify) => commands::audit::verify(&cli.database).await,
            Command::Backup { out } => commands::backup::backup(&cli.database, &out).await,
            Command::Restore { from } => commands::backup::restore(&cli.database, &from).await,
        }
    });
    match outcome {
        Ok(code) => code,
        Err(e) => failure::report(&e),
    }
}

/// Logs go to standard error, in English; `RUST_LOG` overrides the level.
fn init_logs(verbose: bool) {
    let default = if verbose { "info" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
