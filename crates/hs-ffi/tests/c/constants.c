/* Prints every constant hs_ffi's headers define, to compare OpenSSL's headers with ours. */
#include <stdio.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/x509.h>

#define P(x) printf("%s %lld\n", #x, (long long)(x))

int main(void)
{
#include "constants.inc"
    return 0;
}
