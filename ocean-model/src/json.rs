//! Reading and writing FHIR JSON.
//!
//! These wrap serde_json and turn its errors into [`ParseError`]s that carry a FHIR element path
//! and no input text. A UTF-8 byte order mark at the start of the input is accepted.
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
//! let err = json::from_str::<Patient>(r#"{"resourceType":"Patient","gender":5}"#).unwrap_err();
//! assert_eq!(err.path.as_deref(), Some("Patient.gender"));
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
}

impl FhirJson for crate::Resource {
    const PATH_ROOT: &'static str = "Resource";
}

impl<T: crate::de::Object + DeserializeOwned + Serialize> FhirJson for T {
    const PATH_ROOT: &'static str = T::TYPE_NAME;
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Parses FHIR JSON bytes.
pub fn from_slice<T: FhirJson>(bytes: &[u8]) -> Result<T, ParseError> {
    let bytes = strip_bom(bytes);
    // Checking UTF-8 once for the whole input lets serde_json skip the check for every string
    // (about a sixth of the work); invalid UTF-8 goes the byte way for the same error.
    let parsed = match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(bytes),
    };
    parsed.map_err(|e| {
        let path = path_of_error::<T>(bytes);
        ParseError::from_json(e).with_path(path)
    })
}

/// Parses FHIR JSON text.
pub fn from_str<T: FhirJson>(text: &str) -> Result<T, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(text).map_err(|e| {
        let path = path_of_error::<T>(text.as_bytes());
        ParseError::from_json(e).with_path(path)
    })
}

/// Parses FHIR JSON from a reader. Errors carry line and column but no element path (the
/// input cannot be read twice).
pub fn from_reader<T: FhirJson, R: Read>(reader: R) -> Result<T, ParseError> {
    let mut reader = std::io::BufReader::new(reader);
    // Skip a BOM if present.
    let mut bom = [0u8; 3];
    let mut peeked = Vec::new();
    let n = read_up_to(&mut reader, &mut bom)
        .map_err(|e| ParseError::from_json(serde_json::Error::io(e)))?;
    if bom.get(..n) != Some(b"\xEF\xBB\xBF".as_slice()) {
        peeked.extend_from_slice(bom.get(..n).unwrap_or_default());
    }
    let chained = std::io::Cursor::new(peeked).chain(reader);
    serde_json::from_reader(chained).map_err(ParseError::from_json)
}

fn read_up_to<R: Read>(r: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(buf.get_mut(n..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
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
