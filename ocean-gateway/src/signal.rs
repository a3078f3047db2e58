//! Stopping a gateway process cleanly.

/// Resolves on Ctrl-C or, on Unix, SIGTERM (what a service manager sends): pass it to
/// `axum::serve(..).with_graceful_shutdown`, then call [`crate::gateway::Gateway::stop`] so the
/// workers finish what they hold. If SIGTERM cannot be watched, only Ctrl-C stops it.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
