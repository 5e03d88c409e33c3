//! The comparisons: every checked route's payload and ack types and every declared typed emit
//! against the document's schemas, with `asynction_diff::schema::is_subset_at` (the same subset
//! check `asynction diff` judges two documents with). Proven `No` → a mismatch; `Unproven` → a
//! warning that says why.
//!
//! Which side must fit into which:
//! - incoming payload: the document's schema ⊆ the type (every event the document lets through
//!   deserializes);
//! - ack and outgoing emit: the type ⊆ the document's schema (every value produced validates).
//!
//! Argument lists follow what the server does at run time: a `Single` schema describes the one
//! argument; a `spread` schema the list as an array, which `Payload<T>` reads as the one
//! argument when exactly one is sent and as the array otherwise, and which an `Ack<T>` fills
//! with one argument.

use asynction_diff::schema::{Difference, SchemaAt, SubsetVerdict, is_subset_at};
use serde_json::{Map, Value, json};

use super::describe::{AckType, HandlerTypes, TypeSchema};
use super::emit::EmitType;
use super::report::{Direction, SchemaSide, TypeMismatch, TypeReport};
use crate::model::{ArgumentList, Event, Namespace, Schema};
use crate::server::Registrations;
use crate::spec::Document;

/// Compares every registration with the document.
pub(crate) fn check(doc: &Document, registrations: &Registrations<'_>) -> TypeReport {
    let mut report = TypeReport::default();
    for route in registrations.routes.iter().filter(|r| r.registered) {
        let Some(types) = route
            .description
            .and_then(|d| d.downcast_ref::<HandlerTypes>())
        else {
            report.unchecked += 1;
            continue;
        };
        report.checked += 1;
        let at = Place {
            doc,
            namespace: route.namespace,
            event: route.event,
        };
        for payload in &types.payloads {
            at.payload(payload, &mut report);
        }
        if let Some(ack) = &types.ack {
            at.ack(ack, &mut report);
        }
    }
    for emit in registrations
        .declared
        .iter()
        .filter_map(|d| d.downcast_ref::<EmitType>())
    {
        report.emits += 1;
        emit_check(doc, emit, &mut report);
    }
    report
}

/// One route: where its mismatches are reported.
struct Place<'a> {
    doc: &'a Document,
    namespace: &'a Namespace,
    event: &'a Event,
}

impl Place<'_> {
    fn mismatch(&self, direction: Direction, rust: &TypeSchema, reason: String) -> TypeMismatch {
        TypeMismatch {
            namespace: self.namespace.path.clone(),
            event: self.event.name.clone(),
            direction,
            rust_type: rust.type_name.clone(),
            reason,
            document: None,
            rust: None,
            counterexample: None,
        }
    }

    /// The document's schema ⊆ the payload type.
    fn payload(&self, rust: &TypeSchema, report: &mut TypeReport) {
        let dir = Direction::IncomingPayload;
        // No schema: the document accepts any arguments.
        let (schema, pointer) = match &self.event.payload {
            Some(s) => match payload_view(s) {
                Ok(view) => view,
                Err(why) => {
                    report.warnings.push(self.mismatch(dir, rust, why));
                    return;
                }
            },
            None => (&TRUE, self.event.pointer.clone()),
        };
        let document = SchemaAt {
            schema,
            root: &self.doc.resolved,
            pointer: &pointer,
        };
        let verdict = is_subset_at(document, SchemaAt::standalone(&rust.schema));
        self.judge(
            dir,
            rust,
            verdict,
            Sides::DocumentIntoRust(document),
            report,
        );
    }

    /// The ack type ⊆ the document's ack schema.
    fn ack(&self, ack: &AckType, report: &mut TypeReport) {
        let dir = Direction::Ack;
        match (ack, &self.event.ack) {
            (AckType::Nothing, None) => {}
            (AckType::Nothing, Some(_)) => {
                let unit = TypeSchema {
                    type_name: "()".to_owned(),
                    schema: Value::Null,
                };
                let mut m = self.mismatch(
                    dir,
                    &unit,
                    "the document declares an ack, but the handler acknowledges with no data (return `Ack<T>`)".into(),
                );
                m.document = self
                    .event
                    .ack
                    .as_ref()
                    .map(|s| side(self.doc, &self.doc.resolved, &s.pointer, true));
                report.mismatches.push(m);
            }
            (AckType::Value(rust), None) => {
                report.mismatches.push(self.mismatch(
                    dir,
                    rust,
                    "the handler acknowledges with data, but the document declares no ack for this event (add `x-ack` / a reply, or return `()`)".into(),
                ));
            }
            (AckType::Value(rust), Some(doc_ack)) => {
                let produced = match doc_ack.arguments {
                    ArgumentList::Single => rust.schema.clone(),
                    // An `Ack<T>` is one argument: the list `[value]`.
                    ArgumentList::Spread => one_item_list(&rust.schema),
                };
                let document = doc_side(self.doc, doc_ack);
                let verdict = is_subset_at(SchemaAt::standalone(&produced), document);
                self.judge(
                    dir,
                    &TypeSchema {
                        type_name: rust.type_name.clone(),
                        schema: produced,
                    },
                    verdict,
                    Sides::RustIntoDocument(document),
                    report,
                );
            }
        }
    }

    fn judge(
        &self,
        dir: Direction,
        rust: &TypeSchema,
        verdict: SubsetVerdict,
        sides: Sides<'_>,
        report: &mut TypeReport,
    ) {
        let (d, proven) = match verdict {
            SubsetVerdict::No(d) => (d, true),
            SubsetVerdict::Unproven(d) => (d, false),
            _ => return,
        };
        let mut m = self.mismatch(dir, rust, reason(dir, rust, &d, proven));
        let (doc_ptr, rust_ptr, document) = match sides {
            Sides::DocumentIntoRust(s) => (&d.a_pointer, &d.b_pointer, s),
            Sides::RustIntoDocument(s) => (&d.b_pointer, &d.a_pointer, s),
        };
        m.document = Some(side(self.doc, document.root, doc_ptr, true));
        m.rust = Some(side(self.doc, &rust.schema, rust_ptr, false));
        m.counterexample = super::counterexample::find(dir, document, &rust.schema);
        if proven {
            report.mismatches.push(m);
        } else {
            report.warnings.push(m);
        }
    }
}

/// Which side of the comparison was A (the values that must fit).
enum Sides<'a> {
    DocumentIntoRust(SchemaAt<'a>),
    RustIntoDocument(SchemaAt<'a>),
}

const TRUE: Value = Value::Bool(true);

/// The document's schema as `Payload<T>` sees it, with its pointer: the schema itself for one
/// argument; for a spread list, the array when it always has two arguments or more, its one
/// item when it always has exactly one; otherwise the shape depends on the count sent.
pub(super) fn payload_view(s: &Schema) -> Result<(&Value, String), String> {
    if s.arguments == ArgumentList::Single {
        return Ok((&s.value, s.pointer.clone()));
    }
    let count = |k: &str| s.value.get(k).and_then(Value::as_u64);
    let positions = ["prefixItems", "items"].into_iter().find_map(|k| {
        s.value
            .get(k)
            .and_then(Value::as_array)
            .map(|a| (k, a.len()))
    });
    let closed = |k| match k {
        "prefixItems" => s.value.get("items") == Some(&Value::Bool(false)),
        _ => s.value.get("additionalItems") == Some(&Value::Bool(false)),
    };
    let max = match positions {
        Some((k, n)) if closed(k) => Some(count("maxItems").map_or(n as u64, |m| m.min(n as u64))),
        _ => count("maxItems"),
    };
    let min = count("minItems").unwrap_or(0);
    if min >= 2 {
        return Ok((&s.value, s.pointer.clone()));
    }
    if min == 1 && max == Some(1) {
        let one = match positions {
            Some((k, _)) => s
                .value
                .get(k)
                .and_then(|a| a.get(0))
                .map(|v| (v, format!("{}/{k}/0", s.pointer))),
            None => s
                .value
                .get("items")
                .map(|v| (v, format!("{}/items", s.pointer))),
        };
        return Ok(one.unwrap_or((&TRUE, s.pointer.clone())));
    }
    Err(format!(
        "could not compare: the spread argument list at {} may hold {min} to {} arguments, and `Payload<T>` reads one argument as itself but several as an array; give it minItems >= 2 (or exactly one argument)",
        s.pointer,
        max.map_or("any number of".to_owned(), |m| m.to_string())
    ))
}

/// A one-item array of `schema`'s values, keeping its `$defs` at the root.
pub(super) fn one_item_list(schema: &Value) -> Value {
    let mut item = schema.clone();
    let defs = item.as_object_mut().and_then(|m| m.remove("$defs"));
    let mut list = json!({"type": "array", "prefixItems": [item], "minItems": 1, "maxItems": 1});
    if let (Some(defs), Some(m)) = (defs, list.as_object_mut()) {
        m.insert("$defs".into(), defs);
    }
    list
}

fn doc_side<'a>(doc: &'a Document, s: &'a Schema) -> SchemaAt<'a> {
    SchemaAt {
        schema: &s.value,
        root: &doc.resolved,
        pointer: &s.pointer,
    }
}

fn reason(dir: Direction, rust: &TypeSchema, d: &Difference, proven: bool) -> String {
    let (subject, a, b) = match dir {
        Direction::IncomingPayload => (
            format!(
                "the document accepts values that `{}` cannot hold",
                rust.type_name
            ),
            "the document",
            "the type",
        ),
        Direction::Ack | Direction::OutgoingEmit => (
            format!(
                "`{}` can produce values the document forbids",
                rust.type_name
            ),
            "the type",
            "the document",
        ),
    };
    if proven {
        format!("{subject}: {} (from {a} to {b})", d.message)
    } else {
        format!(
            "could not prove that it cannot happen that {subject}: {} (from {a} to {b})",
            d.message
        )
    }
}

/// The node at `pointer` of `root`, shown as `keyword: value` when the pointer ends at a
/// keyword; `located`: where the document writes it.
fn side(doc: &Document, root: &Value, pointer: &str, located: bool) -> SchemaSide {
    const MAX: usize = 160;
    // A schema the model composed (several 3.x reply messages as one `anyOf`) is no node of
    // the document.
    let mut keywords = match root.pointer(pointer) {
        Some(node) => serde_json::to_string(&compact(node)).unwrap_or_default(),
        None => "(composed by asynction from several messages)".to_owned(),
    };
    if keywords.len() > MAX {
        let cut = (0..=MAX)
            .rev()
            .find(|i| keywords.is_char_boundary(*i))
            .unwrap_or(0);
        keywords.truncate(cut);
        keywords.push('…');
    }
    let location = located.then(|| {
        let l = doc.diagnostic(pointer, "").location;
        match (l.line, l.column) {
            (Some(line), Some(col)) => format!("{}:{line}:{col}", l.file.display()),
            _ => l.file.display().to_string(),
        }
    });
    SchemaSide {
        pointer: pointer.to_owned(),
        keywords,
        location,
    }
}

/// `value` without annotations that say nothing about what it accepts.
fn compact(value: &Value) -> Value {
    match value {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| {
                    !matches!(k.as_str(), "description" | "title" | "examples" | "$defs")
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Map<_, _>>(),
        ),
        other => other.clone(),
    }
}

/// A typed emit: its type ⊆ the payload schema of the server event it names.
fn emit_check(doc: &Document, emit: &EmitType, report: &mut TypeReport) {
    let dir = Direction::OutgoingEmit;
    let ns = doc.api.namespaces.iter().find(|n| n.path == emit.namespace);
    let event = ns.and_then(|n| n.egress.iter().find(|e| e.name == emit.event));
    let (Some(namespace), Some(event)) = (ns, event) else {
        let reason = match ns {
            None => "the document defines no such namespace".to_owned(),
            Some(n) => {
                let sends: Vec<String> = n.egress.iter().map(|e| format!("'{}'", e.name)).collect();
                format!(
                    "the namespace does not send this event (it sends: {})",
                    if sends.is_empty() {
                        "no events".to_owned()
                    } else {
                        sends.join(", ")
                    }
                )
            }
        };
        report.mismatches.push(TypeMismatch {
            namespace: emit.namespace.to_owned(),
            event: emit.event.to_owned(),
            direction: dir,
            rust_type: emit.schema.type_name.clone(),
            reason,
            document: None,
            rust: None,
            counterexample: None,
        });
        return;
    };
    let Some(payload) = &event.payload else {
        return; // no schema: any value is accepted
    };
    let produced = match payload.arguments {
        // An array is sent as the argument list, anything else as its one argument.
        ArgumentList::Spread if emit.schema.schema.get("type") != Some(&json!("array")) => {
            one_item_list(&emit.schema.schema)
        }
        _ => emit.schema.schema.clone(),
    };
    let document = doc_side(doc, payload);
    let verdict = is_subset_at(SchemaAt::standalone(&produced), document);
    let place = Place {
        doc,
        namespace,
        event,
    };
    place.judge(
        dir,
        &TypeSchema {
            type_name: emit.schema.type_name.clone(),
            schema: produced,
        },
        verdict,
        Sides::RustIntoDocument(document),
        report,
    );
}
