//! `ocean serve`: the webhook gateway (`ocean-gateway`) as a command, for a POS that does not
//! write Rust.
//!
//! The gateway answers Ocean 200 only once a message is committed to its durable inbox (SQLite
//! by default), then hands each message to the POS through its `Handler`, retrying until the
//! POS has it. A command line has no Rust handler, so the POS takes messages in one of two
//! ways, both of which the gateway's handler trait supports (a hand-off that fails is retried
//! later, with backoff, and the message stays in the inbox meanwhile):
//! - `--exec CMD`: runs `CMD` through the shell with the message (the body Ocean sent) on
//!   standard input and `OCEAN_*` variables naming it; exit status 0 means handled.
//! - `--spool DIR`: writes the message to `DIR/{received ms}-{key}.json` (a temporary file,
//!   fsync, rename, fsync of the directory) before reporting it handled; the POS picks files up.
//!
//! Built with the `serve` feature (on by default); without it the subcommand still exists and
//! says how to get it (exit 2).

use std::ffi::OsString;
#[cfg(feature = "serve")]
use std::path::PathBuf;

#[cfg(feature = "serve")]
use schemars::JsonSchema;
#[cfg(feature = "serve")]
use serde::Serialize;

use crate::Global;
use crate::outcome::{Run, Unusable};

/// Run the webhook gateway Ocean posts to, handing each message to the POS.
///
/// Serves Ocean's token endpoint (`POST /oauth2/token`), the webhook
/// (`POST /fhir/$process-message`) and `GET /healthz` at --listen, keeps every message in a
/// durable inbox (--db) and answers Ocean 200 only once it is stored. Each message is then handed
/// to the POS, in order per referral: `--exec CMD` runs CMD with the message on standard input
/// (and OCEAN_IDEMPOTENCY_KEY, OCEAN_EVENT, OCEAN_REFERRAL, OCEAN_SITE, OCEAN_ATTEMPT; exit 0
/// means handled, anything else retries later), or `--spool DIR` writes it to a file in DIR,
/// synced to disk, before counting it handled. Settings come from --config (the gateway's JSON
/// file, schema `ocean-gateway/gateway-config.schema.json`), then the flags. Without inbound
/// clients in the file, the published test credentials are accepted, on loopback only. Prints
/// `listening on ADDR` (`--json`: `{"listening": ADDR}` on one line) when ready; stops cleanly on Ctrl-C or
/// SIGTERM.
///
/// Exit status: 0 after a clean stop, 2 when the configuration, the address, the database or the
/// spool directory is unusable.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    ocean serve --spool /var/spool/ocean            # 127.0.0.1:8787, ./ocean-gateway.db\n  \
    ocean serve --config gateway.json --exec 'pos-import --stdin'\n  \
    ocean serve --listen 127.0.0.1:0 --db sqlite:///tmp/gw.db --spool inbox/ --json")]
pub(crate) struct Args {
    /// The gateway's JSON configuration file (sites, inbound clients, limits, retries).
    #[arg(long, value_name = "FILE")]
    config: Option<OsString>,
    /// The address to listen on (default: the file's, else 127.0.0.1:8787; port 0 picks one).
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    /// The inbox database: sqlite://PATH (default: the file's, else sqlite://ocean-gateway.db).
    #[arg(long, value_name = "URL")]
    db: Option<String>,
    /// Hand each message to CMD (run by the shell) on its standard input; exit 0 = handled.
    #[arg(long, value_name = "CMD", conflicts_with = "spool")]
    exec: Option<OsString>,
    /// Seconds --exec's command may run before it is killed and the message retried later.
    #[arg(long, value_name = "SECS", default_value_t = 300, requires = "exec")]
    exec_timeout: u64,
    /// Write each message to a file in DIR (synced to disk) before counting it handled.
    #[arg(long, value_name = "DIR")]
    spool: Option<OsString>,
}

/// `ocean serve --json`: printed once, on one line, when the gateway is ready.
#[cfg(feature = "serve")]
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Ready {
    /// The address the gateway listens on (IP:PORT), with the port chosen when 0 was asked.
    pub(crate) listening: String,
}

/// Runs `ocean serve` in a build without the gateway: exit 2 with the way to get it.
#[cfg(not(feature = "serve"))]
pub(crate) fn run(_args: &Args, _g: &Global) -> Run {
    Err(Unusable::usage(crate::cmd::sim::missing_feature("serve")))
}

/// Runs `ocean serve` until Ctrl-C or SIGTERM.
#[cfg(feature = "serve")]
pub(crate) fn run(args: &Args, g: &Global) -> Run {
    let target = match (&args.exec, &args.spool) {
        (Some(cmd), None) => Target::Exec {
            command: cmd.clone(),
            timeout: std::time::Duration::from_secs(args.exec_timeout),
        },
        (None, Some(dir)) => Target::Spool(spool_dir(dir)?),
        _ => return Err(Unusable::usage("give one of --exec CMD and --spool DIR")),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Unusable::usage(format!("the async runtime cannot start ({})", e.kind())))?;
    runtime.block_on(serve(args, g, target))?;
    Ok(crate::outcome::Exit::Ok)
}

/// Checks the spool directory exists (creating it) and is a directory.
#[cfg(feature = "serve")]
fn spool_dir(dir: &OsString) -> Result<PathBuf, Unusable> {
    let path = PathBuf::from(dir);
    let named = |problem: String| Unusable::input(format!("--spool {}", path.display()), problem);
    std::fs::create_dir_all(&path)
        .map_err(|e| named(format!("cannot be created ({})", e.kind())))?;
    if !path.is_dir() {
        return Err(named("is not a directory".to_owned()));
    }
    Ok(path)
}

#[cfg(feature = "serve")]
async fn serve(args: &Args, g: &Global, target: Target) -> Result<(), Unusable> {
    use std::io::Write as _;
    use std::sync::Arc;

    use ocean_gateway::client::ClientConfig;
    use ocean_gateway::config::{GatewayConfig, TEST_CLIENT_ID, TEST_CLIENT_SECRET, check_listen};
    use ocean_gateway::gateway::Gateway;
    use ocean_gateway::inbound::InboundClient;
    use ocean_gateway::outbox::{DeadLetterReport, Outbox};
    use ocean_gateway::store::Store;
    use ocean_gateway::transport::OceanTransport;

    let mut config = match &args.config {
        Some(path) => load_config(path)?,
        None => GatewayConfig::default(),
    };
    if let Some(listen) = &args.listen {
        config.listen.clone_from(listen);
    }
    if let Some(db) = &args.db {
        config.store.clone_from(db);
    }
    let config_error = |e: ocean_gateway::config::ConfigError| match &args.config {
        Some(path) => Unusable::input(
            std::path::Path::new(path).display().to_string(),
            e.to_string(),
        ),
        None => Unusable::usage(e.to_string()),
    };
    let env = |var: &str| std::env::var(var).ok();
    let mut options = config.gateway_options(env).map_err(config_error)?;
    if options.inbound.clients.is_empty() {
        eprintln!(
            "ocean serve: no inbound clients configured; accepting the published test \
             credentials ({TEST_CLIENT_ID}), on loopback only"
        );
        options
            .inbound
            .clients
            .push(InboundClient::new(TEST_CLIENT_ID, TEST_CLIENT_SECRET));
    }
    let addr = check_listen(&config.listen, &options.inbound.clients)
        .map_err(|e| Unusable::input(format!("--listen {}", config.listen), e.to_string()))?;
    let store = Store::open(&config.store)
        .await
        .map_err(|e| Unusable::input("--db", format!("the database cannot be opened: {e}")))?;
    let transport = Arc::new(
        OceanTransport::from_config(&config, env, &ClientConfig::default())
            .map_err(config_error)?,
    );
    let outbox = Outbox::new(store.clone());
    let on_dead_letter = Arc::new(|r: &DeadLetterReport| {
        eprintln!("ocean serve: dead letter: {r:?}");
    });
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        Unusable::input(
            format!("--listen {addr}"),
            format!("cannot listen ({})", e.kind()),
        )
    })?;
    let local = listener.local_addr().map_err(|e| {
        Unusable::input(
            format!("--listen {addr}"),
            format!("cannot listen ({})", e.kind()),
        )
    })?;
    let gateway = Gateway::start(
        store,
        options,
        Arc::new(target),
        outbox,
        transport,
        on_dead_letter,
    );
    if g.json {
        // One line, so a script can read it as soon as it is there.
        let ready = Ready {
            listening: local.to_string(),
        };
        let line = serde_json::to_string(&ready).map_err(|_| crate::output::stdout_error())?;
        println!("{line}");
    } else {
        println!("listening on {local}");
    }
    let _ = std::io::stdout().flush();
    let served = axum::serve(listener, gateway.router())
        .with_graceful_shutdown(ocean_gateway::signal::shutdown_signal())
        .await;
    gateway.stop().await;
    eprintln!("ocean serve: stopped");
    served.map_err(|e| Unusable::usage(format!("the server failed ({})", e.kind())))
}

/// Reads the configuration file, naming it in errors.
#[cfg(feature = "serve")]
fn load_config(path: &OsString) -> Result<ocean_gateway::config::GatewayConfig, Unusable> {
    let input = crate::input::Input::File(PathBuf::from(path));
    let bytes = input.read_all()?;
    let text =
        String::from_utf8(bytes).map_err(|_| Unusable::input(input.name(), "not UTF-8 text"))?;
    ocean_gateway::config::GatewayConfig::from_json(&text)
        .map_err(|e| Unusable::input(input.name(), e.to_string()))
}

/// Where messages go: the POS's side of the hand-off.
#[cfg(feature = "serve")]
#[derive(Debug)]
enum Target {
    /// Run a shell command with the message on standard input.
    Exec {
        /// The command, given to `sh -c` (`cmd /C` on Windows).
        command: OsString,
        /// How long it may run.
        timeout: std::time::Duration,
    },
    /// Write the message to a file in this directory.
    Spool(PathBuf),
}

#[cfg(feature = "serve")]
impl ocean_gateway::handoff::Handler for Target {
    async fn handle(
        &self,
        delivery: ocean_gateway::handoff::Delivery,
    ) -> Result<(), ocean_gateway::handoff::HandoffError> {
        let result = match self {
            Target::Exec { command, timeout } => exec(command, *timeout, &delivery).await,
            Target::Spool(dir) => {
                let dir = dir.clone();
                let d = delivery.clone();
                tokio::task::spawn_blocking(move || spool(&dir, &d))
                    .await
                    .unwrap_or_else(|_| Err(handoff_error("the spool write was interrupted")))
            }
        };
        match &result {
            Ok(()) => eprintln!(
                "ocean serve: handed over {} (attempt {})",
                delivery.event, delivery.attempt
            ),
            Err(e) => eprintln!(
                "ocean serve: {} (attempt {}): {e}; retried later",
                delivery.event, delivery.attempt
            ),
        }
        result
    }
}

#[cfg(feature = "serve")]
fn handoff_error(reason: impl Into<String>) -> ocean_gateway::handoff::HandoffError {
    ocean_gateway::handoff::HandoffError::new(reason)
}

/// The spool file's name: `{received ms}-{key}.json`, the key reduced to `[A-Za-z0-9._-]`, so
/// names sort in arrival order and a redelivery overwrites its own file.
#[cfg(feature = "serve")]
fn spool_name(received_at_ms: i64, idempotency_key: &str) -> String {
    let key: String = idempotency_key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(160)
        .collect();
    format!("{:013}-{key}.json", received_at_ms.max(0))
}

/// Writes the message durably: a temporary file, fsync, rename, fsync of the directory.
#[cfg(feature = "serve")]
fn spool(
    dir: &std::path::Path,
    d: &ocean_gateway::handoff::Delivery,
) -> Result<(), ocean_gateway::handoff::HandoffError> {
    use std::io::Write as _;

    let name = spool_name(d.received_at_ms, &d.idempotency_key);
    let tmp = dir.join(format!(".{name}.tmp"));
    let fail =
        |what: &str, e: std::io::Error| handoff_error(format!("spool: {what} ({})", e.kind()));
    let mut file = std::fs::File::create(&tmp).map_err(|e| fail("cannot create the file", e))?;
    file.write_all(&d.body)
        .map_err(|e| fail("cannot write the file", e))?;
    file.sync_all()
        .map_err(|e| fail("cannot sync the file", e))?;
    drop(file);
    std::fs::rename(&tmp, dir.join(&name)).map_err(|e| fail("cannot rename the file", e))?;
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| fail("cannot sync the directory", e))?;
    Ok(())
}

/// Runs the `--exec` command with the message on its standard input.
#[cfg(feature = "serve")]
async fn exec(
    command: &OsString,
    timeout: std::time::Duration,
    d: &ocean_gateway::handoff::Delivery,
) -> Result<(), ocean_gateway::handoff::HandoffError> {
    use std::process::Stdio;
    use tokio::io::AsyncWriteExt as _;

    #[cfg(unix)]
    let mut cmd = {
        let mut c = tokio::process::Command::new("sh");
        c.arg("-c").arg(command);
        c
    };
    #[cfg(not(unix))]
    let mut cmd = {
        let mut c = tokio::process::Command::new("cmd");
        c.arg("/C").arg(command);
        c
    };
    cmd.stdin(Stdio::piped())
        .kill_on_drop(true)
        .env("OCEAN_IDEMPOTENCY_KEY", &d.idempotency_key)
        .env("OCEAN_EVENT", &d.event)
        .env("OCEAN_REFERRAL", d.referral.as_deref().unwrap_or(""))
        .env("OCEAN_SITE", d.site.as_deref().unwrap_or(""))
        .env("OCEAN_ATTEMPT", d.attempt.to_string());
    let mut child = cmd
        .spawn()
        .map_err(|e| handoff_error(format!("--exec: the command cannot start ({})", e.kind())))?;
    let stdin = child.stdin.take();
    let body = d.body.clone();
    let feed = async move {
        if let Some(mut stdin) = stdin {
            // A command that exits without reading all of its input closes the pipe: its exit
            // status still decides.
            let _ = stdin.write_all(&body).await;
            let _ = stdin.shutdown().await;
        }
    };
    let run = async {
        let ((), status) = tokio::join!(feed, child.wait());
        status
    };
    match tokio::time::timeout(timeout, run).await {
        Err(_) => Err(handoff_error(format!(
            "--exec: the command ran over {} s and was stopped",
            timeout.as_secs()
        ))),
        Ok(Err(e)) => Err(handoff_error(format!(
            "--exec: the command cannot be waited for ({})",
            e.kind()
        ))),
        Ok(Ok(status)) if status.success() => Ok(()),
        Ok(Ok(status)) => Err(handoff_error(match status.code() {
            Some(code) => format!("--exec: the command exited with status {code}"),
            None => "--exec: the command was killed by a signal".to_owned(),
        })),
    }
}

#[cfg(all(test, feature = "serve"))]
mod tests {
    use super::*;

    #[test]
    fn spool_names_sort_by_arrival_and_keep_only_safe_characters() {
        assert_eq!(spool_name(42, "a/b|c..d"), "0000000000042-a_b_c..d.json");
        assert!(spool_name(9, "z") < spool_name(10, "a"));
        assert_eq!(spool_name(-5, "../x"), "0000000000000-.._x.json");
        assert_eq!(spool_name(1, &"k".repeat(500)).len(), 13 + 1 + 160 + 5);
    }
}
