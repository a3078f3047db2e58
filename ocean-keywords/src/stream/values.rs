//! FHIR datatypes read for their parts, leniently: a JSON number's exact text, `Quantity`, the
//! text parts of a `CodeableConcept`, and a `Coding`'s system and code.

use super::lenient::{KeySeed, OptStr, non_empty};
use crate::record::{ConceptParts, Qty, RawNum, S};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

/// Reads any JSON value as its raw text, keeping it only if it is a number.
pub(crate) struct NumSeed {
    pub(crate) borrow: bool,
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

pub(crate) struct QtySeed {
    pub(crate) borrow: bool,
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

/// A coding's `system` and `code`.
#[derive(Default)]
pub(crate) struct SystemCode<'de> {
    pub(crate) system: Option<S<'de>>,
    pub(crate) code: Option<S<'de>>,
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

/// `coding` as a list of codings; anything that is not an array reads as empty (lenient).
#[derive(Default)]
pub(crate) struct LenientCodings<'de>(pub(crate) Vec<SystemCode<'de>>);

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
