//! The builder's checked registrations (`.on_checked`, `.handler_checked`, `.emits`), the
//! check `build()` runs ([`check_at_build`]) and the one a test runs without building
//! (`check_types`).

use std::sync::Arc;

use socketioxide::adapter::Adapter;

use super::check::check;
use super::describe::CheckedHandler;
use super::emit::{EmitType, ServerEvent};
use super::report::TypeReport;
use crate::server::Registrations;
use crate::spec::Document;
use crate::{AsynctionSocketIo, BuildError};

impl<S: Clone + Send + Sync + 'static, A: Adapter> AsynctionSocketIo<S, A> {
    /// [`on`](Self::on), with the handler's types checked against the document when the
    /// server is built: the event's payload schema must fit the handler's `Payload<T>`, its
    /// `Ack<T>` must fit the event's ack schema (see [`crate::typecheck`]). Every `T` must
    /// implement `schemars::JsonSchema`; a handler whose types do not is registered with `on`
    /// (unchecked).
    ///
    /// ```no_run
    /// use asynction::{Ack, AsynctionSocketIo, Payload};
    ///
    /// async fn echo(Payload(text): Payload<String>) -> Ack<String> {
    ///     Ack(text)
    /// }
    ///
    /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let app = AsynctionSocketIo::from_spec("asyncapi.yaml")?
    ///     .on_checked("/chat", "echo", echo)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn on_checked<H, T>(
        self,
        namespace: impl Into<String>,
        event: impl Into<String>,
        handler: H,
    ) -> Self
    where
        H: CheckedHandler<T, S, A>,
        T: 'static,
    {
        self.on_described(namespace, event, handler, Arc::new(H::types()))
    }

    /// [`handler`](Self::handler), with the function's types checked against every event that
    /// names the id (see [`on_checked`](Self::on_checked)).
    pub fn handler_checked<H, T>(self, id: impl Into<String>, handler: H) -> Self
    where
        H: CheckedHandler<T, S, A>,
        T: 'static,
    {
        self.handler_described(id, handler, Arc::new(H::types()))
    }

    /// Declares that the handlers emit `E` (with `send`): its type is checked against the
    /// payload schema of the server event `E::NAMESPACE` / `E::EVENT` when the server is built.
    pub fn emits<E: ServerEvent + schemars::JsonSchema>(self) -> Self {
        self.declare(Arc::new(EmitType::of::<E>()))
    }

    /// The type check, without building the server: every checked route and typed emit
    /// against the document, with the counts, every mismatch and every warning. For a
    /// project's own tests:
    ///
    /// ```no_run
    /// # fn builder() -> asynction::AsynctionSocketIo {
    /// #     asynction::AsynctionSocketIo::from_spec("asyncapi.yaml").expect("the document loads")
    /// # }
    /// let report = builder().check_types();
    /// assert!(report.agrees(), "{report}");
    /// assert_eq!(report.unchecked, 0, "{report}");
    /// ```
    pub fn check_types(&self) -> TypeReport {
        check(self.document(), &self.registrations())
    }
}

/// What `build()` runs: the report's counts logged once, each warning logged, and a
/// [`BuildError::Types`] when any mismatch is proven.
pub(super) fn check_at_build(
    doc: &Document,
    registrations: &Registrations<'_>,
) -> Result<(), BuildError> {
    let started = std::time::Instant::now();
    let report = check(doc, registrations);
    for warning in &report.warnings {
        tracing::warn!("type check: {warning}");
    }
    if report.agrees() {
        let took = started.elapsed().as_secs_f64() * 1e3;
        tracing::info!("type check: {} ({took:.1} ms)", report.summary());
        Ok(())
    } else {
        Err(BuildError::Types(report))
    }
}
