//! The generated project's Rust sources: `src/lib.rs` (the builder wiring), `src/main.rs`
//! (PORT, Ctrl-C) and `src/handlers.rs` (one stub per handler id), printed from a [`Plan`].

use std::collections::BTreeSet;

use super::plan::{HandlerRole, HandlerStub, Plan, SecurityStub};
use super::types::{doc_comment, string_literal};
use asynction_spec::model::Api;
use asynction_spec::model::SecurityFunctionKind;

/// `src/lib.rs`: `pub fn app()` registering every handler and security function.
pub(crate) fn lib_rs(api: &Api, plan: &Plan, spec_file: &str) -> String {
    let mut out = format!(
        "//! {title} {version}: a Socket.IO server generated from `{spec_file}` by `asynction scaffold`.\n\
         //!\n\
         //! [`app`] registers one function of [`handlers`] per handler id the document names;\n\
         //! [`types`] holds the payload and ack types generated from its schemas. Event handlers\n\
         //! are registered checked: `build()` compares their types with the document\n\
         //! (asynction's `schemars` feature) and fails on a disagreement.\n\
         \n\
         pub mod handlers;\n\
         pub mod types;\n\
         \n",
        title = one_line(&api.info.title),
        version = one_line(&api.info.version),
    );
    out.push_str("use asynction::Document;\n");
    if !plan.security.is_empty() {
        out.push_str("use asynction::security::SecurityHandlers;\n");
    }
    out.push_str("use asynction::{Asynction, AsynctionSocketIo, BuildError, SpecError};\n\n");
    out.push_str(&format!(
        "/// The AsyncAPI document this server implements, embedded at build time.\n\
         pub const SPEC: &str = include_str!(\"../{spec_file}\");\n\n"
    ));
    out.push_str(
        "/// Builds the server from [`SPEC`]: every handler id the document names is registered\n\
         /// here, so a document that gains an id fails to build until a handler is added, and a\n\
         /// document whose schemas drift from the types fails to build until they agree again.\n\
         pub fn app() -> Result<Asynction, BuildError> {\n\
         \x20   Ok(builder()?.build()?)\n\
         }\n\n\
         /// The server's builder with every handler registered ([`app`] builds it; tests check its\n\
         /// types with `check_types()`).\n\
         pub fn builder() -> Result<AsynctionSocketIo, SpecError> {\n\
         \x20   let document = Document::from_text(SPEC)?;\n\
         \x20   let builder = AsynctionSocketIo::from_document(document)",
    );
    if let Some(server) = &plan.server {
        out.push_str(&format!(
            "\n        // The document has several servers; this one's path and security apply.\n        .server({})",
            string_literal(server)
        ));
    }
    for h in &plan.handlers {
        if h.checked {
            out.push_str(&format!(
                "\n        .handler_checked({}, handlers::{})",
                string_literal(&h.id),
                h.fn_name
            ));
        } else {
            if matches!(
                h.role,
                HandlerRole::Event { .. } | HandlerRole::AnyEvent { .. }
            ) {
                out.push_str(
                    "\n        // Unchecked: the ack schema says more than the generated type (see types.rs).",
                );
            }
            out.push_str(&format!(
                "\n        .handler({}, handlers::{})",
                string_literal(&h.id),
                h.fn_name
            ));
        }
    }
    if !plan.security.is_empty() {
        out.push_str("\n        .security_handlers(\n            SecurityHandlers::new()");
        for s in &plan.security {
            let method = match s.kind {
                SecurityFunctionKind::Basic => "basic",
                SecurityFunctionKind::Bearer => "bearer",
                SecurityFunctionKind::ApiKey => "api_key",
                SecurityFunctionKind::TokenInfo => "token_info",
                _ => "scope_validator",
            };
            out.push_str(&format!(
                "\n                .{method}({}, handlers::{})",
                string_literal(&s.id),
                s.fn_name
            ));
        }
        out.push_str(",\n        )");
    }
    out.push_str(";\n    Ok(builder)\n}\n");
    out
}

/// `src/main.rs`: logging, `PORT` (default 5000) on 127.0.0.1, graceful Ctrl-C.
pub(crate) fn main_rs(api: &Api, lib: &str) -> String {
    format!(
        r#"//! Runs the {title} server on 127.0.0.1:`PORT` (default 5000) until Ctrl-C.
//! Log levels come from `RUST_LOG` (default `info`); colours only on a terminal, never with
//! `NO_COLOR`.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {{
    let colours = std::io::IsTerminal::is_terminal(&std::io::stdout())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    tracing_subscriber::fmt()
        .with_ansi(colours)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let app = {lib}::app()?;
    let port = std::env::var("PORT").unwrap_or_else(|_| "5000".to_owned());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{{port}}")).await?;
    tracing::info!(
        "listening on http://{{}}{{}}",
        listener.local_addr()?,
        app.socketio_path()
    );
    app.serve(listener, shutdown_signal()).await?;
    Ok(())
}}

/// Resolves on Ctrl-C; the server then stops accepting connections and lets open ones finish.
async fn shutdown_signal() {{
    match tokio::signal::ctrl_c().await {{
        Ok(()) => tracing::info!("Ctrl-C received, shutting down"),
        Err(e) => tracing::error!(error = %e, "cannot listen for Ctrl-C, shutting down"),
    }}
}}
"#,
        title = one_line(&api.info.title),
    )
}

/// `src/handlers.rs`: one async function per handler id and per security handler id.
pub(crate) fn handlers_rs(plan: &Plan) -> String {
    let mut server_imports = BTreeSet::new();
    let mut security_imports = BTreeSet::new();
    let mut uses_types = false;
    for h in &plan.handlers {
        server_imports.insert("ValidatedSocket");
        match &h.role {
            HandlerRole::Event { payload, ack, .. } => {
                if payload.is_some() {
                    server_imports.insert("Payload");
                    uses_types = true;
                }
                if ack.is_some() {
                    server_imports.insert("Ack");
                    uses_types = true;
                }
            }
            HandlerRole::AnyEvent { acked } => {
                server_imports.extend(["Payload", "EventName"]);
                if *acked {
                    server_imports.insert("Ack");
                }
            }
            HandlerRole::Connect => {
                server_imports.insert("AuthPayload");
                security_imports.insert("SecurityInfo");
            }
            HandlerRole::Disconnect => {
                server_imports.insert("DisconnectReason");
            }
            HandlerRole::Error => {
                server_imports.insert("EventError");
            }
            HandlerRole::Mixed => {}
        }
    }
    for s in &plan.security {
        let credentials = match s.kind {
            SecurityFunctionKind::Basic => Some("BasicCredentials"),
            SecurityFunctionKind::Bearer => Some("BearerCredentials"),
            SecurityFunctionKind::ApiKey => Some("ApiKeyCredentials"),
            SecurityFunctionKind::TokenInfo => Some("TokenCredentials"),
            _ => None,
        };
        if let Some(c) = credentials {
            security_imports.extend([c, "Refusal", "SecurityInfo"]);
        }
    }

    let mut out = String::from(
        "//! The functions the document's handler ids name. Each logs what it receives; fill in\n\
         //! the behaviour. Arguments are extractors (see `asynction::FromContext`); every\n\
         //! payload has been validated against the document before a handler runs, and every\n\
         //! ack and emit is validated before it is sent.\n\n",
    );
    if !security_imports.is_empty() {
        out.push_str(&format!(
            "use asynction::security::{};\n",
            import_list(&security_imports)
        ));
    }
    if !server_imports.is_empty() {
        out.push_str(&format!(
            "use asynction::{};\n",
            import_list(&server_imports)
        ));
    }
    if uses_types {
        out.push_str("\nuse crate::types;\n");
    }
    for h in &plan.handlers {
        out.push('\n');
        out.push_str(&handler_fn(h));
    }
    for s in &plan.security {
        out.push('\n');
        out.push_str(&security_fn(s));
    }
    out
}

fn import_list(names: &BTreeSet<&str>) -> String {
    if names.len() == 1 {
        names
            .iter()
            .next()
            .map(|s| (*s).to_owned())
            .unwrap_or_default()
    } else {
        format!(
            "{{{}}}",
            names.iter().copied().collect::<Vec<_>>().join(", ")
        )
    }
}

fn handler_fn(h: &HandlerStub) -> String {
    let name = &h.fn_name;
    let mut doc = vec![format!("Handler `{}`: {}.", h.id, h.uses.join(", "))];
    let (params, ret, body) = match &h.role {
        HandlerRole::Event {
            event,
            payload,
            ack,
        } => {
            let mut params = vec!["socket: ValidatedSocket".to_owned()];
            let mut fields = "namespace = socket.ns(), socket = %socket.id()".to_owned();
            if let Some(p) = payload {
                params.push(format!("Payload(payload): Payload<types::{p}>"));
                fields.push_str(", ?payload");
            }
            let log = format!("tracing::info!({fields}, {});", string_literal(event));
            match ack {
                Some(a) => {
                    doc.push(String::new());
                    doc.push(format!(
                        "Acknowledge with `Ok(Ack(types::{a}))`; an `Err(message)` reaches the client as a `handler_error` ack, which is what it gets until this function acknowledges."
                    ));
                    (
                        params,
                        format!(" -> Result<Ack<types::{a}>, String>"),
                        format!(
                            "    {log}\n    Err({}.to_owned())\n",
                            string_literal(&format!("'{event}' is not handled by this server yet"))
                        ),
                    )
                }
                None => (params, String::new(), format!("    {log}\n")),
            }
        }
        HandlerRole::AnyEvent { acked } => {
            doc.push(String::new());
            doc.push("The events differ in their types, so the payload is untyped JSON.".to_owned());
            let params = vec![
                "socket: ValidatedSocket".to_owned(),
                "EventName(event): EventName".to_owned(),
                "Payload(payload): Payload<serde_json::Value>".to_owned(),
            ];
            let log = "tracing::info!(namespace = socket.ns(), socket = %socket.id(), %event, %payload, \"event\");";
            if *acked {
                (
                    params,
                    " -> Result<Ack<serde_json::Value>, String>".to_owned(),
                    format!("    {log}\n    Err(format!(\"'{{event}}' is not handled by this server yet\"))\n"),
                )
            } else {
                (params, String::new(), format!("    {log}\n"))
            }
        }
        HandlerRole::Connect => {
            doc.push(String::new());
            doc.push("Runs after the handshake passed `bindings.ws` and the security requirements; return `Err(message)` to refuse the connection with that message.".to_owned());
            (
                vec![
                    "socket: ValidatedSocket".to_owned(),
                    "AuthPayload(auth): AuthPayload".to_owned(),
                    "security: Option<SecurityInfo>".to_owned(),
                ],
                " -> Result<(), String>".to_owned(),
                "    // The auth payload may carry credentials: log its field names only.\n    let auth_fields: Vec<&String> = auth.as_object().map(|o| o.keys().collect()).unwrap_or_default();\n    let user = security.as_ref().and_then(|s| s.user.as_deref());\n    tracing::info!(namespace = socket.ns(), socket = %socket.id(), ?auth_fields, ?user, \"connected\");\n    Ok(())\n".to_owned(),
            )
        }
        HandlerRole::Disconnect => (
            vec![
                "socket: ValidatedSocket".to_owned(),
                "reason: DisconnectReason".to_owned(),
            ],
            String::new(),
            "    tracing::info!(namespace = socket.ns(), socket = %socket.id(), ?reason, \"disconnected\");\n".to_owned(),
        ),
        HandlerRole::Error => {
            doc.push(String::new());
            doc.push("Receives every event of the namespace that was refused (invalid payload, unknown event) when the client asked for no ack.".to_owned());
            (
                vec![
                    "socket: ValidatedSocket".to_owned(),
                    "error: EventError".to_owned(),
                ],
                String::new(),
                "    tracing::warn!(namespace = socket.ns(), socket = %socket.id(), %error, \"refused event\");\n".to_owned(),
            )
        }
        HandlerRole::Mixed => {
            doc.push(String::new());
            doc.push("The id names hooks of different kinds, so the function takes only the socket.".to_owned());
            (
                vec!["socket: ValidatedSocket".to_owned()],
                String::new(),
                "    tracing::info!(namespace = socket.ns(), socket = %socket.id(), \"hook\");\n".to_owned(),
            )
        }
    };
    format!(
        "{}pub async fn {name}({}){ret} {{\n{body}}}\n",
        doc_comment(&wrap(&doc), ""),
        params.join(", ")
    )
}

fn security_fn(s: &SecurityStub) -> String {
    let schemes = s
        .schemes
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let name = &s.fn_name;
    let (what, check, credentials) = match s.kind {
        SecurityFunctionKind::Basic => (
            "Checks the user name and password of an `http` `basic` scheme",
            "Look `credentials.username` up in your user store and compare `credentials.password` with the stored password hash (Argon2 or bcrypt, compared in constant time). On a match return `Ok(SecurityInfo::for_user(credentials.username))`; otherwise `Err(Refusal::Unauthorized)`.",
            "BasicCredentials",
        ),
        SecurityFunctionKind::Bearer => (
            "Checks the token of an `http` `bearer` scheme",
            "Verify `credentials.token` (a JWT: its signature, issuer, audience and expiry; `credentials.bearer_format` is the document's hint). On success return `Ok(SecurityInfo::for_user(subject))` with the token's scopes (`with_scopes`), which must cover `credentials.required_scopes`; otherwise `Err(Refusal::Unauthorized)`.",
            "BearerCredentials",
        ),
        SecurityFunctionKind::ApiKey => (
            "Checks the key of an API-key scheme",
            "Look `credentials.key` up among the keys you issued (compare in constant time) and return `Ok(SecurityInfo::for_user(owner))` for a known, unrevoked key; otherwise `Err(Refusal::Unauthorized)`.",
            "ApiKeyCredentials",
        ),
        SecurityFunctionKind::TokenInfo => (
            "Introspects the token of an `oauth2` or `openIdConnect` scheme",
            "Introspect `credentials.token` at the authorization server (RFC 7662) or verify it locally, reject inactive or expired tokens with `Err(Refusal::Unauthorized)`, and return `Ok(SecurityInfo::for_user(subject).with_scope_string(scope))`: asynction compares the token's scopes with the ones the document requires.",
            "TokenCredentials",
        ),
        _ => (
            "Decides whether granted scopes satisfy the required ones",
            "Return whether `provided` covers `required`, e.g. `required.iter().all(|s| provided.contains(s))`, or a rule of your own such as `admin` implying every other scope.",
            "",
        ),
    };
    let doc = vec![
        format!("{what} ({schemes}; handler id `{}`).", s.id),
        String::new(),
        check.to_owned(),
        String::new(),
        "As generated it refuses every connection, so nothing is reachable without credentials until this check is written.".to_owned(),
    ];
    let signature_and_body = if credentials.is_empty() {
        format!(
            "pub fn {name}(required: &[String], provided: &[String]) -> bool {{\n    tracing::debug!(?required, ?provided, \"scopes refused: the scope check is not written\");\n    false\n}}\n"
        )
    } else {
        format!(
            "pub async fn {name}(credentials: {credentials}) -> Result<SecurityInfo, Refusal> {{\n    // Debug output of credentials never shows the secret.\n    tracing::debug!(?credentials, \"refused: the credential check is not written\");\n    Err(Refusal::Unauthorized)\n}}\n"
        )
    };
    format!("{}{signature_and_body}", doc_comment(&wrap(&doc), ""))
}

/// Lines of prose wrapped at 96 columns (doc comments of generated functions).
fn wrap(lines: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for line in lines {
        let mut current = String::new();
        for word in line.split_whitespace() {
            if !current.is_empty() && current.len() + 1 + word.len() > 96 {
                out.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push(current);
    }
    out
}

/// `s` on one line (titles go into `//!` comments).
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
