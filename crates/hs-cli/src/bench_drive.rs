//! One benchmark handshake, driven to completion over a BIO pair, for hs and for raw
//! rustls, timing each side's calls separately.

use std::io::{self, ErrorKind};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hs_bio::PairEnd;
use hs_core::{Context, Error, Session, Ssl};
use rustls::pki_types::ServerName;
use rustls::{
    ClientConfig, ClientConnection, Connection, HandshakeKind, ServerConfig, ServerConnection,
};

/// The name in the benchmark's server certificate.
pub(crate) const SERVER_NAME: &str = "localhost";

/// Bytes each end of the BIO pair holds: more than any flight of these handshakes (an RSA
/// chain is about 3 KiB), so no call stops on a full pair.
const PAIR_CAPACITY: usize = 64 * 1024;

/// A handshake that needs more rounds than this is broken, not slow.
const MAX_ROUNDS: usize = 32;

/// Time spent inside one handshake's calls, per side.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct SideTimes {
    pub(crate) client: Duration,
    pub(crate) server: Duration,
}

fn timed<R>(acc: &mut Duration, f: impl FnOnce() -> R) -> R {
    let t = Instant::now();
    let r = f();
    *acc += t.elapsed();
    r
}

/// The hs side of a case: one context per role.
pub(crate) struct HsSetup {
    pub(crate) client: Context,
    pub(crate) server: Context,
}

/// The raw rustls side of a case: the same rustls configurations.
pub(crate) struct RustlsSetup {
    pub(crate) client: Arc<ClientConfig>,
    pub(crate) server: Arc<ServerConfig>,
}

/// One hs handshake over a fresh BIO pair: `Ssl::new`, `set_connect_state` /
/// `set_accept_state`, `do_handshake` on both ends in turn until both finish, then one
/// client `read` that takes in what the server sent after its Finished (TLS 1.3 tickets).
/// With `session`, the client offers it and it is replaced by the client's new session.
pub(crate) fn hs_handshake(
    setup: &HsSetup,
    session: Option<&mut Session>,
    want_resumed: bool,
) -> Result<SideTimes, String> {
    let (mut cio, mut sio) = hs_bio::bio_pair(PAIR_CAPACITY, PAIR_CAPACITY);
    let mut t = SideTimes::default();
    let mut client = timed(&mut t.client, || -> Result<Ssl, Error> {
        let mut c = Ssl::new(&setup.client);
        c.set_connect_state(SERVER_NAME)?;
        if let Some(s) = session.as_deref() {
            c.set_session(s);
        }
        Ok(c)
    })
    .map_err(|e| format!("hs client set-up: {}", e.summary()))?;
    let mut server = timed(&mut t.server, || {
        let mut s = Ssl::new(&setup.server);
        s.set_accept_state();
        s
    });
    let (mut c_done, mut s_done) = (false, false);
    for _ in 0..MAX_ROUNDS {
        if !c_done {
            c_done = step_hs(
                timed(&mut t.client, || client.do_handshake(&mut cio)),
                "client",
            )?;
        }
        if !s_done {
            s_done = step_hs(
                timed(&mut t.server, || server.do_handshake(&mut sio)),
                "server",
            )?;
        }
        if c_done && s_done {
            break;
        }
    }
    if !(c_done && s_done) {
        return Err(format!("hs handshake unfinished after {MAX_ROUNDS} rounds"));
    }
    let mut byte = [0u8; 1];
    match timed(&mut t.client, || client.read(&mut cio, &mut byte)) {
        Err(Error::WantRead) => {}
        Ok(_) => return Err("hs client: unexpected application data after the handshake".into()),
        Err(e) => return Err(format!("hs client after the handshake: {}", e.summary())),
    }
    if client.session_reused() != want_resumed {
        return Err(format!(
            "hs client: resumed = {}, expected {want_resumed}",
            client.session_reused()
        ));
    }
    if let Some(s) = session {
        *s = timed(&mut t.client, || client.session())
            .ok_or_else(|| "hs client: no session after the handshake".to_string())?;
    }
    Ok(t)
}

fn step_hs(r: Result<(), Error>, side: &str) -> Result<bool, String> {
    match r {
        Ok(()) => Ok(true),
        Err(e) if e.is_retry() => Ok(false),
        Err(e) => Err(format!("hs {side}: {}", e.summary())),
    }
}

/// A fresh client session for `setup`, from one full handshake.
pub(crate) fn hs_first_session(setup: &HsSetup) -> Result<Session, String> {
    let mut s = Session::default();
    hs_handshake(setup, Some(&mut s), false)?;
    if !s.is_resumable() {
        return Err("hs client: the server issued nothing to resume with".into());
    }
    Ok(s)
}

/// One raw rustls handshake over a fresh BIO pair, the way a rustls user drives it:
/// `write_tls` while `wants_write`, `read_tls` + `process_new_packets` while handshaking,
/// then the client reads what the server sent after its Finished. Resumption goes through
/// the client configuration's session store.
pub(crate) fn rustls_handshake(
    setup: &RustlsSetup,
    want_resumed: bool,
) -> Result<SideTimes, String> {
    let (mut cio, mut sio) = hs_bio::bio_pair(PAIR_CAPACITY, PAIR_CAPACITY);
    let mut t = SideTimes::default();
    let name = ServerName::try_from(SERVER_NAME).map_err(|e| e.to_string())?;
    let mut client: Connection = timed(&mut t.client, || {
        ClientConnection::new(setup.client.clone(), name)
    })
    .map_err(|e| format!("rustls client: {e}"))?
    .into();
    let mut server: Connection = timed(&mut t.server, || {
        ServerConnection::new(setup.server.clone())
    })
    .map_err(|e| format!("rustls server: {e}"))?
    .into();
    let (mut c_done, mut s_done) = (false, false);
    for _ in 0..MAX_ROUNDS {
        if !c_done {
            c_done = timed(&mut t.client, || step_rustls(&mut client, &mut cio))
                .map_err(|e| format!("rustls client: {e}"))?;
        }
        if !s_done {
            s_done = timed(&mut t.server, || step_rustls(&mut server, &mut sio))
                .map_err(|e| format!("rustls server: {e}"))?;
        }
        if c_done && s_done {
            break;
        }
    }
    if !(c_done && s_done) {
        return Err(format!(
            "rustls handshake unfinished after {MAX_ROUNDS} rounds"
        ));
    }
    timed(&mut t.client, || drain_rustls(&mut client, &mut cio))
        .map_err(|e| format!("rustls client: {e}"))?;
    let resumed = client.handshake_kind() == Some(HandshakeKind::Resumed);
    if resumed != want_resumed {
        return Err(format!(
            "rustls client: resumed = {resumed}, expected {want_resumed}"
        ));
    }
    Ok(t)
}

/// Moves one connection as far as the transport allows; true once its handshake is done.
fn step_rustls(conn: &mut Connection, io: &mut PairEnd) -> io::Result<bool> {
    loop {
        while conn.wants_write() {
            match conn.write_tls(io) {
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => return Err(e),
            }
        }
        if !conn.is_handshaking() {
            return Ok(true);
        }
        match conn.read_tls(io) {
            Ok(0) => return Err(ErrorKind::UnexpectedEof.into()),
            Ok(_) => {
                conn.process_new_packets().map_err(io::Error::other)?;
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(false),
            Err(e) => return Err(e),
        }
    }
}

/// Reads and processes whatever the peer sent after the handshake.
fn drain_rustls(conn: &mut Connection, io: &mut PairEnd) -> io::Result<()> {
    loop {
        match conn.read_tls(io) {
            Ok(0) => return Err(ErrorKind::UnexpectedEof.into()),
            Ok(_) => {
                conn.process_new_packets().map_err(io::Error::other)?;
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}
