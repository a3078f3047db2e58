//! The deserialisation machinery shared by every modelled type.
//!
//! Every FHIR object is read by one generic map visitor ([`ObjectVisitor`]) that hands each
//! member to the type's [`Object::accept`]: modelled members are parsed into typed fields, every
//! other member (unknown elements, `_primitive` extensions, a second `value[x]`, `null`s, empty
//! arrays) is kept verbatim in [`UnknownElements`]. There is no `#[serde(flatten)]` and no
//! internally tagged enum, so nothing is buffered twice (see the crate docs, "Performance").
//!
//! This is the serde reading. [`crate::json`] tries the direct reading (`crate::direct`) first;
//! this one reads, and decides for, whatever input that one gives up on.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// Members of a JSON object that the model does not represent as typed fields, kept verbatim
/// (name and raw JSON text, in input order) so that parse → serialize loses nothing.
///
/// This holds unknown or misspelled elements, `_field` primitive extensions, elements of
/// `value[x]` types the model does not type, a second `value[x]` (invalid FHIR), explicit `null`s
/// and empty arrays. Serialisation writes them back after the modelled members.
///
/// # Wrong JSON types
/// A modelled element whose JSON type is wrong (a string where a CodeableConcept belongs, an
/// object for a string, a number for a date, a single value for an array, ...) does not make
/// parsing fail: it is kept here verbatim, under its own name, and the resource it belongs to
/// lists its path in [`UnknownElements::wrong_types`]; [`crate::validate`] reports each as an
/// error (rule `fhir-json`). Serialising writes it back as read, so the round trip stays
/// JSON-equal. The unit kept is the member: an array with one wrong-typed item is kept whole
/// (its path names the array), as the typed field cannot hold a gap.
#[derive(Clone, Default)]
pub struct UnknownElements(Option<Box<Inner>>);

/// Kept members in input order, and the wrong-typed element paths of a resource; boxed behind
/// one pointer because most objects have none.
#[derive(Clone, Default)]
struct Inner {
    members: Vec<(String, Box<RawValue>)>,
    wrong_types: Vec<String>,
}

impl UnknownElements {
    /// An empty set.
    pub const fn new() -> Self {
        Self(None)
    }

    fn items(&self) -> &[(String, Box<RawValue>)] {
        self.0.as_deref().map_or(&[], |i| i.members.as_slice())
    }

    fn items_mut(&mut self) -> &mut Vec<(String, Box<RawValue>)> {
        &mut self.0.get_or_insert_with(Box::default).members
    }

    /// On a resource: the paths, relative to the resource (`clinicalStatus`,
    /// `code.coding[0].system`, `contained[1]`), of the modelled elements whose JSON type was
    /// wrong and that are therefore kept verbatim among the unknown elements of their object
    /// (see the type docs). Empty on other objects; elements inside a contained or entry
    /// resource are listed by that resource. Not part of equality (it describes the members).
    pub fn wrong_types(&self) -> impl Iterator<Item = &str> {
        self.0
            .as_deref()
            .into_iter()
            .flat_map(|i| i.wrong_types.iter().map(String::as_str))
    }

    pub(crate) fn set_wrong_types(&mut self, paths: Vec<String>) {
        if !paths.is_empty() {
            self.0.get_or_insert_with(Box::default).wrong_types = paths;
        }
    }

    /// Whether no member is kept.
    pub fn is_empty(&self) -> bool {
        self.items().is_empty()
    }

    /// How many members are kept.
    pub fn len(&self) -> usize {
        self.items().len()
    }

    /// The raw JSON of the first member named `name`.
    pub fn get(&self, name: &str) -> Option<&RawValue> {
        self.items()
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| &**v)
    }

    /// Parses the member named `name` into `T` (e.g. the [`crate::Element`] of a `_birthDate`).
    ///
    /// Returns `None` when the member is absent or does not have the shape of `T`.
    pub fn parse<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        self.get(name)
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
    }

    /// Iterates over the kept members as `(name, raw JSON)`.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &RawValue)> {
        self.items().iter().map(|(k, v)| (k.as_str(), &**v))
    }

    /// Keeps (or replaces) a member. Returns an error if `json` is not valid JSON.
    pub fn insert(&mut self, name: impl Into<String>, json: &str) -> Result<(), crate::ParseError> {
        let raw = RawValue::from_string(json.to_owned()).map_err(crate::ParseError::from_json)?;
        self.insert_raw(name.into(), raw);
        Ok(())
    }

    /// Removes the member named `name`, returning whether it was present.
    pub fn remove(&mut self, name: &str) -> bool {
        let Some(items) = self.0.as_deref_mut() else {
            return false;
        };
        let before = items.members.len();
        items.members.retain(|(k, _)| k != name);
        let removed = before != items.members.len();
        if items.members.is_empty() && items.wrong_types.is_empty() {
            self.0 = None;
        }
        removed
    }

    pub(crate) fn insert_raw(&mut self, name: String, raw: Box<RawValue>) {
        let items = self.items_mut();
        if let Some(slot) = items.iter_mut().find(|(k, _)| *k == name) {
            slot.1 = raw;
        } else {
            items.push((name, raw));
        }
    }

    pub(crate) fn push_raw(&mut self, name: String, raw: Box<RawValue>) {
        self.items_mut().push((name, raw));
    }

    pub(crate) fn serialize_into<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        for (k, v) in self.items() {
            map.serialize_entry(k, v)?;
        }
        Ok(())
    }
}

impl PartialEq for UnknownElements {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self
                .items()
                .iter()
                .zip(other.items())
                .all(|((ka, va), (kb, vb))| ka == kb && va.get() == vb.get())
    }
}

impl fmt::Debug for UnknownElements {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.items().iter().map(|(k, v)| (k, v.get())))
            .finish()
    }
}

/// Where the value of one JSON member comes from: straight from the parser, or from a member
/// that was buffered because it came before `resourceType`.
pub(crate) trait ValueSource<'de>: Sized {
    type Error: de::Error;
    fn value<T: DeserializeOwned>(self) -> Result<T, Self::Error>;
    /// Reads the value with `seed` when this source is the parser itself (so a value can be
    /// read into an existing slot, see `crate::slot`); gives the source back otherwise.
    fn with_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<Result<V::Value, Self>, Self::Error>;
}

pub(crate) struct MapValue<'a, A>(pub(crate) &'a mut A);

impl<'de, A: MapAccess<'de>> ValueSource<'de> for MapValue<'_, A> {
    type Error = A::Error;
    #[inline]
    fn value<T: DeserializeOwned>(self) -> Result<T, A::Error> {
        self.0.next_value()
    }
    #[inline]
    fn with_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<Result<V::Value, Self>, A::Error> {
        self.0.next_value_seed(seed).map(Ok)
    }
}

/// A member that came before `resourceType`, replayed from its raw text.
pub(crate) struct RawSource<'r, E> {
    pub(crate) raw: &'r RawValue,
    pub(crate) key: &'r str,
    pub(crate) error: PhantomData<E>,
}

impl<'de, E: de::Error> ValueSource<'de> for RawSource<'_, E> {
    type Error = E;
    fn value<T: DeserializeOwned>(self) -> Result<T, E> {
        serde_json::from_str(self.raw.get()).map_err(|e| {
            E::custom(crate::error::replay_message::<T>(
                &e,
                self.key,
                self.raw.get(),
            ))
        })
    }
    fn with_seed<V: DeserializeSeed<'de>>(self, _seed: V) -> Result<Result<V::Value, Self>, E> {
        Ok(Err(self))
    }
}

/// How deep resources may nest inside resources (Bundle → entry → contained → ...). FHIR forbids
/// `contained` inside `contained`, so real data stays at 3–5; the limit keeps hostile input from
/// exhausting the stack.
pub const MAX_RESOURCE_DEPTH: u32 = 10;

/// The JSON depth a replayed member may reach, counting the objects around it twice (for the
/// arrays between them), so that whatever parses also re-parses under serde_json's limit of 128.
const MAX_REPLAY_DEPTH: usize = 120;

#[derive(Clone, Copy)]
struct Depth {
    objects: u32,
    resources: u32,
}

thread_local! {
    /// Nesting of the objects being read on this thread. A count, not configuration: it is
    /// only needed because members replayed from raw text go through a fresh serde_json
    /// parser, whose own depth limit starts again at 128.
    static DEPTH: Cell<Depth> = const { Cell::new(Depth { objects: 0, resources: 0 }) };
}

/// Counts one level of object nesting while alive.
pub(crate) struct DepthGuard {
    resource: bool,
}

impl DepthGuard {
    #[inline]
    pub(crate) fn enter<E: de::Error>(resource: bool) -> Result<Self, E> {
        let mut d = DEPTH.get();
        if resource && d.resources >= MAX_RESOURCE_DEPTH {
            return Err(E::custom(crate::error::MSG_TOO_DEEP));
        }
        d.objects = d.objects.saturating_add(1);
        d.resources = d.resources.saturating_add(u32::from(resource));
        DEPTH.set(d);
        Ok(Self { resource })
    }

    /// Refuses to replay `raw` when, placed at the current depth, it could not be read again.
    pub(crate) fn check_replay<E: de::Error>(raw: &str) -> Result<(), E> {
        let objects = usize::try_from(DEPTH.get().objects).unwrap_or(usize::MAX);
        if crate::direct::json_depth(raw).saturating_add(objects.saturating_mul(2))
            > MAX_REPLAY_DEPTH
        {
            return Err(E::custom(crate::error::MSG_TOO_DEEP));
        }
        Ok(())
    }
}

impl Drop for DepthGuard {
    #[inline]
    fn drop(&mut self) {
        let mut d = DEPTH.get();
        d.objects = d.objects.saturating_sub(1);
        d.resources = d.resources.saturating_sub(u32::from(self.resource));
        DEPTH.set(d);
    }
}

/// A member name: borrowed from the input when possible, so known names never allocate.
pub(crate) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(CowStrVisitor)
    }
}

pub(crate) struct CowStrVisitor;

impl<'de> Visitor<'de> for CowStrVisitor {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    #[inline]
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    #[inline]
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    #[inline]
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// A FHIR object (datatype, backbone element or resource) readable member by member.
pub(crate) trait Object: Default {
    /// The FHIR type name (`"Patient"`, `"HumanName"`, `"Bundle.entry"`).
    const TYPE_NAME: &'static str;
    /// Whether the JSON form carries `resourceType`.
    const IS_RESOURCE: bool;

    /// Takes the member `key`, reading its value from `src`.
    fn accept<'de, S: ValueSource<'de>>(
        &mut self,
        key: Cow<'de, str>,
        src: S,
    ) -> Result<(), S::Error>;

    /// Writes the members (without `resourceType`).
    fn serialize_members<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error>;

    /// The members this type does not model.
    fn unknown_mut(&mut self) -> &mut UnknownElements;
}

pub(crate) struct ObjectVisitor<T>(pub(crate) PhantomData<T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a FHIR {} object", T::TYPE_NAME)
    }
    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        let mut obj = T::default();
        fill_object(&mut obj, map)?;
        Ok(obj)
    }
}

/// Reads the members of a JSON object into `obj` (a default value, or one being read again).
#[inline]
pub(crate) fn fill_object<'de, T: Object, A: MapAccess<'de>>(
    obj: &mut T,
    mut map: A,
) -> Result<(), A::Error> {
    let _depth = DepthGuard::enter(false)?;
    let frame = T::IS_RESOURCE.then(crate::lenient::Frame::enter);
    while let Some(key) = map.next_key_seed(KeySeed)? {
        obj.accept(key, MapValue(&mut map))?;
    }
    if let Some(frame) = frame {
        obj.unknown_mut().set_wrong_types(frame.finish());
    }
    Ok(())
}

#[inline]
pub(crate) fn deserialize_object<'de, T: Object, D: Deserializer<'de>>(
    d: D,
) -> Result<T, D::Error> {
    d.deserialize_map(ObjectVisitor(PhantomData))
}

pub(crate) fn serialize_object<T: Object, S: Serializer>(obj: &T, s: S) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(None)?;
    if T::IS_RESOURCE {
        map.serialize_entry("resourceType", T::TYPE_NAME)?;
    }
    obj.serialize_members(&mut map)?;
    map.end()
}

/// Checks the `resourceType` member of a resource read as its concrete type.
pub(crate) fn check_resource_type<'de, S: ValueSource<'de>>(
    expected: &'static str,
    src: S,
) -> Result<(), S::Error> {
    let found: String = src.value()?;
    if found == expected {
        Ok(())
    } else {
        Err(de::Error::custom(format_args!(
            "resourceType does not match the expected {expected}"
        )))
    }
}

pub(crate) fn raw_literal<E: de::Error>(text: &str) -> Result<Box<RawValue>, E> {
    RawValue::from_string(text.to_owned()).map_err(|_| E::custom("internal: raw literal"))
}

/// Reads an optional single-valued member. JSON `null` is kept verbatim in `unknown`.
#[inline]
pub(crate) fn read_opt<'de, T: DeserializeOwned, S: ValueSource<'de>>(
    slot: &mut Option<T>,
    key: Cow<'de, str>,
    src: S,
    unknown: &mut UnknownElements,
) -> Result<(), S::Error> {
    let value = match lenient_value::<Option<T>, S>(src, &key)? {
        Ok(v) => v,
        Err(raw) => {
            *slot = None;
            unknown.insert_raw(key.into_owned(), raw);
            return Ok(());
        }
    };
    match value {
        Some(v) => {
            *slot = Some(v);
            forget_duplicate(unknown, &key);
        }
        None => {
            *slot = None;
            unknown.insert_raw(key.into_owned(), raw_literal("null")?);
        }
    }
    Ok(())
}

/// Reads a repeating member. `null` and `[]` (both invalid FHIR) are kept verbatim in `unknown`.
#[inline]
pub(crate) fn read_vec<'de, T: DeserializeOwned, S: ValueSource<'de>>(
    slot: &mut Vec<T>,
    key: Cow<'de, str>,
    src: S,
    unknown: &mut UnknownElements,
) -> Result<(), S::Error> {
    let value = match lenient_value::<Option<TightVec<T>>, S>(src, &key)? {
        Ok(v) => v,
        Err(raw) => {
            slot.clear();
            unknown.insert_raw(key.into_owned(), raw);
            return Ok(());
        }
    };
    match value.map(|t| t.0) {
        Some(v) if !v.is_empty() => {
            *slot = v;
            forget_duplicate(unknown, &key);
        }
        Some(_) => {
            slot.clear();
            unknown.insert_raw(key.into_owned(), raw_literal("[]")?);
        }
        None => {
            slot.clear();
            unknown.insert_raw(key.into_owned(), raw_literal("null")?);
        }
    }
    Ok(())
}

/// Reads a repeating primitive. FHIR allows `null` items when a `_field` array carries their
/// extensions (`"given": ["Jo", null], "_given": [null, {…}]`); such an array is kept verbatim
/// in `unknown` (the typed field stays empty) so the positions still line up on output.
#[inline]
pub(crate) fn read_primitive_vec<'de, T, S>(
    slot: &mut Vec<T>,
    key: Cow<'de, str>,
    src: S,
    unknown: &mut UnknownElements,
) -> Result<(), S::Error>
where
    T: DeserializeOwned + Serialize,
    S: ValueSource<'de>,
{
    let items = match lenient_value::<Option<TightVec<Option<T>>>, S>(src, &key)? {
        Ok(v) => v.map(|t| t.0),
        Err(raw) => {
            slot.clear();
            unknown.insert_raw(key.into_owned(), raw);
            return Ok(());
        }
    };
    let Some(items) = items else {
        slot.clear();
        unknown.insert_raw(key.into_owned(), raw_literal("null")?);
        return Ok(());
    };
    if !items.is_empty() && items.iter().all(Option::is_some) {
        *slot = items.into_iter().flatten().collect();
        forget_duplicate(unknown, &key);
    } else {
        slot.clear();
        let raw = serde_json::value::to_raw_value(&items)
            .map_err(|_| de::Error::custom("internal: cannot keep a primitive array"))?;
        unknown.insert_raw(key.into_owned(), raw);
    }
    Ok(())
}

/// A member given twice (invalid JSON for FHIR, but it happens): the last one wins, as in most
/// JSON readers, so an earlier `null`/`[]` kept in `unknown` is dropped.
#[inline]
pub(crate) fn forget_duplicate(unknown: &mut UnknownElements, key: &str) {
    if !unknown.is_empty() && unknown.remove(key) {
        // If the earlier value was wrong-typed, it is no longer kept: nor is its path.
        crate::lenient::unrecord(key);
    }
}

/// Keeps a member the type does not model.
#[inline]
pub(crate) fn read_unknown<'de, S: ValueSource<'de>>(
    key: Cow<'de, str>,
    src: S,
    unknown: &mut UnknownElements,
) -> Result<(), S::Error> {
    let raw: Box<RawValue> = src.value()?;
    unknown.push_raw(key.into_owned(), raw);
    Ok(())
}

/// Reads a modelled member's value. Outside lenient mode (see [`crate::lenient`]) that is
/// `src.value()`; in lenient mode the value is taken as raw text first, and when it does not
/// fit `T` (wrong JSON type or impossible value) the raw text comes back as `Err` and the
/// member's path is recorded. Other failures (too deep, ...) stay errors.
pub(crate) fn lenient_value<'de, T: DeserializeOwned, S: ValueSource<'de>>(
    src: S,
    key: &str,
) -> Result<Result<T, Box<RawValue>>, S::Error> {
    if !crate::lenient::is_on() {
        return src.value().map(Ok);
    }
    let raw: Box<RawValue> = src.value()?;
    DepthGuard::check_replay::<S::Error>(raw.get())?;
    let parsed = {
        let _step = crate::lenient::StepGuard::key(key);
        serde_json::from_str::<T>(raw.get())
    };
    match parsed {
        Ok(v) => Ok(Ok(v)),
        Err(e) if crate::error::is_wrong_type(&e) => {
            crate::lenient::record(key);
            Ok(Err(raw))
        }
        Err(e) => Err(de::Error::custom(crate::error::replay_message::<T>(
            &e,
            key,
            raw.get(),
        ))),
    }
}

/// What a [`Choice`] made of a member.
pub(crate) enum ChoiceRead<T, S> {
    /// The typed value.
    Value(T),
    /// A value of the wrong JSON type, kept raw (lenient mode).
    Kept(Box<RawValue>),
    /// Not a type of this choice: the source back.
    NotMine(S),
}

/// A `value[x]`-style choice type: one variant per allowed type, keyed by the type suffix.
pub(crate) trait Choice: Sized {
    /// Reads the variant for `suffix` (`"Quantity"` of `valueQuantity`, member `key`), or gives
    /// the source back when this choice has no such type.
    fn accept<'de, S: ValueSource<'de>>(
        suffix: &str,
        key: &str,
        src: S,
    ) -> Result<ChoiceRead<Self, S>, S::Error>;
    /// Reads the variant for `suffix` on the direct reading (`crate::direct`), or `None` when this
    /// choice has no such type (the reader has not moved).
    fn direct(
        suffix: &str,
        r: &mut crate::direct::Reader<'_>,
    ) -> crate::direct::Direct<Option<Self>>;
    /// Writes `prefix` + suffix and the value.
    fn serialize_as<M: SerializeMap>(
        &self,
        prefix: &'static str,
        map: &mut M,
    ) -> Result<(), M::Error>;
}

/// A member name built from a choice prefix and a type suffix, written without allocating.
pub(crate) struct ChoiceKey(pub(crate) &'static str, pub(crate) &'static str);

impl Serialize for ChoiceKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{}{}", self.0, self.1))
    }
}

/// An array read at its real size: serde's `Vec` reserves four slots at the first element, but
/// FHIR arrays usually hold one, and their elements (Identifier, Coding, CodeableConcept) are
/// large. Halves the memory a parse allocates.
pub(crate) struct TightVec<T>(pub(crate) Vec<T>);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for TightVec<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = TightVec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array")
            }
            #[inline]
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<TightVec<T>, A::Error> {
                let first = {
                    let _step = crate::lenient::StepGuard::index(0);
                    seq.next_element()?
                };
                let Some(first) = first else {
                    return Ok(TightVec(Vec::new()));
                };
                let mut v = Vec::with_capacity(1);
                v.push(first);
                loop {
                    let _step = crate::lenient::StepGuard::index(v.len());
                    let Some(x) = seq.next_element()? else { break };
                    v.push(x);
                }
                Ok(TightVec(v))
            }
        }
        d.deserialize_seq(V(PhantomData))
    }
}
