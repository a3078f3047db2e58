//! Everything together: the inbound service, the hand-off workers and the outbox workers over
//! one store.

use std::sync::Arc;

use axum::Router;

use crate::handoff::{self, Handler, HandoffOptions};
use crate::inbound::{Inbound, InboundOptions};
use crate::outbox::{self, DeadLetterSink, Outbox, OutboxOptions, Transport};
use crate::store::Store;
use crate::worker::Workers;

/// How a [`Gateway`] runs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GatewayOptions {
    /// The inbound service.
    pub inbound: InboundOptions,
    /// The hand-off workers.
    pub handoff: HandoffOptions,
    /// The outbox workers.
    pub outbox: OutboxOptions,
}

impl GatewayOptions {
    /// The defaults with these inbound options.
    pub fn new(inbound: InboundOptions) -> Self {
        Self {
            inbound,
            handoff: HandoffOptions::default(),
            outbox: OutboxOptions::default(),
        }
    }
}

/// A running gateway. Serve (or mount) [`Self::router`]; send through [`Self::outbox`]; call
/// [`Self::stop`] after the server stopped accepting requests.
#[derive(Debug)]
pub struct Gateway {
    store: Store,
    inbound: Inbound,
    outbox: Outbox,
    handoff_workers: Workers,
    outbox_workers: Workers,
}

impl Gateway {
    /// Starts the workers. `outbox` is [`Outbox::new`] over the same store (create it first if
    /// the handler sends messages); `on_dead_letter` is told about each outbound dead letter.
    pub fn start<H: Handler, T: Transport>(
        store: Store,
        options: GatewayOptions,
        handler: Arc<H>,
        outbox: Outbox,
        transport: Arc<T>,
        on_dead_letter: DeadLetterSink,
    ) -> Self {
        let instance = uuid::Uuid::new_v4().simple().to_string();
        let inbound = Inbound::new(store.clone(), options.inbound);
        let handoff_workers = handoff::spawn(
            store.clone(),
            handler,
            options.handoff,
            &instance,
            inbound.notifier(),
        );
        let outbox_workers = outbox::spawn(
            store.clone(),
            transport,
            options.outbox,
            on_dead_letter,
            &instance,
            outbox.notifier(),
        );
        Self {
            store,
            inbound,
            outbox,
            handoff_workers,
            outbox_workers,
        }
    }

    /// The inbound routes ([`crate::inbound`]).
    pub fn router(&self) -> Router {
        self.inbound.router()
    }

    /// Where to send messages to Ocean.
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Stops the workers (each finishes the message it holds) and closes the store.
    pub async fn stop(self) {
        self.handoff_workers.stop().await;
        self.outbox_workers.stop().await;
        self.store.close().await;
    }
}
