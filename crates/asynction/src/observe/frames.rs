//! The frame log (the mock's `--debug`, `MockOptions::debug`): every frame in and out, at
//! `debug` level under the `asynction::frames` target — connection requests (query, headers,
//! CONNECT `auth`) and their verdict with the refusal code, events received with their
//! arguments and their verdict, the acks sent, the emits sent and the clients' acks to them.
//!
//! Credentials are never written: every value of the CONNECT `auth` payload (where browsers
//! and asynction put tokens, passwords and keys), the `Authorization`, `Cookie` and
//! `Proxy-Authorization` headers, and the query parameters and headers the document's
//! `httpApiKey` schemes read are shown as `<redacted>`.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::Arc;

use serde_json::Value;

use super::{
    AckOutcome, ConnectFrame, ConnectStage, EmitTarget, EventFrame, EventObserver,
    NamespaceObserver, Observer, SocketInfo,
};
use crate::model::{Api, ApiKeyLocation, Namespace, SchemeKind};
use crate::plugin::{Plugin, Site};
use crate::refusal::RefusalCode;
use crate::wire::Args;

/// Shown instead of a credential.
const REDACTED: &str = "<redacted>";

/// Longest argument list written in full; longer ones are cut (with their length said).
const MAX_SHOWN: usize = 2000;

/// What is redacted besides the CONNECT `auth` values.
#[derive(Debug, Default)]
struct Redaction {
    /// Query parameters that carry credentials.
    query: BTreeSet<String>,
    /// Headers that carry credentials (lower case).
    headers: BTreeSet<String>,
}

impl Redaction {
    fn of(api: &Api) -> Self {
        let mut out = Redaction {
            query: BTreeSet::new(),
            headers: ["authorization", "cookie", "proxy-authorization"]
                .into_iter()
                .map(str::to_owned)
                .collect(),
        };
        for scheme in api.security_schemes.values() {
            if let SchemeKind::HttpApiKey { location, name } = &scheme.kind {
                match location {
                    ApiKeyLocation::Query => {
                        out.query.insert(name.clone());
                    }
                    ApiKeyLocation::Header => {
                        out.headers.insert(name.to_ascii_lowercase());
                    }
                    // Cookies are redacted whole.
                    ApiKeyLocation::Cookie => {}
                }
            }
        }
        out
    }

    fn query(&self, uri: &http::Uri) -> String {
        let Some(query) = uri.query() else {
            return String::new();
        };
        query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) if self.query.contains(name) => format!("{name}={REDACTED}"),
                _ => pair.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("&")
    }

    fn headers(&self, headers: &http::HeaderMap) -> String {
        let mut out = String::new();
        for (name, value) in headers {
            if !out.is_empty() {
                out.push_str(", ");
            }
            let shown = if self.headers.contains(name.as_str()) {
                REDACTED
            } else {
                value.to_str().unwrap_or("<binary>")
            };
            let _ = write!(out, "{name}: {shown}");
        }
        out
    }
}

/// Every value of a CONNECT `auth` payload replaced (its keys kept: they say which
/// credential was sent).
fn redact_auth(auth: Option<&Value>) -> String {
    match auth {
        None => "-".to_owned(),
        Some(Value::Object(map)) => {
            let keys: serde_json::Map<String, Value> = map
                .keys()
                .map(|k| (k.clone(), Value::String(REDACTED.to_owned())))
                .collect();
            Value::Object(keys).to_string()
        }
        Some(Value::Null) => "null".to_owned(),
        Some(_) => REDACTED.to_owned(),
    }
}

/// An argument list as compact JSON (attachments as their placeholders), cut when long.
fn shown(args: &Args) -> String {
    let mut text = Value::Array(args.values.clone()).to_string();
    if text.len() > MAX_SHOWN {
        let mut end = MAX_SHOWN;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let total = text.len();
        text.truncate(end);
        let _ = write!(text, "… ({total} bytes)");
    }
    if !args.binaries.is_empty() {
        let _ = write!(text, " + {} binary attachment(s)", args.binaries.len());
    }
    text
}

/// The frame log's plug-in: its observer, once it knows the document's credentials.
#[derive(Default)]
pub(crate) struct FrameLog {
    redaction: Arc<Redaction>,
}

impl Plugin for FrameLog {
    fn attach(&mut self, site: &Site<'_>) {
        self.redaction = Arc::new(Redaction::of(site.api));
    }

    fn observer(&self) -> Option<Arc<dyn Observer>> {
        Some(Arc::new(FrameObserver {
            redaction: self.redaction.clone(),
        }))
    }
}

struct FrameObserver {
    redaction: Arc<Redaction>,
}

impl Observer for FrameObserver {
    fn namespace(&self, ns: &Namespace) -> Arc<dyn NamespaceObserver> {
        Arc::new(NamespaceFrames {
            doc_path: ns.path.clone(),
            redaction: self.redaction.clone(),
        })
    }

    fn emit_checked(
        &self,
        target: &EmitTarget<'_>,
        event: &str,
        _kind: super::EmitKind,
        sent: Option<&Args>,
    ) {
        match sent {
            Some(args) => {
                tracing::debug!(target: "asynction::frames", namespace = target.path, event, args = %shown(args), "emit →");
            }
            None => {
                tracing::debug!(target: "asynction::frames", namespace = target.path, event, verdict = "refused", "emit → refused: breaks the document, not sent");
            }
        }
    }

    fn client_ack(
        &self,
        target: &EmitTarget<'_>,
        event: &str,
        _started: Option<std::time::Instant>,
        outcome: AckOutcome,
    ) {
        let verdict = match outcome {
            AckOutcome::Answered => "valid",
            AckOutcome::Invalid => "invalid",
            AckOutcome::Timeout => "timeout",
        };
        tracing::debug!(target: "asynction::frames", namespace = target.path, event, verdict, "client ack ←");
    }
}

struct NamespaceFrames {
    doc_path: String,
    redaction: Arc<Redaction>,
}

impl NamespaceObserver for NamespaceFrames {
    fn event(&self, name: &str) -> Arc<dyn EventObserver> {
        Arc::new(EventFrames {
            doc_path: self.doc_path.clone(),
            event: Some(name.to_owned()),
        })
    }

    fn unlisted_event(&self) -> Arc<dyn EventObserver> {
        Arc::new(EventFrames {
            doc_path: self.doc_path.clone(),
            event: None,
        })
    }

    fn connecting(&self, frame: &ConnectFrame<'_>) {
        tracing::debug!(
            target: "asynction::frames",
            namespace = frame.path,
            sid = %frame.id,
            query = %self.redaction.query(frame.uri),
            headers = %self.redaction.headers(frame.headers),
            auth = %redact_auth(frame.auth),
            "connect ←"
        );
    }

    fn connected(&self, socket: &SocketInfo<'_>) {
        tracing::debug!(target: "asynction::frames", namespace = socket.path, sid = %socket.id, verdict = "accepted", "connect →");
    }

    fn refused(&self, stage: ConnectStage, code: RefusalCode) {
        let stage = match stage {
            ConnectStage::Security => "security",
            ConnectStage::Bindings => "bindings",
            ConnectStage::ConnectHandler => "connect handler",
        };
        tracing::debug!(target: "asynction::frames", namespace = %self.doc_path, verdict = "refused", stage, code = code.as_str(), "connect_error →");
    }
}

struct EventFrames {
    doc_path: String,
    /// `None`: events the document does not list.
    event: Option<String>,
}

impl EventFrames {
    fn event(&self) -> &str {
        self.event.as_deref().unwrap_or("(not in the document)")
    }
}

impl EventObserver for EventFrames {
    fn received(&self, frame: &EventFrame<'_>) {
        let args = frame.args.map_or_else(|| "(malformed)".to_owned(), shown);
        tracing::debug!(target: "asynction::frames", namespace = frame.path, sid = %frame.id, event = frame.event, args = %args, ack = frame.ack_requested, "event ←");
    }

    fn finished(&self, outcome: Option<RefusalCode>) {
        match outcome {
            None => {
                tracing::debug!(target: "asynction::frames", namespace = %self.doc_path, event = self.event(), verdict = "accepted", "event verdict");
            }
            Some(code) => {
                tracing::debug!(target: "asynction::frames", namespace = %self.doc_path, event = self.event(), verdict = "refused", code = code.as_str(), "event verdict");
            }
        }
    }

    fn acked(&self, args: &Args) {
        tracing::debug!(target: "asynction::frames", namespace = %self.doc_path, event = self.event(), args = %shown(args), "ack →");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_redacted_and_other_values_kept() {
        let doc = crate::spec::Document::from_text(
            "asyncapi: 2.6.0
info: { title: T, version: '1' }
channels:
  /:
    x-security: [{ key: [] }, { head: [] }]
    publish: { message: { name: hi } }
components:
  securitySchemes:
    key: { type: httpApiKey, in: query, name: api_key }
    head: { type: httpApiKey, in: header, name: X-Key }
",
        )
        .unwrap();
        let redaction = Redaction::of(&doc.api);
        let uri: http::Uri = "/socket.io/?EIO=4&transport=websocket&api_key=s3cret&room=a"
            .parse()
            .unwrap();
        assert_eq!(
            redaction.query(&uri),
            "EIO=4&transport=websocket&api_key=<redacted>&room=a"
        );
        let mut headers = http::HeaderMap::new();
        headers.insert("authorization", "Bearer s3cret".parse().unwrap());
        headers.insert("x-key", "s3cret".parse().unwrap());
        headers.insert("cookie", "session=s3cret".parse().unwrap());
        headers.insert("accept", "*/*".parse().unwrap());
        let shown = redaction.headers(&headers);
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("accept: */*"), "{shown}");
        assert_eq!(
            redact_auth(Some(&serde_json::json!({"token": "s3cret", "password": 1}))),
            r#"{"token":"<redacted>","password":"<redacted>"}"#
        );
        assert_eq!(redact_auth(None), "-");
    }

    #[test]
    fn long_argument_lists_are_cut_with_their_length_said() {
        let args = Args::json(vec![Value::String("x".repeat(5000))]);
        let text = shown(&args);
        assert!(text.len() < MAX_SHOWN + 40, "{}", text.len());
        assert!(text.ends_with("(5004 bytes)"), "{text}");
    }
}
