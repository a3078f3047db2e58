//! `ocean receive`: what a POS answers Ocean for a received message, and what it files from it.

use std::ffi::OsString;
use std::io::{Read, Write};

use ocean_messages::{
    DEFAULT_MAX_BYTES, MessageError, NotAMessage, ParseOptions, Received, http, parse_with,
    receive_view,
};
use ocean_model::Severity;
use serde_json::Value;

use crate::Global;
use crate::input::Input;
use crate::outcome::{Exit, Run, Unusable};
use crate::output;

/// What a POS answers Ocean for a received message, and what it files from it.
///
/// Reads FILE (or `-`) as the body Ocean POSTs to the POS's endpoint and runs the receiver's
/// checks (`ocean_messages::parse`): the HTTP status to answer (200, or 400 with an
/// OperationOutcome), the event, the idempotency key to de-duplicate Ocean's retries by, the
/// receiving site, the referral a clinic files (patient, reason, requester, notes, forms,
/// documents) and the issues: the rule a refused body breaks, then the profile issues, which
/// never change the answer. A body longer than --max-bytes (32 MiB by default, the receiver's
/// limit) is refused without reading the rest.
///
/// Exit status: 0 when Ocean would be answered 200 and no issue is at or above --fail-on; 1 when
/// Ocean would be answered 400 (the body is JSON but not a message, or breaks a message rule) or
/// an issue is at or above --fail-on; 2 when FILE cannot be read, is over the size limit or is
/// not JSON. `--json` prints the receive view, one object whose schema is
/// `ocean-messages/receive-view.schema.json`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    ocean receive testdata/ocean/ereferral_back_pain.bundle.json\n  \
    ocean receive body.json --json | jq .answer       # the status to send Ocean\n  \
    ocean receive --fail-on warning body.json          # profile warnings fail too\n  \
    curl -s $CAPTURED_BODY_URL | ocean receive -")]
pub(crate) struct Args {
    /// The received body (a FHIR message Bundle), or `-` for standard input.
    #[arg(value_name = "FILE")]
    file: OsString,
    /// The body size limit in bytes; a longer body is refused (exit 2).
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BYTES)]
    max_bytes: usize,
}

/// Runs `ocean receive`.
pub(crate) fn run(args: &Args, g: &Global) -> Run {
    let input = Input::from_arg(&args.file);
    let body = read_limited(&input, args.max_bytes)?;
    let result = parse_with(&body, &ParseOptions::new().max_bytes(args.max_bytes));
    if let Err(MessageError::NotAMessage(NotAMessage::Json(e))) = &result {
        return Err(Unusable::input(input.name(), format!("not JSON: {e}")));
    }
    let answer = http::ack(&result).status();
    let view = receive_view(&result, &body);
    if g.json {
        output::json(&view)?;
    } else {
        let site = match &result {
            Ok(Received::Supported(m)) => Some(m.receiver_site_number().unwrap_or("unknown")),
            _ => None,
        };
        output::text(|w| print_table(w, &view, site))?;
    }
    if !(200..300).contains(&answer) {
        return Ok(Exit::Findings);
    }
    Ok(g.fail_on.exit_for(severities(&view)))
}

/// Reads at most `limit + 1` bytes; a body over `limit` is refused without reading the rest.
fn read_limited(input: &Input, limit: usize) -> Result<Vec<u8>, Unusable> {
    let reader = input.open()?;
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let mut body = Vec::new();
    reader
        .take(cap)
        .read_to_end(&mut body)
        .map_err(|e| input.io_error(&e))?;
    if body.len() > limit {
        return Err(Unusable::input(
            input.name(),
            format!(
                "longer than the {limit}-byte limit (--max-bytes): refused without reading the rest"
            ),
        ));
    }
    Ok(body)
}

/// The severities of the view's issues.
fn severities(view: &Value) -> Vec<Severity> {
    view["issues"]
        .as_array()
        .map(|issues| {
            issues
                .iter()
                .filter_map(|i| i["severity"].as_str().and_then(Severity::from_code))
                .collect()
        })
        .unwrap_or_default()
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or("-")
}

fn count(v: &Value) -> usize {
    v.as_array().map_or(0, Vec::len)
}

/// The table: answer, event, key and site, then what a receiving clinic reads first (the
/// referral's own values, printed for its clinic), then the issues.
fn print_table(w: &mut dyn Write, view: &Value, site: Option<&str>) -> std::io::Result<()> {
    let supported = view["supported"] == Value::Bool(true);
    let answer = &view["answer"];
    let what = match view["event"].as_str() {
        Some(_) if supported => "supported",
        Some(_) => "refused",
        None if *answer == 200 => "an event this receiver does not model",
        None => "refused: not a message",
    };
    writeln!(w, "{:<14} {answer} ({what})", "answer")?;
    writeln!(w, "{:<14} {}", "event", text(&view["event"]))?;
    writeln!(w, "{:<14} {}", "idempotency", text(&view["idempotencyKey"]))?;
    if let Some(site) = site {
        writeln!(w, "{:<14} {site}", "receiving site")?;
    }
    let r = &view["referral"];
    if r.is_object() {
        let p = &r["patient"];
        let given: Vec<&str> = p["given"]
            .as_array()
            .map(|g| g.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        writeln!(
            w,
            "{:<14} {} ({}), {}",
            "referral",
            text(&r["id"]),
            text(&r["status"]),
            text(&r["category"])
        )?;
        writeln!(
            w,
            "{:<14} {}{}; born {}; {}",
            "patient",
            text(&p["family"]),
            if given.is_empty() {
                String::new()
            } else {
                format!(", {}", given.join(" "))
            },
            text(&p["birthDate"]),
            text(&p["gender"])
        )?;
        writeln!(
            w,
            "{:<14} ({}) {}",
            "reason",
            text(&r["reasonSource"]),
            text(&r["reason"])
        )?;
        writeln!(w, "{:<14} {}", "requester", text(&r["requester"]))?;
        writeln!(
            w,
            "{:<14} {} note(s), {} form(s), {} document(s)",
            "content",
            count(&r["notes"]),
            count(&r["forms"]),
            count(&r["documents"])
        )?;
    }
    let issues = view["issues"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    writeln!(w, "issues: {}", issues.len())?;
    for i in issues {
        writeln!(
            w,
            "  {:<8} {:<28} {}",
            text(&i["severity"]),
            text(&i["rule"]),
            text(&i["path"])
        )?;
        writeln!(w, "  {:<8} {}", "", text(&i["message"]))?;
    }
    Ok(())
}
