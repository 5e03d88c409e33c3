//! The plug-ins every builder starts with: the lifecycle (health probes, running handlers
//! counted for the drain) and those of the features that are always on once compiled in
//! (`traces`). Above both the plug-in seam (`plugin.rs`) and the observers
//! (`observe/`), so neither names the other's implementations.

use crate::plugin::Plugin;

/// The lifecycle plug-in and those of the compiled-in, always-on features, in the order they
/// observe.
pub(crate) fn built_in_plugins() -> Vec<Box<dyn Plugin>> {
    vec![
        Box::new(crate::lifecycle::LifecyclePlugin::default()),
        #[cfg(feature = "traces")]
        Box::new(crate::observe::traces::Traces),
    ]
}
