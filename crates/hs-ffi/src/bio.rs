//! `BIO`: memory BIOs, BIO pairs, socket and fd BIOs, as Rust objects over hs-bio's
//! transports, with OpenSSL's return values, retry flags and ctrl commands.

use std::io::{self, Read, Write};
use std::mem::ManuallyDrop;
use std::os::fd::{FromRawFd, IntoRawFd, OwnedFd};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, MutexGuard};

use hs_bio::{bio_pair, FdBio, MemBio, PairEnd};
use libc::{c_char, c_int, c_long, c_void, size_t};

use crate::boundary::{bytes, bytes_mut, ffi_fn, obj, obj_or_null, put};
use crate::err::{self, ERR_LIB_BIO};

pub(crate) const BIO_FLAGS_READ: c_int = 0x01;
pub(crate) const BIO_FLAGS_WRITE: c_int = 0x02;
const BIO_FLAGS_IO_SPECIAL: c_int = 0x04;
const BIO_FLAGS_SHOULD_RETRY: c_int = 0x08;
const BIO_FLAGS_IN_EOF: c_int = 0x800;
const RETRY_FLAGS: c_int =
    BIO_FLAGS_READ | BIO_FLAGS_WRITE | BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY;

const BIO_CTRL_RESET: c_int = 1;
const BIO_CTRL_EOF: c_int = 2;
const BIO_CTRL_INFO: c_int = 3;
const BIO_CTRL_GET_CLOSE: c_int = 8;
const BIO_CTRL_SET_CLOSE: c_int = 9;
const BIO_CTRL_PENDING: c_int = 10;
const BIO_CTRL_FLUSH: c_int = 11;
const BIO_CTRL_WPENDING: c_int = 13;
const BIO_C_SET_NBIO: c_int = 102;
const BIO_C_SET_FD: c_int = 104;
const BIO_C_GET_FD: c_int = 105;
const BIO_C_SET_BUF_MEM_EOF_RETURN: c_int = 130;
const BIO_C_GET_WRITE_BUF_SIZE: c_int = 137;
const BIO_C_GET_WRITE_GUARANTEE: c_int = 140;
const BIO_C_GET_READ_REQUEST: c_int = 141;
const BIO_C_SHUTDOWN_WR: c_int = 142;

const BIO_R_BROKEN_PIPE: i32 = 124;
const BIO_R_INVALID_ARGUMENT: i32 = 125;
const BIO_R_WRITE_TO_READ_ONLY_BIO: i32 = 126;

/// `BIO_METHOD`: which kind of BIO `BIO_new` makes.
#[derive(Debug)]
pub(crate) struct BioMethod {
    kind: MethodKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MethodKind {
    Mem,
    Socket,
}

static MEM_METHOD: BioMethod = BioMethod {
    kind: MethodKind::Mem,
};
static SOCKET_METHOD: BioMethod = BioMethod {
    kind: MethodKind::Socket,
};

enum Kind {
    Mem(MemBio),
    Pair(PairEnd),
    /// A socket or fd BIO; `None` before `BIO_set_fd`.
    Fd(Option<ManuallyDrop<FdBio>>),
}

struct Inner {
    kind: Kind,
    /// BIO_CLOSE: the descriptor is closed on free.
    close: bool,
    /// A negative descriptor given to a socket or fd BIO (`Kind::Fd(None)` then): OpenSSL
    /// keeps the number and its I/O fails with EBADF.
    invalid_fd: Option<c_int>,
}

/// `BIO`: a reference-counted transport.
pub(crate) struct Bio {
    refs: AtomicI32,
    flags: AtomicI32,
    inner: Mutex<Inner>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Kind::Fd(Some(fd)) = &mut self.kind {
            // SAFETY: `fd` is taken exactly once, here, and never used again.
            let fd = unsafe { ManuallyDrop::take(fd) };
            release(fd, self.close);
        }
    }
}

impl Bio {
    fn new(kind: Kind, close: bool) -> *mut Bio {
        Box::into_raw(Box::new(Bio {
            refs: AtomicI32::new(1),
            flags: AtomicI32::new(0),
            inner: Mutex::new(Inner {
                kind,
                close,
                invalid_fd: None,
            }),
        }))
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn up_ref(&self) {
        self.refs.fetch_add(1, Ordering::AcqRel);
    }

    /// Drops one reference; frees the BIO when it was the last.
    pub(crate) fn release(p: *mut Bio) {
        let Some(b) = obj_or_null(p) else { return };
        if b.refs.fetch_sub(1, Ordering::AcqRel) == 1 {
            // SAFETY: the last reference is gone; `p` came from Box::into_raw in `Bio::new`.
            drop(unsafe { Box::from_raw(p) });
        }
    }

    fn set_flags(&self, f: c_int) {
        self.flags.fetch_or(f, Ordering::AcqRel);
    }

    fn clear_retry(&self) {
        self.flags.fetch_and(!RETRY_FLAGS, Ordering::AcqRel);
    }

    /// Reads as the SSL engine and `BIO_read` see it: `Ok(0)` is EOF, `WouldBlock` a retry
    /// (with OpenSSL's retry flags set on the BIO).
    pub(crate) fn read_io(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.clear_retry();
        let r = {
            let mut g = self.lock();
            match &mut g.kind {
                Kind::Mem(m) => m.read(buf),
                Kind::Pair(p) => p.read(buf),
                Kind::Fd(Some(f)) => f.read(buf),
                Kind::Fd(None) => Err(no_descriptor(g.invalid_fd)),
            }
        };
        match &r {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.set_flags(BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY)
            }
            Ok(0) if !buf.is_empty() => self.set_flags(BIO_FLAGS_IN_EOF),
            _ => {}
        }
        r
    }

    /// Writes as the SSL engine and `BIO_write` see it.
    pub(crate) fn write_io(&self, buf: &[u8]) -> io::Result<usize> {
        self.clear_retry();
        let r = {
            let mut g = self.lock();
            match &mut g.kind {
                Kind::Mem(m) => m.write(buf),
                Kind::Pair(p) => p.write(buf),
                Kind::Fd(Some(f)) => f.write(buf),
                Kind::Fd(None) => Err(no_descriptor(g.invalid_fd)),
            }
        };
        if matches!(&r, Err(e) if e.kind() == io::ErrorKind::WouldBlock) {
            self.set_flags(BIO_FLAGS_WRITE | BIO_FLAGS_SHOULD_RETRY);
        }
        r
    }

    /// The descriptor of a socket or fd BIO (a negative one as it was given).
    pub(crate) fn fd(&self) -> Option<c_int> {
        let g = self.lock();
        match &g.kind {
            Kind::Fd(Some(f)) => Some(std::os::fd::AsRawFd::as_raw_fd(&**f)),
            Kind::Fd(None) => g.invalid_fd,
            _ => None,
        }
    }

    /// A socket BIO on `fd` (`BIO_new_socket`).
    pub(crate) fn new_socket(fd: c_int, close: bool) -> *mut Bio {
        let b = Bio::new(Kind::Fd(fd_bio(fd).map(ManuallyDrop::new)), close);
        if fd < 0 {
            // SAFETY: `b` was just made by Bio::new and is not shared yet.
            unsafe { &*b }.lock().invalid_fd = Some(fd);
        }
        b
    }

    fn mem_empty_return(&self) -> Option<c_int> {
        match &self.lock().kind {
            Kind::Mem(m) if m.pending() == 0 && m.eof_return() != 0 => Some(m.eof_return()),
            _ => None,
        }
    }
}

/// A BIO over the caller's descriptor; `None` for a negative one, which no `OwnedFd` may
/// hold (OpenSSL accepts it and fails the I/O with EBADF: see [`no_descriptor`]).
fn fd_bio(fd: c_int) -> Option<FdBio> {
    if fd < 0 {
        return None;
    }
    // SAFETY: `fd` is not negative; the caller hands us a descriptor, and with BIO_NOCLOSE
    // `Inner::drop` gives it back without closing it, so ownership is only borrowed for the
    // BIO's life.
    Some(FdBio::new(unsafe { OwnedFd::from_raw_fd(fd) }))
}

/// Gives a BIO's descriptor back to its owner (BIO_NOCLOSE) or closes it (BIO_CLOSE), as
/// OpenSSL's `BIO_closesocket` does: ignoring the result. The caller may have closed it
/// already, or passed one that was never open; an `OwnedFd` dropped on such a descriptor
/// would abort the process (std's I/O-safety check), so it is never dropped.
fn release(fd: FdBio, close: bool) {
    let raw = fd.into_fd().into_raw_fd();
    if close {
        // SAFETY: `raw` was this BIO's to close (BIO_CLOSE) and is not used again.
        unsafe { libc::close(raw) };
    }
}

/// The I/O error of a socket or fd BIO without a usable descriptor: EBADF for a negative
/// one given, as read(2) on it reports; "not connected" before any was set.
fn no_descriptor(invalid: Option<c_int>) -> io::Error {
    match invalid {
        Some(_) => io::Error::from_raw_os_error(libc::EBADF),
        None => io::Error::new(io::ErrorKind::NotConnected, "BIO has no descriptor"),
    }
}

/// An SSL's transport: reads from its read BIO, writes to its write BIO.
pub(crate) struct SslIo<'a> {
    pub(crate) rbio: Option<&'a Bio>,
    pub(crate) wbio: Option<&'a Bio>,
}

impl Read for SslIo<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.rbio {
            Some(b) => b.read_io(buf),
            None => Err(io::Error::new(
                io::ErrorKind::NotConnected,
                "no read BIO set",
            )),
        }
    }
}

impl Write for SslIo<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.wbio {
            Some(b) => b.write_io(buf),
            None => Err(io::Error::new(
                io::ErrorKind::NotConnected,
                "no write BIO set",
            )),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn int(n: usize) -> c_int {
    c_int::try_from(n).unwrap_or(c_int::MAX)
}

/// `BIO_read`'s value for the result of a read: the count, 0 at EOF, -1 for a retry or an error.
fn read_result(r: io::Result<usize>) -> c_int {
    match r {
        Ok(n) => int(n),
        Err(e) => {
            if e.kind() != io::ErrorKind::WouldBlock {
                set_errno(&e);
            }
            -1
        }
    }
}

fn write_result(r: io::Result<usize>) -> c_int {
    match r {
        Ok(n) => int(n),
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => -1,
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            err::push_raw(ERR_LIB_BIO, BIO_R_WRITE_TO_READ_ONLY_BIO, "");
            -1
        }
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe && e.raw_os_error().is_none() => {
            err::push_raw(ERR_LIB_BIO, BIO_R_BROKEN_PIPE, "");
            -1
        }
        Err(e) => {
            set_errno(&e);
            -1
        }
    }
}

/// Leaves errno as the failed system call set it, for programs that print it.
pub(crate) fn set_errno(e: &io::Error) {
    if let Some(code) = e.raw_os_error() {
        // SAFETY: __errno_location returns this thread's errno slot.
        unsafe { *libc::__errno_location() = code };
    }
}

ffi_fn! {
    /// `BIO_s_mem`.
    fn BIO_s_mem() -> *const BioMethod = std::ptr::null(); {
        &MEM_METHOD
    }
}

ffi_fn! {
    /// `BIO_s_socket`.
    fn BIO_s_socket() -> *const BioMethod = std::ptr::null(); {
        &SOCKET_METHOD
    }
}

ffi_fn! {
    /// `BIO_new`: a memory BIO or an unattached socket BIO.
    fn BIO_new(method: *const BioMethod) -> *mut Bio = std::ptr::null_mut(); {
        let Some(m) = obj(method) else { return std::ptr::null_mut() };
        match m.kind {
            MethodKind::Mem => Bio::new(Kind::Mem(MemBio::new()), true),
            MethodKind::Socket => Bio::new(Kind::Fd(None), false),
        }
    }
}

ffi_fn! {
    /// `BIO_new_mem_buf`: a read-only memory BIO over a copy of `buf` (`len` -1: strlen).
    fn BIO_new_mem_buf(buf: *const c_void, len: c_int) -> *mut Bio = std::ptr::null_mut(); {
        let n = if len < 0 {
            if buf.is_null() {
                err::push_raw(ERR_LIB_BIO, err::ERR_R_PASSED_NULL_PARAMETER, "");
                return std::ptr::null_mut();
            }
            // SAFETY: with len -1 the caller passes a NUL-terminated string.
            unsafe { libc::strlen(buf.cast()) }
        } else {
            len as usize
        };
        let Some(data) = bytes(buf.cast(), n) else { return std::ptr::null_mut() };
        Bio::new(Kind::Mem(MemBio::from_bytes(data)), true)
    }
}

ffi_fn! {
    /// `BIO_new_socket`.
    fn BIO_new_socket(fd: c_int, close_flag: c_int) -> *mut Bio = std::ptr::null_mut(); {
        Bio::new_socket(fd, close_flag != 0)
    }
}

ffi_fn! {
    /// `BIO_new_fd`.
    fn BIO_new_fd(fd: c_int, close_flag: c_int) -> *mut Bio = std::ptr::null_mut(); {
        Bio::new_socket(fd, close_flag != 0)
    }
}

ffi_fn! {
    /// `BIO_new_bio_pair`: two joined BIOs; 0 for a size means OpenSSL's default (17 KiB).
    fn BIO_new_bio_pair(bio1: *mut *mut Bio, writebuf1: size_t, bio2: *mut *mut Bio, writebuf2: size_t) -> c_int = 0; {
        if bio1.is_null() || bio2.is_null() {
            err::push_raw(ERR_LIB_BIO, err::ERR_R_PASSED_NULL_PARAMETER, "");
            return 0;
        }
        let (a, b) = bio_pair(writebuf1, writebuf2);
        put(bio1, Bio::new(Kind::Pair(a), true));
        put(bio2, Bio::new(Kind::Pair(b), true));
        1
    }
}

ffi_fn! {
    /// `BIO_up_ref`.
    fn BIO_up_ref(b: *mut Bio) -> c_int = 0; {
        match obj(b) {
            Some(b) => {
                b.up_ref();
                1
            }
            None => 0,
        }
    }
}

ffi_fn! {
    /// `BIO_free`: drops one reference.
    fn BIO_free(b: *mut Bio) -> c_int = 0; {
        if b.is_null() {
            return 0;
        }
        Bio::release(b);
        1
    }
}

ffi_fn! {
    /// `BIO_free_all`: hs BIOs are never chained, so this is `BIO_free`.
    fn BIO_free_all(b: *mut Bio) {
        Bio::release(b);
    }
}

ffi_fn! {
    /// `BIO_read`.
    fn BIO_read(b: *mut Bio, data: *mut c_void, dlen: c_int) -> c_int = -1; {
        let Some(b) = obj(b) else { return -1 };
        if dlen < 0 {
            err::push_raw(ERR_LIB_BIO, BIO_R_INVALID_ARGUMENT, "");
            return -1;
        }
        let Some(buf) = bytes_mut(data.cast(), dlen as usize) else { return -1 };
        if buf.is_empty() {
            return 0;
        }
        if let Some(v) = b.mem_empty_return() {
            b.clear_retry();
            b.set_flags(BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY);
            return v;
        }
        let r = b.read_io(buf);
        read_result(r)
    }
}

ffi_fn! {
    /// `BIO_read_ex`.
    fn BIO_read_ex(b: *mut Bio, data: *mut c_void, dlen: size_t, readbytes: *mut size_t) -> c_int = 0; {
        let Some(bio) = obj(b) else { return 0 };
        let Some(buf) = bytes_mut(data.cast(), dlen) else { return 0 };
        put(readbytes, 0);
        if buf.is_empty() {
            return 0;
        }
        if bio.mem_empty_return().is_some() {
            bio.clear_retry();
            bio.set_flags(BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY);
            return 0;
        }
        match bio.read_io(buf) {
            Ok(n) if n > 0 => {
                put(readbytes, n);
                1
            }
            Ok(_) => 0,
            Err(e) => {
                set_errno(&e);
                0
            }
        }
    }
}

ffi_fn! {
    /// `BIO_write`.
    fn BIO_write(b: *mut Bio, data: *const c_void, dlen: c_int) -> c_int = -1; {
        let Some(b) = obj(b) else { return -1 };
        if dlen < 0 {
            err::push_raw(ERR_LIB_BIO, BIO_R_INVALID_ARGUMENT, "");
            return -1;
        }
        let Some(buf) = bytes(data.cast(), dlen as usize) else { return -1 };
        if buf.is_empty() {
            return 0;
        }
        write_result(b.write_io(buf))
    }
}

ffi_fn! {
    /// `BIO_write_ex`.
    fn BIO_write_ex(b: *mut Bio, data: *const c_void, dlen: size_t, written: *mut size_t) -> c_int = 0; {
        let Some(bio) = obj(b) else { return 0 };
        let Some(buf) = bytes(data.cast(), dlen) else { return 0 };
        put(written, 0);
        if buf.is_empty() {
            return 1;
        }
        let r = write_result(bio.write_io(buf));
        if r > 0 {
            put(written, r as usize);
            1
        } else {
            0
        }
    }
}

ffi_fn! {
    /// `BIO_test_flags`: behind `BIO_should_retry`, `BIO_should_read`, `BIO_should_write`.
    fn BIO_test_flags(b: *const Bio, flags: c_int) -> c_int = 0; {
        obj(b).map_or(0, |b| b.flags.load(Ordering::Acquire) & flags)
    }
}

fn ctrl(b: &Bio, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long {
    let mut g = b.lock();
    let close = g.close;
    match (&mut g.kind, cmd) {
        (_, BIO_CTRL_GET_CLOSE) => close as c_long,
        (_, BIO_CTRL_SET_CLOSE) => {
            g.close = larg != 0;
            1
        }
        (_, BIO_CTRL_FLUSH) => 1,
        (Kind::Mem(m), BIO_CTRL_RESET) => {
            m.reset();
            1
        }
        (Kind::Mem(m), BIO_CTRL_EOF) => m.is_eof() as c_long,
        (Kind::Mem(m), BIO_CTRL_PENDING) => m.pending() as c_long,
        (Kind::Mem(_), BIO_CTRL_WPENDING) => 0,
        (Kind::Mem(m), BIO_CTRL_INFO) => {
            put(parg.cast::<*const c_char>(), m.data().as_ptr().cast());
            m.pending() as c_long
        }
        (Kind::Mem(m), BIO_C_SET_BUF_MEM_EOF_RETURN) => {
            m.set_eof_return(larg as i32);
            1
        }
        (Kind::Pair(p), BIO_CTRL_PENDING) => p.pending() as c_long,
        (Kind::Pair(p), BIO_CTRL_WPENDING) => p.wpending() as c_long,
        (Kind::Pair(p), BIO_CTRL_EOF) => p.is_eof() as c_long,
        (Kind::Pair(p), BIO_C_GET_WRITE_GUARANTEE) => p.write_guarantee() as c_long,
        (Kind::Pair(p), BIO_C_GET_READ_REQUEST) => p.read_request() as c_long,
        (Kind::Pair(p), BIO_C_GET_WRITE_BUF_SIZE) => p.capacity() as c_long,
        (Kind::Pair(p), BIO_C_SHUTDOWN_WR) => {
            p.shutdown_write();
            1
        }
        (Kind::Fd(slot), BIO_C_SET_FD) => {
            if parg.is_null() {
                err::push_raw(ERR_LIB_BIO, err::ERR_R_PASSED_NULL_PARAMETER, "");
                return 0;
            }
            // SAFETY: BIO_set_fd passes a pointer to an int (BIO_int_ctrl).
            let fd = unsafe { *parg.cast::<c_int>() };
            if let Some(old) = slot.as_mut() {
                // SAFETY: the old descriptor is taken once and the slot overwritten below.
                let old = unsafe { ManuallyDrop::take(old) };
                release(old, close);
            }
            *slot = fd_bio(fd).map(ManuallyDrop::new);
            g.invalid_fd = (fd < 0).then_some(fd);
            g.close = larg != 0;
            1
        }
        (Kind::Fd(slot), BIO_C_GET_FD) => match slot {
            Some(f) => {
                let fd = std::os::fd::AsRawFd::as_raw_fd(&**f);
                put(parg.cast::<c_int>(), fd);
                fd as c_long
            }
            None => match g.invalid_fd {
                Some(fd) => {
                    put(parg.cast::<c_int>(), fd);
                    c_long::from(fd)
                }
                None => -1,
            },
        },
        (Kind::Fd(_), BIO_CTRL_EOF) => {
            (b.flags.load(Ordering::Acquire) & BIO_FLAGS_IN_EOF != 0) as c_long
        }
        (_, BIO_C_SET_NBIO) => 0,
        (Kind::Fd(_), BIO_CTRL_PENDING | BIO_CTRL_WPENDING | BIO_CTRL_RESET) => 0,
        _ => 0,
    }
}

ffi_fn! {
    /// `BIO_ctrl`: the commands behind `BIO_pending`, `BIO_wpending`, `BIO_reset`, `BIO_eof`,
    /// `BIO_set_mem_eof_return`, `BIO_get_mem_data`, `BIO_set_fd`/`BIO_get_fd`,
    /// `BIO_set_close`/`BIO_get_close`, `BIO_flush`, `BIO_set_nbio`, `BIO_shutdown_wr`,
    /// `BIO_get_write_guarantee`, `BIO_get_read_request`. Unknown commands return 0.
    fn BIO_ctrl(b: *mut Bio, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long = 0; {
        match obj(b) {
            Some(b) => ctrl(b, cmd, larg, parg),
            None => 0,
        }
    }
}

ffi_fn! {
    /// `BIO_int_ctrl` (behind `BIO_set_fd`).
    fn BIO_int_ctrl(b: *mut Bio, cmd: c_int, larg: c_long, iarg: c_int) -> c_long = 0; {
        let mut i = iarg;
        match obj(b) {
            Some(b) => ctrl(b, cmd, larg, (&mut i as *mut c_int).cast()),
            None => 0,
        }
    }
}

ffi_fn! {
    /// `BIO_ctrl_pending`.
    fn BIO_ctrl_pending(b: *mut Bio) -> size_t = 0; {
        obj(b).map_or(0, |b| ctrl(b, BIO_CTRL_PENDING, 0, std::ptr::null_mut()).max(0) as size_t)
    }
}

ffi_fn! {
    /// `BIO_ctrl_wpending`.
    fn BIO_ctrl_wpending(b: *mut Bio) -> size_t = 0; {
        obj(b).map_or(0, |b| ctrl(b, BIO_CTRL_WPENDING, 0, std::ptr::null_mut()).max(0) as size_t)
    }
}

ffi_fn! {
    /// `BIO_ctrl_get_write_guarantee`.
    fn BIO_ctrl_get_write_guarantee(b: *mut Bio) -> size_t = 0; {
        obj(b).map_or(0, |b| ctrl(b, BIO_C_GET_WRITE_GUARANTEE, 0, std::ptr::null_mut()).max(0) as size_t)
    }
}

ffi_fn! {
    /// `BIO_ctrl_get_read_request`.
    fn BIO_ctrl_get_read_request(b: *mut Bio) -> size_t = 0; {
        obj(b).map_or(0, |b| ctrl(b, BIO_C_GET_READ_REQUEST, 0, std::ptr::null_mut()).max(0) as size_t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctrl0(b: *mut Bio, cmd: c_int) -> c_long {
        // SAFETY: `b` is a live BIO made by the test.
        unsafe { BIO_ctrl(b, cmd, 0, std::ptr::null_mut()) }
    }

    /// True if `fd` is an open descriptor.
    fn is_open(fd: c_int) -> bool {
        // SAFETY: F_GETFD only reads the descriptor's flags.
        unsafe { libc::fcntl(fd, libc::F_GETFD) != -1 }
    }

    #[test]
    fn socket_bio_free_closes_only_with_bio_close_and_ignores_a_descriptor_not_open() {
        // SAFETY: the BIOs are made and freed here, over descriptors made here.
        unsafe {
            let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
            let (a, b) = (a.into_raw_fd(), b.into_raw_fd());
            BIO_free(BIO_new_socket(a, 0));
            assert!(is_open(a), "BIO_NOCLOSE leaves the descriptor to its owner");
            BIO_free(BIO_new_socket(a, 1));
            assert!(!is_open(a), "BIO_CLOSE closes it");
            // Replacing a descriptor with BIO_set_fd closes the old one under BIO_CLOSE.
            let bio = BIO_new_socket(b, 1);
            let mut none = c_int::MAX;
            BIO_ctrl(bio, BIO_C_SET_FD, 1, (&mut none as *mut c_int).cast());
            assert!(!is_open(b));
            // A descriptor that is not open: the I/O fails, and freeing closes it as OpenSSL
            // does, ignoring EBADF (an OwnedFd dropped on it aborts where std checks I/O
            // safety, as in the fuzz builds, whose ffi_calls target found this).
            assert_eq!(BIO_write(bio, b"x".as_ptr().cast(), 1), -1);
            assert_eq!(BIO_free(bio), 1);
        }
    }

    #[test]
    fn memory_bio_follows_the_eof_return_rule_and_sets_retry_flags() {
        // SAFETY: every pointer below comes from BIO_new and lives until BIO_free.
        unsafe {
            let b = BIO_new(BIO_s_mem());
            let mut buf = [0u8; 8];
            assert_eq!(BIO_read(b, buf.as_mut_ptr().cast(), 8), -1);
            assert_ne!(BIO_test_flags(b, BIO_FLAGS_SHOULD_RETRY), 0);
            assert_ne!(BIO_test_flags(b, BIO_FLAGS_READ), 0);
            assert_eq!(BIO_write(b, b"abc".as_ptr().cast(), 3), 3);
            assert_eq!(BIO_test_flags(b, BIO_FLAGS_SHOULD_RETRY), 0);
            assert_eq!(ctrl0(b, BIO_CTRL_PENDING), 3);
            assert_eq!(BIO_read(b, buf.as_mut_ptr().cast(), 8), 3);
            BIO_ctrl(b, BIO_C_SET_BUF_MEM_EOF_RETURN, 0, std::ptr::null_mut());
            assert_eq!(
                BIO_read(b, buf.as_mut_ptr().cast(), 8),
                0,
                "eof_return 0 is EOF"
            );
            assert_eq!(ctrl0(b, BIO_CTRL_EOF), 1);
            assert_eq!(BIO_free(b), 1);
        }
    }

    #[test]
    fn read_only_memory_bio_refuses_writes_with_openssls_reason() {
        crate::err::clear_for_tests();
        // SAFETY: as above.
        unsafe {
            let b = BIO_new_mem_buf(b"xyz".as_ptr().cast(), 3);
            assert_eq!(BIO_write(b, b"no".as_ptr().cast(), 2), -1);
            assert_eq!(
                crate::err::peek(),
                crate::err::pack(ERR_LIB_BIO, BIO_R_WRITE_TO_READ_ONLY_BIO)
            );
            let mut p: *const c_char = std::ptr::null();
            assert_eq!(
                BIO_ctrl(b, BIO_CTRL_INFO, 0, (&mut p as *mut *const c_char).cast()),
                3
            );
            assert_eq!(std::slice::from_raw_parts(p.cast::<u8>(), 3), b"xyz");
            BIO_free(b);
        }
        crate::err::clear_for_tests();
    }

    #[test]
    fn bio_pair_reports_guarantee_request_and_shutdown_as_bss_bio() {
        // SAFETY: as above.
        unsafe {
            let (mut a, mut b) = (std::ptr::null_mut(), std::ptr::null_mut());
            assert_eq!(BIO_new_bio_pair(&mut a, 4, &mut b, 4), 1);
            assert_eq!(BIO_ctrl_get_write_guarantee(a), 4);
            assert_eq!(BIO_write(a, b"hello".as_ptr().cast(), 5), 4);
            assert_eq!(BIO_write(a, b"o".as_ptr().cast(), 1), -1);
            assert_ne!(BIO_test_flags(a, BIO_FLAGS_WRITE), 0);
            assert_eq!(BIO_ctrl_pending(b), 4);
            assert_eq!(BIO_ctrl_wpending(a), 4);
            let mut buf = [0u8; 16];
            assert_eq!(BIO_read(b, buf.as_mut_ptr().cast(), 16), 4);
            assert_eq!(BIO_read(b, buf.as_mut_ptr().cast(), 3), -1);
            assert_eq!(BIO_ctrl_get_read_request(a), 3);
            assert_eq!(ctrl0(a, BIO_C_SHUTDOWN_WR), 1);
            assert_eq!(
                BIO_read(b, buf.as_mut_ptr().cast(), 3),
                0,
                "EOF after shutdown_wr"
            );
            BIO_free(a);
            BIO_free(b);
        }
    }

    #[test]
    fn up_ref_keeps_a_bio_alive_until_the_last_free() {
        // SAFETY: as above; the BIO is freed exactly once per reference.
        unsafe {
            let b = BIO_new(BIO_s_mem());
            assert_eq!(BIO_up_ref(b), 1);
            BIO_free(b);
            assert_eq!(
                BIO_write(b, b"x".as_ptr().cast(), 1),
                1,
                "still alive after one of two frees"
            );
            BIO_free(b);
        }
    }
}
