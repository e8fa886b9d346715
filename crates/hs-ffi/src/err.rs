//! The per-thread error queue (`ERR_*`), fed from hs-error's (library, reason) pairs and
//! packed as OpenSSL 3 packs them: `lib << 23 | reason`, system errors with bit 31 set.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::ffi::{CStr, CString};
use std::io::Write as _;
use std::sync::Mutex;

use hs_error::{Error, Lib, Reason};
use libc::{c_char, c_int, c_ulong, size_t, FILE};

use crate::boundary::{ffi_fn, put};

/// `ERR_LIB_SYS`.
pub(crate) const ERR_LIB_SYS: i32 = 2;
/// `ERR_LIB_SSL`.
pub(crate) const ERR_LIB_SSL: i32 = 20;
/// `ERR_LIB_BIO`.
pub(crate) const ERR_LIB_BIO: i32 = 32;
const ERR_RFLAG_FATAL: i32 = 1 << 18;
const ERR_RFLAG_COMMON: i32 = 2 << 18;
const ERR_R_FATAL: i32 = ERR_RFLAG_FATAL | ERR_RFLAG_COMMON;
/// `ERR_R_PASSED_NULL_PARAMETER`.
pub(crate) const ERR_R_PASSED_NULL_PARAMETER: i32 = 258 | ERR_R_FATAL;
/// `ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED`.
pub(crate) const ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED: i32 = 257 | ERR_R_FATAL;
/// `ERR_R_INTERNAL_ERROR`.
pub(crate) const ERR_R_INTERNAL_ERROR: i32 = 259 | ERR_R_FATAL;
/// `ERR_R_PASSED_INVALID_ARGUMENT`.
pub(crate) const ERR_R_PASSED_INVALID_ARGUMENT: i32 = 262 | ERR_RFLAG_COMMON;
const ERR_SYSTEM_FLAG: u64 = 1 << 31;
const ERR_TXT_STRING: c_int = 0x02;
/// OpenSSL keeps 16 entries per thread and drops the oldest beyond that.
const ERR_NUM_ERRORS: usize = 16;

struct Entry {
    code: c_ulong,
    data: CString,
}

#[derive(Default)]
struct Queue {
    entries: VecDeque<Entry>,
    /// The entry `ERR_get_error_all` returned last: its data must outlive the call.
    popped: Option<Entry>,
}

thread_local! {
    static QUEUE: RefCell<Queue> = RefCell::new(Queue::default());
}

const FILE_NAME: &CStr = c"hs-ffi";
const EMPTY: &CStr = c"";

/// OpenSSL 3's packing of (lib, reason).
pub(crate) fn pack(lib: i32, reason: i32) -> c_ulong {
    if lib == ERR_LIB_SYS {
        (ERR_SYSTEM_FLAG | (reason as u64 & 0x7fff_ffff)) as c_ulong
    } else {
        (((lib as u64 & 0xff) << 23) | (reason as u64 & 0x7f_ffff)) as c_ulong
    }
}

fn lib_of(e: c_ulong) -> i32 {
    if e & ERR_SYSTEM_FLAG != 0 {
        ERR_LIB_SYS
    } else {
        ((e >> 23) & 0xff) as i32
    }
}

fn reason_of(e: c_ulong) -> i32 {
    if e & ERR_SYSTEM_FLAG != 0 {
        (e & 0x7fff_ffff) as i32
    } else {
        (e & 0x7f_ffff) as i32
    }
}

/// Queues (lib, reason) with `data` as its text.
pub(crate) fn push_raw(lib: i32, reason: i32, data: &str) {
    let entry = Entry {
        code: pack(lib, reason),
        data: CString::new(data.replace('\0', " ")).unwrap_or_default(),
    };
    let _ = QUEUE.try_with(|q| {
        if let Ok(mut q) = q.try_borrow_mut() {
            if q.entries.len() == ERR_NUM_ERRORS {
                q.entries.pop_front();
            }
            q.entries.push_back(entry);
        }
    });
}

/// Queues an hs-error reason.
pub(crate) fn push_reason(r: Reason, data: &str) {
    push_raw(r.lib.0, r.code, data);
}

/// Queues what `e` puts on OpenSSL's queue (nothing for retries, clean closes and transport
/// errors, which OpenSSL reports through `SSL_get_error` and errno instead).
pub(crate) fn push_error(e: &Error) {
    if matches!(e, Error::Io(_)) {
        return;
    }
    if let Some(r) = e.reason() {
        push_reason(r, &e.to_string());
    }
}

fn with_queue<R>(f: impl FnOnce(&mut Queue) -> R, default: R) -> R {
    QUEUE
        .try_with(|q| q.try_borrow_mut().map(|mut q| f(&mut q)).ok())
        .ok()
        .flatten()
        .unwrap_or(default)
}

/// Empties this thread's queue, as OpenSSL's handshake state machine does each time it runs.
pub(crate) fn clear() {
    with_queue(|q| q.entries.clear(), ());
}

/// Empties this thread's queue (for unit tests).
#[cfg(test)]
pub(crate) fn clear_for_tests() {
    with_queue(|q| q.entries.clear(), ());
}

/// True if the thread's queue holds an error (`SSL_get_error` looks here first).
pub(crate) fn peek() -> c_ulong {
    with_queue(|q| q.entries.front().map_or(0, |e| e.code), 0)
}

/// True for `ERR_LIB_SYS` codes.
pub(crate) fn is_sys(code: c_ulong) -> bool {
    lib_of(code) == ERR_LIB_SYS
}

/// Fills the out-pointers of the `_all` calls from `entry`.
fn report(
    e: Option<&Entry>,
    file: *mut *const c_char,
    line: *mut c_int,
    func: *mut *const c_char,
    data: *mut *const c_char,
    flags: *mut c_int,
) -> c_ulong {
    match e {
        None => 0,
        Some(e) => {
            put(file, FILE_NAME.as_ptr());
            put(line, 0);
            put(func, EMPTY.as_ptr());
            put(data, e.data.as_ptr());
            put(flags, ERR_TXT_STRING);
            e.code
        }
    }
}

fn static_text(key: (u8, c_ulong), make: impl FnOnce() -> Option<String>) -> *const c_char {
    static TEXTS: Mutex<Option<HashMap<(u8, c_ulong), &'static CStr>>> = Mutex::new(None);
    let mut map = TEXTS.lock().unwrap_or_else(|p| p.into_inner());
    let map = map.get_or_insert_with(HashMap::new);
    if let Some(s) = map.get(&key) {
        return s.as_ptr();
    }
    match make().and_then(|t| CString::new(t).ok()) {
        // The set of texts is bounded (libraries, reasons, errno values); each is leaked once
        // so the `const char *` OpenSSL hands out stays valid for the life of the process.
        Some(t) => {
            let leaked: &'static CStr = Box::leak(t.into_boxed_c_str());
            map.insert(key, leaked);
            leaked.as_ptr()
        }
        None => std::ptr::null(),
    }
}

fn lib_text(e: c_ulong) -> Option<String> {
    let name = Lib(lib_of(e)).name();
    (name != "unknown library").then(|| name.to_owned())
}

fn reason_text(e: c_ulong) -> Option<String> {
    let lib = lib_of(e);
    let reason = reason_of(e);
    if lib != ERR_LIB_SYS && reason & ERR_RFLAG_COMMON != 0 {
        return match reason & 0x3ffff {
            256 => Some("malloc failure"),
            257 => Some("called a function you should not call"),
            258 => Some("passed a null parameter"),
            259 => Some("internal error"),
            262 => Some("passed invalid argument"),
            268 => Some("unsupported"),
            _ => None,
        }
        .map(str::to_owned);
    }
    if lib == ERR_LIB_SYS {
        // SAFETY: strerror returns a valid NUL-terminated string for any errno; it is
        // copied at once.
        let text = unsafe { CStr::from_ptr(libc::strerror(reason)) };
        return Some(text.to_string_lossy().into_owned());
    }
    let t = Reason {
        lib: Lib(lib),
        code: reason,
    }
    .text();
    (!t.starts_with("reason(")).then_some(t)
}

fn error_string(e: c_ulong) -> String {
    let lib = lib_text(e).unwrap_or_else(|| format!("lib({})", lib_of(e)));
    let reason = reason_text(e).unwrap_or_else(|| format!("reason({})", reason_of(e)));
    format!("error:{:08X}:{}::{}", e, lib, reason)
}

/// OpenSSL's rule: when the full line does not fit in `len` bytes (or exactly fills it), the minimal form
/// `err:<code>:<lib>:0:<reason>` (hex) is written instead, truncated as needed.
fn error_string_fitting(e: c_ulong, len: usize) -> String {
    let full = error_string(e);
    if full.len() + 1 >= len {
        format!("err:{:x}:{:x}:0:{:x}", e, lib_of(e), reason_of(e))
    } else {
        full
    }
}

fn copy_out(s: &str, buf: *mut c_char, len: usize) {
    if buf.is_null() || len == 0 {
        return;
    }
    let n = s.len().min(len - 1);
    // SAFETY: the caller passes `len` writable bytes at `buf` (C contract); we write n + 1 <= len.
    unsafe {
        std::ptr::copy_nonoverlapping(s.as_ptr(), buf.cast::<u8>(), n);
        *buf.add(n) = 0;
    }
}

ffi_fn! {
    /// `ERR_get_error`: removes and returns the oldest error code, 0 if none.
    fn ERR_get_error() -> c_ulong = 0; {
        with_queue(|q| q.entries.pop_front().map_or(0, |e| e.code), 0)
    }
}

ffi_fn! {
    /// `ERR_get_error_all`.
    fn ERR_get_error_all(file: *mut *const c_char, line: *mut c_int, func: *mut *const c_char,
                         data: *mut *const c_char, flags: *mut c_int) -> c_ulong = 0; {
        with_queue(|q| {
            q.popped = q.entries.pop_front();
            report(q.popped.as_ref(), file, line, func, data, flags)
        }, 0)
    }
}

ffi_fn! {
    /// `ERR_peek_error`.
    fn ERR_peek_error() -> c_ulong = 0; {
        peek()
    }
}

ffi_fn! {
    /// `ERR_peek_error_all`.
    fn ERR_peek_error_all(file: *mut *const c_char, line: *mut c_int, func: *mut *const c_char,
                          data: *mut *const c_char, flags: *mut c_int) -> c_ulong = 0; {
        with_queue(|q| report(q.entries.front(), file, line, func, data, flags), 0)
    }
}

ffi_fn! {
    /// `ERR_peek_last_error`.
    fn ERR_peek_last_error() -> c_ulong = 0; {
        with_queue(|q| q.entries.back().map_or(0, |e| e.code), 0)
    }
}

ffi_fn! {
    /// `ERR_clear_error`.
    fn ERR_clear_error() {
        with_queue(|q| q.entries.clear(), ())
    }
}

ffi_fn! {
    /// `ERR_error_string_n`: `error:0A000086:SSL routines::certificate verify failed`.
    fn ERR_error_string_n(e: c_ulong, buf: *mut c_char, len: size_t) {
        copy_out(&error_string_fitting(e, len), buf, len)
    }
}

ffi_fn! {
    /// `ERR_error_string`: into `buf` (at least 256 bytes) or, for NULL, a static buffer.
    fn ERR_error_string(e: c_ulong, buf: *mut c_char) -> *mut c_char = std::ptr::null_mut(); {
        static mut STATIC_BUF: [c_char; 256] = [0; 256];
        let out = if buf.is_null() {
            // OpenSSL's ERR_error_string(e, NULL) writes a static buffer too and is documented
            // as not thread-safe; only a raw pointer is formed, never a reference.
            std::ptr::addr_of_mut!(STATIC_BUF).cast::<c_char>()
        } else {
            buf
        };
        copy_out(&error_string_fitting(e, 256), out, 256);
        out
    }
}

ffi_fn! {
    /// `ERR_lib_error_string`: e.g. `"SSL routines"`, NULL if unknown.
    fn ERR_lib_error_string(e: c_ulong) -> *const c_char = std::ptr::null(); {
        static_text((0, pack(lib_of(e), 0)), || lib_text(e))
    }
}

ffi_fn! {
    /// `ERR_reason_error_string`: e.g. `"certificate verify failed"`, NULL if unknown.
    fn ERR_reason_error_string(e: c_ulong) -> *const c_char = std::ptr::null(); {
        static_text((1, e), || reason_text(e))
    }
}

ffi_fn! {
    /// `ERR_print_errors_fp`: prints and empties the queue, one line per error, as
    /// OpenSSL 3 does (`<thread>:error:<code>:<lib>:<func>:<reason>:<file>:<line>:<data>`).
    fn ERR_print_errors_fp(fp: *mut FILE) {
        if fp.is_null() {
            return;
        }
        // SAFETY: pthread_self has no preconditions.
        let tid = unsafe { libc::pthread_self() } as u64;
        while let Some(e) = with_queue(|q| q.entries.pop_front(), None) {
            let mut line = Vec::new();
            let _ = writeln!(
                line,
                "{:016X}:error:{:08X}:{}::{}:{}:0:{}",
                tid,
                e.code,
                lib_text(e.code).unwrap_or_else(|| format!("lib({})", lib_of(e.code))),
                reason_text(e.code).unwrap_or_else(|| format!("reason({})", reason_of(e.code))),
                FILE_NAME.to_string_lossy(),
                e.data.to_string_lossy()
            );
            // SAFETY: `fp` is a non-NULL open FILE* (C contract); the buffer holds line.len() bytes.
            unsafe { libc::fwrite(line.as_ptr().cast(), 1, line.len(), fp) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_pack_as_openssl3_and_queue_is_fifo() {
        // SAFETY: the functions take no pointers here.
        unsafe {
            ERR_clear_error();
            push_reason(Reason::SSL_R_CERTIFICATE_VERIFY_FAILED, "x");
            push_raw(ERR_LIB_SYS, 104, "");
            assert_eq!(ERR_peek_error(), 0x0A00_0086);
            assert_eq!(ERR_peek_last_error(), 0x8000_0068);
            assert_eq!(ERR_get_error(), 0x0A00_0086);
            assert_eq!(ERR_get_error(), 0x8000_0068);
            assert_eq!(ERR_get_error(), 0);
        }
    }

    #[test]
    fn error_strings_match_openssl3_format() {
        assert_eq!(
            error_string(0x0A00_0086),
            "error:0A000086:SSL routines::certificate verify failed"
        );
        assert_eq!(
            error_string(pack(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER)),
            "error:0A0C0102:SSL routines::passed a null parameter"
        );
    }

    #[test]
    fn queue_keeps_the_newest_sixteen() {
        // SAFETY: no pointers.
        unsafe { ERR_clear_error() };
        for i in 0..20 {
            push_raw(ERR_LIB_SSL, 100 + i, "");
        }
        // SAFETY: no pointers.
        unsafe {
            assert_eq!(reason_of(ERR_peek_error()), 104);
            ERR_clear_error();
            assert_eq!(ERR_peek_error(), 0);
        }
    }
}
