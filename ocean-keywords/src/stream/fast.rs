//! The fast path over `Bundle.entry`: the top level and each entry's members are found with the
//! skipping scanner ([`super::skip`]); a resource whose `resourceType` (its first member, as every
//! FHIR server writes it) names a type Ocean does not read is skipped at scanner speed, and every
//! other resource is read by the serde visitors from its own slice of the input (no copy).
//!
//! Nothing here reports an error: on any doubt ([`Fail`]) the callers read the same bytes the
//! serde way, so kinds and positions of errors are those of a full serde parse. The sink is called
//! only for an entry that was read completely, so a failed attempt leaves no trace.

use super::bundle::{EntriesSeed, EntrySeed};
use super::lenient::{OptStr, non_empty};
use super::resource::ResourceSeed;
use super::skip::{self, Stop, ws};
use crate::record::{Parsed, S};
use crate::sink::{Ctx, Sink};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Why the fast path gave up (the caller then reads the same bytes with serde).
#[derive(Debug)]
pub(crate) enum Fail {
    /// The scanner stopped: malformed JSON, or the bytes ran out.
    Scan,
    /// serde_json refused a part the scanner accepted (a number out of range, a nesting limit,
    /// an invalid escape in a member name).
    Serde,
}

impl From<Stop> for Fail {
    fn from(_: Stop) -> Self {
        Fail::Scan
    }
}

/// serde_json's nesting limit: the 128th nested array or object is refused.
const SERDE_DEPTH: usize = 128;

fn at(b: &[u8], i: usize) -> Result<u8, Fail> {
    b.get(i).copied().ok_or(Fail::Scan)
}

/// The input the fast path reads: text already checked to be UTF-8 (a whole page), or bytes from
/// a reader's buffer (checked here, a part at a time).
pub(crate) trait Src<'a>: Copy {
    /// All of it.
    fn bytes(self) -> &'a [u8];
    /// A part as text; `None` if it is not UTF-8.
    fn text(self, from: usize, to: usize) -> Option<&'a str>;
}

impl<'a> Src<'a> for &'a str {
    fn bytes(self) -> &'a [u8] {
        self.as_bytes()
    }
    fn text(self, from: usize, to: usize) -> Option<&'a str> {
        self.get(from..to)
    }
}

impl<'a> Src<'a> for &'a [u8] {
    fn bytes(self) -> &'a [u8] {
        self
    }
    fn text(self, from: usize, to: usize) -> Option<&'a str> {
        std::str::from_utf8(self.get(from..to)?).ok()
    }
}

fn sub<'a>(text: impl Src<'a>, from: usize, to: usize) -> Result<&'a str, Fail> {
    text.text(from, to).ok_or(Fail::Scan)
}

/// A member name whose quotes are at `start` and `end - 1`, decoded by serde_json when it has an
/// escape (so an escape serde_json refuses in a name is refused here too).
fn key<'a>(text: impl Src<'a>, start: usize, end: usize) -> Result<Cow<'a, str>, Fail> {
    let quoted = sub(text, start, end)?;
    let inner = quoted
        .get(1..quoted.len().saturating_sub(1))
        .unwrap_or_default();
    if inner.contains('\\') {
        serde_json::from_str::<String>(quoted)
            .map(Cow::Owned)
            .map_err(|_| Fail::Serde)
    } else {
        Ok(Cow::Borrowed(inner))
    }
}

/// After `{` or `,` in an object: the member name and the index of its value.
fn member<'a>(text: impl Src<'a>, i: usize) -> Result<(Cow<'a, str>, usize), Fail> {
    let b = text.bytes();
    if at(b, i)? != b'"' {
        return Err(Stop::Invalid.into());
    }
    let end = skip::string(b, i + 1)?;
    let k = key(text, i, end)?;
    let c = ws(b, end);
    if at(b, c)? != b':' {
        return Err(Stop::Invalid.into());
    }
    Ok((k, ws(b, c + 1)))
}

/// After a member's value: `,` (returns the next member's start) or `}` (returns `None`, `i` past
/// it).
fn next_member(b: &[u8], i: &mut usize) -> Result<bool, Fail> {
    let c = ws(b, *i);
    match at(b, c)? {
        b',' => {
            *i = ws(b, c + 1);
            Ok(true)
        }
        b'}' => {
            *i = c + 1;
            Ok(false)
        }
        _ => Err(Stop::Invalid.into()),
    }
}

/// What a resource of this type becomes when it is not read, or `None` if Ocean reads it.
fn unread(resource_type: &str) -> Option<Parsed<'static>> {
    if resource_type == "Observation" || super::resource::typed(resource_type).is_some() {
        return None;
    }
    Some(match resource_type {
        "MedicationRequest" => Parsed::MedicationRequest,
        "Bundle" => Parsed::NestedBundle,
        _ => Parsed::Skipped,
    })
}

/// The `resourceType` of a (well-formed) object at `i` when it is the first member, spelled
/// without escapes.
fn first_type(b: &[u8], i: usize) -> Option<&[u8]> {
    let rest = b.get(ws(b, i + 1)..)?.strip_prefix(b"\"resourceType\"")?;
    let rest = rest.get(ws(rest, 0)..)?.strip_prefix(b":")?;
    let rest = rest.get(ws(rest, 0)..)?.strip_prefix(b"\"")?;
    let end = rest.iter().position(|&c| c == b'"' || c == b'\\')?;
    match rest.get(end) {
        Some(b'"') => rest.get(..end),
        _ => None,
    }
}

/// Reads the resource at `i`; `outer` is the number of arrays and objects serde_json would have
/// entered before it. Returns what it is and the index after it.
fn resource<'de>(
    text: impl Src<'de>,
    i: usize,
    ctx: Ctx<'_>,
    outer: usize,
) -> Result<(Parsed<'de>, usize), Fail> {
    let b = text.bytes();
    let s = skip::value(b, i)?;
    if at(b, i)? == b'{' && !s.key_escape {
        if let Some(p) = first_type(b, i)
            .and_then(|t| std::str::from_utf8(t).ok())
            .and_then(unread)
        {
            return Ok((p, s.end));
        }
    }
    let slice = sub(text, i, s.end)?;
    if s.depth + outer < SERDE_DEPTH {
        let mut de = serde_json::Deserializer::from_str(slice);
        let p = (ResourceSeed { ctx })
            .deserialize(&mut de)
            .map_err(|_| Fail::Serde)?;
        return Ok((p, s.end));
    }
    // Deep enough for serde_json's nesting limit to matter: read it inside as many brackets as
    // it had around it, so the limit falls where it would.
    let padded = format!("{}{slice}{}", "[".repeat(outer), "]".repeat(outer));
    let mut de = serde_json::Deserializer::from_str(&padded);
    let p = Nest {
        levels: outer,
        inner: ResourceSeed { ctx },
    }
    .deserialize(&mut de)
    .map_err(|_| Fail::Serde)?;
    Ok((p.into_owned(), s.end))
}

/// `inner` inside `levels` one-item arrays.
struct Nest<'i> {
    levels: usize,
    inner: ResourceSeed<'i>,
}

impl<'de> DeserializeSeed<'de> for Nest<'_> {
    type Value = Parsed<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Parsed<'de>, D::Error> {
        if self.levels == 0 {
            self.inner.deserialize(d)
        } else {
            d.deserialize_seq(self)
        }
    }
}

impl<'de> Visitor<'de> for Nest<'_> {
    type Value = Parsed<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a nested resource")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Parsed<'de>, A::Error> {
        let p = seq.next_element_seed(Nest {
            levels: self.levels - 1,
            inner: self.inner,
        })?;
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        p.ok_or_else(|| de::Error::custom("empty"))
    }
}

/// Reads one `Bundle.entry` item starting at `start` of `text` (no whitespace before it) and hands
/// it to the sink; returns the index after it. `outer` is the number of arrays and objects serde
/// would have entered around the item (2 in a whole Bundle, 0 in a reader's buffer). On failure
/// the sink has not been called. All of the item is checked to be UTF-8 before the sink is.
pub(crate) fn entry<'a, K: Sink + ?Sized>(
    text: impl Src<'a>,
    start: usize,
    sink: &mut K,
    index: usize,
    outer: usize,
) -> Result<usize, Fail> {
    let b = text.bytes();
    if at(b, start)? != b'{' {
        // Not an object: the serde visitor says what to report.
        let s = skip::value(b, start)?;
        let mut de = serde_json::Deserializer::from_str(sub(text, start, s.end)?);
        (EntrySeed { sink, index })
            .deserialize(&mut de)
            .map_err(|_| Fail::Serde)?;
        return Ok(s.end);
    }
    let mut full_url: Option<S<'_>> = None;
    let mut parsed: Option<Parsed<'_>> = None;
    let mut i = ws(b, start + 1);
    if at(b, i)? == b'}' {
        sub(text, start, i + 1)?;
        return Ok(i + 1);
    }
    loop {
        let (k, v) = member(text, i)?;
        i = match &*k {
            "fullUrl" => {
                let end = skip::value(b, v)?.end;
                let s = serde_json::from_str::<OptStr<'_>>(sub(text, v, end)?)
                    .map_err(|_| Fail::Serde)?;
                full_url = non_empty(s.0);
                end
            }
            "resource" => {
                let (p, end) = resource(text, v, sink.ctx(), outer + 1)?;
                parsed = Some(p);
                end
            }
            _ => skip::value(b, v)?.end,
        };
        if !next_member(b, &mut i)? {
            break;
        }
    }
    sub(text, start, i)?;
    if let Some(p) = parsed {
        sink.accept(p, Some(index), full_url.as_deref());
    }
    Ok(i)
}

/// Reads `Bundle.entry` (an array at `i`) of a whole page; returns the index after it.
fn entries<K: Sink + ?Sized>(text: &str, i: usize, sink: &mut K) -> Result<usize, Fail> {
    let b = text.as_bytes();
    let mut index = sink.next_entry_index();
    let mut i = ws(b, i + 1);
    if at(b, i)? == b']' {
        sink.set_next_entry_index(index);
        return Ok(i + 1);
    }
    loop {
        i = entry(text, i, sink, index, 2)?;
        index += 1;
        let c = ws(b, i);
        match at(b, c)? {
            b',' => i = ws(b, c + 1),
            b']' => {
                sink.set_next_entry_index(index);
                return Ok(c + 1);
            }
            _ => return Err(Stop::Invalid.into()),
        }
    }
}

/// Reads a whole page that is an object with an `entry` member; `Ok(false)` (the sink not
/// called) when it has none, so that the caller reads it as a single resource.
pub(crate) fn page<K: Sink + ?Sized>(text: &str, sink: &mut K) -> Result<bool, Fail> {
    let b = text.as_bytes();
    let mut i = ws(b, 0);
    if at(b, i)? != b'{' {
        return Ok(false);
    }
    let mut bundle = false;
    i = ws(b, i + 1);
    if at(b, i)? == b'}' {
        return Ok(false);
    }
    loop {
        let (k, v) = member(text, i)?;
        i = match &*k {
            "entry" if at(b, v)? == b'[' => {
                bundle = true;
                entries(text, v, sink)?
            }
            "entry" => {
                bundle = true;
                let end = skip::value(b, v)?.end;
                let mut de = serde_json::Deserializer::from_str(sub(text, v, end)?);
                (EntriesSeed { sink: &mut *sink })
                    .deserialize(&mut de)
                    .map_err(|_| Fail::Serde)?;
                end
            }
            "resourceType" => {
                // Read as the serde path reads it: a number out of range is an error there.
                let end = skip::value(b, v)?.end;
                serde_json::from_str::<OptStr<'_>>(sub(text, v, end)?).map_err(|_| Fail::Serde)?;
                end
            }
            _ => skip::value(b, v)?.end,
        };
        if !next_member(b, &mut i)? {
            break;
        }
    }
    if !bundle {
        return Ok(false);
    }
    if ws(b, i) != b.len() {
        return Err(Stop::Invalid.into());
    }
    Ok(true)
}
