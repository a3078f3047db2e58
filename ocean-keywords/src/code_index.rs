//! The code index: which `@ptLatestVal` row or near-miss each tracked LOINC code feeds, built once
//! per extraction from the [`Rules`] and consulted by the reader for every Observation coding.

use crate::loinc::NearMiss;
use crate::rules::Rules;
use fnv::FnvHashMap;

/// What a tracked code feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// A `@ptLatestVal` row (index into [`Rules::latest_rules`]).
    Latest(usize),
    /// A near-miss code.
    NearMiss(&'static NearMiss),
}

/// Code → target, built once per extraction from the rules.
#[derive(Debug, Default)]
pub(crate) struct CodeIndex {
    /// FNV-1a (`fnv`): codes are a few ASCII bytes, and SipHash's DoS resistance buys nothing
    /// for a table built from our own rules.
    map: FnvHashMap<String, Target>,
}

impl CodeIndex {
    /// The index of these rules: seed codes and aliases, then the near-misses still reported.
    pub(crate) fn new(rules: &Rules) -> Self {
        let mut map = FnvHashMap::default();
        for (i, r) in rules.latest_rules().iter().enumerate() {
            for c in r.codes() {
                map.insert(c.clone(), Target::Latest(i));
            }
        }
        for n in rules.near_misses() {
            map.entry(n.code.to_owned()).or_insert(Target::NearMiss(n));
        }
        Self { map }
    }

    /// What a code (trimmed by the caller) feeds, if anything.
    pub(crate) fn get(&self, code: &str) -> Option<Target> {
        self.map.get(code).copied()
    }
}
