//! Fuzz target: SMART scope strings (`ScopeSet::parse`, lenient; `ScopeSet::from_str`, strict;
//! `Scope::from_str` per token). Must not panic. Invariants: a strictly parsed set prints to a
//! string that parses strictly to the same set; strict success implies no invalid token in the
//! lenient parse.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ocean_smart::scope::{Scope, ScopeSet};
use std::str::FromStr;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lenient = ScopeSet::parse(text);
    let _ = lenient.ocean_coverage(true);
    for token in text.split_whitespace().take(64) {
        if let Ok(s) = Scope::from_str(token) {
            let _ = s.to_string();
        }
    }
    if let Ok(strict) = ScopeSet::from_str(text) {
        let printed = strict.to_string();
        let again = ScopeSet::from_str(&printed);
        assert_eq!(again.as_ref().ok(), Some(&strict), "print/parse round trip");
    }
});
