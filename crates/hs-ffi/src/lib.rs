//! OpenSSL 3's C API on hs: programs built against OpenSSL's headers link with -lhs_ffi alone.
//!
//! (being built: see the issue tracker)


