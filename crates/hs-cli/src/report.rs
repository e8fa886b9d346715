//! How the tool words a failed handshake: one line with code, reason and alert.

use hs_core::Error;

/// `code SSL_ERROR_SSL, reason error:0A000086:SSL routines::certificate verify failed,
/// alert sent alert unknown_ca (48): <what happened>`.
pub(crate) fn error_line(e: &Error) -> String {
    let reason = e
        .reason()
        .map(|r| r.error_string())
        .unwrap_or_else(|| "none".into());
    let alert = e
        .alert()
        .map(|a| a.to_string())
        .unwrap_or_else(|| "none".into());
    format!("code {}, reason {reason}, alert {alert}: {e}", e.code())
}

/// The hs error inside an `io::Error` from an hs-sync / hs-async stream, or the I/O error
/// itself as a SYSCALL error.
pub(crate) fn from_io(e: std::io::Error) -> Error {
    match e.get_ref().and_then(|inner| inner.downcast_ref::<Error>()) {
        Some(inner) => inner.clone(),
        None => Error::io(e),
    }
}

/// `yes` / `no`.
pub(crate) fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// The negotiated ALPN protocol, or `-`.
pub(crate) fn alpn_text(p: Option<&[u8]>) -> String {
    p.map(|p| String::from_utf8_lossy(p).into_owned())
        .unwrap_or_else(|| "-".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hs_core::{Alert, Reason};

    #[test]
    fn error_line_names_code_reason_and_alert() {
        let e = Error::protocol(
            Reason::SSL_R_NO_APPLICATION_PROTOCOL,
            Some(Alert::sent(120)),
            "no ALPN match",
        );
        let line = error_line(&e);
        assert!(
            line.starts_with("code SSL_ERROR_SSL, reason error:"),
            "{line}"
        );
        assert!(line.contains("no_application_protocol (120)"), "{line}");
        let refused = Error::io(std::io::Error::from_raw_os_error(111));
        let line = error_line(&refused);
        assert!(line.starts_with("code SSL_ERROR_SYSCALL"), "{line}");
        assert!(line.contains("alert none"), "{line}");
    }
}
