//! Where a handshake is, in OpenSSL's terms (`OSSL_HANDSHAKE_STATE`, `SSL_get_state`).

/// A handshake state with OpenSSL 3's number (`OSSL_HANDSHAKE_STATE`: the `TLS_ST_*`
/// enumerators, in the order of OpenSSL's `ssl.h`; the DTLS ones keep their numbers).
///
/// rustls does not expose its state machine, so hs follows the handshake from what rustls
/// reports (the ClientHello read, the version and kind negotiated, the peer's certificates,
/// completion) and steps through the states OpenSSL passes for that kind of handshake;
/// see [`Ssl::handshake_state`](crate::Ssl::handshake_state).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HandshakeState(pub i32);

impl HandshakeState {
    /// `TLS_ST_BEFORE`: before SSL initialization.
    pub const TLS_ST_BEFORE: HandshakeState = HandshakeState(0);
    /// `TLS_ST_OK`: SSL negotiation finished successfully.
    pub const TLS_ST_OK: HandshakeState = HandshakeState(1);
    /// `DTLS_ST_CR_HELLO_VERIFY_REQUEST`: DTLS1 read hello verify request.
    pub const DTLS_ST_CR_HELLO_VERIFY_REQUEST: HandshakeState = HandshakeState(2);
    /// `TLS_ST_CR_SRVR_HELLO`: SSLv3/TLS read server hello.
    pub const TLS_ST_CR_SRVR_HELLO: HandshakeState = HandshakeState(3);
    /// `TLS_ST_CR_CERT`: SSLv3/TLS read server certificate.
    pub const TLS_ST_CR_CERT: HandshakeState = HandshakeState(4);
    /// `TLS_ST_CR_CERT_STATUS`: SSLv3/TLS read certificate status.
    pub const TLS_ST_CR_CERT_STATUS: HandshakeState = HandshakeState(5);
    /// `TLS_ST_CR_KEY_EXCH`: SSLv3/TLS read server key exchange.
    pub const TLS_ST_CR_KEY_EXCH: HandshakeState = HandshakeState(6);
    /// `TLS_ST_CR_CERT_REQ`: SSLv3/TLS read server certificate request.
    pub const TLS_ST_CR_CERT_REQ: HandshakeState = HandshakeState(7);
    /// `TLS_ST_CR_SRVR_DONE`: SSLv3/TLS read server done.
    pub const TLS_ST_CR_SRVR_DONE: HandshakeState = HandshakeState(8);
    /// `TLS_ST_CR_SESSION_TICKET`: SSLv3/TLS read server session ticket.
    pub const TLS_ST_CR_SESSION_TICKET: HandshakeState = HandshakeState(9);
    /// `TLS_ST_CR_CHANGE`: SSLv3/TLS read change cipher spec.
    pub const TLS_ST_CR_CHANGE: HandshakeState = HandshakeState(10);
    /// `TLS_ST_CR_FINISHED`: SSLv3/TLS read finished.
    pub const TLS_ST_CR_FINISHED: HandshakeState = HandshakeState(11);
    /// `TLS_ST_CW_CLNT_HELLO`: SSLv3/TLS write client hello.
    pub const TLS_ST_CW_CLNT_HELLO: HandshakeState = HandshakeState(12);
    /// `TLS_ST_CW_CERT`: SSLv3/TLS write client certificate.
    pub const TLS_ST_CW_CERT: HandshakeState = HandshakeState(13);
    /// `TLS_ST_CW_KEY_EXCH`: SSLv3/TLS write client key exchange.
    pub const TLS_ST_CW_KEY_EXCH: HandshakeState = HandshakeState(14);
    /// `TLS_ST_CW_CERT_VRFY`: SSLv3/TLS write certificate verify.
    pub const TLS_ST_CW_CERT_VRFY: HandshakeState = HandshakeState(15);
    /// `TLS_ST_CW_CHANGE`: SSLv3/TLS write change cipher spec.
    pub const TLS_ST_CW_CHANGE: HandshakeState = HandshakeState(16);
    /// `TLS_ST_CW_NEXT_PROTO`: SSLv3/TLS write next proto.
    pub const TLS_ST_CW_NEXT_PROTO: HandshakeState = HandshakeState(17);
    /// `TLS_ST_CW_FINISHED`: SSLv3/TLS write finished.
    pub const TLS_ST_CW_FINISHED: HandshakeState = HandshakeState(18);
    /// `TLS_ST_SW_HELLO_REQ`: SSLv3/TLS write hello request.
    pub const TLS_ST_SW_HELLO_REQ: HandshakeState = HandshakeState(19);
    /// `TLS_ST_SR_CLNT_HELLO`: SSLv3/TLS read client hello.
    pub const TLS_ST_SR_CLNT_HELLO: HandshakeState = HandshakeState(20);
    /// `DTLS_ST_SW_HELLO_VERIFY_REQUEST`: DTLS1 write hello verify request.
    pub const DTLS_ST_SW_HELLO_VERIFY_REQUEST: HandshakeState = HandshakeState(21);
    /// `TLS_ST_SW_SRVR_HELLO`: SSLv3/TLS write server hello.
    pub const TLS_ST_SW_SRVR_HELLO: HandshakeState = HandshakeState(22);
    /// `TLS_ST_SW_CERT`: SSLv3/TLS write certificate.
    pub const TLS_ST_SW_CERT: HandshakeState = HandshakeState(23);
    /// `TLS_ST_SW_KEY_EXCH`: SSLv3/TLS write key exchange.
    pub const TLS_ST_SW_KEY_EXCH: HandshakeState = HandshakeState(24);
    /// `TLS_ST_SW_CERT_REQ`: SSLv3/TLS write certificate request.
    pub const TLS_ST_SW_CERT_REQ: HandshakeState = HandshakeState(25);
    /// `TLS_ST_SW_SRVR_DONE`: SSLv3/TLS write server done.
    pub const TLS_ST_SW_SRVR_DONE: HandshakeState = HandshakeState(26);
    /// `TLS_ST_SR_CERT`: SSLv3/TLS read client certificate.
    pub const TLS_ST_SR_CERT: HandshakeState = HandshakeState(27);
    /// `TLS_ST_SR_KEY_EXCH`: SSLv3/TLS read client key exchange.
    pub const TLS_ST_SR_KEY_EXCH: HandshakeState = HandshakeState(28);
    /// `TLS_ST_SR_CERT_VRFY`: SSLv3/TLS read certificate verify.
    pub const TLS_ST_SR_CERT_VRFY: HandshakeState = HandshakeState(29);
    /// `TLS_ST_SR_NEXT_PROTO`: SSLv3/TLS read next proto.
    pub const TLS_ST_SR_NEXT_PROTO: HandshakeState = HandshakeState(30);
    /// `TLS_ST_SR_CHANGE`: SSLv3/TLS read change cipher spec.
    pub const TLS_ST_SR_CHANGE: HandshakeState = HandshakeState(31);
    /// `TLS_ST_SR_FINISHED`: SSLv3/TLS read finished.
    pub const TLS_ST_SR_FINISHED: HandshakeState = HandshakeState(32);
    /// `TLS_ST_SW_SESSION_TICKET`: SSLv3/TLS write session ticket.
    pub const TLS_ST_SW_SESSION_TICKET: HandshakeState = HandshakeState(33);
    /// `TLS_ST_SW_CERT_STATUS`: SSLv3/TLS write certificate status.
    pub const TLS_ST_SW_CERT_STATUS: HandshakeState = HandshakeState(34);
    /// `TLS_ST_SW_CHANGE`: SSLv3/TLS write change cipher spec.
    pub const TLS_ST_SW_CHANGE: HandshakeState = HandshakeState(35);
    /// `TLS_ST_SW_FINISHED`: SSLv3/TLS write finished.
    pub const TLS_ST_SW_FINISHED: HandshakeState = HandshakeState(36);
    /// `TLS_ST_SW_ENCRYPTED_EXTENSIONS`: TLSv1.3 write encrypted extensions.
    pub const TLS_ST_SW_ENCRYPTED_EXTENSIONS: HandshakeState = HandshakeState(37);
    /// `TLS_ST_CR_ENCRYPTED_EXTENSIONS`: TLSv1.3 read encrypted extensions.
    pub const TLS_ST_CR_ENCRYPTED_EXTENSIONS: HandshakeState = HandshakeState(38);
    /// `TLS_ST_CR_CERT_VRFY`: TLSv1.3 read server certificate verify.
    pub const TLS_ST_CR_CERT_VRFY: HandshakeState = HandshakeState(39);
    /// `TLS_ST_SW_CERT_VRFY`: TLSv1.3 write server certificate verify.
    pub const TLS_ST_SW_CERT_VRFY: HandshakeState = HandshakeState(40);
    /// `TLS_ST_CR_HELLO_REQ`: SSLv3/TLS read hello request.
    pub const TLS_ST_CR_HELLO_REQ: HandshakeState = HandshakeState(41);
    /// `TLS_ST_SW_KEY_UPDATE`: TLSv1.3 write server key update.
    pub const TLS_ST_SW_KEY_UPDATE: HandshakeState = HandshakeState(42);
    /// `TLS_ST_CW_KEY_UPDATE`: TLSv1.3 write client key update.
    pub const TLS_ST_CW_KEY_UPDATE: HandshakeState = HandshakeState(43);
    /// `TLS_ST_SR_KEY_UPDATE`: TLSv1.3 read client key update.
    pub const TLS_ST_SR_KEY_UPDATE: HandshakeState = HandshakeState(44);
    /// `TLS_ST_CR_KEY_UPDATE`: TLSv1.3 read server key update.
    pub const TLS_ST_CR_KEY_UPDATE: HandshakeState = HandshakeState(45);
    /// `TLS_ST_EARLY_DATA`: TLSv1.3 early data.
    pub const TLS_ST_EARLY_DATA: HandshakeState = HandshakeState(46);
    /// `TLS_ST_PENDING_EARLY_DATA_END`: TLSv1.3 pending early data end.
    pub const TLS_ST_PENDING_EARLY_DATA_END: HandshakeState = HandshakeState(47);
    /// `TLS_ST_CW_END_OF_EARLY_DATA`: TLSv1.3 write end of early data.
    pub const TLS_ST_CW_END_OF_EARLY_DATA: HandshakeState = HandshakeState(48);
    /// `TLS_ST_SR_END_OF_EARLY_DATA`: TLSv1.3 read end of early data.
    pub const TLS_ST_SR_END_OF_EARLY_DATA: HandshakeState = HandshakeState(49);

    /// OpenSSL's short name of the state (`SSL_state_string`), e.g. `"TWCH"`;
    /// `"UNKWN"` for a number OpenSSL does not define.
    pub fn short_name(self) -> &'static str {
        self.names().map_or("UNKWN", |n| n.0)
    }

    /// OpenSSL's long name of the state (`SSL_state_string_long`), e.g.
    /// `"SSLv3/TLS write client hello"`; `"unknown state"` for a number OpenSSL does not
    /// define.
    pub fn long_name(self) -> &'static str {
        self.names().map_or("unknown state", |n| n.1)
    }

    fn names(self) -> Option<(&'static str, &'static str)> {
        usize::try_from(self.0)
            .ok()
            .and_then(|i| NAMES.get(i))
            .copied()
    }
}

/// `SSL_state_string` and `SSL_state_string_long` of each state, by number (OpenSSL 3.0's
/// `ssl_stat.c`).
const NAMES: [(&str, &str); 50] = [
    ("PINIT", "before SSL initialization"),
    ("SSLOK", "SSL negotiation finished successfully"),
    ("DRCHV", "DTLS1 read hello verify request"),
    ("TRSH", "SSLv3/TLS read server hello"),
    ("TRSC", "SSLv3/TLS read server certificate"),
    ("TRCS", "SSLv3/TLS read certificate status"),
    ("TRSKE", "SSLv3/TLS read server key exchange"),
    ("TRCR", "SSLv3/TLS read server certificate request"),
    ("TRSD", "SSLv3/TLS read server done"),
    ("TRST", "SSLv3/TLS read server session ticket"),
    ("TRCCS", "SSLv3/TLS read change cipher spec"),
    ("TRFIN", "SSLv3/TLS read finished"),
    ("TWCH", "SSLv3/TLS write client hello"),
    ("TWCC", "SSLv3/TLS write client certificate"),
    ("TWCKE", "SSLv3/TLS write client key exchange"),
    ("TWCV", "SSLv3/TLS write certificate verify"),
    ("TWCCS", "SSLv3/TLS write change cipher spec"),
    ("TWNP", "SSLv3/TLS write next proto"),
    ("TWFIN", "SSLv3/TLS write finished"),
    ("TWHR", "SSLv3/TLS write hello request"),
    ("TRCH", "SSLv3/TLS read client hello"),
    ("DWCHV", "DTLS1 write hello verify request"),
    ("TWSH", "SSLv3/TLS write server hello"),
    ("TWSC", "SSLv3/TLS write certificate"),
    ("TWSKE", "SSLv3/TLS write key exchange"),
    ("TWCR", "SSLv3/TLS write certificate request"),
    ("TWSD", "SSLv3/TLS write server done"),
    ("TRCC", "SSLv3/TLS read client certificate"),
    ("TRCKE", "SSLv3/TLS read client key exchange"),
    ("TRCV", "SSLv3/TLS read certificate verify"),
    ("TRNP", "SSLv3/TLS read next proto"),
    ("TRCCS", "SSLv3/TLS read change cipher spec"),
    ("TRFIN", "SSLv3/TLS read finished"),
    ("TWST", "SSLv3/TLS write session ticket"),
    ("TWCS", "SSLv3/TLS write certificate status"),
    ("TWCCS", "SSLv3/TLS write change cipher spec"),
    ("TWFIN", "SSLv3/TLS write finished"),
    ("TWEE", "TLSv1.3 write encrypted extensions"),
    ("TREE", "TLSv1.3 read encrypted extensions"),
    ("TRSCV", "TLSv1.3 read server certificate verify"),
    ("TWSCV", "TLSv1.3 write server certificate verify"),
    ("TRHR", "SSLv3/TLS read hello request"),
    ("TWSKU", "TLSv1.3 write server key update"),
    ("TWCKU", "TLSv1.3 write client key update"),
    ("TRCKU", "TLSv1.3 read client key update"),
    ("TRSKU", "TLSv1.3 read server key update"),
    ("TED", "TLSv1.3 early data"),
    ("TPEDE", "TLSv1.3 pending early data end"),
    ("TWEOED", "TLSv1.3 write end of early data"),
    ("TWEOED", "TLSv1.3 read end of early data"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_names_are_openssls() {
        assert_eq!(HandshakeState::TLS_ST_OK.0, 1);
        assert_eq!(HandshakeState::TLS_ST_CW_CLNT_HELLO.0, 12);
        assert_eq!(HandshakeState::TLS_ST_SR_CLNT_HELLO.0, 20);
        assert_eq!(HandshakeState::TLS_ST_SR_END_OF_EARLY_DATA.0, 49);
        assert_eq!(HandshakeState::TLS_ST_BEFORE.short_name(), "PINIT");
        assert_eq!(
            HandshakeState::TLS_ST_CR_CERT_VRFY.long_name(),
            "TLSv1.3 read server certificate verify"
        );
        assert_eq!(HandshakeState(50).short_name(), "UNKWN");
        assert_eq!(HandshakeState(-1).long_name(), "unknown state");
    }
}
