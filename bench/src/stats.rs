//! Latency histograms and the load report (human line and JSON).

use std::time::Duration;

use hdrhistogram::Histogram;
use serde::Serialize;

/// Ack latencies in microseconds, 3 significant figures, up to one hour.
#[derive(Debug, Clone)]
pub(crate) struct LatencyHistogram(Histogram<u64>);

impl Default for LatencyHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl LatencyHistogram {
    /// An empty histogram.
    pub(crate) fn new() -> Self {
        Self(
            Histogram::new_with_bounds(1, 3_600_000_000, 3)
                .expect("static histogram bounds are valid"),
        )
    }

    /// Records one latency (clamped to the histogram's range).
    pub(crate) fn record(&mut self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.0.saturating_record(micros.max(1));
    }

    /// Adds every sample of `other`.
    pub(crate) fn merge(&mut self, other: &Self) {
        self.0
            .add(&other.0)
            .expect("histograms with identical bounds always merge");
    }

    /// Number of recorded samples.
    pub(crate) fn len(&self) -> u64 {
        self.0.len()
    }

    /// Percentiles in milliseconds (all zero when empty).
    pub(crate) fn summary(&self) -> LatencySummary {
        if self.0.is_empty() {
            return LatencySummary::default();
        }
        let ms = |micros: u64| micros as f64 / 1000.0;
        LatencySummary {
            p50_ms: ms(self.0.value_at_quantile(0.50)),
            p99_ms: ms(self.0.value_at_quantile(0.99)),
            max_ms: ms(self.0.max()),
            mean_ms: self.0.mean() / 1000.0,
        }
    }
}

/// Ack latency percentiles, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub(crate) struct LatencySummary {
    /// Median.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Slowest ack.
    pub max_ms: f64,
    /// Arithmetic mean.
    pub mean_ms: f64,
}

/// Failures seen during a run (warmup included).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub(crate) struct ErrorCounts {
    /// Clients that could not join the namespace (transport failure, timeout or `44` refusal).
    pub connect: u64,
    /// Emits whose ack did not arrive within the ack timeout.
    pub timeouts: u64,
    /// Acks whose first argument is an object with an `error` key.
    pub error_acks: u64,
    /// Connections the server closed (or that failed) during the run.
    pub disconnects: u64,
}

impl ErrorCounts {
    /// The sum of all counts.
    pub(crate) fn total(&self) -> u64 {
        self.connect + self.timeouts + self.error_acks + self.disconnects
    }

    /// Adds `other` into `self`.
    pub(crate) fn add(&mut self, other: &Self) {
        self.connect += other.connect;
        self.timeouts += other.timeouts;
        self.error_acks += other.error_acks;
        self.disconnects += other.disconnects;
    }
}

/// The result of one load run.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LoadReport {
    /// Free-form label (server name in `compare`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Event name emitted.
    pub event: String,
    /// Connected clients (of the requested concurrency).
    pub clients: u64,
    /// Emits in flight per client.
    pub in_flight: u64,
    /// Length of the measurement window in seconds.
    pub window_s: f64,
    /// Acks received inside the window.
    pub acked: u64,
    /// `acked / window_s`.
    pub acks_per_s: f64,
    /// Ack latency of the acks received inside the window.
    pub latency: LatencySummary,
    /// Failures over the whole run.
    pub errors: ErrorCounts,
    /// Server CPU time (user + system) per acked event in the window, in microseconds.
    pub server_cpu_us_per_event: Option<f64>,
    /// Server CPU use over the window, 100 = one core.
    pub server_cpu_pct: Option<f64>,
    /// The load generator's own CPU use over the window, 100 = one core.
    pub generator_cpu_pct: Option<f64>,
    /// The machine's 1-minute load average at the end of the window (other processes included).
    pub load_average_1m: Option<f64>,
}

impl LoadReport {
    /// One human-readable line.
    pub(crate) fn human_line(&self) -> String {
        let mut line = format!(
            "{}{} acks/s over {:.1}s ({} clients x {} in flight, event {:?}) | p50 {:.3} ms p99 {:.3} ms max {:.3} ms | errors {} (connect {}, timeouts {}, error acks {}, disconnects {})",
            self.label
                .as_ref()
                .map(|l| format!("[{l}] "))
                .unwrap_or_default(),
            format_rate(self.acks_per_s),
            self.window_s,
            self.clients,
            self.in_flight,
            self.event,
            self.latency.p50_ms,
            self.latency.p99_ms,
            self.latency.max_ms,
            self.errors.total(),
            self.errors.connect,
            self.errors.timeouts,
            self.errors.error_acks,
            self.errors.disconnects,
        );
        if let (Some(us), Some(pct)) = (self.server_cpu_us_per_event, self.server_cpu_pct) {
            line.push_str(&format!(
                " | server CPU {us:.1} µs/event ({pct:.0}% of a core)"
            ));
        }
        if let Some(pct) = self.generator_cpu_pct {
            line.push_str(&format!(" | generator CPU {pct:.0}%"));
        }
        if let Some(load) = self.load_average_1m {
            line.push_str(&format!(" | loadavg {load:.2}"));
        }
        line
    }
}

/// `12345.6` → `"12346"`; rates are shown as whole events per second.
pub(crate) fn format_rate(rate: f64) -> String {
    format!("{rate:.0}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_from_recorded_latencies() {
        let mut h = LatencyHistogram::new();
        for micros in 1..=1000u64 {
            h.record(Duration::from_micros(micros));
        }
        let s = h.summary();
        assert!((s.p50_ms - 0.5).abs() < 0.01, "{s:?}");
        assert!((s.p99_ms - 0.99).abs() < 0.01, "{s:?}");
        assert!((s.max_ms - 1.0).abs() < 0.01, "{s:?}");
    }

    #[test]
    fn merged_histograms_hold_both_sample_sets() {
        let mut a = LatencyHistogram::new();
        let mut b = LatencyHistogram::new();
        a.record(Duration::from_millis(1));
        b.record(Duration::from_millis(9));
        a.merge(&b);
        assert_eq!(a.len(), 2);
        assert!((a.summary().max_ms - 9.0).abs() < 0.01);
    }

    #[test]
    fn empty_histogram_summarises_to_zero() {
        assert_eq!(LatencyHistogram::new().summary(), LatencySummary::default());
    }

    #[test]
    fn error_total_adds_every_kind() {
        let mut e = ErrorCounts {
            connect: 1,
            timeouts: 2,
            error_acks: 3,
            disconnects: 4,
        };
        e.add(&ErrorCounts {
            connect: 1,
            ..Default::default()
        });
        assert_eq!(e.total(), 11);
    }
}
