//! Property tests over Bundles built from a small vocabulary: Observations with seed, near-miss
//! and unrelated codes, dates of every precision and offset, values of every type (quantities
//! keep their decimal text); Conditions, allergies (with and without narrative),
//! MedicationStatements (concept, contained, `urn:uuid`, bare UUID and `Medication/id`
//! references, unresolvable ones) with Medication entries, Immunizations, Patients and
//! DocumentReferences.
//!
//! Properties:
//! * pruning keeps the values: `extract(prune(b)).values() == extract(b).values()`, and pruning
//!   again keeps every entry;
//! * entry order does not matter (when no two candidates for a row have the same instant, which
//!   the generator guarantees for that property): latest values and dates are equal, list
//!   keywords are equal as multisets of items, demographics equal with one Patient, attachments
//!   equal as a multiset;
//! * adding `entered-in-error` copies of observations (with a later date) and excluded copies of
//!   list resources changes nothing;
//! * the reader, one byte at a time, agrees with the slice; pages agree with one Bundle.
//!
//! The generators: `resources` (one resource each) and `bundles` (entries and Bundles of them).

mod bundles;
mod member_order;
mod resources;
mod skipped;

use crate::support::{OneByte, check_invariants};
use bundles::{
    bundle_of, count_type, distinct_dates, entries, entry, excluded_copy, order_free,
    shuffled_entries,
};
use ocean_keywords::{Extractor, Rules, extract, extract_reader, prune, prune_pages};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use resources::{clean, num, opt_str};
use serde_json::{Value, json};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `extract(prune(b)).values() == extract(b).values()`; pruning a pruned Bundle keeps every
    /// entry; `total` and `link` are dropped.
    #[test]
    fn prune_keeps_the_values(entries in shuffled_entries(2)) {
        let rules = Rules::default();
        let b = bundle_of(&entries);
        let before = extract(&b).unwrap();
        let pruned = prune(&b, &rules).unwrap();
        prop_assert_eq!(pruned.entries_before, entries.len());
        let after = extract(&pruned.json).unwrap();
        prop_assert_eq!(after.values(), before.values());
        let again = prune(&pruned.json, &rules).unwrap();
        prop_assert_eq!(again.entries_after, pruned.entries_after, "pruning is not minimal");
        prop_assert_eq!(&again.json, &pruned.json);
        let v: Value = serde_json::from_slice(&pruned.json).unwrap();
        prop_assert!(v.get("total").is_none() && v.get("link").is_none());
    }

    /// Entry order does not change latest values, list items (as multisets), demographics (one
    /// Patient) or attachments (as a multiset), when no two Observations share an instant.
    #[test]
    fn extraction_is_independent_of_entry_order(
        (original, permuted) in entries(1).prop_flat_map(|mut e| {
            distinct_dates(&mut e);
            (Just(e.clone()), Just(e).prop_shuffle())
        })
    ) {
        let a = extract(&bundle_of(&original)).unwrap();
        let b = extract(&bundle_of(&permuted)).unwrap();
        prop_assert_eq!(order_free(&a), order_free(&b));
        if count_type(&original, "Patient") == 1 {
            prop_assert_eq!(&a.demographics, &b.demographics);
        }
    }

    /// Adding entered-in-error copies (Observations with a later date and another value;
    /// excluded copies of list resources) anywhere changes nothing Ocean shows.
    #[test]
    fn excluded_copies_change_nothing(
        entries in shuffled_entries(2),
        positions in prop::collection::vec(any::<Index>(), 40),
    ) {
        let before = extract(&bundle_of(&entries)).unwrap();
        let mut with_copies = entries.clone();
        let copies: Vec<Value> = entries
            .iter()
            .filter_map(|e| excluded_copy(&e["resource"]))
            .map(entry)
            .collect();
        for (i, c) in copies.into_iter().enumerate() {
            let at = positions[i % positions.len()].index(with_copies.len() + 1);
            with_copies.insert(at, c);
        }
        let after = extract(&bundle_of(&with_copies)).unwrap();
        prop_assert_eq!(after.values(), before.values());
    }

    /// The reader (whole, and one byte at a time) agrees with the slice, and the fuzz target's
    /// invariants hold.
    #[test]
    fn reader_agrees_with_slice(entries in shuffled_entries(2)) {
        let b = bundle_of(&entries);
        let a = extract(&b).unwrap();
        let r = extract_reader(OneByte(&b), &Rules::default()).unwrap();
        prop_assert_eq!(&a, &r);
        check_invariants(&b, "generated bundle");
    }

    /// Pages read one after the other give the values of one Bundle, and prune to a Bundle with
    /// the same values.
    #[test]
    fn pages_agree_with_one_bundle(
        entries in shuffled_entries(2),
        cuts in prop::collection::vec(any::<Index>(), 0..4),
    ) {
        let rules = Rules::default();
        let whole = extract(&bundle_of(&entries)).unwrap();
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(entries.len() + 1)).collect();
        cuts.push(0);
        cuts.push(entries.len());
        cuts.sort_unstable();
        let pages: Vec<Vec<u8>> = cuts
            .windows(2)
            .map(|w| bundle_of(&entries[w[0]..w[1]]))
            .collect();
        let mut x = Extractor::new(&rules);
        for p in &pages {
            x.add_slice(p).unwrap();
        }
        let paged = x.finish();
        prop_assert_eq!(paged.values(), whole.values());
        let refs: Vec<&[u8]> = pages.iter().map(Vec::as_slice).collect();
        let pruned = prune_pages(&refs, &rules).unwrap();
        prop_assert_eq!(pruned.entries_before, entries.len());
        let pruned_out = extract(&pruned.json).unwrap();
        prop_assert_eq!(pruned_out.values(), whole.values());
    }

    /// Any JSON number text is shown exactly as written.
    #[test]
    fn quantity_text_is_exact(
        number in "-?(0|[1-9][0-9]{0,8})(\\.[0-9]{1,6})?([eE][+-]?[0-9]{1,2})?",
        unit in prop::option::of("[a-zA-Z/%\\[\\]]{1,8}"),
    ) {
        let o = clean(json!({"resourceType":"Observation","status":"final",
            "code":{"coding":[{"system":"http://loinc.org","code":"2947-0"}]},
            "effectiveDateTime":"2024-01-01",
            "valueQuantity":{"value":num(&number),"unit":opt_str(unit.as_deref())}}));
        let out = extract(&bundle_of(&[entry(o)])).unwrap();
        let expected = match &unit {
            Some(u) => format!("{number} {u}"),
            None => number.clone(),
        };
        prop_assert_eq!(out.keyword("@ptLatestVal.na"), Some(expected.as_str()));
    }

    /// An allergy narrative of plain words is its text with whitespace collapsed.
    #[test]
    fn narrative_plain_words(words in prop::collection::vec("[A-Za-z0-9.,()-]{1,12}", 1..6),
                             seps in prop::collection::vec(select(&[" ", "\n  ", "</p><p>", "<br/>", "<!-- c -->  "][..]), 6)) {
        let mut div = String::from("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>");
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                div.push_str(seps[i % seps.len()]);
            }
            div.push_str(w);
        }
        div.push_str("</p></div>");
        let a = json!({"resourceType":"AllergyIntolerance","text":{"status":"generated","div":div},"code":{"text":"X"}});
        let out = extract(&bundle_of(&[entry(a)])).unwrap();
        // A comment glued between words removes nothing else: words separated by it may join.
        let got = out.keyword("@ptCpp.allg").unwrap().to_owned();
        let squashed: String = words.concat();
        prop_assert_eq!(got.replace(' ', ""), squashed);
        prop_assert!(!got.contains("  ") && !got.contains('\n') && got.trim() == got);
    }
}

/// The generators reach the rules the properties are about (so the properties are not vacuous):
/// over a few hundred generated Bundles, every list keyword, several latest rows (including a
/// blood pressure from components and a value with a comparator), resolved medication references,
/// demographics and attachments all appear, and pruning drops entries.
#[test]
fn generators_reach_the_rules() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = shuffled_entries(2);
    let rules = Rules::default();
    let mut seen: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut bump = |k: &'static str, yes: bool| {
        if yes {
            *seen.entry(k).or_default() += 1;
        }
    };
    for _ in 0..300 {
        let entries = strategy.new_tree(&mut runner).unwrap().current();
        let b = bundle_of(&entries);
        let x = extract(&b).unwrap();
        for kw in [
            "@ptCpp.allg",
            "@ptCpp.prob",
            "@ptCpp.pmhx",
            "@ptCpp.immu",
            "@ptCpp.rx",
            "@ptLatestVal.ht",
            "@ptLatestVal.wt",
            "@ptLatestVal.bp",
            "@ptLatestVal.cr",
            "@ptLatestVal.na",
            "@ptLatestVal.a1c",
        ] {
            bump(kw, x.keyword(kw).is_some());
        }
        bump(
            "bp components",
            x.keyword("@ptLatestVal.bp")
                .is_some_and(|v| v.contains('/')),
        );
        bump(
            "comparator",
            x.keywords
                .values()
                .any(|v| v.starts_with('<') || v.starts_with(">=")),
        );
        bump(
            "decimal text 1.50",
            x.keywords.values().any(|v| v.starts_with("1.50")),
        );
        bump(
            "medication via reference",
            x.keyword("@ptCpp.rx").is_some_and(|v| {
                entries
                    .iter()
                    .any(|e| e["resource"]["resourceType"] == "Medication")
                    && !entries.iter().any(|e| {
                        e["resource"]["medicationCodeableConcept"].is_object()
                            || e["resource"]["contained"].is_array()
                    })
                    && !v.is_empty()
            }),
        );
        bump(
            "narrative",
            x.keyword("@ptCpp.allg")
                .is_some_and(|v| v.contains("amoxicillin")),
        );
        bump("demographics", x.demographics.is_some());
        bump("attachments", !x.attachments.is_empty());
        bump(
            "duplicates",
            x.findings_with(ocean_keywords::FindingCode::ItemDuplicate)
                .next()
                .is_some(),
        );
        let p = prune(&b, &rules).unwrap();
        bump("pruned something", p.entries_after < p.entries_before);
    }
    let expected = 20;
    assert_eq!(seen.len(), expected, "{seen:#?}");
    assert!(seen.values().all(|&n| n >= 3), "{seen:#?}");
}
