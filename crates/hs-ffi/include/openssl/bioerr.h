/* hs_ffi: the BIO_R_* reasons hs reports. */
#ifndef OPENSSL_BIOERR_H
#define OPENSSL_BIOERR_H
#pragma once

#define BIO_R_BROKEN_PIPE 124
#define BIO_R_INVALID_ARGUMENT 125
#define BIO_R_WRITE_TO_READ_ONLY_BIO 126

#endif
