//! `ocean`: every tool of the Ocean eReferral POS toolkit from a shell, for vendors who do not
//! write Rust.
//!
//! ```text
//! ocean keywords everything.json        # what Ocean pre-populates from your $everything
//! ocean validate referral.json          # profile check, exit 1 on errors
//! ocean help SUBCOMMAND                 # every subcommand has an example in its help
//! ```
//!
//! Exit status, for every subcommand: **0** all is well; **1** the input was read and has
//! problems at or above `--fail-on` (`error` by default, or `warning`); **2** unusable input
//! or arguments (a missing file, not JSON, not FHIR, a bad flag). Errors on stderr name the
//! file and the problem, never patient data. `--json` prints one JSON document on stdout whose
//! schema is checked in under `ocean-cli/schemas/`.

mod cmd;
mod input;
mod outcome;
mod output;
mod progress;
mod schema;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use crate::outcome::FailOn;

/// Every tool of the Ocean eReferral POS toolkit from a shell.
///
/// Exit status: 0 all is well; 1 problems at or above --fail-on; 2 unusable input or arguments.
#[derive(Debug, Parser)]
#[command(
    name = "ocean",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every subcommand takes.
#[derive(Debug, clap::Args)]
pub(crate) struct Global {
    /// Print one JSON document on stdout instead of the human table (schemas in
    /// ocean-cli/schemas/).
    #[arg(long, global = true)]
    pub(crate) json: bool,
    /// The lowest severity that makes the command exit 1.
    #[arg(long, global = true, value_enum, default_value_t = FailOn::Error, value_name = "LEVEL")]
    pub(crate) fail_on: FailOn,
}

#[derive(Debug, Subcommand)]
enum Command {
    Keywords(cmd::keywords::Args),
    Validate(cmd::validate::Args),
    Receive(cmd::receive::Args),
    Send(cmd::send::Args),
    Match(cmd::patient_match::Args),
    Worksheet(cmd::worksheet::Args),
    Smart(cmd::smart::Args),
    Gen(cmd::generate::Args),
    Serve(cmd::serve::Args),
    Sim(cmd::sim::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        // Help and version exit 0; usage errors exit 2 (clap's own convention, kept).
        Err(e) => e.exit(),
    };
    let g = &cli.global;
    let result = match &cli.command {
        Command::Keywords(a) => cmd::keywords::run(a, g),
        Command::Validate(a) => cmd::validate::run(a, g),
        Command::Receive(a) => cmd::receive::run(a, g),
        Command::Send(a) => cmd::send::run(a, g),
        Command::Match(a) => cmd::patient_match::run(a, g),
        Command::Worksheet(a) => cmd::worksheet::run(a, g),
        Command::Smart(a) => cmd::smart::run(a, g),
        Command::Gen(a) => cmd::generate::run(a, g),
        Command::Serve(a) => cmd::serve::run(a, g),
        Command::Sim(a) => cmd::sim::run(a, g),
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "ocean", &mut std::io::stdout());
            Ok(outcome::Exit::Ok)
        }
    };
    match result {
        Ok(exit) => exit.into(),
        Err(e) => {
            eprintln!("ocean {}: {e}", subcommand_name(&cli.command));
            ExitCode::from(2)
        }
    }
}

fn subcommand_name(c: &Command) -> &'static str {
    match c {
        Command::Keywords(_) => "keywords",
        Command::Validate(_) => "validate",
        Command::Receive(_) => "receive",
        Command::Send(_) => "send",
        Command::Match(_) => "match",
        Command::Worksheet(_) => "worksheet",
        Command::Smart(_) => "smart",
        Command::Gen(_) => "gen",
        Command::Serve(_) => "serve",
        Command::Sim(_) => "sim",
        Command::Completions { .. } => "completions",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
