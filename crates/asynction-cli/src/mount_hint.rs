//! The container image's hint for a run that sees no document: the image sets
//! `ASYNCTION_SPEC_MOUNT` to the folder users mount their documents into (`/spec`, also its
//! working directory), and when a command fails while that folder is empty, the likeliest
//! reason is a `docker run` without `-v`: say how to mount it, after the command's own error
//! (which names `/spec/asyncapi.yaml`, the image's `ASYNCTION_SPEC`). Outside the image the
//! variable is unset and nothing is printed: the CLI never guesses that it runs in a container.

use std::path::Path;
use std::process::ExitCode;

use crate::Console;

/// The variable the image sets to its mount folder.
pub(crate) const SPEC_MOUNT_VAR: &str = "ASYNCTION_SPEC_MOUNT";

/// Writes the hint to `console`'s stderr when `code` is a failure, [`SPEC_MOUNT_VAR`] is set
/// and names an empty (or missing) folder; returns `code` unchanged.
pub(crate) fn after(spec: &Path, code: ExitCode, console: &mut Console) -> ExitCode {
    if code == ExitCode::SUCCESS {
        return code;
    }
    let Some(mount) = std::env::var_os(SPEC_MOUNT_VAR).filter(|m| !m.is_empty()) else {
        return code;
    };
    let mount = Path::new(&mount);
    let empty = std::fs::read_dir(mount).map_or(true, |mut entries| entries.next().is_none());
    if empty {
        let spec = mount.join(spec);
        console.eprint(format_args!(
            "hint: nothing is mounted at {mount}, so {spec} does not exist in the container: \
             mount the folder that holds your document, e.g. \
             docker run --rm -v \"$PWD:{mount}\" asynction --spec asyncapi.yaml validate\n",
            mount = mount.display(),
            spec = spec.display(),
        ));
    }
    code
}
