//! Key logging (`SSL_CTX_set_keylog_callback`, `SSLKEYLOGFILE`): the secrets of each
//! connection, one NSS key log line each, to the connection's callback.

use std::fmt::Write as _;
use std::sync::Arc;

/// Receives one line of the NSS key log format, without its newline —
/// `"CLIENT_RANDOM <client random> <master secret>"` for TLS 1.2,
/// `"CLIENT_HANDSHAKE_TRAFFIC_SECRET <client random> <secret>"` and the other TLS 1.3
/// labels — exactly what OpenSSL's keylog callback receives. Lines come on the thread
/// driving the connection, during its handshake.
pub type KeyLogCallback = Arc<dyn Fn(&str) + Send + Sync>;

/// The one `KeyLog` of every configuration hs builds: rustls calls it without saying which
/// connection, so it answers for the connection being driven on this thread (see
/// `conn_state.rs`) and logs nothing for a connection without a callback.
#[derive(Debug)]
pub(crate) struct RoutingKeyLog;

/// rustls derives the client's early traffic secret whenever a server accepts a PSK;
/// OpenSSL logs it only when early data is used, which hs never does.
const UNUSED_EARLY_SECRET: &str = "CLIENT_EARLY_TRAFFIC_SECRET";

impl rustls::KeyLog for RoutingKeyLog {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        if label == UNUSED_EARLY_SECRET {
            return;
        }
        // The callback is taken out of the thread's state before it runs: it may drive
        // another connection on this thread, which installs that connection's state.
        let cb = crate::conn_state::with_current(|state| state.key_log.clone()).flatten();
        if let Some(cb) = cb {
            cb(&line(label, client_random, secret));
        }
    }

    fn will_log(&self, label: &str) -> bool {
        label != UNUSED_EARLY_SECRET
            && crate::conn_state::with_current(|state| state.key_log.is_some()).unwrap_or(false)
    }
}

/// `LABEL <hex client random> <hex secret>`, lower-case hex as OpenSSL writes it.
fn line(label: &str, client_random: &[u8], secret: &[u8]) -> String {
    let mut s = String::with_capacity(label.len() + 2 + 2 * (client_random.len() + secret.len()));
    s.push_str(label);
    for part in [client_random, secret] {
        s.push(' ');
        for b in part {
            let _ = write!(s, "{b:02x}");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_label_and_two_hex_fields() {
        assert_eq!(
            line("CLIENT_RANDOM", &[0x00, 0xab], &[0x0f]),
            "CLIENT_RANDOM 00ab 0f"
        );
    }
}
