//! libFuzzer target: see [`asynction_fuzz::targets::load_document`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    asynction_fuzz::targets::load_document(data);
});
