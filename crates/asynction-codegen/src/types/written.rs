//! The document as written (before `$ref`s were inlined): where a schema came from a
//! component, the type is named after it (`/components/schemas/User` → `User`).

use serde_json::Value;

use super::Types;
use crate::naming::pascal_case;

impl<'d> Types<'d> {
    /// The node of the document as written at `pointer` (a pointer into the resolved
    /// document), following local `$ref`s on the way; `None` past an external `$ref`.
    pub(super) fn written_at(&self, pointer: &str) -> Option<&'d Value> {
        let mut node = self.written?;
        for raw in pointer.split('/').skip(1) {
            let segment = raw.replace("~1", "/").replace("~0", "~");
            node = self.follow_written(Some(node)).0?;
            node = match node {
                Value::Object(m) => m.get(&segment)?,
                Value::Array(a) => a.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The written node behind local `$ref`s, and the component (`pointer`, name) the first
    /// `$ref` names (only when the `$ref` has no sibling keywords).
    pub(super) fn follow_written(
        &self,
        written: Option<&'d Value>,
    ) -> (Option<&'d Value>, Option<(String, String)>) {
        let Some(mut node) = written else {
            return (None, None);
        };
        let mut component = None;
        for _ in 0..16 {
            let Some(m) = node.as_object() else { break };
            let Some(r) = m.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let Some(ptr) = r.strip_prefix('#') else {
                return (None, component);
            };
            let Some(target) = self.written.and_then(|w| w.pointer(ptr)) else {
                return (None, component);
            };
            if component.is_none() && m.len() == 1 {
                component = component_name(ptr).map(|n| (ptr.to_owned(), n));
            }
            node = target;
        }
        (Some(node), component)
    }
}

/// The name a component pointer gives a type: `/components/schemas/User` → `User`,
/// `/components/messages/SignUp/payload` → `SignUpPayload`.
pub(super) fn component_name(pointer: &str) -> Option<String> {
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let name = match segments.as_slice() {
        [c, kind, name] if c == "components" && kind == "schemas" => pascal_case(name, "Schema"),
        [c, kind, name, rest @ ..]
            if c == "components" && kind == "messages" && !rest.is_empty() =>
        {
            format!(
                "{}{}",
                pascal_case(name, "Message"),
                pascal_case(&rest.join(" "), "")
            )
        }
        [c, _, name, ..] if c == "components" => pascal_case(name, "Schema"),
        _ => return None,
    };
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_names() {
        assert_eq!(
            component_name("/components/schemas/user_info").as_deref(),
            Some("UserInfo")
        );
        assert_eq!(
            component_name("/components/messages/signUp/payload").as_deref(),
            Some("SignUpPayload")
        );
        assert_eq!(component_name("/channels/x"), None);
    }
}
