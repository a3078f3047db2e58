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
use ocean_keywords::{Rules, extract, extract_reader, extract_reader_with_block, prune};

fuzz_target!(|data: &[u8]| {
    let rules = Rules::default();
    let from_bytes = extract(data);
    let from_reader = extract_reader(data, &rules);
    match (&from_bytes, &from_reader) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "extract and extract_reader differ"),
        (Err(a), Err(b)) => assert_eq!(a.kind, b.kind, "different error kinds"),
        (a, b) => panic!(
            "extract and extract_reader disagree on success: {:?} vs {:?}",
            a.as_ref().err(),
            b.as_ref().err()
        ),
    }
    let small = extract_reader_with_block(data, &rules, 4 + data.len() % 64);
    match (&from_bytes, &small) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "extract and a small-block reader differ"),
        (Err(a), Err(b)) => assert_eq!(a.kind, b.kind, "different error kinds (small block)"),
        (a, b) => panic!(
            "extract and a small-block reader disagree on success: {:?} vs {:?}",
            a.as_ref().err(),
            b.as_ref().err()
        ),
    }
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
