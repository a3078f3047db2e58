//! Fuzz target: the `Authorization: Basic` header (`ocean_smart::authorize::parse_basic_auth`).
//! Must not panic; a parsed client id never contains `:` (the first colon splits id and secret).
#![no_main]

use libfuzzer_sys::fuzz_target;
use ocean_smart::authorize::parse_basic_auth;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some((id, _secret)) = parse_basic_auth(text) {
        assert!(!id.contains(':'), "client id contains ':'");
    }
});
