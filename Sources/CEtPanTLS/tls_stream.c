#define _GNU_SOURCE
#include "CEtPanTLS.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/// The protocol versions notegate accepts, as a GnuTLS priority string appended to the system's defaults.
#define NOTEGATE_TLS_VERSIONS "-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

struct tls_stream {
    notegate_reply_filter filter;
    int fd;
    int cancel_pipe[2];
    int timeout_ms;
    gnutls_session_t session;
    gnutls_certificate_credentials_t credentials;
};

static void set_error(notegate_tls_status *status, char *error, size_t error_size,
                      notegate_tls_status code, const char *message) {
    *status = code;
    snprintf(error, error_size, "%s", message);
}

static int set_nonblocking(int fd, int nonblocking) {
    int flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0) return -1;
    flags = nonblocking ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    return fcntl(fd, F_SETFL, flags);
}

/// 1 when `fd` is ready for `events`, 0 on timeout, -1 when `cancel_fd` fired or poll failed.
static int wait_ready(int fd, short events, int cancel_fd, int timeout_ms) {
    struct pollfd fds[2] = {{.fd = fd, .events = events}, {.fd = cancel_fd, .events = POLLIN}};
    nfds_t count = cancel_fd >= 0 ? 2 : 1;
    for (;;) {
        int r = poll(fds, count, timeout_ms);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return r;
        if (count == 2 && (fds[1].revents & POLLIN)) return -1;
        return 1;
    }
}

int notegate_tcp_connect(const char *host, uint16_t port, int timeout_seconds,
                         notegate_tls_status *status, char *error, size_t error_size) {
    // A server that drops the connection must surface as a failed write, not kill the process.
    signal(SIGPIPE, SIG_IGN);

    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *addresses = NULL;
    int r = getaddrinfo(host, service, &hints, &addresses);
    if (r != 0) {
        set_error(status, error, error_size, NOTEGATE_TLS_CONNECT_FAILED, gai_strerror(r));
        return -1;
    }
    set_error(status, error, error_size, NOTEGATE_TLS_CONNECT_FAILED, "no address to connect to");
    int fd = -1;
    for (struct addrinfo *a = addresses; a != NULL && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        set_nonblocking(fd, 1);
        int ready = 1;
        if (connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
            ready = errno == EINPROGRESS ? wait_ready(fd, POLLOUT, -1, timeout_seconds * 1000) : -1;
        }
        int socket_error = 0;
        socklen_t length = sizeof socket_error;
        if (ready == 1) getsockopt(fd, SOL_SOCKET, SO_ERROR, &socket_error, &length);
        if (ready == 1 && socket_error == 0 && set_nonblocking(fd, 0) == 0) break;
        if (ready == 0) {
            set_error(status, error, error_size, NOTEGATE_TLS_TIMEOUT, "connection timed out");
        } else {
            set_error(status, error, error_size, NOTEGATE_TLS_CONNECT_FAILED,
                      strerror(socket_error != 0 ? socket_error : errno));
        }
        close(fd);
        fd = -1;
    }
    freeaddrinfo(addresses);
    if (fd >= 0) *status = NOTEGATE_TLS_OK;
    return fd;
}

/// Waits until the session can make progress in the direction GnuTLS last asked for.
static int wait_session(struct tls_stream *stream) {
    short events = gnutls_record_get_direction(stream->session) ? POLLOUT : POLLIN;
    return wait_ready(stream->fd, events, stream->cancel_pipe[0], stream->timeout_ms);
}

static ssize_t tls_read(mailstream_low *low, void *buffer, size_t count) {
    struct tls_stream *stream = low->data;
    for (;;) {
        if (gnutls_record_check_pending(stream->session) == 0 && wait_session(stream) <= 0) return -1;
        ssize_t r = gnutls_record_recv(stream->session, buffer, count);
        if (r > 0) {
            notegate_reply_filter_apply(&stream->filter, buffer, (size_t)r);
            return r;
        }
        // The server closed the connection. That must read as an error: libetpan reads a literal until
        // it has all of it and retries a read of 0 for ever, at full CPU (found by `make fuzz`).
        if (r == 0) return -1;
        if (r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED) return -1;
    }
}

static ssize_t tls_write(mailstream_low *low, const void *buffer, size_t count) {
    struct tls_stream *stream = low->data;
    for (;;) {
        ssize_t r = gnutls_record_send(stream->session, buffer, count);
        if (r >= 0) return r;
        if (r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED) return -1;
        if (wait_session(stream) <= 0) return -1;
    }
}

static int tls_close(mailstream_low *low) {
    struct tls_stream *stream = low->data;
    if (stream->fd >= 0) {
        gnutls_bye(stream->session, GNUTLS_SHUT_WR);
        close(stream->fd);
        stream->fd = -1;
    }
    return 0;
}

static int tls_get_fd(mailstream_low *low) {
    return ((struct tls_stream *)low->data)->fd;
}

static void tls_stream_free(struct tls_stream *stream) {
    if (stream->session) gnutls_deinit(stream->session);
    if (stream->credentials) gnutls_certificate_free_credentials(stream->credentials);
    if (stream->cancel_pipe[0] >= 0) close(stream->cancel_pipe[0]);
    if (stream->cancel_pipe[1] >= 0) close(stream->cancel_pipe[1]);
    free(stream);
}

static void tls_free(mailstream_low *low) {
    tls_stream_free(low->data);
    free(low);
}

static void tls_cancel(mailstream_low *low) {
    struct tls_stream *stream = low->data;
    ssize_t ignored = write(stream->cancel_pipe[1], "x", 1);
    (void)ignored;
}

static struct mailstream_cancel *tls_get_cancel(mailstream_low *low) {
    (void)low;
    return NULL;
}

static mailstream_low_driver tls_driver = {
    .mailstream_read = tls_read,
    .mailstream_write = tls_write,
    .mailstream_close = tls_close,
    .mailstream_get_fd = tls_get_fd,
    .mailstream_free = tls_free,
    .mailstream_cancel = tls_cancel,
    .mailstream_get_cancel = tls_get_cancel,
};

static int is_ip_literal(const char *host) {
    unsigned char address[16];
    return inet_pton(AF_INET, host, address) == 1 || inet_pton(AF_INET6, host, address) == 1;
}

static int load_trust(struct tls_stream *stream, const notegate_tls_options *options,
                      notegate_tls_status *status, char *error, size_t error_size) {
    if (!options->verify) return 0;
    if (options->ca_file != NULL) {
        int loaded = gnutls_certificate_set_x509_trust_file(stream->credentials, options->ca_file,
                                                            GNUTLS_X509_FMT_PEM);
        if (loaded > 0) return 0;
        set_error(status, error, error_size, NOTEGATE_TLS_CA_FILE_UNUSABLE,
                  loaded < 0 ? gnutls_strerror(loaded) : "no certificate in the file");
        return -1;
    }
    int loaded = gnutls_certificate_set_x509_system_trust(stream->credentials);
    if (loaded >= 0) return 0;
    set_error(status, error, error_size, NOTEGATE_TLS_SYSTEM, gnutls_strerror(loaded));
    return -1;
}

static void describe_verification_failure(struct tls_stream *stream, notegate_tls_status *status,
                                          char *error, size_t error_size) {
    unsigned int verification = gnutls_session_get_verify_cert_status(stream->session);
    gnutls_datum_t text = {NULL, 0};
    gnutls_certificate_verification_status_print(verification, GNUTLS_CRT_X509, &text, 0);
    notegate_tls_status code = (verification & GNUTLS_CERT_UNEXPECTED_OWNER) &&
                                       !(verification & GNUTLS_CERT_SIGNER_NOT_FOUND)
                                   ? NOTEGATE_TLS_HOSTNAME_MISMATCH
                                   : NOTEGATE_TLS_UNTRUSTED;
    set_error(status, error, error_size, code, text.data ? (const char *)text.data : "verification failed");
    gnutls_free(text.data);
}

/// Whether a failed handshake failed over the protocol version: the server answered with a version below TLS 1.2,
/// or said (alert protocol_version) that it supports none of the versions offered.
static int is_version_refusal(struct tls_stream *stream, int r) {
    return r == GNUTLS_E_UNSUPPORTED_VERSION_PACKET ||
           (r == GNUTLS_E_FATAL_ALERT_RECEIVED && gnutls_alert_get(stream->session) == GNUTLS_A_PROTOCOL_VERSION);
}

static int handshake(struct tls_stream *stream, notegate_tls_status *status, char *error, size_t error_size) {
    for (;;) {
        int r = gnutls_handshake(stream->session);
        if (r == GNUTLS_E_SUCCESS) return 0;
        if (r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
            describe_verification_failure(stream, status, error, error_size);
            return -1;
        }
        if (is_version_refusal(stream, r)) {
            set_error(status, error, error_size, NOTEGATE_TLS_PROTOCOL_TOO_OLD, gnutls_strerror(r));
            return -1;
        }
        if (gnutls_error_is_fatal(r)) {
            set_error(status, error, error_size, NOTEGATE_TLS_HANDSHAKE_FAILED, gnutls_strerror(r));
            return -1;
        }
        int ready = wait_session(stream);
        if (ready <= 0) {
            set_error(status, error, error_size, ready == 0 ? NOTEGATE_TLS_TIMEOUT : NOTEGATE_TLS_SYSTEM,
                      ready == 0 ? "TLS handshake timed out" : "TLS handshake interrupted");
            return -1;
        }
    }
}

static int start_session(struct tls_stream *stream, const notegate_tls_options *options) {
    if (gnutls_init(&stream->session, GNUTLS_CLIENT | GNUTLS_NONBLOCK) < 0) return -1;
    // The system's defaults (ciphers, curves) with TLS 1.0 and 1.1 removed: both are deprecated (RFC 8996).
    const char *failed_at = NULL;
    if (gnutls_set_default_priority_append(stream->session, NOTEGATE_TLS_VERSIONS, &failed_at, 0) < 0) return -1;
    if (gnutls_credentials_set(stream->session, GNUTLS_CRD_CERTIFICATE, stream->credentials) < 0) return -1;
    // SNI carries DNS names only; an IP address is still checked against the certificate below.
    if (!is_ip_literal(options->host)) {
        gnutls_server_name_set(stream->session, GNUTLS_NAME_DNS, options->host, strlen(options->host));
    }
    if (options->verify) gnutls_session_set_verify_cert(stream->session, options->host, 0);
    gnutls_transport_set_int(stream->session, stream->fd);
    return 0;
}

mailstream_low *notegate_tls_open(int fd, const notegate_tls_options *options,
                                  notegate_tls_status *status, char *error, size_t error_size) {
    struct tls_stream *stream = calloc(1, sizeof *stream);
    if (stream == NULL) {
        set_error(status, error, error_size, NOTEGATE_TLS_SYSTEM, "out of memory");
        return NULL;
    }
    stream->fd = fd;
    stream->timeout_ms = options->timeout_seconds * 1000;
    stream->cancel_pipe[0] = stream->cancel_pipe[1] = -1;
    set_error(status, error, error_size, NOTEGATE_TLS_SYSTEM, "cannot set up a TLS session");
    mailstream_low *low = NULL;
    if (pipe2(stream->cancel_pipe, O_CLOEXEC) == 0 && set_nonblocking(fd, 1) == 0 &&
        gnutls_certificate_allocate_credentials(&stream->credentials) >= 0 &&
        load_trust(stream, options, status, error, error_size) == 0 &&
        start_session(stream, options) == 0 &&
        handshake(stream, status, error, error_size) == 0) {
        low = mailstream_low_new(stream, &tls_driver);
    }
    if (low == NULL) {
        set_nonblocking(fd, 0);
        tls_stream_free(stream);
        return NULL;
    }
    *status = NOTEGATE_TLS_OK;
    return low;
}

notegate_wait_result notegate_stream_wait_readable(mailstream *stream, int wake_fd, int timeout_ms) {
    if (stream->read_buffer_len > 0) return NOTEGATE_WAIT_READABLE;
    mailstream_low *low = mailstream_get_low(stream);
    if (low->driver == &tls_driver &&
        gnutls_record_check_pending(((struct tls_stream *)low->data)->session) > 0) {
        return NOTEGATE_WAIT_READABLE;
    }
    struct pollfd fds[2] = {{.fd = mailstream_low_get_fd(low), .events = POLLIN},
                            {.fd = wake_fd, .events = POLLIN}};
    for (;;) {
        int r = poll(fds, 2, timeout_ms);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return NOTEGATE_WAIT_ERROR;
        if (r == 0) return NOTEGATE_WAIT_TIMEOUT;
        if (fds[1].revents & POLLIN) return NOTEGATE_WAIT_WOKEN;
        return NOTEGATE_WAIT_READABLE;
    }
}
