//! TLS alerts: the description byte, its RFC name, and whether hs sent or received it.

use core::fmt;

/// Whether an alert was sent to the peer or received from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AlertDirection {
    /// hs sent this alert to the peer.
    Sent,
    /// The peer sent this alert.
    Received,
}

/// A TLS alert: its description number (RFC 8446 §6) and direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Alert {
    /// The alert description byte, e.g. 40 for handshake_failure.
    pub description: u8,
    /// Sent or received.
    pub direction: AlertDirection,
}

impl Alert {
    /// An alert hs sent.
    pub const fn sent(description: u8) -> Alert {
        Alert {
            description,
            direction: AlertDirection::Sent,
        }
    }

    /// An alert the peer sent.
    pub const fn received(description: u8) -> Alert {
        Alert {
            description,
            direction: AlertDirection::Received,
        }
    }

    /// The RFC name of the description, e.g. `"handshake_failure"`.
    pub fn name(&self) -> &'static str {
        alert_name(self.description)
    }
}

impl fmt::Display for Alert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dir = match self.direction {
            AlertDirection::Sent => "sent",
            AlertDirection::Received => "received",
        };
        write!(f, "{} alert {} ({})", dir, self.name(), self.description)
    }
}

/// Alert description numbers used by hs (RFC 8446 §6, RFC 5246 §7.2).
pub mod description {
    /// close_notify
    pub const CLOSE_NOTIFY: u8 = 0;
    /// unexpected_message
    pub const UNEXPECTED_MESSAGE: u8 = 10;
    /// bad_record_mac
    pub const BAD_RECORD_MAC: u8 = 20;
    /// record_overflow
    pub const RECORD_OVERFLOW: u8 = 22;
    /// handshake_failure
    pub const HANDSHAKE_FAILURE: u8 = 40;
    /// bad_certificate
    pub const BAD_CERTIFICATE: u8 = 42;
    /// unsupported_certificate
    pub const UNSUPPORTED_CERTIFICATE: u8 = 43;
    /// certificate_revoked
    pub const CERTIFICATE_REVOKED: u8 = 44;
    /// certificate_expired
    pub const CERTIFICATE_EXPIRED: u8 = 45;
    /// certificate_unknown
    pub const CERTIFICATE_UNKNOWN: u8 = 46;
    /// illegal_parameter
    pub const ILLEGAL_PARAMETER: u8 = 47;
    /// unknown_ca
    pub const UNKNOWN_CA: u8 = 48;
    /// access_denied
    pub const ACCESS_DENIED: u8 = 49;
    /// decode_error
    pub const DECODE_ERROR: u8 = 50;
    /// decrypt_error
    pub const DECRYPT_ERROR: u8 = 51;
    /// protocol_version
    pub const PROTOCOL_VERSION: u8 = 70;
    /// insufficient_security
    pub const INSUFFICIENT_SECURITY: u8 = 71;
    /// internal_error
    pub const INTERNAL_ERROR: u8 = 80;
    /// inappropriate_fallback
    pub const INAPPROPRIATE_FALLBACK: u8 = 86;
    /// user_canceled
    pub const USER_CANCELED: u8 = 90;
    /// no_renegotiation
    pub const NO_RENEGOTIATION: u8 = 100;
    /// missing_extension
    pub const MISSING_EXTENSION: u8 = 109;
    /// unsupported_extension
    pub const UNSUPPORTED_EXTENSION: u8 = 110;
    /// unrecognized_name
    pub const UNRECOGNIZED_NAME: u8 = 112;
    /// bad_certificate_status_response
    pub const BAD_CERTIFICATE_STATUS_RESPONSE: u8 = 113;
    /// unknown_psk_identity
    pub const UNKNOWN_PSK_IDENTITY: u8 = 115;
    /// certificate_required
    pub const CERTIFICATE_REQUIRED: u8 = 116;
    /// no_application_protocol
    pub const NO_APPLICATION_PROTOCOL: u8 = 120;
}

/// The RFC name of an alert description; `"unknown"` for numbers no RFC assigns.
pub fn alert_name(description: u8) -> &'static str {
    match description {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        21 => "decryption_failed",
        22 => "record_overflow",
        30 => "decompression_failure",
        40 => "handshake_failure",
        41 => "no_certificate",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        60 => "export_restriction",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        100 => "no_renegotiation",
        109 => "missing_extension",
        110 => "unsupported_extension",
        111 => "certificate_unobtainable",
        112 => "unrecognized_name",
        113 => "bad_certificate_status_response",
        114 => "bad_certificate_hash_value",
        115 => "unknown_psk_identity",
        116 => "certificate_required",
        120 => "no_application_protocol",
        121 => "ech_required",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_display() {
        assert_eq!(Alert::sent(40).name(), "handshake_failure");
        assert_eq!(
            Alert::received(48).to_string(),
            "received alert unknown_ca (48)"
        );
        assert_eq!(
            Alert::sent(120).to_string(),
            "sent alert no_application_protocol (120)"
        );
        assert_eq!(alert_name(255), "unknown");
    }
}
