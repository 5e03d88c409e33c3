//! `asynction test --url http://HOST:PORT`: property-based contract tests of a running Socket.IO
//! server against the `--spec` document (the `asynction-contract` engine). Exit 0 when every
//! check passes, 1 when any fails, 2 on usage or document errors.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use asynction::Document;
use asynction_contract::{
    Check, Credentials, Options, Phase, Refusals, Transport, run_with_progress,
};
use clap::{Args, ValueEnum};

use crate::console::{Console, errln, outln};
use crate::{GlobalOptions, ServerOption};

/// Arguments of `asynction test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// The server to test: http://HOST:PORT.
    #[arg(long, value_name = "URL")]
    url: String,
    #[command(flatten)]
    pub(crate) server: ServerOption,
    /// The Socket.IO path (default: the --server's, else /socket.io).
    #[arg(long, value_name = "PATH", conflicts_with = "server")]
    path: Option<String>,
    /// Seed of every generated value; the same seed replays the run (default: random).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Generated values per client-sent event, after its examples.
    #[arg(long, value_name = "N", default_value_t = 50)]
    examples: usize,
    /// Run negative cases (invalid events); on by default.
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    negative: bool,
    /// Seconds an answer (CONNECT, ack) may take.
    #[arg(long, value_name = "SECONDS", default_value = "2", value_parser = seconds)]
    timeout: Duration,
    /// Seconds of pure listening per namespace (0 skips it).
    #[arg(long, value_name = "SECONDS", default_value = "1", value_parser = seconds)]
    listen: Duration,
    /// Transports to use.
    #[arg(long, value_enum, default_value_t = TransportArg::Both)]
    transport: TransportArg,
    /// Bearer token (Authorization: Bearer …). Every credential option takes `/NS@VALUE` to
    /// apply to one namespace (as written in the document) only.
    #[arg(long, value_name = "TOKEN")]
    bearer: Option<String>,
    /// Basic credentials, USER:PASS.
    #[arg(long, value_name = "USER:PASS")]
    basic: Option<String>,
    /// API key by scheme or key name (repeatable).
    #[arg(long = "api-key", value_name = "NAME=VALUE")]
    api_key: Vec<String>,
    /// Extra handshake query parameter (repeatable).
    #[arg(long, value_name = "NAME=VALUE")]
    query: Vec<String>,
    /// Extra handshake header (repeatable).
    #[arg(long, value_name = "NAME=VALUE")]
    header: Vec<String>,
    /// The CONNECT auth payload, as JSON.
    #[arg(long, value_name = "JSON")]
    auth: Option<String>,
    /// Only this namespace, as written in the document (repeatable).
    #[arg(long, value_name = "NS")]
    namespace: Vec<String>,
    /// Only this client-sent event (repeatable).
    #[arg(long, value_name = "NAME")]
    event: Vec<String>,
    /// Only this part of the contract (repeatable).
    #[arg(long, value_enum)]
    only: Vec<OnlyArg>,
    /// How invalid events must be answered: `documented` (an answer only where the document
    /// declares an ack; elsewhere silence is a warning) or `strict` (asynction's own rule:
    /// every invalid event answered, with an error ack or a disconnect). Default: strict when
    /// the server identifies itself as asynction (its `Server` header), else documented.
    #[arg(long, value_enum, value_name = "RULES")]
    refusals: Option<RefusalsArg>,
    /// Write a JUnit XML report (one testcase per check).
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Output format of the final report on stdout.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TransportArg {
    Websocket,
    Polling,
    Both,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum OnlyArg {
    Handshake,
    Events,
    Negative,
    Listen,
    Recovery,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RefusalsArg {
    Documented,
    Strict,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Text,
    Json,
}

fn seconds(text: &str) -> Result<Duration, String> {
    let s: f64 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    Duration::try_from_secs_f64(s).map_err(|e| format!("'{text}': {e}"))
}

fn pair(text: &str, what: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("{what} '{text}' is not NAME=VALUE"))
}

fn options(global: &GlobalOptions, args: &TestArgs) -> Result<Options, String> {
    if global.server.is_some() && args.path.is_some() {
        // Clap refuses `test --server S --path P`; `--server` before the command comes here.
        return Err("--server and --path both say where Socket.IO is: give one".to_owned());
    }
    let mut o = Options::new(args.url.clone());
    o.server = global
        .server_or(args.server.server.as_deref())
        .map(str::to_owned);
    o.path = args.path.clone();
    o.seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64 % 1_000_000_000)
            .unwrap_or(0)
    });
    o.examples = args.examples;
    o.negative = args.negative;
    o.refusals = args.refusals.map(|r| match r {
        RefusalsArg::Documented => Refusals::Documented,
        RefusalsArg::Strict => Refusals::Strict,
    });
    o.timeout = args.timeout;
    o.listen = args.listen;
    o.transports = match args.transport {
        TransportArg::Websocket => vec![Transport::Websocket],
        TransportArg::Polling => vec![Transport::Polling],
        TransportArg::Both => vec![Transport::Websocket, Transport::Polling],
    };
    // Every credential option may start with `/ns@` to apply to that namespace only.
    let mut global = Credentials::default();
    let mut per_ns: Vec<(String, Credentials)> = Vec::new();
    let mut apply =
        |raw: &str, set: &mut dyn FnMut(&mut Credentials, &str) -> Result<(), String>| match raw
            .strip_prefix('/')
            .and_then(|r| r.split_once('@'))
        {
            Some((ns, value)) => {
                let ns = format!("/{ns}");
                if !per_ns.iter().any(|(n, _)| *n == ns) {
                    per_ns.push((ns.clone(), Credentials::default()));
                }
                let entry = per_ns
                    .iter_mut()
                    .find(|(n, _)| *n == ns)
                    .expect("added above");
                set(&mut entry.1, value)
            }
            None => set(&mut global, raw),
        };
    if let Some(b) = &args.bearer {
        apply(b, &mut |c, v| {
            c.bearer = Some(v.to_owned());
            Ok(())
        })?;
    }
    if let Some(b) = &args.basic {
        apply(b, &mut |c, v| {
            let (u, p) = v
                .split_once(':')
                .ok_or_else(|| format!("--basic '{v}' is not USER:PASS"))?;
            c.basic = Some((u.to_owned(), p.to_owned()));
            Ok(())
        })?;
    }
    for p in &args.api_key {
        apply(p, &mut |c, v| {
            c.api_keys.push(pair(v, "--api-key")?);
            Ok(())
        })?;
    }
    for p in &args.query {
        apply(p, &mut |c, v| {
            c.query.push(pair(v, "--query")?);
            Ok(())
        })?;
    }
    for p in &args.header {
        apply(p, &mut |c, v| {
            c.headers.push(pair(v, "--header")?);
            Ok(())
        })?;
    }
    if let Some(a) = &args.auth {
        apply(a, &mut |c, v| {
            c.auth = Some(serde_json::from_str(v).map_err(|e| format!("--auth is not JSON: {e}"))?);
            Ok(())
        })?;
    }
    // A namespace's own credentials complete the global ones.
    for (_, c) in &mut per_ns {
        c.bearer = c.bearer.take().or_else(|| global.bearer.clone());
        c.basic = c.basic.take().or_else(|| global.basic.clone());
        c.auth = c.auth.take().or_else(|| global.auth.clone());
        for (list, from) in [
            (&mut c.api_keys, &global.api_keys),
            (&mut c.query, &global.query),
            (&mut c.headers, &global.headers),
        ] {
            for (k, v) in from {
                if !list.iter().any(|(n, _)| n == k) {
                    list.push((k.clone(), v.clone()));
                }
            }
        }
    }
    o.credentials = global;
    o.namespace_credentials = per_ns;
    o.namespaces = args.namespace.clone();
    o.events = args.event.clone();
    o.only = args
        .only
        .iter()
        .map(|p| match p {
            OnlyArg::Handshake => Phase::Handshake,
            OnlyArg::Events => Phase::Events,
            OnlyArg::Negative => Phase::Negative,
            OnlyArg::Listen => Phase::Listen,
            OnlyArg::Recovery => Phase::Recovery,
        })
        .collect();
    Ok(o)
}

/// Runs the subcommand.
pub fn run(global: &GlobalOptions, args: &TestArgs, console: &mut Console) -> ExitCode {
    let options = match options(global, args) {
        Ok(o) => o,
        Err(e) => {
            errln!(console, "asynction: {e}");
            return ExitCode::from(2);
        }
    };
    let doc = match Document::from_path(&global.spec) {
        Ok(doc) => doc,
        Err(e) => {
            for d in e.diagnostics() {
                errln!(console, "{d}");
            }
            return ExitCode::from(2);
        }
    };
    let runtime = match crate::runtime() {
        Ok(rt) => rt,
        Err(e) => {
            errln!(console, "asynction: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let tty = console.stderr_is_terminal();
    let (mut done, mut failed) = (0usize, 0usize);
    let mut progress = |c: &Check| {
        done += 1;
        console.err(|err| progress_line(err, c, tty, done, &mut failed));
    };
    let result = runtime.block_on(run_with_progress(&doc, &options, &mut progress));
    if tty {
        errln!(console);
    }
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            errln!(console, "asynction: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(path) = &args.junit
        && let Err(e) = std::fs::write(path, report.to_junit())
    {
        errln!(console, "asynction: cannot write {}: {e}", path.display());
        return ExitCode::from(2);
    }
    match args.format {
        FormatArg::Text => console.print(format_args!("{}", report.render_text())),
        FormatArg::Json => outln!(
            console,
            "{}",
            serde_json::to_string_pretty(&report.to_json()).unwrap_or_default()
        ),
    }
    if report.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Reports check number `done`: a failure on its own line; on a terminal, the running count
/// redrawn in place, else a count line every 500 checks.
fn progress_line(err: &mut dyn Write, c: &Check, tty: bool, done: usize, failed: &mut usize) {
    if !c.passed() {
        *failed += 1;
        let kind = c
            .failure
            .as_ref()
            .map(|f| f.kind.code())
            .unwrap_or_default();
        if tty {
            let _ = write!(err, "\r\x1b[2K");
        }
        let _ = writeln!(
            err,
            "FAIL [{}] {} {} {}: {kind}",
            c.phase.name(),
            c.namespace,
            c.event,
            c.name
        );
    }
    if tty {
        let _ = write!(
            err,
            "\r\x1b[2K{done} checks, {failed} failed  [{}] {} {}",
            c.phase.name(),
            c.namespace,
            c.event
        );
        let _ = err.flush();
    } else if done.is_multiple_of(500) {
        let _ = writeln!(err, "{done} checks, {failed} failed");
    }
}
