//! The panic boundary and the NULL checks: every `extern "C"` function of the crate is
//! written with [`ffi_fn!`], which runs its body inside [`guard`], and every pointer
//! argument is turned into a reference by [`obj`] (or `obj_mut`), which reports a NULL
//! with OpenSSL's `ERR_R_PASSED_NULL_PARAMETER` instead of crashing.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::err::{
    self, ERR_LIB_SSL, ERR_R_INTERNAL_ERROR, ERR_R_PASSED_NULL_PARAMETER,
    ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED,
};

/// Runs `f`; if it panics, records `ERR_R_INTERNAL_ERROR` on the thread's error queue and
/// returns `fail` instead, so that no panic unwinds into C.
pub(crate) fn guard<R>(fail: R, f: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) if payload.is::<Reentered>() => {
            err::push_raw(
                ERR_LIB_SSL,
                ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED,
                "a callback called back into the SSL whose call is running",
            );
            fail
        }
        Err(_) => {
            err::push_raw(
                ERR_LIB_SSL,
                ERR_R_INTERNAL_ERROR,
                "a Rust panic was caught at the C boundary",
            );
            fail
        }
    }
}

/// The unwind payload of [`reentered`].
struct Reentered;

/// Abandons the current C call because it re-entered an SSL from that SSL's own callback;
/// [`guard`] turns this into `ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED` and the failure value
/// (unwinding without the panic hook, so nothing is printed).
pub(crate) fn reentered() -> ! {
    std::panic::resume_unwind(Box::new(Reentered))
}

/// Defines one exported C function: `#[no_mangle] extern "C"`, its body run inside
/// [`guard`] with the given value returned if it panics.
///
/// ```text
/// ffi_fn! {
///     /// docs
///     fn SSL_foo(ssl: *mut SSL, n: c_int) -> c_int = 0; {
///         ...body...
///     }
/// }
/// ```
macro_rules! ffi_fn {
    ($(#[$m:meta])* fn $name:ident($($a:ident : $t:ty),* $(,)?) -> $r:ty = $fail:expr; $body:block) => {
        $(#[$m])*
        #[no_mangle]
        pub(crate) unsafe extern "C" fn $name($($a: $t),*) -> $r {
            $crate::boundary::guard($fail, move || -> $r { $body })
        }
    };
    ($(#[$m:meta])* fn $name:ident($($a:ident : $t:ty),* $(,)?) $body:block) => {
        $(#[$m])*
        #[no_mangle]
        pub(crate) unsafe extern "C" fn $name($($a: $t),*) {
            $crate::boundary::guard((), move || $body)
        }
    };
}
pub(crate) use ffi_fn;

/// The object behind a pointer handed out by this crate, or `None` (with
/// `ERR_R_PASSED_NULL_PARAMETER` queued) for NULL.
///
/// Callers pass pointers this crate created and that are still alive (OpenSSL's contract
/// for every object pointer); that is the one assumption the `unsafe` below rests on.
pub(crate) fn obj<'a, T>(p: *const T) -> Option<&'a T> {
    if p.is_null() {
        err::push_raw(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER, "");
        return None;
    }
    // SAFETY: non-NULL, and by the C API's contract a live object this crate allocated
    // (Box::into_raw); objects are shared (`&T`) and mutate only through their own locks.
    Some(unsafe { &*p })
}

/// Like [`obj`] but with no error-queue entry for NULL: for the calls OpenSSL documents as
/// accepting NULL (the `*_free` family).
pub(crate) fn obj_or_null<'a, T>(p: *const T) -> Option<&'a T> {
    // SAFETY: as in `obj`: NULL or a live object this crate allocated.
    unsafe { p.as_ref() }
}

/// A C buffer as a slice; NULL is accepted only with length 0.
pub(crate) fn bytes<'a>(p: *const u8, len: usize) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    if p.is_null() {
        err::push_raw(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER, "");
        return None;
    }
    // SAFETY: the caller passes `len` readable bytes at `p` (the C API's contract).
    Some(unsafe { std::slice::from_raw_parts(p, len) })
}

/// A writable C buffer as a slice; NULL is accepted only with length 0.
pub(crate) fn bytes_mut<'a>(p: *mut u8, len: usize) -> Option<&'a mut [u8]> {
    if len == 0 {
        return Some(&mut []);
    }
    if p.is_null() {
        err::push_raw(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER, "");
        return None;
    }
    // SAFETY: the caller passes `len` writable bytes at `p`, not aliased during the call.
    Some(unsafe { std::slice::from_raw_parts_mut(p, len) })
}

/// A NUL-terminated C string as UTF-8; NULL or invalid UTF-8 give `None` with an error queued.
pub(crate) fn cstr<'a>(p: *const libc::c_char) -> Option<&'a str> {
    if p.is_null() {
        err::push_raw(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER, "");
        return None;
    }
    // SAFETY: the caller passes a NUL-terminated string (the C API's contract).
    let s = unsafe { std::ffi::CStr::from_ptr(p) };
    match s.to_str() {
        Ok(s) => Some(s),
        Err(_) => {
            err::push_raw(
                ERR_LIB_SSL,
                err::ERR_R_PASSED_INVALID_ARGUMENT,
                "string is not UTF-8",
            );
            None
        }
    }
}

/// Stores `v` through an optional out-pointer.
pub(crate) fn put<T>(p: *mut T, v: T) {
    if !p.is_null() {
        // SAFETY: a non-NULL out-pointer points to writable storage for a `T` (C contract).
        unsafe { p.write(v) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_the_failure_value_and_an_internal_error_on_the_queue() {
        err::clear_for_tests();
        let r = guard(-1, || -> i32 { panic!("boom") });
        assert_eq!(r, -1);
        assert_eq!(err::peek(), err::pack(ERR_LIB_SSL, ERR_R_INTERNAL_ERROR));
        err::clear_for_tests();
    }

    #[test]
    fn null_pointers_are_refused_with_passed_null_parameter() {
        err::clear_for_tests();
        assert!(obj::<u8>(std::ptr::null()).is_none());
        assert_eq!(
            err::peek(),
            err::pack(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER)
        );
        err::clear_for_tests();
        assert!(obj_or_null::<u8>(std::ptr::null()).is_none());
        assert_eq!(err::peek(), 0, "the *_free family accepts NULL silently");
        assert_eq!(bytes(std::ptr::null(), 0), Some(&[][..]));
        assert!(bytes(std::ptr::null(), 3).is_none());
        assert!(cstr(std::ptr::null()).is_none());
        err::clear_for_tests();
    }
}
