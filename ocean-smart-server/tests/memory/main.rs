//! `$everything` of a ~100 MB generated patient streams with flat memory, and its first byte
//! arrives before the source's last resource is read.
//!
//! A binary of its own, so that nothing else runs in the process while it measures. Memory is
//! the process's peak resident set (`VmHWM` in `/proc/self/status`, Linux only) - the
//! documented equivalent of a counting allocator, which the workspace's `forbid(unsafe_code)`
//! rules out. Server, client and generator all run in this process, so the figure bounds all
//! three together. Run with `--nocapture` to see the figures.
#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[allow(dead_code)]
#[path = "../it/support.rs"]
mod support;

#[allow(dead_code)]
#[path = "../../../examples/support/everything_gen.rs"]
mod generator;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use futures_util::StreamExt as _;
use ocean_smart::everything::EverythingParams;
use ocean_smart_server::{
    BoxFuture, MemoryStore, PatientSource, ResourceStream, SourceError, SourceItem,
};

use support::*;

const TARGET: usize = 100_000_000;
const PEAK_LIMIT_KB: u64 = 64 * 1024;

/// The generated patient; `read` counts resources handed to the server, `done` is set when
/// the generator is exhausted.
#[derive(Clone)]
struct Generated {
    patient_id: String,
    read: Arc<AtomicUsize>,
    done: Arc<AtomicBool>,
}

impl PatientSource for Generated {
    fn patient<'a>(&'a self, _id: &'a str) -> BoxFuture<'a, Result<Option<Bytes>, SourceError>> {
        Box::pin(async { Ok(None) })
    }

    fn everything<'a>(
        &'a self,
        id: &'a str,
        _params: &'a EverythingParams,
    ) -> BoxFuture<'a, Result<Option<ResourceStream>, SourceError>> {
        let found = id == self.patient_id;
        let me = self.clone();
        Box::pin(async move {
            if !found {
                return Ok(None);
            }
            let g = Mutex::new(generator::lazy(TARGET));
            let items = futures_util::stream::iter(std::iter::from_fn(move || {
                let next = g.lock().unwrap().next_resource();
                match next {
                    Some((url, json)) => {
                        me.read.fetch_add(1, Ordering::SeqCst);
                        Some(Ok(SourceItem {
                            json: Bytes::from(json),
                            full_url: Some(url),
                        }))
                    }
                    None => {
                        me.done.store(true, Ordering::SeqCst);
                        None
                    }
                }
            }));
            Ok(Some(Box::pin(items) as ResourceStream))
        })
    }
}

fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test]
async fn hundred_mb_everything_streams_with_flat_memory() {
    let Some(before) = vm_hwm_kb() else {
        eprintln!("no /proc/self/status VmHWM: memory not measured on this system");
        return;
    };
    let source = Generated {
        patient_id: generator::lazy(0).patient_id().to_owned(),
        read: Arc::new(AtomicUsize::new(0)),
        done: Arc::new(AtomicBool::new(false)),
    };
    let patient = source.patient_id.clone();
    let (read, done) = (source.read.clone(), source.done.clone());
    // Every type, not only Ocean's: the whole 100 MB goes out.
    let pos = start_with(|c| c.ocean_types_only = false, MemoryStore::new(), source).await;
    let json = pos.access(new_request(&patient), None).await;
    let started = Instant::now();
    let r = pos
        .get(
            &format!("Patient/{patient}/$everything"),
            json["access_token"].as_str(),
        )
        .await;
    assert_eq!(r.status(), 200);
    let mut body = r.bytes_stream();
    let first = body.next().await.unwrap().unwrap();
    let first_ms = started.elapsed().as_millis();
    let read_at_first = read.load(Ordering::SeqCst);
    assert!(
        !done.load(Ordering::SeqCst),
        "the source was exhausted before the first byte"
    );
    assert!(first.starts_with(
        br#"{"resourceType":"Bundle","type":"searchset","entry":[{"fullUrl":"urn:uuid:"#
    ));
    let mut bytes = first.len();
    let mut tail = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.unwrap();
        bytes += chunk.len();
        tail = chunk.to_vec();
    }
    let total_ms = started.elapsed().as_millis();
    let peak = vm_hwm_kb().unwrap();
    let resources = read.load(Ordering::SeqCst);
    eprintln!(
        "$everything: {bytes} bytes, {resources} resources, first byte after {first_ms} ms \
         ({read_at_first} resources read), all in {total_ms} ms; peak RSS {before} kB before, \
         {peak} kB after (limit {PEAK_LIMIT_KB} kB)"
    );
    assert!(tail.ends_with(b"]}"));
    assert!(bytes >= TARGET, "{bytes}");
    assert!(done.load(Ordering::SeqCst));
    assert!(peak < PEAK_LIMIT_KB, "peak RSS {peak} kB");
}
