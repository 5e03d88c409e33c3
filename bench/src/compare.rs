//! `compare`: the same load against each server in turn, one table at the end.

use std::time::Duration;

use serde::Serialize;

use crate::client::Target;
use crate::load::{LoadConfig, run_load};
use crate::servers::{RAW_MULTI_THREAD, ServerSpec, free_port};
use crate::stats::LoadReport;

/// The load applied to every server; `target.url` and `server_pid` are filled in per server.
#[derive(Debug, Clone)]
pub(crate) struct CompareConfig {
    /// Servers, in the order they run.
    pub servers: Vec<ServerSpec>,
    /// The load template.
    pub load: LoadConfig,
    /// How long a server may take to accept TCP connections.
    pub ready_timeout: Duration,
}

/// One table row: a server and its load report, or why it did not run.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CompareRow {
    /// Short server name (`raw-mt`, `node`, ...).
    pub server: String,
    /// What the server is.
    pub description: String,
    /// The load report, when the server ran.
    pub report: Option<LoadReport>,
    /// Why it did not run (`skipped: ...` or a start failure).
    pub skipped: Option<String>,
}

/// Starts each server on a free port, waits until it accepts TCP, runs the load, stops it.
pub(crate) async fn run_compare(config: &CompareConfig) -> Vec<CompareRow> {
    let mut rows = Vec::with_capacity(config.servers.len());
    for spec in &config.servers {
        let row = |report, skipped| CompareRow {
            server: spec.name().to_owned(),
            description: spec.description().to_owned(),
            report,
            skipped,
        };
        if let Err(why) = spec.prepare() {
            eprintln!("{}: skipped: {why}", spec.name());
            rows.push(row(None, Some(format!("skipped: {why}"))));
            continue;
        }
        let server = match free_port() {
            Ok(port) => spec.start(port, config.ready_timeout).await,
            Err(e) => Err(crate::servers::StartError::Io(e)),
        };
        let server = match server {
            Ok(server) => server,
            Err(e) => {
                eprintln!("{}: {e}", spec.name());
                rows.push(row(None, Some(e.to_string())));
                continue;
            }
        };
        eprintln!(
            "{}: pid {} on {} (log {}), running load ...",
            spec.name(),
            server.pid(),
            server.url(),
            server.log_path().display()
        );
        let load = LoadConfig {
            target: Target {
                url: server.url(),
                ..config.load.target.clone()
            },
            server_pid: Some(server.pid()),
            label: Some(spec.name().to_owned()),
            ..config.load.clone()
        };
        let report = run_load(&load).await;
        eprintln!("{}", report.human_line());
        server.stop();
        rows.push(row(Some(report), None));
        // Let sockets in TIME_WAIT and the CPU settle before the next server.
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    rows
}

/// The rows as a Markdown table, with throughput and CPU/event relative to the raw multi-thread
/// socketioxide row (when it ran).
pub(crate) fn render_table(rows: &[CompareRow]) -> String {
    let baseline = rows
        .iter()
        .find(|r| r.server == RAW_MULTI_THREAD)
        .and_then(|r| r.report.as_ref())
        .filter(|r| r.acked > 0);
    let mut out = String::from(
        "| server | acks/s | p50 ms | p99 ms | max ms | errors | server CPU µs/event | server CPU % | generator CPU % | loadavg 1m | throughput vs raw-mt | CPU/event vs raw-mt |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for row in rows {
        let Some(r) = &row.report else {
            let why = row.skipped.as_deref().unwrap_or("did not run");
            out.push_str(&format!(
                "| {} | {why} | | | | | | | | | | |\n",
                row.description
            ));
            continue;
        };
        let opt =
            |v: Option<f64>, digits: usize| v.map_or("n/a".to_owned(), |v| format!("{v:.digits$}"));
        let throughput_ratio = baseline.map(|b| r.acks_per_s / b.acks_per_s);
        let cpu_ratio = baseline
            .and_then(|b| b.server_cpu_us_per_event)
            .zip(r.server_cpu_us_per_event)
            .map(|(b, x)| x / b);
        out.push_str(&format!(
            "| {} | {:.0} | {:.3} | {:.3} | {:.3} | {} | {} | {} | {} | {} | {} | {} |\n",
            row.description,
            r.acks_per_s,
            r.latency.p50_ms,
            r.latency.p99_ms,
            r.latency.max_ms,
            r.errors.total(),
            opt(r.server_cpu_us_per_event, 1),
            opt(r.server_cpu_pct, 0),
            opt(r.generator_cpu_pct, 0),
            opt(r.load_average_1m, 2),
            format_ratio(throughput_ratio),
            format_ratio(cpu_ratio),
        ));
    }
    out
}

fn format_ratio(ratio: Option<f64>) -> String {
    ratio.map_or("n/a".to_owned(), |r| format!("{r:.2}×"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{ErrorCounts, LatencySummary};

    fn report(acks_per_s: f64, cpu_us: f64) -> LoadReport {
        LoadReport {
            label: None,
            event: "message".into(),
            clients: 10,
            in_flight: 1,
            window_s: 10.0,
            acked: (acks_per_s * 10.0) as u64,
            acks_per_s,
            latency: LatencySummary {
                p50_ms: 0.2,
                p99_ms: 0.9,
                max_ms: 3.0,
                mean_ms: 0.25,
            },
            errors: ErrorCounts::default(),
            server_cpu_us_per_event: Some(cpu_us),
            server_cpu_pct: Some(50.0),
            generator_cpu_pct: Some(90.0),
            load_average_1m: Some(1.0),
        }
    }

    fn row(server: &str, report: Option<LoadReport>, skipped: Option<&str>) -> CompareRow {
        CompareRow {
            server: server.into(),
            description: server.into(),
            report,
            skipped: skipped.map(str::to_owned),
        }
    }

    #[test]
    fn ratios_are_relative_to_the_raw_multi_thread_row() {
        let rows = [
            row("raw-mt", Some(report(20000.0, 40.0)), None),
            row("node", Some(report(10000.0, 80.0)), None),
            row("asynction", None, Some("skipped: build it")),
        ];
        let table = render_table(&rows);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[2].contains("| 1.00× | 1.00× |"), "{table}");
        assert!(lines[3].contains("| 0.50× | 2.00× |"), "{table}");
        assert!(lines[4].contains("skipped: build it"), "{table}");
    }

    #[test]
    fn ratios_are_omitted_without_a_baseline() {
        let table = render_table(&[row("node", Some(report(10000.0, 80.0)), None)]);
        assert!(
            table.lines().nth(2).unwrap().ends_with("| n/a | n/a |"),
            "{table}"
        );
    }
}
