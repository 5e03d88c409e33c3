//! The docs as a static site: the page, the documents and the console's files written into a
//! directory ([`write_static_site`]).

use std::path::Path;

use super::{DocsOptions, console, render};

/// Writes `index.html`, `asyncapi.json` (the resolved document) and `asyncapi.yaml` (the
/// document as written) into `out_dir`, creating it if needed. The page links to the two
/// documents by relative paths, so the directory can be served or opened from anywhere.
/// With [`DocsOptions::console`], also `console.json` and `console/*.js`; the console then
/// connects to [`DocsOptions::console_url`] (the page's own origin when it is `None`).
/// [`DocsOptions::live_reload`] is for served pages only: a written page never reloads itself.
/// Returns every file written, relative to `out_dir` (`/`-separated), in the order written.
pub fn write_static_site(
    doc: &crate::spec::Document,
    options: &DocsOptions,
    out_dir: &Path,
) -> std::io::Result<Vec<String>> {
    let links = render::DocumentLinks {
        json: "asyncapi.json".to_owned(),
        yaml: "asyncapi.yaml".to_owned(),
    };
    let console = options.console.then(console::ConsoleLinks::relative);
    let html = render::render_with_links(doc, options, &links, console.as_ref(), None)
        .map_err(std::io::Error::other)?;
    std::fs::create_dir_all(out_dir)?;
    let mut written = Vec::new();
    let mut write = |name: String, contents: &[u8]| -> std::io::Result<()> {
        std::fs::write(out_dir.join(&name), contents)?;
        written.push(name);
        Ok(())
    };
    write("index.html".to_owned(), html.as_bytes())?;
    if options.console {
        std::fs::create_dir_all(out_dir.join("console"))?;
        for (name, script) in console::SCRIPTS {
            write(format!("console/{name}"), script.as_bytes())?;
        }
        let data = console::console_data(doc, options).to_string();
        write("console.json".to_owned(), data.as_bytes())?;
    }
    write("asyncapi.json".to_owned(), resolved_json(doc).as_bytes())?;
    write("asyncapi.yaml".to_owned(), doc.text.as_bytes())?;
    Ok(written)
}

/// The resolved document as pretty JSON.
pub(super) fn resolved_json(doc: &crate::spec::Document) -> String {
    // Serializing a `serde_json::Value` cannot fail.
    serde_json::to_string_pretty(&*doc.resolved).unwrap_or_default()
}
