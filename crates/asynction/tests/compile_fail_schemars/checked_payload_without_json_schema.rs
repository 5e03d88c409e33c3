//! A checked handler whose payload type does not implement `JsonSchema`: derive it, or register
//! the handler with `.on` (unchecked).

use asynction::{AsynctionSocketIo, Payload};

#[derive(serde::Deserialize)]
struct Message {
    #[allow(dead_code)]
    text: String,
}

async fn say(Payload(_m): Payload<Message>) {}

fn main() {
    let _ = AsynctionSocketIo::from_spec("asyncapi.yaml")
        .unwrap()
        .on_checked("/chat", "say", say)
        .build();
}
