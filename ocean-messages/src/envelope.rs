//! What the typed Bundle cannot tell: whether the first entry's MessageHeader wrote both
//! `eventCoding` and `eventUri` (the model keeps one value of a choice). A second, shallow pass
//! over the body that reads only the member names of `entry[0].resource` and skips everything
//! else (linear in the body, nothing kept).

use std::fmt;

use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// Whether `entry[0].resource` of the body has both `eventCoding` and `eventUri` (false when
/// the body cannot be read this way: the typed parse has already accepted it).
pub(crate) fn both_events(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    serde_json::from_slice::<Envelope>(body).is_ok_and(|e| e.0)
}

/// A Bundle read for [`both_events`] only.
struct Envelope(bool);

impl<'de> Deserialize<'de> for Envelope {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(Members(Level::Bundle)).map(Envelope)
    }
}

#[derive(Clone, Copy)]
enum Level {
    Bundle,
    Entry,
    Header,
}

/// An object at one level: the answer found in the member this level descends into.
struct Members(Level);

impl<'de> Visitor<'de> for Members {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let (mut found, mut coding, mut uri) = (false, false, false);
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match (self.0, key.as_ref()) {
                (Level::Bundle, "entry") => found = map.next_value::<FirstEntry>()?.0,
                (Level::Entry, "resource") => found = map.next_value::<Header>()?.0,
                (Level::Header, "eventCoding") => {
                    coding = true;
                    map.next_value::<IgnoredAny>()?;
                }
                (Level::Header, "eventUri") => {
                    uri = true;
                    map.next_value::<IgnoredAny>()?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(match self.0 {
            Level::Header => coding && uri,
            _ => found,
        })
    }
}

struct FirstEntry(bool);

impl<'de> Deserialize<'de> for FirstEntry {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(Entries).map(FirstEntry)
    }
}

struct Entries;

impl<'de> Visitor<'de> for Entries {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let first = seq.next_element::<Entry>()?.is_some_and(|e| e.0);
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(first)
    }
}

struct Entry(bool);

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(Members(Level::Entry)).map(Entry)
    }
}

struct Header(bool);

impl<'de> Deserialize<'de> for Header {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(Members(Level::Header)).map(Header)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_both() {
        let both =
            br#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"MessageHeader",
            "eventUri":"x","eventCoding":{"code":"y"}}},{"resource":{"eventUri":"z"}}]}"#;
        assert!(both_events(both));
        let one = br#"{"entry":[{"resource":{"eventCoding":{"code":"y"}}},
            {"resource":{"eventUri":"z","eventCoding":{}}}]}"#;
        assert!(!both_events(one));
        assert!(!both_events(b"[1,2]"));
        assert!(!both_events(b"{\"entry\":[]}"));
    }
}
