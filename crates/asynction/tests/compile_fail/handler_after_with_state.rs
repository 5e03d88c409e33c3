//! State is given last: no handler can be registered after it (and so none can be lost).

use asynction::{AsynctionSocketIo, State};

#[derive(Clone)]
struct Db;

async fn sign_up(State(_db): State<Db>) {}

fn main() {
    let _ = AsynctionSocketIo::from_spec("asyncapi.yaml")
        .unwrap()
        .with_state(Db)
        .handler("sign_up", sign_up)
        .build();
}
