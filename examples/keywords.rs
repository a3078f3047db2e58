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
//! resource (the error names the line and column, never the content).

use ocean_keywords::{Extraction, Extractor, Rules, Severity};
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
                rules = rules.with_alias(suffix, code).map_err(|e| e.to_string())?;
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
        } else if f == "-" {
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut buf)
                .map_err(|e| format!("stdin: {e}"))?;
            pages.push(buf);
        } else {
            pages.push(std::fs::read(f).map_err(|e| format!("{f}: {e}"))?);
        }
    }
    for (i, p) in pages.iter().enumerate() {
        x.add_slice(p).map_err(|e| match files.get(i) {
            Some(f) => format!("{f}: {e}"),
            None => e.to_string(),
        })?;
    }
    let out = x.finish();

    if let Some(path) = &prune_out {
        let refs: Vec<&[u8]> = pages.iter().map(Vec::as_slice).collect();
        let pruned = ocean_keywords::prune_pages(&refs, &rules).map_err(|e| e.to_string())?;
        std::fs::write(path, &pruned.json).map_err(|e| format!("{path}: {e}"))?;
        let before: usize = pages.iter().map(Vec::len).sum();
        eprintln!(
            "pruned: {} -> {} bytes ({} -> {} entries), written to {path}",
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
