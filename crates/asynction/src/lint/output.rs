//! A lint [`Report`](super::Report)'s diagnostics as CI tools read them: SARIF 2.1.0 (GitHub
//! code scanning and most CI dashboards), GitHub Actions workflow commands, JSON, and the
//! plain text line every tool prints.

use std::path::{Component, Path, PathBuf};

use serde_json::{Value, json};

use crate::spec::{Diagnostic, Severity, rules};

/// `file:line:col: [severity: ]message (at /pointer) [rule]`: the [`Diagnostic`]'s own line
/// (errors print as they always did) with the rule id after it.
pub fn text_line(d: &Diagnostic) -> String {
    format!("{d} [{}]", d.rule)
}

/// The diagnostics as a JSON array of `{file, line, column, pointer, message, rule}` objects,
/// with `severity` on every one that is not an error (the shape errors always had).
pub fn json(diagnostics: &[Diagnostic]) -> Value {
    Value::Array(
        diagnostics
            .iter()
            .map(|d| {
                let mut o = json!({
                    "file": d.location.file.display().to_string(),
                    "line": d.location.line,
                    "column": d.location.column,
                    "pointer": d.pointer,
                    "message": d.message,
                });
                if d.severity != Severity::Error {
                    o["severity"] = json!(d.severity.as_str());
                }
                o["rule"] = json!(d.rule);
                o
            })
            .collect(),
    )
}

/// A SARIF 2.1.0 log of one run over `diagnostics`: the tool and every rule it reported
/// (description, help, default level), each result with its rule, level, message, file
/// (a URI relative to `base`, the working directory, when the file is under it) and region.
///
/// ```
/// let log = asynction::lint::sarif(&[], std::path::Path::new("."));
/// assert_eq!(log["version"], "2.1.0");
/// ```
pub fn sarif(diagnostics: &[Diagnostic], base: &Path) -> Value {
    let mut rule_ids: Vec<&'static str> = diagnostics.iter().map(|d| d.rule).collect();
    rule_ids.sort_unstable();
    rule_ids.dedup();
    let rules_json: Vec<Value> = rule_ids
        .iter()
        .map(|id| {
            let mut r = json!({ "id": id });
            if let Some(rule) = rules::rule_named(id) {
                r["shortDescription"] = json!({ "text": rule.summary });
                r["help"] = json!({ "text": rule.fix });
                r["defaultConfiguration"] = json!({ "level": level(rule.severity) });
                r["properties"] = json!({
                    "tags": if rule.recommended { ["recommended"] } else { ["validity"] },
                });
            }
            r
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let index = rule_ids.binary_search(&d.rule).unwrap_or_default();
            let mut physical = json!({
                "artifactLocation": artifact(&d.location.file, base),
            });
            if let Some(line) = d.location.line {
                let mut region = json!({ "startLine": line });
                if let Some(column) = d.location.column {
                    region["startColumn"] = json!(column);
                }
                physical["region"] = region;
            }
            let mut location = json!({ "physicalLocation": physical });
            if !d.pointer.is_empty() {
                location["logicalLocations"] = json!([{
                    "fullyQualifiedName": d.pointer,
                    "kind": "object",
                }]);
            }
            json!({
                "ruleId": d.rule,
                "ruleIndex": index,
                "level": level(d.severity),
                "message": { "text": d.message },
                "locations": [location],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "asynction",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules_json,
                }
            },
            "originalUriBaseIds": {
                "%SRCROOT%": { "uri": directory_uri(base) }
            },
            "results": results,
        }]
    })
}

/// SARIF's level of a severity (SARIF has no hint: it is a note).
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        _ => "note",
    }
}

/// The artifact location of `file`: relative to `base` (with `uriBaseId`) when it is under it,
/// else an absolute `file://` URI.
fn artifact(file: &Path, base: &Path) -> Value {
    let absolute = absolute(file, base);
    let base = absolute_dir(base);
    match absolute.strip_prefix(&base) {
        Ok(relative) => json!({
            "uri": encode_path(relative),
            "uriBaseId": "%SRCROOT%",
        }),
        Err(_) => json!({ "uri": format!("file://{}", encode_path(&absolute)) }),
    }
}

fn absolute_dir(base: &Path) -> PathBuf {
    std::path::absolute(base).unwrap_or_else(|_| base.to_path_buf())
}

/// `file` made absolute against `base`, with `.` and `..` removed.
fn absolute(file: &Path, base: &Path) -> PathBuf {
    let joined = if file.is_absolute() {
        file.to_path_buf()
    } else {
        absolute_dir(base).join(file)
    };
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn directory_uri(base: &Path) -> String {
    let mut uri = format!("file://{}", encode_path(&absolute_dir(base)));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// A path as a URI path: `/`-separated, every byte outside RFC 3986's unreserved set and `/`
/// percent-encoded.
fn encode_path(path: &Path) -> String {
    let text = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .filter(|c| c != "/")
        .collect::<Vec<_>>()
        .join("/");
    let prefix = if path.is_absolute() { "/" } else { "" };
    let mut out = String::from(prefix);
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char);
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// GitHub Actions workflow commands, one line per diagnostic:
/// `::error file=api.yaml,line=3,col=1,title=asyncapi-document-resolved::message`
/// (warnings `::warning`, infos and hints `::notice`), which annotate the pull request.
pub fn github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            _ => "notice",
        };
        let mut properties = vec![format!(
            "file={}",
            property(&d.location.file.display().to_string())
        )];
        if let Some(line) = d.location.line {
            properties.push(format!("line={line}"));
        }
        if let Some(col) = d.location.column {
            properties.push(format!("col={col}"));
        }
        properties.push(format!("title={}", property(d.rule)));
        let mut message = d.message.clone();
        if !d.pointer.is_empty() {
            message.push_str(&format!(" (at {})", d.pointer));
        }
        out.push_str(&format!(
            "::{command} {}::{}\n",
            properties.join(","),
            data(&message)
        ));
    }
    out
}

/// A workflow command's message (`%`, CR and LF escaped).
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value (also `:` and `,`).
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Location;

    fn at(file: &str, severity: Severity) -> Diagnostic {
        Diagnostic {
            severity,
            rule: "asyncapi-info-contact",
            location: Location {
                file: PathBuf::from(file),
                line: Some(3),
                column: Some(1),
            },
            pointer: "/info".to_owned(),
            message: "info should have a \"contact\" object, 100% sure\nreally".to_owned(),
        }
    }

    #[test]
    fn github_commands_escape_what_the_runner_would_misread() {
        let text = github(&[at("dir, a/api:1.yaml", Severity::Info)]);
        assert_eq!(
            text,
            "::notice file=dir%2C a/api%3A1.yaml,line=3,col=1,title=asyncapi-info-contact::info \
             should have a \"contact\" object, 100%25 sure%0Areally (at /info)\n"
        );
    }

    #[test]
    fn sarif_uris_are_relative_to_the_working_directory_and_encoded() {
        let base = Path::new("/work/project");
        let log = sarif(
            &[
                at("specs/my api.yaml", Severity::Warning),
                at("/elsewhere/x.yaml", Severity::Hint),
            ],
            base,
        );
        let results = &log["runs"][0]["results"];
        assert_eq!(
            results[0]["locations"][0]["physicalLocation"]["artifactLocation"],
            json!({ "uri": "specs/my%20api.yaml", "uriBaseId": "%SRCROOT%" })
        );
        assert_eq!(
            results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "file:///elsewhere/x.yaml"
        );
        assert_eq!(results[1]["level"], "note");
        assert_eq!(
            log["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"],
            "warning"
        );
        assert_eq!(
            log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            "file:///work/project/"
        );
    }
}
