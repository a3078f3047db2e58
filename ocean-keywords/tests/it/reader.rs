//! Streaming: `extract_reader` agrees with `extract`, whatever the reader's chunk size; a BOM is
//! accepted; several pages behave as one Bundle.

use crate::support::fixtures;
use ocean_keywords::{ExtractErrorKind, Extractor, Rules, extract, extract_reader, prune_pages};
use serde_json::{Value, json};
use std::io::{self, Read};

/// A reader that returns at most `n` bytes per call.
struct Chunked<'a> {
    data: &'a [u8],
    n: usize,
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let k = self.n.min(buf.len()).min(self.data.len());
        buf[..k].copy_from_slice(&self.data[..k]);
        self.data = &self.data[k..];
        Ok(k)
    }
}

/// A reader that fails after `ok` bytes.
struct Failing<'a> {
    data: &'a [u8],
    ok: usize,
}

impl Read for Failing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.ok == 0 {
            return Err(io::Error::other("disk on fire"));
        }
        let k = self.ok.min(buf.len()).min(self.data.len());
        buf[..k].copy_from_slice(&self.data[..k]);
        self.data = &self.data[k..];
        self.ok -= k;
        Ok(k)
    }
}

#[test]
fn reader_equals_slice_on_every_fixture() {
    let rules = Rules::default();
    for (name, bytes) in fixtures() {
        let a = extract(&bytes).unwrap();
        let b = extract_reader(bytes.as_slice(), &rules).unwrap();
        assert_eq!(a, b, "{name}");
        for n in [1, 7, 4096] {
            let c = extract_reader(Chunked { data: &bytes, n }, &rules).unwrap();
            assert_eq!(a, c, "{name}, {n}-byte reads");
        }
    }
}

#[test]
fn bom_with_slice_and_reader() {
    let rules = Rules::default();
    let plain = ocean_keywords::SAMPLE_BUNDLE.as_bytes();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(plain);
    let a = extract(plain).unwrap();
    assert_eq!(extract(&bom).unwrap(), a);
    assert_eq!(extract_reader(bom.as_slice(), &rules).unwrap(), a);
    assert_eq!(
        extract_reader(
            Chunked {
                data: &bom,
                n: 4096
            },
            &rules
        )
        .unwrap(),
        a
    );
    // A BOM alone, or a BOM in the middle, is not JSON.
    assert!(extract(b"\xEF\xBB\xBF").is_err());
    assert!(extract(b" \xEF\xBB\xBF{}").is_err());
}

/// A BOM that arrives over several reads (a reader returning 1 or 2 bytes per call: a socket,
/// a decompressor) is accepted too: "a UTF-8 BOM is accepted" does not depend on the reader.
#[test]
fn bom_split_over_reads() {
    let rules = Rules::default();
    let plain = ocean_keywords::SAMPLE_BUNDLE.as_bytes();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(plain);
    let a = extract(plain).unwrap();
    for n in [1, 2] {
        let got = extract_reader(Chunked { data: &bom, n }, &rules);
        assert_eq!(
            got.as_ref().ok(),
            Some(&a),
            "{n}-byte reads: {:?}",
            got.as_ref().err()
        );
    }
}

#[test]
fn reader_errors_are_io_errors() {
    let rules = Rules::default();
    let bytes = ocean_keywords::SAMPLE_BUNDLE.as_bytes();
    for ok in [0, 1, 100, 5000] {
        let err = extract_reader(Failing { data: bytes, ok }, &rules).unwrap_err();
        assert_eq!(err.kind, ExtractErrorKind::Io, "after {ok} bytes");
    }
    // Syntax errors are reported the same way from a reader and from bytes.
    for bad in [
        &b"{\"resourceType\":\"Bundle\",\"entry\":[}"[..],
        b"{",
        b"[]",
        b"nope",
    ] {
        let a = extract(bad).unwrap_err();
        let b = extract_reader(bad, &rules).unwrap_err();
        assert_eq!(a.kind, b.kind, "{:?}", String::from_utf8_lossy(bad));
    }
}

/// Splits a Bundle's entries into pages of at most `size` entries; each page keeps the Bundle's
/// other members.
fn split_pages(bytes: &[u8], size: usize) -> Vec<Vec<u8>> {
    let v: Value = serde_json::from_slice(bytes).unwrap();
    let entries = v["entry"].as_array().cloned().unwrap_or_default();
    let mut pages = Vec::new();
    for chunk in entries.chunks(size.max(1)) {
        let mut page = v.clone();
        page["entry"] = Value::Array(chunk.to_vec());
        page["link"] = json!([{"relation":"next","url":"https://pos.example/fhir/next"}]);
        pages.push(serde_json::to_vec(&page).unwrap());
    }
    pages
}

#[test]
fn pages_behave_as_one_bundle() {
    let rules = Rules::default();
    for (name, bytes) in fixtures() {
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        if v["resourceType"] != "Bundle" {
            continue;
        }
        // Re-serialized so that one Bundle and its pages hold the same number texts.
        let whole = serde_json::to_vec(&v).unwrap();
        let one = extract(&whole).unwrap();
        for size in [1, 3, 10] {
            let pages = split_pages(&whole, size);
            let mut x = Extractor::new(&rules);
            for (i, p) in pages.iter().enumerate() {
                if i % 2 == 0 {
                    x.add_slice(p).unwrap();
                } else {
                    x.add_reader(Chunked { data: p, n: 13 }).unwrap();
                }
            }
            let many = x.finish();
            assert_eq!(many.values(), one.values(), "{name}, pages of {size}");
            let codes = |e: &ocean_keywords::Extraction| {
                let mut c: Vec<_> = e
                    .findings
                    .iter()
                    .map(|f| (f.code, f.severity, f.count))
                    .collect();
                c.sort_by_key(|t| (t.0, t.1));
                c
            };
            assert_eq!(codes(&many), codes(&one), "{name}, pages of {size}");
            // Pruning pages gives one Bundle with the same values.
            let refs: Vec<&[u8]> = pages.iter().map(Vec::as_slice).collect();
            let pruned = prune_pages(&refs, &rules).unwrap();
            assert_eq!(
                extract(&pruned.json).unwrap().values(),
                one.values(),
                "{name}, pruned pages of {size}"
            );
        }
    }
}

#[test]
fn later_pages_are_named_in_findings_and_references_cross_pages() {
    let rules = Rules::default();
    let p0 = serde_json::to_vec(&json!({"resourceType":"Bundle","type":"searchset","entry":[
        {"resource":{"resourceType":"MedicationStatement","status":"active",
            "medicationReference":{"reference":"Medication/m9"}}}]}))
    .unwrap();
    let p1 = serde_json::to_vec(&json!({"resourceType":"Bundle","type":"searchset","entry":[
        {"resource":{"resourceType":"Condition","code":"bad"}},
        {"fullUrl":"https://pos.example/fhir/Medication/m9",
         "resource":{"resourceType":"Medication","id":"m9","code":{"text":"Levothyroxine"}}}]}))
    .unwrap();
    let mut x = Extractor::new(&rules);
    x.add_slice(&p0).unwrap();
    x.add_slice(&p1).unwrap();
    let out = x.finish();
    assert_eq!(out.keyword("@ptCpp.rx"), Some("Levothyroxine"));
    let f = out
        .findings_with(ocean_keywords::FindingCode::ResourceInvalid)
        .next()
        .unwrap();
    let loc = f.resource.as_ref().unwrap();
    assert_eq!((loc.page, loc.entry), (1, Some(0)));
}

/// Issue 18: `entry` before a `resourceType` that says Bundle, after one that says Patient. The
/// slice read the entries and the reader dropped them; both read them now (an object with `entry`
/// is a Bundle wherever `entry` is).
#[test]
fn entry_between_two_resource_types_is_read_by_both_paths() {
    let input = br#"{"resourceType":"Patient","id":"p","entry":[{"resource":{"resourceType":"Condition","code":{"text":"A"}}}],"resourceType":"Bundle"}"#;
    let rules = ocean_keywords::Rules::default();
    let slice = ocean_keywords::extract(input).unwrap();
    let reader = ocean_keywords::extract_reader(&input[..], &rules).unwrap();
    assert_eq!(slice.keyword("@ptCpp.prob"), Some("A"));
    assert_eq!(slice, reader);
    // A second `entry` is read too, by both.
    let input = br#"{"resourceType":"Patient","entry":[{"resource":{"resourceType":"Condition","code":{"text":"A"}}}],"entry":[{"resource":{"resourceType":"Condition","code":{"text":"B"}}}]}"#;
    let slice = ocean_keywords::extract(input).unwrap();
    let reader = ocean_keywords::extract_reader(&input[..], &rules).unwrap();
    assert_eq!(slice.keyword("@ptCpp.prob"), Some("A\nB"));
    assert_eq!(slice, reader);
}

/// An entry with two `resource` members keeps the last, as serde_json's walk does, whichever of
/// them is an Observation (the fast path reads an Observation into a slot of the entry, which a
/// later `resource` must empty).
#[test]
fn an_entry_keeps_its_last_resource_observation_or_not() {
    let obs = r#"{"resourceType":"Observation","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"effectiveDateTime":"2020-01-02","valueQuantity":{"value":80,"unit":"kg"}}"#;
    let cond = r#"{"resourceType":"Condition","code":{"text":"A"}}"#;
    let claim = r#"{"resourceType":"Claim","status":"active"}"#;
    let rules = ocean_keywords::Rules::default();
    let read = |input: String| {
        let slice = ocean_keywords::extract(input.as_bytes()).unwrap();
        let reader = ocean_keywords::extract_reader(input.as_bytes(), &rules).unwrap();
        assert_eq!(slice, reader, "{input}");
        slice
    };
    let entry = |first: &str, last: &str| {
        read(format!(
            r#"{{"resourceType":"Bundle","entry":[{{"resource":{first},"fullUrl":"urn:uuid:1","resource":{last}}}]}}"#
        ))
    };
    let only = |r: &str| {
        read(format!(
            r#"{{"resourceType":"Bundle","entry":[{{"resource":{r}}}]}}"#
        ))
    };
    let weight = only(obs);
    assert!(weight.latest("wt").is_some());
    for other in [cond, claim] {
        let after = entry(obs, other);
        assert_eq!(after.latest("wt"), None);
        assert_eq!(
            after.keyword("@ptCpp.prob"),
            only(other).keyword("@ptCpp.prob")
        );
        assert_eq!(entry(other, obs).latest("wt"), weight.latest("wt"));
        assert_eq!(entry(other, obs).keyword("@ptCpp.prob"), None);
    }
    assert_eq!(entry(obs, obs).latest("wt"), weight.latest("wt"));
}
