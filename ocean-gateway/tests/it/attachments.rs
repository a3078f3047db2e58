//! Downloading documents from the fake Ocean over real HTTP on loopback.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ocean_gateway::attachments::{
    AttachmentError, AttachmentType, Downloaded, Limits, ReferralDownloads,
};
use ocean_gateway::client::{ClientConfig, GetError};
use ocean_messages::{DocumentKind, Received};
use ocean_model::ReferralId;

use crate::fake_ocean::{Document, FakeOcean};

const LETTER: &str = "/svc/fhir/v1/ServiceRequest/ref-1/$letter";
const MIB: u64 = 1024 * 1024;

async fn bounded<F: Future>(f: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(20), f)
        .await
        .expect("the test took too long")
}

fn pdf(len: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.7\n".to_vec();
    v.resize(len, b'.');
    v
}

fn downloaded(d: &Downloaded) -> (u64, AttachmentType) {
    (d.bytes, d.content_type)
}

#[tokio::test]
async fn a_letter_and_the_consolidated_letter() {
    bounded(async {
        let ocean = FakeOcean::start().await;
        let body = pdf(300_000);
        ocean.document(
            LETTER,
            Document::Bytes(Some("application/pdf".into()), body.clone()),
        );
        ocean.document(
            &format!("{LETTER}?attachments=true"),
            Document::Bytes(Some("application/pdf; charset=binary".into()), pdf(500)),
        );
        let client = ocean.client(ClientConfig::default());
        let mut downloads = ReferralDownloads::new(&client);
        let mut sink = Vec::new();
        let d = downloads
            .letter(&ReferralId::new("ref-1"), &mut sink)
            .await
            .unwrap();
        assert_eq!(downloaded(&d), (300_000, AttachmentType::Pdf));
        assert_eq!(sink, body);
        assert_eq!(downloads.used(), 300_000);
        let mut all = Vec::new();
        let d = downloads
            .consolidated_letter(&ReferralId::new("ref-1"), &mut all)
            .await
            .unwrap();
        assert_eq!(d.bytes, 500);
        // The consolidated letter repeats the attachments: it does not draw from the budget.
        assert_eq!(downloads.used(), 300_000);
        assert_eq!(ocean.gets(), 2);
        assert_eq!(ocean.tokens_fetched(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_document_link_of_a_received_referral() {
    bounded(async {
        let ocean = FakeOcean::start().await;
        let sample = include_str!("../../../testdata/ocean/ereferral_back_pain.bundle.json")
            .replace("http://localhost:8081", &ocean.base());
        let Ok(Received::Supported(message)) = ocean_messages::parse(sample.as_bytes()) else {
            panic!("the sample parses")
        };
        let referral = message.referral();
        let link = referral
            .documents()
            .flat_map(|d| d.links())
            .find(|l| l.kind() == DocumentKind::ReferralLetter)
            .unwrap();
        let path = link
            .url()
            .unwrap()
            .strip_prefix(&ocean.base())
            .unwrap()
            .to_owned();
        // Ocean does not name the type: the link's own contentType (PDF) is used.
        ocean.document(
            &path,
            Document::Bytes(Some("application/octet-stream".into()), pdf(42)),
        );
        let client = ocean.client(ClientConfig::default());
        let mut downloads = ReferralDownloads::new(&client);
        let mut sink = Vec::new();
        let d = downloads.download_link(&link, &mut sink).await.unwrap();
        assert_eq!(downloaded(&d), (42, AttachmentType::Pdf));
    })
    .await;
}

#[tokio::test]
async fn an_endless_body_is_aborted_at_the_limit() {
    bounded(async {
        let ocean = FakeOcean::start().await;
        let produced = Arc::new(AtomicU64::new(0));
        let total = 512 * MIB;
        ocean.document(
            "/svc/fhir/v1/DocumentReference/big/$binary",
            Document::Endless {
                content_type: "video/mp4".into(),
                total,
                produced: produced.clone(),
            },
        );
        let client = ocean.client(ClientConfig::default());
        let mut downloads = ReferralDownloads::with_limits(&client, Limits::new(MIB, 50 * MIB));
        let mut sink = Vec::new();
        let err = downloads
            .download(
                &ocean.url("/svc/fhir/v1/DocumentReference/big/$binary"),
                &mut sink,
            )
            .await
            .unwrap_err();
        assert_eq!(err, AttachmentError::TooLarge { limit: MIB });
        assert!(!err.is_retryable());
        // Never more than the limit reaches the sink.
        assert!(sink.len() as u64 <= MIB, "{}", sink.len());
        assert_eq!(downloads.used(), 0);
        // The server stops once the connection is dropped: what it produced is bounded by the
        // limit plus the socket buffers, far below the body's size.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let after_abort = produced.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            produced.load(Ordering::SeqCst),
            after_abort,
            "the server stopped"
        );
        eprintln!("endless body: {after_abort} bytes produced for a {MIB}-byte limit");
        assert!(after_abort < 64 * MIB, "{after_abort}");
    })
    .await;
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_before_reading() {
    bounded(async {
        let ocean = FakeOcean::start().await;
        ocean.document(
            LETTER,
            Document::Bytes(Some("application/pdf".into()), pdf(2 * MIB as usize)),
        );
        let client = ocean.client(ClientConfig::default());
        let mut downloads = ReferralDownloads::with_limits(&client, Limits::new(MIB, 50 * MIB));
        let mut sink = Vec::new();
        let err = downloads
            .letter(&ReferralId::new("ref-1"), &mut sink)
            .await
            .unwrap_err();
        assert_eq!(err, AttachmentError::TooLarge { limit: MIB });
        assert!(sink.is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_referral_budget_is_shared() {
    bounded(async {
        let ocean = FakeOcean::start().await;
        for id in ["a", "b"] {
            ocean.document(
                &format!("/svc/fhir/v1/DocumentReference/{id}/$binary"),
                Document::Bytes(Some("image/png".into()), vec![0; 100 * 1024]),
            );
        }
        let client = ocean.client(ClientConfig::default());
        let mut downloads =
            ReferralDownloads::with_limits(&client, Limits::new(100 * 1024, 150 * 1024));
        let mut sink = Vec::new();
        let d = downloads
            .download(
                &ocean.url("/svc/fhir/v1/DocumentReference/a/$binary"),
                &mut sink,
            )
            .await
            .unwrap();
        assert_eq!(downloaded(&d), (100 * 1024, AttachmentType::Png));
        let err = downloads
            .download(
                &ocean.url("/svc/fhir/v1/DocumentReference/b/$binary"),
                &mut sink,
            )
            .await
            .unwrap_err();
        assert_eq!(err, AttachmentError::ReferralTooLarge { limit: 150 * 1024 });
        assert_eq!(downloads.used(), 100 * 1024);
        assert_eq!(sink.len(), 100 * 1024);
    })
    .await;
}

#[tokio::test]
async fn a_wrong_content_type_is_refused() {
    bounded(async {
        let ocean = FakeOcean::start().await;
        ocean.document(
            "/svc/fhir/v1/DocumentReference/x/$binary",
            Document::Bytes(Some("text/html; charset=utf-8".into()), b"<html>".to_vec()),
        );
        ocean.document(
            LETTER,
            Document::Bytes(Some("image/png".into()), vec![1, 2, 3]),
        );
        ocean.document(
            "/svc/fhir/v1/DocumentReference/none/$binary",
            Document::Bytes(None, vec![1, 2, 3]),
        );
        let client = ocean.client(ClientConfig::default());
        let mut downloads = ReferralDownloads::new(&client);
        let mut sink = Vec::new();
        let err = downloads
            .download(
                &ocean.url("/svc/fhir/v1/DocumentReference/x/$binary"),
                &mut sink,
            )
            .await
            .unwrap_err();
        assert_eq!(
            err,
            AttachmentError::ContentType {
                found: Some("text/html".into())
            }
        );
        // A letter must be a PDF.
        let err = downloads
            .letter(&ReferralId::new("ref-1"), &mut sink)
            .await
            .unwrap_err();
        assert!(
            matches!(err, AttachmentError::ContentType { .. }),
            "{err:?}"
        );
        // No type and no hint.
        let err = downloads
            .download(
                &ocean.url("/svc/fhir/v1/DocumentReference/none/$binary"),
                &mut sink,
            )
            .await
            .unwrap_err();
        assert_eq!(err, AttachmentError::ContentType { found: None });
        assert!(sink.is_empty());
        assert_eq!(downloads.used(), 0);
    })
    .await;
}

#[tokio::test]
async fn a_url_on_another_host_is_refused_without_a_request() {
    bounded(async {
        let ocean = FakeOcean::start().await;
        let elsewhere = FakeOcean::start().await;
        let path = "/svc/fhir/v1/DocumentReference/x/$binary";
        elsewhere.document(
            path,
            Document::Bytes(Some("application/pdf".into()), pdf(10)),
        );
        let client = ocean.client(ClientConfig::default());
        let mut downloads = ReferralDownloads::new(&client);
        let mut sink = Vec::new();
        for url in [
            elsewhere.url(path),
            format!("http://localhost:{}{path}", ocean.addr.port()),
            format!("https://{}{path}", ocean.addr),
        ] {
            let err = downloads.download(&url, &mut sink).await.unwrap_err();
            assert_eq!(err, AttachmentError::Get(GetError::ForeignHost), "{url}");
        }
        assert_eq!(
            client.get(&elsewhere.url(path)).await.unwrap_err(),
            GetError::ForeignHost
        );
        assert_eq!(
            downloads
                .download("not a url", &mut sink)
                .await
                .unwrap_err(),
            AttachmentError::Get(GetError::InvalidUrl)
        );
        // Neither server saw anything: no token fetched, no GET.
        for server in [&ocean, &elsewhere] {
            assert_eq!(server.gets(), 0);
            assert_eq!(server.tokens_fetched(), 0);
        }
    })
    .await;
}

#[tokio::test]
async fn statuses_and_files() {
    bounded(async {
        let ocean = FakeOcean::start().await;
        ocean.document(
            "/svc/fhir/v1/DocumentReference/t/$binary",
            Document::Bytes(Some("text/plain".into()), b"hello".to_vec()),
        );
        ocean.document(
            "/svc/fhir/v1/DocumentReference/h/$binary",
            Document::Bytes(Some("text/html".into()), b"<p>".to_vec()),
        );
        let client = ocean.client(ClientConfig::default());
        let mut downloads = ReferralDownloads::new(&client);
        let mut sink = Vec::new();
        let err = downloads
            .download(
                &ocean.url("/svc/fhir/v1/DocumentReference/missing/$binary"),
                &mut sink,
            )
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                AttachmentError::Get(GetError::Status { status: 404, .. })
            ),
            "{err:?}"
        );
        assert!(!err.is_retryable());

        let dir = std::env::temp_dir().join(format!("ocean-gateway-it-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("t.txt");
        let d = downloads
            .download_to_file(
                &ocean.url("/svc/fhir/v1/DocumentReference/t/$binary"),
                &good,
            )
            .await
            .unwrap();
        assert_eq!(downloaded(&d), (5, AttachmentType::Text));
        assert_eq!(std::fs::read(&good).unwrap(), b"hello");
        let bad = dir.join("h.html");
        downloads
            .download_to_file(&ocean.url("/svc/fhir/v1/DocumentReference/h/$binary"), &bad)
            .await
            .unwrap_err();
        assert!(!bad.exists(), "a failed download leaves no file");
        std::fs::remove_dir_all(&dir).unwrap();
    })
    .await;
}
