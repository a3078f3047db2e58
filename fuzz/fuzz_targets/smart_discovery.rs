//! Fuzz target: SMART and OpenID discovery documents (`SmartConfiguration::from_json`,
//! `OpenIdConfiguration::from_json`) and their checks (`check_all`). The input is read as both
//! documents. Must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ocean_smart::discovery::{OpenIdConfiguration, SmartConfiguration, check_all};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let smart = SmartConfiguration::from_json(text);
    let oidc = OpenIdConfiguration::from_json(text);
    if let Ok(s) = &smart {
        let _ = (s.malformed_fields(), s.has_capability("launch-ehr"));
    }
    if let (Ok(s), Ok(o)) = (&smart, &oidc) {
        let _ = check_all(s, o, Some("https://pos.example/fhir"));
        let _ = check_all(s, o, None);
    }
});
