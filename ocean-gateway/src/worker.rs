//! Background workers: how they wait for work and how they stop.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

/// A running set of worker tasks. [`Self::stop`] lets each finish the message it holds, then
/// ends them; dropping the handle without stopping leaves them running until the runtime ends.
#[derive(Debug)]
pub struct Workers {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// What a worker task waits on between claims.
#[derive(Debug, Clone)]
pub(crate) struct Waiter {
    stop: watch::Receiver<bool>,
    wake: Arc<Notify>,
    poll: Duration,
}

impl Waiter {
    /// Whether the workers were asked to stop.
    pub(crate) fn stopped(&self) -> bool {
        *self.stop.borrow()
    }

    /// Waits for a wake-up, the poll interval or the stop signal, whichever comes first.
    pub(crate) async fn idle(&mut self) {
        self.pause(self.poll).await;
    }

    /// Waits up to `delay` (or a wake-up, or the stop signal).
    pub(crate) async fn pause(&mut self, delay: Duration) {
        let wake = Arc::clone(&self.wake);
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(delay) => {}
            changed = self.stop.changed() => {
                if changed.is_err() {
                    // The handle was dropped without `stop`: keep polling.
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }
}

impl Workers {
    /// Starts `count` tasks (at least one), each running `run(n, waiter)`.
    pub(crate) fn spawn<F, Fut>(count: usize, wake: Arc<Notify>, poll: Duration, run: F) -> Self
    where
        F: Fn(usize, Waiter) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let (stop, receiver) = watch::channel(false);
        let tasks = (0..count.max(1))
            .map(|n| {
                let waiter = Waiter {
                    stop: receiver.clone(),
                    wake: Arc::clone(&wake),
                    poll,
                };
                tokio::spawn(run(n, waiter))
            })
            .collect();
        Self { stop, tasks }
    }

    /// Asks every task to stop after its current message, and waits for them.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// A unique lease owner for one worker task: `{instance}-{n}`.
pub(crate) fn owner(instance: &str, n: usize) -> String {
    format!("{instance}-{n}")
}

/// A duration in whole milliseconds, as the store keeps times (saturating).
pub(crate) fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}
