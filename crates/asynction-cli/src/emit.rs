//! `asynction emit --redis URL --namespace NS --event NAME [--room R]… ['JSON']`: validates a
//! payload against the `--spec` document's egress schema and publishes it to every node of a
//! Redis cluster (see `asynction::cluster`).
//!
//! The JSON is one argument; an array is sent as several arguments only when the event's
//! schema says `x-socketio-args: spread` (the library's rule). Without JSON the event has no
//! argument. Exit 0 when published; 1 (the reason on stderr, nothing published) when the
//! document, the JSON, the payload or Redis is wrong.

use std::process::ExitCode;

use asynction::Args as EventArgs;
use asynction::Document;
use asynction::cluster::Emitter;
use clap::Args;

use crate::console::{Console, errln, outln};
use crate::{GlobalOptions, ValidationOption};

/// Arguments of `asynction emit`.
#[derive(Debug, Args)]
pub struct EmitArgs {
    /// The cluster's Redis URL (`redis://[:password@]host[:port][/db]`).
    #[arg(long, value_name = "URL", env = "REDIS_URL")]
    redis: String,
    /// The namespace (a document namespace, or a concrete path of a dynamic one).
    #[arg(long, value_name = "NS", default_value = "/")]
    namespace: String,
    /// The event name (an event the server sends in that namespace).
    #[arg(long, value_name = "NAME")]
    event: String,
    /// Only clients in this room (repeat for several rooms: clients in any of them).
    #[arg(long, value_name = "ROOM")]
    room: Vec<String>,
    /// Not clients in this room (repeatable).
    #[arg(long, value_name = "ROOM")]
    except: Vec<String>,
    /// The payload as JSON.
    #[arg(value_name = "JSON")]
    payload: Option<String>,
    #[command(flatten)]
    validation: ValidationOption,
}

/// Runs `asynction emit`.
pub fn run(global: &GlobalOptions, args: &EmitArgs, console: &mut Console) -> ExitCode {
    let runtime = match crate::runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}"), console),
    };
    match runtime.block_on(emit(global, args)) {
        Ok(()) => {
            let mut target = args.namespace.clone();
            for room in &args.room {
                target.push_str(&format!(" room {room}"));
            }
            outln!(console, "published '{}' to {target}", args.event);
            ExitCode::SUCCESS
        }
        Err(message) => fail(&message, console),
    }
}

async fn emit(global: &GlobalOptions, args: &EmitArgs) -> Result<(), String> {
    let doc = Document::from_path_with(&global.spec, &global.load_options())
        .map_err(|e| e.to_string())?;
    let payload = args
        .payload
        .as_deref()
        .map(serde_json::from_str::<serde_json::Value>)
        .transpose()
        .map_err(|e| format!("the payload is not JSON: {e}"))?;
    // Connects at the first publish: an invalid emit is reported as such, Redis up or not.
    let emitter = Emitter::new(&doc, &args.redis)
        .map_err(|e| e.to_string())?
        .validation(!args.validation.without_validation);
    let mut target = emitter.of(&args.namespace).map_err(|e| e.to_string())?;
    for room in &args.room {
        target = target.to(room.clone());
    }
    for room in &args.except {
        target = target.except(room.clone());
    }
    match payload {
        Some(value) => target.emit(&args.event, &value).await,
        None => target.emit_args(&args.event, &EventArgs::default()).await,
    }
    .map_err(|e| e.to_string())
}

fn fail(message: &str, console: &mut Console) -> ExitCode {
    errln!(console, "error: {message}");
    ExitCode::FAILURE
}
