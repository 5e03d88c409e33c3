//! The test kit's handshake builder, read as asynction's authenticator reads a request, and
//! the security fixtures (`tests/fixtures/security/`).

use asynction::Document;
use asynction::security::HandshakeRequest;
pub(crate) use asynction_testkit::handshake::Handshake;

/// A document of `tests/fixtures/security/`.
pub(crate) fn load(name: &str) -> Document {
    Document::from_path(asynction_testkit::fixtures("security").join(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The request an [`asynction::security::Authenticator`] reads.
pub(crate) trait ToRequest {
    /// The handshake as a request.
    fn request(&self) -> HandshakeRequest<'_>;
}

impl ToRequest for Handshake {
    fn request(&self) -> HandshakeRequest<'_> {
        HandshakeRequest::new(self.headers(), self.uri(), self.auth_payload())
    }
}
