//! Reference loops that never reach the instance's children.
//!
//! A recursive schema is legal when each round of the recursion descends into the instance
//! (`Tree.children.items → Tree`): the instance is finite, so validation ends. A loop made only
//! of keywords that apply to the *same* instance location (`$ref`, `allOf`, `anyOf`, `oneOf`,
//! `not`, `if`/`then`/`else`, `dependentSchemas`) never ends: JSON Schema leaves its behaviour
//! undefined, and the `jsonschema` crate, given such a loop through several references,
//! allocates until the process runs out of memory (found by the `resolve_refs` fuzz target with a
//! 37-byte input). Such a schema cannot mean anything, so compiling it fails with the loop
//! spelled out, instead of taking a server down on the first event.

use std::collections::HashMap;

use serde_json::Value;

/// Keywords whose subschemas apply to the same instance location, as arrays of schemas.
const SAME_LOCATION_LISTS: &[&str] = &["allOf", "anyOf", "oneOf"];
/// Keywords whose subschema applies to the same instance location.
const SAME_LOCATION_ONE: &[&str] = &["not", "if", "then", "else"];
/// Keywords whose values are maps of subschemas applied to the same instance location.
const SAME_LOCATION_MAPS: &[&str] = &["dependentSchemas"];

/// A loop of same-location references found in a schema document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SameLocationLoop {
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

/// The first loop of same-location references reachable from `root` (a schema document whose
/// local `$ref`s are JSON pointers into itself), if any. Runs in time linear in the number of
/// subschemas, without recursion.
pub fn find_same_location_loop(root: &Value) -> Option<SameLocationLoop> {
    let mut marks: HashMap<String, Mark> = HashMap::new();
    // Each frame: a schema's pointer, its same-location successors, the next one to visit and,
    // for successors reached through `$ref`, that `$ref`'s own pointer.
    struct Frame {
        pointer: String,
        next: Vec<(String, Option<String>)>,
        index: usize,
    }
    let start = String::new();
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
                let from = stack.iter().position(|f| f.pointer == target).unwrap_or(0);
                // Each frame's edge in use is the one before its `index`; a loop in a tree is
                // impossible, so at least one of them is a `$ref`.
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
