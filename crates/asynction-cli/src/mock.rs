//! `asynction mock run`: serves a mock of the `--spec` document — every event validated and
//! acknowledged with fake data, one fake event per interval on every namespace that has
//! events to send and clients to send them to — until Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use asynction::mock::{MockError, MockOptions, MockServer};
use clap::{Args, Subcommand};

use crate::console::{Console, errln};
use crate::{GlobalOptions, ServerOption, ValidationOption};

/// Arguments of `asynction mock`.
#[derive(Debug, Args)]
#[command(subcommand_required = true, arg_required_else_help = true)]
pub struct MockArgs {
    #[command(subcommand)]
    command: MockCommand,
}

/// The subcommands of `asynction mock`.
#[derive(Debug, Subcommand)]
enum MockCommand {
    /// Run the mock server.
    ///
    /// With OTEL_EXPORTER_OTLP_ENDPOINT set (e.g. http://127.0.0.1:4318), the connection and
    /// event spans are also exported over OTLP/HTTP, under the document's info.title as
    /// service name unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES names it.
    Run(RunArgs),
}

/// Arguments of `asynction mock run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Address to listen on (the container image sets ASYNCTION_HOST=0.0.0.0, so that a
    /// published port reaches it).
    #[arg(long, env = "ASYNCTION_HOST", default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// Port to listen on (0 picks a free one; the banner shows it).
    #[arg(long, short = 'p', default_value_t = 5000)]
    port: u16,
    /// Seconds between two fake events of one namespace (e.g. 0.5).
    #[arg(
        long,
        visible_alias = "subscription-task-interval",
        value_name = "SECONDS",
        default_value = "1",
        value_parser = parse_interval
    )]
    interval: Duration,
    /// Seed of every random choice: the same seed replays the same events and acks.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Do not serve the docs page.
    #[arg(long)]
    no_docs: bool,
    /// Serve the docs page without its live console (connect, send events, watch the log).
    #[arg(long)]
    no_console: bool,
    /// Serve Prometheus metrics (per namespace and event) at `{base}/metrics`.
    #[arg(long)]
    metrics: bool,
    #[command(flatten)]
    server: ServerOption,
    #[command(flatten)]
    validation: ValidationOption,
    #[command(flatten)]
    dev: crate::mock_watch::DevOptions,
}

fn parse_interval(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    if !seconds.is_finite() || seconds <= 0.0 {
        return Err(format!(
            "the interval must be more than 0 seconds, not {text}"
        ));
    }
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("'{text}': {e}"))
}

impl MockArgs {
    /// `--server` of `mock run`.
    pub(crate) fn server(&self) -> Option<&str> {
        let MockCommand::Run(run) = &self.command;
        run.server.server.as_deref()
    }
}

/// Runs the subcommand; exit code 0 after a clean shutdown, 1 when the mock cannot start.
pub fn run(global: &GlobalOptions, args: &MockArgs, console: &mut Console) -> ExitCode {
    let MockCommand::Run(run) = &args.command;
    let runtime = match crate::runtime() {
        Ok(rt) => rt,
        Err(e) => {
            errln!(console, "asynction: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(serve(global, run, console))
}

async fn serve(global: &GlobalOptions, args: &RunArgs, console: &mut Console) -> ExitCode {
    // Every error of the document at once: loading, JSON Schemas, examples.
    let doc = match asynction::lint::load_checked(
        &global.spec,
        &global.load_options(),
        !args.validation.without_validation,
    ) {
        Ok(doc) => doc,
        Err(e) => {
            for d in e.diagnostics() {
                errln!(console, "{d}");
            }
            return ExitCode::from(1);
        }
    };
    // Kept until the server stops: dropping it flushes the spans still queued.
    let _otel = match crate::logging::init(&doc, args.dev.debug) {
        Ok(guard) => guard,
        Err(e) => {
            errln!(console, "asynction: {e}");
            return ExitCode::from(1);
        }
    };
    let options = MockOptions {
        interval: args.interval,
        seed: args.seed,
        validation: !args.validation.without_validation,
        server: global
            .server_or(args.server.server.as_deref())
            .map(str::to_owned),
        path: None,
        docs: !args.no_docs,
        console: !args.no_console,
        metrics: args.metrics,
        live_reload: args.dev.watching(),
        debug: args.dev.debug,
    };
    let mock = match MockServer::new(doc, options.clone()) {
        Ok(mock) => mock,
        Err(e) => {
            report(&e, console);
            return ExitCode::from(1);
        }
    };
    let addr = SocketAddr::new(args.host, args.port);
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
                " (another process uses it: pick another port with --port N, or --port 0 for any free one)"
            } else {
                ""
            };
            errln!(console, "asynction: cannot listen on {addr}: {e}{hint}");
            return ExitCode::from(1);
        }
    };
    let local = listener.local_addr().unwrap_or(addr);
    print_banner(&mock, local, args.interval, console);
    crate::mock_watch::banner(&args.dev, console);
    if args.dev.watching() {
        let reload = crate::mock_watch::Reload {
            spec: global.spec.clone(),
            load: global.load_options(),
            schemas: !args.validation.without_validation,
            options,
            mode: args.dev.mode(),
        };
        return crate::mock_watch::serve(
            reload,
            mock,
            listener,
            asynction::lifecycle::shutdown_signal(),
            console,
        )
        .await;
    }
    match mock
        .serve(listener, asynction::lifecycle::shutdown_signal())
        .await
    {
        Ok(()) => {
            tracing::info!("mock server stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            errln!(console, "asynction: the server failed: {e}");
            ExitCode::from(1)
        }
    }
}

fn report(e: &MockError, console: &mut Console) {
    let diagnostics = e.diagnostics();
    if diagnostics.is_empty() {
        errln!(console, "asynction: {e}");
    } else {
        if matches!(e, MockError::Unsatisfiable(_)) {
            errln!(
                console,
                "asynction: the mock cannot generate values for these schemas:"
            );
        }
        for d in diagnostics {
            errln!(console, "{d}");
        }
    }
}

/// What the mock serves, printed once it listens.
fn print_banner(mock: &MockServer, addr: SocketAddr, interval: Duration, console: &mut Console) {
    let api = &mock.document().api;
    let base = format!("http://{addr}");
    let mut out = String::new();
    out.push_str(&format!(
        "asynction mock of \"{}\" {} (AsyncAPI {}), seed {}\n",
        api.info.title,
        api.info.version,
        api.asyncapi,
        mock.seed()
    ));
    out.push_str(&format!("  listening on {base}\n"));
    out.push_str(&format!("  Socket.IO path {}\n", mock.socketio_path()));
    if let Some(path) = mock.metrics_path() {
        out.push_str(&format!("  metrics at {base}{path}\n"));
    }
    match mock.docs_path() {
        Some(docs) => out.push_str(&format!("  docs at {base}{docs}\n")),
        None => out.push_str("  docs off\n"),
    }
    out.push_str(&format!(
        "  one fake event every {} s per namespace with clients\n",
        interval.as_secs_f64()
    ));
    if let Some(recovery) = mock.recovery() {
        out.push_str(&format!(
            "  connection state recovery: {recovery} (clients opt in with a pid in their CONNECT auth)\n"
        ));
    }
    let requirements = mock.connect_requirements();
    if requirements.iter().any(|r| !r.credentials.is_empty()) {
        out.push_str("  credentials: the mock accepts any well-formed credential\n");
    }
    out.push_str("  namespaces:\n");
    for (ns, needs) in api.namespaces.iter().zip(&requirements) {
        out.push_str(&format!("    {}\n", ns.path));
        // What a client must send to connect: `handshake: …` and `credentials: …`.
        for line in needs.to_string().lines() {
            out.push_str(&format!("      {line}\n"));
        }
        let receives: Vec<String> = ns
            .ingress
            .iter()
            .map(|e| {
                if e.ack.is_some() {
                    format!("{} (ack)", e.name)
                } else {
                    e.name.clone()
                }
            })
            .collect();
        let sends: Vec<&str> = ns.egress.iter().map(|e| e.name.as_str()).collect();
        out.push_str(&format!("      receives: {}\n", list(&receives)));
        out.push_str(&format!("      sends:    {}\n", list(&sends)));
    }
    console.print(format_args!("{out}"));
}

fn list<S: AsRef<str>>(names: &[S]) -> String {
    if names.is_empty() {
        "-".to_owned()
    } else {
        names
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(", ")
    }
}
