/* Unit tests for strbuf: appending text and bytes, formatting, quoting an
 * SQL identifier, clearing and freeing, and the overflow check that keeps
 * a length near SIZE_MAX from wrapping into a small one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "strbuf.h"

static void test_empty(void **state) {
    (void)state;
    strbuf b = STRBUF_INIT;
    assert_null(b.p);
    assert_string_equal(strbuf_cstr(&b), "");
    strbuf_clear(&b); /* nothing to clear: fine */
    assert_int_equal(b.len, 0);
    strbuf_free(&b);
    strbuf_free(&b); /* twice: fine */
}

static void test_append(void **state) {
    (void)state;
    strbuf b = STRBUF_INIT;
    assert_int_equal(strbuf_puts(&b, "abc"), 0);
    assert_int_equal(strbuf_putc(&b, '-'), 0);
    assert_int_equal(strbuf_append(&b, "xyz", 2), 0);
    assert_int_equal(strbuf_append(&b, NULL, 0), 0); /* nothing: fine */
    assert_string_equal(strbuf_cstr(&b), "abc-xy");
    assert_int_equal(b.len, 6);
    /* Bytes, NUL included, are kept with their length. */
    assert_int_equal(strbuf_append(&b, "a\0b", 3), 0);
    assert_int_equal(b.len, 9);
    assert_memory_equal(b.p, "abc-xya\0b", 10);
    strbuf_free(&b);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
}

static void test_grow(void **state) {
    (void)state;
    strbuf b = STRBUF_INIT;
    char big[10000];
    memset(big, 'q', sizeof big);
    for (int i = 0; i < 10; i++) assert_int_equal(strbuf_append(&b, big, sizeof big), 0);
    assert_int_equal(b.len, 100000);
    assert_true(b.cap > b.len);
    assert_int_equal(b.p[b.len], '\0');
    assert_int_equal(b.p[99999], 'q');
    assert_int_equal(strbuf_reserve(&b, 1000000), 0);
    assert_true(b.cap >= b.len + 1000000 + 1);
    strbuf_free(&b);
}

static void test_printf(void **state) {
    (void)state;
    strbuf b = STRBUF_INIT;
    assert_int_equal(strbuf_printf(&b, "%s=%d", "n", 42), 0);
    assert_int_equal(strbuf_printf(&b, ";%05.1f", 3.14159), 0);
    assert_string_equal(strbuf_cstr(&b), "n=42;003.1");
    /* Longer than the first allocation. */
    strbuf_clear(&b);
    assert_int_equal(strbuf_printf(&b, "%0300d|", 7), 0);
    assert_int_equal(b.len, 301);
    assert_int_equal(b.p[299], '7');
    assert_int_equal(b.p[300], '|');
    strbuf_free(&b);
}

static void test_ident(void **state) {
    (void)state;
    strbuf b = STRBUF_INIT;
    assert_int_equal(strbuf_ident(&b, "user"), 0);
    assert_int_equal(strbuf_putc(&b, ' '), 0);
    assert_int_equal(strbuf_ident(&b, "a\"b\"\""), 0);
    assert_int_equal(strbuf_putc(&b, ' '), 0);
    assert_int_equal(strbuf_ident(&b, ""), 0);
    assert_string_equal(strbuf_cstr(&b), "\"user\" \"a\"\"b\"\"\"\"\" \"\"");
    strbuf_free(&b);
}

static void test_clear_keeps_room(void **state) {
    (void)state;
    strbuf b = STRBUF_INIT;
    assert_int_equal(strbuf_puts(&b, "some text"), 0);
    char *p = b.p;
    size_t cap = b.cap;
    strbuf_clear(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(strbuf_cstr(&b), "");
    assert_ptr_equal(b.p, p);
    assert_int_equal(b.cap, cap);
    assert_int_equal(strbuf_puts(&b, "again"), 0);
    assert_ptr_equal(b.p, p); /* reused, not reallocated */
    assert_string_equal(strbuf_cstr(&b), "again");
    strbuf_free(&b);
}

/* len + extra + 1 past SIZE_MAX wraps to a small number; strbuf must
 * refuse it rather than take the wrapped size for room it has. */
static void test_overflow(void **state) {
    (void)state;
    strbuf b = STRBUF_INIT;
    /* Empty: SIZE_MAX + 1 wraps to 0, which an empty buffer "has". */
    assert_int_equal(strbuf_reserve(&b, SIZE_MAX), -1);
    assert_null(b.p);
    assert_int_equal(b.cap, 0);

    assert_int_equal(strbuf_puts(&b, "hello"), 0);
    char *p = b.p;
    size_t cap = b.cap;
    /* Each of these wraps: to 0, to 5 (the length: room the buffer has). */
    assert_int_equal(strbuf_reserve(&b, SIZE_MAX - 5), -1);
    assert_int_equal(strbuf_reserve(&b, SIZE_MAX), -1);
    assert_int_equal(strbuf_reserve(&b, SIZE_MAX - 1), -1);
    /* An append of such a length fails before it reads a byte of s. */
    assert_int_equal(strbuf_append(&b, "x", SIZE_MAX), -1);
    assert_int_equal(strbuf_append(&b, "x", SIZE_MAX - 5), -1);
    /* The buffer is left as it was. */
    assert_ptr_equal(b.p, p);
    assert_int_equal(b.cap, cap);
    assert_int_equal(b.len, 5);
    assert_string_equal(strbuf_cstr(&b), "hello");
    assert_int_equal(strbuf_puts(&b, "!"), 0);
    assert_string_equal(strbuf_cstr(&b), "hello!");
    strbuf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),    cmocka_unit_test(test_append),
        cmocka_unit_test(test_grow),     cmocka_unit_test(test_printf),
        cmocka_unit_test(test_ident),    cmocka_unit_test(test_clear_keeps_room),
        cmocka_unit_test(test_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
