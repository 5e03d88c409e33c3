//! The loader's resource limits (`LoadOptions`): the size of a document and the number of
//! `$ref` expansions, each bounded by default and settable.

use std::time::{Duration, Instant};

use asynction_spec::{Document, LoadOptions};

const SMALL_DOCUMENT: &str = "asyncapi: 2.6.0\ninfo: {title: t, version: 1.0.0}\nchannels: {}\n";

#[test]
fn documents_over_max_document_bytes_are_refused_before_parsing() {
    let limit = LoadOptions::default().max_document_bytes(SMALL_DOCUMENT.len());
    assert!(Document::from_text_with(SMALL_DOCUMENT, &limit).is_ok());
    let padded = format!("{SMALL_DOCUMENT}# pad\n");
    let err = Document::from_text_with(&padded, &limit)
        .unwrap_err()
        .to_string();
    assert!(err.contains("over the limit"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.yaml");
    std::fs::write(&path, &padded).unwrap();
    let err = Document::from_path_with(&path, &limit)
        .unwrap_err()
        .to_string();
    assert!(err.contains("max_document_bytes"), "{err}");
    assert!(
        Document::from_path(&path).is_ok(),
        "the default (16 MiB) takes it"
    );
}

/// Schemas `S0..S{levels}` where each references the next twice: 2^levels expansions.
fn ref_bomb(levels: usize) -> String {
    let mut text = String::from(
        "asyncapi: 2.6.0\ninfo: {title: bomb, version: 1.0.0}\nchannels:\n  /:\n    publish:\n      message:\n        name: e\n        x-handler: h\n        payload: {$ref: '#/components/schemas/S0'}\ncomponents:\n  schemas:\n",
    );
    for i in 0..levels {
        let next = i + 1;
        text.push_str(&format!(
            "    S{i}:\n      allOf: [{{$ref: '#/components/schemas/S{next}'}}, {{$ref: '#/components/schemas/S{next}'}}]\n"
        ));
    }
    text.push_str(&format!("    S{levels}: {{type: string}}\n"));
    text
}

#[test]
fn ref_expansion_is_bounded_by_default_and_settable() {
    // 2^30 expansions if unbounded: refused by the default limit, quickly.
    let started = Instant::now();
    let err = Document::from_text(&ref_bomb(30)).unwrap_err().to_string();
    assert!(err.contains("more than 100000 $refs"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    // A small document within a small limit loads; one past it does not.
    // A few dozen expansions (the payload's tree and each component's own).
    let small = ref_bomb(3);
    assert!(
        Document::from_text_with(&small, &LoadOptions::default().max_ref_expansions(100)).is_ok()
    );
    let err = Document::from_text_with(&small, &LoadOptions::default().max_ref_expansions(10))
        .unwrap_err()
        .to_string();
    assert!(err.contains("more than 10 $refs"), "{err}");
}
