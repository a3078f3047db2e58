//! Reading and writing FHIR JSON.
//!
//! These wrap serde_json and turn its errors into [`ParseError`]s that carry a FHIR element path
//! and no input text. A UTF-8 byte order mark at the start of the input is accepted.
//!
//! # Wrong JSON types are kept, not fatal
//! A modelled element whose JSON type is wrong (`"clinicalStatus": "resolved"`, STU3's shape,
//! where R4 has a CodeableConcept) does not make the resource or its Bundle unreadable: it is
//! kept verbatim among its object's unknown elements and listed by its resource
//! ([`crate::UnknownElements::wrong_types`]); [`crate::validate`] reports it (rule `fhir-json`).
//! Reading fails only when the input is not JSON, is too deep, or is not a resource of the
//! requested kind (no `resourceType`, another type, not an object). Input without such
//! elements is read once; input with them is read a second time, leniently (see the cost in
//! the lenient module of the source).
//!
//! ```
//! use ocean_model::{json, Condition, validate};
//! let c: ocean_model::Resource = json::from_str(
//!     r#"{"resourceType":"Condition","clinicalStatus":"resolved","subject":{"reference":"Patient/1"}}"#,
//! ).unwrap();
//! assert_eq!(c.unknown().wrong_types().collect::<Vec<_>>(), ["clinicalStatus"]);
//! let issues = validate::validate(&c);
//! assert!(issues.iter().any(|i| i.rule == "fhir-json" && i.path == "Condition.clinicalStatus"));
//! ```
//!
//! # How input is read
//! UTF-8 input is first read by a reader written for the model (no serde visitors, about twice
//! as fast): it reads what FHIR JSON is made of in practice straight into the typed fields, and
//! gives up on anything else: input that is not JSON, `null` or `[]` where a modelled element
//! belongs, a modelled element of the wrong JSON type, modelled elements nested more than 100
//! levels deep. Input it gives up on is read again by serde_json's visitors, whose answer (the
//! model, the lenient reading above, or the error with its line, column and path) is the one
//! returned. Both readings give the same model for every input the first one reads (members the
//! model does not type are taken by serde_json in both, byte for byte); the tests compare them on
//! real and generated FHIR JSON and on changed bytes, and so does the `parse_bundle` fuzz target.
//! A resource whose `resourceType` is not its first member is read again from its start once
//! its type is found; with resources nested nine deep (the reader's limit), each with
//! `resourceType` last, a byte is read at most ten times, so reading stays linear in the input.
//!
//! Limits: serde_json's nesting limit (128 levels of arrays and objects) applies, and resources
//! nest at most [`MAX_RESOURCE_DEPTH`] deep (a Bundle entry's resource, its `contained`, ...).
//! Deeper input is refused with [`ParseErrorKind::TooDeep`](crate::ParseErrorKind::TooDeep), so
//! hostile input cannot exhaust the stack.
//!
//! ```
//! use ocean_model::{json, Patient};
//! let text = r#"{"resourceType":"Patient","gender":"female","birthDate":"1970",
//!               "_birthDate":{"extension":[{"url":"http://x","valueString":"approx"}]}}"#;
//! let p: Patient = json::from_str(text).unwrap();
//! assert_eq!(p.birth_date.as_ref().unwrap().as_str(), "1970");
//! // Nothing is lost: the primitive extension comes back out.
//! let back: serde_json::Value = serde_json::from_str(&json::to_string(&p).unwrap()).unwrap();
//! assert_eq!(back, serde_json::from_str::<serde_json::Value>(text).unwrap());
//!
//! // Only input that is not JSON, or not the resource asked for, fails.
//! let err = json::from_str::<Patient>(r#"{"resourceType":"Observation"}"#).unwrap_err();
//! assert!(matches!(err.kind, ocean_model::ParseErrorKind::WrongResourceType { .. }));
//! ```

use std::io::Read;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::ParseError;

pub use crate::de::MAX_RESOURCE_DEPTH;

/// A type that can be read from and written to FHIR JSON (every modelled datatype and resource,
/// and [`crate::Resource`]).
pub trait FhirJson: DeserializeOwned + Serialize {
    /// The root of element paths in errors (`"Bundle"`, `"Patient"`, `"Resource"`).
    const PATH_ROOT: &'static str;

    /// The reading written for the model (see "How input is read" in the module docs): `None`
    /// when it gives up, and then serde_json's reading decides. Not for callers (use
    /// [`from_slice`] and [`from_str`]); public for the fuzz targets and tests that compare
    /// the two readings.
    #[doc(hidden)]
    fn read_direct(text: &str) -> Option<Self> {
        let _ = text;
        None
    }
}

impl FhirJson for crate::Resource {
    const PATH_ROOT: &'static str = "Resource";
    #[inline]
    fn read_direct(text: &str) -> Option<Self> {
        crate::direct::read_all(text)
    }
}

impl<T: crate::de::Object + crate::direct::DirectRead + DeserializeOwned + Serialize> FhirJson
    for T
{
    const PATH_ROOT: &'static str = T::TYPE_NAME;
    #[inline]
    fn read_direct(text: &str) -> Option<Self> {
        crate::direct::read_all(text)
    }
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Parses FHIR JSON bytes.
pub fn from_slice<T: FhirJson>(bytes: &[u8]) -> Result<T, ParseError> {
    let bytes = strip_bom(bytes);
    // Checking UTF-8 once for the whole input lets serde_json skip the check for every string
    // (about a sixth of the work); invalid UTF-8 goes the byte way for the same error.
    let text = simdutf8::basic::from_utf8(bytes).ok();
    if let Some(value) = text.and_then(read_direct::<T>) {
        return Ok(value);
    }
    let read = || match text {
        Some(text) => serde_json::from_str(text),
        None => serde_json::from_slice(bytes),
    };
    read_twice(read, bytes)
}

/// Parses FHIR JSON bytes strictly: a modelled element of the wrong JSON type is an error
/// ([`ParseErrorKind::InvalidType`](crate::ParseErrorKind::InvalidType) at its path) instead of
/// being kept. For callers that would rather skip such a resource than hold it half-typed (the
/// keyword engine skips and reports it).
pub fn from_slice_strict<T: FhirJson>(bytes: &[u8]) -> Result<T, ParseError> {
    let bytes = strip_bom(bytes);
    let parsed = match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => match read_direct::<T>(text) {
            Some(value) => return Ok(value),
            None => serde_json::from_str(text),
        },
        Err(_) => serde_json::from_slice(bytes),
    };
    parsed.map_err(|e| {
        let path = path_of_error::<T>(bytes);
        ParseError::from_json(e).with_path(path)
    })
}

/// The reading written for the model, outside lenient mode (whose reading is the serde one's).
#[inline]
fn read_direct<T: FhirJson>(text: &str) -> Option<T> {
    if crate::lenient::is_on() {
        None
    } else {
        T::read_direct(text)
    }
}

/// The fast reading, then, only if a modelled element had the wrong JSON type, the lenient one.
fn read_twice<T: FhirJson>(
    read: impl Fn() -> Result<T, serde_json::Error>,
    bytes: &[u8],
) -> Result<T, ParseError> {
    match read() {
        Ok(v) => Ok(v),
        Err(e) if crate::error::is_wrong_type(&e) => {
            let _lenient = crate::lenient::Mode::enter();
            read().map_err(|e| {
                let path = path_of_error::<T>(bytes);
                ParseError::from_json(e).with_path(path)
            })
        }
        Err(e) => {
            let path = path_of_error::<T>(bytes);
            Err(ParseError::from_json(e).with_path(path))
        }
    }
}

/// Parses FHIR JSON text.
pub fn from_str<T: FhirJson>(text: &str) -> Result<T, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(value) = read_direct::<T>(text) {
        return Ok(value);
    }
    read_twice(|| serde_json::from_str(text), text.as_bytes())
}

/// Parses FHIR JSON from a reader: reads it to the end, then as [`from_slice`] (the input may
/// have to be read twice, see the module docs), so errors carry the element path too. Put a
/// size limit on the reader (`Read::take`) for untrusted input.
pub fn from_reader<T: FhirJson, R: Read>(mut reader: R) -> Result<T, ParseError> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| ParseError::from_json(serde_json::Error::io(e)))?;
    from_slice(&bytes)
}

/// The element path of a parse failure, found by parsing again with path tracking (only on the
/// error path, so successful parses pay nothing for it).
fn path_of_error<T: FhirJson>(bytes: &[u8]) -> Option<String> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(_) => None,
        Err(e) => {
            use serde_json::error::Category;
            if matches!(e.inner().classify(), Category::Data) {
                let mut path = crate::error::format_path(T::PATH_ROOT, e.path());
                path.push_str(&crate::error::carried_path(e.inner()).unwrap_or_default());
                Some(path)
            } else {
                None
            }
        }
    }
}

/// Writes compact FHIR JSON.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    serde_json::to_string(value)
}

/// Writes indented FHIR JSON (raw members kept from the input keep their own layout).
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(value)
}

/// Writes compact FHIR JSON bytes.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec(value)
}
