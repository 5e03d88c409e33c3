//! The plug-ins every builder starts with: those of the features that are always on once
//! compiled in (`traces`). Above both the plug-in seam (`plugin.rs`) and the observers
//! (`observe/`), so neither names the other's implementations.

use crate::plugin::Plugin;

/// The plug-ins of the compiled-in, always-on features, in the order they observe.
pub(crate) fn built_in_plugins() -> Vec<Box<dyn Plugin>> {
    vec![
        #[cfg(feature = "traces")]
        Box::new(crate::observe::traces::Traces),
    ]
}
