//! A handler argument that is not an extractor: the payload must be wrapped in `Payload<T>`.

use asynction::AsynctionSocketIo;

async fn echo(_text: String) {}

fn main() {
    let _ = AsynctionSocketIo::from_spec("asyncapi.yaml")
        .unwrap()
        .handler("echo", echo)
        .build();
}
