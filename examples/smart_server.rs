//! Runs the POS side of Ocean's SMART launch on an embedded default: the authorization server,
//! the discovery documents, the JWKS, `Patient/{id}` and `Patient/{id}/$everything` for the
//! bundled sample patient, a demo user who is signed in automatically, a generated ES256 key
//! and an in-memory store.
//!
//! ```text
//! cargo run --release --example smart_server --features smart-server -- \
//!     [--listen ADDR] [--public-url URL] [--ocean-launch-url URL] [--site SITE] \
//!     [--client-id ID --client-secret S --redirect-uri URI]
//! ```
//!
//! Prints one line `launch <scenario> <url>` per scenario (`newRequest`, `existingRequest`,
//! `dashboard`); `iss` in each URL is the server's FHIR base, where
//! `.well-known/smart-configuration` lives. Launch ids are single-use and, here, live one hour;
//! `GET {base}/demo/launch/{scenario}` answers a fresh URL (what the POS "Launch Ocean" button
//! would open). Before them, on stderr: what Ocean support registers and the configuration
//! check (http-on-loopback warnings, and "no RS256" since the generated key is ES256). Then
//! serves until Ctrl-C, logging one line per request step (no patient data).
//!
//! Defaults: listen on `127.0.0.1:8090`; test client `ocean-test` / `ocean-test-secret` with
//! redirect URI `http://localhost:8080/sso/smart/redirect`; Ocean launch URL
//! `http://localhost:8080/sso/smart/auth` (the default of OceanMD's integration test project),
//! site `1234`. The test client's credentials are public, so the example refuses to listen on
//! a non-loopback address with them: give `--client-id`, `--client-secret` and
//! `--redirect-uri` together to do that. Exits 2 on bad arguments.

use std::net::SocketAddr;
use std::process::ExitCode;

use ocean_ereferral::smart::LaunchContext;
use ocean_ereferral::smart::authorize::RegisteredClient;
use ocean_ereferral::smart::launch::{FhirUser, PosReferralId, ScenarioKind};
use ocean_ereferral::smart::time::Duration;
use ocean_ereferral::smart::token::Secret;
use ocean_ereferral::smart_server::{
    AutoSignIn, BundleSource, MemoryStore, ServerConfig, SigningKey, SigningKeys, SmartServer,
};

const TEST_CLIENT_ID: &str = "ocean-test";
const TEST_SECRET: &str = "ocean-test-secret";
const TEST_REDIRECT: &str = "http://localhost:8080/sso/smart/redirect";

struct Args {
    listen: SocketAddr,
    public_url: Option<String>,
    ocean_launch_url: String,
    site: String,
    client: Option<(String, String, String)>,
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: smart_server [--listen ADDR] [--public-url URL] [--ocean-launch-url URL] [--site SITE] \
         [--client-id ID --client-secret S --redirect-uri URI]"
    );
    ExitCode::from(2)
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut listen = "127.0.0.1:8090".to_owned();
    let mut public_url = None;
    let mut ocean = "http://localhost:8080/sso/smart/auth".to_owned();
    let mut site = "1234".to_owned();
    let (mut id, mut secret, mut redirect) = (None, None, None);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--listen" => listen = value()?,
            "--public-url" => public_url = Some(value()?),
            "--ocean-launch-url" => ocean = value()?,
            "--site" => site = value()?,
            "--client-id" => id = Some(value()?),
            "--client-secret" => secret = Some(value()?),
            "--redirect-uri" => redirect = Some(value()?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let client = match (id, secret, redirect) {
        (None, None, None) => None,
        (Some(i), Some(s), Some(r)) => Some((i, s, r)),
        _ => return Err("--client-id, --client-secret and --redirect-uri go together".into()),
    };
    let listen = listen
        .parse()
        .map_err(|_| "--listen must be IP:PORT".to_owned())?;
    Ok(Args {
        listen,
        public_url,
        ocean_launch_url: ocean,
        site,
        client,
    })
}

fn context(kind: ScenarioKind, patient: &str) -> Option<LaunchContext> {
    let user = FhirUser::practitioner("demo-practitioner").ok()?;
    match kind {
        ScenarioKind::NewRequest => LaunchContext::new_request(user, patient).ok(),
        ScenarioKind::ExistingRequest => LaunchContext::existing_request(
            user,
            patient,
            PosReferralId::new("demo-referral-1").ok()?,
        )
        .ok(),
        ScenarioKind::Dashboard => Some(LaunchContext::dashboard(user)),
    }
}

async fn launch_line(server: &SmartServer, kind: ScenarioKind, patient: &str) -> String {
    let Some(ctx) = context(kind, patient) else {
        return format!("error {kind} demo context");
    };
    match server.create_launch(ctx).await {
        Ok(l) => format!("launch {kind} {}", l.url),
        Err(e) => format!("error {kind} {e}"),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("smart_server: {e}");
            return usage();
        }
    };
    if args.client.is_none() && !args.listen.ip().is_loopback() {
        eprintln!(
            "smart_server: refusing to listen on {} with the public test client credentials; \
             give --client-id, --client-secret and --redirect-uri",
            args.listen
        );
        return ExitCode::from(2);
    }
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();

    let (id, secret, redirect) = args.client.unwrap_or_else(|| {
        (
            TEST_CLIENT_ID.to_owned(),
            TEST_SECRET.to_owned(),
            TEST_REDIRECT.to_owned(),
        )
    });
    let base = args
        .public_url
        .unwrap_or_else(|| format!("http://{}", args.listen));
    let client = RegisteredClient::new(id.clone(), Secret::new(secret), [redirect]);
    let mut config = ServerConfig::new(&base, client, &args.ocean_launch_url, &args.site);
    // Which action opens each scenario is not public: the OceanMD test project's values.
    config.launch = config
        .launch
        .clone()
        .with_actions(Some("viewMap"), Some("viewMap"), Some("portal"))
        .with_referral_param("resource");
    config.lifetimes.launch = Duration::hours(1);
    config.ocean_shared_encryption_key = Some(Secret::new("ZGVtby1zaGFyZWQta2V5LTAxMjM0NTY3ODk="));

    let key = match SigningKey::generate_es256("demo-es256") {
        Ok(k) => k,
        Err(e) => {
            eprintln!("smart_server: {e}");
            return ExitCode::from(1);
        }
    };
    let source = match BundleSource::from_json(ocean_ereferral::keywords::SAMPLE_BUNDLE) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("smart_server: sample bundle: {e}");
            return ExitCode::from(1);
        }
    };
    let patient = source.patient_id().to_owned();
    let fhir_base = config.fhir_base().to_owned();
    let server = SmartServer::new(
        config,
        SigningKeys::new(key),
        MemoryStore::new(),
        AutoSignIn::new(fhir_base.clone()),
        source,
    );

    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("smart_server: cannot listen on {}: {e}", args.listen);
            return ExitCode::from(1);
        }
    };
    eprintln!("smart_server: FHIR base {fhir_base}, patient {patient}");
    eprintln!(
        "smart_server: what Ocean support registers (the secret goes separately):\n{}",
        server.config().pos.ocean_registration(id, Secret::new(""))
    );
    let findings = server.check();
    if !findings.is_empty() {
        eprintln!("smart_server: configuration check:\n{findings}");
    }
    {
        let server = server.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(300));
            loop {
                every.tick().await;
                let _ = server.purge_expired().await;
            }
        });
    }
    for kind in ScenarioKind::ALL {
        println!("{}", launch_line(&server, kind, &patient).await);
    }

    let demo = {
        let server = server.clone();
        axum::Router::new().route(
            "/demo/launch/{scenario}",
            axum::routing::get(
                move |axum::extract::Path(name): axum::extract::Path<String>| {
                    let server = server.clone();
                    let patient = patient.clone();
                    async move {
                        match ScenarioKind::ALL.into_iter().find(|k| k.as_str() == name) {
                            Some(kind) => launch_line(&server, kind, &patient).await,
                            None => {
                                "error unknown scenario (newRequest, existingRequest, dashboard)"
                                    .into()
                            }
                        }
                    }
                },
            ),
        )
    };
    let app = server.router().merge(demo);
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
    {
        eprintln!("smart_server: {e}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
