//! The command line of the simulator, shared by the `ocean-sim` binary and `ocean sim` (the
//! `ocean` command of `ocean-cli`): the flags ([`Args`], a [`clap::Args`] to flatten into a
//! parser) and what they run ([`run`]).
//!
//! Exit status the callers give: 0 when every Required scenario that ran passed
//! ([`Finished::exit_code`]); 1 when one failed; 2 on a [`CliError`] (unusable arguments, an
//! unreachable POS, a report that cannot be written).

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::deliver::PosEndpoint;
use crate::ocean_api::OceanClientCredentials;
use crate::retry::TimeScale;
use crate::scenarios::Selection;
use crate::smart::SmartTarget;
use crate::{SimConfig, report};

/// The simulator's flags: run the DRO scenarios against a POS (`--pos`), or serve only Ocean's
/// side (`--serve`).
///
/// Its argument group is named `ocean-sim`, so it flattens into a parser's own struct named
/// `Args` without a clash.
#[derive(Debug, Clone, clap::Args)]
#[group(id = "ocean-sim")]
pub struct Args {
    /// Run only Ocean's side (token, $process-messages, $letter, $binary) for manual testing.
    #[arg(long, conflicts_with_all = ["pos", "scenarios", "report"])]
    serve: bool,
    /// The POS's webhook URL, where Ocean posts messages.
    #[arg(long, required_unless_present = "serve")]
    pos: Option<String>,
    /// The POS's token endpoint (OAuth2 client credentials); without it Ocean posts no token.
    #[arg(long, requires_all = ["client_id", "client_secret"])]
    pos_token_url: Option<String>,
    /// The client id the POS gave Ocean (also accepted by the simulated Ocean's token endpoint
    /// unless --ocean-client-id is given).
    #[arg(long, default_value = "ocean-sim")]
    client_id: String,
    /// The client secret the POS gave Ocean.
    #[arg(long, default_value = "ocean-sim-secret", hide_default_value = true)]
    client_secret: String,
    /// The client id the POS uses at the simulated Ocean's token endpoint.
    #[arg(long, requires = "ocean_client_secret")]
    ocean_client_id: Option<String>,
    /// The client secret the POS uses at the simulated Ocean's token endpoint.
    #[arg(long)]
    ocean_client_secret: Option<String>,
    /// Site-specific credentials at the simulated Ocean, `SITE=ID:SECRET` (repeatable): each pair
    /// may only update referrals of its site. Replaces --ocean-client-id/--ocean-client-secret.
    #[arg(long = "ocean-client", value_name = "SITE=ID:SECRET")]
    ocean_site_clients: Vec<String>,
    /// Where the simulated Ocean API listens; the POS must send to http://ADDR.
    #[arg(long, default_value = "127.0.0.1:8790")]
    ocean_listen: SocketAddr,
    /// An Ocean site number the POS serves (repeat for several; two run the multi-site scenario).
    #[arg(long = "site", default_values_t = ["1234".to_owned(), "5678".to_owned()])]
    sites: Vec<String>,
    /// The POS's SMART FHIR base (iss), for the contextual launch scenarios.
    #[arg(long)]
    smart: Option<String>,
    /// Ocean's client id at the POS's SMART server.
    #[arg(long, default_value = "ocean")]
    smart_client_id: String,
    /// Ocean's client secret at the POS's SMART server.
    #[arg(long, default_value = "ocean-secret", hide_default_value = true)]
    smart_client_secret: String,
    /// Ocean's redirect URI registered at the POS.
    #[arg(long, default_value = "https://ocean.example/sso/smart/redirect")]
    smart_redirect_uri: String,
    /// Scenarios to run: ids (R-NEW), prefixes (R-STATUS-*), tables (receiver), priorities (required).
    #[arg(long)]
    scenarios: Option<String>,
    /// Where to write report.json, report.md and report.html.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Seconds to wait for the POS (or its user) to act in a scenario.
    #[arg(long, default_value_t = 30.0)]
    wait: f64,
    /// Real milliseconds per simulated hour of Ocean's retry clock (3600000 = real time).
    #[arg(long, default_value_t = 20)]
    hour_ms: u64,
}

/// How a run ended (when it could run).
#[derive(Debug)]
#[non_exhaustive]
pub enum Finished {
    /// `--serve` ran until interrupted (Ctrl-C).
    Served,
    /// The scenarios ran; the report (already written to `--report` when given).
    Report(Box<report::Report>),
}

impl Finished {
    /// 0 when every Required scenario that ran passed (or after `--serve`), 1 when one failed.
    pub fn exit_code(&self) -> u8 {
        match self {
            Finished::Served => 0,
            Finished::Report(r) => u8::try_from(r.exit_code()).unwrap_or(1),
        }
    }
}

/// Why a run could not be done (exit status 2). Names flags, addresses and paths; the
/// simulator has no patient data of its own beyond synthetic patients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError(String);

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CliError {}

fn usage(message: impl Into<String>) -> CliError {
    CliError(message.into())
}

fn write_reports(dir: &Path, r: &report::Report) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("report.json"), r.to_json())?;
    std::fs::write(dir.join("report.md"), report::to_markdown(r))?;
    std::fs::write(dir.join("report.html"), report::to_html(r))?;
    Ok(())
}

/// The Ocean clients the simulated Ocean accepts, from the flags.
fn ocean_clients(args: &Args) -> Result<Vec<OceanClientCredentials>, CliError> {
    if args.ocean_site_clients.is_empty() {
        return Ok(vec![OceanClientCredentials {
            client_id: args
                .ocean_client_id
                .clone()
                .unwrap_or_else(|| args.client_id.clone()),
            client_secret: args
                .ocean_client_secret
                .clone()
                .unwrap_or_else(|| args.client_secret.clone()),
            sites: Vec::new(),
        }]);
    }
    args.ocean_site_clients
        .iter()
        .map(|item| {
            item.split_once('=')
                .and_then(|(site, pair)| {
                    let (id, secret) = pair.split_once(':')?;
                    (!site.is_empty() && !id.is_empty() && !secret.is_empty()).then(|| {
                        OceanClientCredentials {
                            client_id: id.to_owned(),
                            client_secret: secret.to_owned(),
                            sites: vec![site.to_owned()],
                        }
                    })
                })
                .ok_or_else(|| usage("--ocean-client takes SITE=ID:SECRET"))
        })
        .collect()
}

/// Runs what the flags ask: `--serve` until Ctrl-C (printing `listening on ADDR` on standard
/// output), else the scenarios against `--pos`, writing the reports to `--report` if given.
/// The caller prints the report (Markdown or JSON) and exits with [`Finished::exit_code`].
pub async fn run(args: &Args) -> Result<Finished, CliError> {
    if !(args.wait.is_finite() && args.wait >= 0.0 && args.wait <= 86_400.0) {
        return Err(usage("--wait must be between 0 and 86400 seconds"));
    }
    let ocean_clients = ocean_clients(args)?;
    if args.serve {
        let server = crate::serve_with(args.ocean_listen, ocean_clients, true)
            .await
            .map_err(|e| usage(e.to_string()))?;
        println!("listening on {}", server.addr);
        tokio::select! {
            _ = server.wait() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        return Ok(Finished::Served);
    }
    let selection = args
        .scenarios
        .as_deref()
        .map(Selection::parse)
        .transpose()
        .map_err(|e| usage(e.to_string()))?
        .unwrap_or_default();
    let Some(pos) = args.pos.clone() else {
        return Err(usage("--pos is required"));
    };
    let mut config = SimConfig::new(PosEndpoint {
        webhook: pos,
        token_url: args.pos_token_url.clone(),
        client_id: args.client_id.clone(),
        client_secret: args.client_secret.clone(),
    });
    config.ocean_clients = ocean_clients;
    config.ocean_listen = args.ocean_listen;
    config.sites = args.sites.clone();
    config.wait = Duration::from_secs_f64(args.wait);
    config.scale = TimeScale::new(Duration::from_millis(args.hour_ms));
    config.smart = args.smart.clone().map(|fhir_base| SmartTarget {
        fhir_base,
        client_id: args.smart_client_id.clone(),
        client_secret: args.smart_client_secret.clone(),
        redirect_uri: args.smart_redirect_uri.clone(),
    });
    let r = crate::run(config, &selection)
        .await
        .map_err(|e| usage(e.to_string()))?;
    if let Some(dir) = &args.report {
        write_reports(dir, &r).map_err(|e| {
            usage(format!(
                "cannot write the report to {}: {}",
                dir.display(),
                e.kind()
            ))
        })?;
        eprintln!("[ocean-sim] report written to {}", dir.display());
    }
    Ok(Finished::Report(Box::new(r)))
}
