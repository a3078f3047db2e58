//! An Observation read field by field into an [`ObsRecord`]: status, the tracked codes, the
//! dates, the value, and the blood-pressure components.

use super::lenient::{KeySeed, OptStr, non_empty, trim};
use super::values::{LenientCodings, NumSeed, QtySeed, SystemCode};
use crate::code_index::CodeIndex;
use crate::loinc::{DIASTOLIC, SYSTOLIC};
use crate::record::{BpComponent, ConceptParts, Hit, Hits, ObsRecord, Qty, S, SystemClass};
use crate::sink::Ctx;
use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use std::fmt;

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
                if let Some(target) = self.index.get(trim(code)) {
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
                            Some(SYSTOLIC) => Some(true),
                            Some(DIASTOLIC) => Some(false),
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

/// An Observation member, as far as the record cares.
#[derive(Clone, Copy)]
pub(super) enum ObsField {
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

impl ObsField {
    /// For a member read as a string (lenient: any other JSON type is `None`): stores it in
    /// `rec` and returns `true`; `false` (nothing stored) for the other members.
    pub(super) fn put_str<'de>(self, rec: &mut ObsRecord<'de>, s: Option<S<'de>>) -> bool {
        match self {
            ObsField::Status => rec.status = non_empty(s),
            ObsField::EffectiveDateTime => rec.effective_date_time = non_empty(s),
            ObsField::EffectiveInstant => rec.effective_instant = non_empty(s),
            ObsField::Issued => rec.issued = non_empty(s),
            ObsField::ValueString => rec.value_string = s,
            _ => return false,
        }
        true
    }

    /// For a member whose value is only skipped: notes what its presence says in `rec` and
    /// returns `true`.
    pub(super) fn mark_if_skipped(self, rec: &mut ObsRecord<'_>) -> bool {
        match self {
            ObsField::ValueOther => rec.other_value = true,
            ObsField::DataAbsentReason => rec.data_absent = true,
            ObsField::Other => {}
            _ => return false,
        }
        true
    }
}

pub(super) fn obs_field(k: &str) -> ObsField {
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

/// One member's value, read into the record: the only reading of an Observation member, used by
/// the serde walk ([`read_observation`]) and by the fast path, which reads each member from its
/// own place in the text (and skips the [`ObsField::mark_if_skipped`] ones with the scanner).
pub(super) struct FieldSeed<'r, 'de, 'i> {
    pub(super) field: ObsField,
    pub(super) rec: &'r mut ObsRecord<'de>,
    pub(super) ctx: Ctx<'i>,
}

impl<'de> DeserializeSeed<'de> for FieldSeed<'_, 'de, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let FieldSeed { field, rec, ctx } = self;
        let borrow = ctx.borrow;
        match field {
            ObsField::Status
            | ObsField::EffectiveDateTime
            | ObsField::EffectiveInstant
            | ObsField::Issued
            | ObsField::ValueString => {
                field.put_str(rec, OptStr::deserialize(d)?.0);
            }
            ObsField::Code => CodeSeed {
                index: ctx.index,
                hits: &mut rec.hits,
            }
            .deserialize(d)?,
            ObsField::EffectivePeriod => {
                rec.effective_period_start = non_empty(PeriodStart::deserialize(d)?.0);
            }
            ObsField::ValueQuantity => {
                rec.value_quantity = Some(QtySeed { borrow }.deserialize(d)?);
            }
            ObsField::ValueCodeableConcept => {
                rec.value_concept = Some(ConceptParts::deserialize(d)?);
            }
            ObsField::ValueInteger => {
                rec.value_integer = NumSeed { borrow }
                    .deserialize(d)?
                    .filter(|r| !r.get().contains(['.', 'e', 'E']));
            }
            ObsField::Component => {
                rec.components = ComponentsSeed { borrow }.deserialize(d)?;
            }
            ObsField::ValueOther | ObsField::DataAbsentReason | ObsField::Other => {
                IgnoredAny::deserialize(d)?;
                field.mark_if_skipped(rec);
            }
        }
        Ok(())
    }
}

/// Reads the rest of an Observation (after `resourceType`).
pub(crate) fn read_observation<'de, A: MapAccess<'de>>(
    mut map: A,
    ctx: Ctx<'_>,
) -> Result<ObsRecord<'de>, A::Error> {
    let mut rec = ObsRecord::default();
    while let Some(field) = map.next_key_seed(KeySeed(obs_field))? {
        map.next_value_seed(FieldSeed {
            field,
            rec: &mut rec,
            ctx,
        })?;
    }
    Ok(rec)
}
