//! Runs several functions interleaved, round by round, so that a machine whose speed drifts
//! slows them alike, and prints each one's best and median time compared with the first's best
//! (the `kw_prof` and `parse_prof` harnesses).
#![allow(clippy::indexing_slicing)]

use std::hint::black_box;
use std::time::Instant;

/// `n` rounds; in each, `once(name)` for every name of `whats` (its result is dropped outside the
/// timed part). Prints one line per name: `detail(best ms)` follows the best time.
pub(crate) fn compare<R>(
    whats: &[&str],
    n: usize,
    mut once: impl FnMut(&str) -> R,
    detail: impl Fn(f64) -> String,
) {
    let mut times = vec![Vec::new(); whats.len()];
    for _ in 0..n {
        for (w, times) in whats.iter().zip(&mut times) {
            let t = Instant::now();
            let out = once(w);
            times.push(t.elapsed().as_secs_f64() * 1e3);
            drop(black_box(out));
        }
    }
    let mut first = None;
    for (w, times) in whats.iter().zip(&mut times) {
        times.sort_by(f64::total_cmp);
        let best = times[0];
        let base = *first.get_or_insert(best);
        println!(
            "{w}: {}, median {:.2} ms, {:.2}x the first",
            detail(best),
            times[times.len() / 2],
            best / base,
        );
    }
}
