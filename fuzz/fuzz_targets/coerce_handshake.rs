//! libFuzzer target: see [`asynction_fuzz::targets::coerce_handshake`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    asynction_fuzz::targets::coerce_handshake(data);
});
