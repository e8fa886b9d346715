//! From rustls' errors to hs's: OpenSSL's reason and the alert that went with the failure.

use hs_error::{description as ad, Alert};
use rustls::{AlertDescription, PeerIncompatible, PeerMisbehaved};

use crate::verify::verify_code_for;
use crate::{Error, Reason};

/// How many of the first bytes received are kept: a record header, a handshake header and
/// the ClientHello's legacy version.
pub(crate) const PREFIX_LEN: usize = 11;

/// The `legacy_version` of a ClientHello that starts `prefix`, if it does.
fn client_hello_version(prefix: &[u8]) -> Option<u16> {
    (prefix.len() >= PREFIX_LEN && prefix[0] == 0x16 && prefix[5] == 0x01)
        .then(|| u16::from_be_bytes([prefix[9], prefix[10]]))
}

/// A server's failure while reading or answering the ClientHello, named as OpenSSL names it.
/// hs writes the alert itself at this stage (nothing is encrypted yet), so it can send what
/// OpenSSL sends: nothing to a peer that does not speak TLS, protocol_version to a client
/// that offers only TLS 1.1 or older, record_overflow for an oversized record.
pub(crate) fn client_hello_error(err: rustls::Error, prefix: &[u8]) -> Error {
    let first = FirstBytes::classify(prefix);
    match first {
        FirstBytes::Http => {
            return Error::protocol(
                Reason::SSL_R_HTTP_REQUEST,
                None,
                "the client sent a plaintext HTTP request",
            )
        }
        FirstBytes::HttpsProxy => {
            return Error::protocol(
                Reason::SSL_R_HTTPS_PROXY_REQUEST,
                None,
                "the client sent an HTTP proxy request",
            )
        }
        FirstBytes::Garbage => {
            return Error::protocol(
                Reason::SSL_R_WRONG_VERSION_NUMBER,
                None,
                "the client's bytes are not a TLS record",
            )
        }
        FirstBytes::Tls => {}
    }
    match err {
        rustls::Error::PeerIncompatible(p)
            if client_hello_version(prefix).is_some_and(|v| v < 0x0303) =>
        {
            Error::protocol(
                Reason::SSL_R_UNSUPPORTED_PROTOCOL,
                Some(Alert::sent(ad::PROTOCOL_VERSION)),
                format!("the client offers only TLS 1.1 or older ({p:?})"),
            )
        }
        rustls::Error::InvalidMessage(rustls::InvalidMessage::MessageTooLarge) => Error::protocol(
            Reason::SSL_R_PACKET_LENGTH_TOO_LONG,
            Some(Alert::sent(ad::RECORD_OVERFLOW)),
            "the client sent a record longer than TLS allows",
        ),
        other => from_rustls(other, first, false),
    }
}

/// What the first bytes a server received looked like, for OpenSSL's friendlier reasons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FirstBytes {
    /// Not enough bytes yet, or a TLS record header.
    Tls,
    /// `GET `, `POST`, `HEAD`, `PUT ` …: a plaintext HTTP request.
    Http,
    /// `CONNE`: a proxy request.
    HttpsProxy,
    /// Anything else.
    Garbage,
}

impl FirstBytes {
    pub(crate) fn classify(prefix: &[u8]) -> FirstBytes {
        if prefix.len() >= 5 && &prefix[..5] == b"CONNE" {
            return FirstBytes::HttpsProxy;
        }
        if prefix.len() >= 4 {
            let p = &prefix[..4];
            if [
                b"GET ", b"POST", b"HEAD", b"PUT ", b"PATC", b"DELE", b"OPTI",
            ]
            .iter()
            .any(|m| p == &m[..])
            {
                return FirstBytes::Http;
            }
        }
        match prefix.first() {
            None => FirstBytes::Tls,
            Some(20..=23) => FirstBytes::Tls,
            Some(_) => FirstBytes::Garbage,
        }
    }
}

fn desc(a: AlertDescription) -> u8 {
    u8::from(a)
}

/// Converts a rustls error from `process_new_packets` into an hs `Error`, naming the alert
/// rustls queued for the peer (the mapping mirrors where rustls calls `send_fatal_alert`).
pub(crate) fn from_rustls(err: rustls::Error, first: FirstBytes, ip_name: bool) -> Error {
    use rustls::Error as R;
    let sent = |d: u8| Some(Alert::sent(d));
    match err {
        R::AlertReceived(AlertDescription::CloseNotify) => Error::ZeroReturn,
        R::AlertReceived(a) => {
            let d = desc(a);
            Error::protocol(
                Reason::alert(d),
                Some(Alert::received(d)),
                format!("the peer sent a fatal alert: {a:?}"),
            )
        }
        R::InvalidCertificate(ce) => {
            let alert = desc(AlertDescription::from(ce.clone()));
            Error::Verify {
                verify: verify_code_for(&ce, ip_name),
                alert: sent(alert),
                message: ce.to_string(),
            }
        }
        R::NoCertificatesPresented => Error::protocol(
            Reason::SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE,
            sent(ad::CERTIFICATE_REQUIRED),
            "the client sent no certificate but one is required",
        ),
        R::InappropriateMessage { .. } | R::InappropriateHandshakeMessage { .. } => {
            Error::protocol(
                Reason::SSL_R_UNEXPECTED_MESSAGE,
                sent(ad::UNEXPECTED_MESSAGE),
                err.to_string(),
            )
        }
        R::InvalidMessage(m) => {
            let alert = desc(AlertDescription::from(m));
            let reason = match (first, &m) {
                (FirstBytes::Http, _) => Reason::SSL_R_HTTP_REQUEST,
                (FirstBytes::HttpsProxy, _) => Reason::SSL_R_HTTPS_PROXY_REQUEST,
                (FirstBytes::Garbage, _)
                | (
                    _,
                    rustls::InvalidMessage::InvalidContentType
                    | rustls::InvalidMessage::UnknownProtocolVersion,
                ) => Reason::SSL_R_WRONG_VERSION_NUMBER,
                (_, rustls::InvalidMessage::MessageTooLarge) => {
                    Reason::SSL_R_PACKET_LENGTH_TOO_LONG
                }
                (_, rustls::InvalidMessage::HandshakePayloadTooLarge) => {
                    Reason::SSL_R_EXCESSIVE_MESSAGE_SIZE
                }
                _ => Reason::SSL_R_LENGTH_MISMATCH,
            };
            Error::protocol(reason, sent(alert), format!("malformed message: {m:?}"))
        }
        R::DecryptError => Error::protocol(
            Reason::SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC,
            sent(ad::BAD_RECORD_MAC),
            "a record failed to decrypt",
        ),
        R::PeerSentOversizedRecord => Error::protocol(
            Reason::SSL_R_PACKET_LENGTH_TOO_LONG,
            sent(ad::RECORD_OVERFLOW),
            "the peer sent a record longer than TLS allows",
        ),
        R::NoApplicationProtocol => Error::protocol(
            Reason::SSL_R_NO_APPLICATION_PROTOCOL,
            sent(ad::NO_APPLICATION_PROTOCOL),
            "no ALPN protocol in common",
        ),
        R::PeerIncompatible(p) => {
            let (reason, alert) = match p {
                PeerIncompatible::NoCipherSuitesInCommon => {
                    (Reason::SSL_R_NO_SHARED_CIPHER, ad::HANDSHAKE_FAILURE)
                }
                PeerIncompatible::NoKxGroupsInCommon => {
                    (Reason::SSL_R_NO_SHARED_GROUPS, ad::HANDSHAKE_FAILURE)
                }
                PeerIncompatible::NoSignatureSchemesInCommon
                | PeerIncompatible::NoCertificateRequestSignatureSchemesInCommon => (
                    Reason::SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM,
                    ad::HANDSHAKE_FAILURE,
                ),
                PeerIncompatible::SupportedVersionsExtensionRequired
                | PeerIncompatible::Tls12NotOffered
                | PeerIncompatible::Tls12NotOfferedOrEnabled
                | PeerIncompatible::Tls13RequiredForQuic
                | PeerIncompatible::ServerDoesNotSupportTls12Or13 => {
                    (Reason::SSL_R_UNSUPPORTED_PROTOCOL, ad::PROTOCOL_VERSION)
                }
                PeerIncompatible::NullCompressionRequired
                | PeerIncompatible::UncompressedEcPointsRequired => {
                    (Reason::SSL_R_BAD_VALUE, ad::ILLEGAL_PARAMETER)
                }
                _ => (Reason::SSL_R_SSL_HANDSHAKE_FAILURE, ad::HANDSHAKE_FAILURE),
            };
            Error::protocol(reason, sent(alert), format!("incompatible peer: {p:?}"))
        }
        R::PeerMisbehaved(p) => {
            let alert = match p {
                PeerMisbehaved::DisallowedEncryptedExtension
                | PeerMisbehaved::UnexpectedCleartextExtension
                | PeerMisbehaved::UnsolicitedEchExtension
                | PeerMisbehaved::UnsolicitedEncryptedExtension
                | PeerMisbehaved::UnsolicitedServerHelloExtension => ad::UNSUPPORTED_EXTENSION,
                PeerMisbehaved::IllegalMiddleboxChangeCipherSpec
                | PeerMisbehaved::KeyEpochWithPendingFragment
                | PeerMisbehaved::TooMuchEarlyDataReceived => ad::UNEXPECTED_MESSAGE,
                PeerMisbehaved::IncorrectBinder => ad::DECRYPT_ERROR,
                PeerMisbehaved::MissingKeyShare
                | PeerMisbehaved::MissingPskModesExtension
                | PeerMisbehaved::MissingPskExtensionInSecondClientHello => ad::MISSING_EXTENSION,
                PeerMisbehaved::SelectedUnofferedCipherSuite
                | PeerMisbehaved::ServerHelloMustOfferUncompressedEcPoints => ad::HANDSHAKE_FAILURE,
                PeerMisbehaved::InvalidCertCompression
                | PeerMisbehaved::SelectedUnofferedCertCompression => ad::BAD_CERTIFICATE,
                _ => ad::ILLEGAL_PARAMETER,
            };
            let reason = match p {
                PeerMisbehaved::IllegalMiddleboxChangeCipherSpec => Reason::SSL_R_UNEXPECTED_RECORD,
                PeerMisbehaved::TooManyKeyUpdateRequests => Reason::SSL_R_TOO_MANY_KEY_UPDATES,
                _ => Reason::SSL_R_BAD_EXTENSION,
            };
            Error::protocol(
                reason,
                sent(alert),
                format!("the peer broke the protocol: {p:?}"),
            )
        }
        R::InconsistentKeys(_) => {
            Error::config(Reason::X509_R_KEY_VALUES_MISMATCH, err.to_string())
        }
        other => Error::protocol(Reason::SSL_R_INTERNAL_ERROR, None, other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_hello_version_is_read_from_the_first_record() {
        let hello = [0x16, 3, 1, 0, 0x40, 1, 0, 0, 0x3c, 3, 1];
        assert_eq!(client_hello_version(&hello), Some(0x0301));
        assert_eq!(client_hello_version(&hello[..10]), None);
        let mut not_hello = hello;
        not_hello[5] = 2;
        assert_eq!(client_hello_version(&not_hello), None);
    }

    #[test]
    fn first_bytes_classification() {
        assert_eq!(FirstBytes::classify(b"GET / HTTP/1.1"), FirstBytes::Http);
        assert_eq!(
            FirstBytes::classify(b"CONNECT x:443"),
            FirstBytes::HttpsProxy
        );
        assert_eq!(FirstBytes::classify(&[0x16, 3, 1, 0, 5]), FirstBytes::Tls);
        assert_eq!(FirstBytes::classify(&[0x99, 1]), FirstBytes::Garbage);
        assert_eq!(FirstBytes::classify(b""), FirstBytes::Tls);
    }

    #[test]
    fn received_close_notify_is_zero_return() {
        let e = from_rustls(
            rustls::Error::AlertReceived(AlertDescription::CloseNotify),
            FirstBytes::Tls,
            false,
        );
        assert!(matches!(e, Error::ZeroReturn));
        let e = from_rustls(
            rustls::Error::AlertReceived(AlertDescription::UnknownCA),
            FirstBytes::Tls,
            false,
        );
        assert_eq!(e.reason(), Some(Reason::alert(48)));
        assert_eq!(e.alert(), Some(Alert::received(48)));
    }
}
