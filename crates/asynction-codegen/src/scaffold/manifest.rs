//! The generated project's `Cargo.toml`.

use std::path::Path;

use super::AsynctionDependency;

/// `Cargo.toml` for crate `name` depending on asynction as `dependency`.
pub(crate) fn cargo_toml(
    name: &str,
    description: &str,
    dependency: &AsynctionDependency,
) -> String {
    // `schemars`: the handlers' types are checked against the document at build.
    let asynction = match dependency {
        AsynctionDependency::Path(path) => {
            format!(
                "{{ path = {}, features = [\"schemars\"] }}",
                toml_path(path)
            )
        }
        AsynctionDependency::Version(version) => format!(
            "{{ version = {}, features = [\"schemars\"] }}",
            toml_string(version)
        ),
    };
    format!(
        r#"[package]
name = {name}
version = "0.1.0"
edition = "2024"
description = {description}
publish = false

[lib]
# Descriptions copied from the document into doc comments are prose, not doctests.
doctest = false

[dependencies]
asynction = {asynction}
schemars = "1"
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
tokio = {{ version = "1", features = ["macros", "rt-multi-thread", "net", "signal"] }}
tracing = "0.1"
tracing-subscriber = {{ version = "0.3", features = ["env-filter"] }}

# A workspace of its own: the project builds where it is, even inside another workspace.
[workspace]
"#,
        name = toml_string(name),
        description = toml_string(description),
    )
}

fn toml_path(path: &Path) -> String {
    toml_string(&path.to_string_lossy())
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependency_by_path_or_version_with_escaping() {
        let by_path = cargo_toml(
            "chat",
            "Chat \"v1\"",
            &AsynctionDependency::Path("C:\\src\\asynction".into()),
        );
        assert!(by_path.contains("name = \"chat\""), "{by_path}");
        assert!(
            by_path.contains("description = \"Chat \\\"v1\\\"\""),
            "{by_path}"
        );
        assert!(
            by_path.contains(
                "asynction = { path = \"C:\\\\src\\\\asynction\", features = [\"schemars\"] }"
            ),
            "{by_path}"
        );
        assert!(by_path.trim_end().ends_with("[workspace]"), "{by_path}");
        let by_version = cargo_toml("chat", "", &AsynctionDependency::Version("0.1".into()));
        assert!(
            by_version.contains("asynction = { version = \"0.1\", features = [\"schemars\"] }"),
            "{by_version}"
        );
    }
}
