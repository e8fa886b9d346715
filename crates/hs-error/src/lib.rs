//! # hs-error — one error model for every face of hs
//!
//! hs rebuilds OpenSSL's handshake model (`SSL_do_handshake`, `SSL_get_error`, BIOs) on
//! rustls. This crate holds what every layer shares:
//!
//! - [`ErrorCode`]: OpenSSL's `SSL_ERROR_*` codes with their numeric values;
//! - [`Error`]: every failure, with [`Error::code`], the OpenSSL (library, [`Reason`]) pair
//!   the C face puts on its error queue, the TLS [`Alert`] sent or received, and for
//!   certificate failures the `X509_V_ERR_*` [`VerifyCode`];
//! - [`return_value`]: the man page's rule for what a call returns — 1 on success, 0 for a
//!   controlled shutdown, below 0 for a fatal error or a retry.
//!
//! Who should use it: code that inspects hs errors, and authors of new faces. Applications
//! use it through `hs-core`, `hs-sync` or `hs-async`, which re-export it.
//!
//! # Example: the non-blocking `do_handshake` loop, judged by code
//!
//! ```
//! use hs_core::{Context, Ssl, testing::TestPki};
//! use hs_error::{return_value, ErrorCode};
//!
//! let pki = TestPki::new("localhost");
//! let (mut client, mut server) = (
//!     Ssl::new(&Context::builder().trust_pem(pki.ca_pem()).unwrap().build().unwrap()),
//!     Ssl::new(&pki.server_context()),
//! );
//! client.set_connect_state("localhost").unwrap();
//! server.set_accept_state();
//! // A BIO pair of 64 bytes each way: both sides see WANT_READ / WANT_WRITE often.
//! let (mut c_io, mut s_io) = hs_bio::bio_pair(64, 64);
//! let (mut c_done, mut s_done) = (false, false);
//! for _ in 0..10_000 {
//!     if c_done && s_done {
//!         break;
//!     }
//!     for (ssl, io, done) in [(&mut client, &mut c_io, &mut c_done), (&mut server, &mut s_io, &mut s_done)] {
//!         if *done {
//!             // Finished: keep reading, as an application does, so that what the peer
//!             // still writes (a TLS 1.3 server's session tickets) can drain.
//!             let _ = ssl.peek(io, &mut [0u8; 1]);
//!             continue;
//!         }
//!         let result = ssl.do_handshake(io);
//!         match result.as_ref().map_err(|e| e.code()) {
//!             Ok(()) => *done = true,
//!             Err(ErrorCode::WantRead | ErrorCode::WantWrite) => assert!(return_value(&result) < 0),
//!             Err(code) => panic!("handshake failed: {code}"),
//!         }
//!     }
//! }
//! assert!(c_done && s_done, "a handshake takes a bounded number of calls");
//! assert_eq!(return_value(&client.do_handshake(&mut c_io)), 1);
//! ```

#![forbid(unsafe_code)]

mod alert;
mod code;
mod error;
mod reason;
mod verify;

pub use alert::{alert_name, description, Alert, AlertDirection};
pub use code::ErrorCode;
pub use error::Error;
pub use reason::{Lib, Reason};
pub use verify::VerifyCode;

/// The value an OpenSSL call returns for this result, by the rule of `SSL_do_handshake(3)`:
/// `1` on success, `0` when the peer shut the connection down in a controlled way
/// (close_notify), and `-1` for a fatal error or a retry (WANT_READ / WANT_WRITE).
/// Call [`Error::code`] to tell which.
pub fn return_value<T>(result: &Result<T, Error>) -> i32 {
    match result {
        Ok(_) => 1,
        Err(e) => e.return_value(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_value_follows_the_man_page() {
        assert_eq!(return_value(&Ok::<(), Error>(())), 1);
        assert_eq!(return_value::<()>(&Err(Error::ZeroReturn)), 0);
        assert_eq!(return_value::<()>(&Err(Error::WantRead)), -1);
        assert_eq!(return_value::<()>(&Err(Error::WantWrite)), -1);
        assert_eq!(return_value::<()>(&Err(Error::UnexpectedEof)), -1);
    }
}
