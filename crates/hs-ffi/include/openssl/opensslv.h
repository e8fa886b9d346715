/* hs_ffi: the OpenSSL API level hs implements (3.0). */
#ifndef OPENSSL_OPENSSLV_H
#define OPENSSL_OPENSSLV_H
#pragma once

#define OPENSSL_VERSION_MAJOR 3
#define OPENSSL_VERSION_MINOR 0
#define OPENSSL_VERSION_PATCH 0
#define OPENSSL_VERSION_NUMBER 0x30000000L
#define OPENSSL_VERSION_TEXT "hs (OpenSSL 3.0 API)"

#endif
