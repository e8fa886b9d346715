//! Library initialisation, version and allocation calls.

use std::collections::HashMap;
use std::ffi::CString;
use std::sync::Mutex;

use libc::{c_char, c_int, c_ulong, c_void, size_t};

use crate::boundary::ffi_fn;

/// A `'static` NUL-terminated copy of `s` (each distinct text is allocated once).
pub(crate) fn static_cstr(s: &'static str) -> *const c_char {
    static TEXTS: Mutex<Option<HashMap<&'static str, &'static std::ffi::CStr>>> = Mutex::new(None);
    let mut g = TEXTS.lock().unwrap_or_else(|p| p.into_inner());
    let map = g.get_or_insert_with(HashMap::new);
    map.entry(s)
        .or_insert_with(|| Box::leak(CString::new(s).unwrap_or_default().into_boxed_c_str()))
        .as_ptr()
}

ffi_fn! {
    /// `OPENSSL_init_ssl` (and `SSL_library_init` / `SSL_load_error_strings`): nothing to
    /// set up; returns 1.
    fn OPENSSL_init_ssl(_opts: u64, _settings: *const c_void) -> c_int = 0; { 1 }
}

ffi_fn! {
    /// `OPENSSL_init_crypto`: returns 1.
    fn OPENSSL_init_crypto(_opts: u64, _settings: *const c_void) -> c_int = 0; { 1 }
}

const VERSION_TEXT: &[u8] =
    concat!("hs ", env!("CARGO_PKG_VERSION"), " (OpenSSL 3.0 API)\0").as_bytes();

ffi_fn! {
    /// `OpenSSL_version`: hs's own version text for `OPENSSL_VERSION` (0), and for the
    /// other selectors the text OpenSSL gives when it has nothing to say.
    fn OpenSSL_version(t: c_int) -> *const c_char = std::ptr::null(); {
        match t {
            0 => VERSION_TEXT.as_ptr().cast(),
            _ => c"not available".as_ptr(),
        }
    }
}

ffi_fn! {
    /// `OpenSSL_version_num`: 0x30000000, the API level hs implements (OpenSSL 3.0.0).
    fn OpenSSL_version_num() -> c_ulong = 0; { 0x3000_0000 }
}

ffi_fn! {
    /// `CRYPTO_malloc` (behind `OPENSSL_malloc`).
    fn CRYPTO_malloc(num: size_t, _file: *const c_char, _line: c_int) -> *mut c_void = std::ptr::null_mut(); {
        if num == 0 {
            return std::ptr::null_mut();
        }
        // SAFETY: malloc with a non-zero size.
        unsafe { libc::malloc(num) }
    }
}

ffi_fn! {
    /// `CRYPTO_free` (behind `OPENSSL_free`): frees what `CRYPTO_malloc`, `i2d_X509` or
    /// `X509_NAME_oneline` allocated.
    fn CRYPTO_free(p: *mut c_void, _file: *const c_char, _line: c_int) {
        // SAFETY: `p` is NULL or came from malloc through this library (C contract).
        unsafe { libc::free(p) }
    }
}
