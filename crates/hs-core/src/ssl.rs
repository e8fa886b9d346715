//! `Ssl` (OpenSSL's `SSL`): one connection's role, settings and negotiated state.
//! The I/O-driving calls (`do_handshake`, `read`, `write`, `shutdown`) are in `engine.rs`.

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, ServerName};
use rustls::server::{Accepted, Acceptor};
use rustls::{
    ClientConnection, Connection, HandshakeKind, NamedGroup, ProtocolVersion, ServerConnection,
    SupportedCipherSuite,
};

use crate::conn_state::{with_state, ConnState};
use crate::hello::ClientHelloInfo;
use crate::info::{InfoCallback, InfoEvent, Progress};
use crate::keylog::KeyLogCallback;
use crate::server_cache::SessionKey;
use crate::session::{ConnectionStore, Session};
use crate::state::HandshakeState;
use crate::timeline::{Direction, Timeline};
use crate::verify::VerifyCallback;
use crate::{names, Context, Error, Reason, VerifyCode, VerifyMode};

/// The role of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Neither `set_connect_state` nor `set_accept_state` was called.
    Unset,
    /// Client (connect state).
    Client,
    /// Server (accept state).
    Server,
}

/// What `shutdown` achieved: OpenSSL's `SSL_shutdown` returns 0 for `Sent`, 1 for `Received`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShutdownState {
    /// Our close_notify is sent; the peer's has not arrived yet. Call again to wait for it.
    Sent,
    /// Both close_notify alerts have been exchanged: the TLS connection is closed.
    Received,
}

impl ShutdownState {
    /// The value `SSL_shutdown` returns: 0 or 1.
    pub fn return_value(self) -> i32 {
        match self {
            ShutdownState::Sent => 0,
            ShutdownState::Received => 1,
        }
    }
}

pub(crate) enum Conn {
    /// No handshake started.
    Idle,
    /// A server reading the ClientHello.
    Accepting(Box<Acceptor>),
    /// A server that has read the ClientHello and not yet chosen its configuration.
    Accepted(Box<Accepted>),
    /// A rustls connection.
    Tls(Box<Connection>),
}

/// One TLS connection (OpenSSL's `SSL`), over a transport passed to each call.
///
/// Create it from a [`Context`], give it a role with [`set_connect_state`](Ssl::set_connect_state)
/// or [`set_accept_state`](Ssl::set_accept_state), then call
/// [`do_handshake`](Ssl::do_handshake) until it returns `Ok(())`: on a non-blocking
/// transport it returns [`Error::WantRead`] / [`Error::WantWrite`] whenever the transport
/// cannot move, and the same call is repeated later. hs-core does no I/O of its own and
/// never spins.
pub struct Ssl {
    pub(crate) ctx: Context,
    pub(crate) role: Role,
    pub(crate) conn: Conn,
    /// The first fatal error (boxed: most connections never have one).
    pub(crate) fatal: Option<Box<Error>>,
    pub(crate) finished: bool,
    pub(crate) sent_shutdown: bool,
    pub(crate) received_shutdown: bool,
    pub(crate) eof: bool,
    pub(crate) timeline: Timeline,
    /// The SNI and the name checked: usually the same name, shared.
    pub(crate) sni: Option<Arc<str>>,
    pub(crate) verify_name: Option<Arc<str>>,
    /// `verify_name` as rustls takes it, when `set_connect_state` has validated it already:
    /// the client's connection takes it instead of validating the name a second time.
    rustls_name: Option<ServerName<'static>>,
    /// What this connection sets for itself over its context; most set nothing.
    own: Option<Box<Own>>,
    /// The session offered for resumption (`SSL_set_session`): not in `Own`, as every
    /// resuming client sets one.
    offer: Option<Session>,
    /// A client's verification and sessions, once the connection exists.
    pub(crate) conn_state: Option<Arc<ConnState>>,
    pub(crate) hello: Option<Box<ClientHelloInfo>>,
    pub(crate) pending_write: Option<usize>,
    pub(crate) raw_out: Vec<u8>,
    /// Keep what the ClientHello offered (see `start_server`).
    pub(crate) want_hello: bool,
    /// What the handshake's incoming bytes looked like (see `scan.rs`).
    /// Made with the first handshake read, dropped once the handshake is done. Inline
    /// rather than boxed: it is small, and every handshake makes one.
    pub(crate) scan: Option<crate::scan::Scan>,
    pub(crate) plaintext_pending: usize,
    /// Where the handshake is, for `handshake_state` and the info callback (info.rs).
    pub(crate) progress: Progress,
    /// A server's session: its key in the context's cache, if this connection stored or
    /// resumed one there (see [`clear_bad_session`](Ssl::clear_bad_session)).
    pub(crate) server_session: SessionKey,
}

/// A connection's own settings, overriding its context's (kept out of line: most
/// connections have none, and an `Ssl` per connection should stay small).
#[derive(Default)]
struct Own {
    alpn: Option<Vec<Vec<u8>>>,
    verify_mode: Option<VerifyMode>,
    /// `SSL_set_verify`'s callback.
    verify_callback: Option<VerifyCallback>,
    /// `SSL_set_info_callback`'s callback.
    info_callback: Option<InfoCallback>,
    key_log: Option<KeyLogCallback>,
}

/// The info callback in force for a connection with these settings: its own, else its
/// context's. (A free function, so that it borrows only the two fields.)
fn info_callback_of<'a>(own: Option<&'a Own>, ctx: &'a Context) -> Option<&'a InfoCallback> {
    own.and_then(|o| o.info_callback.as_ref())
        .or(ctx.inner.info_callback.as_ref())
}

static NO_OWN: Own = Own {
    alpn: None,
    verify_mode: None,
    verify_callback: None,
    info_callback: None,
    key_log: None,
};

impl std::fmt::Debug for Ssl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ssl")
            .field("role", &self.role)
            .field("state", &self.state_string_long())
            .field("fatal", &self.fatal)
            .finish_non_exhaustive()
    }
}

impl Ssl {
    /// A connection with no role yet (`SSL_new`).
    pub fn new(ctx: &Context) -> Ssl {
        Ssl {
            ctx: ctx.clone(),
            role: Role::Unset,
            conn: Conn::Idle,
            fatal: None,
            finished: false,
            sent_shutdown: false,
            received_shutdown: false,
            eof: false,
            timeline: Timeline::new(ctx.inner.timeline),
            sni: None,
            verify_name: None,
            rustls_name: None,
            own: None,
            offer: None,
            conn_state: None,
            hello: None,
            pending_write: None,
            raw_out: Vec::new(),
            want_hello: false,
            scan: None,
            plaintext_pending: 0,
            progress: Progress::default(),
            server_session: SessionKey::new(),
        }
    }

    /// A client for `server_name`: sends it as SNI (unless it is an IP address) and checks
    /// the server's certificate against it (`SSL_set_connect_state` +
    /// `SSL_set_tlsext_host_name` + `SSL_set1_host`).
    pub fn set_connect_state(&mut self, server_name: &str) -> Result<(), Error> {
        let checked = ServerName::try_from(server_name).map_err(|e| {
            Error::config(
                Reason::SSL_R_BAD_VALUE,
                format!("server name {server_name:?}: {e}"),
            )
        })?;
        self.role = Role::Client;
        let name: Arc<str> = Arc::from(server_name);
        self.sni = Some(name.clone());
        self.verify_name = Some(name);
        self.rustls_name = Some(checked.to_owned());
        Ok(())
    }

    /// A client with no server name: no SNI, and the certificate chain is verified without a
    /// name check, as OpenSSL does when neither `SSL_set_tlsext_host_name` nor `SSL_set1_host`
    /// was called.
    pub fn set_connect_state_without_name(&mut self) {
        self.role = Role::Client;
        self.sni = None;
        self.verify_name = None;
        self.rustls_name = None;
    }

    /// The SNI a client sends (`SSL_set_tlsext_host_name`), independent of the name checked.
    pub fn set_sni(&mut self, name: Option<&str>) {
        self.sni = name.map(Arc::from);
        self.rustls_name = None;
    }

    /// The name a client checks the certificate against (`SSL_set1_host`). When it differs
    /// from the SNI, the SNI sent is this name (rustls sends the name it verifies).
    pub fn set_verify_hostname(&mut self, name: Option<&str>) {
        self.verify_name = name.map(Arc::from);
        self.rustls_name = None;
    }

    /// A server (`SSL_set_accept_state`).
    pub fn set_accept_state(&mut self) {
        self.role = Role::Server;
    }

    /// The role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// True for a server (`SSL_is_server`).
    pub fn is_server(&self) -> bool {
        self.role == Role::Server
    }

    /// The context (`SSL_get_SSL_CTX`).
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// Switches the context (`SSL_set_SSL_CTX`): before the handshake, or on a server
    /// between [`read_client_hello`](Ssl::read_client_hello) and the rest of the handshake
    /// (or from a ClientHello callback). A server whose context has no ClientHello or ALPN
    /// callback reads its ClientHello without keeping it: once `do_handshake` has received
    /// part of it, the context can no longer change (`SSL_R_STILL_IN_INIT`).
    pub fn set_context(&mut self, ctx: &Context) -> Result<(), Error> {
        if self.may_restart_server() {
            self.conn = Conn::Idle;
        }
        match self.conn {
            Conn::Idle | Conn::Accepting(_) | Conn::Accepted(_) => {
                self.ctx = ctx.clone();
                // The new context's info callback starts from here.
                self.progress.catch_up(self.role == Role::Server);
                Ok(())
            }
            Conn::Tls(_) => Err(Error::state(
                Reason::SSL_R_STILL_IN_INIT,
                "the handshake has started",
            )),
        }
    }

    /// Overrides the context's ALPN protocols for this connection (`SSL_set_alpn_protos`).
    pub fn set_alpn_protocols(&mut self, protocols: &[&[u8]]) {
        self.own_mut().alpn = Some(protocols.iter().map(|p| p.to_vec()).collect());
    }

    /// Overrides the context's verify mode for this connection (`SSL_set_verify`).
    pub fn set_verify_mode(&mut self, mode: VerifyMode) {
        self.own_mut().verify_mode = Some(mode);
    }

    /// Overrides the context's verify callback for this connection (`SSL_set_verify` with a
    /// callback); call before the handshake.
    pub fn set_verify_callback(&mut self, cb: VerifyCallback) {
        self.own_mut().verify_callback = Some(cb);
    }

    fn verify_callback_in_force(&self) -> Option<VerifyCallback> {
        self.own()
            .verify_callback
            .clone()
            .or_else(|| self.ctx.inner.verify_callback.clone())
    }

    /// The verify mode in force for this connection's role.
    pub fn verify_mode(&self) -> VerifyMode {
        self.own()
            .verify_mode
            .unwrap_or_else(|| self.ctx.verify_mode(self.role == Role::Server))
    }

    /// Offers `session` for resumption (`SSL_set_session`); call before the handshake.
    pub fn set_session(&mut self, session: &Session) {
        self.offer = Some(session.clone());
        // Outside a call the connection holds its state alone (`with_state` lends it to
        // rustls' callbacks only for the call).
        if let Some(state) = self.conn_state.as_mut().and_then(Arc::get_mut) {
            state.store.offer = Some(session.clone());
        }
    }

    /// This client connection's session (`SSL_get1_session`): after the handshake, what a
    /// later connection can resume with. For TLS 1.3 the tickets arrive after the
    /// handshake, so read (or shut down) once before taking the session.
    pub fn session(&self) -> Option<Session> {
        let Some(state) = self.conn_state.as_ref() else {
            // A server that needs no per-connection state (`start_server`) has, like every
            // server, nothing to resume with.
            return (self.role == Role::Server && !matches!(self.conn, Conn::Idle))
                .then(Session::default);
        };
        let received = state.store.received();
        // A resumed handshake that received nothing new hands back the session it resumed.
        let resumed_as_offered =
            self.session_reused() && !received.is_some_and(Session::is_resumable);
        Some(match &self.offer {
            Some(offer) if resumed_as_offered => offer.clone(),
            _ => received.cloned().unwrap_or_default(),
        })
    }

    /// What OpenSSL's `SSL_free` and `SSL_clear` do to a connection that finished its
    /// handshake and neither sent a close_notify nor was marked as having sent one
    /// ([`set_shutdown_flags`](Ssl::set_shutdown_flags)): its session counts as bad
    /// (SSL_free(3)). A client's session stops being resumable, through every clone of it
    /// (what [`session`](Ssl::session) returned, and the session it resumed); a server's
    /// leaves the context's session cache, which tells the remove callback. Returns true if
    /// there was a session to clear.
    ///
    /// hs-core does not do this by itself: a dropped `Ssl` leaves its session as it was,
    /// as rustls does. hs-ffi calls it from `SSL_free` and `SSL_clear`. (A connection that
    /// failed with a fatal alert has had its session cleared already.)
    pub fn clear_bad_session(&mut self) -> bool {
        if !self.finished || self.sent_shutdown || self.fatal.is_some() {
            return false;
        }
        self.spoil_session()
    }

    /// Makes this connection's session bad (see [`clear_bad_session`](Ssl::clear_bad_session)).
    /// Also done when the connection fails with a fatal alert, sent or received: both
    /// parties must then forget the session (RFC 5246, 7.2.2), as OpenSSL's alert code does.
    pub(crate) fn spoil_session(&mut self) -> bool {
        match self.role {
            Role::Client => {
                let Some(state) = &self.conn_state else {
                    return false;
                };
                if let Some(received) = state.store.received() {
                    received.mark_not_resumable();
                }
                // The offered session is this connection's until the server answers
                // without resuming it.
                let kind = self.tls().and_then(|c| c.handshake_kind());
                if let Some(offer) = self
                    .offer
                    .as_ref()
                    .filter(|_| kind != Some(HandshakeKind::Full))
                {
                    offer.mark_not_resumable();
                }
                true
            }
            Role::Server => {
                let key = std::mem::take(&mut self.server_session);
                !key.is_empty()
                    && self
                        .ctx
                        .inner
                        .server_cache
                        .as_ref()
                        .is_some_and(|cache| cache.remove(&key))
            }
            Role::Unset => false,
        }
    }

    /// True if the handshake resumed a session (`SSL_session_reused`).
    pub fn session_reused(&self) -> bool {
        self.tls().and_then(|c| c.handshake_kind()) == Some(HandshakeKind::Resumed)
    }

    fn own(&self) -> &Own {
        self.own.as_deref().unwrap_or(&NO_OWN)
    }

    fn own_mut(&mut self) -> &mut Own {
        self.own.get_or_insert_with(Box::default)
    }

    pub(crate) fn tls(&self) -> Option<&Connection> {
        match &self.conn {
            Conn::Tls(c) => Some(c),
            _ => None,
        }
    }

    /// True once the handshake has completed (`SSL_is_init_finished`).
    pub fn is_init_finished(&self) -> bool {
        self.finished
    }

    /// True until the handshake has completed (`SSL_in_init`).
    pub fn in_init(&self) -> bool {
        !self.finished
    }

    /// True while no handshake byte has moved (`SSL_in_before`).
    pub fn in_before(&self) -> bool {
        matches!(self.conn, Conn::Idle)
            || (!self.timeline.moved(Direction::Sent)
                && !self.timeline.moved(Direction::Received)
                && !self.finished)
    }

    /// The first fatal error, once there was one.
    pub fn fatal_error(&self) -> Option<&Error> {
        self.fatal.as_deref()
    }

    /// Whether close_notify was sent / received (`SSL_get_shutdown`'s two bits).
    pub fn shutdown_flags(&self) -> (bool, bool) {
        (self.sent_shutdown, self.received_shutdown)
    }

    /// Sets the shutdown flags without sending anything (`SSL_set_shutdown`): marking "sent"
    /// makes a later `shutdown` send nothing.
    pub fn set_shutdown_flags(&mut self, sent: bool, received: bool) {
        self.sent_shutdown = sent;
        self.received_shutdown = received;
    }

    /// Where the handshake is, as OpenSSL's state (`SSL_get_state`): `TLS_ST_BEFORE`
    /// until it starts, `TLS_ST_OK` once complete. In between, the state OpenSSL would be
    /// in after the messages rustls has processed or written (see [`InfoEvent`]); a failed
    /// handshake keeps the state it failed in.
    pub fn handshake_state(&self) -> HandshakeState {
        self.progress.state(self.role == Role::Server)
    }

    /// OpenSSL's short state string (`SSL_state_string`), e.g. `"TWCH"`; `"SSLERR"` once
    /// the handshake failed.
    pub fn state_string(&self) -> &'static str {
        if self.failed_in_init() {
            return "SSLERR";
        }
        self.handshake_state().short_name()
    }

    /// OpenSSL's long state string (`SSL_state_string_long`), e.g.
    /// `"SSL negotiation finished successfully"`; `"error"` once the handshake failed.
    pub fn state_string_long(&self) -> &'static str {
        if self.failed_in_init() {
            return "error";
        }
        self.handshake_state().long_name()
    }

    fn failed_in_init(&self) -> bool {
        self.fatal.is_some() && !self.finished
    }

    /// This connection's info callback (`SSL_set_info_callback`); `None` goes back to the
    /// context's, as OpenSSL's NULL does.
    pub fn set_info_callback(&mut self, cb: Option<InfoCallback>) {
        if cb.is_some() || self.own.is_some() {
            self.own_mut().info_callback = cb;
        }
        self.progress.catch_up(self.role == Role::Server);
        if let Some(state) = &self.conn_state {
            let received = state
                .store
                .tickets
                .load(std::sync::atomic::Ordering::Relaxed);
            self.progress.report_tickets(received, None);
        }
    }

    /// This connection's key log (see [`ContextBuilder::key_log`](crate::ContextBuilder::key_log));
    /// `None` goes back to the context's. It applies to a handshake not started yet.
    pub fn set_key_log(&mut self, cb: Option<KeyLogCallback>) {
        if cb.is_some() || self.own.is_some() {
            self.own_mut().key_log = cb;
        }
    }

    fn key_log_in_force(&self) -> Option<KeyLogCallback> {
        self.own()
            .key_log
            .clone()
            .or_else(|| self.ctx.inner.key_log.clone())
    }

    /// The info callback in force: the connection's own, else its context's.
    #[inline]
    pub(crate) fn info_cb(&self) -> Option<&InfoCallback> {
        info_callback_of(self.own.as_deref(), &self.ctx)
    }

    /// Tells the info callback, if any.
    #[inline]
    pub(crate) fn tell(&self, event: InfoEvent) {
        if let Some(cb) = self.info_cb() {
            cb(event);
        }
    }

    /// Takes in what rustls now reports about the handshake and tells the info callback
    /// the states passed since the last look.
    pub(crate) fn observe(&mut self) {
        self.observe_inner(false);
    }

    /// [`observe`](Ssl::observe) after processing failed with `err`: what was read before
    /// the failure counts (a certificate that failed verification was received), what
    /// rustls queued since (its alert) does not.
    #[cold]
    #[inline(never)]
    pub(crate) fn observe_failure(&mut self, err: &Error) {
        if matches!(err, Error::Verify { .. }) {
            self.progress.facts.peer_certs = true;
        }
        self.observe_inner(true);
    }

    /// Tells the info callback of the TLS 1.3 tickets a finished client has read since the
    /// last look.
    pub(crate) fn observe_tickets(&mut self) {
        let Some(state) = &self.conn_state else {
            return;
        };
        let received = state
            .store
            .tickets
            .load(std::sync::atomic::Ordering::Relaxed);
        let cb = info_callback_of(self.own.as_deref(), &self.ctx);
        self.progress.report_tickets(received, cb);
    }

    fn observe_inner(&mut self, failing: bool) {
        let server = self.role == Role::Server;
        let f = &mut self.progress.facts;
        match &self.conn {
            Conn::Idle | Conn::Accepting(_) => {}
            Conn::Accepted(_) => f.hello = true,
            // A server that reads its ClientHello through rustls (`start_server`) has read
            // it once rustls has answered it (and chosen the kind of handshake).
            Conn::Tls(c)
                if !f.hello
                    && matches!(&**c, Connection::Server(sc) if sc.handshake_kind().is_none()) => {}
            Conn::Tls(c) => {
                f.hello = true;
                f.done = self.finished;
                // Sticky: a certificate that failed verification was received all the same.
                f.peer_certs |= c.peer_certificates().is_some();
                // A resuming client knows its suite before any ServerHello (it offered the
                // PSK's); the kind is set once the ServerHello was processed.
                let kind_known = match &**c {
                    Connection::Client(cc) => cc.handshake_kind().is_some(),
                    Connection::Server(_) => true,
                };
                if kind_known {
                    f.answered = true;
                    f.tls13 = c.protocol_version() == Some(ProtocolVersion::TLSv1_3);
                    f.resumed = c.handshake_kind() == Some(HandshakeKind::Resumed);
                }
                if server {
                    f.client_auth = self.ctx.verify_mode(true).contains(VerifyMode::PEER);
                    f.tickets = match self.ctx.server_config() {
                        Some(cfg) if f.tls13 => cfg.send_tls13_tickets,
                        Some(cfg) => usize::from(cfg.ticketer.enabled()),
                        None => 0,
                    };
                } else if f.answered && !f.tls13 && f.peer_certs && c.wants_write() && !failing {
                    f.second_flight = true;
                }
            }
        }
        let cb = info_callback_of(self.own.as_deref(), &self.ctx);
        self.progress.report(server, cb);
    }

    /// The negotiated protocol version.
    pub fn version(&self) -> Option<ProtocolVersion> {
        self.tls()?.protocol_version()
    }

    /// OpenSSL's name of the negotiated version (`SSL_get_version`): `TLSv1.3`, `TLSv1.2`;
    /// `"unknown"` before it is known.
    pub fn version_name(&self) -> &'static str {
        self.version().map(names::version_name).unwrap_or("unknown")
    }

    /// The negotiated cipher suite.
    pub fn cipher(&self) -> Option<SupportedCipherSuite> {
        self.tls()?.negotiated_cipher_suite()
    }

    /// OpenSSL's name of the negotiated suite (`SSL_CIPHER_get_name`), e.g.
    /// `TLS_AES_256_GCM_SHA384` or `ECDHE-ECDSA-AES256-GCM-SHA384`.
    pub fn cipher_name(&self) -> Option<&'static str> {
        self.cipher().map(names::cipher_suite_openssl_name)
    }

    /// The negotiated key-exchange group.
    pub fn group(&self) -> Option<NamedGroup> {
        Some(self.tls()?.negotiated_key_exchange_group()?.name())
    }

    /// OpenSSL's name of the negotiated group, e.g. `X25519`.
    pub fn group_name(&self) -> Option<String> {
        self.group().map(names::group_name)
    }

    /// The negotiated ALPN protocol (`SSL_get0_alpn_selected`).
    pub fn alpn_protocol(&self) -> Option<&[u8]> {
        self.tls()?.alpn_protocol()
    }

    /// The server name: on a server, the SNI the client sent (`SSL_get_servername`); on a
    /// client, the SNI it sends.
    pub fn server_name(&self) -> Option<&str> {
        match (&self.conn, self.role) {
            (_, Role::Client) => self.sni.as_deref(),
            (Conn::Tls(c), _) => match &**c {
                Connection::Server(s) => s.server_name(),
                Connection::Client(_) => None,
            },
            _ => self.hello.as_ref().and_then(|h| h.server_name.as_deref()),
        }
    }

    /// What the client offered, on a server that has read the ClientHello.
    pub fn client_hello(&self) -> Option<&ClientHelloInfo> {
        self.hello.as_deref()
    }

    /// The peer's certificate chain, end-entity first (`SSL_get_peer_cert_chain`).
    pub fn peer_certificates(&self) -> Option<&[CertificateDer<'static>]> {
        self.tls()?.peer_certificates()
    }

    /// The certificate verification result (`SSL_get_verify_result`): `X509_V_OK` when
    /// the peer's certificate verified or none was checked, otherwise the failure — also
    /// when the verify mode let the handshake go on.
    pub fn verify_result(&self) -> VerifyCode {
        if let Some(code) = self.fatal.as_deref().and_then(Error::verify_code) {
            return code;
        }
        self.conn_state
            .as_ref()
            .and_then(|s| s.verify_result())
            .unwrap_or(VerifyCode::X509_V_OK)
    }

    /// When each handshake flight was written and read: recorded when the context asked
    /// for it ([`ContextBuilder::timeline`](crate::ContextBuilder::timeline)), empty
    /// otherwise.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// Plaintext bytes received and not yet read (`SSL_pending`).
    pub fn pending(&self) -> usize {
        self.plaintext_pending
    }

    /// Sets up the rustls side of the connection on the first I/O call.
    pub(crate) fn start(&mut self) -> Result<(), Error> {
        if !matches!(self.conn, Conn::Idle) {
            return Ok(());
        }
        match self.role {
            Role::Unset => {
                return Err(Error::config(
                    Reason::SSL_R_CONNECTION_TYPE_NOT_SET,
                    "no role: call set_connect_state or set_accept_state before the handshake",
                ))
            }
            Role::Client => {
                let conn = self.new_client()?;
                self.conn = Conn::Tls(Box::new(conn.into()));
                self.tell(InfoEvent::HandshakeStart);
                self.observe();
            }
            Role::Server => self.start_server(self.ctx.has_hello_callbacks()),
        }
        self.timeline.start();
        Ok(())
    }

    /// A server starts by reading the ClientHello: its callbacks may choose the context, and
    /// until it answers, hs writes any alert itself (see alerts.rs). `want_hello`: keep what
    /// the ClientHello offered ([`client_hello`](Ssl::client_hello)), for callbacks and
    /// [`read_client_hello`](Ssl::read_client_hello); other servers skip that work.
    pub(crate) fn start_server(&mut self, want_hello: bool) {
        // Servers verify client certificates through the same state as clients (verify.rs),
        // and log keys through it.
        let callback = self.verify_callback_in_force();
        let key_log = self.key_log_in_force();
        let verifies = callback.is_some()
            || self.verify_mode().contains(VerifyMode::PEER)
            || self.ctx.verify_mode(true).contains(VerifyMode::PEER);
        let state = |callback, key_log| {
            ConnState::new(true, false, callback, ConnectionStore::server(), key_log)
        };
        self.tell(InfoEvent::HandshakeStart);
        self.want_hello = want_hello;
        // Nothing to decide between the ClientHello and the answer, and no info callback
        // that wants the states in between: rustls' server reads the ClientHello itself,
        // which saves the Acceptor's own connection core, two large moves and a copy of the
        // ClientHello (about 2 % of a resumed TLS 1.2 server handshake). Until it has
        // answered, engine.rs still reports errors and writes alerts as OpenSSL does.
        if !want_hello && self.info_cb().is_none() {
            if let Some(cfg) = self.ctx.server_config() {
                if let Ok(conn) = ServerConnection::new(cfg.clone()) {
                    self.conn = Conn::Tls(Box::new(conn.into()));
                    // Its context cannot change any more (`may_restart_server` starts over):
                    // if it verifies no client and logs no keys, no call into rustls needs
                    // a state, and none is built (its calls run with no state current:
                    // conn_state.rs).
                    self.conn_state =
                        (verifies || key_log.is_some()).then(|| state(callback, key_log));
                    self.watch_ticket_request();
                    return;
                }
            }
        }
        self.conn_state = Some(state(callback, key_log));
        self.conn = Conn::Accepting(Box::default());
        if want_hello {
            self.scan
                .get_or_insert_with(Default::default)
                .capture_client_hello();
        } else {
            self.watch_ticket_request();
        }
    }

    /// A server that may answer a TLS 1.2 ticket request with a session that has no id
    /// (`server_cache::recording`) learns from the ClientHello whether there is one.
    fn watch_ticket_request(&mut self) {
        if self.ctx.inner.tls12_tickets {
            self.scan
                .get_or_insert_with(Default::default)
                .watch_ticket_request();
        }
    }

    /// True for a server whose rustls connection reads the ClientHello itself
    /// (`start_server`) and has received nothing yet: it may start over, as if the
    /// handshake had not begun, when the caller wants the ClientHello or another context.
    pub(crate) fn may_restart_server(&self) -> bool {
        self.role == Role::Server
            && matches!(self.conn, Conn::Tls(_))
            && !self.progress.facts.hello
            && !self.eof
            && self.fatal.is_none()
            && !self.timeline.moved(Direction::Received)
    }

    pub(crate) fn server_config(&self) -> Result<&Arc<rustls::ServerConfig>, Error> {
        self.ctx.server_config().ok_or_else(|| {
            Error::config(
                Reason::SSL_R_NO_CERTIFICATE_ASSIGNED,
                "a server needs a certificate and private key",
            )
        })
    }

    fn new_client(&mut self) -> Result<ClientConnection, Error> {
        let inner = &self.ctx.inner;
        let enforce = self.verify_mode().contains(VerifyMode::PEER);
        let state = ConnState::new(
            enforce,
            self.verify_name.is_some(),
            self.verify_callback_in_force(),
            ConnectionStore::client(self.offer.clone()),
            self.key_log_in_force(),
        );
        let base = if self.sni.is_some() {
            &inner.client
        } else {
            &inner.client_no_sni
        };
        let cfg = match &self.own().alpn {
            // `SSL_set_alpn_protos`: the one case that needs a configuration of its own.
            Some(alpn) if *alpn != base.alpn_protocols => {
                let mut cfg = (**base).clone();
                cfg.alpn_protocols = alpn.clone();
                Arc::new(cfg)
            }
            _ => base.clone(),
        };
        let name = match (
            self.rustls_name.take(),
            self.verify_name.as_ref().or(self.sni.as_ref()),
        ) {
            // Validated by `set_connect_state`; a connection started again (`SSL_clear`)
            // validates its name anew.
            (Some(checked), _) => checked,
            (None, Some(n)) => ServerName::try_from(n.to_string()).map_err(|e| {
                Error::config(Reason::SSL_R_BAD_VALUE, format!("server name {n:?}: {e}"))
            })?,
            // No name to send or check: rustls needs one, and an IP address is never sent
            // as SNI; the verifier is told not to check it.
            (None, None) => ServerName::IpAddress(std::net::Ipv4Addr::UNSPECIFIED.into()),
        };
        let mut slot = Some(state);
        let conn = with_state(&mut slot, || ClientConnection::new(cfg, name)).map_err(internal)?;
        self.conn_state = slot;
        Ok(conn)
    }

    /// The first bytes the handshake received (nothing once it is done).
    pub(crate) fn scan_prefix(&self) -> &[u8] {
        self.scan.as_ref().map_or(&[], crate::scan::Scan::prefix)
    }

    pub(crate) fn ip_name(&self) -> bool {
        self.verify_name
            .as_deref()
            .is_some_and(|n| n.parse::<std::net::IpAddr>().is_ok())
    }
}

fn internal(e: rustls::Error) -> Error {
    Error::config(Reason::SSL_R_INTERNAL_ERROR, e.to_string())
}
