//! OpenSSL's info callback (`SSL_set_info_callback`) and handshake state (`SSL_get_state`).
//!
//! rustls does not expose its state machine. hs follows a handshake through what rustls
//! does report — the ClientHello written or read, the version and kind (full or resumed)
//! negotiated, the peer's certificates, completion — and walks the states OpenSSL 3 passes
//! for that kind of handshake, in OpenSSL's order (recorded with `openssl s_client -state`
//! and `s_server -state`, OpenSSL 3.0). States inside one flight are therefore reported
//! together, when rustls has processed the flight, and what rustls does not report is not
//! walked: a client certificate request seen by a client, a HelloRetryRequest, TLS 1.2
//! session tickets received by a client, post-handshake messages.

use std::sync::Arc;

use hs_error::AlertDirection;

use crate::state::HandshakeState as S;

/// One event of OpenSSL's info callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InfoEvent {
    /// The handshake starts (`SSL_CB_HANDSHAKE_START`, ret 1).
    HandshakeStart,
    /// The handshake moves on from this state (`SSL_CB_CONNECT_LOOP` / `SSL_CB_ACCEPT_LOOP`,
    /// ret 1): OpenSSL reports the state being left, so a state may be reported twice (once
    /// when its message is written, once when the peer's answer starts).
    Loop(S),
    /// A handshake call returns (`SSL_CB_CONNECT_EXIT` / `SSL_CB_ACCEPT_EXIT`) with
    /// OpenSSL's return value: 1 done, -1 to be retried or failed.
    Exit(i32),
    /// The handshake completed (`SSL_CB_HANDSHAKE_DONE`, ret 1), reported in this state:
    /// `TLS_ST_OK`, except on a TLS 1.3 server that goes on to send tickets, which OpenSSL
    /// finishes as it prepares the first (`TLS_ST_SW_SESSION_TICKET`).
    HandshakeDone(S),
    /// An alert was sent (`SSL_CB_WRITE_ALERT`) or read (`SSL_CB_READ_ALERT`); OpenSSL's
    /// ret is `level << 8 | description`.
    Alert {
        /// Sent or read.
        direction: AlertDirection,
        /// 1 warning, 2 fatal.
        level: u8,
        /// The alert's description number.
        description: u8,
    },
}

/// An info callback: called on the thread driving the connection, inside its calls.
pub type InfoCallback = Arc<dyn Fn(InfoEvent) + Send + Sync>;

/// What hs knows of a handshake's progress.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Facts {
    /// Client: its ClientHello made; server: the ClientHello read.
    pub(crate) hello: bool,
    /// Client: the ServerHello processed; server: its answering flight made.
    pub(crate) answered: bool,
    pub(crate) tls13: bool,
    pub(crate) resumed: bool,
    /// The peer's certificate was received.
    pub(crate) peer_certs: bool,
    /// Server: it asks for a client certificate.
    pub(crate) client_auth: bool,
    /// TLS 1.2 client, full handshake: its key exchange flight is made.
    pub(crate) second_flight: bool,
    /// Server: session tickets it sends after the handshake (TLS 1.2: 0 or 1).
    pub(crate) tickets: usize,
    pub(crate) done: bool,
}

/// The LOOP states of a handshake, in order.
struct Path {
    states: [S; 24],
    len: usize,
}

impl Path {
    fn new(prefix: &[S]) -> Path {
        let mut p = Path {
            states: [S::TLS_ST_BEFORE; 24],
            len: 0,
        };
        p.extend(prefix);
        p
    }

    fn extend(&mut self, states: &[S]) {
        for &s in states {
            if self.len < self.states.len() {
                self.states[self.len] = s;
                self.len += 1;
            }
        }
    }

    fn when(&mut self, cond: bool, states: &[S]) {
        if cond {
            self.extend(states);
        }
    }

    /// Where `state` occurs for the `nth` time (1-based), or the end.
    fn nth(&self, state: S, nth: usize) -> usize {
        self.states[..self.len]
            .iter()
            .enumerate()
            .filter(|(_, s)| **s == state)
            .nth(nth - 1)
            .map_or(self.len, |(i, _)| i)
    }
}

/// The states OpenSSL passes for the handshake the facts describe, and how many of them
/// the facts show passed.
fn path(server: bool, f: &Facts) -> (Path, usize) {
    let (p, passed) = if server {
        server_path(f)
    } else {
        client_path(f)
    };
    let passed = if f.done { p.len } else { passed.min(p.len) };
    (p, passed)
}

fn client_path(f: &Facts) -> (Path, usize) {
    let mut p = Path::new(&[
        S::TLS_ST_BEFORE,
        S::TLS_ST_CW_CLNT_HELLO,
        S::TLS_ST_CW_CLNT_HELLO,
        S::TLS_ST_CR_SRVR_HELLO,
    ]);
    if !f.answered {
        return (p, if f.hello { 2 } else { 0 });
    }
    let full = !f.resumed;
    let passed = if f.tls13 {
        p.extend(&[S::TLS_ST_CR_ENCRYPTED_EXTENSIONS]);
        p.when(full, &[S::TLS_ST_CR_CERT, S::TLS_ST_CR_CERT_VRFY]);
        p.extend(&[
            S::TLS_ST_CR_FINISHED,
            S::TLS_ST_CW_CHANGE,
            S::TLS_ST_CW_FINISHED,
        ]);
        if f.peer_certs {
            p.nth(S::TLS_ST_CR_CERT, 1)
        } else {
            3
        }
    } else if full {
        p.extend(&[
            S::TLS_ST_CR_CERT,
            S::TLS_ST_CR_KEY_EXCH,
            S::TLS_ST_CR_SRVR_DONE,
            S::TLS_ST_CW_KEY_EXCH,
            S::TLS_ST_CW_CHANGE,
            S::TLS_ST_CW_FINISHED,
            S::TLS_ST_CW_FINISHED,
            S::TLS_ST_CR_CHANGE,
            S::TLS_ST_CR_FINISHED,
        ]);
        if f.second_flight {
            p.nth(S::TLS_ST_CW_FINISHED, 2)
        } else if f.peer_certs {
            p.nth(S::TLS_ST_CR_CERT, 1)
        } else {
            3
        }
    } else {
        p.extend(&[
            S::TLS_ST_CR_CHANGE,
            S::TLS_ST_CR_FINISHED,
            S::TLS_ST_CW_CHANGE,
            S::TLS_ST_CW_FINISHED,
        ]);
        3
    };
    (p, passed)
}

fn server_path(f: &Facts) -> (Path, usize) {
    let mut p = Path::new(&[S::TLS_ST_BEFORE, S::TLS_ST_BEFORE, S::TLS_ST_SR_CLNT_HELLO]);
    if !f.answered {
        return (p, if f.hello { 2 } else { 0 });
    }
    let full = !f.resumed;
    let tickets = [S::TLS_ST_SW_SESSION_TICKET; 8];
    let tickets = &tickets[..f.tickets.min(tickets.len())];
    let passed = if f.tls13 {
        p.extend(&[
            S::TLS_ST_SW_SRVR_HELLO,
            S::TLS_ST_SW_CHANGE,
            S::TLS_ST_SW_ENCRYPTED_EXTENSIONS,
        ]);
        p.when(full && f.client_auth, &[S::TLS_ST_SW_CERT_REQ]);
        p.when(full, &[S::TLS_ST_SW_CERT, S::TLS_ST_SW_CERT_VRFY]);
        p.extend(&[
            S::TLS_ST_SW_FINISHED,
            S::TLS_ST_EARLY_DATA,
            S::TLS_ST_EARLY_DATA,
        ]);
        p.when(f.peer_certs, &[S::TLS_ST_SR_CERT, S::TLS_ST_SR_CERT_VRFY]);
        p.extend(&[S::TLS_ST_SR_FINISHED]);
        p.extend(tickets);
        p.nth(S::TLS_ST_EARLY_DATA, 2)
    } else if full {
        p.extend(&[
            S::TLS_ST_SW_SRVR_HELLO,
            S::TLS_ST_SW_CERT,
            S::TLS_ST_SW_KEY_EXCH,
        ]);
        p.when(f.client_auth, &[S::TLS_ST_SW_CERT_REQ]);
        p.extend(&[S::TLS_ST_SW_SRVR_DONE, S::TLS_ST_SW_SRVR_DONE]);
        p.when(f.peer_certs, &[S::TLS_ST_SR_CERT]);
        p.extend(&[S::TLS_ST_SR_KEY_EXCH]);
        p.when(f.peer_certs, &[S::TLS_ST_SR_CERT_VRFY]);
        p.extend(&[S::TLS_ST_SR_CHANGE, S::TLS_ST_SR_FINISHED]);
        p.extend(tickets);
        p.extend(&[S::TLS_ST_SW_CHANGE, S::TLS_ST_SW_FINISHED]);
        p.nth(S::TLS_ST_SW_SRVR_DONE, 2)
    } else {
        p.extend(&[S::TLS_ST_SW_SRVR_HELLO]);
        p.extend(tickets);
        p.extend(&[
            S::TLS_ST_SW_CHANGE,
            S::TLS_ST_SW_FINISHED,
            S::TLS_ST_SW_FINISHED,
            S::TLS_ST_SR_CHANGE,
            S::TLS_ST_SR_FINISHED,
        ]);
        p.nth(S::TLS_ST_SW_FINISHED, 2)
    };
    (p, passed)
}

/// A connection's progress through the handshake, and what its info callback was told.
#[derive(Clone, Debug, Default)]
pub(crate) struct Progress {
    pub(crate) facts: Facts,
    /// LOOP events already reported.
    reported: usize,
    done_reported: bool,
    /// The peer's close_notify was reported.
    pub(crate) close_notify_read: bool,
    /// TLS 1.3 session tickets a client received after its handshake and reported.
    tickets_reported: usize,
}

impl Progress {
    /// The state OpenSSL would be in (`SSL_get_state`).
    pub(crate) fn state(&self, server: bool) -> S {
        if self.facts.done {
            return S::TLS_ST_OK;
        }
        let (p, passed) = path(server, &self.facts);
        if passed < p.len {
            p.states[passed]
        } else {
            S::TLS_ST_OK
        }
    }

    /// Reports the states passed since the last call (and the end of the handshake) to
    /// `cb`. Without a callback nothing is computed: a callback set later starts from
    /// [`catch_up`](Progress::catch_up).
    #[inline]
    pub(crate) fn report(&mut self, server: bool, cb: Option<&InfoCallback>) {
        if let Some(cb) = cb {
            self.report_to(server, cb);
        }
    }

    /// [`report`](Progress::report) with a callback (out of line: most connections have none).
    fn report_to(&mut self, server: bool, cb: &InfoCallback) {
        let (p, passed) = path(server, &self.facts);
        // A TLS 1.3 server finishes its handshake before it writes its tickets (OpenSSL's
        // tls_finish_handshake runs as the first ticket is prepared); everyone else after
        // the last state.
        let done_at = if server && self.facts.tls13 {
            p.nth(S::TLS_ST_SW_SESSION_TICKET, 1)
        } else {
            p.len
        };
        for (i, &s) in p.states[..passed].iter().enumerate().skip(self.reported) {
            if i == done_at && self.facts.done && !self.done_reported {
                self.done_reported = true;
                cb(InfoEvent::HandshakeDone(S::TLS_ST_SW_SESSION_TICKET));
            }
            cb(InfoEvent::Loop(s));
        }
        if self.facts.done && !self.done_reported {
            cb(InfoEvent::HandshakeDone(S::TLS_ST_OK));
        }
        self.reported = self.reported.max(passed);
        self.done_reported |= self.facts.done;
    }

    /// Reports the TLS 1.3 tickets a client received after its handshake beyond those
    /// already reported, each as OpenSSL's client does while reading it: two LOOPs in
    /// TLS_ST_OK, one leaving TLS_ST_CR_SESSION_TICKET, and an EXIT of 1.
    pub(crate) fn report_tickets(&mut self, received: usize, cb: Option<&InfoCallback>) {
        if let Some(cb) = cb {
            for _ in self.tickets_reported..received {
                cb(InfoEvent::Loop(S::TLS_ST_OK));
                cb(InfoEvent::Loop(S::TLS_ST_OK));
                cb(InfoEvent::Loop(S::TLS_ST_CR_SESSION_TICKET));
                cb(InfoEvent::Exit(1));
            }
        }
        self.tickets_reported = self.tickets_reported.max(received);
    }

    /// Counts everything passed so far as reported: a callback set mid-handshake hears only
    /// what follows, as in OpenSSL.
    pub(crate) fn catch_up(&mut self, server: bool) {
        self.reported = path(server, &self.facts).1;
        self.done_reported = self.facts.done;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resumed_tls12_server_waits_in_write_finished_then_is_done() {
        let hello = Facts {
            hello: true,
            ..Facts::default()
        };
        let answered = Facts {
            answered: true,
            resumed: true,
            ..hello
        };
        let mut p = Progress {
            facts: answered,
            ..Progress::default()
        };
        assert_eq!(p.state(true), S::TLS_ST_SW_FINISHED);
        p.facts.done = true;
        assert_eq!(p.state(true), S::TLS_ST_OK);
    }

    #[test]
    fn the_state_waits_where_openssl_waits() {
        let mut p = Progress::default();
        assert_eq!(p.state(false), S::TLS_ST_BEFORE);
        p.facts.hello = true;
        assert_eq!(p.state(false), S::TLS_ST_CW_CLNT_HELLO);
        p.facts.answered = true;
        p.facts.peer_certs = true;
        p.facts.second_flight = true;
        assert_eq!(p.state(false), S::TLS_ST_CW_FINISHED);
        let mut s = Progress::default();
        s.facts.hello = true;
        assert_eq!(s.state(true), S::TLS_ST_SR_CLNT_HELLO);
        s.facts.answered = true;
        s.facts.tls13 = true;
        assert_eq!(s.state(true), S::TLS_ST_EARLY_DATA);
    }
}
