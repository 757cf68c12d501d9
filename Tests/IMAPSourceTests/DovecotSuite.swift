import Testing

/// Every test that talks to a real Dovecot, one at a time: each starts its own server, and the
/// harness blocks a thread while openssl, Dovecot and the APPEND client start, so running them
/// side by side on a 2-core machine starves the watchers they are timing.
@Suite(.serialized) enum DovecotSuite {}
