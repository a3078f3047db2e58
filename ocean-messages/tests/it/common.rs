//! Shared helpers: the real Ocean fixtures, JSON surgery, a deterministic builder.

use ocean_messages::build::{FixedClock, Outbound, PosSystem, SequentialIds};
use ocean_messages::{Message, OceanSite, Received, parse};
use ocean_model::OceanBase;
use serde_json::Value;
use time::macros::datetime;

/// Ocean v0.11.1 `add-service-request` (16.7 kB).
pub const BACK_PAIN: &[u8] =
    include_bytes!("../../../testdata/ocean/ereferral_back_pain.bundle.json");
/// Ocean v0.11.1 `add-service-request` (19.9 kB, with a note without text).
pub const MISC: &[u8] =
    include_bytes!("../../../testdata/ocean/ereferral_miscellaneous.bundle.json");

pub fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap()
}

pub fn to_bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

/// Parses bytes that must be a supported message.
pub fn supported(bytes: &[u8]) -> Message {
    match parse(bytes) {
        Ok(Received::Supported(m)) => *m,
        other => panic!("expected a supported message, got {other:?}"),
    }
}

/// The site of the fixtures (Ocean on a development host, site 1234).
pub fn site() -> OceanSite {
    OceanSite::new(OceanBase::Custom("http://localhost:8081".into()), "1234").unwrap()
}

pub fn pos() -> PosSystem {
    PosSystem::new("Acme EMR", "https://emr.example.org/ocean/$process-message")
        .unwrap()
        .with_software("acme-emr", "4.2.0")
}

/// A deterministic builder: ids `…0001`, `…0002`, ..., clock 2025-06-02 10:15:30.250 -04:00.
pub fn outbound<'a>(m: &'a Message, site: &'a OceanSite, pos: &'a PosSystem) -> Outbound<'a> {
    Outbound::new(m, site, pos)
        .unwrap()
        .with_ids(SequentialIds::new())
        .with_clock(FixedClock::new(datetime!(2025-06-02 10:15:30.250 -4)))
}

/// Index of the first entry whose resource has this type.
pub fn entry_of(v: &Value, resource_type: &str) -> usize {
    v["entry"]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["resource"]["resourceType"] == resource_type)
        .unwrap()
}

/// Sets the MessageHeader event code.
pub fn set_event(v: &mut Value, code: &str) {
    v["entry"][0]["resource"]["eventCoding"]["code"] = Value::from(code);
    v["entry"][0]["resource"]["eventCoding"]["display"] = Value::from(code);
}
