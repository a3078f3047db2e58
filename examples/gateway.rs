//! A complete Ocean gateway for a POS: the webhook, the durable inbox and hand-off, and the
//! outbox back to Ocean.
//!
//! ```text
//! cargo run --release --features gateway --example gateway -- [--config FILE] [--listen ADDR]
//!     [--store URL] [--ocean-base URL] [--client-id ID --client-secret SECRET]
//!     [--deliveries FILE] [--download-dir DIR]
//! ```
//!
//! With no arguments: a SQLite file `ocean-gateway.db` in the working directory, listening on
//! `127.0.0.1:8787`, and the published test credentials (`ocean-gateway-test` /
//! `ocean-gateway-test-secret-loopback-only`; refused on a non-loopback address).
//! `--store` takes `sqlite://PATH` or `postgres://…` (with the `postgres` feature of
//! `ocean-gateway`). `--client-id/--client-secret` are the credentials Ocean presents at the
//! token endpoint; this example reuses the pair for its own calls to Ocean, to stay short.
//! Without `--config`, messages for any Ocean site are accepted.
//!
//! Routes: `POST /oauth2/token`, `POST /fhir/$process-message`, `GET /healthz`.
//!
//! The handler appends one JSON line per handed-over message to `--deliveries`
//! (`{"idempotencyKey", "event", "referral", "attempt"}`) and answers every new referral
//! (`add-service-request`) with `notify-add-process-request`, Task.status `received`, through
//! the outbox to the site's Ocean (`--ocean-base` overrides the Ocean host, for tests), once per
//! referral message even when a crash makes the hand-off come back (`Outbox::send_once`).
//!
//! With `--download-dir DIR` it also downloads the documents of every new or updated referral
//! (`$letter`, `$binary`, with Ocean's limits and content types) into `DIR` through the same
//! per-site client ([`OceanTransport::client_for`] and `ReferralDownloads`), as a POS attaching
//! them to its chart would.
//!
//! Prints `listening on ADDR` when ready; stops cleanly on SIGTERM or SIGINT.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use ocean_ereferral::gateway::attachments::ReferralDownloads;
use ocean_ereferral::gateway::client::{ClientConfig, ClientCredentials};
use ocean_ereferral::gateway::config::{
    GatewayConfig, TEST_CLIENT_ID, TEST_CLIENT_SECRET, check_listen,
};
use ocean_ereferral::gateway::gateway::Gateway;
use ocean_ereferral::gateway::handoff::{Delivery, Handler, HandoffError};
use ocean_ereferral::gateway::inbound::InboundClient;
use ocean_ereferral::gateway::outbox::{DeadLetterReport, Outbox};
use ocean_ereferral::gateway::store::Store;
use ocean_ereferral::gateway::transport::{OceanTransport, any_site_key};
use ocean_ereferral::messages::build::{Outbound, PosSystem, TaskUpdate};
use ocean_ereferral::messages::{Event, EventCode, Message, OceanSite, Received};
use ocean_ereferral::model::OceanBase;
use ocean_ereferral::status::AcceptedTaskStatus;

#[derive(Default)]
struct Args {
    config: Option<PathBuf>,
    listen: Option<String>,
    store: Option<String>,
    ocean_base: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    deliveries: Option<PathBuf>,
    download_dir: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args::default();
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--config" => args.config = Some(value()?.into()),
            "--listen" => args.listen = Some(value()?),
            "--store" => args.store = Some(value()?),
            "--ocean-base" => args.ocean_base = Some(value()?),
            "--client-id" => args.client_id = Some(value()?),
            "--client-secret" => args.client_secret = Some(value()?),
            "--deliveries" => args.deliveries = Some(value()?.into()),
            "--download-dir" => args.download_dir = Some(value()?.into()),
            "-h" | "--help" => {
                return Err(
                    "usage: gateway [--config FILE] [--listen ADDR] [--store URL] \
                            [--ocean-base URL] [--client-id ID --client-secret SECRET] \
                            [--deliveries FILE] [--download-dir DIR]"
                        .into(),
                );
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if args.client_id.is_some() != args.client_secret.is_some() {
        return Err("--client-id and --client-secret go together".into());
    }
    Ok(args)
}

/// The POS's handler: record the hand-off, answer new referrals.
struct ExampleHandler {
    deliveries: Option<PathBuf>,
    outbox: Outbox,
    pos: PosSystem,
    /// The same transport the outbox uses: it tells configured sites from the others, and
    /// downloads documents with the site's token.
    transport: Arc<OceanTransport>,
    download_dir: Option<PathBuf>,
}

impl ExampleHandler {
    fn record(&self, d: &Delivery) -> Result<(), HandoffError> {
        let Some(path) = &self.deliveries else {
            return Ok(());
        };
        let line = serde_json::json!({
            "idempotencyKey": d.idempotency_key,
            "event": d.event,
            "referral": d.referral,
            "attempt": d.attempt,
        })
        .to_string()
            + "\n";
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|_| HandoffError::new("the deliveries file cannot be opened"))?;
        file.write_all(line.as_bytes())
            .map_err(|_| HandoffError::new("the deliveries file cannot be written"))
    }

    /// The Ocean site of a received message and the outbox's key for it: a configured site's
    /// key, else `{site number}@{base URL}` (the transport's default credentials).
    fn site(&self, d: &Delivery, message: &Message) -> Result<(OceanSite, String), HandoffError> {
        let base = message
            .ocean_base()
            .cloned()
            .unwrap_or(OceanBase::Production);
        let number = message
            .receiver_site_number()
            .or(d.site.as_deref())
            .unwrap_or("0");
        let site =
            OceanSite::new(base, number).map_err(|e| HandoffError::new(format!("site: {e}")))?;
        let key = match d.site.as_deref() {
            Some(key) if self.transport.has_site(key) => key.to_owned(),
            _ => any_site_key(&site),
        };
        Ok((site, key))
    }

    async fn answer(&self, d: &Delivery, message: &Message) -> Result<(), HandoffError> {
        if message.code() != EventCode::AddServiceRequest {
            return Ok(());
        }
        let (site, key) = self.site(d, message)?;
        let reply = Outbound::new(message, &site, &self.pos)
            .and_then(|mut out| {
                out.add_process_request(&TaskUpdate::new(AcceptedTaskStatus::Received))
            })
            .map_err(|e| HandoffError::new(format!("reply not built: {e}")))?;
        // Once per received message, even when a crash makes it come back.
        let once = format!("{}|reply-received", d.idempotency_key);
        self.outbox
            .send_once(&key, &reply, &once)
            .await
            .map(|_| ())
            .map_err(|e| HandoffError::new(format!("reply not stored: {e}")))
    }

    /// With `--download-dir`: the documents (`$letter`, `$binary`) of a new or updated
    /// referral, with Ocean's limits, into `DIR/{referral}-{n}`. A failure that may pass
    /// retries the hand-off; a refused document is logged and skipped.
    async fn download(&self, d: &Delivery, message: &Message) -> Result<(), HandoffError> {
        let Some(dir) = &self.download_dir else {
            return Ok(());
        };
        let (Event::AddServiceRequest(referral) | Event::NotifyUpdateServiceRequest(referral)) =
            message.event()
        else {
            return Ok(());
        };
        let (_, key) = self.site(d, message)?;
        let client = self
            .transport
            .client_for(&key)
            .ok_or_else(|| HandoffError::new("no Ocean client for the site"))?;
        let name: String = d
            .referral
            .as_deref()
            .unwrap_or("referral")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let mut downloads = ReferralDownloads::new(&client);
        let links = referral
            .documents()
            .flat_map(|doc| doc.links().collect::<Vec<_>>());
        for (n, link) in links.enumerate() {
            let Some(url) = link.url() else { continue };
            let path = dir.join(format!("{name}-{n}"));
            match downloads.download_to_file(url, &path).await {
                Ok(_) => {}
                Err(e) if e.is_retryable() => {
                    return Err(HandoffError::new(format!("document {n}: {e}")));
                }
                Err(e) => eprintln!("document {n} of {name} skipped: {e}"),
            }
        }
        Ok(())
    }
}

impl Handler for ExampleHandler {
    async fn handle(&self, delivery: Delivery) -> Result<(), HandoffError> {
        self.record(&delivery)?;
        let Ok(Received::Supported(message)) = delivery.parse() else {
            return Ok(());
        };
        self.download(&delivery, &message).await?;
        self.answer(&delivery, &message).await
    }
}

async fn run(args: Args) -> Result<(), String> {
    let mut config = match &args.config {
        Some(path) => GatewayConfig::load(path).map_err(|e| e.to_string())?,
        None => GatewayConfig::default(),
    };
    if let Some(listen) = &args.listen {
        config.listen.clone_from(listen);
    }
    if let Some(store) = &args.store {
        config.store.clone_from(store);
    }
    let mut options = config
        .gateway_options(|var| std::env::var(var).ok())
        .map_err(|e| e.to_string())?;
    let (id, secret) = match (&args.client_id, &args.client_secret) {
        (Some(id), Some(secret)) => (id.clone(), secret.clone()),
        _ => (TEST_CLIENT_ID.to_owned(), TEST_CLIENT_SECRET.to_owned()),
    };
    if args.client_id.is_some() || options.inbound.clients.is_empty() {
        options
            .inbound
            .clients
            .push(InboundClient::new(&id, &secret));
    }
    let addr = check_listen(&config.listen, &options.inbound.clients).map_err(|e| e.to_string())?;
    let store = Store::open(&config.store)
        .await
        .map_err(|e| e.to_string())?;
    let outbox = Outbox::new(store.clone());
    let credentials = ClientCredentials::new(id, secret);
    let base_override = args.ocean_base.as_deref().map(OceanBase::from_url);
    let transport = Arc::new(
        OceanTransport::from_config(
            &config,
            |var| std::env::var(var).ok(),
            &ClientConfig::default(),
        )
        .map_err(|e| e.to_string())?
        .with_any_site(credentials, base_override, ClientConfig::default()),
    );
    let handler = ExampleHandler {
        deliveries: args.deliveries.clone(),
        outbox: outbox.clone(),
        pos: PosSystem::new("ocean-gateway example", format!("http://{addr}/fhir"))
            .map_err(|e| e.to_string())?,
        transport: Arc::clone(&transport),
        download_dir: args.download_dir.clone(),
    };
    let on_dead_letter = Arc::new(|r: &DeadLetterReport| {
        eprintln!("dead letter: {r:?}");
    });
    let gateway = Gateway::start(
        store,
        options,
        Arc::new(handler),
        outbox,
        transport,
        on_dead_letter,
    );
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    println!("listening on {local}");
    let _ = std::io::stdout().flush();
    axum::serve(listener, gateway.router())
        .with_graceful_shutdown(ocean_ereferral::gateway::signal::shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    gateway.stop().await;
    println!("stopped");
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let result = match parse_args() {
        Ok(args) => run(args).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}
