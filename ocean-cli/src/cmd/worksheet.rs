//! `ocean worksheet`: the DRO Release Information Worksheet's status table for a POS
//! configuration.

use std::ffi::OsString;

use ocean_status::worksheet::{COLUMNS, SAMPLE_CONFIG, Worksheet, redacted_key_path};
use ocean_status::{AcceptedTaskStatus, ConfigError};
use schemars::JsonSchema;
use serde::Serialize;

use crate::Global;
use crate::input::Input;
use crate::outcome::{Exit, Run, Unusable};
use crate::output;

/// The DRO Release Information Worksheet's status table for a POS configuration.
///
/// Reads CONFIG, the POS's configuration (which POS folder each Task status Ocean accepts goes
/// to, and whether users can change it; format and JSON Schema in
/// `ocean-status/worksheet-config.schema.json`), checks it and prints the worksheet's status
/// table as Markdown, or CSV with --csv. With no CONFIG, reads the documented sample
/// (`ocean-status/sample-config.json`) and says so on stderr. --mapping prints instead the
/// Task.status → Ocean "Sent"/"Received" folders mapping, which needs no CONFIG.
///
/// A configuration that is JSON but breaks the rules is a finding, not unusable input: every
/// problem is printed, each naming its key (on stderr, or in `problems` with --json), and the
/// exit status is 1. Keys and values that are not ours are not repeated: an unknown status key
/// is reported under `statuses`, with the missing status it likely misspells named.
///
/// Exit status: 0 when the configuration is valid; 1 when it has problems (always errors, so
/// --fail-on does not change it); 2 when CONFIG cannot be read or is not JSON. `--json` prints
/// one object (schema: `ocean-cli/schemas/worksheet.schema.json`, or
/// `worksheet-mapping.schema.json` with --mapping).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    ocean worksheet                                  # the documented sample\n  \
    ocean worksheet my-emr.json > worksheet.md\n  \
    ocean worksheet my-emr.json --csv > worksheet.csv\n  \
    ocean worksheet --mapping --json                 # Task.status -> Ocean folders")]
pub(crate) struct Args {
    /// The POS configuration (JSON), or `-` for standard input; the sample when absent.
    #[arg(value_name = "CONFIG", conflicts_with = "mapping")]
    config: Option<OsString>,
    /// Print the table as CSV instead of Markdown.
    #[arg(long, conflicts_with = "mapping")]
    csv: bool,
    /// Print the Task.status → Ocean folders mapping instead of the table.
    #[arg(long)]
    mapping: bool,
}

/// `ocean worksheet --json`: the status table, or the problems of the configuration.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Report {
    /// The product named in the configuration.
    pub(crate) product: Option<String>,
    /// The worksheet's column headings, as in the seed.
    pub(crate) columns: Vec<String>,
    /// The rows, in the seed's order (empty when the configuration has problems).
    pub(crate) rows: Vec<RowOut>,
    /// Every problem of the configuration (empty when it is valid).
    pub(crate) problems: Vec<ProblemOut>,
}

/// One worksheet row (cells left empty continue the row above).
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RowOut {
    /// The Ocean "Sent" folder.
    pub(crate) sent: String,
    /// The Ocean "Received" folder.
    pub(crate) received: String,
    /// The Task.status value to send (or `not applicable - see Notes`).
    pub(crate) status: String,
    /// The seed's notes.
    pub(crate) notes: String,
    /// The POS folder.
    pub(crate) pos_folder: String,
    /// Whether the POS lets its users change the folder (`Yes`, `No`, `Not Applicable`).
    pub(crate) configurable: String,
}

/// One problem of a configuration.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct ProblemOut {
    /// The key it is about (`statuses.accepted`, `folders.bookingConfirmed.posFolder`, or a
    /// section when the key is not one of ours).
    pub(crate) key: String,
    /// What is wrong.
    pub(crate) message: String,
}

/// `ocean worksheet --mapping --json`: Task.status → Ocean folders.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Mapping {
    /// One entry per Task status Ocean accepts, in worksheet order.
    pub(crate) statuses: Vec<MappingOut>,
}

/// Where one Task status files a referral in Ocean.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct MappingOut {
    /// The Task.status code.
    pub(crate) status: String,
    /// The referrer's folder ("Sent").
    pub(crate) sent: String,
    /// The receiver's folder ("Received").
    pub(crate) received: String,
}

/// Runs `ocean worksheet`.
pub(crate) fn run(args: &Args, g: &Global) -> Run {
    if args.mapping {
        return print_mapping(g);
    }
    let (name, bytes) = match &args.config {
        Some(arg) => {
            let input = Input::from_arg(arg);
            (input.name(), input.read_all()?)
        }
        None => {
            eprintln!(
                "ocean worksheet: no CONFIG given; reading the documented sample \
                 (ocean-status/sample-config.json)"
            );
            (
                "the documented sample".to_owned(),
                SAMPLE_CONFIG.as_bytes().to_vec(),
            )
        }
    };
    let text = std::str::from_utf8(&bytes).map_err(|_| Unusable::input(&name, "not UTF-8 text"))?;
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        // serde_json's syntax messages are fixed texts, but say only the position anyway.
        return Err(Unusable::input(
            &name,
            format!("not JSON (line {}, column {})", e.line(), e.column()),
        ));
    }
    let sheet = match Worksheet::from_json(text) {
        Ok(s) => s,
        Err(errors) => {
            let problems: Vec<ProblemOut> = errors.0.iter().map(problem).collect();
            if g.json {
                output::json(&Report {
                    product: None,
                    columns: COLUMNS.iter().map(|c| (*c).to_owned()).collect(),
                    rows: Vec::new(),
                    problems,
                })?;
            } else {
                eprintln!("ocean worksheet: {name}: the configuration is not valid:");
                for p in &problems {
                    eprintln!("  {}: {}", p.key, p.message);
                }
            }
            return Ok(Exit::Findings);
        }
    };
    if g.json {
        output::json(&Report {
            product: sheet.product().map(str::to_owned),
            columns: COLUMNS.iter().map(|c| (*c).to_owned()).collect(),
            rows: sheet
                .rows()
                .into_iter()
                .map(
                    |[sent, received, status, notes, pos_folder, configurable]| RowOut {
                        sent,
                        received,
                        status,
                        notes,
                        pos_folder,
                        configurable,
                    },
                )
                .collect(),
            problems: Vec::new(),
        })?;
    } else {
        let out = if args.csv {
            sheet.to_csv()
        } else {
            sheet.to_markdown()
        };
        output::text(|w| w.write_all(out.as_bytes()))?;
    }
    Ok(Exit::Ok)
}

fn print_mapping(g: &Global) -> Run {
    let statuses: Vec<MappingOut> = AcceptedTaskStatus::ALL
        .iter()
        .map(|s| {
            let f = s.folders();
            MappingOut {
                status: s.code().to_owned(),
                sent: f.sent.name().to_owned(),
                received: f.received.name().to_owned(),
            }
        })
        .collect();
    if g.json {
        output::json(&Mapping { statuses })?;
    } else {
        output::text(|w| {
            writeln!(
                w,
                "{:<14} {:<24} received folder",
                "Task.status", "sent folder"
            )?;
            writeln!(w, "{}", "-".repeat(64))?;
            for m in &statuses {
                writeln!(w, "{:<14} {:<24} {}", m.status, m.sent, m.received)?;
            }
            Ok(())
        })?;
    }
    Ok(Exit::Ok)
}

/// One problem, naming its key when the key is ours; never repeating a value.
fn problem(e: &ConfigError) -> ProblemOut {
    let (key, message) = match e {
        // Already in our words, naming only our keys (ocean-status does that).
        ConfigError::Shape { path, message } => (path.clone(), message.clone()),
        ConfigError::UnknownStatus(_) => (
            "statuses".to_owned(),
            "a key that is not a FHIR Task status (see the statuses reported missing)".to_owned(),
        ),
        ConfigError::UnknownFolder(_) => (
            "folders".to_owned(),
            "a key that is not a worksheet row (bookingUnconfirmed, bookingConfirmed, \
             awaitingResponse)"
                .to_owned(),
        ),
        ConfigError::Duplicate { section, key } => (
            format!("{section}.{}", redacted_key_path(key)),
            "given more than once".to_owned(),
        ),
        ConfigError::EmptyFolder { section, key } => (
            format!("{section}.{}.posFolder", redacted_key_path(key)),
            "empty (write \"Not Applicable\" for a status the POS never sends)".to_owned(),
        ),
        // The remaining problems name only our own keys (a status Ocean does or does not
        // accept): the library's text is kept.
        other => {
            let text = other.to_string();
            match text.split_once(": ") {
                Some((k, m)) => (redacted_key_path(k), m.to_owned()),
                None => ("(root)".to_owned(), text),
            }
        }
    };
    ProblemOut { key, message }
}
