//! Certificate verification, both ways: the result is recorded for `Ssl::verify_result`, a
//! verify callback (`SSL_CTX_set_verify`'s) sees it and may override it, and a client without
//! `SSL_VERIFY_PEER` goes on as OpenSSL's does.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};

use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::DistinguishedName;

use crate::conn_state::ConnState;
use crate::VerifyCode;

/// The three signature methods of a verifier that checks handshake signatures with its
/// `provider`'s algorithms (the same for rustls' server- and client-certificate verifier
/// traits).
macro_rules! provider_signatures {
    () => {
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            let algs = &self.provider.signature_verification_algorithms;
            verify_tls12_signature(message, cert, dss, algs)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            let algs = &self.provider.signature_verification_algorithms;
            verify_tls13_signature(message, cert, dss, algs)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.provider
                .signature_verification_algorithms
                .supported_schemes()
        }
    };
}

/// What a verify callback is shown (OpenSSL's `preverify_ok` and `X509_STORE_CTX`).
///
/// hs verifies a chain in one step, so the callback is called once per verification, for
/// the end-entity certificate (depth 0), with the outcome for the whole chain; OpenSSL calls
/// it once per certificate, from the root down. A callback that returns `preverify_ok`, or
/// overrides a failure to accept, behaves the same either way.
#[derive(Debug)]
#[non_exhaustive]
pub struct VerifyInfo<'a> {
    /// True if the chain verified (OpenSSL's `preverify_ok`).
    pub preverify_ok: bool,
    /// The verification result, `X509_V_OK` or the failure (`X509_STORE_CTX_get_error`).
    pub error: VerifyCode,
    /// The depth of `certificate` in the chain: always 0 (`X509_STORE_CTX_get_error_depth`).
    pub depth: u32,
    /// The peer's end-entity certificate (`X509_STORE_CTX_get_current_cert`).
    pub certificate: &'a CertificateDer<'a>,
    /// The intermediates the peer sent.
    pub intermediates: &'a [CertificateDer<'a>],
}

/// A verify callback: returns true to accept the peer's certificate, false to fail the
/// handshake (OpenSSL's `SSL_verify_cb`). Set with
/// [`ContextBuilder::verify_callback`](crate::ContextBuilder::verify_callback) or
/// [`Ssl::set_verify_callback`](crate::Ssl::set_verify_callback).
pub type VerifyCallback = Arc<dyn Fn(&VerifyInfo<'_>) -> bool + Send + Sync>;

/// Runs the connection's callback on rustls' verdict, records the result, and returns the
/// verdict for rustls: `Ok` to accept, or an error — rustls' own, or an application
/// verification failure when the callback rejected a chain that verified.
fn decide<T>(
    state: Option<&ConnState>,
    outcome: Result<T, rustls::Error>,
    ip: bool,
    certificate: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
) -> Result<(), rustls::Error> {
    let error = match &outcome {
        Ok(_) => VerifyCode::X509_V_OK,
        Err(rustls::Error::InvalidCertificate(e)) => verify_code_for(e, ip),
        Err(_) => VerifyCode::X509_V_ERR_UNSPECIFIED,
    };
    let Some(state) = state else {
        return outcome.map(|_| ());
    };
    let accept = match &state.callback {
        Some(cb) => cb(&VerifyInfo {
            preverify_ok: outcome.is_ok(),
            error,
            depth: 0,
            certificate,
            intermediates,
        }),
        None => outcome.is_ok(),
    };
    match (accept, outcome) {
        // OpenSSL keeps the failure recorded when the callback overrides it.
        (true, _) => {
            state.record(error);
            Ok(())
        }
        (false, Err(e)) => {
            state.record(error);
            Err(e)
        }
        (false, Ok(_)) => {
            state.record(VerifyCode::X509_V_ERR_APPLICATION_VERIFICATION);
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }
}

/// The verifier of a context's client configuration, shared by all its connections (rustls
/// resumes a session only under the verifier that made it). Each connection's mode and
/// result live in its [`ConnState`](crate::conn_state::ConnState), reached through
/// the calling thread.
#[derive(Debug)]
pub(crate) struct ConnectionVerifier {
    inner: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
}

impl ConnectionVerifier {
    pub(crate) fn new(
        inner: Option<Arc<WebPkiServerVerifier>>,
        provider: Arc<CryptoProvider>,
    ) -> Arc<ConnectionVerifier> {
        Arc::new(ConnectionVerifier { inner, provider })
    }
}

impl ServerCertVerifier for ConnectionVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let outcome = match &self.inner {
            Some(v) => {
                v.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            }
            None => Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            )),
        };
        // Outside a call hs-core drives (rustls used directly with this configuration):
        // verify fully and record nothing.
        let state = crate::conn_state::current();
        let (enforce, check_name) = state
            .as_ref()
            .map_or((true, true), |s| (s.enforce, s.check_name));
        let outcome = match outcome {
            // webpki checks the name only after the chain verified.
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !check_name => Ok(ServerCertVerified::assertion()),
            other => other,
        };
        let ip = matches!(server_name, ServerName::IpAddress(_));
        match decide(state.as_deref(), outcome, ip, end_entity, intermediates) {
            Ok(()) => Ok(ServerCertVerified::assertion()),
            // Without SSL_VERIFY_PEER the failure is only recorded.
            Err(_) if !enforce => Ok(ServerCertVerified::assertion()),
            Err(e) => Err(e),
        }
    }

    provider_signatures!();
}

/// The `X509_V_ERR_*` code OpenSSL reports for what webpki found.
pub(crate) fn verify_code_for(e: &CertificateError, ip_name: bool) -> VerifyCode {
    #[allow(deprecated)]
    match e {
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            VerifyCode::X509_V_ERR_CERT_HAS_EXPIRED
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            VerifyCode::X509_V_ERR_CERT_NOT_YET_VALID
        }
        CertificateError::UnknownIssuer => VerifyCode::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            if ip_name {
                VerifyCode::X509_V_ERR_IP_ADDRESS_MISMATCH
            } else {
                VerifyCode::X509_V_ERR_HOSTNAME_MISMATCH
            }
        }
        CertificateError::Revoked => VerifyCode::X509_V_ERR_CERT_REVOKED,
        CertificateError::BadSignature => VerifyCode::X509_V_ERR_CERT_SIGNATURE_FAILURE,
        CertificateError::UnsupportedSignatureAlgorithm
        | CertificateError::UnsupportedSignatureAlgorithmContext { .. }
        | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            VerifyCode::X509_V_ERR_UNSUPPORTED_SIGNATURE_ALGORITHM
        }
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            VerifyCode::X509_V_ERR_INVALID_PURPOSE
        }
        CertificateError::UnhandledCriticalExtension => {
            VerifyCode::X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION
        }
        CertificateError::ApplicationVerificationFailure => {
            VerifyCode::X509_V_ERR_APPLICATION_VERIFICATION
        }
        _ => VerifyCode::X509_V_ERR_UNSPECIFIED,
    }
}

/// The client-certificate verifier of a context's server configuration: rustls' own, with the
/// connection's callback and result around it (see [`decide`]).
#[derive(Debug)]
pub(crate) struct ClientAuthVerifier {
    inner: Arc<dyn ClientCertVerifier>,
}

impl ClientAuthVerifier {
    pub(crate) fn new(inner: Arc<dyn ClientCertVerifier>) -> Arc<ClientAuthVerifier> {
        Arc::new(ClientAuthVerifier { inner })
    }
}

impl ClientCertVerifier for ClientAuthVerifier {
    fn offer_client_auth(&self) -> bool {
        self.inner.offer_client_auth()
    }

    fn client_auth_mandatory(&self) -> bool {
        self.inner.client_auth_mandatory()
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.inner.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        let outcome = self
            .inner
            .verify_client_cert(end_entity, intermediates, now);
        let state = crate::conn_state::current();
        decide(state.as_deref(), outcome, false, end_entity, intermediates)
            .map(|()| ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The client-certificate verifier of a server asked to verify peers without any trust
/// anchor: as OpenSSL, it asks for a certificate (naming no CAs) and finds any it gets
/// unverifiable (`X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY`, which a verify callback may
/// override); without `SSL_VERIFY_FAIL_IF_NO_PEER_CERT` a client may send none.
#[derive(Debug)]
pub(crate) struct NoTrustAnchors {
    mandatory: bool,
    provider: Arc<CryptoProvider>,
}

impl NoTrustAnchors {
    pub(crate) fn new(mandatory: bool, provider: Arc<CryptoProvider>) -> Arc<NoTrustAnchors> {
        Arc::new(NoTrustAnchors {
            mandatory,
            provider,
        })
    }
}

impl ClientCertVerifier for NoTrustAnchors {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        self.mandatory
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Err(rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer,
        ))
    }

    provider_signatures!();
}
