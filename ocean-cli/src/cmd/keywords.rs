//! `ocean keywords`: what Ocean will pre-populate from a `Patient/$everything` Bundle.

use std::ffi::OsString;
use std::io::Write;

use ocean_keywords::{Extraction, Extractor, Rules, RulesError, Severity};

use crate::Global;
use crate::input::Input;
use crate::outcome::{Run, Unusable};
use crate::output;

/// What Ocean will pre-populate from a Patient/$everything Bundle.
///
/// Reads a `Patient/$everything` Bundle (or any FHIR resource) and prints what Ocean would
/// pre-populate: the `@ptCpp.*` lists, the latest lab and vital values
/// (`@ptLatestVal.X`/`@ptLatestDate.X`), the demographics pane and the attachments, then the
/// findings (what to fix). Several FILEs are read as pages of one Bundle; `-` streams standard
/// input in constant memory. With no FILE, reads the bundled sample (and says so on stderr).
///
/// Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 when an input
/// cannot be read or is not FHIR JSON. `--json` prints one object whose schema is
/// `ocean-keywords/extraction.schema.json`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    ocean keywords                                  # the bundled sample\n  \
    ocean keywords everything.json --json           # one JSON object\n  \
    ocean keywords page1.json page2.json            # pages of one Bundle\n  \
    curl -s $POS/Patient/1/\\$everything | ocean keywords -\n  \
    ocean keywords everything.json --alias a1c=4548-4 --prune small.json")]
pub(crate) struct Args {
    /// Bundle files (pages of one Bundle), or `-` for standard input.
    #[arg(value_name = "FILE")]
    files: Vec<OsString>,
    /// Write the smallest Bundle that gives the same values to OUT.
    #[arg(long, value_name = "OUT")]
    prune: Option<OsString>,
    /// Also read CODE (LOINC) for the @ptLatestVal.SUFFIX row; repeatable.
    #[arg(long, value_name = "SUFFIX=CODE")]
    alias: Vec<String>,
    /// Write a self-contained HTML page of the pre-populated form to FILE.
    #[arg(long, value_name = "FILE")]
    html: Option<OsString>,
}

/// Runs `ocean keywords`.
pub(crate) fn run(args: &Args, g: &Global) -> Run {
    let mut rules = Rules::default();
    for spec in &args.alias {
        let (suffix, code) = spec
            .split_once('=')
            .ok_or_else(|| Unusable::input("--alias", "needs SUFFIX=CODE"))?;
        rules = rules
            .with_alias(suffix, code)
            .map_err(|e| Unusable::input("--alias", alias_error(&e)))?;
    }
    let inputs: Vec<Input> = args.files.iter().map(Input::from_arg).collect();
    if inputs.iter().filter(|i| **i == Input::Stdin).count() > 1 {
        return Err(Unusable::usage(
            "`-` (standard input) can be given only once",
        ));
    }
    let mut x = Extractor::new(&rules);
    let mut pages: Vec<(String, Vec<u8>)> = Vec::new();
    if inputs.is_empty() {
        eprintln!("ocean keywords: no FILE given; reading the bundled sample $everything Bundle");
        pages.push((
            "the bundled sample".to_owned(),
            ocean_keywords::SAMPLE_BUNDLE.as_bytes().to_vec(),
        ));
    }
    for input in &inputs {
        if *input == Input::Stdin && args.prune.is_none() {
            // Streaming: the Bundle is never held in memory.
            x.add_reader(crate::progress::open(input, g.json)?)
                .map_err(|e| {
                    Unusable::input(input.name(), format!("not a FHIR Bundle or resource: {e}"))
                })?;
        } else {
            pages.push((input.name(), crate::progress::read_all(input, g.json)?));
        }
    }
    for (name, bytes) in &pages {
        x.add_slice(bytes)
            .map_err(|e| Unusable::input(name, format!("not a FHIR Bundle or resource: {e}")))?;
    }
    let out = x.finish();

    if let Some(path) = &args.prune {
        let refs: Vec<&[u8]> = pages.iter().map(|(_, b)| b.as_slice()).collect();
        let pruned = ocean_keywords::prune_pages(&refs, &rules)
            .map_err(|e| Unusable::usage(format!("--prune: {e}")))?;
        std::fs::write(path, &pruned.json).map_err(|e| {
            Unusable::input(
                std::path::Path::new(path).display().to_string(),
                format!("cannot be written ({})", e.kind()),
            )
        })?;
        eprintln!(
            "pruned: {} -> {} entries, {} bytes written",
            pruned.entries_before,
            pruned.entries_after,
            pruned.json.len()
        );
    }
    if let Some(path) = &args.html {
        crate::cmd::keywords_html::write(path, &out, &rules)?;
    }

    if g.json {
        output::json(&out)?;
    } else {
        output::text(|w| print_table(w, &out, &rules))?;
    }
    Ok(g.fail_on.exit_for(out.findings.iter().map(|f| f.severity)))
}

fn print_table(w: &mut dyn Write, out: &Extraction, rules: &Rules) -> std::io::Result<()> {
    writeln!(w, "{:<24} {:<44} date", "keyword", "value")?;
    writeln!(w, "{}", "-".repeat(80))?;
    for section in ocean_keywords::CppSection::ALL {
        let kw = section.keyword();
        let items = out.items(kw);
        if items.is_empty() {
            writeln!(w, "{kw:<24} (empty)")?;
        }
        for (i, item) in items.iter().enumerate() {
            let label = if i == 0 { kw } else { "" };
            writeln!(w, "{label:<24} {item}")?;
        }
    }
    for rule in rules.latest_rules() {
        let kw = rule.value_keyword();
        match out.latest(rule.suffix()) {
            Some((v, d)) => writeln!(w, "{kw:<24} {v:<44} {d}")?,
            None => writeln!(w, "{kw:<24} (empty)")?,
        }
    }
    writeln!(w)?;
    match &out.demographics {
        None => writeln!(w, "demographics: (no Patient)")?,
        Some(d) => {
            writeln!(w, "demographics:")?;
            writeln!(w, "  name        {}", display_name(d))?;
            writeln!(
                w,
                "  birth date  {}",
                d.birth_date.as_deref().unwrap_or("-")
            )?;
            writeln!(w, "  gender      {}", d.gender.as_deref().unwrap_or("-"))?;
            match &d.health_number {
                Some(h) => writeln!(
                    w,
                    "  health no.  {} {}{}",
                    h.province.as_deref().unwrap_or("??"),
                    h.value,
                    h.version_code
                        .as_deref()
                        .map(|v| format!(" ({v})"))
                        .unwrap_or_default()
                )?,
                None => writeln!(w, "  health no.  -")?,
            }
            match &d.address {
                Some(a) => writeln!(w, "  address     {}", display_address(a))?,
                None => writeln!(w, "  address     -")?,
            }
            let p = &d.phones;
            writeln!(
                w,
                "  phones      mobile {} / home {} / work {}",
                p.mobile.as_deref().unwrap_or("-"),
                p.home.as_deref().unwrap_or("-"),
                p.work.as_deref().unwrap_or("-")
            )?;
            writeln!(w, "  email       {}", d.email.as_deref().unwrap_or("-"))?;
        }
    }
    writeln!(w)?;
    writeln!(w, "attachments: {}", out.attachments.len())?;
    for a in &out.attachments {
        writeln!(
            w,
            "  {} [{}] {} bytes {}",
            a.title.as_deref().unwrap_or("(untitled)"),
            a.content_type.as_deref().unwrap_or("?"),
            a.size.map_or_else(|| "?".to_owned(), |s| s.to_string()),
            a.url.as_deref().unwrap_or("(inline)")
        )?;
    }
    writeln!(w)?;
    let count = |s| out.findings.iter().filter(|f| f.severity == s).count();
    writeln!(
        w,
        "findings: {} error, {} warning, {} info",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Information)
    )?;
    for f in &out.findings {
        writeln!(w, "  {f}")?;
    }
    Ok(())
}

/// The patient's name as the demographics pane shows it: prefix, given, family, suffix.
pub(crate) fn display_name(d: &ocean_keywords::Demographics) -> String {
    [
        d.prefix.join(" "),
        d.given.join(" "),
        d.family.clone().unwrap_or_default(),
        d.suffix.join(" "),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" ")
}

/// The address on one line: lines, city, province, postal code, country.
pub(crate) fn display_address(a: &ocean_keywords::AddressInfo) -> String {
    [
        a.line.join(", "),
        a.city.clone().unwrap_or_default(),
        a.state.clone().unwrap_or_default(),
        a.postal_code.clone().unwrap_or_default(),
        a.country.clone().unwrap_or_default(),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(", ")
}

/// `--alias` refused, named from our own tables (the arguments are not echoed).
fn alias_error(e: &RulesError) -> String {
    match e {
        RulesError::UnknownSuffix(_) => {
            "no @ptLatestVal row has that suffix (see ocean-keywords' row table)".into()
        }
        RulesError::NotLoinc(_) => {
            "the code is not LOINC-shaped (digits, '-', one check digit)".into()
        }
        RulesError::AlreadyUsed { suffix, .. } => {
            format!("the code already feeds @ptLatestVal.{suffix}")
        }
        _ => "refused".into(),
    }
}
