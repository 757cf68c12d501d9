#ifndef NOTEGATE_CETPANTLS_H
#define NOTEGATE_CETPANTLS_H

// A libetpan stream driver over GnuTLS that verifies the server: libetpan's own TLS driver
// completes the handshake without checking the certificate chain or the host name.
#include <libetpan/libetpan.h>
#include "CEtPanBudget.h"
#include "CEtPanFilterStream.h"
#include "CEtPanMemory.h"
#include "CEtPanReplyFilter.h"

/// What went wrong while connecting or negotiating TLS. `NOTEGATE_TLS_OK` is success.
typedef enum {
    NOTEGATE_TLS_OK = 0,
    /// The host name did not resolve or no address accepted the connection.
    NOTEGATE_TLS_CONNECT_FAILED,
    /// The connection or handshake did not finish within the timeout.
    NOTEGATE_TLS_TIMEOUT,
    /// The certificate chain does not lead to a trusted authority (self-signed, unknown CA, expired...).
    NOTEGATE_TLS_UNTRUSTED,
    /// The certificate is trusted but names a different host.
    NOTEGATE_TLS_HOSTNAME_MISMATCH,
    /// The CA file given in the configuration could not be read or holds no certificate.
    NOTEGATE_TLS_CA_FILE_UNUSABLE,
    /// The server offers only TLS versions older than 1.2, which notegate refuses.
    NOTEGATE_TLS_PROTOCOL_TOO_OLD,
    /// The TLS handshake failed for another reason (protocol error, connection closed).
    NOTEGATE_TLS_HANDSHAKE_FAILED,
    /// Out of memory or a system call failed.
    NOTEGATE_TLS_SYSTEM,
} notegate_tls_status;

/// How to check the server while wrapping a connected socket in TLS.
typedef struct {
    /// The name the certificate must carry (a DNS name or an IP address literal).
    const char *_Nonnull host;
    /// Zero skips all certificate checks; anything else verifies chain and host name.
    int verify;
    /// A PEM file of trusted authorities used instead of the system trust store, or NULL.
    const char *_Nullable ca_file;
    /// Seconds allowed for the handshake and for every later read or write.
    int timeout_seconds;
} notegate_tls_options;

/// Opens a TCP connection to `host`:`port` within `timeout_seconds`. Returns the socket, or -1 with
/// `status` set and a description in `error` (of `error_size` bytes).
int notegate_tcp_connect(const char *_Nonnull host, uint16_t port, int timeout_seconds,
                         notegate_tls_status *_Nonnull status,
                         char *_Nonnull error, size_t error_size);

/// Performs a verified TLS handshake (TLS 1.2 or 1.3, never older) on the connected socket `fd` and returns a libetpan stream
/// driver that owns `fd` from then on. Returns NULL on failure, with `status` set and a readable
/// reason in `error`; `fd` is left open for the caller to close.
mailstream_low *_Nullable notegate_tls_open(int fd, const notegate_tls_options *_Nonnull options,
                                            notegate_tls_status *_Nonnull status,
                                            char *_Nonnull error, size_t error_size);

/// What `notegate_stream_wait_readable` saw.
typedef enum {
    NOTEGATE_WAIT_READABLE = 0,
    NOTEGATE_WAIT_WOKEN,
    NOTEGATE_WAIT_TIMEOUT,
    NOTEGATE_WAIT_ERROR,
} notegate_wait_result;

/// Waits until `stream` has data to read (buffered in libetpan or TLS, or on the socket), until
/// `wake_fd` becomes readable, or `timeout_ms` pass. Used while the server is in IDLE.
notegate_wait_result notegate_stream_wait_readable(mailstream *_Nonnull stream, int wake_fd, int timeout_ms);

#endif
