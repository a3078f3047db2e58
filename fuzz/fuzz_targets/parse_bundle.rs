//! Fuzz target: arbitrary bytes parsed as a `Bundle`.
//!
//! Parsing may fail but must not panic. When it succeeds, the model must survive a round trip:
//! serialising it must succeed, and parsing that output must succeed and give an equal model,
//! with the same wrong-typed elements kept (issue 12), and `validate` must not panic. Wherever
//! the direct reading (the reader written for the model, tried first) gives a model, serde_json's
//! strict reading must give the same one (issue 17).
#![no_main]

use libfuzzer_sys::fuzz_target;
use ocean_model::json::FhirJson;
use ocean_model::{Bundle, json};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(direct) = <Bundle as FhirJson>::read_direct(text) {
            match serde_json::from_str::<Bundle>(text) {
                Ok(serde) => assert_eq!(direct, serde, "the direct and serde readings differ"),
                Err(e) => panic!("the direct reading accepted what serde_json refuses: {e}"),
            }
        }
    }
    let Ok(first) = json::from_slice::<Bundle>(data) else {
        return;
    };
    let text = match json::to_string(&first) {
        Ok(text) => text,
        Err(e) => panic!("a parsed Bundle did not serialise: {e}"),
    };
    let second = match json::from_str::<Bundle>(&text) {
        Ok(second) => second,
        Err(e) => panic!("re-parsing the serialised Bundle failed: {e}\n{text}"),
    };
    assert_eq!(first, second, "the model changed on a second parse\n{text}");
    assert!(
        first.unknown.wrong_types().eq(second.unknown.wrong_types()),
        "the wrong-typed elements changed on a second parse\n{text}"
    );
    let _ = ocean_model::validate::validate_bundle(&first);
});
