//! A checked handler that answers with raw `Args`: its ack has no type to check, so it is
//! registered with `.on` (unchecked).

use asynction::{Args, AsynctionSocketIo};

async fn echo(args: Args) -> Args {
    args
}

fn main() {
    let _ = AsynctionSocketIo::from_spec("asyncapi.yaml")
        .unwrap()
        .on_checked("/chat", "echo", echo)
        .build();
}
