//! Entry points: one Bundle (bytes, reader or `ocean_model::Bundle`), or several pages through an
//! [`Extractor`].

use crate::chunked;
use crate::engine::Engine;
use crate::error::{ExtractError, ExtractErrorKind};
use crate::output::Extraction;
use crate::readbuf::ReadBuf;
use crate::record::{ObsRecord, Parsed};
use crate::rules::Rules;
use crate::sink::{Ctx, Sink};
use crate::stream::TopSeed;
use crate::stream::fast;
use serde::de::DeserializeSeed;
use std::collections::BTreeSet;
use std::io::Read;

/// The reader's block: large reads, and entries are read where they stand in it (one cut by its
/// end is completed by topping the block up; only one longer than the block is copied out).
const READ_BUFFER: usize = 1 << 20;

/// Extracts with several pages of the same patient's `$everything` (Bundle `next` links), or from
/// a mix of bytes, readers and parsed Bundles. Pages are read in the order given and behave as one
/// Bundle: "Bundle order" runs across them, references resolve across them, and findings name the
/// page.
///
/// ```
/// use ocean_keywords::{Extractor, Rules};
/// let rules = Rules::default();
/// let mut x = Extractor::new(&rules);
/// x.add_slice(br#"{"resourceType":"Bundle","type":"searchset","entry":[
///   {"resource":{"resourceType":"Patient","gender":"female","birthDate":"1980-02-29"}}]}"#)?;
/// x.add_slice(br#"{"resourceType":"Bundle","type":"searchset","entry":[
///   {"resource":{"resourceType":"Observation","status":"final",
///     "code":{"coding":[{"system":"http://loinc.org","code":"8302-2"}]},
///     "effectiveDateTime":"2024-03-01","valueQuantity":{"value":170.0,"unit":"cm"}}}]}"#)?;
/// let out = x.finish();
/// assert_eq!(out.latest("ht"), Some(("170.0 cm", "2024-03-01")));
/// assert_eq!(out.demographics.unwrap().gender.as_deref(), Some("female"));
/// # Ok::<(), ocean_keywords::ExtractError>(())
/// ```
///
/// After an error the extractor holds whatever was read before it; discard it.
pub struct Extractor<'r> {
    engine: Engine<'r>,
    pages: usize,
}

impl<'r> Extractor<'r> {
    /// An extractor with these rules.
    pub fn new(rules: &'r Rules) -> Self {
        Self {
            engine: Engine::new(rules),
            pages: 0,
        }
    }

    fn next_page(&mut self, borrow: bool) {
        self.engine.start_page(self.pages, borrow);
        self.pages += 1;
    }

    /// Reads one page from bytes (a UTF-8 BOM is accepted). Strings are borrowed from `bytes`
    /// while they are examined; this is the fastest way in.
    pub fn add_slice(&mut self, bytes: &[u8]) -> Result<(), ExtractError> {
        self.next_page(true);
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        // UTF-8 is checked once for the whole input (fast), so strings need no check each.
        // Input that is not UTF-8 is an error; it is read the way a reader is, so that the error
        // is the same one (the first problem in the input, syntax or encoding).
        let Ok(text) = simdutf8::basic::from_utf8(bytes) else {
            return chunked::read_page(
                &mut self.engine,
                ReadBuf::new(bytes, bytes.len().min(READ_BUFFER)),
            );
        };
        // The fast path (entries found by the skipping scanner, unread types skipped at its
        // speed); a page without `entry` is a single resource, read the serde way. When the fast
        // path gives up, the page is malformed: it is read again the serde way (into a sink that
        // keeps nothing) for the error a full serde parse reports.
        match fast::page(text, &mut self.engine) {
            Ok(true) => Ok(()),
            Ok(false) => serde_page(text, &mut self.engine),
            Err(_) => {
                let mut null = NullSink {
                    ctx: self.engine.ctx(),
                };
                match serde_page(text, &mut null) {
                    Err(e) => Err(e),
                    // Not expected (the scanner refuses only what serde_json refuses; tested):
                    // the page was only partly read, so it must not pass as read.
                    Ok(()) => Err(ExtractError {
                        kind: ExtractErrorKind::Syntax,
                        line: 0,
                        column: 0,
                    }),
                }
            }
        }
    }

    /// Reads one page from a reader, in one pass, holding one `entry` at a time: memory does not
    /// grow with the Bundle. The reader is buffered internally. The result equals
    /// [`Extractor::add_slice`] on the same bytes; an error has the same kind, its position may
    /// differ by a column.
    pub fn add_reader<R: Read>(&mut self, reader: R) -> Result<(), ExtractError> {
        self.add_reader_with_block(reader, READ_BUFFER)
    }

    /// [`Extractor::add_reader`] with a block of `block` bytes (at least 4).
    fn add_reader_with_block<R: Read>(
        &mut self,
        reader: R,
        block: usize,
    ) -> Result<(), ExtractError> {
        // Entries are read in place from a block of text, like slice input.
        self.next_page(true);
        let mut reader = reader;
        // Skip a UTF-8 BOM, even when the reader hands out one byte at a time.
        let mut head = [0u8; 3];
        let mut got = 0;
        while got < head.len() {
            match reader.read(head.get_mut(got..).unwrap_or_default()) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => {
                    return Err(ExtractError {
                        kind: ExtractErrorKind::Io,
                        line: 0,
                        column: 0,
                    });
                }
            }
        }
        let head = head.get(..got).unwrap_or_default();
        let head = if head == b"\xEF\xBB\xBF" {
            &[][..]
        } else {
            head
        };
        let reader = ReadBuf::new(std::io::Read::chain(head, reader), block);
        chunked::read_page(&mut self.engine, reader)
    }

    /// Reads one page from a parsed Bundle (or any resource). It is serialized and read by the
    /// same code as bytes, so the rules are applied identically.
    pub fn add_bundle<T: ocean_model::json::FhirJson>(
        &mut self,
        bundle: &T,
    ) -> Result<(), ExtractError> {
        let bytes = ocean_model::json::to_vec(bundle).map_err(|_| ExtractError {
            kind: ExtractErrorKind::NotAResource,
            line: 0,
            column: 0,
        })?;
        self.add_slice(&bytes)
    }

    /// Ends the extraction.
    pub fn finish(self) -> Extraction {
        self.engine.finish().0
    }

    /// Ends the extraction, also returning the `(page, entry)` positions that contributed to it.
    pub(crate) fn finish_with_sources(self) -> (Extraction, BTreeSet<(usize, usize)>) {
        self.engine.finish()
    }
}

/// Extracts one Bundle from bytes with the default (seed) rules.
///
/// ```
/// let bundle = br#"{"resourceType":"Bundle","type":"searchset","entry":[
///   {"fullUrl":"urn:uuid:6a3b1f4e-2d1c-4b7a-9c0e-1f2a3b4c5d6e","resource":{
///     "resourceType":"AllergyIntolerance",
///     "code":{"text":"Penicillin"},
///     "reaction":[{"manifestation":[{"text":"Hives"}]}]}}]}"#;
/// let out = ocean_keywords::extract(bundle)?;
/// assert_eq!(out.keyword("@ptCpp.allg"), Some("Penicillin (Hives)"));
/// # Ok::<(), ocean_keywords::ExtractError>(())
/// ```
pub fn extract(bytes: &[u8]) -> Result<Extraction, ExtractError> {
    extract_with(bytes, &Rules::default())
}

/// Extracts one Bundle from bytes with the given rules.
pub fn extract_with(bytes: &[u8], rules: &Rules) -> Result<Extraction, ExtractError> {
    let mut x = Extractor::new(rules);
    x.add_slice(bytes)?;
    Ok(x.finish())
}

/// Extracts one Bundle from a reader (streaming; see [`Extractor::add_reader`]).
pub fn extract_reader<R: Read>(reader: R, rules: &Rules) -> Result<Extraction, ExtractError> {
    let mut x = Extractor::new(rules);
    x.add_reader(reader)?;
    Ok(x.finish())
}

/// [`extract_reader`] with a read block of `block` bytes instead of 1 MiB (at least 4), so that
/// tests and the fuzz target cut entries at block ends on small inputs. Not for production use:
/// the result is the same, only slower.
#[doc(hidden)]
pub fn extract_reader_with_block<R: Read>(
    reader: R,
    rules: &Rules,
    block: usize,
) -> Result<Extraction, ExtractError> {
    let mut x = Extractor::new(rules);
    x.add_reader_with_block(reader, block)?;
    Ok(x.finish())
}

/// Extracts a parsed Bundle (see [`Extractor::add_bundle`]).
pub fn extract_bundle(
    bundle: &ocean_model::Bundle,
    rules: &Rules,
) -> Result<Extraction, ExtractError> {
    let mut x = Extractor::new(rules);
    x.add_bundle(bundle)?;
    Ok(x.finish())
}

/// Reads a whole page with the serde visitors (a single resource; and the errors).
fn serde_page<K: Sink + ?Sized>(text: &str, sink: &mut K) -> Result<(), ExtractError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let result = TopSeed { sink }
        .deserialize(&mut de)
        .and_then(|()| de.end());
    result.map_err(|e| ExtractError::from_json(&e))
}

/// A sink that keeps nothing: reading into it only finds the error.
struct NullSink<'i> {
    ctx: Ctx<'i>,
}

impl Sink for NullSink<'_> {
    fn ctx(&self) -> Ctx<'_> {
        self.ctx
    }
    fn max_entry_bytes(&self) -> usize {
        usize::MAX
    }
    fn next_entry_index(&self) -> usize {
        0
    }
    fn set_next_entry_index(&mut self, _: usize) {}
    fn accept(&mut self, _: Parsed<'_>, _: Option<usize>, _: Option<&str>) {}
    fn accept_observation(&mut self, _: &ObsRecord<'_>, _: Option<usize>, _: Option<&str>) {}
    fn shape(&mut self, _: &'static str) {}
    fn shape_at(&mut self, _: usize, _: &'static str) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The serde path alone (what `add_slice` was before the fast path): the extraction as JSON,
    /// or the error.
    fn serde_only(bytes: &[u8]) -> Result<String, ExtractError> {
        let rules = Rules::default();
        let mut x = Extractor::new(&rules);
        x.next_page(true);
        let text = std::str::from_utf8(bytes).map_err(|_| ExtractError {
            kind: ExtractErrorKind::InvalidUtf8,
            line: 0,
            column: 0,
        })?;
        serde_page(text, &mut x.engine)?;
        Ok(serde_json::to_string(&x.finish()).unwrap_or_default())
    }

    fn fast(bytes: &[u8]) -> Result<String, ExtractError> {
        extract(bytes).map(|x| serde_json::to_string(&x).unwrap_or_default())
    }

    const PAGE: &str = r#"{"resourceType": "Bundle", "type": "searchset", "entry": [
      {"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Observation", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "8302-2"}]},
        "effectiveDateTime": "2024-03-01", "valueQuantity": {"value": 170.0, "unit": "cm"}}},
      {"resource": {"resourceType": "Claim", "total": {"value": -12.5e0}, "ok": [true, false, null],
        "note": "a \"b\" \\ \u00e9"}, "request": {"method": "POST"}},
      {"resource": {"status": "active", "resourceType": "Condition", "code": {"text": "Asthma"}}},
      {"resource": {"resourceType": "Patient", "gender": "female"}}, 7, []
    ], "total": 4}"#;

    /// Observations in the shapes the fast path reads member by member: every member the record
    /// reads, strings with and without escapes, an escaped member name, a repeated member,
    /// members of unexpected JSON types, unread members of every JSON type; `code` and
    /// `valueQuantity` in the shapes `stream::members` reads itself and in each shape it leaves
    /// to the serde seed.
    const OBS_PAGE: &str = r#"{"resourceType": "Bundle", "entry": [
      {"resource": {"resourceType": "Observation", "id": "bp", "status": "final",
        "meta": {"tag": [{"code": "x"}]}, "code": {"coding": [{"system": "http://loinc.org",
        "code": "35094-2"}], "text": "BP"}, "effectivePeriod": {"start": "2024-05-02T10:00:00Z"},
        "component": [{"code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]},
          "valueQuantity": {"value": 120, "unit": "mm[Hg]"}},
          {"code": {"coding": [{"system": "http://loinc.org", "code": "8462-4"}]},
          "valueQuantity": {"value": 80.0, "unit": "mm[Hg]"}}], "issued": "2024-05-02"}},
      {"resource": {"resourceType": "Observation", "sta\u0074us": "fin\u0061l", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
        "effectiveDateTime": "2024-05-01", "valueQuantity": {"value": 70.25, "unit": "kg"},
        "extension": [1, -2.5e3, true, null, "\"q\"", [], {}], "note": null}},
      {"resource": {"resourceType": "Observation", "status": ["final"], "code": "4548-4",
        "effectiveInstant": "2024-05-03T00:00:00Z", "valueString": "a \u00e9 b",
        "dataAbsentReason": {"text": "x"}, "valueBoolean": true, "valueInteger": 7}},
      {"resource": {"resourceType": "Observation", "status": "final", "code": {"text": "HR",
        "coding": [{"display": "x", "system": "urn:x", "system": "http://loinc.org", "code": "2947-0",
        "extension": [{"url": "u"}, 1]}, {}, {"code": " 8302-2 "}], "coding": [{"code": "2160-0"}]},
        "effectiveDateTime": "2023-01-01", "valueQuantity": {"comparator": "<", "value": -7.5e1,
        "value": 72, "unit": "mmol/L", "code": "mmol/L", "extension": [1, "a", null, {"b": []}]}}},
      {"resource": {"resourceType": "Observation", "status": "final", "code": {"coding": [7,
        {"code": "2947-0"}]}, "effectiveDateTime": "2022-01-01", "valueQuantity": {"value": "72"}}},
      {"resource": {"resourceType": "Observation", "status": "final", "code": {"coding":
        [{"system": null, "code": "2947-\u0030"}]}, "effectiveDateTime": "2021-01-01",
        "valueQuantity": {"value": 1.5e400, "unit": "b\u0070m", "code": 5}}},
      {"resource": {"resourceType": "Observation", "status": "final", "code": {"coding":
        {"code": "2947-0"}}, "effectiveDateTime": "2020-01-01", "valueQuantity": [72]}},
      {"resource": {"resourceType": "Observation", "status": "final", "code": {"coding": [{
        "system": "http://loinc.org", "code": "35094-2"}]}, "effectiveDateTime": "2023-02-01",
        "component": [{"valueQuantity": {"value": 1}}, {"code": {"coding": [{"system": "urn:x",
          "code": "8480-6"}, {"code": "1-1"}, {"system": "http://loinc.org", "code": " 8480-6"}],
          "coding": [{"code": "8462-4"}]}, "id": "c", "valueQuantity": {"value": 131, "unit":
          "mm[Hg]"}}, {"code": {"coding": [{"code": "8462-4", "display": "Dia"}]}, "code": {},
          "valueQuantity": {"value": 85}}, {"code": {"text": "x", "coding": [{"system": "",
          "code": "8462-4"}]}, "valueQuantity": {"value": 86, "unit": "mm[Hg]"}}, {}]}},
      {"resource": {"resourceType": "Observation", "status": "final", "code": {"coding": [{
        "code": "35094-2"}]}, "effectiveDateTime": "2022-02-01", "component": [1, {"code":
        {"coding": [{"code": "8480-6"}]}, "valueQuantity": {"value": 140}}]}},
      {"resource": {"resourceType": "Observation", "status": "final", "code": {"coding": [{
        "code": "35094-2"}]}, "effectiveDateTime": "2021-02-01", "component": [{"code":
        {"coding": {"code": "8480-6"}}}, {"code": {"coding": [3]}}, {"code": [],
        "valueQuantity": {"value": "1"}}]}}
    ]}"#;

    const PAGES: [&str; 2] = [PAGE, OBS_PAGE];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Any single-byte change anywhere in a page: the fast path and the serde path give the
        /// same extraction, or the same error (kind, line and column).
        #[test]
        fn same_as_the_serde_path(
            page in 0..PAGES.len(),
            at in 0..OBS_PAGE.len().max(PAGE.len()),
            byte in proptest::sample::select(b"\"\\{}[],: 0-e.tnfu\x01a/\nx".to_vec()),
        ) {
            let page = PAGES[page];
            let at = at % page.len();
            let mut b = page.as_bytes().to_vec();
            if let Some(slot) = b.get_mut(at) {
                *slot = byte;
            }
            prop_assert_eq!(fast(&b), serde_only(&b));
        }
    }

    /// The byte offset of a 1-based line and column (column 0: the line's newline).
    fn offset(b: &[u8], line: usize, column: usize) -> usize {
        let start = if line <= 1 {
            0
        } else {
            memchr::memchr_iter(b'\n', b)
                .nth(line - 2)
                .map_or(b.len(), |n| n + 1)
        };
        (start + column).saturating_sub(1)
    }

    /// The reader path with a block of `block` bytes (so that entries are cut by its end and
    /// completed by topping it up, or are longer than it and copied out).
    fn reader_with_block(bytes: &[u8], block: usize) -> Result<String, ExtractError> {
        let rules = Rules::default();
        let mut x = Extractor::new(&rules);
        x.next_page(true);
        chunked::read_page(&mut x.engine, ReadBuf::new(bytes, block))?;
        Ok(serde_json::to_string(&x.finish()).unwrap_or_default())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1500))]

        /// Any single-byte change, any block size: the reader gives the slice path's extraction,
        /// or an error of the same kind at the same place (give or take the documented byte).
        #[test]
        fn blocks_of_any_size_read_the_same(
            at in 0..PAGE.len(),
            byte in proptest::sample::select(b"\"\\{}[],: 0-e.tnfu\x01a/\nx\xc3\xff".to_vec()),
            block in 4usize..400,
        ) {
            let mut b = PAGE.as_bytes().to_vec();
            if let Some(slot) = b.get_mut(at) {
                *slot = byte;
            }
            match (fast(&b), reader_with_block(&b, block)) {
                (Ok(x), Ok(y)) => prop_assert_eq!(x, y),
                (Err(x), Err(y)) => {
                    prop_assert_eq!(x.kind, y.kind);
                    // Positions may differ by a byte (at or after the offending one).
                    let (a, c) = (offset(&b, x.line, x.column), offset(&b, y.line, y.column));
                    prop_assert!(a.abs_diff(c) <= 1, "slice {x:?}, reader {y:?}");
                }
                (x, y) => prop_assert!(false, "slice {x:?}, reader {y:?}"),
            }
        }
    }

    #[test]
    fn the_entry_limit_holds_when_it_falls_inside_a_character() {
        // An entry of 2-byte characters: every odd limit falls inside one.
        let note = "\u{e9}".repeat(200);
        let page = format!(
            r#"{{"resourceType":"Bundle","entry":[{{"resource":{{"resourceType":"Condition","note":[{{"text":"{note}"}}]}}}}]}}"#
        );
        let start = page.find(r#"{"resource""#).unwrap_or(0);
        let entry_len = page.len() - start - 2;
        // Inside the first, a middle and the last é of the note.
        let note_at = page.find('\u{e9}').unwrap_or(0) - start;
        for limit in [note_at + 1, note_at + 201, note_at + 399, entry_len - 1] {
            let rules = Rules::default().with_max_entry_bytes(limit);
            for block in [64, 1 << 20] {
                let e = extract_reader_with_block(page.as_bytes(), &rules, block).unwrap_err();
                assert!(
                    matches!(e.kind, ExtractErrorKind::TooLarge { entry: Some(0), .. }),
                    "limit {limit}, block {block}: {e:?}"
                );
            }
        }
        let rules = Rules::default().with_max_entry_bytes(entry_len);
        assert!(extract_reader_with_block(page.as_bytes(), &rules, 1 << 20).is_ok());
    }

    #[test]
    fn every_block_size_reads_the_unchanged_page() {
        let whole = fast(PAGE.as_bytes());
        for block in 4..PAGE.len() + 8 {
            assert_eq!(
                reader_with_block(PAGE.as_bytes(), block),
                whole,
                "block {block}"
            );
        }
    }

    /// Every public fixture in `testdata/` (Synthea, Inferno, HL7 and Ocean samples) and the
    /// crate's sample `$everything`: the fast
    /// path gives the serde path's extraction, so the member reads agree on real data too.
    #[test]
    fn real_fixtures_read_the_same_as_the_serde_path() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "json") {
                    out.push(p);
                }
            }
        }
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        walk(&here.join("../testdata"), &mut files);
        walk(&here.join("samples"), &mut files);
        assert!(files.len() >= 10, "fixtures found: {}", files.len());
        let mut observations = 0;
        for f in files {
            let bytes = std::fs::read(&f).unwrap();
            observations += memchr::memmem::find_iter(&bytes, b"\"Observation\"").count();
            assert_eq!(fast(&bytes), serde_only(&bytes), "{}", f.display());
        }
        assert!(
            observations > 100,
            "Observations in the fixtures: {observations}"
        );
    }

    #[test]
    fn unchanged_page_reads_the_same() {
        for page in PAGES {
            assert_eq!(fast(page.as_bytes()), serde_only(page.as_bytes()));
            assert!(fast(page.as_bytes()).is_ok());
        }
        // The Observations page is read, not skipped: its values reach the keywords.
        let out = extract(OBS_PAGE.as_bytes()).unwrap();
        assert_eq!(out.latest("bp"), Some(("120/80.0 mm[Hg]", "2024-05-02")));
        assert_eq!(out.latest("wt"), Some(("70.25 kg", "2024-05-01")));
        assert_eq!(out.latest("na"), Some(("<72 mmol/L", "2023-01-01")));
    }
}
