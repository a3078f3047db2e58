//! `ocean sim`: the local Ocean simulator (`ocean-sim`), run against a POS.
//!
//! The flags and what they run are `ocean_sim::cli`, shared with the `ocean-sim` binary, so
//! `ocean sim ARGS` and `ocean-sim ARGS` behave the same. Built with the `sim` feature (on by
//! default); without it the subcommand still exists and says how to get it (exit 2).

use crate::Global;
use crate::outcome::Run;
#[cfg(not(feature = "sim"))]
use crate::outcome::Unusable;

/// Run the DRO conformance scenarios against a POS, as Ocean would.
///
/// Plays Ocean on this machine: its token endpoint and `$process-messages` (at --ocean-listen)
/// for the POS to send to, and Ocean's deliveries to the POS's webhook (--pos) with its retry
/// rule on a compressed clock. Prints the conformance report (Markdown for the Release
/// Information Worksheet; `--json`: the report whose schema is `ocean-sim/report.schema.json`)
/// and writes report.json, report.md and report.html to --report DIR. `--serve` runs only
/// Ocean's side, for manual testing. Same flags as the `ocean-sim` binary.
///
/// Exit status: 0 when every Required scenario that ran passed, 1 when one failed (whatever
/// --fail-on says), 2 on unusable arguments, an unreachable POS or a report that cannot be
/// written.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    ocean serve --spool inbox/ &                    # a POS webhook on 127.0.0.1:8787\n  \
    ocean sim --pos 'http://127.0.0.1:8787/fhir/$process-message' \\\n      \
    --pos-token-url http://127.0.0.1:8787/oauth2/token \\\n      \
    --client-id ocean-gateway-test --client-secret ocean-gateway-test-secret-loopback-only \\\n      \
    --scenarios R-NEW --report target/ocean-sim\n  \
    ocean sim --serve --ocean-listen 127.0.0.1:8790   # only Ocean's side")]
pub(crate) struct Args {
    #[cfg(feature = "sim")]
    #[command(flatten)]
    sim: Box<ocean_sim::cli::Args>,
    /// (This build lacks the `sim` feature: every argument is refused with a hint.)
    #[cfg(not(feature = "sim"))]
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        hide = true,
        value_name = "ARGS"
    )]
    rest: Vec<std::ffi::OsString>,
}

/// Runs `ocean sim`.
#[cfg(feature = "sim")]
pub(crate) fn run(args: &Args, g: &Global) -> Run {
    use crate::outcome::{Exit, Unusable};
    use ocean_sim::cli::Finished;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Unusable::usage(format!("the async runtime cannot start ({})", e.kind())))?;
    let finished = runtime
        .block_on(ocean_sim::cli::run(&args.sim))
        .map_err(|e| Unusable::usage(e.to_string()))?;
    if let Finished::Report(r) = &finished {
        if g.json {
            crate::output::json(r.as_ref())?;
        } else {
            let markdown = ocean_sim::report::to_markdown(r);
            crate::output::text(|w| w.write_all(markdown.as_bytes()))?;
        }
    }
    Ok(match finished.exit_code() {
        0 => Exit::Ok,
        _ => Exit::Findings,
    })
}

/// Runs `ocean sim` in a build without the simulator: exit 2 with the way to get it.
#[cfg(not(feature = "sim"))]
pub(crate) fn run(_args: &Args, _g: &Global) -> Run {
    Err(Unusable::usage(missing_feature("sim")))
}

/// The message of a subcommand whose feature this build lacks.
#[cfg(any(not(feature = "sim"), not(feature = "serve")))]
pub(crate) fn missing_feature(name: &str) -> String {
    format!(
        "this build of `ocean` lacks the `{name}` feature; rebuild with it \
         (`cargo install ocean-cli --features {name}`, or from the workspace \
         `cargo build -p ocean-cli --features {name}`; it is on by default)"
    )
}
