//! Tokio TLS streams on hs: Connector, Acceptor, SslStream<S: AsyncRead + AsyncWrite>.
//!
//! (being built: see the issue tracker)

#![forbid(unsafe_code)]
