/* Unit tests for files.c's failures, the ones a script test cannot cause
 * as root: a state file that cannot be written whole (here: past
 * RLIMIT_FSIZE, as on a full disk) leaves the old one and no temporary
 * file; an output directory that cannot be made or is not a directory is
 * refused with the part of its path at fault; a read stopped before it
 * began says so. Each test works in a fresh temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "files.h"

static char dir[64];
static char err[8192];

static int setup(void **state) {
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/clua_files_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *in_dir(const char *name) {
    static char path[4][256];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static const char *contents(const char *path) {
    static char buf[256];
    char *data;
    size_t len;
    if (files_read(path, &data, &len, err, sizeof err) != 0) fail_msg("%s", err);
    snprintf(buf, sizeof buf, "%s", data);
    free(data);
    return buf;
}

static void test_replace_fails_whole(void **state) {
    (void)state;
    const char *path = in_dir("state.json");
    assert_int_equal(files_replace(path, "{\"n\":1}", 7, err, sizeof err), 0);
    assert_string_equal(contents(path), "{\"n\":1}\n");
    /* A write cut short (EFBIG here, ENOSPC on a full disk). */
    struct rlimit old, small = {4096, 4096};
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    small.rlim_max = old.rlim_max;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    static char big[10000];
    memset(big, 'x', sizeof big);
    int rc = files_replace(path, big, sizeof big, err, sizeof err);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    assert_int_equal(rc, -1);
    char want[512];
    snprintf(want, sizeof want, "cannot write %s.tmp: File too large", path);
    assert_string_equal(err, want);
    assert_string_equal(contents(path), "{\"n\":1}\n"); /* the old state stays */
    assert_int_equal(access(in_dir("state.json.tmp"), F_OK), -1);
    /* A directory where the temporary file goes: named, nothing replaced. */
    assert_int_equal(mkdir(in_dir("state.json.tmp"), 0700), 0);
    assert_int_equal(files_replace(path, "{}", 2, err, sizeof err), -1);
    snprintf(want, sizeof want, "cannot write %s.tmp: it is a directory", path);
    assert_string_equal(err, want);
    assert_string_equal(contents(path), "{\"n\":1}\n");
    /* A path too long for the temporary name. */
    char longpath[4300];
    memset(longpath, 'a', sizeof longpath - 1);
    longpath[sizeof longpath - 1] = '\0';
    assert_int_equal(files_replace(longpath, "{}", 2, err, sizeof err), -1);
    assert_non_null(strstr(err, ": path too long"));
}

static void test_output_dir_refused(void **state) {
    (void)state;
    assert_int_equal(files_mkdirs("", err, sizeof err), -1);
    assert_string_equal(err, "bad output directory \"\"");
    /* A part that cannot be made: named, with the system's reason. */
    char name[300], want[1024];
    memset(name, 'n', 299);
    name[299] = '\0';
    char deep[400];
    snprintf(deep, sizeof deep, "%s/%s", dir, name);
    assert_int_equal(files_mkdirs(deep, err, sizeof err), -1);
    snprintf(want, sizeof want, "cannot create directory %s: File name too long", deep);
    assert_string_equal(err, want);
    /* Checked, not made: a missing part is named. */
    const char *missing = in_dir("no/such");
    assert_int_equal(files_check_dir(missing, err, sizeof err), -1);
    snprintf(want, sizeof want, "cannot use %s as the output directory: %s: No such file or directory",
             missing, in_dir("no"));
    assert_string_equal(err, want);
    /* Made, then fine to check. */
    const char *made = in_dir("a/b//c/");
    assert_int_equal(files_mkdirs(made, err, sizeof err), 0);
    assert_int_equal(files_check_dir(made, err, sizeof err), 0);
    /* A device or a socket is not a directory, and says what it is. */
    assert_int_equal(files_mkdirs("/dev/null", err, sizeof err), -1);
    assert_string_equal(err, "cannot use /dev/null as the output directory: it is a device, not a directory");
    const char *sock = in_dir("sock");
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    const char *below = in_dir("sock/x");
    assert_int_equal(files_mkdirs(below, err, sizeof err), -1);
    snprintf(want, sizeof want, "cannot use %s as the output directory: %s is a socket, not a directory",
             below, sock);
    assert_string_equal(err, want);
    assert_string_equal(files_not_plain(sock), "a socket");
    close(fd);
    assert_null(files_not_plain(in_dir("nothing")));
}

static bool stop_now(void *arg) {
    (void)arg;
    return true;
}

static void test_read_stopped(void **state) {
    (void)state;
    const char *path = in_dir("f");
    assert_int_equal(files_replace(path, "x", 1, err, sizeof err), 0);
    char *data = (char *)"unchanged";
    size_t len = 99;
    assert_int_equal(files_read_or_stop(path, &data, &len, stop_now, NULL, err, sizeof err), -2);
    assert_null(data);
    assert_int_equal(len, 0);
    char want[512];
    snprintf(want, sizeof want, "reading %s was interrupted", path);
    assert_string_equal(err, want);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_replace_fails_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_output_dir_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_stopped, setup, teardown),
    };
    return cmocka_run_group_tests_name("files", tests, NULL, NULL);
}
