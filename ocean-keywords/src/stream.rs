//! One pass over the JSON with serde visitors: no typed model and no `serde_json::Value` for what
//! is not read.
//!
//! * The Bundle is walked entry by entry; each entry's resource is dispatched on `resourceType`
//!   (read without allocation when it is the first member, as every FHIR server writes it; when it
//!   is not, the members are buffered as raw JSON and replayed).
//! * Resource types Ocean does not read are skipped with `IgnoredAny` (a syntax check, nothing
//!   kept).
//! * Observations, the bulk of a long chart, are read field by field into [`ObsRecord`], which
//!   borrows strings from the input when it can and keeps only the members the rules use.
//! * The other types Ocean reads (Patient, AllergyIntolerance, Condition, Immunization,
//!   MedicationStatement, Medication, DocumentReference) are few; their members are captured as raw
//!   JSON and parsed with `ocean_model`, so an invalid one is reported and skipped without
//!   stopping the rest.
//!
//! The visitors are lenient: a member with an unexpected JSON type is treated as absent. Only
//! invalid JSON stops the pass.

use crate::engine::{CodeIndex, Engine, Target};
use ocean_model::Resource;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

type S<'de> = Cow<'de, str>;

/// The marker error text for "the top-level value is not a resource object".
pub(crate) const NOT_A_RESOURCE: &str = "\u{0}not-a-resource";

// ---------------------------------------------------------------------------------------------
// Small lenient building blocks

/// Implements the scalar visits (`bool`, numbers, `null`, and `str` unless `@no_str`) with one
/// body; `$s` names `self` inside it.
macro_rules! on_scalars {
    ($out:ty, |$s:ident| $body:expr) => {
        on_scalars!(@no_str $out, |$s| $body);
        fn visit_str<E: de::Error>(self, _: &str) -> Result<$out, E> {
            let $s = self;
            $body
        }
    };
    (@no_str $out:ty, |$s:ident| $body:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<$out, E> {
            let $s = self;
            $body
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<$out, E> {
            let $s = self;
            $body
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<$out, E> {
            let $s = self;
            $body
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<$out, E> {
            let $s = self;
            $body
        }
        fn visit_unit<E: de::Error>(self) -> Result<$out, E> {
            let $s = self;
            $body
        }
    };
}

/// Drains an array or an object that is not wanted and returns `$value`.
macro_rules! drain {
    (seq, $out:ty, $value:expr) => {
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<$out, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok($value)
        }
    };
    (map, $out:ty, $value:expr) => {
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<$out, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok($value)
        }
    };
}

/// For visitors that want an object: anything else gives the default value.
macro_rules! lenient_non_map {
    ($out:ty) => {
        on_scalars!($out, |_s| Ok(Default::default()));
        drain!(seq, $out, Default::default());
    };
}

/// For visitors that want an array: anything else gives the default value.
macro_rules! lenient_non_seq {
    ($out:ty) => {
        on_scalars!($out, |_s| Ok(Default::default()));
        drain!(map, $out, Default::default());
    };
}

/// A string member, borrowed from the input when possible; any other JSON type → `None`.
#[derive(Default)]
pub(crate) struct OptStr<'de>(pub(crate) Option<S<'de>>);

impl<'de> de::Deserialize<'de> for OptStr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OptStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(OptStr(Some(Cow::Borrowed(v))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(OptStr(Some(Cow::Owned(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(OptStr(Some(Cow::Owned(v.to_owned()))))
            }
            on_scalars!(@no_str OptStr<'de>, |_s| Ok(OptStr(None)));
            drain!(seq, OptStr<'de>, OptStr(None));
            drain!(map, OptStr<'de>, OptStr(None));
        }
        d.deserialize_any(V)
    }
}

/// Non-empty (after trimming) string, owned or borrowed.
fn non_empty(s: Option<S<'_>>) -> Option<S<'_>> {
    s.filter(|s| !s.trim().is_empty())
}

/// Deserializes a map key into a field enum without allocating.
struct KeySeed<F>(fn(&str) -> F);

impl<'de, F> DeserializeSeed<'de> for KeySeed<F> {
    type Value = F;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<F, D::Error> {
        struct V<F>(fn(&str) -> F);
        impl<'de, F> Visitor<'de> for V<F> {
            type Value = F;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<F, E> {
                Ok((self.0)(v))
            }
        }
        d.deserialize_str(V(self.0))
    }
}

/// A member name kept as text (for buffering members before `resourceType`).
struct KeyText<'de>(S<'de>);

impl<'de> de::Deserialize<'de> for KeyText<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(KeyText(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(KeyText(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(KeyText(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// How the current input is read: from a slice (strings and raw numbers may borrow from it) or
/// from a reader (everything owned).
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'i> {
    pub(crate) index: &'i CodeIndex,
    pub(crate) borrow: bool,
}

/// A JSON number's exact text, borrowed from a slice input when possible.
#[derive(Debug)]
pub(crate) enum RawNum<'de> {
    Borrowed(&'de str),
    Owned(Box<RawValue>),
}

impl RawNum<'_> {
    pub(crate) fn get(&self) -> &str {
        match self {
            RawNum::Borrowed(s) => s,
            RawNum::Owned(r) => r.get(),
        }
    }
    fn into_owned(self) -> RawNum<'static> {
        match self {
            RawNum::Borrowed(s) => match RawValue::from_string(s.to_owned()) {
                Ok(r) => RawNum::Owned(r),
                // Cannot happen: `s` was a JSON value.
                Err(_) => RawNum::Owned(RawValue::NULL.to_owned()),
            },
            RawNum::Owned(r) => RawNum::Owned(r),
        }
    }
    fn is_number(&self) -> bool {
        self.get()
            .bytes()
            .next()
            .is_some_and(|b| b == b'-' || b.is_ascii_digit())
    }
}

/// Reads any JSON value as its raw text, keeping it only if it is a number.
struct NumSeed {
    borrow: bool,
}

impl<'de> DeserializeSeed<'de> for NumSeed {
    type Value = Option<RawNum<'de>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let raw = if self.borrow {
            RawNum::Borrowed(<&'de RawValue as de::Deserialize>::deserialize(d)?.get())
        } else {
            RawNum::Owned(<Box<RawValue> as de::Deserialize>::deserialize(d)?)
        };
        Ok(raw.is_number().then_some(raw))
    }
}

// ---------------------------------------------------------------------------------------------
// Observation

/// How a coding's system relates to LOINC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SystemClass {
    /// `http://loinc.org`.
    Loinc,
    /// No system (or an empty one).
    Absent,
    /// Any other system.
    Other,
}

impl SystemClass {
    fn of(system: Option<&str>) -> Self {
        match system.map(str::trim) {
            None | Some("") => SystemClass::Absent,
            Some(crate::rules::LOINC_SYSTEM) => SystemClass::Loinc,
            Some(_) => SystemClass::Other,
        }
    }
    pub(crate) fn matches(self) -> bool {
        matches!(self, SystemClass::Loinc | SystemClass::Absent)
    }
}

/// A tracked code found in `Observation.code.coding`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub(crate) target: Target,
    pub(crate) system: SystemClass,
}

/// The tracked codes of one Observation, without allocating (an Observation rarely has more than
/// one; beyond [`Hits::MAX`] further ones are ignored).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Hits {
    items: [Option<Hit>; Hits::MAX],
}

impl Hits {
    pub(crate) const MAX: usize = 8;
    fn push(&mut self, hit: Hit) {
        if let Some(slot) = self.items.iter_mut().find(|s| s.is_none()) {
            *slot = Some(hit);
        }
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.items.iter().all(Option::is_none)
    }
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Hit> {
        self.items.iter().flatten()
    }
}

/// `valueQuantity` as read.
#[derive(Debug, Default)]
pub(crate) struct Qty<'de> {
    pub(crate) value: Option<RawNum<'de>>,
    pub(crate) comparator: Option<S<'de>>,
    pub(crate) unit: Option<S<'de>>,
    pub(crate) code: Option<S<'de>>,
}

impl Qty<'_> {
    fn into_owned(self) -> Qty<'static> {
        Qty {
            value: self.value.map(RawNum::into_owned),
            comparator: self.comparator.map(|s| Cow::Owned(s.into_owned())),
            unit: self.unit.map(|s| Cow::Owned(s.into_owned())),
            code: self.code.map(|s| Cow::Owned(s.into_owned())),
        }
    }
}

struct QtySeed {
    borrow: bool,
}

impl<'de> DeserializeSeed<'de> for QtySeed {
    type Value = Qty<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Qty<'de>, D::Error> {
        struct V {
            borrow: bool,
        }
        enum F {
            Value,
            Comparator,
            Unit,
            Code,
            Other,
        }
        fn field(k: &str) -> F {
            match k {
                "value" => F::Value,
                "comparator" => F::Comparator,
                "unit" => F::Unit,
                "code" => F::Code,
                _ => F::Other,
            }
        }
        impl<'de> Visitor<'de> for V {
            type Value = Qty<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Quantity")
            }
            lenient_non_map!(Qty<'de>);
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut q = Qty::default();
                while let Some(k) = map.next_key_seed(KeySeed(field))? {
                    match k {
                        F::Value => {
                            q.value = map.next_value_seed(NumSeed {
                                borrow: self.borrow,
                            })?;
                        }
                        F::Comparator => q.comparator = non_empty(map.next_value::<OptStr>()?.0),
                        F::Unit => q.unit = non_empty(map.next_value::<OptStr>()?.0),
                        F::Code => q.code = non_empty(map.next_value::<OptStr>()?.0),
                        F::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(q)
            }
        }
        d.deserialize_any(V {
            borrow: self.borrow,
        })
    }
}

/// The parts of a CodeableConcept that make its text: `text`, first non-empty `display`, first
/// non-empty `code`.
#[derive(Debug, Default)]
pub(crate) struct ConceptParts<'de> {
    pub(crate) text: Option<S<'de>>,
    pub(crate) display: Option<S<'de>>,
    pub(crate) code: Option<S<'de>>,
}

impl<'de> ConceptParts<'de> {
    pub(crate) fn text(&self) -> Option<&str> {
        self.text
            .as_deref()
            .or(self.display.as_deref())
            .or(self.code.as_deref())
    }
    fn into_owned(self) -> ConceptParts<'static> {
        ConceptParts {
            text: self.text.map(|s| Cow::Owned(s.into_owned())),
            display: self.display.map(|s| Cow::Owned(s.into_owned())),
            code: self.code.map(|s| Cow::Owned(s.into_owned())),
        }
    }
}

#[derive(Default)]
struct CodingParts<'de> {
    display: Option<S<'de>>,
    code: Option<S<'de>>,
}

impl<'de> de::Deserialize<'de> for CodingParts<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CodingParts<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Coding")
            }
            lenient_non_map!(CodingParts<'de>);
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut c = CodingParts::default();
                while let Some(k) = map.next_key_seed(KeySeed(|k| match k {
                    "display" => 1u8,
                    "code" => 2,
                    _ => 0,
                }))? {
                    match k {
                        1 => c.display = non_empty(map.next_value::<OptStr>()?.0),
                        2 => c.code = non_empty(map.next_value::<OptStr>()?.0),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(c)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> de::Deserialize<'de> for ConceptParts<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        #[derive(Default)]
        struct Codings<'de>(Option<S<'de>>, Option<S<'de>>);
        impl<'de> de::Deserialize<'de> for Codings<'de> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct SV;
                impl<'de> Visitor<'de> for SV {
                    type Value = Codings<'de>;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a list of Codings")
                    }
                    lenient_non_seq!(Codings<'de>);
                    fn visit_seq<A: SeqAccess<'de>>(
                        self,
                        mut seq: A,
                    ) -> Result<Self::Value, A::Error> {
                        let mut out = Codings(None, None);
                        while let Some(c) = seq.next_element::<CodingParts>()? {
                            if out.0.is_none() {
                                out.0 = c.display;
                            }
                            if out.1.is_none() {
                                out.1 = c.code;
                            }
                        }
                        Ok(out)
                    }
                }
                d.deserialize_any(SV)
            }
        }
        impl<'de> Visitor<'de> for V {
            type Value = ConceptParts<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a CodeableConcept")
            }
            lenient_non_map!(ConceptParts<'de>);
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut c = ConceptParts::default();
                while let Some(k) = map.next_key_seed(KeySeed(|k| match k {
                    "text" => 1u8,
                    "coding" => 2,
                    _ => 0,
                }))? {
                    match k {
                        1 => c.text = non_empty(map.next_value::<OptStr>()?.0),
                        2 => {
                            let cs = map.next_value::<Codings>()?;
                            c.display = cs.0;
                            c.code = cs.1;
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(c)
            }
        }
        d.deserialize_any(V)
    }
}

/// `Observation.code`: collects the codings whose code is in the index.
struct CodeSeed<'i> {
    index: &'i CodeIndex,
    hits: &'i mut Hits,
}

impl<'de> DeserializeSeed<'de> for CodeSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CodeSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a CodeableConcept")
    }
    lenient_non_map!(());
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(is_coding) = map.next_key_seed(KeySeed(|k| k == "coding"))? {
            if is_coding {
                map.next_value_seed(CodingsSeed {
                    index: self.index,
                    hits: &mut *self.hits,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct CodingsSeed<'i> {
    index: &'i CodeIndex,
    hits: &'i mut Hits,
}

impl<'de> DeserializeSeed<'de> for CodingsSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CodingsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of Codings")
    }
    lenient_non_seq!(());
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(c) = seq.next_element::<SystemCode>()? {
            if let Some(code) = c.code.as_deref() {
                if let Some(target) = self.index.get(code.trim()) {
                    self.hits.push(Hit {
                        target,
                        system: SystemClass::of(c.system.as_deref()),
                    });
                }
            }
        }
        Ok(())
    }
}

/// A coding's `system` and `code`.
#[derive(Default)]
struct SystemCode<'de> {
    system: Option<S<'de>>,
    code: Option<S<'de>>,
}

impl<'de> de::Deserialize<'de> for SystemCode<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SystemCode<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Coding")
            }
            lenient_non_map!(SystemCode<'de>);
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut c = SystemCode::default();
                while let Some(k) = map.next_key_seed(KeySeed(|k| match k {
                    "system" => 1u8,
                    "code" => 2,
                    _ => 0,
                }))? {
                    match k {
                        1 => c.system = map.next_value::<OptStr>()?.0,
                        2 => c.code = map.next_value::<OptStr>()?.0,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(c)
            }
        }
        d.deserialize_any(V)
    }
}

/// A blood-pressure component (`Observation.component` with code 8480-6 or 8462-4).
#[derive(Debug)]
pub(crate) struct BpComponent<'de> {
    pub(crate) systolic: bool,
    pub(crate) quantity: Option<Qty<'de>>,
}

struct ComponentsSeed {
    borrow: bool,
}

impl<'de> DeserializeSeed<'de> for ComponentsSeed {
    type Value = Vec<BpComponent<'de>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V {
            borrow: bool,
        }
        impl<'de> Visitor<'de> for V {
            type Value = Vec<BpComponent<'de>>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of components")
            }
            lenient_non_seq!(Vec<BpComponent<'de>>);
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(c) = seq.next_element_seed(ComponentSeed {
                    borrow: self.borrow,
                })? {
                    if let Some(systolic) = c.systolic {
                        out.push(BpComponent {
                            systolic,
                            quantity: c.quantity,
                        });
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_any(V {
            borrow: self.borrow,
        })
    }
}

#[derive(Default)]
struct Component<'de> {
    /// `Some(true)` systolic, `Some(false)` diastolic, `None` anything else.
    systolic: Option<bool>,
    quantity: Option<Qty<'de>>,
}

#[derive(Default)]
struct BpCode(Option<bool>);

impl<'de> de::Deserialize<'de> for BpCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BpCode;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a CodeableConcept")
            }
            lenient_non_map!(BpCode);
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BpCode, A::Error> {
                let mut out = BpCode(None);
                while let Some(is_coding) = map.next_key_seed(KeySeed(|k| k == "coding"))? {
                    if !is_coding {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                    let codings = map.next_value::<LenientCodings>()?.0;
                    for c in codings {
                        if out.0.is_some() || !SystemClass::of(c.system.as_deref()).matches() {
                            continue;
                        }
                        out.0 = match c.code.as_deref().map(str::trim) {
                            Some(crate::loinc::SYSTOLIC) => Some(true),
                            Some(crate::loinc::DIASTOLIC) => Some(false),
                            _ => None,
                        };
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_any(V)
    }
}

/// `coding` as a list of codings; anything that is not an array reads as empty (lenient).
#[derive(Default)]
struct LenientCodings<'de>(Vec<SystemCode<'de>>);

impl<'de> de::Deserialize<'de> for LenientCodings<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LenientCodings<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of Codings")
            }
            lenient_non_seq!(LenientCodings<'de>);
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(c) = seq.next_element::<SystemCode>()? {
                    out.push(c);
                }
                Ok(LenientCodings(out))
            }
        }
        d.deserialize_any(V)
    }
}

struct ComponentSeed {
    borrow: bool,
}

impl<'de> DeserializeSeed<'de> for ComponentSeed {
    type Value = Component<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Component<'de>, D::Error> {
        struct V {
            borrow: bool,
        }
        impl<'de> Visitor<'de> for V {
            type Value = Component<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an Observation.component")
            }
            lenient_non_map!(Component<'de>);
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut c = Component::default();
                while let Some(k) = map.next_key_seed(KeySeed(|k| match k {
                    "code" => 1u8,
                    "valueQuantity" => 2,
                    _ => 0,
                }))? {
                    match k {
                        1 => c.systolic = map.next_value::<BpCode>()?.0,
                        2 => {
                            c.quantity = Some(map.next_value_seed(QtySeed {
                                borrow: self.borrow,
                            })?);
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(c)
            }
        }
        d.deserialize_any(V {
            borrow: self.borrow,
        })
    }
}

/// `effectivePeriod.start`.
#[derive(Default)]
struct PeriodStart<'de>(Option<S<'de>>);

impl<'de> de::Deserialize<'de> for PeriodStart<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PeriodStart<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Period")
            }
            lenient_non_map!(PeriodStart<'de>);
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = PeriodStart(None);
                while let Some(is_start) = map.next_key_seed(KeySeed(|k| k == "start"))? {
                    if is_start {
                        out.0 = map.next_value::<OptStr>()?.0;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_any(V)
    }
}

/// What the rules need from an Observation. Strings borrow from the input when they can.
#[derive(Debug, Default)]
pub(crate) struct ObsRecord<'de> {
    pub(crate) status: Option<S<'de>>,
    pub(crate) hits: Hits,
    pub(crate) effective_date_time: Option<S<'de>>,
    pub(crate) effective_period_start: Option<S<'de>>,
    pub(crate) effective_instant: Option<S<'de>>,
    pub(crate) issued: Option<S<'de>>,
    pub(crate) value_quantity: Option<Qty<'de>>,
    pub(crate) value_string: Option<S<'de>>,
    pub(crate) value_concept: Option<ConceptParts<'de>>,
    pub(crate) value_integer: Option<RawNum<'de>>,
    /// A `value[x]` of a type Ocean does not show (Boolean, Range, Ratio, ...).
    pub(crate) other_value: bool,
    pub(crate) data_absent: bool,
    pub(crate) components: Vec<BpComponent<'de>>,
}

fn owned(s: Option<S<'_>>) -> Option<S<'static>> {
    s.map(|s| Cow::Owned(s.into_owned()))
}

impl ObsRecord<'_> {
    fn into_owned(self) -> ObsRecord<'static> {
        ObsRecord {
            status: owned(self.status),
            hits: self.hits,
            effective_date_time: owned(self.effective_date_time),
            effective_period_start: owned(self.effective_period_start),
            effective_instant: owned(self.effective_instant),
            issued: owned(self.issued),
            value_quantity: self.value_quantity.map(Qty::into_owned),
            value_string: owned(self.value_string),
            value_concept: self.value_concept.map(ConceptParts::into_owned),
            value_integer: self.value_integer.map(RawNum::into_owned),
            other_value: self.other_value,
            data_absent: self.data_absent,
            components: self
                .components
                .into_iter()
                .map(|c| BpComponent {
                    systolic: c.systolic,
                    quantity: c.quantity.map(Qty::into_owned),
                })
                .collect(),
        }
    }
}

enum ObsField {
    Status,
    Code,
    EffectiveDateTime,
    EffectivePeriod,
    EffectiveInstant,
    Issued,
    ValueQuantity,
    ValueString,
    ValueCodeableConcept,
    ValueInteger,
    ValueOther,
    Component,
    DataAbsentReason,
    Other,
}

fn obs_field(k: &str) -> ObsField {
    match k {
        "status" => ObsField::Status,
        "code" => ObsField::Code,
        "effectiveDateTime" => ObsField::EffectiveDateTime,
        "effectivePeriod" => ObsField::EffectivePeriod,
        "effectiveInstant" => ObsField::EffectiveInstant,
        "issued" => ObsField::Issued,
        "valueQuantity" => ObsField::ValueQuantity,
        "valueString" => ObsField::ValueString,
        "valueCodeableConcept" => ObsField::ValueCodeableConcept,
        "valueInteger" => ObsField::ValueInteger,
        "component" => ObsField::Component,
        "dataAbsentReason" => ObsField::DataAbsentReason,
        k if k.starts_with("value")
            && k.len() > 5
            && k.as_bytes().get(5).is_some_and(u8::is_ascii_uppercase) =>
        {
            ObsField::ValueOther
        }
        _ => ObsField::Other,
    }
}

/// Reads the rest of an Observation (after `resourceType`).
fn read_observation<'de, A: MapAccess<'de>>(
    mut map: A,
    ctx: Ctx<'_>,
) -> Result<ObsRecord<'de>, A::Error> {
    let index = ctx.index;
    let borrow = ctx.borrow;
    let mut rec = ObsRecord::default();
    while let Some(k) = map.next_key_seed(KeySeed(obs_field))? {
        match k {
            ObsField::Status => rec.status = non_empty(map.next_value::<OptStr>()?.0),
            ObsField::Code => map.next_value_seed(CodeSeed {
                index,
                hits: &mut rec.hits,
            })?,
            ObsField::EffectiveDateTime => {
                rec.effective_date_time = non_empty(map.next_value::<OptStr>()?.0);
            }
            ObsField::EffectivePeriod => {
                rec.effective_period_start = non_empty(map.next_value::<PeriodStart>()?.0);
            }
            ObsField::EffectiveInstant => {
                rec.effective_instant = non_empty(map.next_value::<OptStr>()?.0);
            }
            ObsField::Issued => rec.issued = non_empty(map.next_value::<OptStr>()?.0),
            ObsField::ValueQuantity => {
                rec.value_quantity = Some(map.next_value_seed(QtySeed { borrow })?);
            }
            ObsField::ValueString => rec.value_string = map.next_value::<OptStr>()?.0,
            ObsField::ValueCodeableConcept => {
                rec.value_concept = Some(map.next_value::<ConceptParts>()?);
            }
            ObsField::ValueInteger => {
                rec.value_integer = map
                    .next_value_seed(NumSeed { borrow })?
                    .filter(|r| !r.get().contains(['.', 'e', 'E']));
            }
            ObsField::ValueOther => {
                map.next_value::<IgnoredAny>()?;
                rec.other_value = true;
            }
            ObsField::Component => {
                rec.components = map.next_value_seed(ComponentsSeed { borrow })?;
            }
            ObsField::DataAbsentReason => {
                map.next_value::<IgnoredAny>()?;
                rec.data_absent = true;
            }
            ObsField::Other => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    Ok(rec)
}

// ---------------------------------------------------------------------------------------------
// Resources

/// What one resource turned out to be.
// Boxing the Observation record would cost an allocation per Observation, the hot path; a
// `Parsed` lives on the stack for one entry at a time.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Parsed<'de> {
    /// An Observation's relevant members.
    Observation(ObsRecord<'de>),
    /// A resource of another type Ocean reads, parsed with `ocean_model`.
    Typed(Resource),
    /// A resource of a type Ocean reads that is not valid FHIR R4 JSON.
    Invalid {
        resource_type: &'static str,
        error: ocean_model::ParseError,
    },
    /// A MedicationRequest (counted, not read).
    MedicationRequest,
    /// A Bundle inside the Bundle (not descended into).
    NestedBundle,
    /// A type Ocean does not read.
    Skipped,
    /// Not a JSON object.
    NotObject,
    /// An object without a string `resourceType`.
    NoType,
}

impl Parsed<'_> {
    fn into_owned(self) -> Parsed<'static> {
        match self {
            Parsed::Observation(o) => Parsed::Observation(o.into_owned()),
            Parsed::Typed(r) => Parsed::Typed(r),
            Parsed::Invalid {
                resource_type,
                error,
            } => Parsed::Invalid {
                resource_type,
                error,
            },
            Parsed::MedicationRequest => Parsed::MedicationRequest,
            Parsed::NestedBundle => Parsed::NestedBundle,
            Parsed::Skipped => Parsed::Skipped,
            Parsed::NotObject => Parsed::NotObject,
            Parsed::NoType => Parsed::NoType,
        }
    }
}

/// The types read with `ocean_model` (few per chart).
pub(crate) const TYPED: &[&str] = &[
    "Patient",
    "AllergyIntolerance",
    "Condition",
    "Immunization",
    "MedicationStatement",
    "Medication",
    "DocumentReference",
];

/// Reads the members after `resourceType` for a given type.
fn dispatch<'de, A: MapAccess<'de>>(
    mut map: A,
    resource_type: &str,
    ctx: Ctx<'_>,
) -> Result<Parsed<'de>, A::Error> {
    if resource_type == "Observation" {
        return read_observation(map, ctx).map(Parsed::Observation);
    }
    if let Some(&ty) = TYPED.iter().find(|&&t| t == resource_type) {
        let mut obj = ObjectWriter::with_capacity(512);
        obj.string_member("resourceType", ty);
        while let Some(KeyText(k)) = map.next_key::<KeyText>()? {
            let raw = map.next_value::<Box<RawValue>>()?;
            obj.member(&k, raw.get().as_bytes());
        }
        return Ok(
            match ocean_model::json::from_slice::<Resource>(&obj.finish()) {
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

/// Builds a JSON object from member names (escaped here) and raw JSON values (copied as they
/// are): used wherever members read apart are put back together (replay, typed parsing, the
/// reader's single resources, pruning).
pub(crate) struct ObjectWriter {
    buf: Vec<u8>,
    empty: bool,
}

impl ObjectWriter {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        let mut buf = Vec::with_capacity(capacity + 2);
        buf.push(b'{');
        Self { buf, empty: true }
    }

    /// Appends `"key":raw`.
    pub(crate) fn member(&mut self, key: &str, raw: &[u8]) {
        if !self.empty {
            self.buf.push(b',');
        }
        self.empty = false;
        // Writing a &str into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.buf, key);
        self.buf.push(b':');
        self.buf.extend_from_slice(raw);
    }

    /// Appends `"key":"value"` (the value escaped).
    pub(crate) fn string_member(&mut self, key: &str, value: &str) {
        let mut quoted = Vec::with_capacity(value.len() + 2);
        let _ = serde_json::to_writer(&mut quoted, value);
        self.member(key, &quoted);
    }

    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.buf.push(b'}');
        self.buf
    }
}

/// Members read before `resourceType`, replayed once the type is known.
fn replay(
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

// ---------------------------------------------------------------------------------------------
// Bundle

/// The top-level value: a Bundle (its entries are fed to the engine as they are read) or a single
/// resource.
pub(crate) struct TopSeed<'e, 'r> {
    pub(crate) engine: &'e mut Engine<'r>,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

fn not_a_resource<E: de::Error>() -> Result<(), E> {
    Err(E::custom(NOT_A_RESOURCE))
}

impl<'de> Visitor<'de> for TopSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a FHIR Bundle or resource")
    }
    on_scalars!((), |_s| not_a_resource());
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        not_a_resource()
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let engine = self.engine;
        let mut resource_type: Option<String> = None;
        let mut is_bundle = false;
        // Members of a single resource (everything but `entry` once the type is known not to be
        // Bundle), and an `entry` seen after a non-Bundle resourceType.
        let mut buffered: Vec<(S<'de>, Box<RawValue>)> = Vec::new();
        let mut late_entries: Option<Box<RawValue>> = None;
        while let Some(KeyText(k)) = map.next_key::<KeyText>()? {
            match &*k {
                "resourceType" => {
                    let OptStr(t) = map.next_value::<OptStr>()?;
                    let t = t.map(Cow::into_owned);
                    if t.as_deref() == Some("Bundle") {
                        is_bundle = true;
                    }
                    resource_type = t;
                }
                // An object with `entry` is read as a Bundle, whatever its resourceType says
                // and wherever `entry` is: streamed when nothing says otherwise yet.
                "entry" if is_bundle || resource_type.is_none() => {
                    map.next_value_seed(EntriesSeed {
                        engine: &mut *engine,
                    })?;
                    is_bundle = true;
                }
                "entry" => {
                    let raw = map.next_value::<Box<RawValue>>()?;
                    late_entries = Some(raw);
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
        if let Some(raw) = late_entries {
            let mut de = serde_json::Deserializer::from_str(raw.get());
            if (EntriesSeed {
                engine: &mut *engine,
            })
            .deserialize(&mut de)
            .is_err()
            {
                engine.shape("Bundle.entry could not be read");
            }
            return Ok(());
        }
        if is_bundle {
            return Ok(());
        }
        match resource_type {
            Some(t) => {
                let ctx = engine.ctx();
                let parsed = replay(buffered, &t, ctx.index);
                engine.accept(parsed, None, None);
                Ok(())
            }
            None => not_a_resource(),
        }
    }
}

pub(crate) struct EntriesSeed<'e, 'r> {
    pub(crate) engine: &'e mut Engine<'r>,
}

impl<'de> DeserializeSeed<'de> for EntriesSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EntriesSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Bundle.entry")
    }
    // `null`, a scalar or an object where the array belongs: reported, skipped.
    on_scalars!((), |s| {
        s.engine.shape("Bundle.entry is not an array");
        Ok(())
    });
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.engine.shape("Bundle.entry is not an array");
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let engine = self.engine;
        let mut index = engine.next_entry_index();
        while seq
            .next_element_seed(EntrySeed {
                engine: &mut *engine,
                index,
            })?
            .is_some()
        {
            index += 1;
        }
        engine.set_next_entry_index(index);
        Ok(())
    }
}

pub(crate) struct EntrySeed<'e, 'r> {
    pub(crate) engine: &'e mut Engine<'r>,
    pub(crate) index: usize,
}

impl<'de> DeserializeSeed<'de> for EntrySeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EntrySeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Bundle.entry")
    }
    on_scalars!((), |s| {
        s.engine
            .shape_at(s.index, "Bundle.entry item is not an object");
        Ok(())
    });
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.engine
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
                        ctx: self.engine.ctx(),
                    })?);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(p) = parsed {
            self.engine.accept(p, Some(self.index), full_url.as_deref());
        }
        Ok(())
    }
}
