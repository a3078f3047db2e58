//! Fuzz target: `ocean-smart`'s query-string and percent-encoding parsers, and the authorize
//! request read from a query (`ocean_smart::query::{decode, decode_form, parse_query}`,
//! `AuthorizeRequest::from_query`).
//!
//! None may panic. Invariants: `decode(encode(s)) == s`; `parse_query` of a query built with
//! `QueryBuilder` from the parsed pairs gives the same pairs back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ocean_smart::authorize::AuthorizeRequest;
use ocean_smart::query::{QueryBuilder, decode, decode_form, encode, parse_query};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = decode(text);
    let _ = decode_form(text);
    assert_eq!(
        decode(&encode(text)).ok().as_deref(),
        Some(text),
        "encode/decode"
    );
    if let Ok(pairs) = parse_query(text) {
        let mut b = QueryBuilder::new("https://pos.example/x");
        for (k, v) in &pairs {
            b = b.param(k, v);
        }
        let url = b.finish();
        let query = url.split_once('?').map_or("", |(_, q)| q);
        assert_eq!(
            parse_query(query).ok(),
            Some(pairs),
            "parse_query round trip"
        );
    }
    let _ = AuthorizeRequest::from_query(text).map(|r| r.scopes());
});
