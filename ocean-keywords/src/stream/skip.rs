//! The skipping scanner: finds where one JSON value ends while checking that it is well-formed,
//! without building anything. It accepts exactly what `serde_json` accepts when it skips a value
//! into `IgnoredAny` (strings: no control characters, valid escapes, `\u` with four hex digits;
//! numbers: JSON's grammar, any magnitude; no nesting limit), so a resource Ocean does not read
//! can be skipped here instead of by a serde walk. UTF-8 is checked by the caller (once for the
//! whole input, or per buffer), not here: bytes of multi-byte characters are never structural.
//!
//! The scanner only says *that* a value is malformed ([`Stop::Invalid`]), never where or why: the
//! callers then read the same bytes with serde_json, whose error (kind, line, column) is the one
//! reported, so errors are identical to a full serde parse.

/// Why the scanner stopped before the end of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The value is not well-formed JSON.
    Invalid,
    /// The bytes ran out inside the value (end of the input, or of a reader's buffer).
    End,
}

/// The index of the first byte at or after `i` that is not JSON whitespace (or `b.len()`).
/// Inlined for its common case, no whitespace at all (one predictable comparison); runs are
/// skipped by [`ws_run`].
#[inline(always)]
pub(crate) fn ws(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(&c) if c > b' ' => i,
        None => i,
        Some(_) => ws_run(b, i),
    }
}

/// [`ws`] from a byte that may be whitespace: runs of spaces (indentation after a newline, a
/// space after a colon) are skipped eight bytes at a time.
#[inline(never)]
fn ws_run(b: &[u8], mut i: usize) -> usize {
    loop {
        match b.get(i) {
            Some(b' ' | b'\n' | b'\r' | b'\t') => {
                i += 1;
                while let Some(w) = b.get(i..).and_then(<[u8]>::first_chunk::<8>) {
                    let other = u64::from_le_bytes(*w) ^ (ONES * u64::from(b' '));
                    if other != 0 {
                        i += (other.trailing_zeros() / 8) as usize;
                        break;
                    }
                    i += 8;
                }
            }
            _ => return i,
        }
    }
}

const ONES: u64 = u64::MAX / 255;
const HIGH: u64 = ONES << 7;

/// Whether any of 8 bytes is `"`, `\` or a control character (the SWAR test serde_json uses).
#[inline]
fn special(w: u64) -> u64 {
    let ctrl = w.wrapping_sub(ONES * 0x20) & !w;
    let q = w ^ (ONES * u64::from(b'"'));
    let quote = q.wrapping_sub(ONES) & !q;
    let s = w ^ (ONES * u64::from(b'\\'));
    let slash = s.wrapping_sub(ONES) & !s;
    (ctrl | quote | slash) & HIGH
}

/// The positions of `"`, `\` and control characters among the 16 bytes at `i`, a bit each
/// (`None` when fewer than 16 are left). SSE2, which every x86-64 CPU has, tests the 16 at once;
/// `safe_arch` wraps its instructions so that this crate keeps `unsafe_code = "forbid"`.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn special16(b: &[u8], i: usize) -> Option<u32> {
    use safe_arch::{
        cmp_eq_mask_i8_m128i, load_unaligned_m128i, min_u8_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };
    let v = load_unaligned_m128i(b.get(i..)?.first_chunk::<16>()?);
    let quote = cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(b'"' as i8));
    let slash = cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(b'\\' as i8));
    // A control character is one that `min(c, 0x1f)` leaves unchanged.
    let ctrl = cmp_eq_mask_i8_m128i(min_u8_m128i(v, set_splat_i8_m128i(0x1f)), v);
    Some(move_mask_i8_m128i(quote | slash | ctrl) as u32)
}

/// Elsewhere the eight-byte test below does all the work.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline(always)]
fn special16(_: &[u8], _: usize) -> Option<u32> {
    None
}

/// The index of the first quote, backslash or control character at or after `i`, or of the
/// last few bytes, which the caller takes one at a time (`b.len()` at most). Sixteen bytes at a
/// time, then eight (see [`special`]).
#[inline(always)]
fn to_special(b: &[u8], mut i: usize) -> usize {
    while let Some(m) = special16(b, i) {
        if m != 0 {
            return i + m.trailing_zeros() as usize;
        }
        i += 16;
    }
    while let Some(w) = b.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let m = special(u64::from_le_bytes(*w));
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i
}

/// Skips the rest of a string whose opening quote is at `i - 1`; returns the index after the
/// closing quote.
#[inline]
pub(crate) fn string(b: &[u8], i: usize) -> Result<usize, Stop> {
    string_esc(b, i, &mut false)
}

/// As [`string`], also saying whether the string has an escape.
#[inline]
pub(crate) fn string_escaped(b: &[u8], i: usize) -> Result<(usize, bool), Stop> {
    let mut escaped = false;
    let end = string_esc(b, i, &mut escaped)?;
    Ok((end, escaped))
}

/// As [`string`], setting `escaped` when the string has an escape. Inlined: it is the hot loop
/// of every caller (a call per string cost about a tenth of the scan).
#[inline(always)]
fn string_esc(b: &[u8], mut i: usize, escaped: &mut bool) -> Result<usize, Stop> {
    loop {
        i = to_special(b, i);
        match b.get(i) {
            None => return Err(Stop::End),
            Some(b'"') => return Ok(i + 1),
            Some(b'\\') => {
                *escaped = true;
                match b.get(i + 1) {
                    None => return Err(Stop::End),
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                    Some(b'u') => {
                        for k in 2..6 {
                            match b.get(i + k) {
                                None => return Err(Stop::End),
                                Some(c) if c.is_ascii_hexdigit() => {}
                                Some(_) => return Err(Stop::Invalid),
                            }
                        }
                        i += 6;
                    }
                    Some(_) => return Err(Stop::Invalid),
                }
            }
            Some(&c) if c < 0x20 => return Err(Stop::Invalid),
            Some(_) => i += 1,
        }
    }
}

/// Skips digits from `i`; returns the index after them and whether there was one.
#[inline]
fn digits(b: &[u8], mut i: usize) -> (usize, bool) {
    let start = i;
    while let Some(b'0'..=b'9') = b.get(i) {
        i += 1;
    }
    (i, i > start)
}

/// Skips a number starting at `i` (JSON's grammar, as serde_json checks it when skipping).
/// A number that reaches the end of `b` is `End`: it may go on in the next buffer.
pub(crate) fn number(b: &[u8], mut i: usize) -> Result<usize, Stop> {
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        None => return Err(Stop::End),
        Some(b'0') => {
            i += 1;
            if let Some(b'0'..=b'9') = b.get(i) {
                return Err(Stop::Invalid);
            }
        }
        Some(b'1'..=b'9') => i = digits(b, i).0,
        Some(_) => return Err(Stop::Invalid),
    }
    if b.get(i) == Some(&b'.') {
        let (j, any) = digits(b, i + 1);
        if !any {
            return Err(if j >= b.len() {
                Stop::End
            } else {
                Stop::Invalid
            });
        }
        i = j;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = b.get(i) {
            i += 1;
        }
        let (j, any) = digits(b, i);
        if !any {
            return Err(if j >= b.len() {
                Stop::End
            } else {
                Stop::Invalid
            });
        }
        i = j;
    }
    if i >= b.len() {
        return Err(Stop::End);
    }
    Ok(i)
}

/// Skips `word` at `i`.
pub(crate) fn literal(b: &[u8], i: usize, word: &[u8]) -> Result<usize, Stop> {
    for (k, &w) in word.iter().enumerate() {
        match b.get(i + k) {
            None => return Err(Stop::End),
            Some(&c) if c == w => {}
            Some(_) => return Err(Stop::Invalid),
        }
    }
    Ok(i + word.len())
}

/// The open arrays and objects, one bit each (1 = object); deeper than 128 levels spills over.
struct Frames {
    bits: u128,
    depth: usize,
    spill: Vec<bool>,
}

impl Frames {
    fn push(&mut self, object: bool) {
        if self.depth >= 128 {
            self.spill.push(object);
        } else if object {
            self.bits |= 1 << self.depth;
        } else {
            self.bits &= !(1 << self.depth);
        }
        self.depth += 1;
    }

    fn top_is_object(&self) -> bool {
        match self.depth {
            0 => false,
            d if d > 128 => self.spill.last().copied().unwrap_or(false),
            d => self.bits & (1 << (d - 1)) != 0,
        }
    }

    fn pop(&mut self) {
        if self.depth > 128 {
            self.spill.pop();
        }
        self.depth = self.depth.saturating_sub(1);
    }
}

/// After an object's `{` or `,`: whitespace, a key, whitespace, `:`; returns the index after the
/// colon. `escaped` is set when the key has an escape.
#[inline(always)]
fn key_colon(b: &[u8], i: usize, escaped: &mut bool) -> Result<usize, Stop> {
    let i = ws(b, i);
    match b.get(i) {
        None => return Err(Stop::End),
        Some(b'"') => {}
        Some(_) => return Err(Stop::Invalid),
    }
    let i = ws(b, string_esc(b, i + 1, escaped)?);
    match b.get(i) {
        None => Err(Stop::End),
        Some(b':') => Ok(i + 1),
        Some(_) => Err(Stop::Invalid),
    }
}

/// What [`value`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scanned {
    /// The index after the value.
    pub(crate) end: usize,
    /// Whether a member name of the outermost object has an escape (serde_json decodes those
    /// names, and may refuse one, where it only skips deeper ones).
    pub(crate) key_escape: bool,
}

/// Skips one JSON value starting at `i` (leading whitespace allowed).
pub(crate) fn value(b: &[u8], i: usize) -> Result<Scanned, Stop> {
    let mut key_escape = false;
    let mut nested_escape = false;
    let mut f = Frames {
        bits: 0,
        depth: 0,
        spill: Vec::new(),
    };
    // Whether the innermost open value is an object (kept beside the frames: it is asked after
    // every value, and changes only when one opens or closes).
    let mut in_object = false;
    let mut i = i;
    loop {
        i = ws(b, i);
        // One value.
        match b.get(i) {
            None => return Err(Stop::End),
            Some(b'"') => i = string(b, i + 1)?,
            Some(&c @ (b'{' | b'[')) => {
                let object = c == b'{';
                f.push(object);
                in_object = object;
                i = ws(b, i + 1);
                match b.get(i) {
                    None => return Err(Stop::End),
                    Some(b'}') if object => {
                        i += 1;
                        f.pop();
                        in_object = f.top_is_object();
                    }
                    Some(b']') if !object => {
                        i += 1;
                        f.pop();
                        in_object = f.top_is_object();
                    }
                    Some(_) if object => {
                        let flag = if f.depth == 1 {
                            &mut key_escape
                        } else {
                            &mut nested_escape
                        };
                        i = key_colon(b, i, flag)?;
                        continue;
                    }
                    Some(_) => continue,
                }
            }
            Some(b'-' | b'0'..=b'9') => i = number(b, i)?,
            Some(b't') => i = literal(b, i, b"true")?,
            Some(b'f') => i = literal(b, i, b"false")?,
            Some(b'n') => i = literal(b, i, b"null")?,
            Some(_) => return Err(Stop::Invalid),
        }
        // After a value: close frames, or a comma and (in an object) the next key.
        loop {
            if f.depth == 0 {
                return Ok(Scanned { end: i, key_escape });
            }
            i = ws(b, i);
            let object = in_object;
            match b.get(i) {
                None => return Err(Stop::End),
                Some(b',') => {
                    i = if object {
                        let flag = if f.depth == 1 {
                            &mut key_escape
                        } else {
                            &mut nested_escape
                        };
                        key_colon(b, i + 1, flag)?
                    } else {
                        i + 1
                    };
                    break;
                }
                Some(b'}') if object => {
                    i += 1;
                    f.pop();
                    in_object = f.top_is_object();
                }
                Some(b']') if !object => {
                    i += 1;
                    f.pop();
                    in_object = f.top_is_object();
                }
                Some(_) => return Err(Stop::Invalid),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serde_ok(s: &[u8]) -> bool {
        serde_json::from_slice::<serde::de::IgnoredAny>(s).is_ok()
    }

    /// Ours, as serde_json would judge a whole input: one value, then only whitespace.
    fn ours_ok(s: &[u8]) -> bool {
        match value(s, 0) {
            Ok(v) => ws(s, v.end) == s.len(),
            // A number at the very end is complete for a whole input.
            Err(Stop::End) => {
                let t = ws(s, 0);
                matches!(s.get(t), Some(b'-' | b'0'..=b'9')) && {
                    let mut padded = s.to_vec();
                    padded.push(b' ');
                    matches!(value(&padded, 0), Ok(v) if ws(&padded, v.end) == padded.len())
                }
            }
            Err(Stop::Invalid) => false,
        }
    }

    #[test]
    fn agrees_with_serde_on_samples() {
        let cases: &[&[u8]] = &[
            br#"{}"#,
            br#"[]"#,
            br#"{"a":1}"#,
            br#" { "a" : [ 1 , 2.5e-3 , -0 , true , false , null , "x\"y\\u00e9" ] } "#,
            br#"{"a":1,}"#,
            br#"[1,]"#,
            br#"{"a" 1}"#,
            br#"{1:1}"#,
            br#"[01]"#,
            br#"[1.]"#,
            br#"[1e]"#,
            br#"[-]"#,
            br#"[.5]"#,
            br#"["\x"]"#,
            br#"["\u12G4"]"#,
            "[\"a\u{1}\"]".as_bytes(),
            br#"[tru]"#,
            br#"[nul,1]"#,
            br#"{"a":1]"#,
            br#"[1}"#,
            br#"[1 2]"#,
            br#"{"a":1 "b":2}"#,
            br#"1e999999"#,
            br#""abc""#,
            br#"[1e+5,1E-5,0.0]"#,
            br#"{"a":{"b":{"c":[[[[]]]]}}}"#,
            br#"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"#,
        ];
        for c in cases {
            // serde_json's IgnoredAny of a whole input skips with `ignore_value` too.
            assert_eq!(ours_ok(c), serde_ok(c), "{}", String::from_utf8_lossy(c));
        }
    }

    #[test]
    fn end_is_reported_for_cut_values() {
        let full = br#"{"a":[1,"xy\u00e9",{"b":null}],"c":true}"#;
        for cut in 0..full.len() {
            assert_eq!(
                value(full.get(..cut).unwrap_or_default(), 0),
                Err(Stop::End),
                "cut at {cut}"
            );
        }
        let v = value(full, 0).map(|v| (v.end, v.key_escape));
        assert_eq!(v, Ok((full.len(), false)));
        let v = value(br#"{"a\u0062":{"\n":1}}"#, 0).map(|v| v.key_escape);
        assert_eq!(v, Ok(true));
        let v = value(br#"{"a":{"\n":1}}"#, 0).map(|v| v.key_escape);
        assert_eq!(v, Ok(false));
    }

    #[test]
    fn no_nesting_limit() {
        let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
        let v = value(deep.as_bytes(), 0).map(|v| v.end);
        assert_eq!(v, Ok(600));
        let bad = format!("{}{}}}", "[".repeat(200), "]".repeat(199));
        assert_eq!(value(bad.as_bytes(), 0).map(|v| v.end), Err(Stop::Invalid));
    }

    /// The whitespace skipper agrees with the plain definition at every start.
    #[test]
    fn ws_skips_exactly_json_whitespace() {
        let naive = |b: &[u8], mut i: usize| {
            while let Some(b' ' | b'\n' | b'\r' | b'\t') = b.get(i) {
                i += 1;
            }
            i
        };
        let cases: &[&[u8]] = &[
            b"",
            b" ",
            b"x",
            b"  \n          \t\r  x",
            b"\n                \n        ",
            b"\n       \x0b  x",
            b"\n        \x0c       x",
            b"\n         \n\t        \r    y",
        ];
        for c in cases {
            for i in 0..=c.len() {
                assert_eq!(ws(c, i), naive(c, i), "{c:?} at {i}");
            }
        }
    }

    /// `string` one byte at a time: JSON's rules for the rest of a string, written plainly.
    fn naive_string(b: &[u8], mut i: usize) -> Result<usize, Stop> {
        loop {
            match b.get(i) {
                None => return Err(Stop::End),
                Some(b'"') => return Ok(i + 1),
                Some(b'\\') => match b.get(i + 1) {
                    None => return Err(Stop::End),
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                    Some(b'u') => {
                        for k in 2..6 {
                            match b.get(i + k) {
                                None => return Err(Stop::End),
                                Some(c) if c.is_ascii_hexdigit() => {}
                                Some(_) => return Err(Stop::Invalid),
                            }
                        }
                        i += 6;
                    }
                    Some(_) => return Err(Stop::Invalid),
                },
                Some(&c) if c < 0x20 => return Err(Stop::Invalid),
                Some(_) => i += 1,
            }
        }
    }

    /// Each byte value that is special in a string (quote, backslash, every control character)
    /// and the ones just beside those ranges that are not (space, DEL, bytes of multi-byte
    /// characters), placed at every offset of strings long enough for the 16-byte test, the
    /// 8-byte test and the bytes after them.
    #[test]
    fn string_stops_at_each_special_byte_at_every_offset() {
        let probes: Vec<u8> = (0u8..=0x20)
            .chain([
                b'"', b'\\', b'!', b'#', b'[', b']', 0x7f, 0x80, 0xbf, 0xc3, 0xff,
            ])
            .collect();
        for len in 0..72 {
            for at in 0..len {
                for &p in &probes {
                    let mut b = vec![b'a'; len];
                    b[at] = p;
                    b.push(b'"');
                    for start in [0, 1, 7, 15].into_iter().filter(|&s| s <= at) {
                        assert_eq!(
                            string(&b, start),
                            naive_string(&b, start),
                            "byte {p:#04x} at {at} of {len}, from {start}"
                        );
                    }
                }
            }
        }
    }

    const VALID: &str = r#"{"resourceType":"Claim","a":[1,-2.5e+3,0,true,false,null,"x\"\\\u00e9\n"],
        "b":{"c":{},"d":[],"e":[[{"f":"g"}]]}, "h" : 0.5E-2 }"#;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Arbitrary text over JSON's alphabet: the scanner accepts exactly what serde_json does.
        #[test]
        fn agrees_on_arbitrary_input(s in "[\\[\\]{}\",:0-9eE.+\\-tfnrulsa \n\\\\/\u{1}]{0,24}") {
            proptest::prop_assert_eq!(ours_ok(s.as_bytes()), serde_ok(s.as_bytes()), "{:?}", s);
        }

        /// Strings of any length over bytes that matter to the string test (specials, escapes,
        /// non-ASCII): the fast test ends them where the plain rules do.
        #[test]
        fn string_agrees_with_the_plain_rules(
            b in proptest::collection::vec(proptest::sample::select(
                b"aaaaaaaaaaaaaaaaaaaa\"\\/bfnrtu0F \x00\x1f\x7f\x80\xff".to_vec()), 0..120),
            start in 0..24usize,
        ) {
            let start = start.min(b.len());
            proptest::prop_assert_eq!(string(&b, start), naive_string(&b, start));
        }

        /// Valid JSON with one byte replaced, removed or inserted.
        #[test]
        fn agrees_on_mutated_input(
            at in 0..VALID.len(),
            op in 0..3u8,
            byte in proptest::sample::select(b"\"\\{}[],: 0-eE.+tnfu\x01a/\n".to_vec()),
        ) {
            let mut b = VALID.as_bytes().to_vec();
            match op {
                0 => b[at] = byte,
                1 => { b.remove(at); }
                _ => b.insert(at, byte),
            }
            proptest::prop_assert_eq!(ours_ok(&b), serde_ok(&b), "{}", String::from_utf8_lossy(&b));
        }
    }
}
