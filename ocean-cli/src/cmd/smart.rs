//! `ocean smart`: the SMART launch into Ocean, POS side: the launch URL for a scenario, and the
//! check of the discovery documents.

use std::ffi::OsString;
use std::io::Write;

use clap::{Subcommand, ValueEnum};
use ocean_smart::discovery::{
    OpenIdConfiguration, SmartConfiguration, check_all, check_smart_configuration,
};
use ocean_smart::launch::{
    FhirUser, LaunchConfig, LaunchContext, LaunchError, LaunchId, LaunchSession, PosReferralId,
};
use ocean_smart::{Finding, Findings, Severity};
use schemars::JsonSchema;
use serde::Serialize;

use crate::Global;
use crate::cmd::validate::SeverityOut;
use crate::input::Input;
use crate::outcome::{Exit, Run, Unusable};
use crate::output;

/// The SMART launch into Ocean, POS side: launch URLs and the discovery check.
///
/// `ocean smart launch` prints the URL the "Launch Ocean" button opens for one of the three
/// contextual launch scenarios, from an Ocean site's launch configuration; `ocean smart
/// check-discovery` checks the POS's `.well-known/smart-configuration` (and
/// `openid-configuration`) for what Ocean needs. Each subcommand's help gives its exit status.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    ocean smart launch --config site.json new-request --user Practitioner/dr-7 --patient pt-42\n  \
    ocean smart check-discovery smart-configuration.json --openid openid-configuration.json")]
pub(crate) struct Args {
    #[command(subcommand)]
    command: SmartCommand,
}

#[derive(Debug, Subcommand)]
enum SmartCommand {
    Launch(LaunchArgs),
    CheckDiscovery(DiscoveryArgs),
}

/// The URL the "Launch Ocean" button opens for a scenario.
///
/// Reads an Ocean site's launch configuration (`ocean_smart::launch::LaunchConfig`: JSON with
/// `oceanLaunchUrl`, `fhirBaseUrl`, `siteNum`, `actions` per scenario, optional
/// `referralParam`, `actionParam`, `siteParam`, `extraParams`), checks it, and prints the launch
/// URL for SCENARIO: `new-request` (needs --patient), `existing-request` (needs --patient and
/// --referral, the POS's own referral id) or `dashboard` (no patient). The patient, encounter
/// and user travel in the token response, not in the URL; they are checked here (FHIR id rule)
/// as the POS stores them under the launch id. The launch id is random unless --launch-id is
/// given. Ocean's production launch URL and actions are not public: confirm them with Ocean.
///
/// Exit status: 0 when the URL is printed and no configuration finding is at or above
/// --fail-on; 1 when a finding is, or when the scenario is not offered (no action configured,
/// or the configuration has errors: no URL); 2 when the configuration cannot be read, is not
/// JSON or not a launch configuration, or an id argument is invalid. `--json` prints one object
/// (schema: `ocean-cli/schemas/smart-launch.schema.json`).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    ocean smart launch --config site.json new-request --user Practitioner/dr-7 --patient pt-42\n  \
    ocean smart launch --config site.json existing-request --user Practitioner/dr-7 \\\n      \
    --patient pt-42 --referral sr-9\n  \
    ocean smart launch --config site.json dashboard --user Practitioner/dr-7 --json")]
struct LaunchArgs {
    /// The Ocean site's launch configuration (JSON), or `-` for standard input.
    #[arg(long, value_name = "LAUNCH_CONFIG", required = true)]
    config: OsString,
    /// The launch scenario.
    #[arg(value_enum, value_name = "SCENARIO")]
    scenario: ScenarioArg,
    /// The signed-in user: `Practitioner/{id}` (or Patient, RelatedPerson, Person).
    #[arg(long, value_name = "FHIRUSER")]
    user: String,
    /// The patient in context (new-request and existing-request).
    #[arg(long, value_name = "ID")]
    patient: Option<String>,
    /// The encounter in context (optional; not for dashboard).
    #[arg(long, value_name = "ID")]
    encounter: Option<String>,
    /// The POS's id of the referral (existing-request).
    #[arg(long, value_name = "ID")]
    referral: Option<String>,
    /// Use this launch id instead of a random one.
    #[arg(long, value_name = "ID")]
    launch_id: Option<String>,
}

/// The three contextual launch scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ScenarioArg {
    /// A new eRequest for the patient in context.
    NewRequest,
    /// An existing eRequest of the patient in context.
    ExistingRequest,
    /// No patient: the site's dashboards.
    Dashboard,
}

/// Check a `.well-known/smart-configuration` document for what Ocean needs.
///
/// Reads FILE, the POS's `{FHIR base}/.well-known/smart-configuration`, and prints the
/// checker's findings (`ocean_smart::discovery`), each naming its member and rule: endpoints,
/// capabilities Ocean needs, grant types, PKCE, client authentication, scopes. With --openid,
/// also checks the `.well-known/openid-configuration` and that both agree (fields are then
/// prefixed `smart-configuration.`, `openid-configuration.` or `both.`); --issuer is the issuer
/// the POS's id tokens carry, which the OpenID document must name exactly.
///
/// Exit status: 0 when no finding is at or above --fail-on; 1 when one is; 2 when a file cannot
/// be read or is not a JSON object. `--json` prints one object (schema:
/// `ocean-cli/schemas/smart-discovery.schema.json`).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    curl -s $FHIR/.well-known/smart-configuration | ocean smart check-discovery -\n  \
    ocean smart check-discovery smart.json --openid openid.json --issuer https://pos.example/auth\n  \
    ocean smart check-discovery smart.json --fail-on warning --json")]
struct DiscoveryArgs {
    /// The smart-configuration document (JSON), or `-` for standard input.
    #[arg(value_name = "FILE")]
    file: OsString,
    /// The openid-configuration document (JSON), checked too.
    #[arg(long, value_name = "FILE")]
    openid: Option<OsString>,
    /// The issuer the POS's id tokens carry (checked against the OpenID document).
    #[arg(long, value_name = "URL", requires = "openid")]
    issuer: Option<String>,
}

/// `ocean smart launch --json`: the launch URL and the configuration's findings.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LaunchReport {
    /// `newRequest`, `existingRequest` or `dashboard`.
    pub(crate) scenario: String,
    /// The URL the "Launch Ocean" button opens; `null` when the scenario is not offered.
    pub(crate) url: Option<String>,
    /// Why there is no URL, when there is none.
    pub(crate) not_offered: Option<String>,
    /// The launch id the POS stores the session under (single use, short-lived).
    pub(crate) launch_id: String,
    /// What the configuration check found.
    pub(crate) findings: Vec<FindingOut>,
    /// Findings of severity `error`.
    pub(crate) errors: usize,
    /// Findings of severity `warning`.
    pub(crate) warnings: usize,
}

/// `ocean smart check-discovery --json`: the checker's findings.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct DiscoveryReport {
    /// Every finding, in the order the rules ran.
    pub(crate) findings: Vec<FindingOut>,
    /// Findings of severity `error`.
    pub(crate) errors: usize,
    /// Findings of severity `warning`.
    pub(crate) warnings: usize,
}

/// One finding of a checker.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct FindingOut {
    /// `error` or `warning`.
    pub(crate) severity: SeverityOut,
    /// The rule id (`launch.iss`, `discovery.pkce`, `smart.capability`, ...).
    pub(crate) rule: String,
    /// The member or parameter it is about (`fhirBaseUrl`, `token_endpoint`, ...).
    pub(crate) field: String,
    /// What is wrong and what to do.
    pub(crate) message: String,
}

impl From<&Finding> for FindingOut {
    fn from(f: &Finding) -> Self {
        FindingOut {
            severity: f.severity.into(),
            rule: f.rule.to_owned(),
            field: f.field.clone(),
            message: f.message.clone(),
        }
    }
}

/// Runs `ocean smart`.
pub(crate) fn run(args: &Args, g: &Global) -> Run {
    match &args.command {
        SmartCommand::Launch(a) => launch(a, g),
        SmartCommand::CheckDiscovery(a) => check_discovery(a, g),
    }
}

fn read_text(input: &Input) -> Result<String, Unusable> {
    String::from_utf8(input.read_all()?).map_err(|_| Unusable::input(input.name(), "not UTF-8"))
}

fn launch(a: &LaunchArgs, g: &Global) -> Run {
    let input = Input::from_arg(&a.config);
    let config = LaunchConfig::from_json(&read_text(&input)?).map_err(|e| {
        Unusable::input(
            input.name(),
            format!("launch configuration {}", json_error(&e)),
        )
    })?;
    let findings = config.check();
    let context = context(a)?;
    let launch_id = match &a.launch_id {
        Some(id) => LaunchId::new(id.clone()).map_err(|e| Unusable::usage(launch_error(&e)))?,
        None => LaunchId::random(),
    };
    let scenario = context.scenario().kind();
    let session = LaunchSession::new(launch_id, context, time::OffsetDateTime::now_utc());
    let (url, not_offered) = match config.launch_url(&session) {
        Ok(u) => (Some(u), None),
        Err(e) => (None, Some(launch_error(&e))),
    };
    let report = LaunchReport {
        scenario: scenario.as_str().to_owned(),
        url,
        not_offered,
        launch_id: session.id().as_str().to_owned(),
        findings: findings.iter().map(FindingOut::from).collect(),
        errors: findings.errors().count(),
        warnings: findings.warnings().count(),
    };
    if g.json {
        output::json(&report)?;
    } else {
        output::text(|w| {
            writeln!(w, "{:<10} {}", "scenario", report.scenario)?;
            writeln!(w, "{:<10} {}", "launch id", report.launch_id)?;
            match (&report.url, &report.not_offered) {
                (Some(u), _) => writeln!(w, "{:<10} {u}", "URL")?,
                (None, why) => writeln!(
                    w,
                    "{:<10} not offered ({})",
                    "URL",
                    why.as_deref().unwrap_or("-")
                )?,
            }
            print_findings(w, "configuration findings", &findings)
        })?;
    }
    if report.url.is_none() {
        return Ok(Exit::Findings);
    }
    Ok(g.fail_on.exit_for(findings.iter().map(|f| f.severity)))
}

/// The launch context of the scenario, from the arguments.
fn context(a: &LaunchArgs) -> Result<LaunchContext, Unusable> {
    let invalid = |e: LaunchError| Unusable::usage(launch_error(&e));
    let user = FhirUser::parse(&a.user).map_err(invalid)?;
    let patient = || {
        a.patient
            .as_deref()
            .ok_or_else(|| Unusable::usage("--patient is required for this scenario"))
    };
    let ctx = match a.scenario {
        ScenarioArg::NewRequest => LaunchContext::new_request(user, patient()?).map_err(invalid)?,
        ScenarioArg::ExistingRequest => {
            let referral = a
                .referral
                .as_deref()
                .ok_or_else(|| Unusable::usage("--referral is required for existing-request"))?;
            let referral = PosReferralId::new(referral).map_err(invalid)?;
            LaunchContext::existing_request(user, patient()?, referral).map_err(invalid)?
        }
        ScenarioArg::Dashboard => {
            if a.patient.is_some() || a.referral.is_some() {
                return Err(Unusable::usage(
                    "a dashboard launch has no --patient or --referral",
                ));
            }
            LaunchContext::dashboard(user)
        }
    };
    match &a.encounter {
        Some(e) => ctx.with_encounter(e).map_err(invalid),
        None => Ok(ctx),
    }
}

fn check_discovery(a: &DiscoveryArgs, g: &Global) -> Run {
    let input = Input::from_arg(&a.file);
    let smart = SmartConfiguration::from_json(&read_text(&input)?)
        .map_err(|e| Unusable::input(input.name(), format!("document {}", json_error(&e))))?;
    let findings = match &a.openid {
        None => check_smart_configuration(&smart),
        Some(path) => {
            let o_in = Input::from_arg(path);
            if input == Input::Stdin && o_in == Input::Stdin {
                return Err(Unusable::usage(
                    "`-` (standard input) can be given only once",
                ));
            }
            let oidc = OpenIdConfiguration::from_json(&read_text(&o_in)?).map_err(|e| {
                Unusable::input(o_in.name(), format!("document {}", json_error(&e)))
            })?;
            check_all(&smart, &oidc, a.issuer.as_deref())
        }
    };
    if g.json {
        output::json(&DiscoveryReport {
            findings: findings.iter().map(FindingOut::from).collect(),
            errors: findings.errors().count(),
            warnings: findings.warnings().count(),
        })?;
    } else {
        output::text(|w| print_findings(w, "findings", &findings))?;
    }
    Ok(g.fail_on.exit_for(findings.iter().map(|f| f.severity)))
}

fn print_findings(w: &mut dyn Write, title: &str, findings: &Findings) -> std::io::Result<()> {
    writeln!(
        w,
        "{title}: {} error(s), {} warning(s)",
        findings.errors().count(),
        findings.warnings().count()
    )?;
    for f in findings {
        let sev = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            _ => "info",
        };
        writeln!(w, "  {sev:<8} {:<26} {}", f.rule, f.field)?;
        writeln!(w, "  {:<8} {}", "", f.message)?;
    }
    Ok(())
}

/// A JSON error by its category and position only: serde's own text can quote the input
/// (`invalid type: string "..."`, `unknown field ...`).
fn json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Io => "could not be read",
        Category::Syntax => "is not valid JSON",
        Category::Eof => "ends in the middle of a value",
        Category::Data => "does not have the expected members and types",
    };
    format!("{what} (line {}, column {})", e.line(), e.column())
}

/// A launch error by its variant: all but `Config` come from our own tables; `Config` carries a
/// configuration finding's message, which may quote the configuration, so it is not shown (the
/// findings name the member).
fn launch_error(e: &LaunchError) -> String {
    match e {
        LaunchError::Config(_) => {
            "the launch configuration has errors (see the configuration findings)".to_owned()
        }
        other => other.to_string(),
    }
}
