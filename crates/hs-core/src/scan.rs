//! A look at the bytes a connection receives during the handshake, beside rustls, for what
//! OpenSSL reports and rustls does not: the first bytes (a plaintext HTTP request, a
//! ClientHello's legacy version) and a plaintext close_notify before the handshake finished
//! (OpenSSL returns 0 with `SSL_ERROR_ZERO_RETURN`; rustls ignores an unauthenticated one).
//! It follows record boundaries only, skipping payloads, so it costs a few operations per
//! record.

use crate::alerts::PREFIX_LEN;

/// Record content type of alerts.
const ALERT: u8 = 21;
/// Record content type of handshake messages.
const HANDSHAKE: u8 = 22;
/// Extension number of supported_versions.
const SUPPORTED_VERSIONS: u16 = 43;

/// True once `hello` holds a whole handshake message (header and body).
fn hello_complete(hello: &[u8]) -> bool {
    match hello {
        [_, a, b, c, body @ ..] => {
            body.len() >= usize::from(*a) << 16 | usize::from(*b) << 8 | usize::from(*c)
        }
        _ => false,
    }
}

/// A cursor over a ClientHello; every read is checked, a short message reads as `None`.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, tail) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = tail;
        Some(head)
    }
    fn u8(&mut self) -> Option<usize> {
        self.take(1).map(|b| usize::from(b[0]))
    }
    fn u16(&mut self) -> Option<usize> {
        self.take(2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
    }
    fn vec8(&mut self) -> Option<&'a [u8]> {
        let n = self.u8()?;
        self.take(n)
    }
    fn vec16(&mut self) -> Option<&'a [u8]> {
        let n = self.u16()?;
        self.take(n)
    }
    /// One extension of an extensions block: (type, body).
    fn extension(&mut self) -> Option<(u16, &'a [u8])> {
        let kind = self.u16()? as u16;
        Some((kind, self.vec16()?))
    }
}

/// Extension number of session_ticket (RFC 5077).
const SESSION_TICKET: u16 = 35;
/// Extension number of pre_shared_key (RFC 8446).
const PRE_SHARED_KEY: u16 = 41;

/// The fields of a complete ClientHello message that hs reads itself.
struct Hello<'a> {
    legacy_version: u16,
    session_id: &'a [u8],
    /// Extensions as (type, body), in the client's order.
    extensions: Vec<(u16, &'a [u8])>,
}

impl<'a> Hello<'a> {
    fn parse(hello: &'a [u8]) -> Option<Hello<'a>> {
        let (legacy_version, session_id, mut exts) = Hello::fields(hello)?;
        let mut extensions = Vec::new();
        while !exts.0.is_empty() {
            extensions.push(exts.extension()?);
        }
        Some(Hello {
            legacy_version,
            session_id,
            extensions,
        })
    }

    /// The legacy version, the session id and a reader over the extensions block.
    fn fields(hello: &'a [u8]) -> Option<(u16, &'a [u8], Reader<'a>)> {
        let mut r = Reader(hello.get(4..)?);
        let legacy_version = r.u16()? as u16;
        r.take(32)?; // random
        let session_id = r.vec8()?;
        r.vec16()?; // cipher suites
        r.vec8()?; // compression methods
        Some((
            legacy_version,
            session_id,
            Reader(r.vec16().unwrap_or_default()),
        ))
    }

    /// True if the (complete) ClientHello `hello` has an extension of type `kind`; read
    /// in place, without collecting the others.
    fn has_extension(hello: &[u8], kind: u16) -> bool {
        let Some((_, _, mut exts)) = Hello::fields(hello) else {
            return false;
        };
        while let Some((k, _)) = exts.extension() {
            if k == kind {
                return true;
            }
        }
        false
    }

    fn extension(&self, kind: u16) -> Option<&'a [u8]> {
        self.extensions
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|&(_, body)| body)
    }

    /// Its supported_versions, or its legacy version when it has none.
    fn versions(&self) -> Option<Vec<u16>> {
        match self.extension(SUPPORTED_VERSIONS) {
            Some(body) => Some(
                Reader(body)
                    .vec8()?
                    .chunks_exact(2)
                    .map(|v| u16::from_be_bytes([v[0], v[1]]))
                    .collect(),
            ),
            None => Some(vec![self.legacy_version]),
        }
    }

    /// The identities of its pre_shared_key extension (TLS 1.3 resumption), in order.
    fn psk_identities(&self) -> Vec<&'a [u8]> {
        let mut ids = Vec::new();
        if let Some(body) = self.extension(PRE_SHARED_KEY) {
            let mut list = Reader(Reader(body).vec16().unwrap_or_default());
            while let (Some(id), Some(_age)) = (list.vec16(), list.take(4)) {
                ids.push(id);
            }
        }
        ids
    }
}

/// How a ClientHello asks to resume a session of the server's cache (see
/// [`Scan::resumption_offer`]).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ResumptionOffer {
    /// The legacy session id (TLS 1.2 resumption by id).
    pub(crate) session_id: Vec<u8>,
    /// A session_ticket extension with a ticket in it (TLS 1.2).
    pub(crate) ticket: bool,
    /// The pre_shared_key identities (TLS 1.3).
    pub(crate) psk_identities: Vec<Vec<u8>>,
    /// TLS 1.3 is among the versions offered.
    pub(crate) tls13: bool,
}

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
    /// On a server, the ClientHello message being reassembled from handshake records, until
    /// it is complete (rustls does not show the versions a client offers).
    hello: Option<Vec<u8>>,
    /// Whether the complete ClientHello is kept for [`offered_versions`](Scan::offered_versions)
    /// and [`resumption_offer`](Scan::resumption_offer), or only looked at for
    /// [`ticket_requested`](Scan::ticket_requested).
    keep_hello: bool,
    /// The ClientHello had a session_ticket extension, empty or not (known once it is
    /// complete).
    ticket_requested: bool,
}

impl Scan {
    /// The first bytes received (at most [`PREFIX_LEN`]).
    pub(crate) fn prefix(&self) -> &[u8] {
        &self.prefix[..self.prefix_len]
    }

    /// Starts reassembling the ClientHello (servers), and keeps it once complete.
    pub(crate) fn capture_client_hello(&mut self) {
        self.hello = Some(Vec::new());
        self.keep_hello = true;
    }

    /// Starts looking for a session_ticket extension in the ClientHello (servers), keeping
    /// none of its bytes; a ClientHello that arrives whole in one read is not copied.
    pub(crate) fn watch_ticket_request(&mut self) {
        self.hello = Some(Vec::new());
        self.keep_hello = false;
    }

    /// True once a complete ClientHello with a session_ticket extension (RFC 5077: the
    /// client takes a TLS 1.2 ticket, or offers one) was seen by
    /// [`capture_client_hello`](Scan::capture_client_hello) or
    /// [`watch_ticket_request`](Scan::watch_ticket_request).
    pub(crate) fn ticket_requested(&self) -> bool {
        self.ticket_requested
    }

    /// Frees the reassembled ClientHello once what it offered has been read (and answered:
    /// [`ticket_requested`](Scan::ticket_requested) is false from now on).
    pub(crate) fn release_client_hello(&mut self) {
        self.hello = None;
        self.ticket_requested = false;
    }

    /// The protocol versions the ClientHello offered (IANA numbers, the client's order):
    /// its supported_versions extension, or its legacy version when it has none. Empty
    /// when no complete ClientHello was seen.
    pub(crate) fn offered_versions(&self) -> Vec<u16> {
        self.complete_hello()
            .and_then(|h| h.versions())
            .unwrap_or_default()
    }

    /// What the ClientHello offers for resumption; `None` when no complete ClientHello
    /// was seen.
    pub(crate) fn resumption_offer(&self) -> Option<ResumptionOffer> {
        let hello = self.complete_hello()?;
        Some(ResumptionOffer {
            session_id: hello.session_id.to_vec(),
            ticket: hello
                .extension(SESSION_TICKET)
                .is_some_and(|t| !t.is_empty()),
            psk_identities: hello
                .psk_identities()
                .into_iter()
                .map(<[u8]>::to_vec)
                .collect(),
            tls13: hello.versions().unwrap_or_default().contains(&0x0304),
        })
    }

    fn complete_hello(&self) -> Option<Hello<'_>> {
        self.hello
            .as_deref()
            .filter(|h| hello_complete(h))
            .and_then(Hello::parse)
    }

    /// Adds handshake bytes to the ClientHello being reassembled, if any, and looks at it
    /// once it is complete.
    fn take_hello(&mut self, piece: &[u8]) {
        let Some(hello) = self.hello.as_mut().filter(|h| !hello_complete(h)) else {
            return;
        };
        let whole = if hello.is_empty() && !self.keep_hello && hello_complete(piece) {
            piece
        } else {
            hello.extend_from_slice(piece);
            if !hello_complete(hello) {
                return;
            }
            &hello[..]
        };
        self.ticket_requested = Hello::has_extension(whole, SESSION_TICKET);
        if !self.keep_hello {
            self.hello = None;
        }
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
                if self.header[0] == HANDSHAKE {
                    self.take_hello(&bytes[..take]);
                }
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

    /// A ClientHello with the given extensions (type, body), as records of `frag` bytes.
    fn client_hello(legacy: u16, exts: &[(u16, Vec<u8>)], frag: usize) -> Vec<u8> {
        let mut body = legacy.to_be_bytes().to_vec();
        body.extend_from_slice(&[7; 32]);
        body.extend_from_slice(&[0, 0, 2, 0x13, 0x01, 1, 0]);
        let mut ext = Vec::new();
        for (kind, b) in exts {
            ext.extend_from_slice(&kind.to_be_bytes());
            ext.extend_from_slice(&(b.len() as u16).to_be_bytes());
            ext.extend_from_slice(b);
        }
        body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
        body.extend_from_slice(&ext);
        let mut msg = vec![1, 0, 0, body.len() as u8];
        msg.extend_from_slice(&body);
        let mut out = Vec::new();
        for piece in msg.chunks(frag) {
            out.extend_from_slice(&[HANDSHAKE, 3, 1, 0, piece.len() as u8]);
            out.extend_from_slice(piece);
        }
        out
    }

    #[test]
    fn offered_versions_come_from_supported_versions_across_fragmented_records() {
        let versions = vec![4, 0x03, 0x04, 0x03, 0x03];
        for frag in [1, 5, 200] {
            let mut scan = Scan::default();
            scan.capture_client_hello();
            for b in client_hello(
                0x0303,
                &[(10, vec![0, 2, 0, 29]), (43, versions.clone())],
                frag,
            )
            .chunks(3)
            {
                scan.feed(b);
            }
            assert_eq!(
                scan.offered_versions(),
                vec![0x0304, 0x0303],
                "records of {frag}"
            );
        }
    }

    #[test]
    fn offered_versions_fall_back_to_the_legacy_version_and_survive_garbage() {
        let mut scan = Scan::default();
        scan.capture_client_hello();
        scan.feed(&client_hello(0x0301, &[], 100));
        assert_eq!(scan.offered_versions(), vec![0x0301]);
        let mut scan = Scan::default();
        scan.capture_client_hello();
        scan.feed(&[HANDSHAKE, 3, 1, 0, 6, 1, 0, 0, 2, 3, 3]);
        assert_eq!(scan.offered_versions(), Vec::<u16>::new(), "truncated body");
        let mut half = client_hello(0x0303, &[], 100);
        half.truncate(30);
        let mut scan = Scan::default();
        scan.capture_client_hello();
        scan.feed(&half);
        assert_eq!(scan.offered_versions(), Vec::<u16>::new(), "incomplete");
    }

    #[test]
    fn the_resumption_offer_names_the_session_id_ticket_and_psk_identities() {
        let hello = |exts: &[(u16, Vec<u8>)], session_id: &[u8]| {
            let mut records = client_hello(0x0303, exts, 1000);
            // Put the session id in place of the empty one client_hello writes (the
            // record and message lengths grow with it).
            let at = 5 + 4 + 2 + 32;
            records.splice(
                at..at + 1,
                [&[session_id.len() as u8][..], session_id].concat(),
            );
            records[4] += session_id.len() as u8;
            records[8] += session_id.len() as u8;
            let mut scan = Scan::default();
            scan.capture_client_hello();
            scan.feed(&records);
            scan.resumption_offer().unwrap()
        };
        // pre_shared_key: identities (two, with their ages), then binders.
        let psk = vec![
            0, 16, 0, 2, 1, 2, 0, 0, 0, 0, 0, 2, 3, 4, 0, 0, 0, 0, 0, 3, 2, 9, 9,
        ];
        let offer = hello(&[(43, vec![2, 3, 4]), (35, vec![]), (41, psk)], &[5; 32]);
        assert_eq!(
            offer,
            ResumptionOffer {
                session_id: vec![5; 32],
                ticket: false,
                psk_identities: vec![vec![1, 2], vec![3, 4]],
                tls13: true,
            }
        );
        let offer = hello(&[(35, vec![7; 10])], &[]);
        assert!(offer.ticket && !offer.tls13 && offer.session_id.is_empty());
        assert!(offer.psk_identities.is_empty());
        let mut scan = Scan::default();
        scan.capture_client_hello();
        assert_eq!(scan.resumption_offer(), None, "no ClientHello yet");
    }

    #[test]
    fn a_ticket_request_is_seen_whole_or_fragmented_and_only_a_captured_hello_is_kept() {
        for (exts, requested) in [
            (vec![(35, vec![])], true),
            (vec![(10, vec![0, 2, 0, 29]), (35, vec![9; 40])], true),
            (vec![(10, vec![0, 2, 0, 29])], false),
        ] {
            for frag in [1, 7, 1000] {
                let records = client_hello(0x0303, &exts, frag);
                let mut watched = Scan::default();
                watched.watch_ticket_request();
                let mut captured = Scan::default();
                captured.capture_client_hello();
                for piece in records.chunks(frag + 5) {
                    watched.feed(piece);
                    captured.feed(piece);
                }
                let what = format!("{exts:?} in records of {frag}");
                assert_eq!(watched.ticket_requested(), requested, "{what}");
                assert_eq!(captured.ticket_requested(), requested, "{what}");
                assert!(watched.hello.is_none(), "{what}: nothing kept");
                assert_eq!(captured.offered_versions(), vec![0x0303], "{what}");
                captured.release_client_hello();
                assert!(!captured.ticket_requested(), "answered");
            }
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
