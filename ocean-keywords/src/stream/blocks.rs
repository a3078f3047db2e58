//! Skipping a large object or array 64 bytes at a time: the scanner for whole resources Ocean
//! does not read (most of the bytes of a long `$everything`: claims, explanations of benefit,
//! encounters).
//!
//! [`skip::value`] walks a value byte run by byte run: each string's end is found from the
//! bytes after its start, and the next token from there, so the processor waits on each string
//! before it can look at the next token. Here each block of 64 bytes is classified as a whole
//! first (SSE2 compares, as in simdjson's first stage): its quotes, and its whitespace. The
//! strings follow from the quotes alone (a running XOR, carried from block to block), and the
//! tokens are the bytes outside strings that are not whitespace, plus the opening quotes: a
//! bitmask, walked bit by bit, so the walk over the tokens does not wait on the bytes between
//! them. The walk branches on its state (a table lookup instead measured no faster).
//!
//! The walk checks the same grammar as [`skip::value`] at each token, numbers and literals with
//! the scanner's own [`skip::number`] and [`skip::literal`] (their other bytes, tokens too, are
//! then dropped); a string's bytes need no check once the block has no backslash and no control
//! character in a string, and UTF-8 is checked by the caller, as for [`skip::value`].
//!
//! Whatever this fast path does not handle, it hands back to [`skip::value`], which scans the
//! value again from its start and whose answer is the one returned:
//! * a block with a backslash (an escape, or a stray one outside strings), or a control
//!   character other than tab, line feed and carriage return anywhere, or one of those three
//!   inside a string;
//! * fewer than 64 bytes left (the end of the input or of a reader's buffer: there it must tell
//!   `End` from `Invalid` byte by byte);
//! * nesting deeper than 64 levels;
//! * CPUs other than x86-64.
//!
//! So a value is accepted or refused exactly as [`skip::value`] does (the tests compare both on
//! every input they make), and the answer of this path never differs from it in `end`, in
//! `Invalid` against `End`, or in `key_escape` (always false here: no backslash was seen).

use super::skip::{self, Scanned, Stop};

/// Skips the object or array at `i` (no whitespace before it); as [`skip::value`], which it
/// falls back to when the fast path cannot decide.
pub(crate) fn value(b: &[u8], i: usize) -> Result<Scanned, Stop> {
    match walk(b, i) {
        Some(r) => r,
        None => skip::value(b, i),
    }
}

/// What each byte of a block is, a bit per byte (bit `k` for byte `k`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Classes {
    /// `"`
    quote: u64,
    /// Space and every control character.
    low: u64,
    /// Whether any byte is a backslash or a control character (tab, line feed and carriage
    /// return included).
    odd: bool,
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod simd {
    use safe_arch::{
        cmp_eq_mask_i8_m128i, load_unaligned_m128i, m128i, min_u8_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i, zeroed_m128i,
    };

    use super::Classes;

    #[inline(always)]
    fn lane(block: &[u8; 64], k: usize) -> Option<m128i> {
        Some(load_unaligned_m128i(
            block.get(k * 16..)?.first_chunk::<16>()?,
        ))
    }

    #[inline(always)]
    fn splat(c: u8) -> m128i {
        set_splat_i8_m128i(c as i8)
    }

    #[inline(always)]
    fn bits(m: m128i, k: usize) -> u64 {
        u64::from(move_mask_i8_m128i(m) as u32 as u16) << (k * 16)
    }

    /// Whether each byte is at most `max`: then the minimum of it and `max` is itself.
    #[inline(always)]
    fn at_most(v: m128i, max: u8) -> m128i {
        cmp_eq_mask_i8_m128i(min_u8_m128i(v, splat(max)), v)
    }

    /// Whether each byte is a backslash or a control character.
    #[inline(always)]
    fn odd(v: m128i) -> m128i {
        at_most(v, 0x1f) | cmp_eq_mask_i8_m128i(v, splat(b'\\'))
    }

    /// The classes of the 64 bytes: a compare for quotes, a minimum and a compare for low
    /// bytes, and whether any is odd (one test for the whole block).
    #[inline(always)]
    pub(super) fn classify(block: &[u8; 64]) -> Option<Classes> {
        let mut c = Classes::default();
        let mut any_odd = zeroed_m128i();
        for k in 0..4 {
            let v = lane(block, k)?;
            c.quote |= bits(cmp_eq_mask_i8_m128i(v, splat(b'"')), k);
            c.low |= bits(at_most(v, b' '), k);
            any_odd |= odd(v);
        }
        c.odd = move_mask_i8_m128i(any_odd) != 0;
        Some(c)
    }

    /// For a block with odd bytes: where they are, and where its tabs, line feeds and carriage
    /// returns are.
    #[inline(never)]
    pub(super) fn odd_bytes(block: &[u8; 64]) -> Option<(u64, u64)> {
        let (mut odds, mut breaks) = (0, 0);
        for k in 0..4 {
            let v = lane(block, k)?;
            odds |= bits(odd(v), k);
            let t = cmp_eq_mask_i8_m128i(v, splat(b'\t'))
                | cmp_eq_mask_i8_m128i(v, splat(b'\n'))
                | cmp_eq_mask_i8_m128i(v, splat(b'\r'));
            breaks |= bits(t, k);
        }
        Some((odds, breaks))
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
use simd::{classify, odd_bytes};

/// Elsewhere there is no fast path.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
fn classify(_: &[u8; 64]) -> Option<Classes> {
    None
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
fn odd_bytes(_: &[u8; 64]) -> Option<(u64, u64)> {
    None
}

/// Bit `k` of the result is the XOR of bits `0..=k` of `x`: from each opening quote up to, not
/// including, its closing quote.
#[inline(always)]
fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// Where the walk is in the grammar, and so what the next token may be. The walk branches on
/// it: a table of next states measured no faster, and computing the next state without
/// branches (each token then waits for the one before) 1.6x–1.9x slower.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// A value, in an object (after `:`).
    ValueInObject,
    /// A value, in an array (after `,`), or the outermost value.
    ValueInArray,
    /// A value or `]` (after `[`).
    FirstItem,
    /// A member name or `}` (after `{`).
    FirstKey,
    /// A member name (after `,` in an object).
    Key,
    /// `:` (after a member name).
    Colon,
    /// `,` or `}` (after a member's value).
    NextInObject,
    /// `,` or `]` (after an item).
    NextInArray,
}

/// The number or literal at `p` (its first byte `t`); returns the index after it. What follows
/// it needs no check here: a byte that is not whitespace is the next token.
fn scalar(b: &[u8], p: usize, t: u8) -> Result<usize, Stop> {
    match t {
        b't' => skip::literal(b, p, b"true"),
        b'f' => skip::literal(b, p, b"false"),
        b'n' => skip::literal(b, p, b"null"),
        _ => skip::number(b, p),
    }
}

/// The bits from bit `k` on (none when `k` is 64 or more).
#[inline(always)]
fn from_bit(k: usize) -> u64 {
    u32::try_from(k)
        .ok()
        .and_then(|k| u64::MAX.checked_shl(k))
        .unwrap_or(0)
}

/// The fast path: `None` when it hands the value back (see the module docs).
///
/// The tokens of a block are its bytes outside strings that are not whitespace, and the
/// opening quotes; a number's or literal's bytes after its first are dropped once it is read.
///
/// Not inlined: inlined into its caller, which also reads Observations, it made the whole
/// extraction no faster (measured), where on its own it is.
#[inline(never)]
fn walk(b: &[u8], start: usize) -> Option<Result<Scanned, Stop>> {
    if !matches!(b.get(start), Some(b'{' | b'[')) {
        return None;
    }
    // The open arrays and objects, a bit each (1 = object).
    let mut objects = 0u64;
    let mut depth = 0u32;
    let mut state = State::ValueInArray;
    // All ones when the previous block ended inside a string.
    let mut in_string = 0u64;
    // The index after the last number or literal read (tokens before it are its bytes).
    let mut resume = 0usize;
    let mut base = start;
    loop {
        let block = b.get(base..)?.first_chunk::<64>()?;
        let c = classify(block)?;
        let inside = prefix_xor(c.quote) ^ in_string;
        if c.odd {
            // Only tabs, line feeds and carriage returns, and only outside strings.
            let (odd, breaks) = odd_bytes(block)?;
            if odd & !(breaks & !inside) != 0 {
                return None;
            }
        }
        in_string = ((inside as i64) >> 63) as u64;
        // Opening quotes are inside (the XOR includes them), closing quotes are not.
        let mut tokens = (!(c.low | c.quote) & !inside) | (c.quote & inside);
        if resume > base {
            tokens &= from_bit(resume - base);
        }
        while tokens != 0 {
            // Masked, so that the compiler sees the read in bounds.
            let k = (tokens.trailing_zeros() & 63) as usize;
            tokens &= tokens - 1;
            let t = *block.get(k)?;
            // Closes the innermost array or object (the arms below let only the matching
            // close get here); the value is done when it was the outermost.
            macro_rules! close {
                () => {{
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Some(Ok(Scanned {
                            end: base + k + 1,
                            key_escape: false,
                        }));
                    }
                    if objects & (1 << (depth - 1)) != 0 {
                        State::NextInObject
                    } else {
                        State::NextInArray
                    }
                }};
            }
            // A value other than a string: an object, an array, a number or a literal (after
            // which comes `$next`), or nothing valid.
            macro_rules! other_value {
                ($next:expr) => {
                    match t {
                        b'{' | b'[' => {
                            if depth >= 64 {
                                return None;
                            }
                            depth += 1;
                            if t == b'{' {
                                objects |= 1 << (depth - 1);
                                State::FirstKey
                            } else {
                                objects &= !(1 << (depth - 1));
                                State::FirstItem
                            }
                        }
                        b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => {
                            let end = match scalar(b, base + k, t) {
                                Ok(end) => end,
                                Err(stop) => return Some(Err(stop)),
                            };
                            // Drop the scalar's other bytes from this block's tokens (the
                            // next blocks drop them with `resume`).
                            tokens &= from_bit(end - base);
                            resume = end;
                            $next
                        }
                        _ => return Some(Err(Stop::Invalid)),
                    }
                };
            }
            // One jump on the state, then a test or two of the token.
            state = match state {
                State::Colon => match t {
                    b':' => State::ValueInObject,
                    _ => return Some(Err(Stop::Invalid)),
                },
                State::ValueInObject => match t {
                    b'"' => State::NextInObject,
                    _ => other_value!(State::NextInObject),
                },
                State::NextInObject => match t {
                    b',' => State::Key,
                    b'}' => close!(),
                    _ => return Some(Err(Stop::Invalid)),
                },
                State::Key => match t {
                    b'"' => State::Colon,
                    _ => return Some(Err(Stop::Invalid)),
                },
                State::FirstKey => match t {
                    b'"' => State::Colon,
                    b'}' => close!(),
                    _ => return Some(Err(Stop::Invalid)),
                },
                State::ValueInArray => match t {
                    b'"' => State::NextInArray,
                    _ => other_value!(State::NextInArray),
                },
                State::FirstItem => match t {
                    b'"' => State::NextInArray,
                    b']' => close!(),
                    _ => other_value!(State::NextInArray),
                },
                State::NextInArray => match t {
                    b',' => State::ValueInArray,
                    b']' => close!(),
                    _ => return Some(Err(Stop::Invalid)),
                },
            };
        }
        base += 64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether this CPU has the fast path (elsewhere every value is handed back).
    const FAST: bool = cfg!(all(target_arch = "x86_64", target_feature = "sse2"));

    /// The fast path's answer, and the scanner's, which must agree whenever the fast path
    /// answers.
    fn both(b: &[u8], i: usize) -> (Option<Result<Scanned, Stop>>, Result<Scanned, Stop>) {
        let fast = walk(b, i);
        let slow = skip::value(b, i);
        if let Some(f) = fast {
            assert_eq!(f, slow, "{:?} from {i}", String::from_utf8_lossy(b));
        }
        assert_eq!(value(b, i), slow);
        (fast, slow)
    }

    fn claim(pretty: bool) -> String {
        let mut s = String::from(r#"{"resourceType":"Claim","id":"c-1","item":["#);
        for k in 0..40 {
            if k > 0 {
                s.push(',');
            }
            s.push_str(&format!(
                r#"{{"sequence":{k},"net":{{"value":-12.5e+1,"currency":"CAD"}},"flags":[true,false,null],"empty":{{}},"none":[],"productOrService":{{"coding":[{{"system":"http://snomed.info/sct","code":"{k}0453"}}],"text":"Encounter for check up, a rather longer display text"}}}}"#
            ));
        }
        s.push_str("]}");
        if pretty {
            s = s
                .replace(",\"", ",\n    \"")
                .replace(":", " : ")
                .replace("{", "{\r\n\t");
        }
        s
    }

    #[test]
    fn takes_compact_and_pretty_resources_whole() {
        for pretty in [false, true] {
            let s = claim(pretty);
            // Something after the value, as in a Bundle, and enough of it for the last block.
            let b = format!("{s}{}", " ".repeat(64));
            let (fast, slow) = both(b.as_bytes(), 0);
            assert!(
                fast.is_some() || !FAST,
                "the fast path answers (pretty: {pretty})"
            );
            assert_eq!(slow.map(|s| s.end), Ok(s.len()));
        }
    }

    /// Strings, numbers and literals across every position of a block boundary: the carried
    /// string state and the dropped bytes of a number are right wherever the boundary falls.
    #[test]
    fn tokens_across_block_boundaries() {
        let pad = " ".repeat(64);
        for shift in 0..130 {
            let filler = "x".repeat(shift);
            let cases = [
                format!(r#"{{"a":"{filler}","b":"a string of some forty bytes, commas, too"}}"#),
                format!(r#"{{"{filler}":-12345678901234567890.5e+30,"c":[true,false,null]}}"#),
                format!(r#"[{shift},"{filler}",123456789012345678901234567890,{{}},[],0]"#),
                format!(r#"{{"a":"{filler}","b":12345678901234567890x}}"#),
                format!(r#"{{"a":"{filler}","b":"c" }}"#),
            ];
            for c in cases {
                let b = format!("{c}{pad}");
                let (fast, slow) = both(b.as_bytes(), 0);
                assert!(fast.is_some() || !FAST, "{c}");
                let ends = slow.map(|s| s.end) == Ok(c.len());
                assert_eq!(ends, !c.contains("0x}"), "{c}");
            }
        }
    }

    /// Each resource of the public Bundles in `testdata/` (pretty-printed, with escapes in
    /// their narratives), and the same compacted: the fast path answers for most of them, and
    /// as the scanner does.
    #[test]
    fn public_resources() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata");
        let (mut resources, mut fast_ones) = (0, 0);
        for sub in ["synthea", "inferno"] {
            let mut files: Vec<_> = std::fs::read_dir(dir.join(sub))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            for path in files {
                let pretty = std::fs::read(&path).unwrap();
                let value: serde_json::Value = serde_json::from_slice(&pretty).unwrap();
                let compact = serde_json::to_vec(&value).unwrap();
                for b in [pretty, compact] {
                    let finder = memchr::memmem::Finder::new(b"\"resourceType\"");
                    for found in finder.find_iter(&b) {
                        // The object whose member it is.
                        let Some(open) = b[..found].iter().rposition(|&c| c == b'{') else {
                            continue;
                        };
                        let (fast, _) = both(&b, open);
                        resources += 1;
                        fast_ones += usize::from(fast.is_some());
                    }
                }
            }
        }
        assert!(resources > 100, "{resources}");
        assert!(
            !FAST || fast_ones * 2 > resources,
            "{fast_ones} of {resources}"
        );
    }

    #[test]
    fn hands_back_what_it_does_not_handle() {
        let pad = " ".repeat(64);
        let cases = [
            format!(r#"{{"a":"x\"y"}}{pad}"#),
            format!("{{\"a\":\"x\ty\"}}{pad}"),
            format!("{{\"a\":1\u{1}}}{pad}"),
            r#"{"a":1}"#.to_string(),
            format!("{}{}{pad}", "[".repeat(130), "]".repeat(130)),
            format!("1{pad}"),
        ];
        for c in &cases {
            let (fast, _) = both(c.as_bytes(), 0);
            assert_eq!(fast, None, "{c:?}");
        }
    }

    #[test]
    fn cut_and_broken_values() {
        let s = claim(false);
        let b = s.as_bytes();
        for cut in (0..b.len()).step_by(7) {
            let (_, slow) = both(b.get(..cut).unwrap_or_default(), 0);
            assert_eq!(slow, Err(Stop::End), "cut at {cut}");
        }
        let pad = " ".repeat(64);
        for bad in [
            r#"{"a":1x}"#,
            r#"{"a":truex}"#,
            r#"{"a":"b"x}"#,
            r#"{"a" "b"}"#,
            r#"{"a":1,}"#,
            r#"[1,]"#,
            r#"[1 2]"#,
            r#"{"a":[}"#,
            r#"{"a":01}"#,
            r#"{1:2}"#,
            r#"[:]"#,
            "[\u{e9}]",
            r#"{"a":1]"#,
            r#"{"a":[1,2}}"#,
            r#"{"a":["b"}}"#,
            r#"{"a":[{}}}"#,
            r#"[{"a":1]]"#,
            r#"[{"a":"b"]]"#,
            r#"[{"a":[]]]"#,
            r#"[{]"#,
            r#"{"a":"b":"c"}"#,
            r#"["a":"b"]"#,
            r#"[1,"a":"b"]"#,
            r#"{"a","b"}"#,
            r#"{"a","b":1}"#,
            r#"{"a":1,"b","c":1}"#,
            r#"["a":1]"#,
            r#"{"a":"b":1}"#,
            r#"{"a":"b","c","d"}"#,
            r#"{"a":"b","c":"d":"e"}"#,
            r#"{"a":"b" "c":"d"}"#,
            r#"{"a":"b",,"c":"d"}"#,
            r#"{"a"::"b"}"#,
        ] {
            let c = format!("{bad}{pad}");
            let (fast, slow) = both(c.as_bytes(), 0);
            assert_eq!(slow, Err(Stop::Invalid), "{bad}");
            assert!(fast.is_some() || !FAST, "{bad}: the fast path answers");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// A resource with one byte replaced, removed or inserted anywhere: the fast path, when
        /// it answers, answers as the scanner does.
        #[test]
        fn agrees_with_the_scanner_on_mutated_input(
            pretty in proptest::bool::ANY,
            at in 0..6000usize,
            op in 0..3u8,
            byte in proptest::sample::select(
                b"\"\\{}[],: 0-eE.+tnfu\x01\x1f\ta/\n\r\xc3\x7f".to_vec()),
        ) {
            let mut b = claim(pretty).into_bytes();
            let at = at % b.len();
            match op {
                0 => b[at] = byte,
                1 => { b.remove(at); }
                _ => b.insert(at, byte),
            }
            b.extend_from_slice(&[b' '; 70]);
            let _ = both(&b, 0);
        }

        /// Arbitrary text over JSON's alphabet, padded so that the fast path may take it.
        #[test]
        fn agrees_with_the_scanner_on_arbitrary_input(
            s in "[\\[{][\\[\\]{}\",:0-9eE.+\\-tfnrulsa \n\\\\/\u{1}]{0,150}",
            pad in 0..80usize,
        ) {
            let mut b = s.into_bytes();
            b.extend(std::iter::repeat_n(b' ', pad));
            let _ = both(&b, 0);
        }
    }
}
