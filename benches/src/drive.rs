//! In-memory handshakes for hs-core and raw rustls over the same byte shuttle (an
//! [`hs_bio::bio_pair`]), with the time spent inside each side's calls measured on its own
//! (the thread's CPU time: see [`thread_cpu_time`], less the clock's own cost:
//! [`clock_overhead`]).
//!
//! Creating the transport is not timed; creating each side's connection object is (for
//! rustls that is where the ClientHello and its key share are made). When a case resumes,
//! the client also reads the TLS 1.3 tickets that arrive after the handshake (timed: a
//! client that wants to resume must process them), and every handshake after the first is
//! checked to have resumed.

use std::io;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use hs_bio::{bio_pair, PairEnd};
use hs_core::{Context, Session, Ssl};
use rustls::pki_types::ServerName;
use rustls::{
    ClientConfig, ClientConnection, ConnectionCommon, HandshakeKind, ServerConfig, ServerConnection,
};

use crate::cases::{Case, Proto};
use crate::pki::{Pki, SERVER_NAME};

/// More rounds than any handshake needs: a handshake that has not finished by then is stuck.
const MAX_ROUNDS: usize = 32;

/// Time spent inside each side's calls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SideTimes {
    /// Inside the client's calls.
    pub client: Duration,
    /// Inside the server's calls.
    pub server: Duration,
}

/// A side of the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The client.
    Client,
    /// The server.
    Server,
}

impl Side {
    /// Both sides.
    pub const BOTH: [Side; 2] = [Side::Client, Side::Server];

    /// `client` or `server`.
    pub fn name(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }

    /// This side's share of `t`.
    pub fn of(self, t: &SideTimes) -> Duration {
        match self {
            Side::Client => t.client,
            Side::Server => t.server,
        }
    }
}

/// The CPU time the calling thread has used so far (`CLOCK_THREAD_CPUTIME_ID`).
///
/// The throughput benches measure each side with it rather than with the wall clock: a
/// handshake in memory is pure computation on one thread, and CPU time leaves out the time
/// the thread waits for a core, which on a shared machine would otherwise land on whichever
/// implementation happened to be measured while another process ran.
pub fn thread_cpu_time() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(
        t.tv_sec.max(0) as u64,
        t.tv_nsec.clamp(0, 999_999_999) as u32,
    )
}

/// What an empty [`timed`] region measures: the clock's own cost. Reading the thread CPU
/// clock is a system call (about 0.6 µs per region on the 2-core VM, against 15 µs for a
/// resumed handshake side), so without this correction each side would be charged for how
/// many calls the harness makes into it rather than for what the calls do. Taken once, as
/// the median of 2,001 empty regions.
pub fn clock_overhead() -> Duration {
    static OVERHEAD: OnceLock<Duration> = OnceLock::new();
    *OVERHEAD.get_or_init(|| {
        let mut samples: Vec<Duration> = (0..2001)
            .map(|_| {
                let start = thread_cpu_time();
                thread_cpu_time().saturating_sub(start)
            })
            .collect();
        samples.sort();
        samples[samples.len() / 2]
    })
}

/// Runs `f`, adding the thread CPU time it used, less the clock's own cost
/// ([`clock_overhead`]), to `spent`.
pub fn timed<R>(spent: &mut Duration, f: impl FnOnce() -> R) -> R {
    let overhead = clock_overhead();
    let start = thread_cpu_time();
    let r = f();
    *spent += thread_cpu_time()
        .saturating_sub(start)
        .saturating_sub(overhead);
    r
}

/// A finished hs connection pair with its transport, kept alive by whoever holds it.
pub struct HsPair {
    /// The client.
    pub client: Ssl,
    /// The server.
    pub server: Ssl,
    /// The client's end of the BIO pair.
    pub client_io: PairEnd,
    /// The server's end of the BIO pair.
    pub server_io: PairEnd,
}

/// hs-core handshakes for one case.
pub struct HsBench {
    client: Context,
    server: Context,
    resumes: bool,
    tls13: bool,
    session: Option<Session>,
}

impl HsBench {
    /// Contexts for `case`; when it resumes, one untimed full handshake provides the first
    /// session.
    pub fn new(case: &Case, pki: &Pki) -> Result<HsBench, String> {
        let (client, server) = case
            .hs_contexts(pki)
            .map_err(|e| format!("hs contexts: {e}"))?;
        let mut b = HsBench {
            client,
            server,
            resumes: case.resumes(),
            tls13: case.proto == Proto::Tls13,
            session: None,
        };
        if b.resumes {
            b.handshake(&mut SideTimes::default())?;
        }
        Ok(b)
    }

    /// One complete handshake; adds each side's time to `t`.
    pub fn handshake(&mut self, t: &mut SideTimes) -> Result<HsPair, String> {
        let (mut client_io, mut server_io) = bio_pair(0, 0);
        let mut client = timed(&mut t.client, || {
            let mut c = Ssl::new(&self.client);
            c.set_connect_state(SERVER_NAME).map(|()| {
                if let Some(s) = &self.session {
                    c.set_session(s);
                }
                c
            })
        })
        .map_err(|e| format!("hs client: {e}"))?;
        let mut server = timed(&mut t.server, || {
            let mut s = Ssl::new(&self.server);
            s.set_accept_state();
            s
        });
        let (mut c_done, mut s_done) = (false, false);
        for _ in 0..MAX_ROUNDS {
            if !c_done {
                c_done = hs_step(&mut client, &mut client_io, &mut t.client)
                    .map_err(|e| format!("hs client: {e}"))?;
            }
            if !s_done {
                s_done = hs_step(&mut server, &mut server_io, &mut t.server)
                    .map_err(|e| format!("hs server: {e}"))?;
            }
            if c_done && s_done {
                break;
            }
        }
        if !(c_done && s_done) {
            return Err(format!(
                "hs handshake not finished after {MAX_ROUNDS} rounds"
            ));
        }
        if self.resumes {
            if self.session.is_some() && !client.session_reused() {
                return Err("hs: the client did not resume the session it offered".to_owned());
            }
            let session = timed(&mut t.client, || {
                if self.tls13 {
                    // The tickets follow the handshake: process them (nothing else to read).
                    let mut buf = [0u8; 1];
                    match client.read(&mut client_io, &mut buf) {
                        Err(e) if e.is_retry() => {}
                        Ok(n) => {
                            return Err(format!(
                                "hs client: unexpected {n} bytes of application data"
                            ))
                        }
                        Err(e) => return Err(format!("hs client reading tickets: {e}")),
                    }
                }
                client
                    .session()
                    .ok_or_else(|| "hs client: no session after the handshake".to_owned())
            })?;
            if !session.is_resumable() {
                return Err("hs client: the session is not resumable".to_owned());
            }
            self.session = Some(session);
        }
        Ok(HsPair {
            client,
            server,
            client_io,
            server_io,
        })
    }
}

/// One `do_handshake` call: `Ok(true)` when finished, `Ok(false)` on WANT_READ/WANT_WRITE.
fn hs_step(ssl: &mut Ssl, io: &mut PairEnd, spent: &mut Duration) -> Result<bool, hs_core::Error> {
    match timed(spent, || ssl.do_handshake(io)) {
        Ok(()) => Ok(true),
        Err(e) if e.is_retry() => Ok(false),
        Err(e) => Err(e),
    }
}

/// A finished raw rustls connection pair with its transport.
pub struct RustlsPair {
    /// The client.
    pub client: ClientConnection,
    /// The server.
    pub server: ServerConnection,
    /// The client's end of the BIO pair.
    pub client_io: PairEnd,
    /// The server's end of the BIO pair.
    pub server_io: PairEnd,
}

/// Raw rustls handshakes for one case.
pub struct RustlsBench {
    client: Arc<ClientConfig>,
    server: Arc<ServerConfig>,
    name: ServerName<'static>,
    resumes: bool,
    tls13: bool,
    primed: bool,
}

impl RustlsBench {
    /// Configurations for `case` (see [`Case::rustls_configs`]); when it resumes, one
    /// untimed full handshake fills the client's session cache.
    pub fn new(case: &Case, pki: &Pki) -> Result<RustlsBench, String> {
        let (client, server) = case.rustls_configs(pki)?;
        let name = ServerName::try_from(SERVER_NAME)
            .map_err(|e| e.to_string())?
            .to_owned();
        let mut b = RustlsBench {
            client,
            server,
            name,
            resumes: case.resumes(),
            tls13: case.proto == Proto::Tls13,
            primed: false,
        };
        if b.resumes {
            b.handshake(&mut SideTimes::default())?;
        }
        b.primed = true;
        Ok(b)
    }

    /// One complete handshake; adds each side's time to `t`.
    pub fn handshake(&mut self, t: &mut SideTimes) -> Result<RustlsPair, String> {
        let (mut client_io, mut server_io) = bio_pair(0, 0);
        let mut client = timed(&mut t.client, || {
            ClientConnection::new(self.client.clone(), self.name.clone())
        })
        .map_err(|e| format!("rustls client: {e}"))?;
        let mut server = timed(&mut t.server, || ServerConnection::new(self.server.clone()))
            .map_err(|e| format!("rustls server: {e}"))?;
        let mut finished = false;
        for _ in 0..MAX_ROUNDS {
            timed(&mut t.client, || rustls_step(&mut client, &mut client_io))
                .map_err(|e| format!("rustls client: {e}"))?;
            timed(&mut t.server, || rustls_step(&mut server, &mut server_io))
                .map_err(|e| format!("rustls server: {e}"))?;
            if !client.is_handshaking()
                && !server.is_handshaking()
                && !client.wants_write()
                && !server.wants_write()
            {
                finished = true;
                break;
            }
        }
        if !finished {
            return Err(format!(
                "rustls handshake not finished after {MAX_ROUNDS} rounds"
            ));
        }
        if self.resumes {
            if self.primed && client.handshake_kind() != Some(HandshakeKind::Resumed) {
                return Err("rustls: the client did not resume".to_owned());
            }
            if self.tls13 {
                // Process the tickets that follow the handshake; rustls files them in the
                // client's session cache.
                timed(&mut t.client, || rustls_step(&mut client, &mut client_io))
                    .map_err(|e| format!("rustls client reading tickets: {e}"))?;
            }
        }
        Ok(RustlsPair {
            client,
            server,
            client_io,
            server_io,
        })
    }
}

/// Reads and processes whatever the transport holds, then writes whatever rustls has.
fn rustls_step<D>(conn: &mut ConnectionCommon<D>, io: &mut PairEnd) -> Result<(), String> {
    loop {
        match conn.read_tls(io) {
            Ok(0) => return Err("unexpected EOF".to_owned()),
            Ok(_) => {
                conn.process_new_packets().map_err(|e| e.to_string())?;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => return Err(e.to_string()),
        }
    }
    while conn.wants_write() {
        conn.write_tls(io).map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::Kind;
    use crate::pki::CertKind;

    #[test]
    fn hs_and_rustls_complete_and_resume_every_case() {
        for cert in CertKind::ALL {
            let pki = Pki::generate(cert).unwrap();
            for case in Case::all().into_iter().filter(|c| c.cert == cert) {
                let mut hs = HsBench::new(&case, &pki).unwrap();
                let mut rl = RustlsBench::new(&case, &pki).unwrap();
                for _ in 0..3 {
                    let mut t = SideTimes::default();
                    let p = hs
                        .handshake(&mut t)
                        .unwrap_or_else(|e| panic!("{}: {e}", case.name()));
                    assert!(t.client > Duration::ZERO && t.server > Duration::ZERO);
                    assert_eq!(
                        p.client.session_reused(),
                        case.kind != Kind::Full,
                        "{}",
                        case.name()
                    );
                    assert_eq!(p.client.cipher_name(), Some(case.suite()));
                    let group = case.exchanges_keys().then(|| case.kx.name().to_owned());
                    assert_eq!(p.server.group_name(), group, "{}", case.name());
                    let p = rl
                        .handshake(&mut t)
                        .unwrap_or_else(|e| panic!("{}: {e}", case.name()));
                    let resumed = p.client.handshake_kind() == Some(HandshakeKind::Resumed);
                    assert_eq!(resumed, case.kind != Kind::Full, "{}", case.name());
                }
            }
        }
    }
}
