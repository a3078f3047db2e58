//! `ocean-sim`: run the DRO scenarios against a POS, or serve only Ocean's side.
//!
//! Exit status: 0 when every Required scenario that ran passed; 1 when one failed; 2 on
//! unusable arguments, an unreachable POS, or a report that cannot be written.
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use ocean_sim::deliver::PosEndpoint;
use ocean_sim::ocean_api::OceanClientCredentials;
use ocean_sim::retry::TimeScale;
use ocean_sim::scenarios::Selection;
use ocean_sim::smart::SmartTarget;
use ocean_sim::{SimConfig, report};

/// A local Ocean that tests a POS's eReferral integration end to end and writes the DRO
/// conformance report (JSON, Markdown for the Release Information Worksheet, HTML).
#[derive(Debug, Parser)]
#[command(name = "ocean-sim", version)]
struct Cli {
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

fn write_reports(dir: &PathBuf, r: &report::Report) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("report.json"), r.to_json())?;
    std::fs::write(dir.join("report.md"), report::to_markdown(r))?;
    std::fs::write(dir.join("report.html"), report::to_html(r))?;
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    if !(cli.wait.is_finite() && cli.wait >= 0.0 && cli.wait <= 86_400.0) {
        eprintln!("ocean-sim: --wait must be between 0 and 86400 seconds");
        return ExitCode::from(2);
    }
    let mut ocean_clients = vec![OceanClientCredentials {
        client_id: cli
            .ocean_client_id
            .clone()
            .unwrap_or_else(|| cli.client_id.clone()),
        client_secret: cli
            .ocean_client_secret
            .clone()
            .unwrap_or_else(|| cli.client_secret.clone()),
        sites: Vec::new(),
    }];
    if !cli.ocean_site_clients.is_empty() {
        ocean_clients.clear();
        for item in &cli.ocean_site_clients {
            let parsed = item.split_once('=').and_then(|(site, pair)| {
                let (id, secret) = pair.split_once(':')?;
                (!site.is_empty() && !id.is_empty() && !secret.is_empty()).then(|| {
                    OceanClientCredentials {
                        client_id: id.to_owned(),
                        client_secret: secret.to_owned(),
                        sites: vec![site.to_owned()],
                    }
                })
            });
            match parsed {
                Some(c) => ocean_clients.push(c),
                None => {
                    eprintln!("ocean-sim: --ocean-client takes SITE=ID:SECRET");
                    return ExitCode::from(2);
                }
            }
        }
    }
    if cli.serve {
        return match ocean_sim::serve_with(cli.ocean_listen, ocean_clients, true).await {
            Ok(server) => {
                println!("listening on {}", server.addr);
                tokio::select! {
                    _ = server.wait() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("ocean-sim: {e}");
                ExitCode::from(2)
            }
        };
    }
    let selection = match cli.scenarios.as_deref().map(Selection::parse).transpose() {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => {
            eprintln!("ocean-sim: {e}");
            return ExitCode::from(2);
        }
    };
    let Some(pos) = cli.pos.clone() else {
        eprintln!("ocean-sim: --pos is required");
        return ExitCode::from(2);
    };
    let mut config = SimConfig::new(PosEndpoint {
        webhook: pos,
        token_url: cli.pos_token_url.clone(),
        client_id: cli.client_id.clone(),
        client_secret: cli.client_secret.clone(),
    });
    config.ocean_clients = ocean_clients;
    config.ocean_listen = cli.ocean_listen;
    config.sites = cli.sites.clone();
    config.wait = Duration::from_secs_f64(cli.wait);
    config.scale = TimeScale::new(Duration::from_millis(cli.hour_ms));
    config.smart = cli.smart.clone().map(|fhir_base| SmartTarget {
        fhir_base,
        client_id: cli.smart_client_id.clone(),
        client_secret: cli.smart_client_secret.clone(),
        redirect_uri: cli.smart_redirect_uri.clone(),
    });
    let r = match ocean_sim::run(config, &selection).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ocean-sim: {e}");
            return ExitCode::from(2);
        }
    };
    print!("{}", report::to_markdown(&r));
    if let Some(dir) = &cli.report {
        if let Err(e) = write_reports(dir, &r) {
            eprintln!(
                "ocean-sim: cannot write the report to {}: {}",
                dir.display(),
                e.kind()
            );
            return ExitCode::from(2);
        }
        eprintln!("[ocean-sim] report written to {}", dir.display());
    }
    ExitCode::from(u8::try_from(r.exit_code()).unwrap_or(1))
}
