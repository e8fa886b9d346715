//! Certificate verification on the client: the result is recorded for `Ssl::verify_result`
//! and, without `SSL_VERIFY_PEER`, the handshake goes on as OpenSSL's does.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};

use crate::VerifyCode;

/// The verifier of a context's client configuration, shared by all its connections (rustls
/// resumes a session only under the verifier that made it). Each connection's mode and
/// result live in its [`ClientState`](crate::client_state::ClientState), reached through
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
        let state = crate::client_state::current();
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
        let code = match &outcome {
            Ok(_) => VerifyCode::X509_V_OK,
            Err(rustls::Error::InvalidCertificate(e)) => {
                verify_code_for(e, matches!(server_name, ServerName::IpAddress(_)))
            }
            Err(_) => VerifyCode::X509_V_ERR_UNSPECIFIED,
        };
        if let Some(state) = &state {
            state.record(code);
        }
        if enforce {
            outcome
        } else {
            Ok(ServerCertVerified::assertion())
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
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
