//! `ocean validate`: profile check of FHIR resources and Bundles.

use std::ffi::OsString;
use std::io::Write;

use ocean_model::validate::{self, Issue};
use ocean_model::{Resource, Severity, json};
use schemars::JsonSchema;
use serde::Serialize;

use crate::Global;
use crate::input::Input;
use crate::outcome::{Run, Unusable};
use crate::output;

/// Profile check of FHIR resources and Bundles.
///
/// Parses each FILE as a FHIR R4 resource or Bundle (leniently: a modelled element of the wrong
/// JSON type is kept and reported as a `fhir-json` issue) and checks it against the Ontario
/// eReferral v11 profiles Ocean relies on. Every issue names its rule and a FHIR path, never
/// patient data.
///
/// Exit status: 0 when no issue is at or above --fail-on, 1 when one is, 2 when a FILE cannot be
/// read or is not FHIR JSON. `--json` prints one object (schema:
/// `ocean-cli/schemas/validate.schema.json`).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    ocean validate referral.json\n  \
    ocean validate --fail-on warning *.json     # gate a CI job on warnings too\n  \
    ocean validate - --json < bundle.json")]
pub(crate) struct Args {
    /// FHIR JSON files (a resource or a Bundle), or `-` for standard input.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<OsString>,
    /// Print the re-serialised JSON of each file instead of its issues (lossless round trip).
    #[arg(long, conflicts_with = "json")]
    roundtrip: bool,
}

/// `ocean validate --json`: one report per file, in the order given.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Report {
    /// One entry per FILE.
    pub(crate) files: Vec<FileReport>,
    /// Issues of severity `error`, over all files.
    pub(crate) errors: usize,
    /// Issues of severity `warning`, over all files.
    pub(crate) warnings: usize,
}

/// The issues of one file.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FileReport {
    /// The file as named on the command line (`standard input` for `-`).
    pub(crate) file: String,
    /// The root resource's type.
    pub(crate) resource_type: String,
    /// The profile issues found.
    pub(crate) issues: Vec<IssueOut>,
}

/// One profile issue.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct IssueOut {
    /// `error`, `warning` or `information`.
    pub(crate) severity: SeverityOut,
    /// The rule id (see `ocean_model::validate`).
    pub(crate) rule: String,
    /// A FHIR path from the checked root, e.g. `Bundle.entry[3].resource.subject`.
    pub(crate) path: String,
    /// What is wrong, without patient data.
    pub(crate) message: String,
}

/// An issue's severity as the JSON output spells it.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SeverityOut {
    /// Breaks a required rule.
    Error,
    /// Breaks a recommendation.
    Warning,
    /// For information.
    Information,
}

impl From<Severity> for SeverityOut {
    fn from(s: Severity) -> Self {
        match s {
            Severity::Error => SeverityOut::Error,
            Severity::Warning => SeverityOut::Warning,
            Severity::Information => SeverityOut::Information,
        }
    }
}

impl From<&Issue> for IssueOut {
    fn from(i: &Issue) -> Self {
        IssueOut {
            severity: i.severity.into(),
            rule: i.rule.to_owned(),
            path: i.path.clone(),
            message: i.message.clone(),
        }
    }
}

/// Runs `ocean validate`.
pub(crate) fn run(args: &Args, g: &Global) -> Run {
    let inputs: Vec<Input> = args.files.iter().map(Input::from_arg).collect();
    let mut files = Vec::new();
    let mut severities = Vec::new();
    for input in &inputs {
        let bytes = crate::progress::read_all(input, g.json)?;
        let resource: Resource = json::from_slice(&bytes)
            .map_err(|e| Unusable::input(input.name(), format!("not FHIR JSON: {e}")))?;
        if args.roundtrip {
            let text = json::to_string_pretty(&resource)
                .map_err(|e| Unusable::input(input.name(), format!("cannot be serialised: {e}")))?;
            output::text(|w| writeln!(w, "{text}"))?;
            continue;
        }
        let issues = match &resource {
            Resource::Bundle(b) => validate::validate_bundle(b),
            other => validate::validate(other),
        };
        severities.extend(issues.iter().map(|i| i.severity));
        files.push(FileReport {
            file: input.name(),
            resource_type: resource.resource_type().to_owned(),
            issues: issues.iter().map(IssueOut::from).collect(),
        });
    }
    if args.roundtrip {
        return Ok(crate::outcome::Exit::Ok);
    }
    let count = |s| severities.iter().filter(|x| **x == s).count();
    let report = Report {
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        files,
    };
    if g.json {
        output::json(&report)?;
    } else {
        output::text(|w| print_table(w, &report))?;
    }
    Ok(g.fail_on.exit_for(severities))
}

fn print_table(w: &mut dyn Write, r: &Report) -> std::io::Result<()> {
    for f in &r.files {
        writeln!(
            w,
            "{} ({}): {} issue(s)",
            f.file,
            f.resource_type,
            f.issues.len()
        )?;
        for i in &f.issues {
            let sev = match i.severity {
                SeverityOut::Error => "error",
                SeverityOut::Warning => "warning",
                SeverityOut::Information => "info",
            };
            writeln!(w, "  {sev:<8} {:<28} {}", i.rule, i.path)?;
            writeln!(w, "  {:<8} {}", "", i.message)?;
        }
    }
    writeln!(w, "{} error(s), {} warning(s)", r.errors, r.warnings)
}
