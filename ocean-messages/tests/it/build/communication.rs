//! `send-communication-from-provider`: text and attachments.

use super::*;

#[test]
fn communication_with_text_and_attachments() {
    let (m, site, pos) = (received(), site(), pos());
    let message = OutgoingCommunication::text("Could you send the latest MRI report?")
        .with_attachment(
            OutgoingAttachment::data("application/pdf", b"%PDF-1.4 test".to_vec())
                .with_title("requisition.pdf"),
        )
        .with_attachment(OutgoingAttachment::url(
            "image/png",
            "https://emr.example.org/files/42.png",
        ));
    let built = outbound(&m, &site, &pos)
        .send_communication(&message)
        .unwrap();
    let back = check(&built, &m);
    let Event::SendCommunicationFromProvider(c) = back.event() else {
        panic!("wrong event")
    };
    assert_eq!(
        c.texts().collect::<Vec<_>>(),
        ["Could you send the latest MRI report?"]
    );
    let attachments = c.attachments();
    assert_eq!(attachments.len(), 2);
    assert_eq!(
        attachments[0].attachment().data.as_ref().unwrap().as_str(),
        "JVBERi0xLjQgdGVzdA=="
    );
    assert_eq!(attachments[0].size(), Some(13));
    assert_eq!(
        attachments[1].url(),
        Some("https://emr.example.org/files/42.png")
    );
    assert_eq!(c.sender().unwrap().site_number(), Some("1234"));
    insta::assert_json_snapshot!("send_communication_from_provider", built.bundle());
}
