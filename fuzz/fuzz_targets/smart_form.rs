//! Fuzz target: the OAuth token request body (`application/x-www-form-urlencoded`) with an
//! optional `Authorization` header (`TokenRequest::from_form`). The first line of the input is
//! the header (absent when the input has no newline), the rest is the body. Must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ocean_smart::authorize::TokenRequest;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (header, body) = match text.split_once('\n') {
        Some((h, b)) => (Some(h), b),
        None => (None, text),
    };
    if let Err(e) = TokenRequest::from_form(body, header) {
        let _ = (e.error_code(), e.http_status(), e.to_json());
    }
});
