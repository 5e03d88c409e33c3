//! The documentation's `asynction …` command lines parse: every one in a shell block (`asynction
//! ARGS`, `cargo run … -p asynction-cli -- ARGS`, `docker run … asynction ARGS`) and every inline
//! `` `asynction …` `` span, synopses included (`[--opt V]` taken as written, `a\|b` as `a`), is
//! given to the tool's own clap parser. A mention of a command without its required arguments
//! (`asynction emit`) is fine; an option or command that does not exist (`asynction mock
//! --metrics`, which is `mock run --metrics`) or a value it refuses fails the test.

use std::path::{Path, PathBuf};

use asynction_cli::Cli;
use clap::Parser;
use clap::error::{ContextKind, ErrorKind};

/// The Markdown files users read.
fn documents() -> Vec<PathBuf> {
    let root = asynction_testkit::root();
    let mut files = vec![
        root.join("README.md"),
        root.join("crates/asynction-cli/README.md"),
    ];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// One command line found in a document: where, the text, the arguments after `asynction`.
struct Found {
    line: usize,
    text: String,
    args: Vec<String>,
}

/// Fenced blocks in these languages hold no shell commands.
const NOT_SHELL: &[&str] = &["rust", "toml", "json", "python", "typescript", "ts", "js"];

fn command_lines(markdown: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let mut fence: Option<bool> = None; // Some(shell?) inside a fenced block
    let mut pending = String::new();
    let mut pending_line = 0;
    for (i, line) in markdown.lines().enumerate() {
        let n = i + 1;
        if let Some(lang) = line.trim_start().strip_prefix("```") {
            fence = match fence {
                Some(_) => None,
                None => {
                    let lang = lang.split([',', ' ']).next().unwrap_or("");
                    Some(!NOT_SHELL.contains(&lang))
                }
            };
            continue;
        }
        match fence {
            Some(true) => {
                if pending.is_empty() {
                    pending_line = n;
                }
                if let Some(continued) = line.strip_suffix('\\') {
                    pending.push_str(continued);
                    pending.push(' ');
                    continue;
                }
                pending.push_str(line);
                let text = std::mem::take(&mut pending);
                // YAML puts shell commands after `run:`.
                let shell = text.trim_start().trim_start_matches("- ");
                let shell = shell.strip_prefix("run:").unwrap_or(shell);
                if let Some(words) = shlex::split(shell) {
                    for args in shell_invocations(&words) {
                        found.push(Found {
                            line: pending_line,
                            text: text.trim().to_owned(),
                            args,
                        });
                    }
                }
            }
            Some(false) => {}
            None => {
                for span in inline_code(line) {
                    // (`asynction = { … }` is a Cargo.toml line.)
                    let Some(rest) = span
                        .strip_prefix("asynction ")
                        .filter(|rest| !rest.starts_with('='))
                    else {
                        continue;
                    };
                    if let Some(args) = synopsis(rest) {
                        found.push(Found {
                            line: n,
                            text: span.to_owned(),
                            args,
                        });
                    }
                }
            }
        }
    }
    found
}

/// The `` `…` `` spans of a line.
fn inline_code(line: &str) -> Vec<&str> {
    line.split('`').skip(1).step_by(2).collect()
}

/// The argument lists of every `asynction` run in a shell line's words.
fn shell_invocations(words: &[String]) -> Vec<Vec<String>> {
    let ends = |w: &str| matches!(w, ";" | "&&" | "||" | "|" | "&") || w.starts_with('>');
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let previous = if i > 0 { words[i - 1].as_str() } else { "" };
        let starts = match w.as_str() {
            // `cargo run … -p asynction-cli -- ARGS`
            "--" => previous == "asynction-cli" || words[..i].iter().any(|p| p == "asynction-cli"),
            // `asynction ARGS`, `docker run … asynction ARGS` (not `docker build -t asynction`)
            "asynction" | "./target/release/asynction" | "target/release/asynction" => {
                // Not the image name of `docker build -t`, the crate of `cargo run -p`.
                !matches!(previous, "-t" | "--tag" | "-p" | "image:")
            }
            _ => false,
        };
        if starts {
            let args: Vec<String> = words[i + 1..]
                .iter()
                .take_while(|w| !ends(w))
                .cloned()
                .collect();
            out.push(words_of_synopsis(args));
            if w == "--" {
                break;
            }
        }
    }
    out
}

/// A synopsis as arguments: `(env …)` notes dropped, then [`words_of_synopsis`].
fn synopsis(text: &str) -> Option<Vec<String>> {
    let mut text = text.replace("\\|", "|");
    while let Some(start) = text.find("(env ") {
        let end = text[start..]
            .find(')')
            .map_or(text.len(), |e| start + e + 1);
        text.replace_range(start..end, "");
    }
    Some(words_of_synopsis(shlex::split(&text.replace('|', " | "))?))
}

/// Brackets and `…` removed, `a|b` read as `a` (split into `a | b` before), and in `[A | B]`
/// only `A` kept.
fn words_of_synopsis(words: Vec<String>) -> Vec<String> {
    let mut args = Vec::new();
    let mut depth = 0usize;
    let mut skipping_to: Option<usize> = None;
    let mut alternative = false;
    for word in words {
        let opens = word.matches('[').count();
        let closes = word.matches(']').count();
        let depth_before = depth;
        depth = (depth + opens).saturating_sub(closes);
        if let Some(level) = skipping_to {
            if depth < level {
                skipping_to = None;
            }
            continue;
        }
        if word == "|" {
            if depth_before > 0 {
                skipping_to = Some(depth_before);
            } else {
                alternative = true;
            }
            continue;
        }
        if std::mem::take(&mut alternative) {
            continue;
        }
        let bare: String = word
            .chars()
            .filter(|c| !matches!(c, '[' | ']' | '…'))
            .collect();
        if !bare.is_empty() {
            args.push(bare);
        }
    }
    args
}

/// A value that stands for one the reader chooses: `N`, `SECONDS`, `$TOKEN`, `${{ … }}`.
fn is_placeholder(value: &str) -> bool {
    value.starts_with('$')
        || (!value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
}

/// Whether clap accepts the arguments, or refuses them only for what a mention leaves out.
fn parses(args: &[String]) -> Result<(), String> {
    match Cli::try_parse_from(std::iter::once("asynction".to_owned()).chain(args.iter().cloned())) {
        Ok(_) => Ok(()),
        Err(e) => match e.kind() {
            ErrorKind::MissingRequiredArgument
            | ErrorKind::MissingSubcommand
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            | ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion => Ok(()),
            ErrorKind::ValueValidation | ErrorKind::InvalidValue
                if e.get(ContextKind::InvalidValue)
                    .is_some_and(|v| is_placeholder(&v.to_string())) =>
            {
                Ok(())
            }
            _ => Err(e.render().to_string()),
        },
    }
}

fn relative(path: &Path) -> String {
    path.strip_prefix(asynction_testkit::root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn every_documented_command_line_parses() {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for file in documents() {
        let markdown = std::fs::read_to_string(&file).unwrap();
        for found in command_lines(&markdown) {
            checked += 1;
            if let Err(e) = parses(&found.args) {
                wrong.push(format!(
                    "{}:{}: `{}` → {:?}\n{e}",
                    relative(&file),
                    found.line,
                    found.text,
                    found.args
                ));
            }
        }
    }
    eprintln!("{checked} command lines checked");
    assert!(checked >= 40, "only {checked} command lines found");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_reader_finds_commands_and_reads_synopses_as_written() {
    let found = command_lines(concat!(
        "Run `asynction mock run --port 5001`, not `asynction mock --metrics`.\n",
        "| `asynction test --url U [--server NAME \\| --path /p] […]` | `asynction convert --to 3.0\\|3.1` |\n",
        "```sh\n",
        "cargo run --release -p asynction-cli -- --spec a.yaml mock run \\\n",
        "  --seed 7 >> log  # comment\n",
        "docker build -t asynction . && docker run --rm asynction validate [--strict]\n",
        "```\n",
        "```rust\n",
        "asynction validate --nope\n",
        "```\n",
    ));
    let args: Vec<Vec<String>> = found.iter().map(|f| f.args.clone()).collect();
    let words = |s: &str| s.split(' ').map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(
        args,
        [
            words("mock run --port 5001"),
            words("mock --metrics"),
            words("test --url U --server NAME"),
            words("convert --to 3.0"),
            words("--spec a.yaml mock run --seed 7"),
            words("validate --strict"),
        ]
    );
    assert_eq!(found[4].line, 4);
    assert!(parses(&args[0]).is_ok());
    assert!(parses(&args[1]).unwrap_err().contains("--metrics"));
    // Placeholders stand for values; a wrong value is wrong.
    assert!(parses(&words("mock run --seed N")).is_ok());
    assert!(parses(&words("mock run --seed seven")).is_err());
    assert!(parses(&words("diff A B --format markdwn")).is_err());
}

#[test]
fn the_documents_run_the_release_binary_the_first_command_builds() {
    // The README's first command builds a release binary; a `cargo run -p asynction-cli`
    // without `--release` later would build a second, debug one.
    let mut debug_builds = Vec::new();
    for file in documents() {
        let markdown = std::fs::read_to_string(&file).unwrap();
        for (i, line) in markdown.lines().enumerate() {
            if line.contains("cargo run")
                && line.contains("asynction-cli")
                && !line.contains("--release")
            {
                debug_builds.push(format!("{}:{}: {line}", relative(&file), i + 1));
            }
        }
    }
    assert!(debug_builds.is_empty(), "{}", debug_builds.join("\n"));
}
