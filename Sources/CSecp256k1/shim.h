// Debian's libsecp256k1-dev: the core API plus public-key recovery, which
// Ethereum signatures (r, s, v) need.
#include <secp256k1.h>
#include <secp256k1_recovery.h>
