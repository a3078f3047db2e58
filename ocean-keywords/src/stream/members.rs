//! The fast path's own reads of the Observation members every tracked Observation has: `code`
//! (each coding's `system` and `code`, looked up in the rules' code index), `valueQuantity`, and
//! a blood pressure's `component`s. They walk the member with the scanner (its names with
//! [`member`], the values it does not read with [`skip::value`]) and take
//! strings without escapes and numbers straight from the text, where the serde path would set up
//! a deserializer for every level.
//!
//! Each read takes only the usual shape on itself and gives up on anything else, storing nothing:
//! a value of another JSON type where an object, an array or a string is expected, a string with
//! an escape, a `value` that is not a number. The caller then reads the same member with the serde
//! path's own seed ([`super::observation::FieldSeed`]), so the record is identical either way
//! (checked by the fast-vs-serde proptest in `extract.rs`, whose Observation page has these
//! members in the shapes read here and in each shape left to the seed).
//! Malformed JSON is a [`Fail`], as everywhere in the fast path: the whole page is then read the
//! serde way, which reports the error.

use super::lenient::{non_empty, trim};
use super::skip::{self, Stop, ws};
use super::tokens::{Fail, at, member, next_member, plain, sub};
use crate::code_index::CodeIndex;
use crate::loinc::{DIASTOLIC, SYSTOLIC};
use crate::record::{BpComponent, Hit, Hits, Qty, RawNum, S, SystemClass};

/// Calls `each(name, value index)` for every member of the object at `i` and returns the index
/// after it; `each` returns the index after the value it was given, or `None` to give up (then
/// so does this). `Ok(None)` too when the value at `i` is not an object.
fn object(
    text: &str,
    i: usize,
    mut each: impl FnMut(&str, usize) -> Result<Option<usize>, Fail>,
) -> Result<Option<usize>, Fail> {
    let b = text.as_bytes();
    if at(b, i)? != b'{' {
        return Ok(None);
    }
    let mut i = ws(b, i + 1);
    if at(b, i)? == b'}' {
        return Ok(Some(i + 1));
    }
    loop {
        let (k, v) = member(text, i)?;
        match each(&k, v)? {
            Some(end) => i = end,
            None => return Ok(None),
        }
        if !next_member(b, &mut i)? {
            return Ok(Some(i));
        }
    }
}

/// Calls `each(item index)` for every item of the array at `v` and returns the index after the
/// array; `each` returns the index after the item, or `None` to give up (then so does this).
/// `Ok(None)` too when the value at `v` is not an array.
fn array(
    text: &str,
    v: usize,
    mut each: impl FnMut(usize) -> Result<Option<usize>, Fail>,
) -> Result<Option<usize>, Fail> {
    let b = text.as_bytes();
    if at(b, v)? != b'[' {
        return Ok(None);
    }
    let mut i = ws(b, v + 1);
    if at(b, i)? == b']' {
        return Ok(Some(i + 1));
    }
    loop {
        let Some(end) = each(i)? else {
            return Ok(None);
        };
        let c = ws(b, end);
        match at(b, c)? {
            b',' => i = ws(b, c + 1),
            b']' => return Ok(Some(c + 1)),
            _ => return Err(Stop::Invalid.into()),
        }
    }
}

/// An array of codings at `v`: `each(system, code)` for every coding (an object; the last of a
/// repeated member counts, as in serde). Returns the index after the array, or `None` (nothing
/// more called) at a value that is not an array, an item that is not an object, or a `system`
/// or `code` that is not a [`plain`] string.
fn codings<'de>(
    text: &'de str,
    v: usize,
    mut each: impl FnMut(Option<&'de str>, Option<&'de str>),
) -> Result<Option<usize>, Fail> {
    let b = text.as_bytes();
    array(text, v, |i| {
        let mut system: Option<&str> = None;
        let mut code: Option<&str> = None;
        let end = object(text, i, |k, v| {
            let slot = match k {
                "system" => &mut system,
                "code" => &mut code,
                _ => return Ok(Some(skip::value(b, v)?.end)),
            };
            Ok(plain(text, v)?.map(|(s, end)| {
                *slot = Some(s);
                end
            }))
        })?;
        if end.is_some() {
            each(system, code);
        }
        Ok(end)
    })
}

/// `Observation.code` at `v`: pushes a [`Hit`] for every coding whose code is in `index`, as
/// the serde path's `CodeSeed` does. Returns the index after the member, or `None` with `hits`
/// unchanged.
pub(super) fn code(
    text: &str,
    v: usize,
    index: &CodeIndex,
    hits: &mut Hits,
) -> Result<Option<usize>, Fail> {
    let b = text.as_bytes();
    // Pushed here and kept only if the whole member is read.
    let mut found = *hits;
    let end = object(text, v, |k, v| {
        if k != "coding" {
            return Ok(Some(skip::value(b, v)?.end));
        }
        codings(text, v, |system, code| {
            if let Some(target) = code.and_then(|c| index.get(trim(c))) {
                found.push(Hit {
                    target,
                    system: SystemClass::of(system),
                });
            }
        })
    })?;
    if end.is_some() {
        *hits = found;
    }
    Ok(end)
}

/// A blood-pressure component's `code` at `v`, as the serde path's `BpCode` reads it: the first
/// coding with a LOINC (or no) system decides, `Some(true)` systolic, `Some(false)` diastolic,
/// `None` any other code (and then the next such coding decides). Returns that and the index
/// after the member.
fn bp_code(text: &str, v: usize) -> Result<Option<(Option<bool>, usize)>, Fail> {
    let b = text.as_bytes();
    let mut out = None;
    let end = object(text, v, |k, v| {
        if k != "coding" {
            return Ok(Some(skip::value(b, v)?.end));
        }
        codings(text, v, |system, code| {
            if out.is_none() && SystemClass::of(system).matches() {
                out = match code.map(trim) {
                    Some(SYSTOLIC) => Some(true),
                    Some(DIASTOLIC) => Some(false),
                    _ => None,
                };
            }
        })
    })?;
    Ok(end.map(|end| (out, end)))
}

/// `Observation.component` at `v`, as the serde path's `ComponentsSeed` reads it: the components
/// whose code says systolic or diastolic, with their `valueQuantity`. Returns them and the index
/// after the member.
pub(super) fn components(
    text: &str,
    v: usize,
) -> Result<Option<(Vec<BpComponent<'_>>, usize)>, Fail> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let end = array(text, v, |i| {
        let mut systolic = None;
        let mut qty = None;
        let end = object(text, i, |k, v| match k {
            "code" => Ok(bp_code(text, v)?.map(|(s, end)| {
                systolic = s;
                end
            })),
            "valueQuantity" => Ok(quantity(text, v)?.map(|(q, end)| {
                qty = Some(q);
                end
            })),
            _ => Ok(Some(skip::value(b, v)?.end)),
        })?;
        if let (Some(systolic), Some(_)) = (systolic, end) {
            out.push(BpComponent {
                systolic,
                quantity: qty,
            });
        }
        Ok(end)
    })?;
    Ok(end.map(|end| (out, end)))
}

/// `Observation.valueQuantity` at `v`, as the serde path's `QtySeed` reads it: the number's text
/// as written, the non-blank `comparator`, `unit` and `code`. Returns it and the index after it.
pub(super) fn quantity(text: &str, v: usize) -> Result<Option<(Qty<'_>, usize)>, Fail> {
    let b = text.as_bytes();
    let mut q = Qty::default();
    let end = object(text, v, |k, v| {
        let slot = match k {
            "value" => {
                if !matches!(at(b, v)?, b'-' | b'0'..=b'9') {
                    return Ok(None);
                }
                // The scanner checks a number exactly as serde_json does when it keeps one as
                // raw text (grammar only, any magnitude).
                let end = skip::value(b, v)?.end;
                q.value = Some(RawNum::Borrowed(sub(text, v, end)?));
                return Ok(Some(end));
            }
            "comparator" => &mut q.comparator,
            "unit" => &mut q.unit,
            "code" => &mut q.code,
            _ => return Ok(Some(skip::value(b, v)?.end)),
        };
        Ok(plain(text, v)?.map(|(s, end)| {
            *slot = non_empty(Some(S::Borrowed(s)));
            end
        }))
    })?;
    Ok(end.map(|end| (q, end)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantity_reads_the_usual_shape_and_gives_up_on_others() {
        let t = r#"{"value":120.50,"unit":"mm[Hg]","system":"http://unitsofmeasure.org","code":" ","x":[1,{"a":null}]},"#;
        let (q, end) = quantity(t, 0).unwrap().unwrap();
        assert_eq!(q.value.as_ref().map(RawNum::get), Some("120.50"));
        assert_eq!(q.unit.as_deref(), Some("mm[Hg]"));
        assert_eq!(q.code, None, "blank is absent");
        assert_eq!(t.get(end..), Some(","));
        for other in [
            r#"{"value":"120"},"#,
            r#"{"unit":5},"#,
            r#"{"unit":"mm\u005bHg]"},"#,
            r#"[1],"#,
        ] {
            assert!(quantity(other, 0).unwrap().is_none(), "{other}");
        }
        assert!(quantity(r#"{"value":1.},"#, 0).is_err());
        assert!(quantity(r#"{"value":1"#, 0).is_err());
    }

    #[test]
    fn code_keeps_nothing_when_it_gives_up() {
        let index = CodeIndex::new(&crate::Rules::default());
        let mut hits = Hits::default();
        let t = r#"{"coding":[{"system":"http://loinc.org","code":"8302-2"},{"code":5}]},"#;
        assert!(code(t, 0, &index, &mut hits).unwrap().is_none());
        assert!(hits.is_empty());
        let t = r#"{"text":"x","coding":[{"system":"http://loinc.org","code":" 8302-2","display":"Body Height"}]},"#;
        let end = code(t, 0, &index, &mut hits).unwrap().unwrap();
        assert_eq!(t.get(end..), Some(","));
        assert!(!hits.is_empty());
    }
}
