//! `ErrorCode`: OpenSSL's `SSL_ERROR_*` values.

use core::fmt;

/// What `SSL_get_error` would say about a failed call: OpenSSL's `SSL_ERROR_*`
/// codes with the same numeric values, so the C face can return them unchanged.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// `SSL_ERROR_NONE` (0): the call succeeded.
    None = 0,
    /// `SSL_ERROR_SSL` (1): a protocol or library failure; the connection is dead.
    Ssl = 1,
    /// `SSL_ERROR_WANT_READ` (2): repeat the call once the transport has data to read.
    WantRead = 2,
    /// `SSL_ERROR_WANT_WRITE` (3): repeat the call once the transport accepts writes.
    WantWrite = 3,
    /// `SSL_ERROR_WANT_X509_LOOKUP` (4): a certificate callback asked to be called again.
    WantX509Lookup = 4,
    /// `SSL_ERROR_SYSCALL` (5): the transport failed with an I/O error.
    Syscall = 5,
    /// `SSL_ERROR_ZERO_RETURN` (6): the peer closed the TLS connection with close_notify.
    ZeroReturn = 6,
    /// `SSL_ERROR_WANT_CONNECT` (7): the transport's connect has not finished.
    WantConnect = 7,
    /// `SSL_ERROR_WANT_ACCEPT` (8): the transport's accept has not finished.
    WantAccept = 8,
}

impl ErrorCode {
    /// Every code, in numeric order.
    pub const ALL: [ErrorCode; 9] = [
        ErrorCode::None,
        ErrorCode::Ssl,
        ErrorCode::WantRead,
        ErrorCode::WantWrite,
        ErrorCode::WantX509Lookup,
        ErrorCode::Syscall,
        ErrorCode::ZeroReturn,
        ErrorCode::WantConnect,
        ErrorCode::WantAccept,
    ];

    /// The numeric value, as `SSL_get_error` returns it.
    pub const fn as_raw(self) -> i32 {
        self as i32
    }

    /// The code for a numeric `SSL_ERROR_*` value, if there is one.
    pub fn from_raw(raw: i32) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_raw() == raw)
    }

    /// OpenSSL's name for the code, e.g. `"SSL_ERROR_WANT_READ"`.
    pub const fn name(self) -> &'static str {
        match self {
            ErrorCode::None => "SSL_ERROR_NONE",
            ErrorCode::Ssl => "SSL_ERROR_SSL",
            ErrorCode::WantRead => "SSL_ERROR_WANT_READ",
            ErrorCode::WantWrite => "SSL_ERROR_WANT_WRITE",
            ErrorCode::WantX509Lookup => "SSL_ERROR_WANT_X509_LOOKUP",
            ErrorCode::Syscall => "SSL_ERROR_SYSCALL",
            ErrorCode::ZeroReturn => "SSL_ERROR_ZERO_RETURN",
            ErrorCode::WantConnect => "SSL_ERROR_WANT_CONNECT",
            ErrorCode::WantAccept => "SSL_ERROR_WANT_ACCEPT",
        }
    }

    /// True for the codes that mean "call again later" rather than failure.
    pub const fn is_retry(self) -> bool {
        matches!(
            self,
            ErrorCode::WantRead
                | ErrorCode::WantWrite
                | ErrorCode::WantX509Lookup
                | ErrorCode::WantConnect
                | ErrorCode::WantAccept
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_match_openssl() {
        let expected = [
            ("SSL_ERROR_NONE", 0),
            ("SSL_ERROR_SSL", 1),
            ("SSL_ERROR_WANT_READ", 2),
            ("SSL_ERROR_WANT_WRITE", 3),
            ("SSL_ERROR_WANT_X509_LOOKUP", 4),
            ("SSL_ERROR_SYSCALL", 5),
            ("SSL_ERROR_ZERO_RETURN", 6),
            ("SSL_ERROR_WANT_CONNECT", 7),
            ("SSL_ERROR_WANT_ACCEPT", 8),
        ];
        for (code, (name, raw)) in ErrorCode::ALL.into_iter().zip(expected) {
            assert_eq!(code.name(), name);
            assert_eq!(code.as_raw(), raw);
            assert_eq!(ErrorCode::from_raw(raw), Some(code));
        }
        assert_eq!(ErrorCode::from_raw(9), None);
        assert_eq!(ErrorCode::from_raw(-1), None);
    }

    #[test]
    fn only_want_codes_are_retries() {
        assert!(ErrorCode::WantRead.is_retry());
        assert!(ErrorCode::WantWrite.is_retry());
        assert!(!ErrorCode::Ssl.is_retry());
        assert!(!ErrorCode::ZeroReturn.is_retry());
        assert!(!ErrorCode::Syscall.is_retry());
    }
}
