//! FHIR primitive types that are not plain JSON strings, booleans or integers.
//!
//! | FHIR | Rust | JSON |
//! |---|---|---|
//! | `string`, `markdown`, `xhtml` | `String` | string |
//! | `boolean` | `bool` | `true`/`false` |
//! | `integer`, `positiveInt`, `unsignedInt` | `i64` | number without fraction |
//! | `decimal` | [`Decimal`] (exact text kept: `1.50` stays `1.50`) | number |
//! | `id` | [`Id`] | string |
//! | `uri`, `url`, `canonical`, `oid`, `uuid` | [`Uri`] | string |
//! | `code` (unbound) | [`Code`]; bound codes are enums in [`crate::codes`] | string |
//! | `base64Binary` | [`Base64Binary`] | string |
//! | `date`, `dateTime`, `instant`, `time` | [`Date`](crate::Date), [`DateTime`](crate::DateTime), [`Instant`](crate::Instant), [`Time`](crate::Time) (text kept, see [`crate::datetime`]) | string |

use std::fmt;

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::compact::{Compact, CompactVisitor};

string_primitive! {
    /// FHIR `id`: a resource's logical id. The rule (`[A-Za-z0-9\-\.]{1,64}`) is checked by
    /// [`Id::is_valid`] and by [`crate::validate`], never at parse time.
    Id
}

impl Id {
    /// Whether the text satisfies the FHIR `id` rule: 1 to 64 of `A-Z a-z 0-9 - .`.
    pub fn is_valid(&self) -> bool {
        Self::is_valid_str(self.as_str())
    }

    /// [`Id::is_valid`] of a text, without building an `Id`: whether `text` is 1 to 64 of
    /// `A-Z a-z 0-9 - .` (FHIR R4 `id`, regex `[A-Za-z0-9\-\.]{1,64}`). The one id rule of the
    /// workspace: reference parsing and [`crate::validate`] use it.
    ///
    /// ```
    /// use ocean_model::Id;
    /// assert!(Id::is_valid_str("o-1.2") && !Id::is_valid_str("a/b") && !Id::is_valid_str(""));
    /// ```
    pub fn is_valid_str(text: &str) -> bool {
        (1..=64).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    }
}

/// Whether `name` has the shape of a FHIR resource type name: an ASCII capital letter, then
/// ASCII letters and digits (`Patient`, `MedicationStatement`; not `patient`, `Patient/1`, ``).
///
/// This is the lexical rule only: a type the model does not know (`Encounter`) passes, and it
/// is what reference parsing (`Type/id`), `_type` lists and SMART scopes check. Every R4
/// resource type name satisfies it.
///
/// ```
/// use ocean_model::is_resource_type_name;
/// assert!(is_resource_type_name("Patient") && is_resource_type_name("Encounter"));
/// assert!(!is_resource_type_name("patient") && !is_resource_type_name("Patient/1"));
/// assert!(!is_resource_type_name(""));
/// ```
pub fn is_resource_type_name(name: &str) -> bool {
    let mut b = name.bytes();
    b.next().is_some_and(|c| c.is_ascii_uppercase()) && b.all(|c| c.is_ascii_alphanumeric())
}

string_primitive! {
    /// FHIR `uri` (also used for `url`, `canonical`, `oid` and `uuid`). A `canonical` may carry a
    /// version after `|` (`http://…/ca-on-eReferral-profile-Patient|1.0.1`).
    Uri
}

string_primitive! {
    /// FHIR `code` whose value set is not modelled as an enum.
    Code
}

string_primitive! {
    /// FHIR `base64Binary`, kept as the encoded text.
    ///
    /// Validity rule (of [`Base64Binary::decoded_len`] and [`Base64Binary::decode`]): the
    /// standard alphabet (`A-Z a-z 0-9 + /`, RFC 4648 §4), ASCII white space (space, tab, CR, LF)
    /// anywhere ignored, `=` padding to a multiple of four characters and only at the end (at
    /// most two). The unused bits of the last character are not checked.
    Base64Binary
}

/// The `base64Binary` reading rule above, on the `base64` crate.
const FHIR_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical)
        .with_decode_allow_trailing_bits(true),
);

fn is_base64_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

impl Base64Binary {
    /// Encodes bytes (standard alphabet, padded, no line breaks).
    ///
    /// ```
    /// use ocean_model::Base64Binary;
    /// let b = Base64Binary::encode(b"hello");
    /// assert_eq!(b, "aGVsbG8=");
    /// assert_eq!(b.decode().unwrap(), b"hello");
    /// ```
    pub fn encode(bytes: &[u8]) -> Self {
        Self::new(STANDARD.encode(bytes))
    }

    /// The decoded bytes, or `None` if the text is not valid (see the type's rule).
    pub fn decode(&self) -> Option<Vec<u8>> {
        let text: Vec<u8> = self
            .as_str()
            .bytes()
            .filter(|b| !is_base64_space(*b))
            .collect();
        FHIR_BASE64.decode(text).ok()
    }

    /// The decoded size in bytes, or `None` if the text is not valid base64 (see the type's
    /// rule). Decodes in small pieces, so it does not hold the decoded bytes.
    pub fn decoded_len(&self) -> Option<usize> {
        const CHUNK: usize = 4096;
        let mut text = [0u8; CHUNK];
        let mut out = [0u8; CHUNK / 4 * 3];
        let mut filled = 0usize;
        let mut total = 0usize;
        for b in self.as_str().bytes().filter(|b| !is_base64_space(*b)) {
            if filled == CHUNK {
                // A full piece is a multiple of four characters; padding may only end the text.
                if text.last() == Some(&b'=') {
                    return None;
                }
                total += FHIR_BASE64.decode_slice(text, &mut out).ok()?;
                filled = 0;
            }
            *text.get_mut(filled)? = b;
            filled += 1;
        }
        total += FHIR_BASE64
            .decode_slice(text.get(..filled)?, &mut out)
            .ok()?;
        Some(total)
    }
}

/// A code outside the value set of a code enum, kept as received.
///
/// It can only be made by reading a code (e.g. [`crate::TaskStatus::from_code`]), so a known code
/// is never held here.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnknownCode(String);

impl UnknownCode {
    pub(crate) fn new(code: &str) -> Self {
        Self(code.to_owned())
    }

    /// The code as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// FHIR `decimal`, keeping the exact JSON number text (`1.50` serialises as `1.50`, `1e3` as
/// `1e3`), without turning on serde_json's `arbitrary_precision`.
///
/// Serialisation writes the text verbatim through serde_json's raw values, so it is exact with
/// `serde_json`; other serde formats are not supported for this type. The text is held in place
/// (up to 30 bytes, any real measurement), so reading a decimal does not allocate.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Decimal(Compact);

/// A string that is not a JSON number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a JSON number")]
pub struct InvalidDecimal;

impl Decimal {
    /// Parses decimal text; it must follow the JSON number grammar
    /// (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`).
    pub fn new(text: &str) -> Result<Self, InvalidDecimal> {
        if is_json_number(text) {
            Ok(Self(Compact::from_str(text)))
        } else {
            Err(InvalidDecimal)
        }
    }

    /// Converts a finite float, using the shortest text that reads back to it.
    pub fn from_f64(value: f64) -> Option<Self> {
        if !value.is_finite() {
            return None;
        }
        let text = format!("{value}");
        Decimal::new(&text).ok()
    }

    /// The number exactly as written.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The value as a float (`None` if it overflows to infinity).
    pub fn to_f64(&self) -> Option<f64> {
        self.as_str().parse::<f64>().ok().filter(|v| v.is_finite())
    }
}

impl From<i64> for Decimal {
    fn from(v: i64) -> Self {
        Self(Compact::from_string(v.to_string()))
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Decimal {
    type Err = InvalidDecimal;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Decimal::new(s)
    }
}

/// Whether `s` follows the JSON number grammar.
pub(crate) fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if b.first() == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

/// The name under which serde_json hands out the raw text of a value: what
/// `Box<RawValue>`'s own `Deserialize` asks for (serde_json 1.x, feature `raw_value`), asked
/// here so that the number text can be read without the `Box` (the text is borrowed from the
/// input, or owned when reading a `serde_json::Value`). The `decimal_keeps_text` tests fail if
/// serde_json stops honouring it.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

impl<'de> Deserialize<'de> for Decimal {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_newtype_struct(RAW_VALUE_TOKEN, DecimalVisitor)
    }
}

/// Reads the raw text serde_json gives for [`RAW_VALUE_TOKEN`]: a one-member map whose key is
/// the token and whose value is the text.
struct DecimalVisitor;

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Decimal;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number")
    }
    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
        if map.next_key::<IgnoredAny>()?.is_none() {
            return Err(serde::de::Error::custom(
                "invalid type: expected a decimal number",
            ));
        }
        let text = map.next_value_seed(CompactSeed)?;
        if is_json_number(text.as_str()) {
            Ok(Decimal(text))
        } else {
            Err(serde::de::Error::custom(
                "invalid type: expected a decimal number",
            ))
        }
    }
}

/// A string read into a [`Compact`].
struct CompactSeed;

impl<'de> DeserializeSeed<'de> for CompactSeed {
    type Value = Compact;
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Compact, D::Error> {
        d.deserialize_str(CompactVisitor)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let raw = RawValue::from_string(self.as_str().to_owned())
            .map_err(|_| serde::ser::Error::custom("decimal text is not a JSON number"))?;
        raw.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_number_grammar() {
        for ok in [
            "0", "-0", "1.50", "-1.50", "1e3", "1E+3", "2.5e-10", "0.0", "123",
        ] {
            assert!(is_json_number(ok), "{ok}");
        }
        for bad in [
            "", "-", "01", "1.", ".5", "1e", "+1", "NaN", "1.5.5", " 1", "\"1\"",
        ] {
            assert!(!is_json_number(bad), "{bad}");
        }
    }

    #[test]
    fn decimal_keeps_text() {
        let d: Decimal = serde_json::from_str("1.50").unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "1.50");
        let d: Decimal = serde_json::from_str("1e3").unwrap();
        assert_eq!(d.to_f64(), Some(1000.0));
        assert!(serde_json::from_str::<Decimal>("\"1.5\"").is_err());
    }

    #[test]
    fn decimal_keeps_text_from_every_source() {
        // Borrowed from text, from bytes, from a reader, and owned from a `serde_json::Value`
        // (which gives the shortest float text): the raw text reaches `Decimal` each way.
        for text in ["1.50", "-0.000123", "12345678901234567890.123456789", "1e3"] {
            let from_str: Decimal = serde_json::from_str(text).unwrap();
            let from_slice: Decimal = serde_json::from_slice(text.as_bytes()).unwrap();
            let from_reader: Decimal = serde_json::from_reader(text.as_bytes()).unwrap();
            for d in [from_str, from_slice, from_reader] {
                assert_eq!(d.as_str(), text);
                assert_eq!(serde_json::to_string(&d).unwrap(), text);
            }
        }
        let long = format!("0.{}", "1".repeat(40));
        let d: Decimal = serde_json::from_str(&long).unwrap();
        assert_eq!(d.as_str(), long);
        let v = serde_json::json!({"v": 2.5});
        let d: Decimal = serde_json::from_value(v["v"].clone()).unwrap();
        assert_eq!(d.as_str(), "2.5");
        for bad in ["\"1.5\"", "{}", "[1]", "true", "null"] {
            let err = serde_json::from_str::<Decimal>(bad).unwrap_err();
            assert!(err.to_string().starts_with("invalid type"), "{bad}: {err}");
        }
    }

    #[test]
    fn type_name_rule() {
        for ok in ["Patient", "A", "Observation2", "MedicationStatement"] {
            assert!(is_resource_type_name(ok), "{ok}");
        }
        for bad in [
            "",
            "patient",
            "Patient/1",
            "Pat ient",
            "Pätient",
            "1Patient",
            "_x",
        ] {
            assert!(!is_resource_type_name(bad), "{bad}");
        }
    }

    #[test]
    fn id_rule() {
        assert!(Id::is_valid_str(&"x".repeat(64)));
        assert!(!Id::is_valid_str("é"));
        assert!(Id::new("abc-1.2").is_valid());
        assert!(!Id::new("").is_valid());
        assert!(!Id::new("a/b").is_valid());
        assert!(!Id::new("x".repeat(65)).is_valid());
    }

    #[test]
    fn base64_len() {
        assert_eq!(Base64Binary::new("aGVsbG8=").decoded_len(), Some(5));
        assert_eq!(Base64Binary::new("aGVsbG8h").decoded_len(), Some(6));
        assert_eq!(Base64Binary::new("a$").decoded_len(), None);
    }

    /// The hand-written rule this type had before it used the `base64` crate.
    fn old_decoded_len(text: &str) -> Option<usize> {
        let mut n = 0usize;
        let mut pad = 0usize;
        for b in text.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' if pad == 0 => n += 1,
                b'=' => pad += 1,
                b' ' | b'\n' | b'\r' | b'\t' => {}
                _ => return None,
            }
        }
        if (n + pad) % 4 != 0 || pad > 2 {
            return None;
        }
        Some((n + pad) / 4 * 3 - pad)
    }

    #[test]
    fn base64_rule_unchanged() {
        let long_ok = "QUJD".repeat(2000);
        let long_padded_inside = format!("{}{}", "QUJD".repeat(1023), "QQ==QUJD");
        let cases = [
            "",
            "=",
            "==",
            "A",
            "AA",
            "AA=",
            "AA==",
            "AAA=",
            "AAAA",
            "A===",
            "AA==AA==",
            "YR==",
            "YQ",
            " Y Q = = ",
            "\tYQ==\r\n",
            "AAAA====",
            "Y\u{e9}Q=",
            "-_==",
            "YQ==\u{0}",
            long_ok.as_str(),
            long_padded_inside.as_str(),
        ];
        for c in cases {
            let b = Base64Binary::new(c);
            assert_eq!(b.decoded_len(), old_decoded_len(c), "{c:?}");
            assert_eq!(b.decode().map(|v| v.len()), old_decoded_len(c), "{c:?}");
        }
        // Padding exactly at the end of a 4096-character piece, then more text.
        let edge = format!("{}QQ==QUJD", "QUJD".repeat(1023));
        assert_eq!(edge.len() % 4, 0);
        assert_eq!(Base64Binary::new(edge.as_str()).decoded_len(), None);
        let end = format!("{}QQ==", "QUJD".repeat(1023));
        assert_eq!(Base64Binary::new(end.as_str()).decoded_len(), Some(3070));
    }
}
