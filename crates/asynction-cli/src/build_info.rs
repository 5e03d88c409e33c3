//! What `asynction --version` prints (recorded by `build.rs`): the version and the git commit
//! the binary was built from (`unknown` when the build had neither git nor
//! `ASYNCTION_GIT_COMMIT`), then, for `--version` only, the optional features compiled in and
//! the target — so a container image, a wheel or an npm package says what it carries.

/// `-V`: `0.1.0 (1a2b3c4d5e6f)`.
pub(crate) const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("ASYNCTION_BUILD_COMMIT"),
    ")"
);

/// `--version`: the version and commit, the features, the target, one per line.
pub(crate) const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("ASYNCTION_BUILD_COMMIT"),
    ")\nfeatures: ",
    env!("ASYNCTION_BUILD_FEATURES"),
    "\ntarget: ",
    env!("ASYNCTION_BUILD_TARGET")
);
