//! A handler returning a value that is not a reply: an ack value must be wrapped in `Ack<T>`.

use asynction::{AsynctionSocketIo, Payload};

async fn echo(Payload(text): Payload<String>) -> String {
    text
}

fn main() {
    let _ = AsynctionSocketIo::from_spec("asyncapi.yaml")
        .unwrap()
        .handler("echo", echo)
        .build();
}
