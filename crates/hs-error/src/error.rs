//! `Error`: every failure of every hs layer, with its `SSL_ERROR_*` code, OpenSSL reason and alert.

use std::io;
use std::sync::Arc;

use crate::{Alert, ErrorCode, Reason, VerifyCode};

/// Every failure hs reports, from the transport up to the TLS protocol.
///
/// Each variant maps onto what OpenSSL would report for the same event:
/// [`code`](Error::code) is the `SSL_get_error` value, [`reason`](Error::reason) the
/// (library, reason) pair OpenSSL puts on its error queue, and [`alert`](Error::alert)
/// the TLS alert sent or received, where there was one.
///
/// `Error` is cheap to clone (I/O errors are shared), so an engine can keep the fatal error
/// that ended a connection and report it again on later calls.
#[non_exhaustive]
#[derive(Clone, Debug, thiserror::Error)]
pub enum Error {
    /// The transport has no data yet (`SSL_ERROR_WANT_READ`): call again once it is readable.
    #[error("want read: the transport has no data yet; call again when it is readable")]
    WantRead,
    /// The transport refuses more data for now (`SSL_ERROR_WANT_WRITE`): call again once it
    /// is writable.
    #[error("want write: the transport is full; call again when it is writable")]
    WantWrite,
    /// The peer closed the TLS connection with close_notify (`SSL_ERROR_ZERO_RETURN`).
    #[error("the peer closed the TLS connection (close_notify received)")]
    ZeroReturn,
    /// The transport failed (`SSL_ERROR_SYSCALL`).
    #[error("transport I/O error: {0}")]
    Io(#[source] Arc<io::Error>),
    /// The transport reached EOF without the peer's close_notify (`SSL_ERROR_SSL`,
    /// `SSL_R_UNEXPECTED_EOF_WHILE_READING`), as OpenSSL 3 reports it.
    #[error("unexpected eof while reading: the transport closed without close_notify")]
    UnexpectedEof,
    /// The TLS protocol failed (`SSL_ERROR_SSL`): a malformed or unexpected message, no
    /// shared parameters, or a fatal alert from the peer.
    #[error("{reason}{}: {message}", fmt_alert(alert))]
    Protocol {
        /// OpenSSL's (library, reason) for this failure.
        reason: Reason,
        /// The alert hs sent, or the one the peer sent that ended the connection.
        alert: Option<Alert>,
        /// What went wrong, in words.
        message: String,
    },
    /// The peer's certificate failed verification (`SSL_ERROR_SSL`,
    /// `SSL_R_CERTIFICATE_VERIFY_FAILED`).
    #[error("certificate verify failed: {verify}{}: {message}", fmt_alert(alert))]
    Verify {
        /// The `X509_V_ERR_*` result.
        verify: VerifyCode,
        /// The alert sent to the peer.
        alert: Option<Alert>,
        /// What went wrong, in words.
        message: String,
    },
    /// A configuration problem: no role set, a missing or mismatched key, bad PEM, an
    /// unsupported option (`SSL_ERROR_SSL`).
    #[error("{reason}: {message}")]
    Config {
        /// OpenSSL's (library, reason) for this failure.
        reason: Reason,
        /// What went wrong, in words.
        message: String,
    },
    /// A call that is not valid in the connection's state, such as a write after shutdown
    /// or a shutdown before any handshake (`SSL_ERROR_SSL`).
    #[error("{reason}: {message}")]
    State {
        /// OpenSSL's (library, reason) for this failure.
        reason: Reason,
        /// What went wrong, in words.
        message: String,
    },
}

fn fmt_alert(alert: &Option<Alert>) -> String {
    match alert {
        Some(a) => format!(" ({a})"),
        None => String::new(),
    }
}

impl Error {
    /// An I/O error from the transport. `WouldBlock` is not an error of its own: the caller
    /// knows whether it was reading or writing and uses [`Error::WantRead`] /
    /// [`Error::WantWrite`].
    #[cold]
    pub fn io(err: io::Error) -> Error {
        Error::Io(Arc::new(err))
    }

    /// A protocol error with OpenSSL's reason and the alert sent or received.
    #[cold]
    pub fn protocol(reason: Reason, alert: Option<Alert>, message: impl Into<String>) -> Error {
        Error::Protocol {
            reason,
            alert,
            message: message.into(),
        }
    }

    /// A configuration error with OpenSSL's reason.
    #[cold]
    pub fn config(reason: Reason, message: impl Into<String>) -> Error {
        Error::Config {
            reason,
            message: message.into(),
        }
    }

    /// A call not valid in the connection's state.
    #[cold]
    pub fn state(reason: Reason, message: impl Into<String>) -> Error {
        Error::State {
            reason,
            message: message.into(),
        }
    }

    /// The `SSL_get_error` code of this failure.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::WantRead => ErrorCode::WantRead,
            Error::WantWrite => ErrorCode::WantWrite,
            Error::ZeroReturn => ErrorCode::ZeroReturn,
            Error::Io(_) => ErrorCode::Syscall,
            Error::UnexpectedEof
            | Error::Protocol { .. }
            | Error::Verify { .. }
            | Error::Config { .. }
            | Error::State { .. } => ErrorCode::Ssl,
        }
    }

    /// OpenSSL's (library, reason) pair for this failure, as its error queue would hold it;
    /// `None` for retries and clean closes, which put nothing on the queue.
    pub fn reason(&self) -> Option<Reason> {
        match self {
            Error::WantRead | Error::WantWrite | Error::ZeroReturn => None,
            Error::Io(e) => e.raw_os_error().map(Reason::sys),
            Error::UnexpectedEof => Some(Reason::SSL_R_UNEXPECTED_EOF_WHILE_READING),
            Error::Protocol { reason, .. }
            | Error::Config { reason, .. }
            | Error::State { reason, .. } => Some(*reason),
            Error::Verify { .. } => Some(Reason::SSL_R_CERTIFICATE_VERIFY_FAILED),
        }
    }

    /// The TLS alert sent or received with this failure, if any.
    pub fn alert(&self) -> Option<Alert> {
        match self {
            Error::Protocol { alert, .. } | Error::Verify { alert, .. } => *alert,
            _ => None,
        }
    }

    /// The `X509_V_ERR_*` result of a certificate verification failure.
    pub fn verify_code(&self) -> Option<VerifyCode> {
        match self {
            Error::Verify { verify, .. } => Some(*verify),
            _ => None,
        }
    }

    /// True for WANT_READ / WANT_WRITE: the call can be repeated.
    pub fn is_retry(&self) -> bool {
        self.code().is_retry()
    }

    /// True when the connection cannot be used any more (anything but a retry or a
    /// clean close).
    pub fn is_fatal(&self) -> bool {
        !self.is_retry() && !matches!(self, Error::ZeroReturn)
    }

    /// The value an OpenSSL call returns for this failure; see [`crate::return_value`].
    pub fn return_value(&self) -> i32 {
        match self {
            Error::ZeroReturn => 0,
            _ => -1,
        }
    }

    /// A one-line summary with the code, reason and alert, e.g.
    /// `SSL_ERROR_SSL: certificate verify failed (sent alert unknown_ca (48))`.
    pub fn summary(&self) -> String {
        let mut s = format!("{}: {}", self.code(), self);
        if let Some(r) = self.reason() {
            s.push_str(&format!(" [{}]", r.error_string()));
        }
        s
    }
}

impl From<Error> for io::Error {
    /// For faces that implement `std::io::Read` / `Write`: retries become `WouldBlock`, a
    /// clean close stays an error only where the caller asked for one (readers turn
    /// ZERO_RETURN into `Ok(0)` before converting), I/O errors are passed through.
    fn from(err: Error) -> io::Error {
        match err {
            Error::WantRead | Error::WantWrite => io::Error::new(io::ErrorKind::WouldBlock, err),
            Error::ZeroReturn => io::Error::new(io::ErrorKind::UnexpectedEof, err),
            Error::UnexpectedEof => io::Error::new(io::ErrorKind::UnexpectedEof, err),
            Error::Io(ref e) => io::Error::new(e.kind(), err),
            Error::Verify { .. } | Error::Protocol { .. } => {
                io::Error::new(io::ErrorKind::InvalidData, err)
            }
            Error::Config { .. } | Error::State { .. } => {
                io::Error::new(io::ErrorKind::InvalidInput, err)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_reasons_and_alerts() {
        assert_eq!(Error::WantRead.code(), ErrorCode::WantRead);
        assert_eq!(Error::WantWrite.code(), ErrorCode::WantWrite);
        assert_eq!(Error::ZeroReturn.code(), ErrorCode::ZeroReturn);
        assert_eq!(Error::UnexpectedEof.code(), ErrorCode::Ssl);
        assert_eq!(
            Error::UnexpectedEof.reason(),
            Some(Reason::SSL_R_UNEXPECTED_EOF_WHILE_READING)
        );
        let reset = Error::io(io::Error::from_raw_os_error(104));
        assert_eq!(reset.code(), ErrorCode::Syscall);
        assert_eq!(reset.reason(), Some(Reason::sys(104)));
        let v = Error::Verify {
            verify: VerifyCode::X509_V_ERR_CERT_HAS_EXPIRED,
            alert: Some(Alert::sent(45)),
            message: "leaf expired".into(),
        };
        assert_eq!(v.code(), ErrorCode::Ssl);
        assert_eq!(v.reason(), Some(Reason::SSL_R_CERTIFICATE_VERIFY_FAILED));
        assert_eq!(v.alert(), Some(Alert::sent(45)));
        assert_eq!(v.verify_code(), Some(VerifyCode(10)));
        let text = v.to_string();
        assert!(
            text.contains("certificate has expired") && text.contains("certificate_expired"),
            "{text}"
        );
        let p = Error::protocol(Reason::alert(40), Some(Alert::received(40)), "peer gave up");
        assert_eq!(p.reason().unwrap().code, 1040);
        assert!(
            p.summary()
                .starts_with("SSL_ERROR_SSL: sslv3 alert handshake failure"),
            "{}",
            p.summary()
        );
    }

    #[test]
    fn retry_and_fatal() {
        assert!(Error::WantRead.is_retry());
        assert!(!Error::WantRead.is_fatal());
        assert!(!Error::ZeroReturn.is_fatal());
        assert!(Error::UnexpectedEof.is_fatal());
    }

    #[test]
    fn into_io_error_keeps_kind() {
        let e: io::Error = Error::WantRead.into();
        assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
        let e: io::Error = Error::io(io::Error::from(io::ErrorKind::ConnectionReset)).into();
        assert_eq!(e.kind(), io::ErrorKind::ConnectionReset);
        let e: io::Error = Error::UnexpectedEof.into();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
    }
}
