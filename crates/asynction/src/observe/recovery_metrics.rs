//! Connection state recovery in the metrics (feature `metrics`, servers with recovery on):
//! per document namespace, the counters [`NamespaceObserver::went_live`](super::NamespaceObserver::went_live)
//! increments (`asynction_recoveries`, `asynction_recovery_misses{reason}`,
//! `asynction_recovery_replayed`), and per server the gauges read from the recovery engine at
//! scrape time (`asynction_recovery_log_entries`, `asynction_recovery_sessions`): a
//! [`Collector`], so nothing is kept up to date between scrapes and every exporter of the
//! registry reads them too.
//!
//! Imports nothing of `metrics.rs`, which builds these beside its own families.

use std::collections::HashMap;
use std::sync::Arc;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;

use super::RecoveryOutcome;
use crate::model::Api;
use crate::recovery::{Miss, RecoveryEngine};

type Labels = Vec<(&'static str, String)>;

/// The recovery counters of one document namespace.
#[derive(Debug)]
pub(crate) struct RecoveryCounters {
    recoveries: Counter,
    replayed: Counter,
    /// By [`Miss::ALL`]'s order.
    misses: [Counter; Miss::ALL.len()],
}

impl RecoveryCounters {
    /// Counts how an opted-in client went live (a new session counts nothing).
    pub(crate) fn went_live(&self, outcome: RecoveryOutcome) {
        match outcome {
            RecoveryOutcome::New => {}
            RecoveryOutcome::Recovered { replayed } => {
                self.recoveries.inc();
                self.replayed.inc_by(replayed as u64);
            }
            RecoveryOutcome::Missed(miss) => {
                let i = Miss::ALL.iter().position(|m| *m == miss).unwrap_or(0);
                self.misses[i].inc();
            }
        }
    }
}

/// Registers the recovery metrics of a server whose recovery is `engine` in `registry`: the
/// counters of every document namespace of `api` (each label set made now, so a scrape shows
/// zeros before the first recovery), and the scrape-time gauges.
pub(crate) fn register(
    registry: &mut Registry,
    api: &Api,
    engine: Arc<RecoveryEngine>,
) -> HashMap<String, RecoveryCounters> {
    let recoveries = Family::<Labels, Counter>::default();
    let replayed = Family::<Labels, Counter>::default();
    let misses = Family::<Labels, Counter>::default();
    let counters = api
        .namespaces
        .iter()
        .map(|ns| {
            let l = vec![("namespace", ns.path.clone())];
            let counters = RecoveryCounters {
                recoveries: recoveries.get_or_create(&l).clone(),
                replayed: replayed.get_or_create(&l).clone(),
                misses: Miss::ALL.map(|m| {
                    misses
                        .get_or_create(&vec![
                            ("namespace", ns.path.clone()),
                            ("reason", m.as_str().to_owned()),
                        ])
                        .clone()
                }),
            };
            (ns.path.clone(), counters)
        })
        .collect();
    registry.register(
        "asynction_recoveries",
        "Connections that recovered their session (connection state recovery), per namespace",
        recoveries,
    );
    registry.register(
        "asynction_recovery_misses",
        "Clients that asked to recover and got a new session, per namespace and reason (unknown_session, expired, other_namespace, malformed, future_offset, log_trimmed)",
        misses,
    );
    registry.register(
        "asynction_recovery_replayed",
        "Missed events replayed to recovered connections, per namespace",
        replayed,
    );
    registry.register_collector(Box::new(RecoveryGauges(engine)));
    counters
}

/// The gauges read from the recovery engine when the registry is encoded.
#[derive(Debug)]
struct RecoveryGauges(Arc<RecoveryEngine>);

impl Collector for RecoveryGauges {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let stats = self.0.snapshot();
        let gauges = [
            (
                "asynction_recovery_log_entries",
                "Events kept for recovery in the namespaces' logs of this node",
                stats.log_entries,
            ),
            (
                "asynction_recovery_sessions",
                "Sessions of disconnected clients kept for recovery on this node",
                stats.sessions,
            ),
        ];
        for (name, help, value) in gauges {
            let gauge = ConstGauge::new(i64::try_from(value).unwrap_or(i64::MAX));
            let metric = encoder.encode_descriptor(name, help, None, gauge.metric_type())?;
            gauge.encode(metric)?;
        }
        Ok(())
    }
}
