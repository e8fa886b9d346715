//! Driving `Ssl::do_handshake` (and `read_client_hello`) as futures, with the optional
//! handshake timeout.

use std::future::{poll_fn, Future};
use std::io;
use std::time::Duration;

use hs_core::{Error, Ssl};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::adapter::{ready, PollIo};
use crate::SslStream;

/// The error of a handshake that did not finish in time: SYSCALL, wrapping
/// `io::ErrorKind::TimedOut` (as a blocking socket's timeout would).
pub(crate) fn timed_out(limit: Duration) -> Error {
    Error::io(io::Error::new(
        io::ErrorKind::TimedOut,
        format!("the TLS handshake did not finish within {limit:?}"),
    ))
}

/// Runs `fut` under the limit, if there is one.
pub(crate) async fn bounded<T>(
    limit: Option<Duration>,
    fut: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    match limit {
        Some(d) => tokio::time::timeout(d, fut)
            .await
            .map_err(|_| timed_out(d))?,
        None => fut.await,
    }
}

/// Handshakes `ssl` (its role already set) over `io` and wraps both in a stream. Dropping
/// the future drops the `Ssl` and the transport: nothing outlives it.
pub(crate) async fn handshake<S>(
    mut ssl: Ssl,
    mut io: S,
    limit: Option<Duration>,
) -> Result<SslStream<S>, Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let drive = poll_fn(|cx| ready(ssl.do_handshake(&mut PollIo::new(&mut io, cx))));
    bounded(limit, drive).await?;
    Ok(SslStream::from_parts(ssl, io))
}
