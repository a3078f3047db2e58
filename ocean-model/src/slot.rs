//! Reading a modelled member into its field: by value, or, for a FHIR object, in place.
//!
//! Reading a member by value builds the object on the stack and moves it through serde's
//! `Option`, the lenient wrapper and the field assignment, or into a `Vec` or a `Box`: each
//! move is a `memcpy` of a struct of 100 to 1,000 bytes, and they were the largest single cost
//! of a typed parse after the JSON scan itself. In place, the field (or the new `Vec` item,
//! or the new `Box`) is set to the type's default first and the object's members are read
//! straight into it.
//!
//! Only the fast reading goes in place: in lenient mode (see `crate::lenient`), and for members
//! replayed from raw text, a member is read by value as before. What is kept for `null`, `[]`
//! and duplicate members is the same either way (see `de::read_opt` and `de::read_vec`); an
//! error leaves the field half-read, but an error ends the whole reading.

use std::borrow::Cow;
use std::fmt;

use serde::Deserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use crate::de::{Object, UnknownElements, ValueSource, fill_object, forget_duplicate, raw_literal};

/// How a field type is read into its slot. By value unless the type overrides it (the FHIR
/// objects, see the module docs).
pub(crate) trait Slot: DeserializeOwned {
    /// Reads a member into an optional field.
    #[inline]
    fn read_opt<'de, S: ValueSource<'de>>(
        slot: &mut Option<Self>,
        key: Cow<'de, str>,
        src: S,
        unknown: &mut UnknownElements,
    ) -> Result<(), S::Error> {
        crate::de::read_opt(slot, key, src, unknown)
    }

    /// Reads a member into a repeating field.
    #[inline]
    fn read_vec<'de, S: ValueSource<'de>>(
        slot: &mut Vec<Self>,
        key: Cow<'de, str>,
        src: S,
        unknown: &mut UnknownElements,
    ) -> Result<(), S::Error> {
        crate::de::read_vec(slot, key, src, unknown)
    }
}

/// A field value an object is read into in place: the object itself or its `Box`.
pub(crate) trait Place: Default {
    /// The object.
    type Obj: Object;
    /// The object, to fill.
    fn obj(&mut self) -> &mut Self::Obj;
}

/// [`Slot::read_opt`] for an object or a boxed object: in place on the fast reading.
#[inline]
pub(crate) fn read_opt_in_place<'de, P: Place + DeserializeOwned, S: ValueSource<'de>>(
    slot: &mut Option<P>,
    key: Cow<'de, str>,
    src: S,
    unknown: &mut UnknownElements,
) -> Result<(), S::Error> {
    if crate::lenient::is_on() {
        return crate::de::read_opt(slot, key, src, unknown);
    }
    match src.with_seed(OptSeed(slot))? {
        Ok(true) => {
            forget_duplicate(unknown, &key);
            Ok(())
        }
        Ok(false) => {
            *slot = None;
            unknown.insert_raw(key.into_owned(), raw_literal("null")?);
            Ok(())
        }
        Err(src) => crate::de::read_opt(slot, key, src, unknown),
    }
}

/// [`Slot::read_vec`] for an object: each item read in place on the fast reading.
#[inline]
pub(crate) fn read_vec_in_place<'de, T: Object + DeserializeOwned, S: ValueSource<'de>>(
    slot: &mut Vec<T>,
    key: Cow<'de, str>,
    src: S,
    unknown: &mut UnknownElements,
) -> Result<(), S::Error> {
    if crate::lenient::is_on() {
        return crate::de::read_vec(slot, key, src, unknown);
    }
    let mut items = Vec::new();
    match src.with_seed(OptVecSeed(&mut items))? {
        Ok(true) if !items.is_empty() => {
            *slot = items;
            forget_duplicate(unknown, &key);
        }
        Ok(true) => {
            slot.clear();
            unknown.insert_raw(key.into_owned(), raw_literal("[]")?);
        }
        Ok(false) => {
            slot.clear();
            unknown.insert_raw(key.into_owned(), raw_literal("null")?);
        }
        Err(src) => return crate::de::read_vec(slot, key, src, unknown),
    }
    Ok(())
}

/// Reads the members of an object into the object it holds.
struct InPlace<'a, T>(&'a mut T);

impl<'de, T: Object> Visitor<'de> for InPlace<'_, T> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The same words as `de::ObjectVisitor`, so errors do not depend on the way of reading.
        write!(f, "a FHIR {} object", T::TYPE_NAME)
    }
    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        fill_object(self.0, map)
    }
}

/// `null` (`false`), or an object read into the slot, which is reset first (`true`).
struct OptSeed<'a, P>(&'a mut Option<P>);

impl<'de, P: Place> DeserializeSeed<'de> for OptSeed<'_, P> {
    type Value = bool;
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, P: Place> Visitor<'de> for OptSeed<'_, P> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("option")
    }
    #[inline]
    fn visit_none<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    #[inline]
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    #[inline]
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        let obj = self.0.insert(P::default()).obj();
        d.deserialize_map(InPlace(obj))?;
        Ok(true)
    }
}

/// `null` (`false`), or an array whose items are read into the (empty) `Vec` (`true`).
struct OptVecSeed<'a, T>(&'a mut Vec<T>);

impl<'de, T: Object> DeserializeSeed<'de> for OptVecSeed<'_, T> {
    type Value = bool;
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, T: Object> Visitor<'de> for OptVecSeed<'_, T> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("option")
    }
    #[inline]
    fn visit_none<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    #[inline]
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    #[inline]
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_seq(Items(self.0))?;
        Ok(true)
    }
}

/// The items of an array, each read in place at the end of the `Vec`.
struct Items<'a, T>(&'a mut Vec<T>);

impl<'de, T: Object> Visitor<'de> for Items<'_, T> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // As `de::TightVec`.
        f.write_str("an array")
    }
    #[inline]
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Item(&mut *self.0))?.is_some() {}
        Ok(())
    }
}

/// One array item, pushed as the default then read in place. The first item gets room for
/// itself only, as in `de::TightVec` (FHIR arrays usually hold one item).
struct Item<'a, T>(&'a mut Vec<T>);

impl<'de, T: Object> DeserializeSeed<'de> for Item<'_, T> {
    type Value = ();
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if self.0.capacity() == 0 {
            self.0.reserve_exact(1);
        }
        self.0.push(T::default());
        let Some(obj) = self.0.last_mut() else {
            return Err(de::Error::custom("internal: array item"));
        };
        d.deserialize_map(InPlace(obj))
    }
}

impl Slot for String {}
impl Slot for bool {}
impl Slot for i64 {}
impl Slot for crate::Decimal {}
impl Slot for crate::Resource {}
impl Slot for Box<crate::Resource> {}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::{Observation, json};

    /// Members whose reading in place has its own cases: `null`, `[]`, a duplicate (the last
    /// one wins), several array items, a boxed object, nested objects and arrays of objects.
    const MEMBERS: &str = r#""code":null,"category":[],"meta":{"versionId":"1"},
        "code":{"coding":[{"system":"http://loinc.org","code":"1"},{"code":"2"}],"text":"t"},
        "identifier":[{"value":"a","period":{"start":"2020"}},{"value":"b"}],
        "meta":{"versionId":"2","tag":[{"code":"x"}]},"interpretation":null,
        "subject":{"reference":"Patient/1","identifier":{"value":"p"}},
        "referenceRange":[{"low":{"value":1.50},"text":"r"}],"note":[],"note":[{"text":"n"}]"#;

    #[test]
    fn in_place_reads_as_by_value() {
        // The fast reading goes in place; a wrong-typed `status` makes the whole input be read
        // again leniently, where every member is read by value. Both must agree.
        let fast: Observation =
            json::from_str(&format!(r#"{{"resourceType":"Observation",{MEMBERS}}}"#)).unwrap();
        let mut lenient: Observation = json::from_str(&format!(
            r#"{{"resourceType":"Observation","status":5,{MEMBERS}}}"#
        ))
        .unwrap();
        assert_eq!(
            lenient.unknown.wrong_types().collect::<Vec<_>>(),
            ["status"]
        );
        assert!(lenient.unknown.remove("status"));
        assert_eq!(fast, lenient);
        assert_eq!(fast.code.as_ref().unwrap().coding.len(), 2);
        assert_eq!(fast.identifier.len(), 2);
        assert_eq!(fast.meta.as_ref().unwrap().tag.len(), 1);
        assert_eq!(fast.note.len(), 1);
        // `category: []` and `interpretation: null` are kept verbatim; the earlier `code: null`
        // and `note: []` are dropped by their later duplicates.
        let kept: Vec<_> = fast.unknown.iter().map(|(k, v)| (k, v.get())).collect();
        assert_eq!(kept, [("category", "[]"), ("interpretation", "null")]);
        let back: serde_json::Value =
            serde_json::from_str(&json::to_string(&fast).unwrap()).unwrap();
        assert_eq!(back["referenceRange"][0]["low"]["value"], 1.5);
        assert_eq!(back["subject"]["identifier"]["value"], "p");
    }

    #[test]
    fn wrong_types_inside_objects_read_in_place_are_still_found() {
        let o: Observation = json::from_str(
            r#"{"resourceType":"Observation","code":{"coding":[{"code":1}]},"subject":"x"}"#,
        )
        .unwrap();
        assert_eq!(
            o.unknown.wrong_types().collect::<Vec<_>>(),
            ["code.coding[0].code", "subject"]
        );
    }
}
