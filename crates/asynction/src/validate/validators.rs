//! Every schema of a document compiled once: [`Validators`] by namespace, [`NamespaceValidators`]
//! (events both ways, handshake bindings), [`EventValidators`] (payload and ack).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use super::examples::ExampleCheck;
use super::handshake;
use super::keywords;
use super::{CompiledSchema, Interaction, ValidationError, Violation};
use crate::model::{Event, Namespace, Schema};
use crate::spec::{Diagnostic, Document, Severity, SpecError, rules};

/// Validators of one event.
#[derive(Debug, Clone, Default)]
pub struct EventValidators {
    /// The payload (argument list) schema, if any.
    pub payload: Option<CompiledSchema>,
    /// The ack schema, if any.
    pub ack: Option<CompiledSchema>,
}

/// Validators of one namespace.
#[derive(Debug, Clone, Default)]
pub struct NamespaceValidators {
    /// Ingress events by name.
    pub ingress: HashMap<String, EventValidators>,
    /// Egress events by name.
    pub egress: HashMap<String, EventValidators>,
    /// `bindings.ws.query`.
    pub query: Option<CompiledSchema>,
    /// `bindings.ws.headers` (property names lower-cased).
    pub headers: Option<CompiledSchema>,
    /// The query schema as written (for coercion).
    pub query_schema: Option<Value>,
    /// The headers schema, names lower-cased (for coercion).
    pub headers_schema: Option<Value>,
    /// `headers` without the WebSocket upgrade's own headers (`connection`, `upgrade`,
    /// `sec-websocket-*`), for handshakes that are not WebSocket upgrades (long-polling);
    /// `None` when the schema names none of them (see [`NamespaceValidators::check_handshake`]).
    pub polling_headers: Option<CompiledSchema>,
    /// `bindings.ws.method`.
    pub method: Option<String>,
}

/// Every compiled schema of a document, by namespace path (as written in the document).
#[derive(Debug, Clone, Default)]
pub struct Validators {
    namespaces: HashMap<String, Arc<NamespaceValidators>>,
    warnings: Vec<Diagnostic>,
}

impl Validators {
    /// Compiles every schema of `doc` and checks every message example; every invalid schema
    /// is reported, and every example that does not match its schemas: as an error in an
    /// AsyncAPI 2.x document, as a warning ([`Validators::warnings`]) in a 3.x one.
    pub fn compile(doc: &Document) -> Result<Self, SpecError> {
        let (validators, errors) = Self::compile_collecting(doc);
        if errors.is_empty() {
            Ok(validators)
        } else {
            Err(SpecError::new(errors))
        }
    }

    /// Every problem [`Validators::compile`] finds, errors and warnings together (for
    /// linting: the document may be one that loaded with errors, read as far as it could be).
    pub fn diagnostics(doc: &Document) -> Vec<Diagnostic> {
        let (validators, mut errors) = Self::compile_collecting(doc);
        errors.extend(validators.warnings);
        errors
    }

    /// The validators of every schema that compiles (with the warnings), and the errors.
    fn compile_collecting(doc: &Document) -> (Self, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let mut namespaces = HashMap::new();
        let resolved = doc.resolved.as_ref();
        let rule = if doc.api.asyncapi.starts_with("2.") {
            rules::SCHEMAS_V2
        } else {
            rules::SCHEMAS
        };
        // A schema used in several places is reported once, where it is written.
        let mut reported = std::collections::HashSet::new();
        // Positions are only needed for a failure: the source map is built on the first one.
        let mut compile = |schema: &Schema| -> Option<CompiledSchema> {
            let wrong = keywords::check(&schema.value, &schema.pointer);
            if !wrong.is_empty() {
                for (pointer, message) in wrong {
                    let d = doc
                        .diagnostic(&pointer, format!("invalid JSON Schema: {message}"))
                        .with_rule(rule);
                    if reported.insert((d.location.line, d.location.column, d.message.clone())) {
                        diagnostics.push(d);
                    }
                }
                return None;
            }
            match CompiledSchema::compile_located(schema, resolved) {
                Ok(c) => Some(c),
                Err(e) => {
                    let d = doc.diagnostic(&e.pointer, e.message).with_rule(rule);
                    if reported.insert((d.location.line, d.location.column, d.message.clone())) {
                        diagnostics.push(d);
                    }
                    None
                }
            }
        };
        for ns in &doc.api.namespaces {
            namespaces.insert(
                ns.path.clone(),
                Arc::new(compile_namespace(ns, &mut compile)),
            );
        }
        let (example_errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = ExampleCheck::run(doc)
            .diagnostics()
            .iter()
            .cloned()
            .partition(|d| d.severity == Severity::Error);
        diagnostics.extend(example_errors);
        (
            Self {
                namespaces,
                warnings,
            },
            diagnostics,
        )
    }

    /// What compiling found wrong without refusing the document: the message examples of an
    /// AsyncAPI 3.x document that do not match their schemas. Servers and mocks log them at
    /// startup; `asynction validate` prints them (`--strict` makes them errors).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// Validators of the namespace whose document path is `path`.
    pub fn namespace(&self, path: &str) -> Option<&Arc<NamespaceValidators>> {
        self.namespaces.get(path)
    }

    /// Validates the arguments of an egress event before it is sent.
    pub fn check_emit(
        &self,
        namespace: &str,
        event: &str,
        args: &[Value],
    ) -> Result<(), ValidationError> {
        let ns = self.namespace(namespace).ok_or_else(|| {
            ValidationError::new(
                Interaction::EgressPayload,
                namespace,
                Some(event),
                vec![Violation::whole(
                    "",
                    format!("namespace {namespace} is not defined in the AsyncAPI document"),
                )],
            )
        })?;
        ns.check_emit(namespace, event, args)
    }

    /// Total number of compiled schemas (for diagnostics and benchmarks).
    pub fn len(&self) -> usize {
        self.namespaces
            .values()
            .map(|n| {
                n.ingress
                    .values()
                    .chain(n.egress.values())
                    .map(|e| e.payload.is_some() as usize + e.ack.is_some() as usize)
                    .sum::<usize>()
                    + n.query.is_some() as usize
                    + n.headers.is_some() as usize
            })
            .sum()
    }

    /// Whether no schema was compiled.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Sets the deepest instance nesting every schema accepts (see
    /// [`CompiledSchema::with_max_depth`]; default [`DEFAULT_MAX_DEPTH`](crate::DEFAULT_MAX_DEPTH)).
    pub fn set_max_depth(&mut self, depth: usize) {
        for ns in self.namespaces.values_mut() {
            let ns = Arc::make_mut(ns);
            for ev in ns.ingress.values_mut().chain(ns.egress.values_mut()) {
                for slot in [&mut ev.payload, &mut ev.ack] {
                    *slot = slot.take().map(|s| s.with_max_depth(depth));
                }
            }
            for slot in [&mut ns.query, &mut ns.headers] {
                *slot = slot.take().map(|s| s.with_max_depth(depth));
            }
        }
    }
}

impl NamespaceValidators {
    /// Validates the arguments of an egress event `event` (its name must be an egress event).
    pub fn check_emit(
        &self,
        namespace: &str,
        event: &str,
        args: &[Value],
    ) -> Result<(), ValidationError> {
        let Some(ev) = self.egress.get(event) else {
            return Err(ValidationError::new(
                Interaction::EgressPayload,
                namespace,
                Some(event),
                vec![Violation::whole(
                    "",
                    format!(
                        "event '{event}' is not an event the server sends in namespace {namespace}"
                    ),
                )],
            ));
        };
        match &ev.payload {
            Some(schema) => schema.validate_args(args).map_err(|v| {
                ValidationError::new(Interaction::EgressPayload, namespace, Some(event), v)
            }),
            None => Ok(()),
        }
    }
}

fn compile_namespace(
    ns: &Namespace,
    compile: &mut impl FnMut(&Schema) -> Option<CompiledSchema>,
) -> NamespaceValidators {
    let mut events = |list: &[Event]| {
        let mut map = HashMap::new();
        for ev in list {
            // The first message with a name wins (as in the original's egress lookup).
            map.entry(ev.name.clone())
                .or_insert_with(|| EventValidators {
                    payload: ev.payload.as_ref().and_then(&mut *compile),
                    ack: ev.ack.as_ref().and_then(&mut *compile),
                });
        }
        map
    };
    let ingress = events(&ns.ingress);
    let egress = events(&ns.egress);
    let headers_schema = ns.bindings.headers.as_ref().map(|s| Schema {
        pointer: s.pointer.clone(),
        value: lowercase_properties(&s.value),
        arguments: s.arguments,
    });
    let polling_headers_schema = headers_schema.as_ref().and_then(|s| {
        handshake::without_upgrade_headers(&s.value).map(|value| Schema {
            pointer: s.pointer.clone(),
            value,
            arguments: s.arguments,
        })
    });
    NamespaceValidators {
        ingress,
        egress,
        query: ns.bindings.query.as_ref().and_then(&mut *compile),
        headers: headers_schema.as_ref().and_then(&mut *compile),
        polling_headers: polling_headers_schema.as_ref().and_then(&mut *compile),
        query_schema: ns.bindings.query.as_ref().map(|s| s.value.clone()),
        headers_schema: headers_schema.map(|s| s.value),
        method: ns.bindings.method.clone(),
    }
}

/// Header names are case-insensitive; the schema's property names and `required` are
/// lower-cased to match the lower-cased request headers.
fn lowercase_properties(schema: &Value) -> Value {
    let mut out = schema.clone();
    if let Some(Value::Object(props)) = out.get_mut("properties") {
        let lowered = props
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect();
        *props = lowered;
    }
    if let Some(Value::Array(req)) = out.get_mut("required") {
        for r in req.iter_mut() {
            if let Value::String(s) = r {
                *s = s.to_ascii_lowercase();
            }
        }
    }
    out
}
