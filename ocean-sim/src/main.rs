//! `ocean-sim`: run the DRO scenarios against a POS, or serve only Ocean's side.
//!
//! Exit status: 0 when every Required scenario that ran passed; 1 when one failed; 2 on
//! unusable arguments, an unreachable POS, or a report that cannot be written. The flags and
//! what they run are [`ocean_sim::cli`], shared with `ocean sim`.
use std::process::ExitCode;

use clap::Parser;
use ocean_sim::cli::{self, Finished};
use ocean_sim::report;

/// A local Ocean that tests a POS's eReferral integration end to end and writes the DRO
/// conformance report (JSON, Markdown for the Release Information Worksheet, HTML).
#[derive(Debug, Parser)]
#[command(name = "ocean-sim", version)]
struct Cli {
    #[command(flatten)]
    args: cli::Args,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli::run(&cli.args).await {
        Ok(finished) => {
            if let Finished::Report(r) = &finished {
                print!("{}", report::to_markdown(r));
            }
            ExitCode::from(finished.exit_code())
        }
        Err(e) => {
            eprintln!("ocean-sim: {e}");
            ExitCode::from(2)
        }
    }
}
