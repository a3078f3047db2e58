//! Demonstrates `ocean_ereferral::status`: a POS's configuration (which POS folder each Task
//! status goes to) checked and turned into the DRO Release Information Worksheet's status table,
//! and the Task.status → Ocean folders mapping behind it.
//!
//! ```text
//! cargo run --example worksheet     # on ocean-status/sample-config.json
//! ```
//!
//! From a shell, `ocean worksheet [CONFIG]` does the same on your configuration, with `--csv`,
//! `--mapping` and `--json`. It reports a bad configuration by our own keys only: the messages
//! of `ConfigErrors` can quote an unknown member or a wrong value, so this example reads only the
//! bundled sample.

use ocean_ereferral::status::AcceptedTaskStatus;
use ocean_ereferral::status::worksheet::{SAMPLE_CONFIG, Worksheet};

fn main() -> Result<(), String> {
    // Every problem is reported at once, each naming its key.
    let sheet = Worksheet::from_json(SAMPLE_CONFIG).map_err(|errors| errors.to_string())?;
    print!("{}", sheet.to_markdown()); // or `to_csv()`

    // The mapping the table is built from: each status Ocean accepts, its Ocean folders and the
    // POS folder this configuration files it in.
    println!();
    for status in AcceptedTaskStatus::ALL {
        let folders = status.folders();
        let pos = sheet.location(status);
        println!(
            "{:<12} Ocean sent \"{}\" / received \"{}\"; POS \"{}\"",
            status.code(),
            folders.sent,
            folders.received,
            pos.pos_folder
        );
    }

    // A configuration with problems: one error per missing or wrong key.
    if let Err(errors) = Worksheet::from_json(r#"{"statuses": {}}"#) {
        let text = errors.to_string();
        let first = text.lines().next().unwrap_or_default();
        println!(
            "\nan empty configuration: {} problem(s), first {first}",
            text.lines().count()
        );
    }
    Ok(())
}
