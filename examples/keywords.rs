//! What Ocean will show from a `Patient/$everything` Bundle: keyword values, demographics,
//! attachments, and what to fix.
//!
//! ```text
//! cargo run --release --example keywords                    # the bundled sample
//! cargo run --release --example keywords -- FILE.json       # your Bundle
//! cargo run --release --example keywords -- - < FILE.json   # from stdin, streaming
//! cargo run --release --example keywords -- FILE --json     # one JSON object
//! cargo run --release --example keywords -- FILE --prune OUT.json
//! cargo run --release --example keywords -- FILE --alias a1c=4548-4 --alias bp=85354-9
//! ```
//!
//! Several FILEs are read as pages of one Bundle. `--stats` prints the peak resident memory
//! (Linux) on stderr. Exit status: 0 on success, 2 when the input is not a FHIR Bundle or
//! resource. Errors never echo input or arguments: they name the page (argument position), the
//! line and column, an I/O error kind, or a suffix or code from our own tables
//! (`cargo test --example keywords` checks it).

use ocean_keywords::{Extraction, Extractor, Rules, RulesError, Severity};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("keywords: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut files: Vec<String> = Vec::new();
    let mut json = false;
    let mut stats = false;
    let mut prune_out: Option<String> = None;
    let mut rules = Rules::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--json" => json = true,
            "--stats" => stats = true,
            "--prune" => prune_out = Some(args.next().ok_or("--prune needs an output file")?),
            "--alias" => {
                let spec = args.next().ok_or("--alias needs SUFFIX=CODE")?;
                let (suffix, code) = spec.split_once('=').ok_or("--alias needs SUFFIX=CODE")?;
                rules = rules
                    .with_alias(suffix, code)
                    .map_err(|e| alias_error(&e))?;
            }
            "-h" | "--help" => {
                println!(
                    "usage: keywords [FILE|-]... [--json] [--prune OUT.json] [--alias SUFFIX=CODE]... [--stats]"
                );
                return Ok(());
            }
            _ => files.push(a),
        }
    }

    let mut x = Extractor::new(&rules);
    let mut pages: Vec<Vec<u8>> = Vec::new();
    if files.is_empty() {
        eprintln!(
            "keywords: no FILE given; reading the bundled sample (ocean-keywords/samples/everything.json)"
        );
        pages.push(ocean_keywords::SAMPLE_BUNDLE.as_bytes().to_vec());
    }
    for f in &files {
        if f == "-" && prune_out.is_none() {
            // Streaming: the Bundle is never held in memory.
            x.add_reader(std::io::stdin().lock())
                .map_err(|e| format!("stdin: {e}"))?;
            // `ExtractError` carries only its kind, line and column (or entry index).
        } else if f == "-" {
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut buf)
                .map_err(|e| format!("stdin: cannot be read ({})", e.kind()))?;
            pages.push(buf);
        } else {
            let n = pages.len() + 1;
            pages.push(std::fs::read(f).map_err(|e| file_error(n, &e))?);
        }
    }
    for (i, p) in pages.iter().enumerate() {
        x.add_slice(p).map_err(|e| format!("page {}: {e}", i + 1))?;
    }
    let out = x.finish();

    if let Some(path) = &prune_out {
        let refs: Vec<&[u8]> = pages.iter().map(Vec::as_slice).collect();
        let pruned = ocean_keywords::prune_pages(&refs, &rules).map_err(|e| e.to_string())?;
        std::fs::write(path, &pruned.json)
            .map_err(|e| format!("--prune: the output cannot be written ({})", e.kind()))?;
        let before: usize = pages.iter().map(Vec::len).sum();
        eprintln!(
            "pruned: {} -> {} bytes ({} -> {} entries), written to the --prune file",
            before,
            pruned.json.len(),
            pruned.entries_before,
            pruned.entries_after
        );
    }

    let stdout = std::io::stdout();
    let mut w = stdout.lock();
    if json {
        serde_json::to_writer_pretty(&mut w, &out).map_err(|e| e.to_string())?;
        writeln!(w).map_err(|e| e.to_string())?;
    } else {
        print_table(&mut w, &out, &rules).map_err(|e| e.to_string())?;
    }
    if stats {
        if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
            for line in status.lines().filter(|l| l.starts_with("VmHWM")) {
                eprintln!("peak memory: {}", line.trim_start_matches("VmHWM:").trim());
            }
        }
    }
    Ok(())
}

fn print_table(w: &mut impl Write, out: &Extraction, rules: &Rules) -> std::io::Result<()> {
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
            let name = [
                d.prefix.join(" "),
                d.given.join(" "),
                d.family.clone().unwrap_or_default(),
                d.suffix.join(" "),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
            writeln!(w, "  name        {name}")?;
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
                Some(a) => writeln!(
                    w,
                    "  address     {}",
                    [
                        a.line.join(", "),
                        a.city.clone().unwrap_or_default(),
                        a.state.clone().unwrap_or_default(),
                        a.postal_code.clone().unwrap_or_default(),
                        a.country.clone().unwrap_or_default()
                    ]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ")
                )?,
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

/// `--alias` refused, named from our own tables (the arguments are not echoed).
fn alias_error(e: &RulesError) -> String {
    match e {
        RulesError::UnknownSuffix(_) => {
            "--alias: no @ptLatestVal row has that suffix (see ocean-keywords' row table)".into()
        }
        RulesError::NotLoinc(_) => {
            "--alias: the code is not LOINC-shaped (digits, '-', one check digit)".into()
        }
        RulesError::AlreadyUsed { suffix, .. } => {
            format!("--alias: the code already feeds @ptLatestVal.{suffix}")
        }
        _ => "--alias: refused".into(),
    }
}

/// A file that cannot be read, named by its position among the pages and the I/O error kind
/// (not its path, not the OS message).
fn file_error(page: usize, e: &std::io::Error) -> String {
    format!("page {page}: the file cannot be read ({})", e.kind())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const SENTINEL: &str = "ZZ-SENTINEL-7731";

    #[test]
    fn errors_do_not_echo_arguments_or_input() {
        let rules = Rules::default();
        for (suffix, code) in [(SENTINEL, "2951-2"), ("na", SENTINEL), ("na", "2947-0")] {
            let e = rules.clone().with_alias(suffix, code).unwrap_err();
            let text = alias_error(&e);
            assert!(!text.contains(SENTINEL), "{text}");
        }
        let e = std::fs::read(format!("/nonexistent/{SENTINEL}")).unwrap_err();
        assert!(!file_error(1, &e).contains(SENTINEL));
        let input =
            format!(r#"{{"resourceType":"Bundle","entry":[{{"resource":{{"x":"{SENTINEL}"}}]}}"#);
        let mut x = Extractor::new(&rules);
        let e = x.add_slice(input.as_bytes()).unwrap_err();
        assert!(!format!("page 1: {e}").contains(SENTINEL));
    }
}
