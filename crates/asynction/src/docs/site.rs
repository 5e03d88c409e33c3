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
pub fn write_static_site(
    doc: &crate::spec::Document,
    options: &DocsOptions,
    out_dir: &Path,
) -> std::io::Result<()> {
    let links = render::DocumentLinks {
        json: "asyncapi.json".to_owned(),
        yaml: "asyncapi.yaml".to_owned(),
    };
    let console = options.console.then(console::ConsoleLinks::relative);
    let html = render::render_with_links(doc, options, &links, console.as_ref(), None)
        .map_err(std::io::Error::other)?;
    std::fs::create_dir_all(out_dir)?;
    std::fs::write(out_dir.join("index.html"), html)?;
    if options.console {
        std::fs::create_dir_all(out_dir.join("console"))?;
        for (name, script) in console::SCRIPTS {
            std::fs::write(out_dir.join("console").join(name), script)?;
        }
        std::fs::write(
            out_dir.join("console.json"),
            console::console_data(doc, options).to_string(),
        )?;
    }
    std::fs::write(out_dir.join("asyncapi.json"), resolved_json(doc))?;
    std::fs::write(out_dir.join("asyncapi.yaml"), doc.text.as_bytes())?;
    Ok(())
}

/// The resolved document as pretty JSON.
pub(super) fn resolved_json(doc: &crate::spec::Document) -> String {
    // Serializing a `serde_json::Value` cannot fail.
    serde_json::to_string_pretty(&*doc.resolved).unwrap_or_default()
}
