//! A handler takes `State<Db>`, and the server is built without giving the state.

use asynction::{AsynctionSocketIo, State};

#[derive(Clone)]
struct Db;

async fn sign_up(State(_db): State<Db>) {}

fn main() {
    let _ = AsynctionSocketIo::from_spec("asyncapi.yaml")
        .unwrap()
        .handler("sign_up", sign_up)
        .build();
}
