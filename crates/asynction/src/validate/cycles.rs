//! Reference loops that never reach the instance's children.
//!
//! A recursive schema is legal when each round of the recursion descends into the instance
//! (`Tree.children.items → Tree`): the instance is finite, so validation ends. A loop made only
//! of keywords that apply to the *same* instance location (`$ref`, `allOf`, `anyOf`, `oneOf`,
//! `not`, `if`/`then`/`else`, `dependentSchemas`) never ends: JSON Schema leaves its behaviour
//! undefined, and the `jsonschema` crate, given such a loop through several references,
//! allocates until the process runs out of memory (found by the `resolve_refs` fuzz target: a
//! 37-byte input with such a loop at the value itself, and a 22-byte one with the loop behind a
//! property, reached once validation descends into `next`). Such a schema cannot mean anything, so compiling it fails with the loop
//! spelled out, instead of taking a server down on the first event.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

/// Keywords whose subschemas apply to the same instance location, as arrays of schemas.
const SAME_LOCATION_LISTS: &[&str] = &["allOf", "anyOf", "oneOf"];
/// Keywords whose subschema applies to the same instance location.
const SAME_LOCATION_ONE: &[&str] = &["not", "if", "then", "else"];
/// Keywords whose values are maps of subschemas applied to the same instance location.
const SAME_LOCATION_MAPS: &[&str] = &["dependentSchemas"];

/// A loop of same-location references found in a schema document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SameLocationLoop {
    /// JSON pointers (in the schema document) of the `$ref`s around the loop, in the order
    /// validation follows them; the last one closes the loop.
    pub refs: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// On the current path of the walk.
    Open,
    /// Fully walked: no loop goes through it.
    Done,
}

/// The first loop of same-location references among the subschemas reachable from `root` (a
/// schema document whose local `$ref`s are JSON pointers into itself), if any: at the root's
/// own location or at any depth of the instance (behind `properties`, `items`, …). Runs in time
/// linear in the number of subschemas, without recursion.
pub(super) fn find_same_location_loop(root: &Value) -> Option<SameLocationLoop> {
    let mut marks: HashMap<String, Mark> = HashMap::new();
    for start in reachable_schemas(root) {
        if !marks.contains_key(&start)
            && let Some(found) = loop_from(root, start, &mut marks)
        {
            return Some(found);
        }
    }
    None
}

/// Every subschema reachable from the root through any keyword and local `$ref`, in walk order.
fn reachable_schemas(root: &Value) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut order = Vec::new();
    let mut stack = vec![String::new()];
    while let Some(pointer) = stack.pop() {
        if !seen.insert(pointer.clone()) {
            continue;
        }
        stack.extend(descendants(root, &pointer));
        stack.extend(successors(root, &pointer).into_iter().map(|(p, _)| p));
        order.push(pointer);
    }
    order
}

/// A same-location loop reachable from `start` through same-location edges only; `marks` is
/// shared between starts (a `Done` schema has no loop behind it).
fn loop_from(
    root: &Value,
    start: String,
    marks: &mut HashMap<String, Mark>,
) -> Option<SameLocationLoop> {
    // Each frame: a schema's pointer, its same-location successors (with, for those reached
    // through `$ref`, that `$ref`'s own pointer) and the next one to visit.
    struct Frame {
        pointer: String,
        next: Vec<(String, Option<String>)>,
        index: usize,
    }
    marks.insert(start.clone(), Mark::Open);
    let mut stack = vec![Frame {
        next: successors(root, &start),
        pointer: start,
        index: 0,
    }];
    while let Some(frame) = stack.last_mut() {
        let Some((target, _)) = frame.next.get(frame.index).cloned() else {
            marks.insert(frame.pointer.clone(), Mark::Done);
            stack.pop();
            continue;
        };
        frame.index += 1;
        match marks.get(&target) {
            Some(Mark::Done) => {}
            Some(Mark::Open) => {
                // The loop is the part of the path from `target` on, closed by this edge.
                // Each frame's edge in use is the one before its `index`; a loop in a tree is
                // impossible, so at least one of them is a `$ref`.
                let from = stack.iter().position(|f| f.pointer == target).unwrap_or(0);
                let refs = stack[from..]
                    .iter()
                    .filter_map(|f| f.next.get(f.index.checked_sub(1)?)?.1.clone())
                    .collect();
                return Some(SameLocationLoop { refs });
            }
            None => {
                marks.insert(target.clone(), Mark::Open);
                let next = successors(root, &target);
                stack.push(Frame {
                    pointer: target,
                    next,
                    index: 0,
                });
            }
        }
    }
    None
}

/// Keywords whose subschema applies to a part of the instance (a member, an item, a key).
const DESCENDING_ONE: &[&str] = &[
    "additionalProperties",
    "items",
    "additionalItems",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
];
/// Keywords whose subschemas, as an array, apply to parts of the instance.
const DESCENDING_LISTS: &[&str] = &["prefixItems", "items"];
/// Keywords whose subschemas, as a map, apply to parts of the instance.
const DESCENDING_MAPS: &[&str] = &["properties", "patternProperties"];

/// The subschemas of the schema at `pointer` that apply to parts of the instance.
fn descendants(root: &Value, pointer: &str) -> Vec<String> {
    let Some(Value::Object(schema)) = root.pointer(pointer) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for &keyword in DESCENDING_ONE {
        if matches!(schema.get(keyword), Some(Value::Object(_))) {
            out.push(format!("{pointer}/{keyword}"));
        }
    }
    for &keyword in DESCENDING_LISTS {
        if let Some(Value::Array(items)) = schema.get(keyword) {
            out.extend((0..items.len()).map(|i| format!("{pointer}/{keyword}/{i}")));
        }
    }
    for &keyword in DESCENDING_MAPS {
        if let Some(Value::Object(map)) = schema.get(keyword) {
            out.extend(
                map.keys()
                    .map(|k| format!("{pointer}/{keyword}/{}", escape(k))),
            );
        }
    }
    out
}

/// The subschemas that apply to the same instance location as the schema at `pointer`: its
/// same-location keywords' subschemas, and the target of its local `$ref` (with the `$ref`'s
/// pointer).
fn successors(root: &Value, pointer: &str) -> Vec<(String, Option<String>)> {
    let Some(Value::Object(schema)) = root.pointer(pointer) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for keyword in ["$ref", "$dynamicRef"] {
        if let Some(Value::String(reference)) = schema.get(keyword)
            && let Some(target) = local_pointer(reference)
            && root.pointer(&target).is_some()
        {
            out.push((target, Some(format!("{pointer}/{}", escape(keyword)))));
        }
    }
    for &keyword in SAME_LOCATION_LISTS {
        if let Some(Value::Array(items)) = schema.get(keyword) {
            out.extend((0..items.len()).map(|i| (format!("{pointer}/{keyword}/{i}"), None)));
        }
    }
    for &keyword in SAME_LOCATION_ONE {
        if schema.contains_key(keyword) {
            out.push((format!("{pointer}/{keyword}"), None));
        }
    }
    for &keyword in SAME_LOCATION_MAPS {
        if let Some(Value::Object(map)) = schema.get(keyword) {
            out.extend(
                map.keys()
                    .map(|k| (format!("{pointer}/{keyword}/{}", escape(k)), None)),
            );
        }
    }
    out
}

/// The JSON pointer a local reference (`#`, `#/a/b`, percent-encoded or not) names, in the
/// canonical spelling `Value::pointer` takes; `None` for anchors and other documents.
fn local_pointer(reference: &str) -> Option<String> {
    let decoded = percent_decode(reference.strip_prefix('#')?)?;
    // `#` is the root; anything else must be a pointer (`#/`, as RFC 6901 reads it, is the
    // root's member named "").
    (decoded.is_empty() || decoded.starts_with('/')).then_some(decoded)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recursion_through_properties_or_items_is_not_a_loop() {
        let tree = json!({
            "$defs": {"Tree": {"type": "object", "properties": {
                "children": {"type": "array", "items": {"$ref": "#/$defs/Tree"}},
                "parent": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/Tree"}]}
            }}},
            "$ref": "#/$defs/Tree"
        });
        assert_eq!(find_same_location_loop(&tree), None);
    }

    #[test]
    fn a_loop_through_all_of_is_found_with_its_refs() {
        let schema = json!({
            "$defs": {
                "a": {"allOf": [{"type": "object"}, {"$ref": "#/$defs/b"}]},
                "b": {"anyOf": [{"$ref": "#/$defs/a"}]}
            },
            "$ref": "#/$defs/a"
        });
        let found = find_same_location_loop(&schema).expect("a loop");
        assert_eq!(
            found.refs,
            ["/$defs/a/allOf/1/$ref", "/$defs/b/anyOf/0/$ref"]
        );
    }

    #[test]
    fn a_loop_behind_a_property_is_found_too() {
        // The value itself is fine; its `next` member would never finish validating.
        let schema = json!({
            "$defs": {
                "a": {"allOf": [{"$ref": "#/$defs/b"}]},
                "b": {"allOf": [{"$ref": "#/$defs/a"}]}
            },
            "type": "object",
            "properties": {"next": {"$ref": "#/$defs/a"}}
        });
        let found = find_same_location_loop(&schema).expect("a loop");
        assert_eq!(
            found.refs,
            ["/$defs/a/allOf/0/$ref", "/$defs/b/allOf/0/$ref"]
        );
    }

    #[test]
    fn percent_encoded_and_escaped_pointers_are_followed() {
        let schema = json!({
            "$defs": {"a/b": {"not": {"$ref": "#/$defs/a~1%62"}}},
            "$ref": "#/%24defs/a~1b"
        });
        let found = find_same_location_loop(&schema).expect("a loop");
        assert_eq!(found.refs, ["/$defs/a~1b/not/$ref"]);
    }

    #[test]
    fn a_self_reference_at_the_root_is_a_loop() {
        let schema = json!({"allOf": [{"$ref": "#"}]});
        assert_eq!(
            find_same_location_loop(&schema).map(|l| l.refs),
            Some(vec!["/allOf/0/$ref".to_owned()])
        );
    }

    #[test]
    fn anchors_and_other_documents_are_not_followed() {
        assert_eq!(local_pointer("#node"), None);
        assert_eq!(local_pointer("other.json#/a"), None);
        assert_eq!(local_pointer("#/a%2Fb"), Some("/a/b".into()));
        assert_eq!(local_pointer("#"), Some(String::new()));
    }
}
