//! Fuzz target: the `Authorization: Basic` header (`ocean_smart::authorize::parse_basic_auth`).
//!
//! Must not panic. Invariant: a parsed id and secret, written back as a header
//! (`BasicCredentials::authorization`), read back the same. (A parsed client id may contain
//! `:`: RFC 6749 §2.3.1 form-encodes the id before joining it to the secret with `:`, so `%3A`
//! in the id is a colon; the first fuzz run's crash was the old, wrong invariant that it never
//! does.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use ocean_model::oauth::BasicCredentials;
use ocean_smart::authorize::parse_basic_auth;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some((id, secret)) = parse_basic_auth(text) {
        let header = BasicCredentials::new(id.clone(), secret.expose()).authorization();
        let again = parse_basic_auth(&header).map(|(i, s)| (i, s.expose().to_owned()));
        assert_eq!(
            again,
            Some((id, secret.expose().to_owned())),
            "the header written back reads differently"
        );
    }
});
