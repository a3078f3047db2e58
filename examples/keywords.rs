//! Demonstrates `ocean_ereferral::keywords`: what Ocean pre-populates from a
//! `Patient/$everything` Bundle (the `@ptCpp.*` lists, the latest lab and vital values, the
//! demographics), the findings that say what to fix, and the pruned Bundle that gives the same
//! values.
//!
//! ```text
//! cargo run --example keywords [-- FILE]     # the bundled sample $everything without FILE
//! ```
//!
//! From a shell, `ocean keywords [FILE|-]...` does the same with every option (`--json`,
//! `--prune`, `--alias`, `--html`, several pages, streaming from stdin).

use ocean_ereferral::keywords::{CppSection, Rules, SAMPLE_BUNDLE, extract_with, prune};

fn main() -> Result<(), String> {
    let bytes = match std::env::args_os().nth(1) {
        Some(path) => std::fs::read(path).map_err(|e| file_error(&e))?,
        None => SAMPLE_BUNDLE.as_bytes().to_vec(),
    };
    // The default rules are Ocean's: 5 `@ptCpp` lists and 18 LOINC rows.
    let rules = Rules::default();
    // `ExtractError` carries only its kind and position, never input text.
    let out = extract_with(&bytes, &rules).map_err(|e| e.to_string())?;

    for section in CppSection::ALL {
        let items = out.items(section.keyword());
        println!("{:<24} {} item(s)", section.keyword(), items.len());
    }
    for rule in rules.latest_rules() {
        if let Some((value, date)) = out.latest(rule.suffix()) {
            println!("{:<24} {value} ({date})", rule.value_keyword());
        }
    }
    if let Some(d) = &out.demographics {
        let hn = d.health_number.as_ref().map(|h| h.value.as_str());
        let born = d.birth_date.as_deref().unwrap_or("-");
        println!("patient born {born}, health number {}", hn.unwrap_or("-"));
    }
    println!(
        "{} attachment(s), {} finding(s):",
        out.attachments.len(),
        out.findings.len()
    );
    for finding in &out.findings {
        println!("  {finding}");
    }

    // The smallest Bundle that gives Ocean the same values.
    let pruned = prune(&bytes, &rules).map_err(|e| e.to_string())?;
    let same = extract_with(&pruned.json, &rules).map_err(|e| e.to_string())?;
    println!(
        "pruned: {} -> {} bytes, {} -> {} entries, same values: {}",
        bytes.len(),
        pruned.json.len(),
        pruned.entries_before,
        pruned.entries_after,
        same.values() == out.values()
    );
    Ok(())
}

/// A file that cannot be read, by its I/O error kind (not its path, not the OS message).
fn file_error(e: &std::io::Error) -> String {
    format!("the file cannot be read ({})", e.kind())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const SENTINEL: &str = "ZZ-SENTINEL-7731";

    #[test]
    fn errors_do_not_echo_the_path_or_input() {
        let e = std::fs::read(format!("/nonexistent/{SENTINEL}")).unwrap_err();
        assert!(!file_error(&e).contains(SENTINEL));
        let input =
            format!(r#"{{"resourceType":"Bundle","entry":[{{"resource":{{"x":"{SENTINEL}"}}]}}"#);
        let e = extract_with(input.as_bytes(), &Rules::default()).unwrap_err();
        let shown = e.to_string();
        assert!(!shown.is_empty() && !shown.contains(SENTINEL), "{shown}");
    }
}
