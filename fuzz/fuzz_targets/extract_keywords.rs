//! Fuzz target: arbitrary bytes through `ocean_keywords::extract`, `extract_reader` and `prune`.
//!
//! None of them may panic. Beyond that, the cheap invariants the crate documents are checked:
//! * reading from a reader gives the same result as reading from bytes (same error kind, or an
//!   equal extraction), with the default 1 MiB block and with a block of 4 to 67 bytes (chosen by
//!   the input's length), so that entries are cut at block ends and completed by topping up;
//! * pruning succeeds whenever extraction does, and the pruned Bundle extracts to the same values
//!   (`extract(prune(b)).values() == extract(b).values()`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use ocean_keywords::{
    ExtractError, Extraction, Rules, extract, extract_reader, extract_reader_with_block, prune,
};

fuzz_target!(|data: &[u8]| {
    let rules = Rules::default();
    let from_bytes = extract(data);
    let from_reader = extract_reader(data, &rules);
    agree("extract_reader", &from_bytes, &from_reader);
    let small = extract_reader_with_block(data, &rules, 4 + data.len() % 64);
    agree("a small-block reader", &from_bytes, &small);
    let pruned = prune(data, &rules);
    let Ok(original) = from_bytes else {
        return;
    };
    let pruned = match pruned {
        Ok(p) => p,
        Err(e) => panic!("extract succeeded but prune failed: {e}"),
    };
    assert!(pruned.entries_after <= pruned.entries_before);
    let again = match extract(&pruned.json) {
        Ok(x) => x,
        Err(e) => panic!("the pruned Bundle does not extract: {e}"),
    };
    assert_eq!(
        again.values(),
        original.values(),
        "prune changed the values"
    );
});

/// `other` gives what `extract` gave: the same extraction, or an error of the same kind.
fn agree(
    other_name: &str,
    from_bytes: &Result<Extraction, ExtractError>,
    other: &Result<Extraction, ExtractError>,
) {
    match (from_bytes, other) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "extract and {other_name} differ"),
        (Err(a), Err(b)) => assert_eq!(a.kind, b.kind, "different error kinds ({other_name})"),
        (a, b) => panic!(
            "extract and {other_name} disagree on success: {:?} vs {:?}",
            a.as_ref().err(),
            b.as_ref().err()
        ),
    }
}
