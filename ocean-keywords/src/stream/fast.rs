//! The fast path over `Bundle.entry`: the top level and each entry's members are found with the
//! skipping scanner ([`super::skip`]); a resource whose `resourceType` (its first member, as every
//! FHIR server writes it) names a type Ocean does not read is skipped at scanner speed; an
//! Observation is read member by member, its unread members skipped by the scanner and the others
//! read by the serde path's own member seed (plain strings borrowed directly); every other
//! resource is read in place by the serde visitors, which check every byte of it and say where it
//! ends. The input is text (a whole page, or the reader's block), already checked as UTF-8.
//!
//! Nothing here reports an error: on any doubt ([`Fail`], with the other building blocks in
//! [`super::tokens`]) the callers read the same bytes the
//! serde way, so kinds and positions of errors are those of a full serde parse. The sink is called
//! only for an entry that was read completely, so a failed attempt leaves no trace.

use super::blocks;
use super::bundle::{EntriesSeed, EntrySeed};
use super::lenient::{OptStr, non_empty};
use super::members;
use super::observation::{FieldSeed, ObsField, obs_field};
use super::resource::ResourceSeed;
use super::skip::{self, Stop, ws};
use super::tokens::{Fail, at, member, next_member, plain, sub};
use crate::record::{ObsRecord, Parsed, S};
use crate::sink::{Ctx, Sink};
use serde::de::DeserializeSeed;
use std::borrow::Cow;

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

/// The `resourceType` of the object at `i` when it is the first member, spelled without escapes
/// (`None` when `i` is not the start of an object, or it has no such first member). Only those
/// bytes are checked.
fn first_type(b: &[u8], i: usize) -> Option<&[u8]> {
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let rest = b.get(ws(b, i + 1)..)?.strip_prefix(b"\"resourceType\"")?;
    let rest = rest.get(ws(rest, 0)..)?.strip_prefix(b":")?;
    let rest = rest.get(ws(rest, 0)..)?.strip_prefix(b"\"")?;
    let end = rest.iter().position(|&c| c == b'"' || c == b'\\')?;
    match rest.get(end) {
        Some(b'"') => rest.get(..end),
        _ => None,
    }
}

/// Reads the resource at `i`; returns what it is and the index after it. An Observation is read
/// into `obs` in place (the record is large; moved through the returns it was copied each time,
/// 1–2% of the extraction's time), and `None` is returned for it; for any other resource `obs` is
/// left `None`, so that a repeated `resource` member leaves only the last one, as in the serde
/// walk.
///
/// serde_json's nesting limit cannot tell this apart from a read of the whole page: the
/// visitors enter a bounded number of levels of a resource (a few, for the members the rules
/// read) and skip anything deeper uncounted, so a resource read from its own slice is refused or
/// accepted exactly as inside the Bundle.
fn resource<'de>(
    text: &'de str,
    i: usize,
    ctx: Ctx<'_>,
    obs: &mut Option<ObsRecord<'de>>,
) -> Result<(Option<Parsed<'de>>, usize), Fail> {
    let b = text.as_bytes();
    *obs = None;
    if let Some(t) = first_type(b, i) {
        if t == b"Observation" {
            let end = observation(text, i, ctx, obs.insert(ObsRecord::default()))?;
            return Ok((None, end));
        }
        if let Some(p) = std::str::from_utf8(t).ok().and_then(unread) {
            // Checked by the scanner, never parsed.
            let s = blocks::value(b, i)?;
            if !s.key_escape {
                return Ok((Some(p), s.end));
            }
        }
    }
    // Read by the visitors, which check every byte. They read on from here, and where they
    // stopped (the byte after the resource's last) is the offset serde_json's reader stands at:
    // no second pass over the resource, not even to count lines for an error position.
    let rest = text.get(i..).ok_or(Fail::Scan)?;
    let mut de = serde_json::Deserializer::from_str(rest);
    let p = (ResourceSeed { ctx })
        .deserialize(&mut de)
        .map_err(|_| Fail::Serde)?;
    let end = de.into_iter::<serde::de::IgnoredAny>().byte_offset();
    if end >= rest.len() {
        // Nothing after the resource: the text is cut off.
        return Err(Fail::Scan);
    }
    Ok((Some(p), i + end))
}

/// Reads the Observation object at `i` (its first member `resourceType`, checked by the caller)
/// member by member: members the record does not read are skipped by the scanner, the others are
/// read where they stand by the serde path's own [`FieldSeed`], so the record is the one the
/// serde walk builds. Fills `rec` (empty when called); returns the index after the object.
///
/// A member fails here exactly when it fails in the serde walk: the seeds read a bounded number
/// of levels into a member (well under serde_json's nesting limit, counted from the Bundle) and
/// skip deeper values without counting, and skipping is the scanner's check.
fn observation<'de>(
    text: &'de str,
    i: usize,
    ctx: Ctx<'_>,
    rec: &mut ObsRecord<'de>,
) -> Result<usize, Fail> {
    let b = text.as_bytes();
    let mut i = ws(b, i + 1);
    loop {
        let (k, v) = member(text, i)?;
        let field = obs_field(&k);
        i = if field.mark_if_skipped(rec) {
            skip::value(b, v)?.end
        } else if let Some(end) = plain_string(text, v, |s| field.put_str(rec, Some(s)))? {
            end
        } else if let Some(end) = read_member(text, v, field, rec, ctx)? {
            end
        } else {
            let rest = text.get(v..).ok_or(Fail::Scan)?;
            let mut de = serde_json::Deserializer::from_str(rest);
            (FieldSeed {
                field,
                rec: &mut *rec,
                ctx,
            })
            .deserialize(&mut de)
            .map_err(|_| Fail::Serde)?;
            v + de.into_iter::<serde::de::IgnoredAny>().byte_offset()
        };
        if !next_member(b, &mut i)? {
            return Ok(i);
        }
    }
}

/// `code`, `valueQuantity` and `component` read by [`members`] (`None`: nothing stored, read it with
/// [`FieldSeed`]).
fn read_member<'de>(
    text: &'de str,
    v: usize,
    field: ObsField,
    rec: &mut ObsRecord<'de>,
    ctx: Ctx<'_>,
) -> Result<Option<usize>, Fail> {
    Ok(match field {
        ObsField::Code => members::code(text, v, ctx.index, &mut rec.hits)?,
        ObsField::ValueQuantity => members::quantity(text, v)?.map(|(q, end)| {
            rec.value_quantity = Some(q);
            end
        }),
        ObsField::Component => members::components(text, v)?.map(|(c, end)| {
            rec.components = c;
            end
        }),
        _ => None,
    })
}

/// A [`plain`] string at `v`, handed to `put` as borrowed text; `Some(index after it)` when `put`
/// took it. `None` (nothing read) for anything else: the caller reads it the serde way.
fn plain_string<'de>(
    text: &'de str,
    v: usize,
    put: impl FnOnce(S<'de>) -> bool,
) -> Result<Option<usize>, Fail> {
    Ok(match plain(text, v)? {
        Some((s, end)) => put(Cow::Borrowed(s)).then_some(end),
        None => None,
    })
}

/// Reads one `Bundle.entry` item starting at `start` of `text` (no whitespace before it) and hands
/// it to the sink; returns the index after it. On failure
/// the sink has not been called. All of the item is checked to be UTF-8 before the sink is.
pub(crate) fn entry<K: Sink + ?Sized>(
    text: &str,
    start: usize,
    sink: &mut K,
    index: usize,
) -> Result<usize, Fail> {
    let b = text.as_bytes();
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
    // The slot `resource` reads an Observation into (see there), lent to the sink at the end.
    let mut obs: Option<ObsRecord<'_>> = None;
    let mut i = ws(b, start + 1);
    if at(b, i)? == b'}' {
        sub(text, start, i + 1)?;
        return Ok(i + 1);
    }
    loop {
        let (k, v) = member(text, i)?;
        i = match &*k {
            "fullUrl" => {
                if let Some(end) = plain_string(text, v, |s| {
                    full_url = non_empty(Some(s));
                    true
                })? {
                    end
                } else {
                    let end = skip::value(b, v)?.end;
                    let s = serde_json::from_str::<OptStr<'_>>(sub(text, v, end)?)
                        .map_err(|_| Fail::Serde)?;
                    full_url = non_empty(s.0);
                    end
                }
            }
            "resource" => {
                let (p, end) = resource(text, v, sink.ctx(), &mut obs)?;
                parsed = p;
                end
            }
            _ => skip::value(b, v)?.end,
        };
        if !next_member(b, &mut i)? {
            break;
        }
    }
    sub(text, start, i)?;
    if let Some(rec) = &obs {
        sink.accept_observation(rec, Some(index), full_url.as_deref());
    } else if let Some(p) = parsed {
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
        i = entry(text, i, sink, index)?;
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
