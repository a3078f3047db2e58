//! Receive a message from Ocean: parse it, answer it, and show what a POS files from it.
//!
//! ```text
//! cargo run --example receive -- [FILE|-] [--json] [--all]
//! ```
//! With no FILE, reads the bundled Ocean `add-service-request` sample; `-` reads standard input
//! (at most the 32 MiB body limit plus one byte: a longer body is refused without reading the
//! rest). `--all` runs every sample in `testdata/ocean/` and `testdata/ocean/derived/`.
//!
//! `--json` prints the receive view, one JSON object per body
//! (`ocean_messages::receive_view`, schema `ocean-messages/receive-view.schema.json`):
//! `{"answer", "event", "supported", "idempotencyKey", "referral": {...}, "issues"}`, where
//! `answer` is the HTTP status to send Ocean. Without it, a short text summary. Exits 0 when the
//! answer is 200, 1 when it is 400 (the view still printed), 2 on a usage or I/O error.
//!
//! Nothing from the input is echoed in an error: errors name paths, rules and our own codes.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ocean_ereferral::messages::{self, DEFAULT_MAX_BYTES, Received, http, receive_view};
use ocean_ereferral::serde_json::Value;

const SAMPLE: &[u8] = include_bytes!("../testdata/ocean/ereferral_back_pain.bundle.json");

fn usage() -> ExitCode {
    eprintln!("usage: receive [FILE|-] [--json] [--all]");
    ExitCode::from(2)
}

/// Reads at most `limit + 1` bytes: enough for `parse` to see the body is too large.
fn read_limited(r: impl Read, limit: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    r.take(cap).read_to_end(&mut buf)?;
    Ok(buf)
}

fn read_body(file: Option<&str>) -> Result<Vec<u8>, String> {
    match file {
        None => Ok(SAMPLE.to_vec()),
        Some("-") => read_limited(std::io::stdin().lock(), DEFAULT_MAX_BYTES)
            .map_err(|e| format!("cannot read standard input: {}", e.kind())),
        Some(path) => std::fs::File::open(path)
            .and_then(|f| read_limited(f, DEFAULT_MAX_BYTES))
            .map_err(|e| format!("cannot read the file: {}", e.kind())),
    }
}

/// Every sample file, captured then derived, in name order.
fn samples() -> Result<Vec<PathBuf>, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/ocean");
    let mut out = Vec::new();
    for dir in [root.clone(), root.join("derived")] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| format!("cannot list the samples: {}", e.kind()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        out.extend(files);
    }
    Ok(out)
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or("-")
}

/// The short summary: answer, event, then what a receiving clinic reads first. Every value is
/// from the view; names and free text are the referral's own, printed for its clinic.
fn summary(view: &Value) -> String {
    let mut out = format!(
        "answer {}: {}",
        view["answer"],
        match view["event"].as_str() {
            Some(e) => e,
            None if view["supported"] == Value::Bool(false) && view["answer"] == 200 => {
                "an event this receiver does not model"
            }
            None => "not a message",
        }
    );
    if let Some(issue) = view["issues"].as_array().and_then(|i| i.first()) {
        if issue["severity"] == "error" && view["answer"] == 400 {
            out.push_str(&format!(
                "\n  refused: {} at {}",
                text(&issue["rule"]),
                text(&issue["path"])
            ));
        }
    }
    let r = &view["referral"];
    if r.is_object() {
        let p = &r["patient"];
        let given: Vec<&str> = p["given"]
            .as_array()
            .map(|g| g.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        out.push_str(&format!(
            "\n  referral {} ({}), {}\n  patient: {}{}\n  reason ({}): {}\n  requester: {}\n  {} note(s), {} form(s), {} document(s)",
            text(&r["id"]),
            text(&r["status"]),
            text(&r["category"]),
            text(&p["family"]),
            if given.is_empty() { String::new() } else { format!(", {}", given.join(" ")) },
            text(&r["reasonSource"]),
            text(&r["reason"]),
            text(&r["requester"]),
            r["notes"].as_array().map_or(0, Vec::len),
            r["forms"].as_array().map_or(0, Vec::len),
            r["documents"].as_array().map_or(0, Vec::len),
        ));
    }
    out
}

fn report(body: &[u8], as_json: bool, out: &mut impl std::io::Write) -> Result<u16, String> {
    let result = messages::parse(body);
    let answer = http::ack(&result).status();
    let view = receive_view(&result, body);
    let printed = if as_json {
        ocean_ereferral::serde_json::to_string_pretty(&view)
            .map_err(|_| "cannot write the view".to_owned())?
    } else {
        summary(&view)
    };
    match writeln!(out, "{printed}") {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(format!("cannot write the view: {}", e.kind())),
    }
    if let Ok(Received::Supported(m)) = &result {
        // What a receiver would do next, on stderr so stdout stays the view.
        eprintln!(
            "{}: de-duplicate by key {}; receiving site {}",
            m.code(),
            m.idempotency_key().as_str(),
            m.receiver_site_number().unwrap_or("unknown"),
        );
    }
    Ok(answer)
}

fn main() -> ExitCode {
    let (mut file, mut as_json, mut all) = (None, false, false);
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--json" => as_json = true,
            "--all" => all = true,
            "-h" | "--help" => return usage(),
            a if a.starts_with("--") => return usage(),
            a => {
                if file.replace(a.to_owned()).is_some() {
                    return usage();
                }
            }
        }
    }
    let mut stdout = std::io::stdout().lock();
    let bodies: Vec<Result<Vec<u8>, String>> = if all {
        if file.is_some() {
            return usage();
        }
        match samples() {
            Ok(files) => files.iter().map(|f| read_body(f.to_str())).collect(),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        vec![read_body(file.as_deref())]
    };
    let mut worst = 200;
    for body in bodies {
        let answer = match body.and_then(|b| report(&b, as_json, &mut stdout)) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        worst = worst.max(answer);
    }
    if worst == 200 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
