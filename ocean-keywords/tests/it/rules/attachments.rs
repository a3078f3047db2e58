//! Attachments: DocumentReference status, content, types and size limits.

use crate::support::{ex, ex_with, has};
use ocean_keywords::{AttachmentLimits, FindingCode, Rules};
use serde_json::{Value, json};

fn docref(status: &str, attachment: Value) -> Value {
    json!({"resourceType":"DocumentReference","status":status,
        "description":"Desc","content":[{"attachment":attachment}]})
}

#[test]
fn attachment_inline_and_url() {
    let out = ex([
        docref(
            "current",
            json!({"contentType":"application/pdf","data":"aGVsbG8gd29ybGQ=","title":"Letter","creation":"2024-01-01T10:00:00Z"}),
        ),
        docref(
            "current",
            json!({"contentType":"image/png","url":"https://pos.example/files/1","size":2048}),
        ),
    ]);
    assert_eq!(out.attachments.len(), 2);
    let a = &out.attachments[0];
    assert_eq!(a.title.as_deref(), Some("Letter"));
    assert_eq!(a.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(a.size, Some(11), "decoded length of data");
    assert_eq!(a.url, None);
    assert_eq!(a.creation.as_deref(), Some("2024-01-01T10:00:00Z"));
    let b = &out.attachments[1];
    assert_eq!(
        b.title.as_deref(),
        Some("Desc"),
        "falls back to description"
    );
    assert_eq!(b.size, Some(2048));
    assert_eq!(b.url.as_deref(), Some("https://pos.example/files/1"));
}

#[test]
fn attachment_types() {
    for (ct, ok) in [
        ("application/pdf", true),
        ("text/plain; charset=utf-8", true),
        ("IMAGE/JPEG", true),
        ("image/jpg", true),
        ("image/png", true),
        ("image/tiff", true),
        ("audio/mpeg", true),
        ("video/mp4", true),
        ("application/msword", false),
        ("text/html", false),
        ("application/dicom", false),
    ] {
        let out = ex([docref("current", json!({"contentType":ct,"data":"AAAA"}))]);
        assert_eq!(out.attachments.len(), usize::from(ok), "{ct}");
        assert_eq!(has(&out, FindingCode::AttachmentTypeRefused), !ok, "{ct}");
    }
    // No content type: the file extension of the title or URL.
    for (att, ok) in [
        (json!({"title":"scan.TIF","data":"AAAA"}), true),
        (
            json!({"url":"https://x.example/a/report.pdf?v=2","size":10}),
            true,
        ),
        (json!({"title":"notes.docx","data":"AAAA"}), false),
        (json!({"title":"noext","data":"AAAA"}), false),
    ] {
        let out = ex([docref("current", att.clone())]);
        assert_eq!(out.attachments.len(), usize::from(ok), "{att}");
        if ok {
            assert_eq!(out.attachments[0].content_type, None);
        }
    }
}

#[test]
fn attachment_status_content_and_size_findings() {
    let out = ex([docref(
        "superseded",
        json!({"contentType":"application/pdf","data":"AAAA"}),
    )]);
    assert!(out.attachments.is_empty());
    assert!(has(&out, FindingCode::AttachmentNotCurrent));
    let out = ex([docref("current", json!({"contentType":"application/pdf"}))]);
    assert!(out.attachments.is_empty());
    assert!(has(&out, FindingCode::AttachmentNoContent));
    let out = ex([docref(
        "current",
        json!({"contentType":"application/pdf","url":"https://x.example/1"}),
    )]);
    assert_eq!(out.attachments.len(), 1, "offered although unchecked");
    assert_eq!(out.attachments[0].size, None);
    assert!(has(&out, FindingCode::AttachmentSizeUnknown));
}

#[test]
fn attachment_limits() {
    let url = |size: u64| {
        docref(
            "current",
            json!({"contentType":"application/pdf","url":"https://x.example/f","size":size}),
        )
    };
    // 10 MB = 10^6 bytes each (our choice): exactly 10 000 000 is accepted, one more is not.
    let out = ex([url(10_000_000), url(10_000_001)]);
    assert_eq!(out.attachments.len(), 1);
    assert!(has(&out, FindingCode::AttachmentTooLarge));
    // 50 MB in total, in Bundle order: the sixth 9 MB file goes over.
    let out = ex((0..7).map(|_| url(9_000_000)));
    assert_eq!(out.attachments.len(), 5);
    let f = out
        .findings_with(FindingCode::AttachmentTotalExceeded)
        .next()
        .unwrap();
    assert_eq!(f.count, 2);
    // Custom limits.
    let rules = Rules::default().with_attachment_limits(AttachmentLimits {
        max_each_bytes: 3,
        max_total_bytes: 100,
    });
    let out = ex_with(
        [docref(
            "current",
            json!({"contentType":"text/plain","data":"aGVsbG8="}),
        )],
        &rules,
    );
    assert!(out.attachments.is_empty(), "5 bytes > 3");
}
