//! Declarative macros that generate the model types (no proc-macro crate, so the model compiles
//! fast: see the crate docs, "Performance").

/// The Rust type of a field of the given kind.
macro_rules! fhir_field_type {
    (opt $t:ty) => { Option<$t> };
    (boxed $t:ty) => { Option<Box<$t>> };
    (vec $t:ty) => { Vec<$t> };
    (pvec $t:ty) => { Vec<$t> };
}

/// Reads one member into a field of the given kind.
macro_rules! fhir_read {
    (opt, $slot:expr, $key:ident, $src:ident, $unk:expr) => {
        $crate::slot::Slot::read_opt(&mut $slot, $key, $src, &mut $unk)
    };
    (boxed, $slot:expr, $key:ident, $src:ident, $unk:expr) => {
        $crate::slot::Slot::read_opt(&mut $slot, $key, $src, &mut $unk)
    };
    (vec, $slot:expr, $key:ident, $src:ident, $unk:expr) => {
        $crate::slot::Slot::read_vec(&mut $slot, $key, $src, &mut $unk)
    };
    (pvec, $slot:expr, $key:ident, $src:ident, $unk:expr) => {
        $crate::de::read_primitive_vec(&mut $slot, $key, $src, &mut $unk)
    };
}

/// Reads one member into a field of the given kind, on the direct reading (`crate::direct`).
macro_rules! fhir_direct {
    (opt, $slot:expr, $r:ident) => {
        $crate::direct::DirectRead::read_opt(&mut $slot, $r)
    };
    (boxed, $slot:expr, $r:ident) => {
        $crate::direct::DirectRead::read_opt(&mut $slot, $r)
    };
    (vec, $slot:expr, $r:ident) => {
        $crate::direct::DirectRead::read_vec(&mut $slot, $r)
    };
    (pvec, $slot:expr, $r:ident) => {
        $crate::direct::DirectRead::read_vec(&mut $slot, $r)
    };
}

/// Writes one field of the given kind (absent and empty fields are not written).
macro_rules! fhir_write {
    (opt, $map:ident, $json:literal, $v:expr) => {
        if let Some(v) = &$v {
            $map.serialize_entry($json, v)?;
        }
    };
    (boxed, $map:ident, $json:literal, $v:expr) => {
        if let Some(v) = &$v {
            $map.serialize_entry($json, v)?;
        }
    };
    (vec, $map:ident, $json:literal, $v:expr) => {
        if !$v.is_empty() {
            $map.serialize_entry($json, &$v)?;
        }
    };
    (pvec, $map:ident, $json:literal, $v:expr) => {
        if !$v.is_empty() {
            $map.serialize_entry($json, &$v)?;
        }
    };
}

/// Defines a FHIR object type: the struct, its member-by-member reader and its writer.
///
/// Kinds: `resource` (DomainResource: id, meta, implicitRules, language, text, contained,
/// extension, modifierExtension), `base_resource` (Resource: id, meta, implicitRules, language),
/// `backbone` (id, extension, modifierExtension), `element` (id, extension).
/// Field kinds: `opt` (0..1), `boxed` (0..1, boxed to break a type cycle), `vec` (0..*),
/// `pvec` (0..* of a primitive). `choices` lists `value[x]`-style members by prefix.
macro_rules! fhir_object {
    (
        $(#[$m:meta])*
        resource $name:ident ($tname:literal) {
            $( $(#[$fm:meta])* $fk:ident $f:ident : $ft:ty = $j:literal ),* $(,)?
        }
        $( choices { $( $(#[$cm:meta])* $cf:ident : $ct:ty = $cp:literal ),* $(,)? } )?
    ) => {
        fhir_object!(@emit [$(#[$m])*] $name, $tname, true, {
            #[doc = "Logical id of this resource (`Resource.id`); Ocean v0.11.1 messages often omit it and identify entries by `fullUrl`."]
            opt id: $crate::Id = "id",
            #[doc = "Metadata (`Resource.meta`): profiles, tags, security labels, last update."]
            boxed meta: $crate::Meta = "meta",
            #[doc = "A set of rules under which this content was created (`Resource.implicitRules`)."]
            opt implicit_rules: $crate::Uri = "implicitRules",
            #[doc = "Language of the resource content (`Resource.language`)."]
            opt language: $crate::Code = "language",
            #[doc = "Text summary for human interpretation (`DomainResource.text`)."]
            boxed text: $crate::Narrative = "text",
            #[doc = "Contained, inline resources (`DomainResource.contained`), referenced as `#id`."]
            vec contained: $crate::Resource = "contained",
            #[doc = "Extensions (`DomainResource.extension`)."]
            vec extension: $crate::Extension = "extension",
            #[doc = "Extensions that change the meaning of the resource (`DomainResource.modifierExtension`)."]
            vec modifier_extension: $crate::Extension = "modifierExtension",
            $( $(#[$fm])* $fk $f : $ft = $j ,)*
        } { $( $( $(#[$cm])* $cf : $ct = $cp ,)* )? });

        impl $crate::resource::Contained for $name {
            fn contained_resources(&self) -> &[$crate::Resource] {
                &self.contained
            }
        }
    };
    (
        $(#[$m:meta])*
        base_resource $name:ident ($tname:literal) {
            $( $(#[$fm:meta])* $fk:ident $f:ident : $ft:ty = $j:literal ),* $(,)?
        }
        $( choices { $( $(#[$cm:meta])* $cf:ident : $ct:ty = $cp:literal ),* $(,)? } )?
    ) => {
        fhir_object!(@emit [$(#[$m])*] $name, $tname, true, {
            #[doc = "Logical id of this resource (`Resource.id`)."]
            opt id: $crate::Id = "id",
            #[doc = "Metadata (`Resource.meta`): profiles, tags, security labels, last update."]
            boxed meta: $crate::Meta = "meta",
            #[doc = "A set of rules under which this content was created (`Resource.implicitRules`)."]
            opt implicit_rules: $crate::Uri = "implicitRules",
            #[doc = "Language of the resource content (`Resource.language`)."]
            opt language: $crate::Code = "language",
            $( $(#[$fm])* $fk $f : $ft = $j ,)*
        } { $( $( $(#[$cm])* $cf : $ct = $cp ,)* )? });

        impl $crate::resource::Contained for $name {
            fn contained_resources(&self) -> &[$crate::Resource] {
                &[]
            }
        }
    };
    (
        $(#[$m:meta])*
        backbone $name:ident ($tname:literal) {
            $( $(#[$fm:meta])* $fk:ident $f:ident : $ft:ty = $j:literal ),* $(,)?
        }
        $( choices { $( $(#[$cm:meta])* $cf:ident : $ct:ty = $cp:literal ),* $(,)? } )?
    ) => {
        fhir_object!(@emit [$(#[$m])*] $name, $tname, false, {
            #[doc = "Unique id for inter-element referencing (`Element.id`)."]
            opt id: String = "id",
            #[doc = "Extensions (`Element.extension`)."]
            vec extension: $crate::Extension = "extension",
            #[doc = "Extensions that change the meaning of the element (`BackboneElement.modifierExtension`)."]
            vec modifier_extension: $crate::Extension = "modifierExtension",
            $( $(#[$fm])* $fk $f : $ft = $j ,)*
        } { $( $( $(#[$cm])* $cf : $ct = $cp ,)* )? });
    };
    (
        $(#[$m:meta])*
        element $name:ident ($tname:literal) {
            $( $(#[$fm:meta])* $fk:ident $f:ident : $ft:ty = $j:literal ),* $(,)?
        }
        $( choices { $( $(#[$cm:meta])* $cf:ident : $ct:ty = $cp:literal ),* $(,)? } )?
    ) => {
        fhir_object!(@emit [$(#[$m])*] $name, $tname, false, {
            #[doc = "Unique id for inter-element referencing (`Element.id`)."]
            opt id: String = "id",
            #[doc = "Extensions (`Element.extension`)."]
            vec extension: $crate::Extension = "extension",
            $( $(#[$fm])* $fk $f : $ft = $j ,)*
        } { $( $( $(#[$cm])* $cf : $ct = $cp ,)* )? });
    };
    (@emit [$($m:tt)*] $name:ident, $tname:literal, $is_res:literal,
        { $( $(#[$fm:meta])* $fk:ident $f:ident : $ft:ty = $j:literal ,)* }
        { $( $(#[$cm:meta])* $cf:ident : $ct:ty = $cp:literal ,)* }
    ) => {
        $($m)*
        #[derive(Debug, Clone, Default, PartialEq)]
        #[non_exhaustive]
        pub struct $name {
            $( $(#[$fm])* pub $f: fhir_field_type!($fk $ft), )*
            $( $(#[$cm])* pub $cf: Option<$ct>, )*
            /// Members this type does not model, kept verbatim (see [`UnknownElements`](crate::UnknownElements)).
            pub unknown: $crate::UnknownElements,
        }

        impl $crate::de::Object for $name {
            const TYPE_NAME: &'static str = $tname;
            const IS_RESOURCE: bool = $is_res;

            #[inline]
            fn accept<'de, S: $crate::de::ValueSource<'de>>(
                &mut self,
                key: ::std::borrow::Cow<'de, str>,
                src: S,
            ) -> Result<(), S::Error> {
                match key.as_ref() {
                    $( $j => fhir_read!($fk, self.$f, key, src, self.unknown), )*
                    "resourceType" if $is_res => $crate::de::check_resource_type($tname, src),
                    _ => {
                        #[allow(unused_mut)]
                        let mut src = src;
                        $(
                            if self.$cf.is_none() {
                                if let Some(suffix) = key.strip_prefix($cp) {
                                    match <$ct as $crate::de::Choice>::accept(suffix, &key, src)? {
                                        $crate::de::ChoiceRead::Value(v) => {
                                            self.$cf = Some(v);
                                            return Ok(());
                                        }
                                        $crate::de::ChoiceRead::Kept(raw) => {
                                            self.unknown.push_raw(key.into_owned(), raw);
                                            return Ok(());
                                        }
                                        $crate::de::ChoiceRead::NotMine(s) => src = s,
                                    }
                                }
                            }
                        )*
                        $crate::de::read_unknown(key, src, &mut self.unknown)
                    }
                }
            }

            fn serialize_members<M: ::serde::ser::SerializeMap>(
                &self,
                map: &mut M,
            ) -> Result<(), M::Error> {
                $( fhir_write!($fk, map, $j, self.$f); )*
                $(
                    if let Some(v) = &self.$cf {
                        $crate::de::Choice::serialize_as(v, $cp, map)?;
                    }
                )*
                self.unknown.serialize_into(map)
            }

            fn unknown_mut(&mut self) -> &mut $crate::UnknownElements {
                &mut self.unknown
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            #[inline]
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::de::deserialize_object(d)
            }
        }

        impl $crate::direct::DirectObject for $name {
            // The same member dispatch as `accept` above, on the direct reading.
            fn direct_members(
                &mut self,
                r: &mut $crate::direct::Reader<'_>,
                mut first: bool,
            ) -> $crate::direct::Direct<()> {
                while let Some(key) = r.next_key(&mut first)? {
                    match key.as_ref() {
                        $( $j => fhir_direct!($fk, self.$f, r)?, )*
                        "resourceType" if $is_res => r.resource_type($tname)?,
                        _ => {
                            $(
                                if self.$cf.is_none() {
                                    if let Some(suffix) = key.strip_prefix($cp) {
                                        if let Some(v) = <$ct as $crate::de::Choice>::direct(suffix, r)? {
                                            self.$cf = Some(v);
                                            continue;
                                        }
                                    }
                                }
                            )*
                            let raw = r.raw()?;
                            self.unknown.push_raw(key.into_owned(), raw);
                        }
                    }
                }
                Ok(())
            }
        }

        impl $crate::direct::DirectRead for $name {
            #[inline]
            fn read(r: &mut $crate::direct::Reader<'_>) -> $crate::direct::Direct<Self> {
                $crate::direct::read_object(r)
            }
            #[inline]
            fn read_opt(slot: &mut Option<Self>, r: &mut $crate::direct::Reader<'_>) -> $crate::direct::Direct<()> {
                // In place, as `slot::read_opt_in_place`.
                r.begin_object()?;
                $crate::direct::DirectObject::direct_members(slot.insert(Self::default()), r, true)
            }
            #[inline]
            fn read_vec(slot: &mut Vec<Self>, r: &mut $crate::direct::Reader<'_>) -> $crate::direct::Direct<()> {
                $crate::direct::read_vec_objects(slot, r)
            }
        }

        impl $crate::direct::DirectRead for Box<$name> {
            #[inline]
            fn read(r: &mut $crate::direct::Reader<'_>) -> $crate::direct::Direct<Self> {
                let mut obj = Box::<$name>::default();
                r.begin_object()?;
                $crate::direct::DirectObject::direct_members(&mut *obj, r, true)?;
                Ok(obj)
            }
            #[inline]
            fn read_opt(slot: &mut Option<Self>, r: &mut $crate::direct::Reader<'_>) -> $crate::direct::Direct<()> {
                r.begin_object()?;
                $crate::direct::DirectObject::direct_members(&mut **slot.insert(Box::default()), r, true)
            }
        }

        impl $crate::slot::Place for $name {
            type Obj = $name;
            #[inline]
            fn obj(&mut self) -> &mut $name {
                self
            }
        }

        impl $crate::slot::Place for Box<$name> {
            type Obj = $name;
            #[inline]
            fn obj(&mut self) -> &mut $name {
                self
            }
        }

        impl $crate::slot::Slot for $name {
            #[inline]
            fn read_opt<'de, S: $crate::de::ValueSource<'de>>(
                slot: &mut Option<Self>,
                key: ::std::borrow::Cow<'de, str>,
                src: S,
                unknown: &mut $crate::UnknownElements,
            ) -> Result<(), S::Error> {
                $crate::slot::read_opt_in_place(slot, key, src, unknown)
            }

            #[inline]
            fn read_vec<'de, S: $crate::de::ValueSource<'de>>(
                slot: &mut Vec<Self>,
                key: ::std::borrow::Cow<'de, str>,
                src: S,
                unknown: &mut $crate::UnknownElements,
            ) -> Result<(), S::Error> {
                $crate::slot::read_vec_in_place(slot, key, src, unknown)
            }
        }

        impl $crate::slot::Slot for Box<$name> {
            #[inline]
            fn read_opt<'de, S: $crate::de::ValueSource<'de>>(
                slot: &mut Option<Self>,
                key: ::std::borrow::Cow<'de, str>,
                src: S,
                unknown: &mut $crate::UnknownElements,
            ) -> Result<(), S::Error> {
                $crate::slot::read_opt_in_place(slot, key, src, unknown)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $crate::de::serialize_object(self, s)
            }
        }
    };
}

/// Defines a choice type (`value[x]`): an enum with one variant per allowed FHIR type.
macro_rules! fhir_choice {
    (
        $(#[$m:meta])*
        $name:ident {
            $( $(#[$vm:meta])* $v:ident($t:ty) = $suffix:literal ),* $(,)?
        }
    ) => {
        $(#[$m])*
        // Choice values live inline in their owner's `Option`; boxing the larger variants would
        // cost an allocation per value on the hot parse path for little memory saved.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq)]
        pub enum $name {
            $( $(#[$vm])* $v($t), )*
        }

        impl $name {
            /// The FHIR type suffix of this variant as it appears in the member name
            /// (`"Quantity"` for `valueQuantity`).
            pub fn type_suffix(&self) -> &'static str {
                match self {
                    $( Self::$v(_) => $suffix, )*
                }
            }
        }

        impl $crate::de::Choice for $name {
            #[inline]
            fn accept<'de, S: $crate::de::ValueSource<'de>>(
                suffix: &str,
                key: &str,
                src: S,
            ) -> Result<$crate::de::ChoiceRead<Self, S>, S::Error> {
                Ok(match suffix {
                    $( $suffix => match $crate::de::lenient_value::<$t, S>(src, key)? {
                        Ok(v) => $crate::de::ChoiceRead::Value(Self::$v(v)),
                        Err(raw) => $crate::de::ChoiceRead::Kept(raw),
                    }, )*
                    _ => $crate::de::ChoiceRead::NotMine(src),
                })
            }

            #[inline]
            fn direct(suffix: &str, r: &mut $crate::direct::Reader<'_>) -> $crate::direct::Direct<Option<Self>> {
                Ok(match suffix {
                    $( $suffix => Some(Self::$v(<$t as $crate::direct::DirectRead>::read(r)?)), )*
                    _ => None,
                })
            }

            fn serialize_as<M: ::serde::ser::SerializeMap>(
                &self,
                prefix: &'static str,
                map: &mut M,
            ) -> Result<(), M::Error> {
                match self {
                    $( Self::$v(v) => map.serialize_entry(&$crate::de::ChoiceKey(prefix, $suffix), v), )*
                }
            }
        }
    };
}

/// Defines a code enum bound to a FHIR value set: known codes as variants, any other string
/// kept in `Unrecognized` so parsing never fails on a code.
macro_rules! code_enum {
    (
        $(#[$m:meta])*
        $name:ident = $system:literal {
            $( $(#[$vm:meta])* $v:ident = $code:literal ),* $(,)?
        }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vm])* $v, )*
            /// A code outside this value set, kept as received; the profile check reports it.
            Unrecognized($crate::UnknownCode),
        }

        impl $name {
            /// The value set (or code system) these codes come from.
            pub const VALUE_SET: &'static str = $system;
            /// Every known code, in value-set order.
            pub const KNOWN: &'static [$name] = &[$(Self::$v),*];

            /// The code as written in FHIR JSON.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$v => $code, )*
                    Self::Unrecognized(c) => c.as_str(),
                }
            }

            /// Reads a code; a string outside the value set becomes [`Self::Unrecognized`].
            pub fn from_code(code: &str) -> Self {
                match code {
                    $( $code => Self::$v, )*
                    other => Self::Unrecognized($crate::UnknownCode::new(other)),
                }
            }

            /// Whether the code is in the value set.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unrecognized(_))
            }
        }

        impl From<&str> for $name {
            fn from(code: &str) -> Self {
                Self::from_code(code)
            }
        }

        impl $crate::codes::CodeEnum for $name {
            const VALUE_SET: &'static str = $system;
            fn code(&self) -> &str {
                self.as_str()
            }
            fn is_known(&self) -> bool {
                !matches!(self, Self::Unrecognized(_))
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(code: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_code(code))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = d.deserialize_str($crate::de::CowStrVisitor)?;
                Ok(Self::from_code(&code))
            }
        }

        impl $crate::slot::Slot for $name {}

        impl $crate::direct::DirectRead for $name {
            #[inline]
            fn read(r: &mut $crate::direct::Reader<'_>) -> $crate::direct::Direct<Self> {
                Ok(Self::from_code(&r.string()?))
            }
        }
    };
}

/// Defines a string-valued FHIR primitive as a newtype that keeps the text as received (in a
/// [`Compact`](crate::compact::Compact): short text and well-known URIs without allocating).
macro_rules! string_primitive {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name($crate::compact::Compact);

        impl $name {
            /// Wraps a value as received (not validated: see [`crate::validate`]).
            pub fn new(value: impl Into<String>) -> Self {
                Self($crate::compact::Compact::from_string(value.into()))
            }
            /// The text.
            #[inline]
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
            /// The owned text.
            pub fn into_string(self) -> String {
                self.0.into_string()
            }
        }

        impl From<String> for $name {
            fn from(v: String) -> Self {
                Self($crate::compact::Compact::from_string(v))
            }
        }

        impl From<&str> for $name {
            fn from(v: &str) -> Self {
                Self($crate::compact::Compact::from_str(v))
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.0.as_str()
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0.as_str() == *other
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.0.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            #[inline]
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_str($crate::compact::CompactVisitor).map(Self)
            }
        }

        impl $crate::slot::Slot for $name {}

        impl $crate::direct::DirectRead for $name {
            #[inline]
            fn read(r: &mut $crate::direct::Reader<'_>) -> $crate::direct::Direct<Self> {
                Ok(Self(match r.string()? {
                    ::std::borrow::Cow::Borrowed(s) => $crate::compact::Compact::from_str(s),
                    ::std::borrow::Cow::Owned(s) => $crate::compact::Compact::from_string(s),
                }))
            }
        }
    };
}
