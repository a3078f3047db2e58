//! Fuzz target: arbitrary bytes as an `ocean-status` worksheet configuration. Must never panic;
//! a configuration that validates must render.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(sheet) = ocean_status::worksheet::Worksheet::from_json(text) {
        assert!(!sheet.to_markdown().is_empty());
        assert!(!sheet.to_csv().is_empty());
    }
});
