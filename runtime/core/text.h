/* text: what the runtime knows about the bytes of text, in one place:
 * whether they are UTF-8, how a terminal is shown them, how a JSON string
 * holds them, and the UTC time as text. Nothing here allocates, keeps
 * state or calls the C library, so a signal handler may use all of it
 * (the command writes its last words from one). */
#ifndef CLUA_TEXT_H
#define CLUA_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* The length of the valid UTF-8 sequence at p (n > 0 bytes there), or 0
 * if there is none: RFC 3629, so no overlong forms, no surrogates, nothing
 * past U+10FFFF. ASCII is a sequence of one. text_utf8_decode also gives
 * the code point. */
size_t text_utf8_len(const unsigned char *p, size_t n);
size_t text_utf8_decode(const unsigned char *p, size_t n, unsigned *cp);

/* Whether the valid sequence at p (k bytes) is a C1 control, U+0080 to
 * U+009F: a terminal may take U+009B for CSI, as it takes ESC [. */
bool text_is_c1(const unsigned char *p, size_t k);

/* The longest escape one step below writes ("\xc2\x9b"), with a NUL. */
#define TEXT_ESC_MAX 12

/* One step through the text at p (n > 0 bytes): returns how many bytes it
 * takes, and writes into esc what they become, with its length in *esc_len
 * (0: they stay as they are).
 * text_terminal_step: what a terminal may be shown. Printable ASCII and
 *   valid UTF-8 but the C1 controls stay; newline and tab stay when
 *   multiline (a traceback) and are \n and \t otherwise; \r; any other
 *   control byte, DEL or byte that is not UTF-8 is \xNN, and a C1 control
 *   both its bytes (\xc2\x9b).
 * text_json_step: the inside of a JSON string (RFC 8259). " and \ are
 *   escaped; control bytes, DEL and the C1 controls as \n \r \t \b \f or
 *   \u00XX (JSON allows the last two raw, but the output may reach a
 *   terminal); a byte that is not UTF-8 becomes \ufffd, U+FFFD, so the
 *   string is always valid. multiline is not looked at. */
size_t text_terminal_step(const unsigned char *p, size_t n, bool multiline, char *esc,
                          size_t *esc_len);
size_t text_json_step(const unsigned char *p, size_t n, bool multiline, char *esc,
                      size_t *esc_len);

/* Receives the output of the two below in pieces: 0, or -1 to stop. */
typedef int (*text_put_fn)(void *ctx, const char *s, size_t n);

/* Writes s (n bytes) through put as the steps above turn it: runs that
 * stay as they are in one piece. Returns 0, or -1 when put did. */
int text_terminal_escape(const char *s, size_t n, bool multiline, text_put_fn put, void *ctx);
int text_json_escape(const char *s, size_t n, text_put_fn put, void *ctx);

/* Whether text_terminal_escape would write s as it is. */
bool text_terminal_safe(const char *s, size_t n, bool multiline);

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" and its NUL. */
#define TEXT_TIME_SIZE 25

/* ms milliseconds after 1970-01-01T00:00:00Z, in UTC, into out; years
 * 1970 to 9999 (a time outside is shown as the nearest end). No gmtime_r:
 * it is not async-signal-safe. */
void text_utc_time(long long ms, char out[TEXT_TIME_SIZE]);

#endif
