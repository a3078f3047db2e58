//! Print the DRO Release Information Worksheet status table for a POS configuration.
//!
//! ```text
//! cargo run --example worksheet -- [CONFIG.json] [--csv] [--mapping]
//! ```
//! With no CONFIG, uses the documented sample (`ocean-status/sample-config.json`). Prints the
//! table as Markdown, or CSV with `--csv`. `--mapping` prints instead the Task.status → Ocean
//! folders mapping as JSON (`{"<status>": {"sent": "<folder>", "received": "<folder>"}, ...}`).
//! A bad configuration prints every problem, each naming its key, and exits 2.

use std::process::ExitCode;

use ocean_ereferral::status::StatusMapping;
use ocean_ereferral::status::worksheet::{SAMPLE_CONFIG, Worksheet};

fn main() -> ExitCode {
    let (mut file, mut csv, mut mapping) = (None, false, false);
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--csv" => csv = true,
            "--mapping" => mapping = true,
            a if a.starts_with('-') => {
                eprintln!("usage: worksheet [CONFIG.json] [--csv] [--mapping]");
                return ExitCode::from(2);
            }
            a => file = Some(a.to_owned()),
        }
    }
    if mapping {
        return match serde_json::to_string_pretty(&StatusMapping) {
            Ok(s) => {
                println!("{s}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        };
    }
    let text = match &file {
        None => SAMPLE_CONFIG.to_owned(),
        Some(path) => match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read {path}: {e}");
                return ExitCode::from(2);
            }
        },
    };
    match Worksheet::from_json(&text) {
        Ok(sheet) => {
            print!(
                "{}",
                if csv {
                    sheet.to_csv()
                } else {
                    sheet.to_markdown()
                }
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprintln!("error: the configuration is not valid:\n{errors}");
            ExitCode::from(2)
        }
    }
}
