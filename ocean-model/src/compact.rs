//! The text of the string-valued primitives ([`crate::Id`], [`crate::Uri`], [`crate::Code`], the
//! dates and times, ...), held without a heap allocation when it is short or a well-known
//! code-system URI.
//!
//! Parsing a FHIR Bundle used to make one allocation per primitive string; most of them are
//! short codes (`final`, `8302-2`), dates and date-times (at most 29 characters with
//! milliseconds and an offset) or one of a few code-system URIs repeated in every Coding. Text
//! of up to [`INLINE`] bytes is stored in place, the well-known URIs (see [`well_known`]) point
//! to a static copy, and only other text goes to the heap. The type is 32 bytes (a `String` is
//! 24), and it is invisible outside the crate: the primitives keep their `new`, `as_str`,
//! `into_string` and conversions, and compare, order, hash and print as their text.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use serde::de::{self, Visitor};

/// The longest text stored in place (a date-time with milliseconds and an offset is 29).
pub(crate) const INLINE: usize = 30;

/// Text kept as a static string, in place, or on the heap (see the module docs).
#[derive(Clone)]
pub(crate) enum Compact {
    /// A well-known URI.
    Static(&'static str),
    /// Up to [`INLINE`] bytes of UTF-8: the length, then the bytes (zero after the length).
    Inline(u8, [u8; INLINE]),
    /// Any other text.
    Heap(Box<str>),
}

impl Compact {
    /// The text `text`, copied in place when short, shared when well known.
    #[inline]
    pub(crate) fn from_str(text: &str) -> Self {
        Self::inline(text)
            .or_else(|| well_known(text).map(Self::Static))
            .unwrap_or_else(|| Self::Heap(text.into()))
    }

    /// The text `text`, reusing its buffer when it goes to the heap.
    pub(crate) fn from_string(text: String) -> Self {
        Self::inline(&text)
            .or_else(|| well_known(&text).map(Self::Static))
            .unwrap_or_else(|| Self::Heap(text.into_boxed_str()))
    }

    #[inline]
    fn inline(text: &str) -> Option<Self> {
        let len = u8::try_from(text.len())
            .ok()
            .filter(|n| usize::from(*n) <= INLINE)?;
        let mut buf = [0u8; INLINE];
        copy_short(&mut buf, text.as_bytes());
        Some(Self::Inline(len, buf))
    }

    /// The text.
    #[inline]
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Self::Static(s) => s,
            Self::Heap(s) => s,
            // Only `inline` makes this variant, from a `&str` of `len` bytes, so the bytes are
            // UTF-8; the check cannot fail (no `unsafe` to skip it).
            Self::Inline(..) => std::str::from_utf8(self.as_bytes()).unwrap_or_default(),
        }
    }

    /// The bytes of the text, without checking UTF-8 again (for comparing and hashing).
    #[inline]
    fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Static(s) => s.as_bytes(),
            Self::Heap(s) => s.as_bytes(),
            Self::Inline(len, buf) => buf.get(..usize::from(*len)).unwrap_or_default(),
        }
    }

    /// The owned text (no copy when it is on the heap).
    pub(crate) fn into_string(self) -> String {
        match self {
            Self::Heap(s) => s.into_string(),
            other => other.as_str().to_owned(),
        }
    }
}

/// Copies `src` (at most [`INLINE`] bytes) to the start of `dst` with two overlapping moves of
/// a fixed width (16, 8 or 4 bytes) instead of a call to `memcpy`: every primitive string of a
/// parse goes through here, most of them a few bytes long.
#[inline]
fn copy_short(dst: &mut [u8; INLINE], src: &[u8]) {
    #[inline]
    fn ends<const W: usize>(dst: &mut [u8; INLINE], src: &[u8]) {
        let (Some(head), Some(tail)) = (src.first_chunk::<W>(), src.last_chunk::<W>()) else {
            return;
        };
        if let Some(d) = dst.first_chunk_mut::<W>() {
            *d = *head;
        }
        let start = src.len().saturating_sub(W);
        if let Some(d) = dst.get_mut(start..).and_then(|d| d.first_chunk_mut::<W>()) {
            *d = *tail;
        }
    }
    match src.len() {
        16.. => ends::<16>(dst, src),
        8.. => ends::<8>(dst, src),
        4.. => ends::<4>(dst, src),
        _ => {
            for (d, s) in dst.iter_mut().zip(src) {
                *d = *s;
            }
        }
    }
}

impl Default for Compact {
    fn default() -> Self {
        Self::Inline(0, [0u8; INLINE])
    }
}

impl PartialEq for Compact {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Compact {}

impl PartialOrd for Compact {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Compact {
    /// The order of the text (`str`'s order is that of its bytes).
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl Hash for Compact {
    /// Hashes as the text does (`str` hashes its bytes, then `0xff`).
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write(self.as_bytes());
        state.write_u8(0xff);
    }
}

impl fmt::Debug for Compact {
    /// As the text (`"final"`), as a `String` prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// Reads a JSON string into a [`Compact`]; the error for another JSON type is the one a
/// `String` gives (`invalid type: ..., expected a string`), which lenient reading relies on.
pub(crate) struct CompactVisitor;

impl Visitor<'_> for CompactVisitor {
    type Value = Compact;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    #[inline]
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Compact, E> {
        Ok(Compact::from_str(v))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Compact, E> {
        Ok(Compact::from_string(v))
    }
}

/// The static copy of `text` when it is a code-system or identifier-system URI longer than
/// [`INLINE`] that FHIR R4 data repeats in Coding after Coding: HL7 terminology code systems
/// (FHIR R4 core, `terminology.hl7.org`), RxNorm, and the Ontario and Canadian systems this
/// toolkit's messages use. Shorter ones (`http://loinc.org`, `http://snomed.info/sct`,
/// `http://unitsofmeasure.org`, `urn:ietf:rfc:3986`) are stored in place anyway.
fn well_known(text: &str) -> Option<&'static str> {
    const HL7_CS: &str = "http://terminology.hl7.org/CodeSystem/";
    if let Some(rest) = text.strip_prefix(HL7_CS) {
        let found = match rest {
            "observation-category" => "http://terminology.hl7.org/CodeSystem/observation-category",
            "condition-clinical" => "http://terminology.hl7.org/CodeSystem/condition-clinical",
            "condition-ver-status" => "http://terminology.hl7.org/CodeSystem/condition-ver-status",
            "condition-category" => "http://terminology.hl7.org/CodeSystem/condition-category",
            "allergyintolerance-clinical" => {
                "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
            }
            "allergyintolerance-verification" => {
                "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
            }
            "v2-0203" => "http://terminology.hl7.org/CodeSystem/v2-0203",
            "v2-0131" => "http://terminology.hl7.org/CodeSystem/v2-0131",
            "v3-ActCode" => "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "v3-MaritalStatus" => "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus",
            "v3-RoleCode" => "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
            "v3-ParticipationType" => "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
            "v3-ObservationInterpretation" => {
                "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
            }
            "medication-statement-category" => {
                "http://terminology.hl7.org/CodeSystem/medication-statement-category"
            }
            "medicationrequest-category" => {
                "http://terminology.hl7.org/CodeSystem/medicationrequest-category"
            }
            "diagnosis-role" => "http://terminology.hl7.org/CodeSystem/diagnosis-role",
            "provenance-participant-type" => {
                "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
            }
            _ => return None,
        };
        return Some(found);
    }
    Some(match text {
        "http://www.nlm.nih.gov/research/umls/rxnorm" => {
            "http://www.nlm.nih.gov/research/umls/rxnorm"
        }
        "https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn" => {
            "https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn"
        }
        _ => return None,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use std::collections::hash_map::DefaultHasher;

    fn hash_of<T: Hash + ?Sized>(v: &T) -> u64 {
        let mut h = DefaultHasher::new();
        v.hash(&mut h);
        h.finish()
    }

    #[test]
    fn every_inline_length_keeps_its_bytes() {
        let text: String = ('a'..='z').chain('0'..='9').collect();
        for len in 0..=INLINE {
            let part = &text[..len];
            let c = Compact::from_str(part);
            assert!(matches!(c, Compact::Inline(..)), "{len}");
            assert_eq!(c.as_str(), part);
            // The bytes after the text stay zero (equality and hashing rely on it only through
            // `as_bytes`, but `Default` and a copy must agree).
            if let Compact::Inline(_, buf) = &c {
                assert!(buf[len..].iter().all(|b| *b == 0), "{len}");
            }
        }
    }

    #[test]
    fn each_representation_keeps_the_text() {
        let long = "x".repeat(INLINE + 1);
        let uri = "http://terminology.hl7.org/CodeSystem/observation-category";
        let cases = [
            ("", "inline"),
            ("final", "inline"),
            ("2015-02-07T13:28:17.239+02:00", "inline"),
            (&"é".repeat(INLINE / 2), "inline"),
            (&long, "heap"),
            (uri, "static"),
            ("http://terminology.hl7.org/CodeSystem/unknown-one", "heap"),
        ];
        for (text, kind) in cases {
            for c in [
                Compact::from_str(text),
                Compact::from_string(text.to_owned()),
            ] {
                let got = match &c {
                    Compact::Static(_) => "static",
                    Compact::Inline(..) => "inline",
                    Compact::Heap(_) => "heap",
                };
                assert_eq!(got, kind, "{text}");
                assert_eq!(c.as_str(), text);
                assert_eq!(c.clone().into_string(), text);
                assert_eq!(hash_of(&c), hash_of(text));
                assert_eq!(format!("{c:?}"), format!("{text:?}"));
            }
        }
    }

    #[test]
    fn equality_and_order_are_those_of_the_text() {
        let texts = [
            "",
            "a",
            "ab",
            "b",
            &"z".repeat(40),
            "http://www.nlm.nih.gov/research/umls/rxnorm",
        ];
        for a in texts {
            for b in texts {
                let (ca, cb) = (Compact::from_str(a), Compact::from_string(b.to_owned()));
                assert_eq!(ca == cb, a == b);
                assert_eq!(ca.cmp(&cb), a.cmp(b));
            }
        }
        assert_eq!(Compact::default().as_str(), "");
    }

    #[test]
    fn size_is_four_words() {
        assert_eq!(std::mem::size_of::<Compact>(), 32);
        assert_eq!(std::mem::size_of::<Option<Compact>>(), 32);
    }
}
