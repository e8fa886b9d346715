//! `SSL_METHOD` and `SSL_CTX`: settings kept as OpenSSL keeps them, turned into an
//! [`hs_core::Context`] lazily (on the first `SSL_new` after a change).

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use hs_core::{
    Context, Error, Reason, ServerResumption, ServerSessionCallback, VerifyMode, Version,
};
use libc::{c_char, c_int, c_long, c_uint, c_void};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::boundary::{bytes, cstr, ffi_fn, obj, obj_or_null};
use crate::err::{self, ERR_LIB_SSL};
use crate::session::SslSession;
use crate::ssl::{NewSessionCb, SslObj};
use crate::x509::X509StoreCtx;

pub(crate) const SSL_OP_IGNORE_UNEXPECTED_EOF: u64 = 1 << 7;
pub(crate) const SSL_OP_NO_TICKET: u64 = 1 << 14;
const SSL_OP_NO_COMPRESSION: u64 = 1 << 17;
const SSL_OP_ENABLE_MIDDLEBOX_COMPAT: u64 = 1 << 20;
const SSL_OP_NO_TLSV1_2: u64 = 1 << 27;
const SSL_OP_NO_TLSV1_3: u64 = 1 << 29;
const SSL_MODE_AUTO_RETRY: u64 = 4;

pub(crate) const SSL_CTRL_SESS_NUMBER: c_int = 20;
pub(crate) const SSL_CTRL_SESS_CONNECT: c_int = 21;
pub(crate) const SSL_CTRL_SESS_CONNECT_GOOD: c_int = 22;
pub(crate) const SSL_CTRL_SESS_ACCEPT: c_int = 24;
pub(crate) const SSL_CTRL_SESS_ACCEPT_GOOD: c_int = 25;
pub(crate) const SSL_CTRL_SESS_HIT: c_int = 27;
pub(crate) const SSL_CTRL_MODE: c_int = 33;
pub(crate) const SSL_CTRL_SET_SESS_CACHE_SIZE: c_int = 42;
pub(crate) const SSL_CTRL_GET_SESS_CACHE_SIZE: c_int = 43;
pub(crate) const SSL_CTRL_SET_SESS_CACHE_MODE: c_int = 44;
pub(crate) const SSL_CTRL_GET_SESS_CACHE_MODE: c_int = 45;
pub(crate) const SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG: c_int = 54;
pub(crate) const SSL_CTRL_SET_TLSEXT_HOSTNAME: c_int = 55;
pub(crate) const SSL_CTRL_CLEAR_MODE: c_int = 78;
pub(crate) const SSL_CTRL_SET_GROUPS_LIST: c_int = 92;
pub(crate) const SSL_CTRL_SET_MIN_PROTO_VERSION: c_int = 123;
pub(crate) const SSL_CTRL_SET_MAX_PROTO_VERSION: c_int = 124;
pub(crate) const SSL_CTRL_GET_MIN_PROTO_VERSION: c_int = 130;
pub(crate) const SSL_CTRL_GET_MAX_PROTO_VERSION: c_int = 131;
pub(crate) const SSL_CTRL_GET_NEGOTIATED_GROUP: c_int = 134;

pub(crate) const SSL_SESS_CACHE_SERVER: c_long = 2;
/// OpenSSL's default session cache limit (`SSL_SESSION_CACHE_MAX_SIZE_DEFAULT`), which
/// `SSL_CTX_sess_get_cache_size` reports until the application sets one; also the limit
/// used for OpenSSL's "no limit" (0).
const SESSION_CACHE_MAX_SIZE_DEFAULT: c_long = 1024 * 20;
const SSL_FILETYPE_PEM: c_int = 1;
const SSL_FILETYPE_ASN1: c_int = 2;
const SSL_R_UNSUPPORTED_PROTOCOL: Reason = Reason::SSL_R_UNSUPPORTED_PROTOCOL;
const SSL_R_BAD_SSL_FILETYPE: i32 = 124;
const SSL_R_NO_CERTIFICATE_ASSIGNED: Reason = Reason::SSL_R_NO_CERTIFICATE_ASSIGNED;

/// `SSL_METHOD`: hs has one method for every role; the role comes from
/// `SSL_set_connect_state` / `SSL_set_accept_state` (or `SSL_connect` / `SSL_accept`).
#[derive(Debug)]
pub(crate) struct SslMethod {
    /// 1 for `TLS_client_method`, 2 for `TLS_server_method`, 0 for `TLS_method`: what
    /// `SSL_is_server` says before a role is set (the method sets no role, as OpenSSL's).
    role: u8,
}

static TLS_METHOD: SslMethod = SslMethod { role: 0 };
static TLS_CLIENT_METHOD: SslMethod = SslMethod { role: 1 };
static TLS_SERVER_METHOD: SslMethod = SslMethod { role: 2 };

/// Everything an `SSL_CTX` (and, copied at `SSL_new`, an `SSL`) is configured with.
#[derive(Clone)]
pub(crate) struct Settings {
    pub(crate) chain: Option<Vec<CertificateDer<'static>>>,
    pub(crate) key: Option<Vec<u8>>,
    pub(crate) trust: Vec<CertificateDer<'static>>,
    pub(crate) system_roots: bool,
    pub(crate) verify_mode: c_int,
    pub(crate) verify_depth: c_int,
    pub(crate) options: u64,
    pub(crate) mode: u64,
    pub(crate) min_version: c_int,
    pub(crate) max_version: c_int,
    pub(crate) tls13_suites: Option<Vec<String>>,
    pub(crate) tls12_suites: Option<Vec<String>>,
    pub(crate) groups: Option<Vec<String>>,
    pub(crate) alpn: Vec<Vec<u8>>,
    pub(crate) cache_mode: c_long,
    /// `SSL_CTX_sess_set_cache_size`, if called (until then OpenSSL's default applies).
    pub(crate) cache_size: Option<c_long>,
    pub(crate) timeout: c_long,
    pub(crate) sid_ctx: Vec<u8>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            chain: None,
            key: None,
            trust: Vec::new(),
            system_roots: false,
            verify_mode: 0,
            verify_depth: -1,
            options: SSL_OP_NO_COMPRESSION | SSL_OP_ENABLE_MIDDLEBOX_COMPAT,
            mode: SSL_MODE_AUTO_RETRY,
            min_version: 0,
            max_version: 0,
            tls13_suites: None,
            tls12_suites: None,
            groups: None,
            alpn: Vec::new(),
            cache_mode: SSL_SESS_CACHE_SERVER,
            cache_size: None,
            timeout: 7200,
            sid_ctx: Vec::new(),
        }
    }
}

/// The suites hs has, by OpenSSL name: TLS 1.3 first.
const TLS13_SUITES: [&str; 3] = [
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_GCM_SHA256",
];
const TLS12_SUITES: [&str; 6] = [
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
];

fn version_of(n: c_int) -> Option<Version> {
    Version::from_openssl_number(n)
}

impl Settings {
    /// The version range in force, from min/max and the `SSL_OP_NO_TLSv1_x` options.
    fn versions(&self) -> (Version, Version) {
        let mut min = version_of(self.min_version)
            .unwrap_or(Version::Tls12)
            .max(Version::Tls12);
        let mut max = version_of(self.max_version).unwrap_or(Version::Tls13);
        if self.options & SSL_OP_NO_TLSV1_2 != 0 && min == Version::Tls12 {
            min = Version::Tls13;
        }
        if self.options & SSL_OP_NO_TLSV1_3 != 0 && max == Version::Tls13 {
            max = Version::Tls12;
        }
        (min, max)
    }

    /// The highest version this configuration allows, as `SSL_get_version` names it
    /// before a handshake.
    pub(crate) fn max_version_name(&self) -> &'static str {
        match self.versions().1 {
            Version::Tls13 => "TLSv1.3",
            _ => "TLSv1.2",
        }
    }

    /// Whether `other` builds the same hs context as these settings: every field
    /// [`build`](Settings::build) reads is equal. The others are read per connection or only
    /// recorded, so an SSL that changes one of them (`SSL_set_mode`, say) keeps its SSL_CTX's
    /// context.
    fn builds_like<'a>(&'a self, other: &'a Settings) -> bool {
        self.built_from() == other.built_from()
    }

    /// The fields [`build`](Settings::build) reads. Every field is named here, so a new one
    /// must be sorted into this group or the other before it compiles.
    fn built_from(&self) -> impl PartialEq + '_ {
        let Settings {
            chain,
            key,
            trust,
            system_roots,
            verify_mode,
            verify_depth: _,
            options,
            mode: _,
            min_version,
            max_version,
            tls13_suites,
            tls12_suites,
            groups,
            alpn,
            cache_mode,
            cache_size,
            timeout: _,
            sid_ctx: _,
        } = self;
        (
            (
                chain,
                key,
                trust,
                system_roots,
                verify_mode,
                options,
                min_version,
            ),
            (
                max_version,
                tls13_suites,
                tls12_suites,
                groups,
                alpn,
                cache_mode,
                cache_size,
            ),
        )
    }

    /// The server's session cache limit, or `None` with the server cache off
    /// (`SSL_SESS_CACHE_SERVER` not in the cache mode).
    fn cache_limit(&self) -> Option<usize> {
        if self.cache_mode & SSL_SESS_CACHE_SERVER == 0 {
            return None;
        }
        let n = match self.cache_size {
            Some(n) if n > 0 => n,
            _ => SESSION_CACHE_MAX_SIZE_DEFAULT,
        };
        Some(usize::try_from(n).unwrap_or(usize::MAX))
    }

    /// Builds the hs context, its server resuming with the SSL_CTX's `resumption`.
    pub(crate) fn build(
        &self,
        hooks: &Hooks,
        resumption: &ServerResumption,
    ) -> Result<Context, Error> {
        let mut b = Context::builder();
        if let Some(chain) = &self.chain {
            b = b.certificate_chain_der(chain.clone());
        }
        if let Some(key) = &self.key {
            let key = PrivateKeyDer::try_from(key.clone())
                .map_err(|e| Error::config(Reason::SSL_R_BAD_VALUE, format!("private key: {e}")))?;
            b = b.private_key_der(key);
        }
        for t in &self.trust {
            b = b.trust_der(t.clone())?;
        }
        // OpenSSL accepts an empty or missing system store (verification then fails);
        // hs-core refuses one, so the store is only added when it has certificates.
        if self.system_roots && Context::builder().trust_system_roots().is_ok() {
            b = b.trust_system_roots()?;
        }
        b = b.verify_mode(VerifyMode(self.verify_mode & 0x7));
        let (min, max) = self.versions();
        b = b.min_version(min).max_version(max);
        if self.tls13_suites.is_some() || self.tls12_suites.is_some() {
            let t13: Vec<String> = self
                .tls13_suites
                .clone()
                .unwrap_or_else(|| TLS13_SUITES.iter().map(|s| s.to_string()).collect());
            let t12: Vec<String> = self
                .tls12_suites
                .clone()
                .unwrap_or_else(|| TLS12_SUITES.iter().map(|s| s.to_string()).collect());
            let all: Vec<&str> = t13.iter().chain(t12.iter()).map(String::as_str).collect();
            b = b.cipher_suites(&all)?;
        }
        if let Some(g) = &self.groups {
            let g: Vec<&str> = g.iter().map(String::as_str).collect();
            b = b.groups(&g)?;
        }
        let alpn: Vec<&[u8]> = self.alpn.iter().map(Vec::as_slice).collect();
        b = b.alpn_protocols(&alpn);
        b = match self.cache_limit() {
            Some(_) => b.server_resumption(resumption),
            None => b.session_cache_size(0),
        };
        b = b.session_tickets(self.options & SSL_OP_NO_TICKET == 0);
        b = b.ignore_unexpected_eof(self.options & SSL_OP_IGNORE_UNEXPECTED_EOF != 0);
        b = hooks.install(b);
        b.build()
    }
}

/// The C callbacks an `SSL_CTX` carries into the hs context it builds.
#[derive(Clone, Copy, Default)]
pub(crate) struct Hooks {
    pub(crate) alpn_select: Option<(AlpnSelectCb, usize)>,
    pub(crate) servername: Option<ServernameCb>,
    pub(crate) servername_arg: usize,
    /// The `SSL_CTX` these hooks belong to (its address), for the session cache events.
    pub(crate) owner: usize,
}

/// `SSL_CTX_set_alpn_select_cb`'s callback type.
pub(crate) type AlpnSelectCb = unsafe extern "C" fn(
    *mut SslObj,
    *mut *const u8,
    *mut u8,
    *const u8,
    c_uint,
    *mut c_void,
) -> c_int;
/// The servername callback type (`SSL_CTX_set_tlsext_servername_callback`).
pub(crate) type ServernameCb = unsafe extern "C" fn(*mut SslObj, *mut c_int, *mut c_void) -> c_int;
/// The info callback type (`SSL_CTX_set_info_callback`, `SSL_set_info_callback`).
pub(crate) type InfoCb = unsafe extern "C" fn(*const SslObj, c_int, c_int);
/// `SSL_CTX_keylog_cb_func`.
pub(crate) type KeylogCb = unsafe extern "C" fn(*const SslObj, *const c_char);
/// `SSL_CTX_sess_set_remove_cb`'s callback type.
pub(crate) type RemoveSessionCb = unsafe extern "C" fn(*mut SslCtx, *mut SslSession);

impl Hooks {
    fn install(&self, mut b: hs_core::ContextBuilder) -> hs_core::ContextBuilder {
        if let Some((cb, arg)) = self.alpn_select {
            b = b.alpn_select(move |offered| crate::callbacks::alpn_select(cb, arg, offered));
        }
        if let Some(cb) = self.servername {
            let arg = self.servername_arg;
            b = b.client_hello(move |info| crate::callbacks::servername(cb, arg, info));
        }
        b
    }
}

/// How many per-SSL setting variants an SSL_CTX keeps built.
const MAX_VARIANTS: usize = 8;

pub(crate) struct CtxInner {
    /// Shared with the `SSL`s made since the last change: `SSL_new` copies the settings, as
    /// OpenSSL's does, by taking a reference, and a change on either side copies them first
    /// (`Arc::make_mut`), so neither sees the other's later changes.
    pub(crate) settings: Arc<Settings>,
    pub(crate) hooks: Hooks,
    built: Option<Context>,
    /// The server's session cache and ticket keys, shared by every context built for this
    /// SSL_CTX (made with the first one).
    resumption: Option<ServerResumption>,
    /// Contexts built for SSLs whose settings differ from this SSL_CTX's.
    variants: Vec<(Arc<Settings>, Context)>,
    ex_data: BTreeMap<c_int, usize>,
    pub(crate) new_session_cb: Option<NewSessionCb>,
    /// `SSL_CTX_set_verify`'s callback, copied into each `SSL` at `SSL_new` as OpenSSL does
    /// (so it is no setting of the hs context).
    pub(crate) verify_cb: VerifyCb,
    pub(crate) info_cb: Option<InfoCb>,
    pub(crate) keylog_cb: Option<KeylogCb>,
    pub(crate) remove_cb: Option<RemoveSessionCb>,
    /// The sessions the server's cache holds (id and protocol version), oldest first, as
    /// its events told: what `SSL_CTX_free` flushes through the remove callback.
    pub(crate) cached: VecDeque<(Vec<u8>, c_int)>,
}

// SAFETY: the raw pointers kept here (ex_data values, callback arguments) are opaque values the
// application owns; hs never dereferences them, it only hands them back, as OpenSSL does.
unsafe impl Send for CtxInner {}

/// `SSL_CTX`.
pub(crate) struct SslCtx {
    refs: AtomicI32,
    pub(crate) role: u8,
    inner: Mutex<CtxInner>,
    pub(crate) counters: [AtomicI64; 6],
    /// An info callback is set (read without the lock on every I/O call).
    pub(crate) has_info_cb: AtomicBool,
    /// A keylog callback is set.
    pub(crate) has_keylog_cb: AtomicBool,
}

/// Indexes into [`SslCtx::counters`].
pub(crate) mod counter {
    pub(crate) const CONNECT: usize = 0;
    pub(crate) const CONNECT_GOOD: usize = 1;
    pub(crate) const ACCEPT: usize = 2;
    pub(crate) const ACCEPT_GOOD: usize = 3;
    pub(crate) const HITS: usize = 4;
}

impl SslCtx {
    pub(crate) fn lock(&self) -> MutexGuard<'_, CtxInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn up_ref(&self) {
        self.refs.fetch_add(1, Ordering::AcqRel);
    }

    pub(crate) fn release(p: *mut SslCtx) {
        let Some(c) = obj_or_null(p) else { return };
        if c.refs.fetch_sub(1, Ordering::AcqRel) == 1 {
            c.flush_sessions(p);
            // SAFETY: last reference; `p` came from Box::into_raw in SSL_CTX_new.
            drop(unsafe { Box::from_raw(p) });
        }
    }

    /// As OpenSSL's `SSL_CTX_free`: every session still cached goes through the remove
    /// callback, oldest first, while the SSL_CTX is still valid.
    fn flush_sessions(&self, p: *mut SslCtx) {
        let (cb, cached) = {
            let mut g = self.lock();
            (g.remove_cb, std::mem::take(&mut g.cached))
        };
        let Some(cb) = cb else { return };
        for (id, version) in cached {
            let sess = SslSession::server(&id, version);
            // SAFETY: the application registered `cb` with SSL_CTX_sess_set_remove_cb; it
            // gets the SSL_CTX being freed (valid until this returns) and a session it may
            // up_ref to keep.
            unsafe { cb(p, sess) };
            SslSession::release(sess);
        }
    }

    /// The hs context for the current settings (`CtxInner::context`).
    pub(crate) fn context(&self) -> Result<Context, Error> {
        self.lock().context()
    }

    /// The hs context for an SSL's settings (copied from this SSL_CTX at `SSL_new`, then
    /// perhaps changed on the SSL), with this SSL_CTX's callbacks. SSLs with the same
    /// settings share one context, and so its session cache and resumption.
    pub(crate) fn context_for(&self, settings: &Arc<Settings>) -> Result<Context, Error> {
        let same = |s: &Arc<Settings>| Arc::ptr_eq(s, settings) || s.builds_like(settings);
        let mut g = self.lock();
        if same(&g.settings) {
            return g.context();
        }
        if let Some((_, c)) = g.variants.iter().find(|(s, _)| same(s)) {
            return Ok(c.clone());
        }
        let resumption = g.resumption()?;
        let c = settings.build(&g.hooks, &resumption)?;
        if g.variants.len() >= MAX_VARIANTS {
            g.variants.remove(0);
        }
        g.variants.push((settings.clone(), c.clone()));
        Ok(c)
    }

    fn change(&self, f: impl FnOnce(&mut Settings)) {
        self.lock().change(f);
    }

    pub(crate) fn bump(&self, which: usize) {
        self.counters[which].fetch_add(1, Ordering::Relaxed);
    }

    /// The cache's limit after a change of its size or mode: the SSL_CTX's one cache keeps
    /// its sessions under the new limit.
    fn sync_cache_limit(&self) {
        let g = self.lock();
        if let (Some(r), Some(n)) = (&g.resumption, g.settings.cache_limit()) {
            r.set_cache_size(n);
        }
    }

    /// Whether the server's session cache reports its changes, after the new-session or
    /// remove callback changed.
    fn update_session_events(&self) {
        let g = self.lock();
        if let Some(r) = &g.resumption {
            r.set_events(g.session_events());
        }
    }
}

impl CtxInner {
    /// The hs context for the current settings, built on first use after a change.
    fn context(&mut self) -> Result<Context, Error> {
        if let Some(c) = &self.built {
            return Ok(c.clone());
        }
        let resumption = self.resumption()?;
        let c = self.settings.build(&self.hooks, &resumption)?;
        self.built = Some(c.clone());
        Ok(c)
    }

    /// Changes the settings (copying them first if an SSL shares them).
    fn change(&mut self, f: impl FnOnce(&mut Settings)) {
        f(Arc::make_mut(&mut self.settings));
        self.stale();
    }

    /// Forgets the contexts built so far, after a change of what they are built from.
    fn stale(&mut self) {
        self.built = None;
        self.variants.clear();
    }

    /// The server's resumption state, made on first use with the current cache size and
    /// callbacks.
    fn resumption(&mut self) -> Result<ServerResumption, Error> {
        if let Some(r) = &self.resumption {
            return Ok(r.clone());
        }
        let r = ServerResumption::new(self.settings.cache_limit().unwrap_or(1))?;
        r.set_events(self.session_events());
        self.resumption = Some(r.clone());
        Ok(r)
    }

    /// Where the cache's events go: to this SSL_CTX while it has a new-session or remove
    /// callback.
    fn session_events(&self) -> Option<ServerSessionCallback> {
        (self.new_session_cb.is_some() || self.remove_cb.is_some())
            .then(|| crate::callbacks::session_events(self.hooks.owner))
    }
}

fn fail(e: &Error) -> c_int {
    err::push_error(e);
    0
}

ffi_fn! {
    /// `TLS_method`.
    fn TLS_method() -> *const SslMethod = std::ptr::null(); { &TLS_METHOD }
}
ffi_fn! {
    /// `TLS_client_method`.
    fn TLS_client_method() -> *const SslMethod = std::ptr::null(); { &TLS_CLIENT_METHOD }
}
ffi_fn! {
    /// `TLS_server_method`.
    fn TLS_server_method() -> *const SslMethod = std::ptr::null(); { &TLS_SERVER_METHOD }
}

ffi_fn! {
    /// `SSL_CTX_new`.
    fn SSL_CTX_new(method: *const SslMethod) -> *mut SslCtx = std::ptr::null_mut(); {
        let Some(m) = obj(method) else { return std::ptr::null_mut() };
        let ctx = Box::into_raw(Box::new(SslCtx {
            refs: AtomicI32::new(1),
            role: m.role,
            inner: Mutex::new(CtxInner {
                settings: Arc::default(),
                hooks: Hooks::default(),
                built: None,
                resumption: None,
                variants: Vec::new(),
                ex_data: BTreeMap::new(),
                new_session_cb: None,
                verify_cb: None,
                info_cb: None,
                keylog_cb: None,
                remove_cb: None,
                cached: VecDeque::new(),
            }),
            counters: Default::default(),
            has_info_cb: AtomicBool::new(false),
            has_keylog_cb: AtomicBool::new(false),
        }));
        if let Some(c) = obj_or_null(ctx) {
            c.lock().hooks.owner = ctx as usize;
        }
        ctx
    }
}

ffi_fn! {
    /// `SSL_CTX_up_ref`.
    fn SSL_CTX_up_ref(ctx: *mut SslCtx) -> c_int = 0; {
        obj(ctx).map_or(0, |c| {
            c.up_ref();
            1
        })
    }
}

ffi_fn! {
    /// `SSL_CTX_free`.
    fn SSL_CTX_free(ctx: *mut SslCtx) {
        SslCtx::release(ctx)
    }
}

fn read_path(file: *const c_char) -> Result<Vec<u8>, Error> {
    let path =
        cstr(file).ok_or_else(|| Error::config(Reason::SSL_R_BAD_VALUE, "NULL file name"))?;
    std::fs::read(path).map_err(|e| {
        Error::config(
            Reason::sys(e.raw_os_error().unwrap_or(0)),
            format!("{path}: {e}"),
        )
    })
}

fn pem_blocks(pem: &[u8], label: &str) -> Vec<Vec<u8>> {
    use rustls_pki_types::pem::{PemObject, SectionKind};
    let want = match label {
        "CERTIFICATE" => SectionKind::Certificate,
        _ => SectionKind::PrivateKey,
    };
    <(SectionKind, Vec<u8>)>::pem_slice_iter(pem)
        .filter_map(Result::ok)
        .filter(|(k, _)| {
            *k == want
                || (label != "CERTIFICATE"
                    && matches!(
                        k,
                        SectionKind::RsaPrivateKey
                            | SectionKind::EcPrivateKey
                            | SectionKind::PrivateKey
                    ))
        })
        .map(|(_, d)| d)
        .collect()
}

fn no_start_line() -> Error {
    Error::config(
        Reason::PEM_R_NO_START_LINE,
        "no PEM block of the expected kind",
    )
}

/// Validates a (chain, key) pair as `SSL_CTX_use_PrivateKey*` and `SSL_CTX_check_private_key` do.
fn check_pair(chain: &[CertificateDer<'static>], key: &[u8]) -> Result<(), Error> {
    let key = PrivateKeyDer::try_from(key.to_vec())
        .map_err(|e| Error::config(Reason::SSL_R_BAD_VALUE, format!("private key: {e}")))?;
    Context::builder()
        .certificate_chain_der(chain.to_vec())
        .private_key_der(key)
        .build()
        .map(|_| ())
}

fn use_chain(ctx: *mut SslCtx, chain: Vec<CertificateDer<'static>>) -> c_int {
    let Some(c) = obj(ctx) else { return 0 };
    if chain.is_empty() {
        return fail(&no_start_line());
    }
    let key = c.lock().settings.key.clone();
    if let Some(k) = key {
        // OpenSSL drops a key that does not match a newly set certificate.
        if check_pair(&chain, &k).is_err() {
            c.change(|s| s.key = None);
        }
    }
    c.change(|s| s.chain = Some(chain));
    1
}

fn use_key(ctx: *mut SslCtx, key: Vec<u8>) -> c_int {
    let Some(c) = obj(ctx) else { return 0 };
    if PrivateKeyDer::try_from(key.clone()).is_err() {
        return fail(&Error::config(Reason::SSL_R_BAD_VALUE, "not a private key"));
    }
    let chain = c.lock().settings.chain.clone();
    if let Some(chain) = chain {
        if let Err(e) = check_pair(&chain, &key) {
            return fail(&e);
        }
    }
    c.change(|s| s.key = Some(key));
    1
}

ffi_fn! {
    /// `SSL_CTX_use_certificate_chain_file` (PEM: the leaf, then its chain).
    fn SSL_CTX_use_certificate_chain_file(ctx: *mut SslCtx, file: *const c_char) -> c_int = 0; {
        if obj(ctx).is_none() {
            return 0;
        }
        match read_path(file) {
            Ok(pem) => use_chain(ctx, pem_blocks(&pem, "CERTIFICATE").into_iter().map(CertificateDer::from).collect()),
            Err(e) => fail(&e),
        }
    }
}

ffi_fn! {
    /// `SSL_CTX_use_certificate_file`: the first certificate of a PEM or DER file.
    fn SSL_CTX_use_certificate_file(ctx: *mut SslCtx, file: *const c_char, kind: c_int) -> c_int = 0; {
        if obj(ctx).is_none() {
            return 0;
        }
        let data = match read_path(file) {
            Ok(d) => d,
            Err(e) => return fail(&e),
        };
        let cert = match kind {
            SSL_FILETYPE_PEM => pem_blocks(&data, "CERTIFICATE").into_iter().next(),
            SSL_FILETYPE_ASN1 => Some(data),
            _ => {
                err::push_raw(ERR_LIB_SSL, SSL_R_BAD_SSL_FILETYPE, "");
                return 0;
            }
        };
        match cert {
            Some(c) => use_chain(ctx, vec![CertificateDer::from(c)]),
            None => fail(&no_start_line()),
        }
    }
}

ffi_fn! {
    /// `SSL_CTX_use_certificate_ASN1`.
    fn SSL_CTX_use_certificate_ASN1(ctx: *mut SslCtx, len: c_int, d: *const u8) -> c_int = 0; {
        if obj(ctx).is_none() {
            return 0;
        }
        let Some(der) = bytes(d, len.max(0) as usize) else { return 0 };
        use_chain(ctx, vec![CertificateDer::from(der.to_vec())])
    }
}

ffi_fn! {
    /// `SSL_CTX_use_PrivateKey_file` (PEM or DER; PKCS#8, PKCS#1 or SEC1).
    fn SSL_CTX_use_PrivateKey_file(ctx: *mut SslCtx, file: *const c_char, kind: c_int) -> c_int = 0; {
        if obj(ctx).is_none() {
            return 0;
        }
        let data = match read_path(file) {
            Ok(d) => d,
            Err(e) => return fail(&e),
        };
        let key = match kind {
            SSL_FILETYPE_PEM => pem_blocks(&data, "KEY").into_iter().next(),
            SSL_FILETYPE_ASN1 => Some(data),
            _ => {
                err::push_raw(ERR_LIB_SSL, SSL_R_BAD_SSL_FILETYPE, "");
                return 0;
            }
        };
        match key {
            Some(k) => use_key(ctx, k),
            None => fail(&no_start_line()),
        }
    }
}

ffi_fn! {
    /// `SSL_CTX_use_PrivateKey_ASN1` (the type argument is not needed: the DER says it).
    fn SSL_CTX_use_PrivateKey_ASN1(_pk: c_int, ctx: *mut SslCtx, d: *const u8, len: c_long) -> c_int = 0; {
        if obj(ctx).is_none() {
            return 0;
        }
        let Some(der) = bytes(d, len.max(0) as usize) else { return 0 };
        use_key(ctx, der.to_vec())
    }
}

ffi_fn! {
    /// `SSL_CTX_check_private_key`.
    fn SSL_CTX_check_private_key(ctx: *const SslCtx) -> c_int = 0; {
        let Some(c) = obj(ctx) else { return 0 };
        let (chain, key) = {
            let g = c.lock();
            (g.settings.chain.clone(), g.settings.key.clone())
        };
        match (chain, key) {
            (None, _) => fail(&Error::config(SSL_R_NO_CERTIFICATE_ASSIGNED, "no certificate")),
            (_, None) => fail(&Error::config(Reason::SSL_R_NO_PRIVATE_KEY_ASSIGNED, "no private key")),
            (Some(ch), Some(k)) => match check_pair(&ch, &k) {
                Ok(()) => 1,
                Err(e) => fail(&e),
            },
        }
    }
}

fn load_file(c: &SslCtx, file: &str) -> Result<(), Error> {
    let pem = std::fs::read(file).map_err(|e| {
        Error::config(
            Reason::sys(e.raw_os_error().unwrap_or(0)),
            format!("{file}: {e}"),
        )
    })?;
    let certs = pem_blocks(&pem, "CERTIFICATE");
    if certs.is_empty() {
        return Err(no_start_line());
    }
    c.change(|s| s.trust.extend(certs.into_iter().map(CertificateDer::from)));
    Ok(())
}

fn load_dir(c: &SslCtx, dir: &str) {
    // OpenSSL only records the directory and looks certificates up by subject hash there
    // during verification, so a directory that is missing or unreadable is accepted and
    // trusts nothing. hs loads every PEM certificate the directory holds now, which trusts
    // the same set as long as the directory does not change.
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut found = Vec::new();
    for entry in rd.flatten() {
        if let Ok(pem) = std::fs::read(entry.path()) {
            found.extend(pem_blocks(&pem, "CERTIFICATE"));
        }
    }
    c.change(|s| s.trust.extend(found.into_iter().map(CertificateDer::from)));
}

ffi_fn! {
    /// `SSL_CTX_load_verify_locations`.
    fn SSL_CTX_load_verify_locations(ctx: *mut SslCtx, file: *const c_char, path: *const c_char) -> c_int = 0; {
        let Some(c) = obj(ctx) else { return 0 };
        if file.is_null() && path.is_null() {
            err::push_raw(ERR_LIB_SSL, err::ERR_R_PASSED_NULL_PARAMETER, "");
            return 0;
        }
        if !file.is_null() {
            let Some(f) = cstr(file) else { return 0 };
            if let Err(e) = load_file(c, f) {
                return fail(&e);
            }
        }
        if !path.is_null() {
            let Some(p) = cstr(path) else { return 0 };
            load_dir(c, p);
        }
        1
    }
}

ffi_fn! {
    /// `SSL_CTX_load_verify_file`.
    fn SSL_CTX_load_verify_file(ctx: *mut SslCtx, file: *const c_char) -> c_int = 0; {
        let (Some(c), Some(f)) = (obj(ctx), cstr(file)) else { return 0 };
        match load_file(c, f) {
            Ok(()) => 1,
            Err(e) => fail(&e),
        }
    }
}

ffi_fn! {
    /// `SSL_CTX_load_verify_dir`: 1 even for a missing directory, as OpenSSL.
    fn SSL_CTX_load_verify_dir(ctx: *mut SslCtx, dir: *const c_char) -> c_int = 0; {
        let (Some(c), Some(d)) = (obj(ctx), cstr(dir)) else { return 0 };
        load_dir(c, d);
        1
    }
}

ffi_fn! {
    /// `SSL_CTX_set_default_verify_paths`: the system's trust store.
    fn SSL_CTX_set_default_verify_paths(ctx: *mut SslCtx) -> c_int = 0; {
        let Some(c) = obj(ctx) else { return 0 };
        c.change(|s| s.system_roots = true);
        1
    }
}

/// `SSL_verify_cb`: (preverify_ok, `X509_STORE_CTX *`) -> accept.
pub(crate) type VerifyCb = Option<unsafe extern "C" fn(c_int, *mut X509StoreCtx) -> c_int>;

ffi_fn! {
    /// `SSL_CTX_set_verify`: the mode, and the callback (NULL for none) that `SSL`s created
    /// afterwards call during certificate verification (see `callbacks::verify`).
    fn SSL_CTX_set_verify(ctx: *mut SslCtx, mode: c_int, cb: VerifyCb) {
        let Some(c) = obj(ctx) else { return };
        c.change(|s| s.verify_mode = mode);
        c.lock().verify_cb = cb;
    }
}

ffi_fn! {
    /// `SSL_CTX_get_verify_mode`.
    fn SSL_CTX_get_verify_mode(ctx: *const SslCtx) -> c_int = 0; {
        obj(ctx).map_or(0, |c| c.lock().settings.verify_mode)
    }
}

ffi_fn! {
    /// `SSL_CTX_set_verify_depth` (recorded; webpki limits chain length itself).
    fn SSL_CTX_set_verify_depth(ctx: *mut SslCtx, depth: c_int) {
        if let Some(c) = obj(ctx) {
            c.change(|s| s.verify_depth = depth);
        }
    }
}

ffi_fn! {
    /// `SSL_CTX_get_verify_depth`.
    fn SSL_CTX_get_verify_depth(ctx: *const SslCtx) -> c_int = 0; {
        obj(ctx).map_or(0, |c| c.lock().settings.verify_depth)
    }
}

ffi_fn! {
    /// `SSL_CTX_set_options`: returns the new options.
    fn SSL_CTX_set_options(ctx: *mut SslCtx, op: u64) -> u64 = 0; {
        let Some(c) = obj(ctx) else { return 0 };
        c.change(|s| s.options |= op);
        c.lock().settings.options
    }
}

ffi_fn! {
    /// `SSL_CTX_clear_options`.
    fn SSL_CTX_clear_options(ctx: *mut SslCtx, op: u64) -> u64 = 0; {
        let Some(c) = obj(ctx) else { return 0 };
        c.change(|s| s.options &= !op);
        c.lock().settings.options
    }
}

ffi_fn! {
    /// `SSL_CTX_get_options`.
    fn SSL_CTX_get_options(ctx: *const SslCtx) -> u64 = 0; {
        obj(ctx).map_or(0, |c| c.lock().settings.options)
    }
}

/// Parses an OpenSSL cipher string into the suites hs knows. Explicit names are kept in
/// order; `DEFAULT`, `ALL`, `HIGH`, `ECDHE`, `AESGCM` and `CHACHA20` stand for every suite
/// hs has of the kind asked; `!x`, `-x`, `+x` and `@STRENGTH` are ignored. Nothing known →
/// `SSL_R_NO_CIPHER_MATCH`, as OpenSSL.
pub(crate) fn parse_suites(list: &str, tls13: bool) -> Result<Vec<String>, Error> {
    let known: &[&str] = if tls13 { &TLS13_SUITES } else { &TLS12_SUITES };
    let mut out: Vec<String> = Vec::new();
    for tok in list.split([':', ',', ' ', ';']).filter(|t| !t.is_empty()) {
        if tok.starts_with(['!', '-', '+', '@']) {
            continue;
        }
        let add: Vec<&str> = match tok {
            "DEFAULT" | "ALL" | "HIGH" | "ECDHE" | "EECDH" | "kECDHE" if !tls13 => known.to_vec(),
            "AESGCM" if !tls13 => known
                .iter()
                .copied()
                .filter(|s| s.contains("GCM"))
                .collect(),
            "CHACHA20" if !tls13 => known
                .iter()
                .copied()
                .filter(|s| s.contains("CHACHA"))
                .collect(),
            t => known
                .iter()
                .copied()
                .filter(|s| s.eq_ignore_ascii_case(t))
                .collect(),
        };
        for s in add {
            if !out.iter().any(|o| o == s) {
                out.push(s.to_owned());
            }
        }
    }
    if out.is_empty() && !(tls13 && list.is_empty()) {
        return Err(Error::config(
            Reason::SSL_R_NO_CIPHER_MATCH,
            format!("no cipher hs supports in {list:?}"),
        ));
    }
    Ok(out)
}

ffi_fn! {
    /// `SSL_CTX_set_ciphersuites` (TLS 1.3 suites).
    fn SSL_CTX_set_ciphersuites(ctx: *mut SslCtx, s: *const c_char) -> c_int = 0; {
        let (Some(c), Some(s)) = (obj(ctx), cstr(s)) else { return 0 };
        match parse_suites(s, true) {
            Ok(v) => {
                c.change(|st| st.tls13_suites = Some(v));
                1
            }
            Err(e) => fail(&e),
        }
    }
}

ffi_fn! {
    /// `SSL_CTX_set_cipher_list` (TLS 1.2 suites).
    fn SSL_CTX_set_cipher_list(ctx: *mut SslCtx, s: *const c_char) -> c_int = 0; {
        let (Some(c), Some(s)) = (obj(ctx), cstr(s)) else { return 0 };
        match parse_suites(s, false) {
            Ok(v) => {
                c.change(|st| st.tls12_suites = Some(v));
                1
            }
            Err(e) => fail(&e),
        }
    }
}

/// Splits ALPN wire format (length-prefixed names) into protocols; `None` if malformed.
pub(crate) fn parse_alpn(wire: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    let mut rest = wire;
    while let Some((&n, tail)) = rest.split_first() {
        let n = n as usize;
        if n == 0 || tail.len() < n {
            return None;
        }
        out.push(tail[..n].to_vec());
        rest = &tail[n..];
    }
    Some(out)
}

ffi_fn! {
    /// `SSL_CTX_set_alpn_protos`: 0 on success (OpenSSL's inverted convention).
    fn SSL_CTX_set_alpn_protos(ctx: *mut SslCtx, protos: *const u8, len: c_uint) -> c_int = 1; {
        let Some(c) = obj(ctx) else { return 1 };
        let Some(wire) = bytes(protos, len as usize) else { return 1 };
        match parse_alpn(wire) {
            Some(p) => {
                c.change(|s| s.alpn = p);
                0
            }
            None => {
                err::push_raw(ERR_LIB_SSL, Reason::SSL_R_BAD_VALUE.code, "malformed ALPN list");
                1
            }
        }
    }
}

ffi_fn! {
    /// `SSL_CTX_set_alpn_select_cb`.
    fn SSL_CTX_set_alpn_select_cb(ctx: *mut SslCtx, cb: Option<AlpnSelectCb>, arg: *mut c_void) {
        let Some(c) = obj(ctx) else { return };
        let mut g = c.lock();
        g.hooks.alpn_select = cb.map(|cb| (cb, arg as usize));
        g.stale();
    }
}

ffi_fn! {
    /// `SSL_CTX_set_session_id_context`. Sessions cached under another id context no
    /// longer resume, as in OpenSSL: a new id context starts a new cache and ticket keys
    /// (what the old cache held still goes through the remove callback at `SSL_CTX_free`).
    fn SSL_CTX_set_session_id_context(ctx: *mut SslCtx, sid: *const u8, len: c_uint) -> c_int = 0; {
        let Some(c) = obj(ctx) else { return 0 };
        if len > 32 {
            err::push_raw(ERR_LIB_SSL, 273, "");
            return 0;
        }
        let Some(d) = bytes(sid, len as usize) else { return 0 };
        let mut g = c.lock();
        if g.settings.sid_ctx != d {
            g.resumption = None;
            g.change(|s| s.sid_ctx = d.to_vec());
        }
        1
    }
}

ffi_fn! {
    /// `SSL_CTX_sess_set_new_cb`: called on a client when a session arrives
    /// (with `SSL_SESS_CACHE_CLIENT` set), once per TLS 1.3 ticket.
    fn SSL_CTX_sess_set_new_cb(ctx: *mut SslCtx, cb: Option<NewSessionCb>) {
        if let Some(c) = obj(ctx) {
            c.lock().new_session_cb = cb;
            c.update_session_events();
        }
    }
}

ffi_fn! {
    /// `SSL_CTX_sess_set_remove_cb`: called with the SSL_CTX and the session (a reference
    /// the callback may keep with `SSL_SESSION_up_ref`) when a session leaves a server's
    /// cache: the oldest one evicted when the cache is full, or a TLS 1.3 session used
    /// once for resumption.
    fn SSL_CTX_sess_set_remove_cb(ctx: *mut SslCtx, cb: Option<RemoveSessionCb>) {
        if let Some(c) = obj(ctx) {
            c.lock().remove_cb = cb;
            c.update_session_events();
        }
    }
}

ffi_fn! {
    /// `SSL_CTX_sess_get_remove_cb`.
    fn SSL_CTX_sess_get_remove_cb(ctx: *mut SslCtx) -> Option<RemoveSessionCb> = None; {
        obj(ctx).and_then(|c| c.lock().remove_cb)
    }
}

ffi_fn! {
    /// `SSL_CTX_set_info_callback`: used by the SSLs of this SSL_CTX that have none of
    /// their own, looked up at each event as OpenSSL does.
    fn SSL_CTX_set_info_callback(ctx: *mut SslCtx, cb: Option<InfoCb>) {
        if let Some(c) = obj(ctx) {
            c.lock().info_cb = cb;
            c.has_info_cb.store(cb.is_some(), Ordering::Release);
        }
    }
}

ffi_fn! {
    /// `SSL_CTX_get_info_callback`.
    fn SSL_CTX_get_info_callback(ctx: *mut SslCtx) -> Option<InfoCb> = None; {
        obj(ctx).and_then(|c| c.lock().info_cb)
    }
}

ffi_fn! {
    /// `SSL_CTX_set_keylog_callback`: each secret of the connections of this SSL_CTX, as
    /// one NSS key log line (NUL-terminated, no newline), looked up when a line is logged.
    fn SSL_CTX_set_keylog_callback(ctx: *mut SslCtx, cb: Option<KeylogCb>) {
        if let Some(c) = obj(ctx) {
            c.lock().keylog_cb = cb;
            c.has_keylog_cb.store(cb.is_some(), Ordering::Release);
        }
    }
}

ffi_fn! {
    /// `SSL_CTX_get_keylog_callback`.
    fn SSL_CTX_get_keylog_callback(ctx: *const SslCtx) -> Option<KeylogCb> = None; {
        obj(ctx).and_then(|c| c.lock().keylog_cb)
    }
}

ffi_fn! {
    /// `SSL_CTX_set_timeout`: returns the previous timeout.
    fn SSL_CTX_set_timeout(ctx: *mut SslCtx, t: c_long) -> c_long = 0; {
        let Some(c) = obj(ctx) else { return 0 };
        let old = c.lock().settings.timeout;
        c.change(|s| s.timeout = t);
        old
    }
}

ffi_fn! {
    /// `SSL_CTX_get_timeout`.
    fn SSL_CTX_get_timeout(ctx: *const SslCtx) -> c_long = 0; {
        obj(ctx).map_or(0, |c| c.lock().settings.timeout)
    }
}

ffi_fn! {
    /// `SSL_CTX_set_ex_data`.
    fn SSL_CTX_set_ex_data(ctx: *mut SslCtx, idx: c_int, arg: *mut c_void) -> c_int = 0; {
        let Some(c) = obj(ctx) else { return 0 };
        c.lock().ex_data.insert(idx, arg as usize);
        1
    }
}

ffi_fn! {
    /// `SSL_CTX_get_ex_data`.
    fn SSL_CTX_get_ex_data(ctx: *const SslCtx, idx: c_int) -> *mut c_void = std::ptr::null_mut(); {
        obj(ctx).and_then(|c| c.lock().ex_data.get(&idx).copied()).unwrap_or(0) as *mut c_void
    }
}

/// Applies a min/max protocol version ctrl; 0 (with `SSL_R_UNSUPPORTED_PROTOCOL`) for a
/// number that is no TLS version, or a maximum below TLS 1.2 (hs has no TLS 1.0/1.1).
pub(crate) fn proto_version(s: &mut Settings, max: bool, v: c_long) -> c_long {
    let v = v as c_int;
    if v != 0 && version_of(v).is_none() {
        err::push_reason(SSL_R_UNSUPPORTED_PROTOCOL, "unknown protocol version");
        return 0;
    }
    if max && v != 0 && v < 0x0303 {
        err::push_reason(
            SSL_R_UNSUPPORTED_PROTOCOL,
            "hs speaks TLS 1.2 and TLS 1.3 only",
        );
        return 0;
    }
    if max {
        s.max_version = v;
    } else {
        s.min_version = v;
    }
    1
}

ffi_fn! {
    /// `SSL_CTX_ctrl`: min/max protocol version, mode, session cache mode and size, the
    /// `sess_*` counters, groups list. Other commands return 0.
    fn SSL_CTX_ctrl(ctx: *mut SslCtx, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long = 0; {
        let Some(c) = obj(ctx) else { return 0 };
        let counter = |i: usize| c.counters[i].load(Ordering::Relaxed) as c_long;
        match cmd {
            SSL_CTRL_SET_MIN_PROTO_VERSION | SSL_CTRL_SET_MAX_PROTO_VERSION => {
                let mut r = 0;
                c.change(|s| r = proto_version(s, cmd == SSL_CTRL_SET_MAX_PROTO_VERSION, larg));
                r
            }
            SSL_CTRL_GET_MIN_PROTO_VERSION => c.lock().settings.min_version as c_long,
            SSL_CTRL_GET_MAX_PROTO_VERSION => c.lock().settings.max_version as c_long,
            SSL_CTRL_MODE => {
                c.change(|s| s.mode |= larg as u64);
                c.lock().settings.mode as c_long
            }
            SSL_CTRL_CLEAR_MODE => {
                c.change(|s| s.mode &= !(larg as u64));
                c.lock().settings.mode as c_long
            }
            SSL_CTRL_SET_SESS_CACHE_MODE => {
                let old = c.lock().settings.cache_mode;
                c.change(|s| s.cache_mode = larg);
                c.sync_cache_limit();
                old
            }
            SSL_CTRL_GET_SESS_CACHE_MODE => c.lock().settings.cache_mode,
            SSL_CTRL_SET_SESS_CACHE_SIZE => {
                if larg < 0 {
                    return 0;
                }
                let old = c.lock().settings.cache_size.unwrap_or(SESSION_CACHE_MAX_SIZE_DEFAULT);
                c.change(|s| s.cache_size = Some(larg));
                c.sync_cache_limit();
                old
            }
            SSL_CTRL_GET_SESS_CACHE_SIZE => {
                c.lock().settings.cache_size.unwrap_or(SESSION_CACHE_MAX_SIZE_DEFAULT)
            }
            SSL_CTRL_SESS_NUMBER => c
                .lock()
                .resumption
                .as_ref()
                .map_or(0, |r| r.cached_sessions() as c_long),
            SSL_CTRL_SESS_CONNECT => counter(counter::CONNECT),
            SSL_CTRL_SESS_CONNECT_GOOD => counter(counter::CONNECT_GOOD),
            SSL_CTRL_SESS_ACCEPT => counter(counter::ACCEPT),
            SSL_CTRL_SESS_ACCEPT_GOOD => counter(counter::ACCEPT_GOOD),
            SSL_CTRL_SESS_HIT => counter(counter::HITS),
            SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG => {
                let mut g = c.lock();
                g.hooks.servername_arg = parg as usize;
                g.stale();
                1
            }
            SSL_CTRL_SET_GROUPS_LIST => {
                let Some(list) = cstr(parg.cast()) else { return 0 };
                match groups_list(list) {
                    Ok(g) => {
                        c.change(|s| s.groups = Some(g));
                        1
                    }
                    Err(e) => fail(&e) as c_long,
                }
            }
            _ => 0,
        }
    }
}

/// Validates a groups list (`X25519:P-256`) against what hs has.
pub(crate) fn groups_list(list: &str) -> Result<Vec<String>, Error> {
    let names: Vec<String> = list
        .split(':')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    Context::builder().groups(&refs)?;
    Ok(names)
}

ffi_fn! {
    /// `SSL_CTX_callback_ctrl`: `SSL_CTRL_SET_TLSEXT_SERVERNAME_CB` (53).
    fn SSL_CTX_callback_ctrl(ctx: *mut SslCtx, cmd: c_int, fp: Option<unsafe extern "C" fn()>) -> c_long = 0; {
        let Some(c) = obj(ctx) else { return 0 };
        if cmd != 53 {
            return 0;
        }
        let mut g = c.lock();
        g.hooks.servername = fp.map(|f| {
            // SAFETY: for command 53 OpenSSL documents the function as a servername callback
            // `int (*)(SSL *, int *, void *)`; the C caller cast it to `void (*)(void)`.
            unsafe { std::mem::transmute::<unsafe extern "C" fn(), ServernameCb>(f) }
        });
        g.stale();
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_1_0_and_1_1_as_maximum_are_refused_with_unsupported_protocol() {
        crate::err::clear_for_tests();
        // SAFETY: the context is created here and freed once.
        unsafe {
            let ctx = SSL_CTX_new(TLS_method());
            for v in [0x0301, 0x0302] {
                assert_eq!(
                    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MAX_PROTO_VERSION, v, std::ptr::null_mut()),
                    0
                );
                assert_eq!(crate::err::peek(), crate::err::pack(20, 258));
                crate::err::clear_for_tests();
            }
            assert_eq!(
                SSL_CTX_ctrl(ctx, SSL_CTRL_GET_MAX_PROTO_VERSION, 0, std::ptr::null_mut()),
                0,
                "unchanged"
            );
            // A lower minimum is what OpenSSL accepts too; hs then speaks TLS 1.2 and 1.3.
            assert_eq!(
                SSL_CTX_ctrl(
                    ctx,
                    SSL_CTRL_SET_MIN_PROTO_VERSION,
                    0x0301,
                    std::ptr::null_mut()
                ),
                1
            );
            assert_eq!(
                SSL_CTX_ctrl(ctx, SSL_CTRL_GET_MIN_PROTO_VERSION, 0, std::ptr::null_mut()),
                0x0301
            );
            assert_eq!(
                SSL_CTX_ctrl(
                    ctx,
                    SSL_CTRL_SET_MIN_PROTO_VERSION,
                    0x9999,
                    std::ptr::null_mut()
                ),
                0
            );
            crate::err::clear_for_tests();
            let settings = (*ctx).lock().settings.clone();
            assert_eq!(settings.versions(), (Version::Tls12, Version::Tls13));
            SSL_CTX_free(ctx);
        }
    }

    /// Settings the context is not built from (here the mode) do not cost an SSL a context
    /// of its own; those it is built from (here ALPN) do.
    #[test]
    fn only_settings_the_context_is_built_from_call_for_a_context_of_its_own() {
        // SAFETY: the context is created here and freed once.
        unsafe {
            let ctx = SSL_CTX_new(TLS_method());
            let c = &*ctx;
            let changed = |f: fn(&mut Settings)| {
                let mut s = Settings::clone(&c.lock().settings);
                f(&mut s);
                Arc::new(s)
            };
            c.context_for(&changed(|s| {
                s.mode |= crate::ssl::SSL_MODE_ENABLE_PARTIAL_WRITE;
            }))
            .unwrap();
            assert_eq!(c.lock().variants.len(), 0);
            c.context_for(&changed(|s| s.alpn = vec![b"h2".to_vec()]))
                .unwrap();
            assert_eq!(c.lock().variants.len(), 1);
            SSL_CTX_free(ctx);
        }
    }

    #[test]
    fn no_tls_version_options_narrow_the_range() {
        let s = Settings {
            options: SSL_OP_NO_TLSV1_3,
            ..Settings::default()
        };
        assert_eq!(s.versions(), (Version::Tls12, Version::Tls12));
        let s = Settings {
            options: SSL_OP_NO_TLSV1_2,
            ..Settings::default()
        };
        assert_eq!(s.versions(), (Version::Tls13, Version::Tls13));
    }

    #[test]
    fn cipher_strings_keep_known_names_and_expand_keywords() {
        assert_eq!(
            parse_suites("TLS_AES_128_GCM_SHA256:BOGUS", true).unwrap(),
            vec!["TLS_AES_128_GCM_SHA256"]
        );
        assert_eq!(
            parse_suites("HIGH:!aNULL:!MD5", false).unwrap().len(),
            TLS12_SUITES.len()
        );
        assert!(
            parse_suites("ECDHE-RSA-AES128-GCM-SHA256", false).unwrap()
                == vec!["ECDHE-RSA-AES128-GCM-SHA256"]
        );
        assert!(parse_suites("RC4-MD5", false).is_err());
        assert_eq!(
            parse_suites("", true).unwrap(),
            Vec::<String>::new(),
            "an empty TLS 1.3 list is allowed"
        );
    }

    #[test]
    fn alpn_wire_format_is_parsed_and_malformed_lists_are_refused() {
        assert_eq!(
            parse_alpn(b"\x02h2\x08http/1.1").unwrap(),
            vec![b"h2".to_vec(), b"http/1.1".to_vec()]
        );
        assert!(parse_alpn(b"\x05h2").is_none());
        assert!(parse_alpn(b"\x00").is_none());
    }
}
