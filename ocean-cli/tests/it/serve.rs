//! `ocean serve`: one real Ocean message over loopback, handed to the spool or the command.
//! (Without the `serve` feature: only that the subcommand says how to get it.)
#![cfg_attr(not(feature = "serve"), allow(dead_code, unused_imports))]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::*;

const TEST_ID: &str = "ocean-gateway-test";
const TEST_SECRET: &str = "ocean-gateway-test-secret-loopback-only";
const MESSAGE: &str = "testdata/ocean/ereferral_back_pain.bundle.json";

#[test]
fn help_has_an_example() {
    let out = ocean().args(["serve", "--help"]).assert().success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("Examples:"));
}

/// A fresh directory under the target directory, removed when dropped.
pub(crate) struct TempDir(pub(crate) PathBuf);

impl TempDir {
    pub(crate) fn new(name: &str) -> Self {
        let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running `ocean serve`, killed if the test fails before it stops.
pub(crate) struct Server {
    child: Child,
    pub(crate) addr: String,
    stderr: PathBuf,
}

impl Server {
    /// Starts `ocean serve ARGS --listen 127.0.0.1:0 --db sqlite://DIR/gw.db` and waits (10 s at
    /// most) for its `listening on` line (with `--json`: its document, checked against the
    /// schema).
    pub(crate) fn start(dir: &Path, args: &[&str]) -> Self {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("ocean"))
            .current_dir(root())
            .arg("serve")
            .args(args)
            .args(["--listen", "127.0.0.1:0", "--db"])
            .arg(format!("sqlite://{}", dir.join("gw.db").display()))
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(dir.join("stderr.txt")).unwrap())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = tx.send(line);
            }
        });
        let mut server = Server {
            child,
            addr: String::new(),
            stderr: dir.join("stderr.txt"),
        };
        let Ok(line) = rx.recv_timeout(Duration::from_secs(10)) else {
            panic!("no `listening on` within 10 s: {}", server.stderr());
        };
        server.addr = match line.strip_prefix("listening on ") {
            Some(addr) => addr.to_owned(),
            // --json: one document on one line.
            None => {
                let doc: serde_json::Value = serde_json::from_str(&line).unwrap();
                assert_valid(&schema("serve.schema.json"), &doc);
                doc["listening"].as_str().unwrap().to_owned()
            }
        };
        server
    }

    /// What it wrote on standard error so far.
    pub(crate) fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Waits (20 s at most) until standard error contains `text`.
    pub(crate) fn wait_for_stderr(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.stderr().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("no `{text}` on stderr within 20 s: {}", self.stderr());
    }

    /// Sends SIGTERM and waits (15 s at most) for the exit status.
    pub(crate) fn terminate(mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("ocean serve did not stop within 15 s of SIGTERM");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request with `Connection: close`; (status, body).
pub(crate) fn http(addr: &str, head: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "{head}\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let mut response = Vec::new();
    s.read_to_end(&mut response).unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let status_line = String::from_utf8_lossy(&response[..split]).to_string();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    (status, response[split + 4..].to_vec())
}

/// A token from the gateway's token endpoint, with the published test credentials.
pub(crate) fn token(addr: &str) -> String {
    let form =
        format!("grant_type=client_credentials&client_id={TEST_ID}&client_secret={TEST_SECRET}");
    let (status, body) = http(
        addr,
        "POST /oauth2/token HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded",
        form.as_bytes(),
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let text = String::from_utf8(body).unwrap();
    // The JSON object (the body may be chunked).
    let json = &text[text.find('{').unwrap()..=text.rfind('}').unwrap()];
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["access_token"].as_str().unwrap().to_owned()
}

/// Posts `body` to the webhook with a token; the status.
pub(crate) fn post_message(addr: &str, body: &[u8]) -> u16 {
    let token = token(addr);
    http(
        addr,
        &format!(
            "POST /fhir/$process-message HTTP/1.1\r\nContent-Type: application/fhir+json\r\n\
             Authorization: Bearer {token}"
        ),
        body,
    )
    .0
}

/// Waits (20 s at most) for a file in `dir` whose name ends with `suffix`.
fn wait_for_file(dir: &Path, suffix: &str) -> PathBuf {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let found = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                let name = p.file_name().unwrap().to_string_lossy().to_string();
                name.ends_with(suffix) && !name.starts_with('.')
            });
        if let Some(p) = found {
            return p;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("no {suffix} file in {} within 20 s", dir.display());
}

#[test]
#[cfg(feature = "serve")]
fn a_real_message_is_answered_200_and_spooled_then_sigterm_stops() {
    let dir = TempDir::new("serve-spool");
    let spool = dir.0.join("spool");
    let server = Server::start(&dir.0, &["--spool", spool.to_str().unwrap()]);
    let message = std::fs::read(root().join(MESSAGE)).unwrap();
    assert_eq!(post_message(&server.addr, &message), 200);
    let file = wait_for_file(&spool, ".json");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        message,
        "the body as Ocean sent it"
    );
    // Without a token: refused, and nothing more is spooled.
    let (status, _) = http(
        &server.addr,
        "POST /fhir/$process-message HTTP/1.1\r\nContent-Type: application/fhir+json",
        &message,
    );
    assert_eq!(status, 401);
    assert_eq!(server.terminate(), Some(0));
    assert_eq!(std::fs::read_dir(&spool).unwrap().count(), 1);
}

#[test]
#[cfg(feature = "serve")]
fn a_real_message_is_handed_to_the_exec_command_on_stdin() {
    let dir = TempDir::new("serve-exec");
    let out = dir.0.join("handed.json");
    // The command sees the message on stdin and the OCEAN_* variables.
    let cmd = format!(
        "cat > '{}.part' && test \"$OCEAN_ATTEMPT\" = 1 && test -n \"$OCEAN_EVENT\" && mv '{0}.part' '{0}'",
        out.display()
    );
    let server = Server::start(&dir.0, &["--json", "--exec", &cmd]);
    let message = std::fs::read(root().join(MESSAGE)).unwrap();
    assert_eq!(post_message(&server.addr, &message), 200);
    let file = wait_for_file(&dir.0, "handed.json");
    assert_eq!(std::fs::read(&file).unwrap(), message);
    assert_eq!(server.terminate(), Some(0));
}

#[test]
#[cfg(feature = "serve")]
fn a_failing_or_hanging_command_is_retried_and_does_not_block_the_stop() {
    let message = std::fs::read(root().join(MESSAGE)).unwrap();
    // A failure: the message stays in the inbox and comes back (attempt 2).
    let dir = TempDir::new("serve-exec-fail");
    let server = Server::start(&dir.0, &["--exec", "cat > /dev/null; exit 3"]);
    assert_eq!(
        post_message(&server.addr, &message),
        200,
        "stored, then handed over"
    );
    server.wait_for_stderr("the command exited with status 3");
    server.wait_for_stderr("(attempt 2)");
    assert_eq!(server.terminate(), Some(0));
    // A command that hangs is stopped after --exec-timeout.
    let dir = TempDir::new("serve-exec-hang");
    let server = Server::start(&dir.0, &["--exec", "sleep 30", "--exec-timeout", "1"]);
    assert_eq!(post_message(&server.addr, &message), 200);
    server.wait_for_stderr("ran over 1 s and was stopped");
    assert_eq!(server.terminate(), Some(0));
}

#[test]
#[cfg(feature = "serve")]
fn a_missing_config_file_exits_2_naming_it() {
    let dir = TempDir::new("serve-missing");
    let out = ocean()
        .args(["serve", "--config", "no-such-gateway.json", "--spool"])
        .arg(dir.0.join("spool"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no-such-gateway.json: no such file"),
        "{stderr}"
    );
}

#[test]
#[cfg(feature = "serve")]
fn a_bad_config_or_no_target_exits_2() {
    let dir = TempDir::new("serve-bad");
    let f = TempFile::new("gateway-bad.json", br#"{"listen": 5, "unknown": true}"#);
    let out = ocean()
        .args(["serve", "--config"])
        .arg(&f.0)
        .arg("--spool")
        .arg(dir.0.join("spool"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&f.0.display().to_string()));
    // Neither --exec nor --spool: the message would have nowhere to go.
    ocean().arg("serve").assert().code(2);
}

#[test]
#[cfg(not(feature = "serve"))]
fn without_the_feature_it_says_how_to_get_it() {
    let out = ocean().args(["serve", "--spool", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("lacks the `serve` feature"), "{stderr}");
}
