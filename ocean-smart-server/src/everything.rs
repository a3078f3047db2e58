//! `GET {base}/fhir/Patient/{id}/$everything`: one `searchset` Bundle, written while the
//! vendor's [`crate::PatientSource`] stream is read, never held whole in memory.
//!
//! # What is written
//! `{"resourceType":"Bundle","type":"searchset","entry":[…]}`, each entry
//! `{"fullUrl":"{FHIR base}/{type}/{id}","resource":…,"search":{"mode":"match"}}` with the
//! resource bytes exactly as the source gave them. No `total` (unknown until the end) and no
//! `next` link: Ocean's paging is unconfirmed, so the Bundle is complete.
//!
//! # Which resources
//! After the access rule of [`crate::resource`], the first item must be the Patient `{id}`
//! (else HTTP 500, nothing sent). Each later item is kept when all hold:
//! - `_type` and `_since` (`ocean_smart::everything::EverythingParams::includes`; a resource
//!   without `meta.lastUpdated` passes `_since`);
//! - the granted scopes fully grant searching its type;
//! - with [`crate::ServerConfig::ocean_types_only`], Ocean processes its type
//!   (`ocean_smart::everything::is_processed`). Pruning to the exact entries Ocean's keywords
//!   use (`ocean_keywords::prune`) needs the whole Bundle at once, so it is not done here.
//!
//! `_count` caps the number of entries (the Patient included); the source is then no longer
//! read. `start` and `end` go to the source, which alone knows which date of a resource is in
//! the care period. An invalid parameter is HTTP 400 before anything is read.
//!
//! # Failures while streaming
//! Once the status line is sent, a failure (the source's error, an item that is not a JSON
//! object with `resourceType`) cannot become an error status: the connection is closed
//! without the closing `]}`, so the client sees invalid JSON rather than a complete-looking
//! Bundle with data missing. It is logged.
//!
//! # Report
//! Each request logs one line at its end (`tracing`, target `ocean_smart_server::everything`):
//! patient id, entries written, items dropped, bytes, milliseconds, and whether it completed.
//! No resource content.

use std::borrow::Cow;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use futures_util::StreamExt as _;
use ocean_smart::ScopeSet;
use ocean_smart::everything::{EverythingParams, is_processed};
use ocean_smart::scope::{Grant, Interaction};

use crate::head::ResourceHead;
use crate::oauth::operation_outcome;
use crate::resource::{authorize_patient, fhir_json};
use crate::server::SmartServer;
use crate::vendor::{ResourceStream, SourceError, SourceItem};

/// Which items are kept (module rules), with the per-type scope decision cached.
struct Filter {
    params: EverythingParams,
    scopes: ScopeSet,
    ocean_only: bool,
    decided: Vec<(String, bool)>,
}

impl Filter {
    fn keep(&mut self, head: &ResourceHead<'_>) -> bool {
        let t = head.resource_type.as_ref();
        let by_type = match self.decided.iter().find(|(name, _)| name == t) {
            Some((_, keep)) => *keep,
            None => {
                let keep = (!self.ocean_only || is_processed(t))
                    && self.scopes.grant(t, Interaction::Search, true) == Grant::Full;
                self.decided.push((t.to_owned(), keep));
                keep
            }
        };
        by_type && self.params.includes(t, head.last_updated())
    }
}

/// The per-request report (module docs), logged when the body ends or is dropped.
struct Report {
    patient: String,
    entries: u64,
    dropped: u64,
    bytes: u64,
    started: Instant,
    completed: bool,
    truncated: bool,
}

impl Drop for Report {
    fn drop(&mut self) {
        let ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        if self.completed {
            tracing::info!(
                patient = %self.patient, entries = self.entries, dropped = self.dropped,
                bytes = self.bytes, ms, truncated_by_count = self.truncated,
                "$everything served"
            );
        } else {
            tracing::warn!(
                patient = %self.patient, entries = self.entries, dropped = self.dropped,
                bytes = self.bytes, ms,
                "$everything ended early (client gone or source failed)"
            );
        }
    }
}

enum Phase {
    Open(SourceItem),
    Entries,
    Done,
}

struct Writer {
    source: ResourceStream,
    filter: Filter,
    base: String,
    limit: Option<u64>,
    report: Report,
    phase: Phase,
}

fn entry(base: &str, head: &ResourceHead<'_>, item: &SourceItem, first: bool) -> Bytes {
    let json = &item.json;
    let mut out = Vec::with_capacity(json.len() + base.len() + 96);
    if !first {
        out.push(b',');
    }
    out.push(b'{');
    let url = match (&item.full_url, &head.id) {
        (Some(u), _) => Some(u.clone()),
        (None, Some(id)) => Some(format!("{base}/{}/{id}", head.resource_type)),
        (None, None) => None,
    };
    if let Some(url) = url {
        // A JSON string, escaped: ids and URLs are not trusted to be clean.
        if let Ok(quoted) = serde_json::to_string(&url) {
            out.extend_from_slice(b"\"fullUrl\":");
            out.extend_from_slice(quoted.as_bytes());
            out.push(b',');
        }
    }
    out.extend_from_slice(b"\"resource\":");
    out.extend_from_slice(json);
    out.extend_from_slice(br#","search":{"mode":"match"}}"#);
    Bytes::from(out)
}

const OPEN: &[u8] = br#"{"resourceType":"Bundle","type":"searchset","entry":["#;
const CLOSE: &[u8] = b"]}";

impl Writer {
    /// The next chunk of the body, `None` at the end.
    async fn next_chunk(&mut self) -> Option<Result<Bytes, SourceError>> {
        loop {
            match std::mem::replace(&mut self.phase, Phase::Done) {
                Phase::Done => return None,
                Phase::Open(patient) => {
                    self.phase = Phase::Entries;
                    let head = ResourceHead::read(&patient.json)?;
                    let e = entry(&self.base, &head, &patient, true);
                    let mut out = Vec::with_capacity(OPEN.len() + e.len());
                    out.extend_from_slice(OPEN);
                    out.extend_from_slice(&e);
                    self.report.entries = 1;
                    return Some(Ok(self.count(Bytes::from(out))));
                }
                Phase::Entries => {}
            }
            if self.limit.is_some_and(|l| self.report.entries >= l) {
                self.report.truncated = true;
                return Some(Ok(self.close()));
            }
            match self.source.next().await {
                None => return Some(Ok(self.close())),
                Some(Err(e)) => {
                    tracing::error!(error = %e, patient = %self.report.patient, "$everything source failed mid-stream");
                    return Some(Err(e));
                }
                Some(Ok(item)) => {
                    let Some(head) = ResourceHead::read(&item.json) else {
                        tracing::error!(patient = %self.report.patient, "$everything source yielded an item that is not a resource");
                        return Some(Err(SourceError(Cow::Borrowed(
                            "item is not a JSON resource",
                        ))));
                    };
                    self.phase = Phase::Entries;
                    if self.filter.keep(&head) {
                        self.report.entries += 1;
                        let e = entry(&self.base, &head, &item, false);
                        return Some(Ok(self.count(e)));
                    }
                    self.report.dropped += 1;
                }
            }
        }
    }

    fn close(&mut self) -> Bytes {
        self.phase = Phase::Done;
        self.report.completed = true;
        self.count(Bytes::from_static(CLOSE))
    }

    fn count(&mut self, b: Bytes) -> Bytes {
        self.report.bytes += u64::try_from(b.len()).unwrap_or(u64::MAX);
        b
    }
}

pub(crate) async fn everything(
    State(s): State<SmartServer>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let started = Instant::now();
    let scopes = match authorize_patient(&s, &headers, &id).await {
        Ok(sc) => sc,
        Err(r) => return r,
    };
    let params = match EverythingParams::parse(query.as_deref().unwrap_or_default()) {
        Ok(p) => p,
        Err(e) => {
            return operation_outcome(StatusCode::BAD_REQUEST, "invalid", &e.to_string());
        }
    };
    let inner = &s.inner;
    let mut source = match inner.source.everything(&id, &params).await {
        Ok(Some(st)) => st,
        Ok(None) => {
            return operation_outcome(StatusCode::NOT_FOUND, "not-found", "no such Patient");
        }
        Err(e) => {
            tracing::error!(error = %e, patient = %id, "$everything source failed");
            return operation_outcome(
                StatusCode::INTERNAL_SERVER_ERROR,
                "exception",
                "patient source failed",
            );
        }
    };
    let first = match source.next().await {
        Some(Ok(b)) => b,
        Some(Err(e)) => {
            tracing::error!(error = %e, patient = %id, "$everything source failed");
            return operation_outcome(
                StatusCode::INTERNAL_SERVER_ERROR,
                "exception",
                "patient source failed",
            );
        }
        None => SourceItem::from(Bytes::new()),
    };
    let is_patient = ResourceHead::read(&first.json)
        .is_some_and(|h| h.resource_type == "Patient" && h.id.as_deref() == Some(id.as_str()));
    if !is_patient {
        tracing::error!(patient = %id, "$everything source did not yield the Patient first");
        return operation_outcome(
            StatusCode::INTERNAL_SERVER_ERROR,
            "exception",
            "patient source did not yield the Patient first",
        );
    }
    let writer = Writer {
        source,
        filter: Filter {
            params: params.clone(),
            scopes,
            ocean_only: inner.config.ocean_types_only,
            decided: Vec::new(),
        },
        base: inner.config.fhir_base().trim_end_matches('/').to_owned(),
        limit: params.count().map(u64::from),
        report: Report {
            patient: id,
            entries: 0,
            dropped: 0,
            bytes: 0,
            started,
            completed: false,
            truncated: false,
        },
        phase: Phase::Open(first),
    };
    let body = futures_util::stream::unfold(writer, |mut w| async move {
        w.next_chunk().await.map(|chunk| (chunk, w))
    });
    fhir_json(StatusCode::OK, Body::from_stream(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{Value, json};

    const TYPES: [&str; 4] = ["Observation", "Condition", "Encounter", "Claim"];
    const SCOPES: [&str; 3] = [
        "patient/*.read",
        "patient/Patient.read patient/Observation.rs",
        "user/*.read patient/Condition.read",
    ];

    #[derive(Debug, Clone)]
    struct Item {
        ty: usize,
        id: Option<String>,
        updated: Option<u8>,
    }

    fn updated_text(day: u8) -> String {
        format!("2024-01-{:02}T00:00:00Z", 1 + day % 28)
    }

    fn resource(item: &Item) -> Value {
        let mut r = json!({ "resourceType": TYPES[item.ty], "status": "final" });
        if let Some(id) = &item.id {
            r["id"] = json!(id);
        }
        if let Some(d) = item.updated {
            r["meta"] = json!({ "lastUpdated": updated_text(d) });
        }
        r
    }

    fn item() -> impl Strategy<Value = Item> {
        (
            0..TYPES.len(),
            proptest::option::of("[a-z0-9\"\\\\.-]{1,6}"),
            proptest::option::of(0u8..28),
        )
            .prop_map(|(ty, id, updated)| Item { ty, id, updated })
    }

    fn run(
        items: &[Item],
        query: &str,
        scopes: &str,
        ocean_only: bool,
    ) -> (Vec<u8>, EverythingParams) {
        let params = EverythingParams::parse(query).unwrap();
        let patient = SourceItem::from(Bytes::from_static(
            br#"{"resourceType":"Patient","id":"p1"}"#,
        ));
        let source: Vec<Result<SourceItem, SourceError>> = items
            .iter()
            .map(|i| {
                Ok(SourceItem::from(Bytes::from(
                    serde_json::to_vec(&resource(i)).unwrap(),
                )))
            })
            .collect();
        let mut w = Writer {
            source: Box::pin(futures_util::stream::iter(source)),
            filter: Filter {
                params: params.clone(),
                scopes: ScopeSet::parse(scopes),
                ocean_only,
                decided: Vec::new(),
            },
            base: "https://pos.example/fhir".into(),
            limit: params.count().map(u64::from),
            report: Report {
                patient: "p1".into(),
                entries: 0,
                dropped: 0,
                bytes: 0,
                started: Instant::now(),
                completed: false,
                truncated: false,
            },
            phase: Phase::Open(patient),
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut out = Vec::new();
        rt.block_on(async {
            while let Some(chunk) = w.next_chunk().await {
                out.extend_from_slice(&chunk.unwrap());
            }
        });
        (out, params)
    }

    proptest! {
        /// The body is one valid Bundle: the Patient, then exactly the items the module rules
        /// keep, verbatim and in order, capped by `_count`.
        #[test]
        fn streamed_bundle_is_valid_and_keeps_exactly_the_rule(
            items in proptest::collection::vec(item(), 0..30),
            types in proptest::option::of(proptest::collection::vec(0..TYPES.len(), 1..3)),
            since in proptest::option::of(0u8..28),
            count in proptest::option::of(1u32..20),
            scope in 0..SCOPES.len(),
            ocean_only in any::<bool>(),
        ) {
            let mut query = Vec::new();
            if let Some(t) = &types {
                let names: Vec<&str> = t.iter().map(|i| TYPES[*i]).collect();
                query.push(format!("_type={}", names.join(",")));
            }
            if let Some(d) = since {
                query.push(format!("_since={}", updated_text(d)));
            }
            if let Some(c) = count {
                query.push(format!("_count={c}"));
            }
            let (body, _) = run(&items, &query.join("&"), SCOPES[scope], ocean_only);
            let bundle: Value = serde_json::from_slice(&body).unwrap();
            let entries = bundle["entry"].as_array().unwrap();
            prop_assert_eq!(&entries[0]["resource"]["resourceType"], "Patient");
            prop_assert_eq!(&entries[0]["fullUrl"], "https://pos.example/fhir/Patient/p1");
            let granted = ScopeSet::parse(SCOPES[scope]);
            let mut expected: Vec<Value> = items
                .iter()
                .filter(|i| {
                    let t = TYPES[i.ty];
                    types.as_ref().is_none_or(|ts| ts.iter().any(|x| TYPES[*x] == t))
                        && (!ocean_only || is_processed(t))
                        && granted.grant(t, Interaction::Search, true) == Grant::Full
                        && match (since, i.updated) {
                            (Some(s), Some(u)) => u >= s,
                            _ => true,
                        }
                })
                .map(resource)
                .collect();
            if let Some(c) = count {
                expected.truncate(c as usize - 1);
            }
            let got: Vec<Value> = entries[1..].iter().map(|e| e["resource"].clone()).collect();
            prop_assert_eq!(got, expected);
            for e in &entries[1..] {
                if let Some(id) = e["resource"]["id"].as_str() {
                    let t = e["resource"]["resourceType"].as_str().unwrap();
                    prop_assert_eq!(
                        e["fullUrl"].as_str().unwrap(),
                        format!("https://pos.example/fhir/{t}/{id}")
                    );
                }
            }
        }
    }

    #[test]
    fn a_bad_item_ends_the_body_without_closing_it() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let source: Vec<Result<SourceItem, SourceError>> =
            vec![Ok(SourceItem::from(Bytes::from_static(b"not json")))];
        let mut w = Writer {
            source: Box::pin(futures_util::stream::iter(source)),
            filter: Filter {
                params: EverythingParams::new(),
                scopes: ScopeSet::parse("patient/*.read"),
                ocean_only: false,
                decided: Vec::new(),
            },
            base: "b".into(),
            limit: None,
            report: Report {
                patient: "p1".into(),
                entries: 0,
                dropped: 0,
                bytes: 0,
                started: Instant::now(),
                completed: false,
                truncated: false,
            },
            phase: Phase::Open(SourceItem::from(Bytes::from_static(
                br#"{"resourceType":"Patient","id":"p1"}"#,
            ))),
        };
        rt.block_on(async {
            assert!(w.next_chunk().await.unwrap().is_ok());
            assert!(w.next_chunk().await.unwrap().is_err());
            assert!(w.next_chunk().await.is_none());
        });
        assert!(!w.report.completed);
    }
}
