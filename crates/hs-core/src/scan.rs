//! A look at the bytes a connection receives during the handshake, beside rustls, for what
//! OpenSSL reports and rustls does not: the first bytes (a plaintext HTTP request, a
//! ClientHello's legacy version) and a plaintext close_notify before the handshake finished
//! (OpenSSL returns 0 with `SSL_ERROR_ZERO_RETURN`; rustls ignores an unauthenticated one).
//! It follows record boundaries only, skipping payloads, so it costs a few operations per
//! record.

use crate::alerts::PREFIX_LEN;

/// Record content type of alerts.
const ALERT: u8 = 21;

#[derive(Debug, Default)]
pub(crate) struct Scan {
    prefix: [u8; PREFIX_LEN],
    prefix_len: usize,
    header: [u8; 5],
    header_len: usize,
    /// Payload bytes of the current record still to come.
    remaining: usize,
    /// The current record is an alert of two bytes: a plaintext one (an encrypted alert is
    /// longer, whatever the version).
    plain_alert: bool,
    alert: [u8; 2],
    alert_len: usize,
    /// A plaintext warning-level close_notify was received.
    pub(crate) close_notify: bool,
}

impl Scan {
    /// The first bytes received (at most [`PREFIX_LEN`]).
    pub(crate) fn prefix(&self) -> &[u8] {
        &self.prefix[..self.prefix_len]
    }

    /// Takes note of bytes received, in order.
    pub(crate) fn feed(&mut self, mut bytes: &[u8]) {
        let take = bytes.len().min(PREFIX_LEN - self.prefix_len);
        self.prefix[self.prefix_len..self.prefix_len + take].copy_from_slice(&bytes[..take]);
        self.prefix_len += take;
        while !bytes.is_empty() {
            if self.remaining == 0 {
                let take = bytes.len().min(5 - self.header_len);
                self.header[self.header_len..self.header_len + take]
                    .copy_from_slice(&bytes[..take]);
                self.header_len += take;
                bytes = &bytes[take..];
                if self.header_len == 5 {
                    self.header_len = 0;
                    self.remaining =
                        usize::from(u16::from_be_bytes([self.header[3], self.header[4]]));
                    self.plain_alert = self.header[0] == ALERT && self.remaining == 2;
                    self.alert_len = 0;
                }
            } else {
                let take = bytes.len().min(self.remaining);
                if self.plain_alert {
                    for &b in &bytes[..take] {
                        self.alert[self.alert_len] = b;
                        self.alert_len += 1;
                    }
                }
                self.remaining -= take;
                bytes = &bytes[take..];
                if self.remaining == 0 && self.plain_alert && self.alert == [1, 0] {
                    self.close_notify = true;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_plaintext_close_notify_after_other_records_in_any_fragmentation() {
        let mut stream = vec![0x16, 3, 3, 0, 4, 1, 2, 3, 4];
        stream.extend_from_slice(&[0x15, 3, 3, 0, 2, 1, 0]);
        for chunk in [1, 2, 3, 7, 100] {
            let mut scan = Scan::default();
            for piece in stream.chunks(chunk) {
                scan.feed(piece);
            }
            assert!(scan.close_notify, "chunk {chunk}");
            assert_eq!(scan.prefix(), &stream[..PREFIX_LEN]);
        }
    }

    #[test]
    fn other_alerts_and_encrypted_records_are_not_close_notify() {
        let mut scan = Scan::default();
        scan.feed(&[0x15, 3, 3, 0, 2, 2, 40]); // fatal handshake_failure
        scan.feed(&[0x15, 3, 3, 0, 18]); // an encrypted TLS 1.2 alert
        scan.feed(&[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert!(!scan.close_notify);
    }
}
