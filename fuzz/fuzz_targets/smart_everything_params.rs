//! Fuzz target: `Patient/$everything` query parameters (`EverythingParams::parse`). Must not
//! panic; accepted parameters read back (`since`, `since_text`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use ocean_smart::everything::EverythingParams;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = EverythingParams::parse(text) {
        let _ = (p.since(), p.since_text());
    }
});
