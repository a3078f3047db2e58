//! Fuzz target: token responses as JSON (`TokenResponse` through serde), their scopes and
//! expiry. Must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ocean_smart::TokenResponse;
use ocean_smart::time::OffsetDateTime;

fuzz_target!(|data: &[u8]| {
    let Ok(t) = serde_json::from_slice::<TokenResponse>(data) else {
        return;
    };
    let _ = t.scopes();
    let _ = t.access_token_expires_at(OffsetDateTime::UNIX_EPOCH);
    let _ = t.access_token_expires_at(OffsetDateTime::now_utc());
    let _ = serde_json::to_vec(&t);
});
