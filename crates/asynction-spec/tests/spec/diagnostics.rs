//! Every invalid fixture document fails to load with one precise diagnostic: the message, and
//! the file as given with the line and column of the offending node.

use asynction_spec::Document;

use crate::fixture;

/// The single diagnostic of an invalid fixture: (message fragment, line, column).
fn assert_single_problem(rel: &str, fragment: &str, line: u32, column: Option<u32>) {
    let path = fixture(rel);
    let Err(error) = Document::from_path(&path) else {
        panic!("{rel} should be rejected")
    };
    let diagnostics = error.diagnostics();
    assert_eq!(
        diagnostics.len(),
        1,
        "{rel}: expected one problem, got:\n{error}"
    );
    let d = &diagnostics[0];
    assert!(
        d.message.contains(fragment),
        "{rel}: {:?} does not contain {fragment:?}",
        d.message
    );
    assert_eq!(
        d.location.file, path,
        "{rel}: diagnostics name the file as given"
    );
    assert_eq!(d.location.line, Some(line), "{rel}: wrong line in {d}");
    if let Some(column) = column {
        assert_eq!(
            d.location.column,
            Some(column),
            "{rel}: wrong column in {d}"
        );
    }
}

#[test]
fn missing_info_version_is_reported_at_info() {
    assert_single_problem(
        "invalid/missing-info-version.yaml",
        "info must have required property 'version'",
        3,
        Some(1),
    );
}

#[test]
fn a_2x_action_in_a_3_0_operation_is_reported_at_action() {
    assert_single_problem(
        "invalid/bad-action-3.0.0.yaml",
        "'action' must be 'send' or 'receive', found 'publish'",
        16,
        Some(5),
    );
}

#[test]
fn a_dangling_ref_is_reported_where_it_is_written() {
    assert_single_problem(
        "invalid/dangling-ref.yaml",
        "dangling $ref '#/components/messages/Missing'",
        10,
        Some(9),
    );
}

#[test]
fn a_duplicate_yaml_key_is_reported_at_the_second_occurrence() {
    assert_single_problem(
        "invalid/duplicate-key.yaml",
        "duplicate mapping key `publish`",
        11,
        Some(5),
    );
}

#[test]
fn a_yaml_syntax_error_is_reported_with_its_position() {
    assert_single_problem(
        "invalid/yaml-syntax.yaml",
        "YAML syntax: unclosed bracket",
        13,
        Some(21),
    );
}

#[test]
fn asyncapi_1_x_is_not_supported() {
    assert_single_problem(
        "invalid/unsupported-version.yaml",
        "AsyncAPI version '1.2.0' is not supported",
        2,
        Some(1),
    );
}

#[test]
fn a_reference_cycle_between_messages_is_reported_once() {
    assert_single_problem(
        "invalid/ref-cycle.yaml",
        "reference cycle: #/components/messages/Ping → #/components/messages/Pong → #/components/messages/Ping",
        16,
        Some(7),
    );
}

#[test]
fn an_undefined_security_scheme_is_reported_at_the_requirement() {
    assert_single_problem(
        "invalid/undefined-security-scheme.yaml",
        "security requirement names undefined security scheme 'bearer'",
        11,
        Some(9),
    );
}

#[test]
fn an_operation_on_a_channel_outside_channels_is_reported_at_its_ref() {
    // @asyncapi/parser: 16:13 asyncapi3-required-operation-channel-unambiguity (at the $ref).
    assert_single_problem(
        "invalid/unknown-channel-3.0.0.yaml",
        "'channel' must be a $ref to a channel of this document ('#/channels/NAME')",
        16,
        Some(7),
    );
}

#[test]
fn an_oauth2_flow_url_must_be_absolute() {
    assert_single_problem(
        "invalid/oauth2-relative-url.yaml",
        "'authorizationUrl' must be an absolute URL such as https://auth.example.com/token; found '/authorize'",
        26,
        Some(11),
    );
}

#[test]
fn messages_in_an_operation_trait_are_refused_at_the_key() {
    // @asyncapi/parser: 25:16 Property "messages" is not expected to be here.
    assert_single_problem(
        "invalid/operation-trait-messages-3.1.0.yaml",
        "an Operation Trait must not contain 'messages'",
        25,
        Some(7),
    );
}

#[test]
fn an_unknown_binding_protocol_is_refused_in_3_x() {
    // @asyncapi/parser: 12:16 Property "socketio" is not expected to be here.
    assert_single_problem(
        "invalid/unknown-binding-3.1.0.yaml",
        "channel bindings may contain only protocol bindings",
        12,
        Some(7),
    );
}

#[test]
fn ros2_bindings_need_asyncapi_3_1() {
    // @asyncapi/parser: 11:12 Property "ros2" is not expected to be here.
    assert_single_problem(
        "invalid/ros2-binding-3.0.0.yaml",
        "found 'ros2'",
        11,
        Some(7),
    );
}
