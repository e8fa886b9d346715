//! Certificate verification results with OpenSSL's `X509_V_*` numbers.

use core::fmt;

/// A certificate verification result, numbered as OpenSSL's `X509_V_OK` / `X509_V_ERR_*`,
/// as `SSL_get_verify_result` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VerifyCode(pub i32);

macro_rules! verify_codes {
    ($($name:ident = $code:expr, $text:expr;)*) => {
        impl VerifyCode {
            $(
                #[doc = concat!("`", stringify!($name), "` (", stringify!($code), "): ", $text, ".")]
                pub const $name: VerifyCode = VerifyCode($code);
            )*

            /// The text `X509_verify_cert_error_string` gives for this code.
            pub fn text(self) -> &'static str {
                match self.0 {
                    $($code => $text,)*
                    _ => "unknown certificate verification error",
                }
            }
        }
    };
}

verify_codes! {
    X509_V_OK = 0, "ok";
    X509_V_ERR_UNSPECIFIED = 1, "unspecified certificate verification error";
    X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT = 2, "unable to get issuer certificate";
    X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE = 4, "unable to decrypt certificate's signature";
    X509_V_ERR_CERT_SIGNATURE_FAILURE = 7, "certificate signature failure";
    X509_V_ERR_CERT_NOT_YET_VALID = 9, "certificate is not yet valid";
    X509_V_ERR_CERT_HAS_EXPIRED = 10, "certificate has expired";
    X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT = 18, "self-signed certificate";
    X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN = 19, "self-signed certificate in certificate chain";
    X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY = 20, "unable to get local issuer certificate";
    X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE = 21, "unable to verify the first certificate";
    X509_V_ERR_CERT_CHAIN_TOO_LONG = 22, "certificate chain too long";
    X509_V_ERR_CERT_REVOKED = 23, "certificate revoked";
    X509_V_ERR_PATH_LENGTH_EXCEEDED = 25, "path length constraint exceeded";
    X509_V_ERR_INVALID_PURPOSE = 26, "unsupported certificate purpose";
    X509_V_ERR_CERT_UNTRUSTED = 27, "certificate not trusted";
    X509_V_ERR_CERT_REJECTED = 28, "certificate rejected";
    X509_V_ERR_KEYUSAGE_NO_CERTSIGN = 32, "key usage does not include certificate signing";
    X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION = 34, "unhandled critical extension";
    X509_V_ERR_INVALID_NON_CA = 37, "invalid non-CA certificate (has CA markings)";
    X509_V_ERR_INVALID_EXTENSION = 41, "invalid or inconsistent certificate extension";
    X509_V_ERR_PERMITTED_VIOLATION = 47, "permitted subtree violation";
    X509_V_ERR_EXCLUDED_VIOLATION = 48, "excluded subtree violation";
    X509_V_ERR_APPLICATION_VERIFICATION = 50, "application verification failure";
    X509_V_ERR_HOSTNAME_MISMATCH = 62, "hostname mismatch";
    X509_V_ERR_IP_ADDRESS_MISMATCH = 64, "IP address mismatch";
    X509_V_ERR_UNSUPPORTED_SIGNATURE_ALGORITHM = 76, "Cannot find certificate signature algorithm";
    X509_V_ERR_INVALID_CA = 79, "invalid CA certificate";
}

impl VerifyCode {
    /// True for `X509_V_OK`.
    pub const fn is_ok(self) -> bool {
        self.0 == 0
    }
}

impl fmt::Display for VerifyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (X509_V {})", self.text(), self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_openssl() {
        assert_eq!(VerifyCode::X509_V_OK.0, 0);
        assert_eq!(VerifyCode::X509_V_ERR_CERT_HAS_EXPIRED.0, 10);
        assert_eq!(
            VerifyCode::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY.0,
            20
        );
        assert_eq!(VerifyCode::X509_V_ERR_HOSTNAME_MISMATCH.0, 62);
        assert_eq!(
            VerifyCode::X509_V_ERR_HOSTNAME_MISMATCH.text(),
            "hostname mismatch"
        );
        assert!(VerifyCode::X509_V_OK.is_ok());
        assert!(!VerifyCode(999).is_ok());
        assert_eq!(
            VerifyCode(999).text(),
            "unknown certificate verification error"
        );
    }
}
