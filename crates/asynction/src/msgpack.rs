//! Socket.IO over MessagePack (feature `msgpack`): the builder's `msgpack` switch, which
//! replaces socketioxide's JSON parser through the builder's parser extension point.

use socketioxide::adapter::{Adapter, LocalAdapter};
use socketioxide::{ParserConfig, SocketIoBuilder};

use crate::AsynctionSocketIo;

impl<S: Clone + Send + Sync + 'static, A: Adapter> AsynctionSocketIo<S, A> {
    /// Speaks Socket.IO with the MessagePack parser (clients use `socket.io-msgpack-parser`)
    /// instead of the default JSON one. Validation is the same: arguments are decoded first.
    pub fn msgpack(self, on: bool) -> Self {
        // MessagePack carries binaries inline: the attachment-count limit does not apply.
        self.parser(on.then_some(|builder: SocketIoBuilder<LocalAdapter>| {
            builder.with_parser(ParserConfig::msgpack())
        }))
    }
}
