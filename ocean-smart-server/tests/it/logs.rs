//! Patient-data sentinel: a whole launch, with every log line captured, names no patient
//! data (the sample's name, health number, birth date, phone) and no credential.

use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::support::*;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// One thread: the server task runs where the subscriber is set.
#[tokio::test(flavor = "current_thread")]
async fn logs_name_no_patient_data_and_no_credential() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let pos = start(|_| {}).await;
    let l = pos.launch(new_request("pt-1")).await;
    let code = param(&pos.authorize(&l, &[]).await, "code").unwrap();
    let token: serde_json::Value = pos.token(&l, &code, &[]).await.json().await.unwrap();
    let access = token["access_token"].as_str().unwrap();
    assert_eq!(pos.get("Patient/pt-1", Some(access)).await.status(), 200);
    let r = pos.get("Patient/pt-1/$everything", Some(access)).await;
    let _ = r.bytes().await.unwrap();
    // Refusals log too.
    let _ = pos.token(&l, &code, &[]).await;
    let _ = pos.get("Patient/pt-2", Some(access)).await;
    drop(pos);
    tokio::task::yield_now().await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("$everything served"), "{logs}");
    assert!(logs.contains("authorization code issued"), "{logs}");
    let sample: serde_json::Value = serde_json::from_str(ocean_keywords::SAMPLE_BUNDLE).unwrap();
    let patient = &sample["entry"][0]["resource"];
    let mut sentinels: Vec<String> = vec![
        patient["name"][0]["family"].as_str().unwrap().to_owned(),
        patient["name"][0]["given"][0].as_str().unwrap().to_owned(),
        patient["identifier"][0]["value"]
            .as_str()
            .unwrap()
            .to_owned(),
        patient["birthDate"].as_str().unwrap().to_owned(),
        code.clone(),
        access.to_owned(),
        token["refresh_token"].as_str().unwrap().to_owned(),
        SECRET.to_owned(),
        l.launch.clone(),
    ];
    if let Some(phone) = patient["telecom"][0]["value"].as_str() {
        sentinels.push(phone.to_owned());
    }
    for s in sentinels {
        assert!(!logs.contains(&s), "logs contain a sentinel value");
    }
}
