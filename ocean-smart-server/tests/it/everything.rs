//! `$everything` parameters, scope filtering and streaming.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use futures_util::StreamExt as _;
use ocean_smart::everything::EverythingParams;
use ocean_smart_server::{
    BoxFuture, MemoryStore, PatientSource, ResourceStream, SourceError, SourceItem,
};

use crate::support::*;

async fn everything(pos: &Pos, token: &str, query: &str) -> (u16, serde_json::Value) {
    let r = pos
        .get(&format!("Patient/pt-1/$everything{query}"), Some(token))
        .await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

fn types(bundle: &serde_json::Value) -> Vec<String> {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"]["resourceType"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn parameters() {
    let pos = start(|_| {}).await;
    let json = pos.access(new_request("pt-1"), None).await;
    let t = json["access_token"].as_str().unwrap();

    let (s, b) = everything(&pos, t, "?_type=Condition").await;
    assert_eq!(s, 200);
    let ty = types(&b);
    assert_eq!(ty[0], "Patient");
    assert!(
        ty.len() > 1 && ty[1..].iter().all(|t| t == "Condition"),
        "{ty:?}"
    );

    let (_, b) = everything(&pos, t, "?_count=3").await;
    assert_eq!(types(&b).len(), 3);

    let (_, b) = everything(&pos, t, "?_since=2999-01-01T00:00:00Z").await;
    let kept = types(&b);
    // Patient always; resources without meta.lastUpdated pass _since.
    assert_eq!(kept[0], "Patient");

    let (s, b) = everything(&pos, t, "?_since=yesterday").await;
    assert_eq!(s, 400);
    assert_eq!(b["resourceType"], "OperationOutcome");
}

#[tokio::test]
async fn scopes_filter_types() {
    let pos = start(|_| {}).await;
    let json = pos
        .access(
            new_request("pt-1"),
            Some("launch openid fhirUser patient/Patient.read patient/Condition.rs"),
        )
        .await;
    let (s, b) = everything(&pos, json["access_token"].as_str().unwrap(), "").await;
    assert_eq!(s, 200);
    let ty = types(&b);
    assert!(ty[1..].iter().all(|t| t == "Condition"), "{ty:?}");
    assert!(ty.len() > 1);
}

#[tokio::test]
async fn all_types_when_not_limited_to_ocean() {
    let pos = start(|c| c.ocean_types_only = false).await;
    let json = pos.access(new_request("pt-1"), None).await;
    let (_, b) = everything(&pos, json["access_token"].as_str().unwrap(), "").await;
    assert!(types(&b).contains(&"Encounter".to_owned()));
}

/// A patient of `total` generated Observations; `read` counts how many the server pulled.
#[derive(Clone)]
pub(crate) struct Counting {
    total: usize,
    read: Arc<AtomicUsize>,
}

fn observation(i: usize) -> Bytes {
    let pad = "x".repeat(900);
    Bytes::from(format!(
        r#"{{"resourceType":"Observation","id":"o{i}","status":"final","code":{{"text":"n{i}"}},"valueString":"{pad}"}}"#
    ))
}

impl PatientSource for Counting {
    fn patient<'a>(&'a self, _id: &'a str) -> BoxFuture<'a, Result<Option<Bytes>, SourceError>> {
        Box::pin(async {
            Ok(Some(Bytes::from_static(
                br#"{"resourceType":"Patient","id":"pt-1"}"#,
            )))
        })
    }

    fn everything<'a>(
        &'a self,
        _id: &'a str,
        _params: &'a EverythingParams,
    ) -> BoxFuture<'a, Result<Option<ResourceStream>, SourceError>> {
        let me = self.clone();
        let patient = Bytes::from_static(br#"{"resourceType":"Patient","id":"pt-1"}"#);
        let items = futures_util::stream::iter(0..=me.total).map(move |i| {
            me.read.fetch_add(1, Ordering::SeqCst);
            Ok(SourceItem::from(if i == 0 {
                patient.clone()
            } else {
                observation(i)
            }))
        });
        Box::pin(async move { Ok(Some(Box::pin(items) as ResourceStream)) })
    }
}

#[tokio::test]
async fn first_byte_arrives_before_the_last_resource_is_read() {
    let total = 50_000; // about 50 MB
    let read = Arc::new(AtomicUsize::new(0));
    let source = Counting {
        total,
        read: read.clone(),
    };
    let pos = start_with(|_| {}, MemoryStore::new(), source).await;
    let json = pos.access(new_request("pt-1"), None).await;
    let r = pos
        .get("Patient/pt-1/$everything", json["access_token"].as_str())
        .await;
    assert_eq!(r.status(), 200);
    let mut body = r.bytes_stream();
    let first = body.next().await.unwrap().unwrap();
    let read_at_first_byte = read.load(Ordering::SeqCst);
    assert!(first.starts_with(br#"{"resourceType":"Bundle""#));
    assert!(
        read_at_first_byte < total / 2,
        "{read_at_first_byte} of {total} read before the first byte"
    );
    let mut bytes = first.len();
    while let Some(chunk) = body.next().await {
        bytes += chunk.unwrap().len();
    }
    assert_eq!(read.load(Ordering::SeqCst), total + 1);
    assert!(bytes > 45_000_000, "{bytes}");
}
