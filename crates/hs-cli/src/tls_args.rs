//! Options shared by `hs client`, `hs server` and `hs time`, and the [`Context`]s they build.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use hs_core::{ContextBuilder, Error, Version};

/// `--tls12` / `--tls13`.
#[derive(Args, Debug, Clone, Copy)]
pub(crate) struct VersionArgs {
    /// Speak only TLS 1.2.
    #[arg(long, conflicts_with = "tls13")]
    pub(crate) tls12: bool,
    /// Speak only TLS 1.3.
    #[arg(long)]
    pub(crate) tls13: bool,
}

impl VersionArgs {
    pub(crate) fn apply(self, b: ContextBuilder) -> ContextBuilder {
        if self.tls12 {
            b.only_version(Version::Tls12)
        } else if self.tls13 {
            b.only_version(Version::Tls13)
        } else {
            b
        }
    }
}

/// How a client checks the server: `--cafile F`, `--insecure`, or the system's roots.
#[derive(Args, Debug, Clone)]
pub(crate) struct TrustArgs {
    /// Trust the CA certificates in this PEM file (default: the system's trust store).
    #[arg(long, value_name = "FILE", conflicts_with = "insecure")]
    pub(crate) cafile: Option<PathBuf>,
    /// Accept any server certificate: no trust anchors are loaded, the handshake goes on,
    /// and the `verify:` line reports the failed check.
    #[arg(long, short = 'k')]
    pub(crate) insecure: bool,
}

impl TrustArgs {
    pub(crate) fn apply(&self, b: ContextBuilder) -> Result<ContextBuilder, Error> {
        if let Some(f) = &self.cafile {
            return b.trust_pem_file(f);
        }
        if self.insecure {
            // No trust anchors: the handshake goes on whatever the certificate, and the
            // verify result says it was not checked against any root.
            return Ok(b.verify_mode(hs_core::VerifyMode::NONE));
        }
        b.trust_system_roots()
    }
}

/// A positive number of seconds given to `flag`, as a `Duration`.
pub(crate) fn seconds(flag: &str, secs: f64) -> Result<Duration, Error> {
    Duration::try_from_secs_f64(secs)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| {
            Error::config(
                hs_core::Reason::SSL_R_BAD_VALUE,
                format!("{flag} {secs}: not a positive number of seconds"),
            )
        })
}

/// ALPN protocols: `--alpn P`, repeatable, in preference order.
pub(crate) fn alpn_list(alpn: &[String]) -> Vec<&[u8]> {
    alpn.iter().map(|p| p.as_bytes()).collect()
}

/// `HOST:PORT` split into the host (without IPv6 brackets) and the whole address.
pub(crate) fn host_of(target: &str) -> Result<String, String> {
    let (host, port) = target
        .rsplit_once(':')
        .ok_or_else(|| format!("{target:?}: expected HOST:PORT"))?;
    port.parse::<u16>()
        .map_err(|_| format!("{target:?}: {port:?} is not a port number"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return Err(format!("{target:?}: expected HOST:PORT"));
    }
    Ok(host.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_of_splits_names_addresses_and_bracketed_ipv6() {
        assert_eq!(host_of("example.com:443").unwrap(), "example.com");
        assert_eq!(host_of("127.0.0.1:4433").unwrap(), "127.0.0.1");
        assert_eq!(host_of("[::1]:4433").unwrap(), "::1");
        assert!(host_of("example.com").is_err());
        assert!(host_of("example.com:https").is_err());
        assert!(host_of(":443").is_err());
    }

    #[test]
    fn seconds_accepts_positive_numbers_only() {
        assert_eq!(
            seconds("--timeout", 1.5).unwrap(),
            Duration::from_millis(1500)
        );
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(seconds("--timeout", bad).is_err(), "{bad}");
        }
    }
}
