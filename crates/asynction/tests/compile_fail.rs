//! The builder's and handlers' misuses that must not compile, each with a message that says
//! what to do: `tests/compile_fail/*.rs`, their expected diagnostics in the `.stderr` files
//! beside them (regenerate with `TRYBUILD=overwrite cargo test --test compile_fail`, then read
//! the diff: the message is the behaviour under test).

#[test]
fn misuses_do_not_compile_and_say_why() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail/*.rs");
}

/// With `schemars`: checked registrations whose types cannot be described.
#[cfg(feature = "schemars")]
#[test]
fn checked_handlers_without_schemas_do_not_compile_and_say_why() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail_schemars/*.rs");
}
