//! What a fanout run found — one row per round, client count, server and phase — and how it
//! is shown: a line per row as it is measured, a table of ratios against the baseline.

use serde::Serialize;

use crate::stats::LatencySummary;

/// The result of one phase against one server.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct FanoutRow {
    /// Round number (from 1).
    pub round: usize,
    /// Short server name.
    pub server: String,
    /// Longer description.
    pub description: String,
    /// Clients asked for.
    pub clients: usize,
    /// Clients that joined.
    pub connected: usize,
    /// Clients that failed to join (and the first error).
    pub connect_errors: usize,
    /// The first connect error, if any.
    pub first_connect_error: Option<String>,
    /// Server RSS growth per connection, KiB (sum over the nodes in cluster mode).
    pub kib_per_connection: f64,
    /// The phase label.
    pub phase: String,
    /// Broadcasts the server reported sent.
    pub sent: u64,
    /// Deliveries the server reported failed (send buffer full, closed, ack timed out or
    /// invalid), plus, in the ack phase, acks it never got (neither an answer nor a timeout).
    pub failed: u64,
    /// Acks the server collected (ack phase).
    pub acks: u64,
    /// Ticks expected at the clients: connected × sent.
    pub expected: u64,
    /// Ticks received by the clients.
    pub delivered: u64,
    /// Receivers whose connection dropped so far (cumulative over the phases).
    pub dropped: u64,
    /// Delivered ticks per second, from `start broadcast` to the last receipt.
    pub delivered_per_s: f64,
    /// Server CPU (all nodes) per delivered tick, µs.
    pub server_cpu_us_per_delivery: Option<f64>,
    /// Server CPU (all nodes) over the phase, % of one core.
    pub server_cpu_pct: Option<f64>,
    /// Redis CPU per delivered tick, µs (cluster mode).
    pub redis_cpu_us_per_delivery: Option<f64>,
    /// CPU of the emitting processes (`emit-ticks`, `asynction emit`) per delivered tick, µs.
    pub emitter_cpu_us_per_delivery: Option<f64>,
    /// Emit-to-receipt latency over all deliveries.
    pub latency: LatencySummary,
    /// The generator's own CPU over the phase, % of one core (near 100 % with one client thread:
    /// the generator bounds delivered/s).
    pub generator_cpu_pct: Option<f64>,
    /// The 1-minute load average at the end of the phase.
    pub load_average_1m: Option<f64>,
    /// Why the row has no figures.
    pub skipped: Option<String>,
}

/// One human-readable line for a row.
pub(crate) fn human_line(r: &FanoutRow) -> String {
    if let Some(why) = &r.skipped {
        return format!("[{} N={} {}] {why}", r.server, r.clients, r.phase);
    }
    format!(
        "[r{} {} N={} {}] {}/{} delivered ({:.0}/s), failed {}, acks {}, dropped {}, CPU {} µs/delivery ({}%), emitter CPU {} µs/delivery, p50 {:.2} ms p99 {:.2} ms, {:.1} KiB/conn",
        r.round,
        r.server,
        r.connected,
        r.phase,
        r.delivered,
        r.expected,
        r.delivered_per_s,
        r.failed,
        r.acks,
        r.dropped,
        opt(r.server_cpu_us_per_delivery, 2),
        opt(r.server_cpu_pct, 0),
        opt(r.emitter_cpu_us_per_delivery, 2),
        r.latency.p50_ms,
        r.latency.p99_ms,
        r.kib_per_connection,
    )
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or("n/a".to_owned(), |v| format!("{v:.digits$}"))
}

/// The row of `baseline` with the same round, client count and phase.
fn baseline_of<'a>(
    rows: &'a [FanoutRow],
    row: &FanoutRow,
    baseline: &str,
) -> Option<&'a FanoutRow> {
    rows.iter().find(|b| {
        b.server == baseline
            && b.round == row.round
            && b.clients == row.clients
            && b.phase == row.phase
            && b.skipped.is_none()
    })
}

/// The rows as a Markdown table with delivered/s and CPU/delivery relative to `baseline`.
pub(crate) fn render_table(rows: &[FanoutRow], baseline: &str) -> String {
    let mut out = format!(
        "| round | server | N | phase | delivered / expected | failed | delivered/s | server CPU µs/delivery | server CPU % | generator CPU % | redis CPU µs/delivery | emitter CPU µs/delivery | p50 ms | p99 ms | max ms | KiB/conn | delivered/s vs {baseline} | CPU/delivery vs {baseline} |\n\
         |---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    );
    for r in rows {
        if let Some(why) = &r.skipped {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {why} | | | | | | | | | | | | | |\n",
                r.round, r.server, r.clients, r.phase
            ));
            continue;
        }
        let b = baseline_of(rows, r, baseline);
        let rate_ratio = b
            .filter(|b| b.delivered_per_s > 0.0)
            .map(|b| r.delivered_per_s / b.delivered_per_s);
        let cpu_ratio = b
            .and_then(|b| b.server_cpu_us_per_delivery)
            .zip(r.server_cpu_us_per_delivery)
            .map(|(b, x)| x / b);
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} / {} | {} | {:.0} | {} | {} | {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.1} | {} | {} |\n",
            r.round,
            r.server,
            r.connected,
            r.phase,
            r.delivered,
            r.expected,
            r.failed,
            r.delivered_per_s,
            opt(r.server_cpu_us_per_delivery, 2),
            opt(r.server_cpu_pct, 0),
            opt(r.generator_cpu_pct, 0),
            opt(r.redis_cpu_us_per_delivery, 2),
            opt(r.emitter_cpu_us_per_delivery, 2),
            r.latency.p50_ms,
            r.latency.p99_ms,
            r.latency.max_ms,
            r.kib_per_connection,
            opt(rate_ratio, 2) + if rate_ratio.is_some() { "×" } else { "" },
            opt(cpu_ratio, 2) + if cpu_ratio.is_some() { "×" } else { "" },
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_relative_to_the_same_round_count_and_phase() {
        let row = |server: &str, phase: &str, per_s: f64, cpu: f64| FanoutRow {
            round: 1,
            server: server.into(),
            clients: 1000,
            connected: 1000,
            phase: phase.into(),
            delivered_per_s: per_s,
            server_cpu_us_per_delivery: Some(cpu),
            ..FanoutRow::default()
        };
        let rows = [
            row("raw-ct", "max", 100_000.0, 2.0),
            row("asynction-ct", "max", 90_000.0, 2.2),
            row("raw-ct", "10/s", 10_000.0, 4.0),
            row("node", "10/s", 10_000.0, 8.0),
        ];
        let table = render_table(&rows, "raw-ct");
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[2].ends_with("| 1.00× | 1.00× |"), "{table}");
        assert!(lines[3].ends_with("| 0.90× | 1.10× |"), "{table}");
        assert!(lines[5].ends_with("| 1.00× | 2.00× |"), "{table}");
    }
}
