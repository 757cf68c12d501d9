/*
 * seccomp-exec: runs a program the way systemd starts a unit's ExecStart=, as far as the system-call
 * filter goes: as an unprivileged user, with no new privileges, under a seccomp filter given as a
 * list of system-call names. The unit test (Tests/NotegateCLITests/ServiceSandboxTests.swift) derives
 * that list from config/notegate.service with `systemd-analyze syscall-filter` and runs the built
 * notegate under it, so the unit and the binary cannot drift apart.
 *
 *   seccomp-exec USER MODE NEGATIVE SYSCALLS-FILE -- PROGRAM [ARGUMENT...]
 *
 *   USER           user to switch to before the filter is loaded (`nobody`), as DynamicUser= would;
 *                  an unprivileged caller names itself
 *   MODE           `allow`: only the listed calls are permitted; `deny`: the listed calls are refused
 *   NEGATIVE       what a refused call does: `kill` (SIGSYS, as systemd without SystemCallErrorNumber=)
 *                  or an errno number (SystemCallErrorNumber=)
 *   SYSCALLS-FILE  one system-call name per line; names this architecture does not have are ignored,
 *                  as systemd ignores them
 *
 * Build: cc -O2 -o seccomp-exec scripts/seccomp-exec.c -lseccomp   (Debian: libseccomp-dev)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void fail(const char *what, int error) {
    fprintf(stderr, "seccomp-exec: %s: %s\n", what, strerror(error));
    exit(125);
}

int main(int argc, char **argv) {
    if (argc < 7 || strcmp(argv[5], "--") != 0) {
        fprintf(stderr, "usage: seccomp-exec USER allow|deny kill|ERRNO SYSCALLS-FILE -- PROGRAM [ARGUMENT...]\n");
        return 125;
    }
    const char *user = argv[1];
    int allowList = strcmp(argv[2], "allow") == 0;
    if (!allowList && strcmp(argv[2], "deny") != 0) {
        fprintf(stderr, "seccomp-exec: MODE must be allow or deny, not %s\n", argv[2]);
        return 125;
    }
    uint32_t negative = strcmp(argv[3], "kill") == 0 ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_ERRNO(atoi(argv[3]));

    struct passwd *account = getpwnam(user);
    if (account == NULL) fail("no such user", ENOENT);

    /* Read the list before dropping privileges: the file may be readable by root only. */
    FILE *list = fopen(argv[4], "r");
    if (list == NULL) fail(argv[4], errno);
    scmp_filter_ctx filter = seccomp_init(allowList ? negative : SCMP_ACT_ALLOW);
    if (filter == NULL) fail("seccomp_init", ENOMEM);
    char name[128];
    while (fscanf(list, "%127s", name) == 1) {
        int number = seccomp_syscall_resolve_name(name);
        if (number == __NR_SCMP_ERROR) continue;
        int result = seccomp_rule_add(filter, allowList ? SCMP_ACT_ALLOW : negative, number, 0);
        /* -EACCES/-EEXIST: the default action already says so (a pseudo call on this architecture). */
        if (result < 0 && result != -EACCES && result != -EEXIST) {
            fprintf(stderr, "seccomp-exec: cannot add a rule for %s: %s\n", name, strerror(-result));
            return 125;
        }
    }
    fclose(list);

    /* systemd switches user first and loads the filter as late as possible, just before execve. An
     * unprivileged caller naming itself stays as it is. */
    if (getuid() != account->pw_uid) {
        if (setgroups(0, NULL) != 0) fail("setgroups", errno);
        if (setgid(account->pw_gid) != 0) fail("setgid", errno);
        if (setuid(account->pw_uid) != 0) fail("setuid", errno);
    }
    int result = seccomp_load(filter); /* sets PR_SET_NO_NEW_PRIVS, as NoNewPrivileges=yes */
    if (result < 0) fail("seccomp_load", -result);
    seccomp_release(filter);
    execv(argv[6], argv + 6);
    fail(argv[6], errno);
    return 125;
}
