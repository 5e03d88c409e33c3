//! What `models.py` is made of: pydantic classes with their fields, type aliases, and how one
//! class is written.

use std::collections::BTreeSet;

use crate::python::naming::{docstring, string_literal};

/// A generated pydantic class.
#[derive(Debug, Clone)]
pub(super) struct Class {
    pub(super) name: String,
    pub(super) doc: Vec<String>,
    pub(super) fields: Vec<Field>,
    pub(super) extra: Extra,
    /// JSON names of optional, non-nullable fields: `None` there means "absent".
    pub(super) absent_when_none: Vec<String>,
}

#[derive(Debug, Clone)]
pub(super) enum Extra {
    Allow,
    Forbid,
    Typed(String),
}

#[derive(Debug, Clone)]
pub(super) struct Field {
    pub(super) name: String,
    pub(super) json_name: String,
    pub(super) ty: String,
    pub(super) required: bool,
    pub(super) doc: Vec<String>,
}

/// A generated type alias.
#[derive(Debug, Clone)]
pub(super) struct Alias {
    pub(super) name: String,
    pub(super) doc: Vec<String>,
    pub(super) expr: String,
}

pub(super) fn render_class(c: &Class) -> String {
    let mut out = format!("class {}(_Model):\n", c.name);
    let doc = docstring(&c.doc, "    ");
    let mut body = String::new();
    body.push_str(&doc);
    match &c.extra {
        Extra::Allow => {}
        Extra::Forbid => body.push_str("    model_config = ConfigDict(extra=\"forbid\")\n"),
        Extra::Typed(t) => {
            // pyright reads BaseModel's own annotation as a mutable attribute; pydantic
            // documents this override as the way to type the extra properties.
            body.push_str(&format!(
                "    __pydantic_extra__: Dict[str, {t}] = Field(init=False)  # pyright: ignore[reportIncompatibleVariableOverride]\n"
            ));
        }
    }
    if !c.absent_when_none.is_empty() {
        let mut names: BTreeSet<String> = BTreeSet::new();
        for n in &c.absent_when_none {
            names.insert(n.clone());
        }
        for f in &c.fields {
            if c.absent_when_none.contains(&f.json_name) {
                names.insert(f.name.clone());
            }
        }
        let list: Vec<String> = names.iter().map(|n| string_literal(n)).collect();
        body.push_str(&format!(
            "    _absent_when_none: ClassVar[Tuple[str, ...]] = ({},)\n",
            list.join(", ")
        ));
    }
    for f in &c.fields {
        let aliased = f.name != f.json_name;
        let alias = if aliased {
            format!(
                "validation_alias={0}, serialization_alias={0}",
                string_literal(&f.json_name)
            )
        } else {
            String::new()
        };
        let optional = if f.ty.starts_with("Optional[") || f.ty == "None" || f.ty == "JsonValue" {
            f.ty.clone()
        } else {
            format!("Optional[{}]", f.ty)
        };
        let line = match (f.required, aliased) {
            (true, false) => format!("    {}: {}\n", f.name, f.ty),
            (true, true) => format!("    {}: {} = Field({alias})\n", f.name, f.ty),
            (false, false) => format!("    {}: {optional} = None\n", f.name),
            (false, true) => format!(
                "    {}: {optional} = Field(default=None, {alias})\n",
                f.name
            ),
        };
        body.push_str(&line);
        body.push_str(&docstring(&f.doc, "    "));
    }
    if body.is_empty() {
        body.push_str("    pass\n");
    }
    out.push_str(&body);
    out
}

/// Doc lines of the type model, less what the TypeScript types needed said and Python checks.
pub(super) fn doc_lines(doc: &[String]) -> Vec<String> {
    doc.iter()
        .filter(|l| {
            !l.starts_with("Format: `date-time`") && !l.starts_with("Must match the pattern")
        })
        .map(|l| l.replace("`unknown`", "`JsonValue`"))
        .collect()
}
