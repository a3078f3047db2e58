//! The top-level value and `Bundle.entry`: a Bundle's entries are handed to the sink as they are
//! read; any other object is a single resource.

use super::lenient::{KeySeed, KeyText, OptStr, non_empty};
use super::resource::{ResourceSeed, replay};
use crate::record::{Parsed, S};
use crate::sink::Sink;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// The marker error text for "the top-level value is not a resource object".
pub(super) const NOT_A_RESOURCE: &str = "\u{0}not-a-resource";

/// The top-level value: a Bundle (its entries are handed to the sink as they are read) or a single
/// resource.
pub(crate) struct TopSeed<'e, K: ?Sized> {
    pub(crate) sink: &'e mut K,
}

impl<'de, K: Sink + ?Sized> DeserializeSeed<'de> for TopSeed<'_, K> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

fn not_a_resource<E: de::Error>() -> Result<(), E> {
    Err(E::custom(NOT_A_RESOURCE))
}

impl<'de, K: Sink + ?Sized> Visitor<'de> for TopSeed<'_, K> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a FHIR Bundle or resource")
    }
    on_scalars!((), |_s| not_a_resource());
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        not_a_resource()
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let sink = self.sink;
        let mut resource_type: Option<String> = None;
        let mut is_bundle = false;
        // Members of a single resource (everything but `entry`, until the type says Bundle).
        let mut buffered: Vec<(S<'de>, Box<RawValue>)> = Vec::new();
        while let Some(KeyText(k)) = map.next_key::<KeyText>()? {
            match &*k {
                "resourceType" => {
                    let OptStr(t) = map.next_value::<OptStr>()?;
                    let t = t.map(Cow::into_owned);
                    if t.as_deref() == Some("Bundle") {
                        is_bundle = true;
                        buffered = Vec::new();
                    }
                    resource_type = t;
                }
                // An object with `entry` is read as a Bundle, whatever its resourceType says
                // and wherever `entry` is: its entries are streamed where they stand, so the
                // reader (which cannot go back) and the slice read the same entries in the same
                // order for any member order.
                "entry" => {
                    map.next_value_seed(EntriesSeed { sink: &mut *sink })?;
                    is_bundle = true;
                    buffered = Vec::new();
                }
                _ if is_bundle => {
                    map.next_value::<IgnoredAny>()?;
                }
                _ => {
                    let raw = map.next_value::<Box<RawValue>>()?;
                    buffered.push((k, raw));
                }
            }
        }
        if is_bundle {
            return Ok(());
        }
        match resource_type {
            Some(t) => {
                let ctx = sink.ctx();
                let parsed = replay(buffered, &t, ctx.index);
                sink.accept(parsed, None, None);
                Ok(())
            }
            None => not_a_resource(),
        }
    }
}

pub(crate) struct EntriesSeed<'e, K: ?Sized> {
    pub(crate) sink: &'e mut K,
}

impl<'de, K: Sink + ?Sized> DeserializeSeed<'de> for EntriesSeed<'_, K> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, K: Sink + ?Sized> Visitor<'de> for EntriesSeed<'_, K> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Bundle.entry")
    }
    // `null`, a scalar or an object where the array belongs: reported, skipped.
    on_scalars!((), |s| {
        s.sink.shape("Bundle.entry is not an array");
        Ok(())
    });
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.sink.shape("Bundle.entry is not an array");
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let sink = self.sink;
        let mut index = sink.next_entry_index();
        while seq
            .next_element_seed(EntrySeed {
                sink: &mut *sink,
                index,
            })?
            .is_some()
        {
            index += 1;
        }
        sink.set_next_entry_index(index);
        Ok(())
    }
}

pub(crate) struct EntrySeed<'e, K: ?Sized> {
    pub(crate) sink: &'e mut K,
    pub(crate) index: usize,
}

impl<'de, K: Sink + ?Sized> DeserializeSeed<'de> for EntrySeed<'_, K> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, K: Sink + ?Sized> Visitor<'de> for EntrySeed<'_, K> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Bundle.entry")
    }
    on_scalars!((), |s| {
        s.sink
            .shape_at(s.index, "Bundle.entry item is not an object");
        Ok(())
    });
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.sink
            .shape_at(self.index, "Bundle.entry item is not an object");
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut full_url: Option<S<'de>> = None;
        let mut parsed: Option<Parsed<'de>> = None;
        while let Some(k) = map.next_key_seed(KeySeed(|k| match k {
            "fullUrl" => 1u8,
            "resource" => 2,
            _ => 0,
        }))? {
            match k {
                1 => full_url = non_empty(map.next_value::<OptStr>()?.0),
                2 => {
                    parsed = Some(map.next_value_seed(ResourceSeed {
                        ctx: self.sink.ctx(),
                    })?);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(p) = parsed {
            self.sink.accept(p, Some(self.index), full_url.as_deref());
        }
        Ok(())
    }
}
