//! The calls that move bytes: `do_handshake`, `read`, `write`, `shutdown`, over a
//! transport passed in by the caller. Every loop here ends either in progress or in
//! WANT_READ / WANT_WRITE: nothing spins.

use std::io::{self, Read, Write};
use std::sync::Arc;

use hs_error::{description as ad, Alert, AlertDirection};
use rustls::Connection;

use crate::alerts::{client_hello_error, from_rustls, FirstBytes};
use crate::conn_state::{with_state, ConnState};
use crate::hello::{ClientHelloInfo, HelloDecision};
use crate::info::InfoEvent;
use crate::scan::Scan;
use crate::server_cache::{self, SessionKey};
use crate::ssl::{Conn, Role, ShutdownState};
use crate::timeline::Direction;
use crate::{AlpnChoice, Error, Reason, Ssl};

/// Shows the bytes a connection receives during the handshake to its [`Scan`].
struct Tap<'a, T: ?Sized> {
    io: &'a mut T,
    scan: &'a mut Scan,
}

impl<T: Read + ?Sized> Read for Tap<'_, T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.io.read(buf)?;
        self.scan.feed(&buf[..n]);
        Ok(n)
    }
}

/// A plaintext alert record, for alerts hs sends before rustls owns the connection.
fn alert_record(description: u8) -> [u8; 7] {
    [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, description]
}

impl Ssl {
    /// Starts (client) or continues the handshake (`SSL_do_handshake`).
    ///
    /// Returns `Ok(())` once the handshake is complete (and on every later call). On a
    /// blocking transport it returns only then or on failure; on a non-blocking one, or a
    /// BIO pair, it returns [`Error::WantRead`] / [`Error::WantWrite`] whenever the
    /// transport cannot move, and must be called again once it can. [`Error::ZeroReturn`]
    /// means the peer closed with close_notify; any other error is fatal and is returned
    /// again by every later call.
    pub fn do_handshake<T: Read + Write + ?Sized>(&mut self, io: &mut T) -> Result<(), Error> {
        if self.finished {
            return Ok(());
        }
        self.guard()?;
        self.start()?;
        let result = self.handshake_loop(io);
        let result = self.settle(result);
        self.tell(InfoEvent::Exit(if result.is_ok() { 1 } else { -1 }));
        result
    }

    /// Sets the client role if none is set, then handshakes (`SSL_connect`).
    pub fn connect<T: Read + Write + ?Sized>(&mut self, io: &mut T) -> Result<(), Error> {
        if self.role == Role::Unset {
            self.set_connect_state_without_name();
        }
        self.do_handshake(io)
    }

    /// Sets the server role if none is set, then handshakes (`SSL_accept`).
    pub fn accept<T: Read + Write + ?Sized>(&mut self, io: &mut T) -> Result<(), Error> {
        if self.role == Role::Unset {
            self.set_accept_state();
        }
        self.do_handshake(io)
    }

    /// On a server, reads until the ClientHello is complete and returns what it offered,
    /// without answering: the caller may then [`set_context`](Ssl::set_context) and go on
    /// with [`do_handshake`](Ssl::do_handshake) (rustls' `LazyConfigAcceptor` idiom).
    pub fn read_client_hello<T: Read + Write + ?Sized>(
        &mut self,
        io: &mut T,
    ) -> Result<ClientHelloInfo, Error> {
        self.guard()?;
        if self.role != Role::Server {
            return Err(Error::state(
                Reason::SSL_R_BAD_VALUE,
                "read_client_hello is for servers",
            ));
        }
        if self.may_restart_server() {
            self.conn = Conn::Idle;
        }
        match self.conn {
            Conn::Idle => {
                self.start_server(true);
                self.timeline.start();
            }
            // Started by do_handshake: keep the ClientHello from here on.
            Conn::Accepting(_) => self.want_hello = true,
            Conn::Accepted(_) => {}
            Conn::Tls(_) if self.progress.facts.hello => {
                return Err(Error::state(
                    Reason::SSL_R_STILL_IN_INIT,
                    "the ClientHello was already answered",
                ))
            }
            Conn::Tls(_) => {
                return Err(Error::state(
                    Reason::SSL_R_STILL_IN_INIT,
                    "do_handshake already read part of the ClientHello without keeping it: \
                     call read_client_hello before do_handshake",
                ))
            }
        }
        let r = self.accept_client_hello(io);
        let r = self.settle(r);
        r.map(|()| self.hello.as_deref().cloned().unwrap_or_default())
    }

    /// Reads application data (`SSL_read`), handshaking first if needed.
    ///
    /// `Ok(n)` with `n > 0` bytes; [`Error::ZeroReturn`] once the peer's close_notify has
    /// been read; [`Error::UnexpectedEof`] if the transport closed without one;
    /// WANT_READ / WANT_WRITE to retry.
    pub fn read<T: Read + Write + ?Sized>(
        &mut self,
        io: &mut T,
        buf: &mut [u8],
    ) -> Result<usize, Error> {
        self.read_inner(io, buf, false)
    }

    /// Like [`read`](Ssl::read), but the bytes stay buffered for the next read (`SSL_peek`).
    pub fn peek<T: Read + Write + ?Sized>(
        &mut self,
        io: &mut T,
        buf: &mut [u8],
    ) -> Result<usize, Error> {
        self.read_inner(io, buf, true)
    }

    fn read_inner<T: Read + Write + ?Sized>(
        &mut self,
        io: &mut T,
        buf: &mut [u8],
        peek: bool,
    ) -> Result<usize, Error> {
        self.require_role()?;
        self.do_handshake(io)?;
        self.guard()?;
        let r = self.read_loop(io, buf, peek);
        self.settle(r)
    }

    fn read_loop<T: Read + Write + ?Sized>(
        &mut self,
        io: &mut T,
        buf: &mut [u8],
        peek: bool,
    ) -> Result<usize, Error> {
        loop {
            let conn = self.tls_mut()?;
            let got = if peek {
                io::BufRead::fill_buf(&mut conn.reader()).map(|b| {
                    let n = b.len().min(buf.len());
                    buf[..n].copy_from_slice(&b[..n]);
                    n
                })
            } else {
                conn.reader().read(buf)
            };
            match got {
                Ok(0) if buf.is_empty() => return Ok(0),
                Ok(0) => {
                    self.received_shutdown = true;
                    return Err(Error::ZeroReturn);
                }
                Ok(n) => {
                    if !peek {
                        self.plaintext_pending = self.plaintext_pending.saturating_sub(n);
                    }
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Err(self.eof_error()),
                Err(e) => return Err(Error::io(e)),
            }
            // Nothing buffered: send what rustls owes the peer (a KeyUpdate answer, an
            // alert, earlier application data), then read more — also when the transport
            // takes nothing more, as OpenSSL's SSL_read does: two peers that each have a
            // record queued over a full pair would otherwise wait for each other forever.
            let flushed = self.flush(io);
            match (flushed, self.read_and_process(io)) {
                (Err(e), _) if !e.is_retry() => return Err(e),
                (_, Ok(())) => {}
                (Err(Error::WantWrite), Err(Error::WantRead)) => return Err(Error::WantWrite),
                (_, Err(e)) => return Err(e),
            }
        }
    }

    /// Writes application data (`SSL_write`), handshaking first if needed.
    ///
    /// OpenSSL's rule: `Ok(n)` only once the records holding the data are written to the
    /// transport. After WANT_WRITE, call again with the same data: the bytes were taken
    /// the first time, and the retry returns their count once they have gone out.
    pub fn write<T: Read + Write + ?Sized>(
        &mut self,
        io: &mut T,
        buf: &[u8],
    ) -> Result<usize, Error> {
        self.require_role()?;
        // As OpenSSL 3: a retry must offer at least what the interrupted call handed over
        // (it is reported as written); a shorter one is a fatal error, and is refused again
        // as such (OpenSSL checks the length before the connection's state). OpenSSL also
        // queues an internal_error alert; rustls has no way to send one.
        if let Some(n) = self.pending_write.filter(|&n| buf.len() < n) {
            let why = format!(
                "the write was retried with {} bytes; the interrupted one took {n}",
                buf.len()
            );
            if self.fatal.is_some() {
                return Err(Error::state(Reason::SSL_R_BAD_LENGTH, why));
            }
            return self.settle(Err(Error::protocol(Reason::SSL_R_BAD_LENGTH, None, why)));
        }
        self.do_handshake(io)?;
        self.guard()?;
        if self.sent_shutdown {
            return Err(Error::state(
                Reason::SSL_R_PROTOCOL_IS_SHUTDOWN,
                "write after shutdown",
            ));
        }
        let taken = match self.pending_write.take() {
            Some(n) => n,
            None => {
                let n = self.buffer_plaintext(buf)?;
                if n == 0 && !buf.is_empty() {
                    // rustls' buffer is full of earlier data: push it out first.
                    let r = self.flush(io);
                    self.settle(r)?;
                    self.buffer_plaintext(buf)?
                } else {
                    n
                }
            }
        };
        let r = self.flush(io);
        match self.settle(r) {
            Ok(()) => Ok(taken),
            Err(Error::WantWrite) => {
                self.pending_write = Some(taken);
                Err(Error::WantWrite)
            }
            Err(e) => Err(e),
        }
    }

    /// Hands plaintext to rustls without writing to the transport; returns how much was
    /// taken (0 when its buffer is full). Follow with [`flush`](Ssl::flush). This is the
    /// write half for faces whose callers may not retry with the same data (tokio's
    /// `poll_write`).
    pub fn buffer_plaintext(&mut self, buf: &[u8]) -> Result<usize, Error> {
        self.guard()?;
        if self.sent_shutdown {
            return Err(Error::state(
                Reason::SSL_R_PROTOCOL_IS_SHUTDOWN,
                "write after shutdown",
            ));
        }
        self.tls_mut()?.writer().write(buf).map_err(Error::io)
    }

    /// Writes every TLS record rustls has ready to the transport; WANT_WRITE if the
    /// transport is full.
    pub fn flush<T: Write + ?Sized>(&mut self, io: &mut T) -> Result<(), Error> {
        let mut wrote = false;
        while !self.raw_out.is_empty() {
            match io.write(&self.raw_out) {
                Ok(0) => return Err(Error::io(io::ErrorKind::WriteZero.into())),
                Ok(n) => {
                    self.timeline.record(Direction::Sent, n);
                    self.raw_out.drain(..n);
                    wrote = true;
                }
                Err(e) => write_error(e)?,
            }
        }
        if let Conn::Tls(conn) = &mut self.conn {
            while conn.wants_write() {
                match conn.write_tls(&mut &mut *io) {
                    Ok(0) => return Err(Error::io(io::ErrorKind::WriteZero.into())),
                    Ok(n) => {
                        self.timeline.record(Direction::Sent, n);
                        wrote = true;
                    }
                    Err(e) => write_error(e)?,
                }
            }
        }
        if wrote {
            loop {
                match io.flush() {
                    Ok(()) => break,
                    Err(e) => write_error(e)?,
                }
            }
        }
        Ok(())
    }

    /// Closes the TLS connection (`SSL_shutdown`): the first call sends close_notify and
    /// returns [`ShutdownState::Sent`] (or `Received` if the peer's close_notify was already
    /// read); a later call waits for the peer's close_notify, discarding application data
    /// that arrives before it, and returns `Received`.
    pub fn shutdown<T: Read + Write + ?Sized>(
        &mut self,
        io: &mut T,
    ) -> Result<ShutdownState, Error> {
        self.require_role()?;
        // As OpenSSL: a connection that failed counts as still in its handshake.
        if let Some(e) = &self.fatal {
            return Err(Error::state(
                Reason::SSL_R_SHUTDOWN_WHILE_IN_INIT,
                format!("shutdown after the connection failed: {e}"),
            ));
        }
        if !self.finished {
            return Err(Error::state(
                Reason::SSL_R_SHUTDOWN_WHILE_IN_INIT,
                "shutdown during the handshake",
            ));
        }
        let first = !self.sent_shutdown;
        if first {
            self.tls_mut()?.send_close_notify();
            self.sent_shutdown = true;
            self.tell(close_notify(AlertDirection::Sent));
        }
        let r = self.flush(io);
        self.settle(r)?;
        if self.received_shutdown {
            return Ok(ShutdownState::Received);
        }
        if first {
            return Ok(ShutdownState::Sent);
        }
        let r = self.await_close_notify(io);
        self.settle(r).map(|()| ShutdownState::Received)
    }

    fn await_close_notify<T: Read + Write + ?Sized>(&mut self, io: &mut T) -> Result<(), Error> {
        let mut scratch = [0u8; 4096];
        loop {
            match self.tls_mut()?.reader().read(&mut scratch) {
                Ok(0) => {
                    self.received_shutdown = true;
                    self.plaintext_pending = 0;
                    return Ok(());
                }
                Ok(_) => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Err(self.eof_error()),
                Err(e) => return Err(Error::io(e)),
            }
            self.read_and_process(io)?;
        }
    }

    /// Updates this side's traffic keys and asks the peer to update its own (TLS 1.3
    /// KeyUpdate, `SSL_key_update` with `SSL_KEY_UPDATE_REQUESTED`); sent on the next flush.
    pub fn key_update(&mut self) -> Result<(), Error> {
        self.guard()?;
        if !self.finished {
            return Err(Error::state(
                Reason::SSL_R_STILL_IN_INIT,
                "key update during the handshake",
            ));
        }
        self.tls_mut()?
            .refresh_traffic_keys()
            .map_err(|e| Error::state(Reason::SSL_R_BAD_VALUE, format!("key update: {e}")))
    }

    // ---- internals ----

    /// `SSL_read`, `SSL_write` and `SSL_shutdown` on a connection with no role fail with
    /// `SSL_R_UNINITIALIZED` (`do_handshake` with `SSL_R_CONNECTION_TYPE_NOT_SET`).
    fn require_role(&self) -> Result<(), Error> {
        if self.role == Role::Unset {
            return Err(Error::state(
                Reason::SSL_R_UNINITIALIZED,
                "no role: call set_connect_state or set_accept_state first",
            ));
        }
        Ok(())
    }

    /// The sticky fatal error, if any.
    #[inline]
    fn guard(&self) -> Result<(), Error> {
        match &self.fatal {
            Some(e) => Err(sticky(e)),
            None => Ok(()),
        }
    }

    /// Records a fatal outcome so later calls report it again.
    #[inline]
    fn settle<R>(&mut self, r: Result<R, Error>) -> Result<R, Error> {
        if let Err(e) = &r {
            self.settle_error(e);
        }
        r
    }

    /// [`settle`](Ssl::settle)'s work, kept out of line: the calls that move bytes end in
    /// errors only now and then (WANT_READ and WANT_WRITE among them), and the code they
    /// run on every call stays the smaller for it.
    #[inline(never)]
    fn settle_error(&mut self, e: &Error) {
        if e.is_fatal() && !matches!(e, Error::Config { .. } | Error::State { .. }) {
            self.fatal = Some(Box::new(e.clone()));
            if let Some(a) = e.alert() {
                self.tell(InfoEvent::Alert {
                    direction: a.direction,
                    level: 2,
                    description: a.description,
                });
                // A fatal alert, either way: the session is forgotten (RFC 5246, 7.2.2).
                self.spoil_session();
            }
        }
        // As OpenSSL: a clean close (close_notify, or an EOF taken as one) and a fatal
        // alert from the peer both mark the connection closed by the peer.
        if matches!(e, Error::ZeroReturn)
            || e.alert()
                .is_some_and(|a| a.direction == AlertDirection::Received)
        {
            self.received_shutdown = true;
        }
        if matches!(e, Error::ZeroReturn) && !self.finished {
            self.received_shutdown = true;
            self.fatal = Some(Box::new(Error::ZeroReturn));
        }
    }

    #[inline]
    fn tls_mut(&mut self) -> Result<&mut Connection, Error> {
        match &mut self.conn {
            Conn::Tls(c) => Ok(c),
            _ => Err(Error::state(
                Reason::SSL_R_UNINITIALIZED,
                "no TLS connection yet",
            )),
        }
    }

    fn handshake_loop<T: Read + Write + ?Sized>(&mut self, io: &mut T) -> Result<(), Error> {
        loop {
            match &self.conn {
                Conn::Accepting(_) => {
                    self.accept_client_hello(io)?;
                    continue;
                }
                Conn::Accepted(_) => self.answer_client_hello(io)?,
                Conn::Idle => {
                    return Err(Error::state(
                        Reason::SSL_R_INTERNAL_ERROR,
                        "handshake without a connection",
                    ))
                }
                Conn::Tls(_) => {}
            }
            match self.flush(io) {
                Ok(()) => {}
                // The transport takes no more: read what the peer sent meanwhile before
                // reporting WANT_WRITE. Over a bounded pair both sides can have a flight to
                // write at once (a TLS 1.3 server's tickets cross the client's Finished); if
                // neither read until it could write, neither could ever write.
                Err(Error::WantWrite) => match self.read_and_process(io) {
                    Ok(()) => continue,
                    Err(Error::WantRead) => return Err(Error::WantWrite),
                    Err(e) => return Err(e),
                },
                Err(e) => return Err(e),
            }
            if !self.tls_mut()?.is_handshaking() {
                // Finished. What arrived behind the peer's last flight (application data,
                // even its close_notify) stays buffered for the next read.
                self.finished = true;
                self.timeline.finish();
                // The scanner watches the handshake only.
                self.scan = None;
                self.observe();
                return Ok(());
            }
            if self.received_shutdown || self.scan.as_ref().is_some_and(|s| s.close_notify) {
                // The peer's close_notify arrived before the handshake finished: the
                // controlled shutdown of the man page (return value 0, ZERO_RETURN).
                self.close_notify_read();
                return Err(Error::ZeroReturn);
            }
            self.read_and_process(io)?;
        }
    }

    /// Reads what the transport has into rustls and processes it.
    fn read_and_process<T: Read + Write + ?Sized>(&mut self, io: &mut T) -> Result<(), Error> {
        if self.eof {
            return Err(self.eof_error());
        }
        let conn = match &mut self.conn {
            Conn::Tls(c) => c,
            _ => {
                return Err(Error::state(
                    Reason::SSL_R_UNINITIALIZED,
                    "no TLS connection yet",
                ))
            }
        };
        let read = loop {
            let r = if !self.finished {
                conn.read_tls(&mut Tap {
                    io: &mut *io,
                    scan: self.scan.get_or_insert_with(Scan::default),
                })
            } else {
                conn.read_tls(&mut &mut *io)
            };
            match r {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        match read {
            Ok(0) => {
                self.eof = true;
                // Let rustls see the EOF too, so its reader reports it.
                let _ = process(
                    conn,
                    &mut self.conn_state,
                    &mut self.server_session,
                    self.scan.as_ref(),
                );
                return Err(self.eof_error());
            }
            Ok(n) => self.timeline.record(Direction::Received, n),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Err(Error::WantRead),
            Err(e) => return Err(Error::io(e)),
        }
        if let Some(e) = self.alert_before_hello() {
            return Err(self.refuse_read_hello(io, e));
        }
        self.process_received(io)
    }

    /// Has rustls process what it has received and not yet processed.
    fn process_received<T: Write + ?Sized>(&mut self, io: &mut T) -> Result<(), Error> {
        let Conn::Tls(conn) = &mut self.conn else {
            return Err(Error::state(
                Reason::SSL_R_UNINITIALIZED,
                "no TLS connection yet",
            ));
        };
        match process(
            conn,
            &mut self.conn_state,
            &mut self.server_session,
            self.scan.as_ref(),
        ) {
            Ok(state) => {
                self.plaintext_pending = state.plaintext_bytes_to_read();
                if state.peer_has_closed() {
                    self.close_notify_read();
                }
                if !self.finished {
                    self.observe();
                } else if self.role == Role::Client && self.info_cb().is_some() {
                    self.observe_tickets();
                }
                Ok(())
            }
            Err(e)
                if self.role == Role::Server
                    && !self.progress.facts.hello
                    && conn.handshake_kind().is_none() =>
            {
                Err(self.refuse_read_hello(io, e))
            }
            Err(e) => Err(self.processing_failed(io, e)),
        }
    }

    /// What [`process_received`](Ssl::process_received) makes of a failure rustls reported:
    /// the error as OpenSSL names it, with rustls' alert sent if the transport takes it.
    #[cold]
    #[inline(never)]
    fn processing_failed<T: Write + ?Sized>(&mut self, io: &mut T, e: rustls::Error) -> Error {
        let first = FirstBytes::classify(self.scan_prefix());
        let err = from_rustls(e, first, self.ip_name());
        // The states of the flight processed before the failure, as OpenSSL reports
        // them: a certificate that failed verification was received.
        if !self.finished {
            self.observe_failure(&err);
        }
        if !matches!(err, Error::ZeroReturn) {
            // Send the alert rustls queued, if the transport takes it.
            let _ = self.flush(io);
        }
        err
    }

    /// The peer's close_notify was read: the connection is closed by the peer, and the info
    /// callback hears of the alert once.
    fn close_notify_read(&mut self) {
        self.received_shutdown = true;
        if !self.progress.close_notify_read {
            self.progress.close_notify_read = true;
            self.tell(close_notify(AlertDirection::Received));
        }
    }

    /// EOF from the transport: a clean close after close_notify (or with
    /// `SSL_OP_IGNORE_UNEXPECTED_EOF`), otherwise OpenSSL 3's unexpected-EOF error.
    fn eof_error(&self) -> Error {
        if self.received_shutdown || self.ctx.ignore_unexpected_eof() {
            Error::ZeroReturn
        } else {
            Error::UnexpectedEof
        }
    }

    // Out of line, like the other steps only some servers take (ClientHello and ALPN
    // callbacks, `read_client_hello`): the direct path runs through the callers.
    #[inline(never)]
    fn accept_client_hello<T: Read + Write + ?Sized>(&mut self, io: &mut T) -> Result<(), Error> {
        loop {
            let Conn::Accepting(acceptor) = &mut self.conn else {
                return Ok(());
            };
            match acceptor.accept() {
                Ok(Some(accepted)) => {
                    if self.want_hello {
                        self.hello = Some(Box::new(ClientHelloInfo::from_rustls(
                            &accepted.client_hello(),
                            self.scan
                                .as_ref()
                                .map(|s| s.offered_versions())
                                .unwrap_or_default(),
                        )));
                    }
                    self.conn = Conn::Accepted(Box::new(accepted));
                    self.observe();
                    return Ok(());
                }
                Ok(None) => {}
                Err((e, _rustls_alert)) => return Err(self.refuse_hello(io, e)),
            }
            if self.eof {
                return Err(self.eof_error());
            }
            let r = acceptor.read_tls(&mut Tap {
                io: &mut *io,
                scan: self.scan.get_or_insert_with(Scan::default),
            });
            match r {
                Ok(0) => {
                    self.eof = true;
                    return Err(self.eof_error());
                }
                Ok(n) => self.timeline.record(Direction::Received, n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Err(Error::WantRead),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::io(e)),
            }
        }
    }

    /// Runs the ClientHello and ALPN callbacks, then hands the connection to rustls with
    /// the configuration they chose.
    #[inline(never)]
    fn answer_client_hello<T: Read + Write + ?Sized>(&mut self, io: &mut T) -> Result<(), Error> {
        let decision = match &self.hello {
            Some(hello) => self.ctx.decide_hello(hello),
            None => HelloDecision::Continue,
        };
        match decision {
            HelloDecision::Continue => {}
            HelloDecision::UseContext(ctx) => self.ctx = ctx,
            HelloDecision::Reject(d) => {
                return self.reject_hello(
                    io,
                    d,
                    Reason::SSL_R_CALLBACK_FAILED,
                    "the ClientHello callback rejected the handshake",
                );
            }
        }
        let mut cfg = self.server_config()?.clone();
        let offered = self.hello.as_ref().map_or(&[][..], |h| h.alpn.as_slice());
        let choice = match &self.ctx.inner.alpn_select {
            Some(select) if !offered.is_empty() => Some(select(offered)),
            _ => None,
        };
        if let Some(choice) = choice {
            let alpn = match choice {
                AlpnChoice::Select(p) => vec![p],
                AlpnChoice::NoAck => Vec::new(),
                AlpnChoice::Fatal => {
                    // OpenSSL's server has looked up the offered session by now, and its
                    // fatal alert removes it from the cache (`spoil_session`).
                    if let Some(key) = self.offered_cached_session(&cfg) {
                        self.server_session = key;
                    }
                    return self.reject_hello(
                        io,
                        ad::NO_APPLICATION_PROTOCOL,
                        Reason::SSL_R_NO_APPLICATION_PROTOCOL,
                        "the ALPN callback accepted none of the offered protocols",
                    );
                }
            };
            let mut c = (*cfg).clone();
            c.alpn_protocols = alpn;
            cfg = Arc::new(c);
        }
        // A server of this configuration that issues tickets gives a TLS 1.2 client that
        // asks for one no session id (`server_cache::recording`).
        let tickets =
            cfg.ticketer.enabled() && self.scan.as_ref().is_some_and(Scan::ticket_requested);
        // The callbacks have answered: the ClientHello's bytes are no longer needed.
        if let Some(scan) = &mut self.scan {
            scan.release_client_hello();
        }
        let Conn::Accepted(accepted) = std::mem::replace(&mut self.conn, Conn::Idle) else {
            return Err(Error::state(
                Reason::SSL_R_INTERNAL_ERROR,
                "no ClientHello to answer",
            ));
        };
        // The server's first flight is made here, its secrets too: the key log must see
        // this connection (conn_state.rs).
        let (made, key) = server_cache::recording(tickets, || {
            with_state(&mut self.conn_state, || accepted.into_connection(cfg))
        });
        if let Some(key) = key {
            self.server_session = key;
        }
        match made {
            Ok(conn) => {
                self.conn = Conn::Tls(Box::new(conn.into()));
                self.observe();
                // What arrived behind the ClientHello is looked at now, as OpenSSL reads it
                // in the same call; rustls kept it buffered.
                self.process_received(io)
            }
            Err((e, _rustls_alert)) => Err(self.refuse_hello(io, e)),
        }
    }

    /// The key of the session in the server's cache that the ClientHello asks to resume,
    /// as OpenSSL's server looks it up before its ALPN callback runs: in TLS 1.3 the first
    /// pre_shared_key identity the cache holds (stateful tickets; with stateless ones the
    /// identities are tickets, not keys); in TLS 1.2 the session id, unless the client sent
    /// a ticket the server would decrypt instead.
    fn offered_cached_session(&self, cfg: &rustls::ServerConfig) -> Option<SessionKey> {
        let cache = self.ctx.inner.server_cache.as_ref()?;
        let offer = self.scan.as_ref()?.resumption_offer()?;
        let tickets = cfg.ticketer.enabled();
        let key = if offer.tls13 && self.ctx.inner.tls13 {
            if tickets {
                return None;
            }
            offer.psk_identities.into_iter().find(|id| cache.holds(id))
        } else if offer.ticket && tickets {
            return None;
        } else {
            Some(offer.session_id).filter(|id| !id.is_empty() && cache.holds(id))
        };
        key.map(SessionKey::from_vec)
    }

    /// A failure before the server answered: the error as OpenSSL names it, and its alert
    /// (if any) written in plaintext in place of the one rustls prepared.
    #[cold]
    #[inline(never)]
    fn refuse_hello<T: Write + ?Sized>(&mut self, io: &mut T, e: rustls::Error) -> Error {
        let err = client_hello_error(e, self.scan_prefix());
        if let Some(alert) = err.alert().filter(|a| a.direction == AlertDirection::Sent) {
            self.raw_out
                .extend_from_slice(&alert_record(alert.description));
            let _ = self.flush(io);
        }
        err
    }

    /// A server whose rustls connection reads the ClientHello itself (`start_server`) and
    /// received an alert record first: rustls' connection takes a close_notify or a warning
    /// there as it would later, while the Acceptor (and OpenSSL) refuse any alert in place
    /// of the ClientHello. This gives the Acceptor's error.
    fn alert_before_hello(&self) -> Option<rustls::Error> {
        if self.role != Role::Server || self.progress.facts.hello {
            return None;
        }
        match self.scan_prefix() {
            // An alert record of the two bytes an alert message holds.
            [0x15, _, _, 0, 2, _, _, ..] => Some(rustls::Error::InappropriateMessage {
                expect_types: vec![rustls::ContentType::Handshake],
                got_type: rustls::ContentType::Alert,
            }),
            _ => None,
        }
    }

    /// A failure of a server whose rustls connection read the ClientHello itself
    /// (`start_server`), before it answered: what [`refuse_hello`](Ssl::refuse_hello)
    /// makes of the same failure on the Acceptor path, so the two paths fail alike. The
    /// alert rustls queued gives way to OpenSSL's (or to none, for a plaintext HTTP
    /// request).
    #[cold]
    #[inline(never)]
    fn refuse_read_hello<T: Write + ?Sized>(&mut self, io: &mut T, e: rustls::Error) -> Error {
        // The Acceptor fails on these while reading the ClientHello; on anything else the
        // ClientHello was read, as OpenSSL's state then says.
        self.progress.facts.hello = !matches!(
            e,
            rustls::Error::InvalidMessage(_)
                | rustls::Error::InappropriateMessage { .. }
                | rustls::Error::InappropriateHandshakeMessage { .. }
                | rustls::Error::AlertReceived(_)
        );
        if let Conn::Tls(conn) = &mut self.conn {
            while conn.wants_write() {
                if conn.write_tls(&mut io::sink()).is_err() {
                    break;
                }
            }
        }
        self.refuse_hello(io, e)
    }

    #[cold]
    #[inline(never)]
    fn reject_hello<T: Write + ?Sized>(
        &mut self,
        io: &mut T,
        d: u8,
        reason: Reason,
        why: &str,
    ) -> Result<(), Error> {
        self.raw_out.extend_from_slice(&alert_record(d));
        let _ = self.flush(io);
        Err(Error::protocol(reason, Some(Alert::sent(d)), why))
    }
}

/// `process_new_packets`, with a client's state current for the verifier and session store
/// it may call (see `conn_state.rs`); a server's session key, if it stored or resumed a
/// session, goes to `server_session` (see `server_cache::recording`, which also says what
/// a ticket request found by the server's `scan` changes).
fn process(
    conn: &mut Connection,
    state: &mut Option<Arc<ConnState>>,
    server_session: &mut SessionKey,
    scan: Option<&Scan>,
) -> Result<rustls::IoState, rustls::Error> {
    let mut run = |conn: &mut Connection| with_state(state, || conn.process_new_packets());
    if !matches!(conn, Connection::Server(_)) {
        return run(conn);
    }
    let ticket_requested = scan.is_some_and(Scan::ticket_requested);
    let (r, key) = server_cache::recording(ticket_requested, || run(conn));
    if let Some(key) = key {
        *server_session = key;
    }
    r
}

/// The sticky fatal error again, for a call after the connection failed.
#[cold]
#[inline(never)]
fn sticky(e: &Error) -> Error {
    e.clone()
}

/// A close_notify alert event (warning level, description 0).
fn close_notify(direction: AlertDirection) -> InfoEvent {
    InfoEvent::Alert {
        direction,
        level: 1,
        description: ad::CLOSE_NOTIFY,
    }
}

/// WouldBlock while writing is WANT_WRITE; Interrupted is retried by the caller's loop.
fn write_error(e: io::Error) -> Result<(), Error> {
    match e.kind() {
        io::ErrorKind::WouldBlock => Err(Error::WantWrite),
        io::ErrorKind::Interrupted => Ok(()),
        _ => Err(Error::io(e)),
    }
}
