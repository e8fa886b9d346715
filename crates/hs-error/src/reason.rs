//! OpenSSL's (library, reason) pairs, so the C face can fill an OpenSSL-compatible error queue.

use core::fmt;

/// An OpenSSL library number (`ERR_LIB_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Lib(pub i32);

impl Lib {
    /// `ERR_LIB_SYS`: operating-system errors; the reason is the errno.
    pub const SYS: Lib = Lib(2);
    /// `ERR_LIB_EVP`: keys and digests.
    pub const EVP: Lib = Lib(6);
    /// `ERR_LIB_PEM`: PEM decoding.
    pub const PEM: Lib = Lib(9);
    /// `ERR_LIB_X509`: certificates.
    pub const X509: Lib = Lib(11);
    /// `ERR_LIB_SSL`: the TLS library.
    pub const SSL: Lib = Lib(20);
    /// `ERR_LIB_BIO`: transports.
    pub const BIO: Lib = Lib(32);

    /// The text `ERR_lib_error_string` gives, e.g. `"SSL routines"`.
    pub fn name(self) -> &'static str {
        match self.0 {
            2 => "system library",
            6 => "digital envelope routines",
            9 => "PEM routines",
            11 => "x509 certificate routines",
            20 => "SSL routines",
            32 => "BIO routines",
            _ => "unknown library",
        }
    }
}

/// An OpenSSL (library, reason) pair, e.g. (`ERR_LIB_SSL`, `SSL_R_WRONG_VERSION_NUMBER`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Reason {
    /// The library.
    pub lib: Lib,
    /// The reason number within that library.
    pub code: i32,
}

macro_rules! ssl_reasons {
    ($($name:ident = $code:expr, $text:expr;)*) => {
        impl Reason {
            $(
                #[doc = concat!("`", stringify!($name), "` (", stringify!($code), "): ", $text, ".")]
                pub const $name: Reason = Reason { lib: Lib::SSL, code: $code };
            )*
        }

        fn ssl_reason_text(code: i32) -> Option<&'static str> {
            match code {
                $($code => Some($text),)*
                _ => None,
            }
        }
    };
}

ssl_reasons! {
    SSL_R_BAD_DECOMPRESSION = 107, "bad decompression";
    SSL_R_BAD_EXTENSION = 110, "bad extension";
    SSL_R_BAD_KEY_SHARE = 108, "bad key share";
    SSL_R_BAD_LENGTH = 271, "bad length";
    SSL_R_BAD_PACKET_LENGTH = 115, "bad packet length";
    SSL_R_BAD_SIGNATURE = 123, "bad signature";
    SSL_R_BAD_VALUE = 384, "bad value";
    SSL_R_BAD_RECORD_TYPE = 443, "bad record type";
    SSL_R_CALLBACK_FAILED = 234, "callback failed";
    SSL_R_CERTIFICATE_VERIFY_FAILED = 134, "certificate verify failed";
    SSL_R_CONNECTION_TYPE_NOT_SET = 144, "connection type not set";
    SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC = 281, "decryption failed or bad record mac";
    SSL_R_EXCESSIVE_MESSAGE_SIZE = 152, "excessive message size";
    SSL_R_HTTPS_PROXY_REQUEST = 155, "https proxy request";
    SSL_R_HTTP_REQUEST = 156, "http request";
    SSL_R_INAPPROPRIATE_FALLBACK = 373, "inappropriate fallback";
    SSL_R_INTERNAL_ERROR = 68, "internal error";
    SSL_R_LENGTH_MISMATCH = 159, "length mismatch";
    SSL_R_MISSING_SIGALGS_EXTENSION = 112, "missing sigalgs extension";
    SSL_R_NO_APPLICATION_PROTOCOL = 235, "no application protocol";
    SSL_R_NO_CERTIFICATES_RETURNED = 176, "no certificates returned";
    SSL_R_NO_CERTIFICATE_ASSIGNED = 177, "no certificate assigned";
    SSL_R_NO_CIPHER_MATCH = 185, "no cipher match";
    SSL_R_NO_PRIVATE_KEY_ASSIGNED = 190, "no private key assigned";
    SSL_R_NO_PROTOCOLS_AVAILABLE = 191, "no protocols available";
    SSL_R_NO_RENEGOTIATION = 339, "no renegotiation";
    SSL_R_NO_SHARED_CIPHER = 193, "no shared cipher";
    SSL_R_NO_SHARED_GROUPS = 410, "no shared groups";
    SSL_R_NO_SUITABLE_KEY_SHARE = 101, "no suitable key share";
    SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM = 118, "no suitable signature algorithm";
    SSL_R_PACKET_LENGTH_TOO_LONG = 198, "packet length too long";
    SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE = 199, "peer did not return a certificate";
    SSL_R_PROTOCOL_IS_SHUTDOWN = 207, "protocol is shutdown";
    SSL_R_RECORD_LENGTH_MISMATCH = 213, "record length mismatch";
    SSL_R_SHUTDOWN_WHILE_IN_INIT = 407, "shutdown while in init";
    SSL_R_SSL_HANDSHAKE_FAILURE = 229, "ssl handshake failure";
    SSL_R_STILL_IN_INIT = 121, "still in init";
    SSL_R_TOO_MANY_KEY_UPDATES = 132, "too many key updates";
    SSL_R_UNEXPECTED_EOF_WHILE_READING = 294, "unexpected eof while reading";
    SSL_R_UNEXPECTED_MESSAGE = 244, "unexpected message";
    SSL_R_UNEXPECTED_RECORD = 245, "unexpected record";
    SSL_R_UNINITIALIZED = 276, "uninitialized";
    SSL_R_UNKNOWN_ALERT_TYPE = 246, "unknown alert type";
    SSL_R_UNKNOWN_PROTOCOL = 252, "unknown protocol";
    SSL_R_UNSUPPORTED_PROTOCOL = 258, "unsupported protocol";
    SSL_R_WRONG_CERTIFICATE_TYPE = 383, "wrong certificate type";
    SSL_R_WRONG_VERSION_NUMBER = 267, "wrong version number";
}

impl Reason {
    /// `X509_R_KEY_VALUES_MISMATCH`: the private key does not belong to the certificate.
    pub const X509_R_KEY_VALUES_MISMATCH: Reason = Reason {
        lib: Lib::X509,
        code: 116,
    };
    /// `X509_R_KEY_TYPE_MISMATCH`: the private key is of another type than the certificate's.
    pub const X509_R_KEY_TYPE_MISMATCH: Reason = Reason {
        lib: Lib::X509,
        code: 115,
    };
    /// `PEM_R_NO_START_LINE`: no PEM block of the expected kind was found.
    pub const PEM_R_NO_START_LINE: Reason = Reason {
        lib: Lib::PEM,
        code: 108,
    };
    /// `PEM_R_BAD_BASE64_DECODE`: a PEM block's base64 is damaged.
    pub const PEM_R_BAD_BASE64_DECODE: Reason = Reason {
        lib: Lib::PEM,
        code: 100,
    };

    /// The reason OpenSSL records for an alert received from the peer:
    /// `SSL_R_SSLV3_ALERT_*` / `SSL_R_TLSV1_ALERT_*`, numbered 1000 + the alert description.
    pub const fn alert(description: u8) -> Reason {
        Reason {
            lib: Lib::SSL,
            code: 1000 + description as i32,
        }
    }

    /// For an alert reason (1000 + description), the alert description.
    pub fn alert_description(self) -> Option<u8> {
        if self.lib == Lib::SSL && (1000..1256).contains(&self.code) {
            u8::try_from(self.code - 1000).ok()
        } else {
            None
        }
    }

    /// An operating-system error, as OpenSSL records it (`ERR_LIB_SYS`, errno).
    pub const fn sys(errno: i32) -> Reason {
        Reason {
            lib: Lib::SYS,
            code: errno,
        }
    }

    /// OpenSSL 3's packed error code (`ERR_PACK(lib, 0, reason)`): lib in bits 23..31,
    /// reason in bits 0..22. For `ERR_LIB_SYS` OpenSSL sets the top bit instead
    /// (`ERR_SYSTEM_FLAG`) and keeps the errno in the low bits.
    pub const fn packed(self) -> u64 {
        if self.lib.0 == Lib::SYS.0 {
            (1u64 << 31) | (self.code as u64 & 0x7fff_ffff)
        } else {
            ((self.lib.0 as u64 & 0xff) << 23) | (self.code as u64 & 0x7f_ffff)
        }
    }

    /// The text `ERR_reason_error_string` gives, e.g. `"wrong version number"`.
    pub fn text(self) -> String {
        if let Some(desc) = self.alert_description() {
            let prefix = match desc {
                21 | 22 | 48..=51 | 60 | 70 | 71 | 80 | 86 | 90 | 100 | 110..=115 | 120 => "tlsv1",
                109 | 116 => "tlsv13",
                _ => "sslv3",
            };
            return format!(
                "{prefix} alert {}",
                crate::alert::alert_name(desc).replace('_', " ")
            );
        }
        let known = match self.lib {
            Lib::SSL => ssl_reason_text(self.code),
            Lib::X509 => match self.code {
                115 => Some("key type mismatch"),
                116 => Some("key values mismatch"),
                _ => None,
            },
            Lib::PEM => match self.code {
                100 => Some("bad base64 decode"),
                108 => Some("no start line"),
                _ => None,
            },
            _ => None,
        };
        match known {
            Some(t) => t.to_string(),
            None if self.lib == Lib::SYS => {
                std::io::Error::from_raw_os_error(self.code).to_string()
            }
            None => format!("reason({})", self.code),
        }
    }

    /// The line `ERR_error_string_n` writes: `error:0A000086:SSL routines::certificate verify failed`.
    pub fn error_string(self) -> String {
        format!(
            "error:{:08X}:{}::{}",
            self.packed(),
            self.lib.name(),
            self.text()
        )
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_matches_openssl3() {
        // `openssl errstr 0A000086` prints "certificate verify failed" in OpenSSL 3.
        assert_eq!(
            Reason::SSL_R_CERTIFICATE_VERIFY_FAILED.packed(),
            0x0A00_0086
        );
        assert_eq!(
            Reason::SSL_R_CERTIFICATE_VERIFY_FAILED.error_string(),
            "error:0A000086:SSL routines::certificate verify failed"
        );
        assert_eq!(Reason::SSL_R_WRONG_VERSION_NUMBER.packed(), 0x0A00_010B);
        assert_eq!(Reason::X509_R_KEY_VALUES_MISMATCH.packed(), 0x0580_0074);
    }

    #[test]
    fn alert_reasons_are_1000_plus_description() {
        assert_eq!(Reason::alert(40).code, 1040);
        assert_eq!(Reason::alert(40).text(), "sslv3 alert handshake failure");
        assert_eq!(Reason::alert(48).text(), "tlsv1 alert unknown ca");
        assert_eq!(
            Reason::alert(116).text(),
            "tlsv13 alert certificate required"
        );
        assert_eq!(
            Reason::alert(120).text(),
            "tlsv1 alert no application protocol"
        );
        assert_eq!(Reason::alert(70).alert_description(), Some(70));
        assert_eq!(Reason::SSL_R_HTTP_REQUEST.alert_description(), None);
    }

    #[test]
    fn texts() {
        assert_eq!(
            Reason::SSL_R_CONNECTION_TYPE_NOT_SET.text(),
            "connection type not set"
        );
        assert_eq!(Reason::SSL_R_UNEXPECTED_EOF_WHILE_READING.code, 294);
        assert_eq!(Reason::PEM_R_NO_START_LINE.text(), "no start line");
        assert_eq!(
            Reason {
                lib: Lib::SSL,
                code: 9999
            }
            .text(),
            "reason(9999)"
        );
        assert!(Reason::sys(104).packed() & (1 << 31) != 0);
    }
}
