//! [`Resource`]: any resource, typed when the model knows its type, kept as JSON otherwise.
//!
//! Reading dispatches on `resourceType` without buffering the object: when `resourceType` is
//! the first member (as every FHIR serializer writes it) the rest of the object is read straight
//! into the typed struct; members that come before it are kept raw and replayed.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::de::{DepthGuard, KeySeed, MapValue, Object, RawSource};
use crate::resources::*;
use crate::{Bundle, Id, Meta, UnknownElements};

/// A resource whose type the model does not know (e.g. `Encounter`, `Claim`), kept as JSON:
/// `resourceType` plus every other member verbatim.
#[derive(Debug, Clone, PartialEq)]
pub struct OtherResource {
    resource_type: String,
    members: UnknownElements,
}

impl OtherResource {
    /// An empty resource of the given type.
    pub fn new(resource_type: impl Into<String>) -> Self {
        Self {
            resource_type: resource_type.into(),
            members: UnknownElements::new(),
        }
    }

    /// The `resourceType`.
    pub fn resource_type(&self) -> &str {
        &self.resource_type
    }

    /// The members other than `resourceType`, verbatim.
    pub fn members(&self) -> &UnknownElements {
        &self.members
    }

    /// Mutable access to the members.
    pub fn members_mut(&mut self) -> &mut UnknownElements {
        &mut self.members
    }

    /// The `id` member, if it is a string.
    pub fn id(&self) -> Option<String> {
        self.members.parse::<String>("id")
    }
}

impl Serialize for OtherResource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("resourceType", &self.resource_type)?;
        self.members.serialize_into(&mut map)?;
        map.end()
    }
}

/// Implemented by every modelled resource type: access through [`Resource`].
pub trait ResourceType: Sized + Into<Resource> + 'static {
    /// The `resourceType` of this type.
    const RESOURCE_TYPE: &'static str;
    /// The typed resource, if `resource` is of this type.
    fn from_resource(resource: &Resource) -> Option<&Self>;
    /// The typed resource, mutably, if `resource` is of this type.
    fn from_resource_mut(resource: &mut Resource) -> Option<&mut Self>;
}

/// The `contained` resources of a resource type (none for Bundle and Binary).
pub(crate) trait Contained {
    fn contained_resources(&self) -> &[Resource];
}

macro_rules! resource_enum {
    ($( $v:ident ),* $(,)?) => {
        /// Any FHIR resource: one of the modelled types, or [`OtherResource`] for any other
        /// `resourceType` (kept verbatim). Variants are boxed so the enum stays small.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Resource {
            $(
                #[doc = concat!("A `", stringify!($v), "`.")]
                $v(Box<$v>),
            )*
            /// Any resource type the model does not know, kept as JSON.
            Other(Box<OtherResource>),
        }

        impl Resource {
            /// The `resourceType`.
            pub fn resource_type(&self) -> &str {
                match self {
                    $( Self::$v(_) => stringify!($v), )*
                    Self::Other(o) => o.resource_type(),
                }
            }

            /// The logical id (`Resource.id`), if any.
            pub fn id(&self) -> Option<&str> {
                match self {
                    $( Self::$v(r) => r.id.as_ref().map(Id::as_str), )*
                    Self::Other(o) => o.members.get("id").and_then(|raw| {
                        let s = raw.get();
                        s.strip_prefix('"').and_then(|s| s.strip_suffix('"')).filter(|s| !s.contains('\\'))
                    }),
                }
            }

            /// The members the model does not type (for an unknown resource type: every member
            /// but `resourceType`), with the paths of wrong-typed elements
            /// ([`UnknownElements::wrong_types`]).
            pub fn unknown(&self) -> &UnknownElements {
                match self {
                    $( Self::$v(r) => &r.unknown, )*
                    Self::Other(o) => &o.members,
                }
            }

            /// The `meta` element of a modelled resource.
            pub fn meta(&self) -> Option<&Meta> {
                match self {
                    $( Self::$v(r) => r.meta.as_deref(), )*
                    Self::Other(_) => None,
                }
            }

            /// The `contained` resources (empty for Bundle, Binary and unknown types).
            pub fn contained(&self) -> &[Resource] {
                match self {
                    $( Self::$v(r) => Contained::contained_resources(&**r), )*
                    Self::Other(_) => &[],
                }
            }

            /// The resource as `T`, if it is one.
            pub fn as_type<T: ResourceType>(&self) -> Option<&T> {
                T::from_resource(self)
            }

            fn dispatch<'de, A: MapAccess<'de>>(
                resource_type: Cow<'de, str>,
                buffered: Vec<(String, Box<RawValue>)>,
                map: A,
            ) -> Result<Self, A::Error> {
                Ok(match resource_type.as_ref() {
                    $( stringify!($v) => Self::$v(finish::<$v, A>(buffered, map)?), )*
                    _ => Self::Other(Box::new(finish_other(resource_type.into_owned(), buffered, map)?)),
                })
            }
        }

        impl crate::direct::DirectRead for Resource {
            /// A resource dispatched on `resourceType` as by `ResourceVisitor`. When members
            /// come before `resourceType`, the object is read from its start once the type is
            /// known (where the serde reading buffers and replays them).
            fn read(r: &mut crate::direct::Reader<'_>) -> crate::direct::Direct<Self> {
                r.begin_object()?;
                r.enter_resource()?;
                let (resource_type, was_first) = r.resource_type_first()?;
                let resource = match resource_type.as_ref() {
                    $( stringify!($v) => Self::$v(direct_finish::<$v>(r, !was_first)?), )*
                    _ => Self::Other(Box::new(direct_finish_other(
                        resource_type.into_owned(),
                        r,
                        !was_first,
                    )?)),
                };
                r.leave_resource();
                Ok(resource)
            }
        }

        impl Serialize for Resource {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( Self::$v(r) => r.serialize(s), )*
                    Self::Other(o) => o.serialize(s),
                }
            }
        }

        $(
            impl ResourceType for $v {
                const RESOURCE_TYPE: &'static str = stringify!($v);
                fn from_resource(resource: &Resource) -> Option<&Self> {
                    match resource {
                        Resource::$v(r) => Some(r),
                        _ => None,
                    }
                }
                fn from_resource_mut(resource: &mut Resource) -> Option<&mut Self> {
                    match resource {
                        Resource::$v(r) => Some(r),
                        _ => None,
                    }
                }
            }

            impl From<$v> for Resource {
                fn from(r: $v) -> Self {
                    Self::$v(Box::new(r))
                }
            }
        )*
    };
}

resource_enum! {
    Bundle,
    MessageHeader,
    OperationOutcome,
    Patient,
    Practitioner,
    PractitionerRole,
    Organization,
    Location,
    HealthcareService,
    ServiceRequest,
    Task,
    Appointment,
    Communication,
    DocumentReference,
    Binary,
    QuestionnaireResponse,
    Consent,
    AllergyIntolerance,
    Condition,
    MedicationStatement,
    Medication,
    Immunization,
    Observation,
}

impl From<OtherResource> for Resource {
    fn from(r: OtherResource) -> Self {
        Self::Other(Box::new(r))
    }
}

/// Reads the rest of a resource straight into its box (resources are large structs; building
/// them in place avoids copying them around). Not inlined, so reading one resource type does
/// not reserve stack for all of them.
#[inline(never)]
fn finish<'de, T: Object, A: MapAccess<'de>>(
    buffered: Vec<(String, Box<RawValue>)>,
    mut map: A,
) -> Result<Box<T>, A::Error> {
    let frame = crate::lenient::Frame::enter();
    let mut obj = Box::<T>::default();
    for (key, raw) in &buffered {
        DepthGuard::check_replay::<A::Error>(raw.get())?;
        let src = RawSource::<A::Error> {
            raw,
            key,
            error: PhantomData,
        };
        obj.accept(Cow::Owned(key.clone()), src)?;
    }
    while let Some(key) = map.next_key_seed(KeySeed)? {
        obj.accept(key, MapValue(&mut map))?;
    }
    obj.unknown_mut().set_wrong_types(frame.finish());
    Ok(obj)
}

impl crate::direct::DirectRead for Box<Resource> {
    #[inline]
    fn read(r: &mut crate::direct::Reader<'_>) -> crate::direct::Direct<Self> {
        <Resource as crate::direct::DirectRead>::read(r).map(Box::new)
    }
}

/// [`finish`] on the direct reading (`crate::direct`).
/// `from_start`: the reader stands at the start of the object (whose `resourceType` member,
/// read again, is checked as on a concrete type), not after `resourceType`.
#[inline(never)]
fn direct_finish<T: crate::direct::DirectObject>(
    r: &mut crate::direct::Reader<'_>,
    from_start: bool,
) -> crate::direct::Direct<Box<T>> {
    let mut obj = Box::<T>::default();
    obj.direct_members(r, from_start)?;
    Ok(obj)
}

/// [`finish_other`] on the direct reading (`crate::direct`).
/// `from_start` as for [`direct_finish`]; the first `resourceType` member is then not kept.
#[inline(never)]
fn direct_finish_other(
    resource_type: String,
    r: &mut crate::direct::Reader<'_>,
    from_start: bool,
) -> crate::direct::Direct<OtherResource> {
    let mut other = OtherResource::new(resource_type);
    let mut first = from_start;
    let mut type_to_pass = from_start;
    while let Some(key) = r.next_key(&mut first)? {
        if type_to_pass && key == "resourceType" {
            type_to_pass = false;
            r.string()?;
            continue;
        }
        let raw = r.raw()?;
        other.members.push_raw(key.into_owned(), raw);
    }
    Ok(other)
}

#[inline(never)]
fn finish_other<'de, A: MapAccess<'de>>(
    resource_type: String,
    buffered: Vec<(String, Box<RawValue>)>,
    mut map: A,
) -> Result<OtherResource, A::Error> {
    let mut other = OtherResource::new(resource_type);
    for (k, v) in buffered {
        other.members.push_raw(k, v);
    }
    while let Some(key) = map.next_key_seed(KeySeed)? {
        let raw: Box<RawValue> = map.next_value()?;
        other.members.push_raw(key.into_owned(), raw);
    }
    Ok(other)
}

struct ResourceVisitor;

impl<'de> Visitor<'de> for ResourceVisitor {
    type Value = Resource;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a FHIR resource object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Resource, A::Error> {
        let _depth = DepthGuard::enter(true)?;
        let mut buffered = Vec::new();
        loop {
            let Some(key) = map.next_key_seed(KeySeed)? else {
                return Err(de::Error::custom(crate::error::MSG_NO_RESOURCE_TYPE));
            };
            if key == "resourceType" {
                let rt = map.next_value_seed(KeySeed)?;
                return Resource::dispatch(rt, buffered, map);
            }
            let raw: Box<RawValue> = map.next_value()?;
            buffered.push((key.into_owned(), raw));
        }
    }
}

impl<'de> Deserialize<'de> for Resource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ResourceVisitor)
    }
}
