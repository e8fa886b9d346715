//! OpenSSL 3 (the system's libssl, through the `openssl` crate) configured like hs and
//! rustls for a case, and its in-memory handshake over the same BIO pair, each side timed on
//! its own. Bench targets only: the `openssl` crate is a dev-dependency of hs-benches.

use std::time::Duration;

use hs_benches::cases::{Case, Proto};
use hs_benches::drive::{timed, SideTimes};
use hs_benches::pki::{CertKind, Pki, SERVER_NAME};
use hs_bio::{bio_pair, PairEnd};
use openssl::error::ErrorStack;
use openssl::pkey::PKey;
use openssl::ssl::{
    ErrorCode, Ssl, SslContext, SslContextBuilder, SslMethod, SslStream, SslVerifyMode, SslVersion,
};
use openssl::x509::X509;

/// More rounds than any handshake needs.
const MAX_ROUNDS: usize = 32;

/// OpenSSL client and server contexts for one case.
pub(crate) struct OpensslBench {
    client: SslContext,
    server: SslContext,
}

/// A finished OpenSSL connection pair over a BIO pair.
pub(crate) struct OpensslPair {
    /// The client.
    pub(crate) client: SslStream<PairEnd>,
    /// The server.
    pub(crate) server: SslStream<PairEnd>,
}

fn common(b: &mut SslContextBuilder, case: &Case) -> Result<(), ErrorStack> {
    let v = match case.proto {
        Proto::Tls12 => SslVersion::TLS1_2,
        Proto::Tls13 => SslVersion::TLS1_3,
    };
    b.set_min_proto_version(Some(v))?;
    b.set_max_proto_version(Some(v))?;
    match case.proto {
        Proto::Tls12 => b.set_cipher_list(case.suite())?,
        Proto::Tls13 => b.set_ciphersuites(case.suite())?,
    }
    // In TLS 1.2, OpenSSL uses an ECDSA certificate only if the client lists the
    // certificate's curve among its groups (RFC 4492): P-256 comes after X25519, which
    // stays the one negotiated.
    if case.proto == Proto::Tls12 && case.cert == CertKind::EcdsaP256 {
        b.set_groups_list(&format!("{}:P-256", case.kx.name()))
    } else {
        b.set_groups_list(case.kx.name())
    }
}

impl OpensslBench {
    /// Contexts for `case`: the same version, suite, group, chain and trust anchor as hs;
    /// the client verifies the chain and the host name, the server keeps OpenSSL's defaults
    /// for its session cache and tickets (as hs and rustls keep theirs).
    pub(crate) fn new(case: &Case, pki: &Pki) -> Result<OpensslBench, ErrorStack> {
        let mut c = SslContextBuilder::new(SslMethod::tls_client())?;
        common(&mut c, case)?;
        c.cert_store_mut()
            .add_cert(X509::from_pem(pki.root_pem.as_bytes())?)?;
        c.set_verify(SslVerifyMode::PEER);
        let mut s = SslContextBuilder::new(SslMethod::tls_server())?;
        common(&mut s, case)?;
        let mut chain = X509::stack_from_pem(pki.chain_pem.as_bytes())?.into_iter();
        if let Some(leaf) = chain.next() {
            s.set_certificate(&leaf)?;
        }
        for extra in chain {
            s.add_extra_chain_cert(extra)?;
        }
        let key = PKey::private_key_from_pem(pki.key_pem.as_bytes())?;
        s.set_private_key(&key)?;
        s.check_private_key()?;
        Ok(OpensslBench {
            client: c.build(),
            server: s.build(),
        })
    }

    /// A client `SSL` for this case: SNI and host-name check for [`SERVER_NAME`].
    pub(crate) fn new_client(&self) -> Result<Ssl, ErrorStack> {
        let mut ssl = Ssl::new(&self.client)?;
        ssl.set_hostname(SERVER_NAME)?;
        ssl.param_mut().set_host(SERVER_NAME)?;
        ssl.set_connect_state();
        Ok(ssl)
    }

    /// A server `SSL` for this case.
    pub(crate) fn new_server(&self) -> Result<Ssl, ErrorStack> {
        let mut ssl = Ssl::new(&self.server)?;
        ssl.set_accept_state();
        Ok(ssl)
    }

    /// One complete handshake; adds each side's time to `t`. The `SslStream` wrapping of
    /// the BIO pair ends (OpenSSL's BIO around a Rust stream) is transport set-up and is not
    /// timed, as creating the pair is not.
    pub(crate) fn handshake(&self, t: &mut SideTimes) -> Result<OpensslPair, String> {
        let (client_io, server_io) = bio_pair(0, 0);
        let client = timed(&mut t.client, || self.new_client())
            .map_err(|e| format!("openssl client: {e}"))?;
        let server = timed(&mut t.server, || self.new_server())
            .map_err(|e| format!("openssl server: {e}"))?;
        let mut client =
            SslStream::new(client, client_io).map_err(|e| format!("openssl client stream: {e}"))?;
        let mut server =
            SslStream::new(server, server_io).map_err(|e| format!("openssl server stream: {e}"))?;
        let (mut c_done, mut s_done) = (false, false);
        for _ in 0..MAX_ROUNDS {
            if !c_done {
                c_done =
                    step(&mut client, &mut t.client).map_err(|e| format!("openssl client: {e}"))?;
            }
            if !s_done {
                s_done =
                    step(&mut server, &mut t.server).map_err(|e| format!("openssl server: {e}"))?;
            }
            if c_done && s_done {
                return Ok(OpensslPair { client, server });
            }
        }
        Err(format!(
            "openssl handshake not finished after {MAX_ROUNDS} rounds"
        ))
    }
}

/// One `SSL_do_handshake`: `Ok(true)` when finished, `Ok(false)` on WANT_READ/WANT_WRITE.
fn step(s: &mut SslStream<PairEnd>, spent: &mut Duration) -> Result<bool, openssl::ssl::Error> {
    match timed(spent, || s.do_handshake()) {
        Ok(()) => Ok(true),
        Err(e) if e.code() == ErrorCode::WANT_READ || e.code() == ErrorCode::WANT_WRITE => {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}
