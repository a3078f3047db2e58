//! One resource, dispatched on `resourceType`: an Observation is read into its record, the other
//! types Ocean reads are parsed with `ocean_model`, everything else is skipped unread. Members
//! that come before `resourceType` are buffered and replayed.

use super::lenient::{KeyText, OptStr};
use super::observation::read_observation;
use crate::code_index::CodeIndex;
use crate::object_writer::ObjectWriter;
use crate::record::{Parsed, S};
use crate::sink::Ctx;
use ocean_model::Resource;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// The types read with `ocean_model` (few per chart): those of [`crate::READ_TYPES`] except
/// Observation (read into its record) and [`crate::NOT_EXTRACTED`].
pub(super) fn typed(resource_type: &str) -> Option<&'static str> {
    crate::READ_TYPES
        .into_iter()
        .find(|&t| t == resource_type && t != "Observation" && !crate::NOT_EXTRACTED.contains(&t))
}

/// Reads the members after `resourceType` for a given type.
fn dispatch<'de, A: MapAccess<'de>>(
    mut map: A,
    resource_type: &str,
    ctx: Ctx<'_>,
) -> Result<Parsed<'de>, A::Error> {
    if resource_type == "Observation" {
        return read_observation(map, ctx).map(Parsed::Observation);
    }
    if let Some(ty) = typed(resource_type) {
        let mut obj = ObjectWriter::with_capacity(512);
        obj.string_member("resourceType", ty);
        // `contained` is kept aside: only a MedicationStatement's contained Medication that its
        // `medicationReference` names can reach the output.
        let mut contained: Option<&'de RawValue> = None;
        let mut med_ref: Option<&'de RawValue> = None;
        while let Some(KeyText(k)) = map.next_key::<KeyText>()? {
            let raw = map.next_value::<&'de RawValue>()?;
            match &*k {
                "contained" => {
                    if let Some(earlier) = contained.replace(raw) {
                        // A repeated member: left for the model to judge, as before.
                        obj.member("contained", earlier.get().as_bytes());
                    }
                    continue;
                }
                "medicationReference" => med_ref = Some(raw),
                _ => {}
            }
            obj.member(&k, raw.get().as_bytes());
        }
        if let Some(c) = contained {
            if ty == "MedicationStatement" {
                write_contained(&mut obj, c, med_ref);
            }
        }
        return Ok(
            match ocean_model::json::from_slice_strict::<Resource>(&obj.finish()) {
                Ok(r) => Parsed::Typed(r),
                Err(error) => Parsed::Invalid {
                    resource_type: ty,
                    error,
                },
            },
        );
    }
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(match resource_type {
        "MedicationRequest" => Parsed::MedicationRequest,
        "Bundle" => Parsed::NestedBundle,
        _ => Parsed::Skipped,
    })
}

/// What a `contained` item is peeked for.
#[derive(serde::Deserialize)]
struct Peek<'a> {
    #[serde(borrow, rename = "resourceType")]
    resource_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
}

/// What `medicationReference` is peeked for.
#[derive(serde::Deserialize)]
struct RefPeek<'a> {
    #[serde(borrow)]
    reference: Option<Cow<'a, str>>,
}

/// Writes a MedicationStatement's `contained`, keeping only the Medications its
/// `medicationReference` (`#id`) can name, so 500 000 contained resources are not built into a
/// model. Items that cannot be peeked are kept for the model to judge; `contained` that is not
/// an array is written as it was.
fn write_contained(obj: &mut ObjectWriter, contained: &RawValue, med_ref: Option<&RawValue>) {
    let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(contained.get()) else {
        obj.member("contained", contained.get().as_bytes());
        return;
    };
    let wanted = med_ref
        .and_then(|r| serde_json::from_str::<RefPeek<'_>>(r.get()).ok())
        .and_then(|p| p.reference)
        .and_then(|r| r.trim().strip_prefix('#').map(|id| id.trim().to_owned()));
    let Some(wanted) = wanted else {
        return;
    };
    let mut out = Vec::new();
    out.push(b'[');
    for item in items {
        let keep = match serde_json::from_str::<Peek<'_>>(item.get()) {
            Ok(p) => {
                p.resource_type.as_deref() == Some("Medication")
                    && p.id.as_deref().map(str::trim) == Some(wanted.as_str())
            }
            Err(_) => true,
        };
        if keep {
            if out.len() > 1 {
                out.push(b',');
            }
            out.extend_from_slice(item.get().as_bytes());
        }
    }
    out.push(b']');
    obj.member("contained", &out);
}

/// Members read before `resourceType`, replayed once the type is known.
pub(crate) fn replay(
    members: Vec<(S<'_>, Box<RawValue>)>,
    resource_type: &str,
    index: &CodeIndex,
) -> Parsed<'static> {
    let ctx = Ctx {
        index,
        borrow: true,
    };
    let mut obj = ObjectWriter::with_capacity(1024);
    obj.string_member("resourceType", resource_type);
    for (k, raw) in &members {
        if k != "resourceType" {
            obj.member(k, raw.get().as_bytes());
        }
    }
    let buf = obj.finish();
    let mut de = serde_json::Deserializer::from_slice(&buf);
    match (ResourceSeed { ctx }).deserialize(&mut de) {
        Ok(p) => p.into_owned(),
        // Cannot happen for text assembled from valid raw values; treat as not an object.
        Err(_) => Parsed::NotObject,
    }
}

/// Deserializes one resource object into [`Parsed`].
pub(crate) struct ResourceSeed<'i> {
    pub(crate) ctx: Ctx<'i>,
}

impl<'de> DeserializeSeed<'de> for ResourceSeed<'_> {
    type Value = Parsed<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Parsed<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ResourceSeed<'_> {
    type Value = Parsed<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a FHIR resource")
    }
    on_scalars!(Parsed<'de>, |_s| Ok(Parsed::NotObject));
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Parsed<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Parsed::NotObject)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed<'de>, A::Error> {
        let mut buffered: Vec<(S<'de>, Box<RawValue>)> = Vec::new();
        let mut resource_type: Option<String> = None;
        while let Some(KeyText(k)) = map.next_key::<KeyText>()? {
            if k == "resourceType" {
                let OptStr(t) = map.next_value::<OptStr>()?;
                if buffered.is_empty() {
                    let Some(t) = t else {
                        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                        return Ok(Parsed::NoType);
                    };
                    return dispatch(map, &t, self.ctx);
                }
                resource_type = t.map(Cow::into_owned);
            } else {
                let raw = map.next_value::<Box<RawValue>>()?;
                buffered.push((k, raw));
            }
        }
        Ok(match resource_type {
            Some(t) => replay(buffered, &t, self.ctx.index),
            None => Parsed::NoType,
        })
    }
}
