//! Replays every input under `tests/fuzz-regressions/` (inputs the `parse_message` fuzz target
//! once found troublesome, plus hand-made hostile seeds): parsing must not panic, errors hold no
//! input text, and a supported message survives the fuzz target's own checks.

use std::path::PathBuf;

use ocean_messages::{Received, http, parse};

#[test]
fn replay_fuzz_regressions() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        count += 1;
        let body = std::fs::read(&path).unwrap();
        let result = parse(&body);
        let ack = http::ack(&result);
        assert!([200, 400].contains(&ack.status()), "{}", path.display());
        if let Ok(Received::Supported(m)) = &result {
            // The same walk as the fuzz target: every view, then a round trip.
            let r = m.referral();
            let _ = (
                r.patient(),
                r.health_number(),
                r.letter_url(),
                m.receiver(),
                m.sender(),
            );
            for f in r.forms() {
                let _ = f.items();
            }
            let text = ocean_model::json::to_string(m.bundle()).unwrap();
            let again = parse(text.as_bytes()).unwrap();
            assert_eq!(
                again.idempotency_key(),
                m.idempotency_key(),
                "{}",
                path.display()
            );
        }
    }
    assert!(count > 0, "no regression inputs in {}", dir.display());
}
