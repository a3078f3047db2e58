//! The HTML report of a real run (correct stub POS and SMART server) in a real headless
//! Chromium: every row renders. The screenshot goes to
//! `docs/ocean-sim-report.png` when `OCEAN_SIM_SCREENSHOT=1`.
use ocean_test_support::browser::{browser_or_skip, headless};
use std::path::Path;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_html_report_renders_every_row_in_chromium() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    // A real run: a correct stub POS and SMART server, every scenario.
    let report = crate::smart::run_selected(
        crate::smart_server::SmartFlaw::None,
        "sender,receiver,general",
    )
    .await;
    assert_eq!(report.scenarios.len(), ocean_sim::scenarios::CATALOG.len());
    let dir = std::env::temp_dir().join(format!("ocean-sim-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("report.html");
    std::fs::write(&page, ocean_sim::report::to_html(&report)).unwrap();
    let url = format!("file://{}", page.display());
    let dom = headless(&browser, &["--dump-dom", &url]).unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    let rendered = dom.matches("<tr class=").count();
    assert_eq!(
        rendered,
        report.scenarios.len(),
        "every scenario row is in the rendered DOM"
    );
    for s in &report.scenarios {
        assert!(dom.contains(&format!("data-id=\"{}\"", s.id)), "{}", s.id);
    }
    let shot = dir.join("report.png");
    let out = headless(
        &browser,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1400,1650",
            &url,
        ],
    )
    .unwrap();
    assert!(
        shot.exists(),
        "screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    if std::env::var_os("OCEAN_SIM_SCREENSHOT").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::copy(&shot, docs.join("ocean-sim-report.png")).unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
}
