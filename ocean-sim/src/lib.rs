//! `ocean-sim`: a local Ocean that tests a POS integration end to end, and writes the DRO
//! conformance report.
//!
//! A vendor can otherwise test only by hand against Ocean's shared test site. The simulator
//! plays Ocean on the vendor's machine:
//! - **Ocean's API** ([`ocean_api`]): the token endpoint and `$process-messages` a POS sends to,
//!   judging each message as Ocean does ([`check`]) and filing the referral in Ocean's folders
//!   with `ocean-status`; `$letter` and `$binary` for the referrals it sent.
//! - **Ocean's deliveries** ([`deliver`]): the challenge, then the messages Ocean sends a POS
//!   (built from a real Ocean message with synthetic patients, [`template`], [`patients`]),
//!   with the POS's client-credentials token, and Ocean's retry rule on a compressed clock
//!   ([`retry`]).
//! - **Scenarios** ([`scenarios`]): one or more per use case of the seed's Sender, Receiver and
//!   General tables, each step with the referral's expected Ocean folder; steps where the POS
//!   must act prompt its user (or a test driver, `GET /sim/prompts`) and wait a bounded time.
//! - **SMART** ([`smart`] and the `S-LAUNCH-*` scenarios): Ocean's client launching into the POS's SMART server, then
//!   `ocean-keywords` on `$everything`.
//! - **The report** ([`report`]): JSON (schema checked in), Markdown for the Release
//!   Information Worksheet, and a self-contained HTML page.
//!
//! ```no_run
//! # async fn demo() -> Result<(), ocean_sim::SimError> {
//! use ocean_sim::{SimConfig, deliver::PosEndpoint, scenarios::Selection};
//! let config = SimConfig::new(PosEndpoint {
//!     webhook: "http://127.0.0.1:8787/fhir/$process-message".into(),
//!     token_url: Some("http://127.0.0.1:8787/oauth2/token".into()),
//!     client_id: "ocean".into(),
//!     client_secret: "secret".into(),
//! });
//! let report = ocean_sim::run(config, &Selection::all()).await?;
//! std::process::exit(report.exit_code());
//! # }
//! ```
//!
//! The command line (`ocean-sim --help`, [`cli`], shared with `ocean sim`) wraps [`run`] and
//! [`serve`].
#![forbid(unsafe_code)]

pub mod check;
pub mod cli;
pub mod deliver;
pub mod ocean_api;
pub mod patients;
pub mod report;
pub mod retry;
pub mod scenarios;
pub mod smart;
pub mod state;
pub mod template;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use deliver::{Deliverer, PosEndpoint};
use ocean_api::{OceanApi, OceanApiConfig, OceanClientCredentials};
use retry::{OceanSchedule, TimeScale};
use smart::SmartTarget;
use state::Shared;

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The simulated Ocean API could not listen.
    #[error("cannot listen on {addr} for the simulated Ocean API: {kind}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The I/O error kind.
        kind: std::io::ErrorKind,
    },
    /// The POS webhook does not answer at all (connection refused, DNS, timeout).
    #[error("the POS webhook {0} is unreachable")]
    PosUnreachable(String),
}

/// A run's configuration; [`SimConfig::new`] gives the defaults.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The POS under test.
    pub pos: PosEndpoint,
    /// Where the simulated Ocean API listens (port 0: any free port).
    pub ocean_listen: SocketAddr,
    /// Clients the simulated Ocean accepts at its token endpoint (default: the POS's own pair,
    /// as the `gateway` example reuses it).
    pub ocean_clients: Vec<OceanClientCredentials>,
    /// The Ocean site numbers the POS serves (default `["1234", "5678"]`: two, for the
    /// multi-site scenario).
    pub sites: Vec<String>,
    /// The other clinic's site number (default `"9999"`).
    pub other_site: String,
    /// How long to wait for the POS to act (default 30 s).
    pub wait: Duration,
    /// Retry clock compression (default 20 ms per simulated hour).
    pub scale: TimeScale,
    /// Ocean's retry schedule.
    pub schedule: OceanSchedule,
    /// The POS's SMART server, for the launch scenarios.
    pub smart: Option<SmartTarget>,
}

impl SimConfig {
    /// Defaults for testing `pos`.
    pub fn new(pos: PosEndpoint) -> Self {
        let client = OceanClientCredentials {
            client_id: pos.client_id.clone(),
            client_secret: pos.client_secret.clone(),
            sites: Vec::new(),
        };
        Self {
            pos,
            ocean_listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            ocean_clients: vec![client],
            sites: vec!["1234".into(), "5678".into()],
            other_site: "9999".into(),
            wait: Duration::from_secs(30),
            scale: TimeScale::default(),
            schedule: OceanSchedule::default(),
            smart: None,
        }
    }
}

/// A running simulated Ocean API.
#[derive(Debug)]
pub struct OceanServer {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// Its base URL (`http://{addr}`): the Ocean host a POS must be configured with.
    pub base: String,
    /// Its state.
    pub shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl OceanServer {
    /// Stops it.
    pub fn stop(self) {
        self.task.abort();
    }

    /// Runs until the process ends.
    pub async fn wait(self) {
        let _ = self.task.await;
    }
}

/// Starts the simulated Ocean API on `listen`, for a scenario run.
pub async fn serve(
    listen: SocketAddr,
    clients: Vec<OceanClientCredentials>,
) -> Result<OceanServer, SimError> {
    serve_with(listen, clients, false).await
}

/// Starts the simulated Ocean API on `listen`; with `adopt`, a message about an unknown
/// referral registers it (`ocean-sim --serve`, see [`ocean_api`]).
pub async fn serve_with(
    listen: SocketAddr,
    clients: Vec<OceanClientCredentials>,
    adopt: bool,
) -> Result<OceanServer, SimError> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| SimError::Bind {
            addr: listen,
            kind: e.kind(),
        })?;
    let addr = listener.local_addr().map_err(|e| SimError::Bind {
        addr: listen,
        kind: e.kind(),
    })?;
    let shared = Arc::new(Shared::default());
    let api = OceanApi {
        config: Arc::new(OceanApiConfig {
            clients,
            token_lifetime: Duration::from_secs(3600),
            adopt_unknown_referrals: adopt,
        }),
        shared: shared.clone(),
    };
    let app = ocean_api::router(api);
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(kind = ?e.kind(), "simulated Ocean API stopped");
        }
    });
    Ok(OceanServer {
        addr,
        base: format!("http://{addr}"),
        shared,
        task,
    })
}

/// Whether anything answers HTTP at `url` (any status counts).
pub async fn reachable(url: &str) -> bool {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default();
    http.get(url).send().await.is_ok()
}

/// Starts the simulated Ocean, checks the POS answers, runs the selected scenarios, stops.
pub async fn run(
    config: SimConfig,
    selection: &scenarios::Selection,
) -> Result<report::Report, SimError> {
    if !reachable(&config.pos.webhook).await {
        return Err(SimError::PosUnreachable(config.pos.webhook.clone()));
    }
    let server = serve(config.ocean_listen, config.ocean_clients.clone()).await?;
    eprintln!("[ocean-sim] simulated Ocean listening on {}", server.base);
    let report = run_on(&server, &config, selection).await;
    server.stop();
    Ok(report)
}

/// Runs the selected scenarios with an already started simulated Ocean (`config.ocean_listen`
/// and `config.ocean_clients` are then unused): for tests whose POS must know the Ocean host
/// before the run starts.
pub async fn run_on(
    server: &OceanServer,
    config: &SimConfig,
    selection: &scenarios::Selection,
) -> report::Report {
    let started_at = scenarios::ctx_now();
    let ctx = scenarios::Ctx::new(
        server.shared.clone(),
        template::Templates::new(server.base.clone(), config.pos.webhook.clone()),
        Deliverer::new(config.pos.clone(), config.schedule.clone(), config.scale),
        config.sites.clone(),
        config.other_site.clone(),
        config.wait,
        config.scale,
        config.smart.clone(),
    );
    scenarios::run(&ctx, selection, started_at).await
}
