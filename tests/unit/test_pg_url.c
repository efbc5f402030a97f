/* Unit tests for pg_url: URLs a user would give --output, what libpq is
 * handed, the schema and the masked form every message shows (a table of
 * cases), each refusal with its message, masking of free text; and a
 * property test over random users and passwords, whose URLs are built
 * with the test's own percent-encoder and read back through libpq's own
 * PQconninfoParse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "pg_url.h"

static void test_is(void **state) {
    (void)state;
    const char *yes[] = {"postgresql://", "postgres://h/db", "POSTGRESQL://h", "PostGres://"};
    const char *no[] = {"",           "files/three",   "postgresql:/h",
                        "postgres:",  "postgresq://h", "./postgresql://h",
                        "sqlite://x", "postgresql"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (!pg_url_is(yes[i])) fail_msg("\"%s\" should be a PostgreSQL URL", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (pg_url_is(no[i])) fail_msg("\"%s\" should not be a PostgreSQL URL", no[i]);
    assert_false(pg_url_is(NULL));
}

/* ---- accepted URLs ---- */

typedef struct ok_case {
    const char *url, *conninfo, *schema, *display;
} ok_case;

#define DEF "three" /* the connector's name, the default schema */
#define LONG63 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk"

static const ok_case ok_cases[] = {
    /* Both schemes, any case; libpq knows them in lower case only. */
    {"postgresql://u:secret@db.example.com:5432/warehouse",
     "postgresql://u:secret@db.example.com:5432/warehouse", DEF,
     "postgresql://u:***@db.example.com:5432/warehouse"},
    {"postgres://u@h/db", "postgres://u@h/db", DEF, "postgres://u@h/db"},
    {"POSTGRESQL://u:pw@h/db", "postgresql://u:pw@h/db", DEF, "POSTGRESQL://u:***@h/db"},
    {"Postgres://h", "postgres://h", DEF, "Postgres://h"},
    /* Nothing but the scheme, or only a database: libpq's environment
     * (PGHOST, PGUSER, ...) fills in the rest. */
    {"postgresql://", "postgresql://", DEF, "postgresql://"},
    {"postgresql:///warehouse", "postgresql:///warehouse", DEF, "postgresql:///warehouse"},
    {"postgresql://h:6543", "postgresql://h:6543", DEF, "postgresql://h:6543"},
    {"postgresql://u:@h/db", "postgresql://u:@h/db", DEF, "postgresql://u:***@h/db"},
    /* A Unix socket directory as libpq's host parameter. */
    {"postgresql:///warehouse?host=/tmp/pg-x", "postgresql:///warehouse?host=/tmp/pg-x", DEF,
     "postgresql:///warehouse?host=/tmp/pg-x"},
    {"postgresql://postgres@/warehouse?host=/tmp/pg&schema=sales",
     "postgresql://postgres@/warehouse?host=/tmp/pg", "sales",
     "postgresql://postgres@/warehouse?host=/tmp/pg&schema=sales"},
    {"postgresql://postgres@/warehouse?host=%2Ftmp%2Fpg",
     "postgresql://postgres@/warehouse?host=%2Ftmp%2Fpg", DEF,
     "postgresql://postgres@/warehouse?host=%2Ftmp%2Fpg"},
    /* IPv6. */
    {"postgresql://[::1]:5433/db?schema=s", "postgresql://[::1]:5433/db", "s",
     "postgresql://[::1]:5433/db?schema=s"},
    {"postgresql://u:p%40ss%3Aw@[2001:db8::7]/db", "postgresql://u:p%40ss%3Aw@[2001:db8::7]/db",
     DEF, "postgresql://u:***@[2001:db8::7]/db"},
    /* Percent-encoded schemas; libpq decodes names too; '+' is a '+'. */
    {"postgresql://h/db?schema=My%20Schema", "postgresql://h/db", "My Schema",
     "postgresql://h/db?schema=My%20Schema"},
    {"postgresql://h/db?sch%65ma=x", "postgresql://h/db", "x", "postgresql://h/db?sch%65ma=x"},
    {"postgresql://h/db?schema=a+b%c3%a9", "postgresql://h/db", "a+b\xc3\xa9",
     "postgresql://h/db?schema=a+b%c3%a9"},
    {"postgresql://h/db?schema=" LONG63, "postgresql://h/db", LONG63,
     "postgresql://h/db?schema=" LONG63},
    /* The schema out, every other parameter kept, in order. */
    {"postgresql://u:pw@h/db?sslmode=verify-full&schema=s&application_name=app&connect_timeout=5",
     "postgresql://u:pw@h/db?sslmode=verify-full&application_name=app&connect_timeout=5", "s",
     "postgresql://u:***@h/db?sslmode=verify-full&schema=s&application_name=app&connect_timeout=5"},
    {"postgresql://h/db?schema=s&sslmode=require", "postgresql://h/db?sslmode=require", "s",
     "postgresql://h/db?schema=s&sslmode=require"},
    {"postgresql://h/db?sslmode=require&schema=s", "postgresql://h/db?sslmode=require", "s",
     "postgresql://h/db?sslmode=require&schema=s"},
    {"postgresql://h/db?schema=s", "postgresql://h/db", "s", "postgresql://h/db?schema=s"},
    {"postgresql://h/db?schema=s&", "postgresql://h/db", "s", "postgresql://h/db?schema=s&"},
    {"postgresql://h/db?sslmode=require", "postgresql://h/db?sslmode=require", DEF,
     "postgresql://h/db?sslmode=require"},
    {"postgresql://h/db?", "postgresql://h/db?", DEF, "postgresql://h/db?"},
    /* Passwords as parameters: masked too, and kept for libpq. */
    {"postgresql://h/db?user=u&password=hunter2&schema=s",
     "postgresql://h/db?user=u&password=hunter2", "s",
     "postgresql://h/db?user=u&password=***&schema=s"},
    {"postgresql://h/db?pass%77ord=hunter2", "postgresql://h/db?pass%77ord=hunter2", DEF,
     "postgresql://h/db?pass%77ord=***"},
    {"postgresql://h/db?sslmode=require&sslpassword=keypass&sslkey=/k.pem",
     "postgresql://h/db?sslmode=require&sslpassword=keypass&sslkey=/k.pem", DEF,
     "postgresql://h/db?sslmode=require&sslpassword=***&sslkey=/k.pem"},
    {"postgresql://h/db?password=a#b&sslmode=require",
     "postgresql://h/db?password=a#b&sslmode=require", DEF,
     "postgresql://h/db?password=***&sslmode=require"},
    /* Raw '?' or '#' in a password: libpq takes the password up to the
     * first '@' ('?' does not end it); the display masks all of it. (A
     * raw '@' is refused: bad_cases.) */
    {"postgresql://u:pw?x@host/db?schema=s", "postgresql://u:pw?x@host/db", "s",
     "postgresql://u:***@host/db?schema=s"},
    {"postgresql://u:pw#x@host/db", "postgresql://u:pw#x@host/db", DEF,
     "postgresql://u:***@host/db"},
    {"postgresql://u:pw@host/db?application_name=a@b",
     "postgresql://u:pw@host/db?application_name=a@b", DEF,
     "postgresql://u:***@host/db?application_name=a@b"},
    {"postgresql://u:pw?host=x@h/db", "postgresql://u:pw?host=x@h/db", DEF,
     "postgresql://u:***@h/db"},
    /* An '@' after a '/' with no ':' before it: no password can be there;
     * libpq's database name "db@x". An '@' in a known parameter's value. */
    {"postgresql://h/db@x", "postgresql://h/db@x", DEF, "postgresql://h/db@x"},
    {"postgresql://me@h/sales@eu?schema=s", "postgresql://me@h/sales@eu", "s",
     "postgresql://me@h/sales@eu?schema=s"},
    {"postgresql://h:5432/db?user=me@corp&application_name=a/b@c",
     "postgresql://h:5432/db?user=me@corp&application_name=a/b@c", DEF,
     "postgresql://h:5432/db?user=me@corp&application_name=a/b@c"},
    {"postgresql://[::1]:5432,h2:5433/db?application_name=x:y&user=me@corp",
     "postgresql://[::1]:5432,h2:5433/db?application_name=x:y&user=me@corp", DEF,
     "postgresql://[::1]:5432,h2:5433/db?application_name=x:y&user=me@corp"},
    {"postgresql://u:pw@h:5432/sales%40eu?ssl=true", "postgresql://u:pw@h:5432/sales%40eu?ssl=true",
     DEF, "postgresql://u:***@h:5432/sales%40eu?ssl=true"},
    {"postgresql://u:ab%2Fcd@h/db", "postgresql://u:ab%2Fcd@h/db", DEF, "postgresql://u:***@h/db"},
    /* Values libpq checks only when it connects, each within its set or
     * range (TLS versions in any case, as libpq compares them). */
    {"postgresql://h/db?sslmode=verify-ca&gssencmode=disable&channel_binding=require"
     "&target_session_attrs=prefer-standby&connect_timeout=-3&keepalives=0&keepalives_idle=%2010"
     "&ssl_min_protocol_version=tlsv1.3&ssl_max_protocol_version=TLSv1.3&port=",
     "postgresql://h/db?sslmode=verify-ca&gssencmode=disable&channel_binding=require"
     "&target_session_attrs=prefer-standby&connect_timeout=-3&keepalives=0&keepalives_idle=%2010"
     "&ssl_min_protocol_version=tlsv1.3&ssl_max_protocol_version=TLSv1.3&port=",
     DEF,
     "postgresql://h/db?sslmode=verify-ca&gssencmode=disable&channel_binding=require"
     "&target_session_attrs=prefer-standby&connect_timeout=-3&keepalives=0&keepalives_idle=%2010"
     "&ssl_min_protocol_version=tlsv1.3&ssl_max_protocol_version=TLSv1.3&port="},
    {"postgresql://h1:1,h2:65535/db?ssl_min_protocol_version=TLSv1&ssl_max_protocol_version=TLSv1",
     "postgresql://h1:1,h2:65535/db?ssl_min_protocol_version=TLSv1&ssl_max_protocol_version=TLSv1",
     DEF,
     "postgresql://h1:1,h2:65535/db?ssl_min_protocol_version=TLSv1&ssl_max_protocol_version=TLSv1"},
    {"postgresql://h1,h2,h3:7/db", "postgresql://h1,h2,h3:7/db", DEF, "postgresql://h1,h2,h3:7/db"},
    /* Several hosts, as libpq allows. */
    {"postgresql://u:pw@h1:5432,h2:5433/db?target_session_attrs=read-write",
     "postgresql://u:pw@h1:5432,h2:5433/db?target_session_attrs=read-write", DEF,
     "postgresql://u:***@h1:5432,h2:5433/db?target_session_attrs=read-write"},
};

static void test_accepted(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof ok_cases / sizeof ok_cases[0]; i++) {
        const ok_case *c = &ok_cases[i];
        pg_url u;
        char err[512] = "";
        if (pg_url_parse(c->url, DEF, &u, err, sizeof err) != PG_URL_OK)
            fail_msg("%s: refused: %s", c->url, err);
        if (strcmp(u.conninfo, c->conninfo) != 0)
            fail_msg("%s: conninfo\n  got  %s\n  want %s", c->url, u.conninfo, c->conninfo);
        if (strcmp(u.schema, c->schema) != 0)
            fail_msg("%s: schema \"%s\", want \"%s\"", c->url, u.schema, c->schema);
        if (strcmp(u.display, c->display) != 0)
            fail_msg("%s: display\n  got  %s\n  want %s", c->url, u.display, c->display);
        pg_url_free(&u);
        assert_null(u.conninfo);
    }
}

/* ---- refusals ---- */

typedef struct bad_case {
    const char *url, *default_schema, *err;
} bad_case;

#define LONG64 LONG63 "l"

static const bad_case bad_cases[] = {
    /* libpq's own messages, cleaned of their newline, the URL masked. */
    {"postgresql://u:secret@h/db?x=1", DEF,
     "postgresql://u:***@h/db?x=***: invalid URI query parameter: \"x\""},
    {"postgresql://u:secret@h/db?schema=s&x=1", DEF,
     "postgresql://u:***@h/db?schema=s&x=***: invalid URI query parameter: \"x\""},
    {"postgresql://u:se%zzcret@h/db", DEF,
     "postgresql://u:***@h/db: invalid percent-encoded token: \"***\""},
    {"postgresql://u:se%00cret@h/db", DEF,
     "postgresql://u:***@h/db: forbidden value %00 in percent-encoded value: \"***\""},
    {"postgresql://h/db?password=se%zzcret", DEF,
     "postgresql://h/db?password=***: invalid percent-encoded token: \"***\""},
    {"postgresql://u:secret@[::1/db", DEF,
     "postgresql://u:***@[::1/db: end of string reached when looking for matching \"]\" in "
     "IPv6 host address in URI: \"postgresql://u:***@[::1/db\""},
    {"POSTGRESQL://u:secret@[]/db?schema=s", DEF,
     "POSTGRESQL://u:***@[]/db?schema=s: IPv6 host address may not be empty in URI: "
     "\"postgresql://u:***@[]/db\""},
    {"postgresql://h/db?sslmode", DEF,
     "postgresql://h/db?sslmode: missing key/value separator \"=\" in URI query parameter: "
     "\"sslmode\""},
    {"postgresql://h/db?&schema=s", DEF,
     "postgresql://h/db?&schema=s: missing key/value separator \"=\" in URI query parameter: "
     "\"\""},
    {"postgresql://h/db?schema=s&&", DEF,
     "postgresql://h/db?schema=s&&: missing key/value separator \"=\" in URI query parameter: "
     "\"\""},
    /* A raw '@' in the user information: libpq would cut it at the first
     * and take the rest for the host and port (and quote them). */
    {"postgresql://u:p@ss@host/db", DEF,
     "postgresql://u:***@host/db: the user or password holds a raw '@': write it as %40"},
    {"postgresql://postgres:pw@x:TopSecret99@/warehouse?host=/tmp/pg", DEF,
     "postgresql://postgres:***@/warehouse?host=/tmp/pg: the user or password holds a raw '@': "
     "write it as %40"},
    {"postgresql://me@corp:pw@h/db", DEF,
     "postgresql://me@corp:***@h/db: the user or password holds a raw '@': write it as %40"},
    {"postgresql://me@corp@h/db", DEF,
     "postgresql://me@corp@h/db: the user or password holds a raw '@': write it as %40"},
    /* A pair that may hold a password, though malformed or mistyped: masked,
     * and so is what libpq quotes of it. */
    {"postgresql://h/db?password%3dhunter2", DEF,
     "postgresql://h/db?***: missing key/value separator \"=\" in URI query parameter: \"***\""},
    {"postgresql://h/db?sslmode=require&password%3Dhunter2=x", DEF,
     "postgresql://h/db?sslmode=require&***: invalid URI query parameter: \"***\""},
    {"postgresql://h/db?PASSWORD=hunter2", DEF,
     "postgresql://h/db?PASSWORD=***: invalid URI query parameter: \"PASSWORD\""},
    {"postgresql://h/db?my%20Password=hunter2", DEF,
     "postgresql://h/db?***: invalid URI query parameter: \"***\""},
    {"postgresql://h/db?pass%zzword=secret", DEF,
     "postgresql://h/db?***: invalid percent-encoded token: \"***\""},
    /* A name libpq does not know: its value masked (a mistyped password),
     * the whole pair when the name does not decode to a plain word. */
    {"postgresql://h/db?passwd=secret", DEF,
     "postgresql://h/db?passwd=***: invalid URI query parameter: \"passwd\""},
    {"postgresql://h/db?pwd=secret&sslmode=require", DEF,
     "postgresql://h/db?pwd=***&sslmode=require: invalid URI query parameter: \"pwd\""},
    {"postgresql://h/db?sslmode=require&token=secret&pass=secret", DEF,
     "postgresql://h/db?sslmode=require&token=***&pass=***: invalid URI query parameter: "
     "\"token\""},
    {"postgresql://h/db?pass%77d=secret", DEF,
     "postgresql://h/db?pass%77d=***: invalid URI query parameter: \"passwd\""},
    {"postgresql://h/db?pwd%3Dsecret", DEF,
     "postgresql://h/db?***: missing key/value separator \"=\" in URI query parameter: \"***\""},
    {"postgresql://h/db?pwd%3Dsecret=x", DEF,
     "postgresql://h/db?***: invalid URI query parameter: \"***\""},
    {"postgresql://h/db?ssl=secret", DEF,
     "postgresql://h/db?ssl=***: invalid URI query parameter: \"ssl\""},
    {"postgresql://h/db?sslmode=require&sslmode", DEF,
     "postgresql://h/db?sslmode=require&sslmode: missing key/value separator \"=\" in URI query "
     "parameter: \"sslmode\""},
    /* A raw '/' in the user or password: libpq would end the user
     * information there, take the password's head for the host and port
     * and the rest for the database name. Refused, as the writer meant it
     * masked; an '@' in a database name after a ':' looks the same. */
    {"postgresql://u:ab/secret@h/db", DEF,
     "postgresql://u:***@h/db: the user or password holds a raw '/' (write it as %2F), or the "
     "database name or a parameter a raw '@' (write it as %40)"},
    {"postgresql://u:5432/secret@h/db?sslmode=require&application_name=a@b", DEF,
     "postgresql://u:***@h/db?sslmode=require&application_name=a@b: the user or password holds a "
     "raw '/' (write it as %2F), or the database name or a parameter a raw '@' (write it as %40)"},
    {"postgresql://u:se/cr==et@h", DEF,
     "postgresql://u:***@h: the user or password holds a raw '/' (write it as %2F), or the "
     "database name or a parameter a raw '@' (write it as %40)"},
    {"postgresql://u:se@cr/et@h/db", DEF,
     "postgresql://u:***@h/db: the user or password holds a raw '/' (write it as %2F), or the "
     "database name or a parameter a raw '@' (write it as %40)"},
    {"postgresql://u:se/c?ret@h/db?host=/tmp/s", DEF,
     "postgresql://u:***@h/db?host=/tmp/s: the user or password holds a raw '/' (write it as "
     "%2F), or the database name or a parameter a raw '@' (write it as %40)"},
    {"postgresql://u:se/c?r=et@h/db", DEF,
     "postgresql://u:***@h/db: the user or password holds a raw '/' (write it as %2F), or the "
     "database name or a parameter a raw '@' (write it as %40)"},
    {"postgresql://u:se/c&host=ret@h/db", DEF,
     "postgresql://u:***@h/db: the user or password holds a raw '/' (write it as %2F), or the "
     "database name or a parameter a raw '@' (write it as %40)"},
    {"postgresql://me/corp:secret@h/db", DEF,
     "postgresql://me/corp:***@h/db: the user or password holds a raw '/' (write it as %2F), or "
     "the database name or a parameter a raw '@' (write it as %40)"},
    /* ... followed by a '?' and a parameter libpq knows: what libpq would
     * take for the port is no number, so the parameter is the password's
     * too (it was shown whole). */
    {"postgresql://u:se/c?host=ret@h/db", DEF,
     "postgresql://u:***@h/db: the user or password holds a raw '/' (write it as %2F), or the "
     "database name or a parameter a raw '@' (write it as %40)"},
    {"postgresql://me/corp:se/?port=5432&dbname=cret@h/db", DEF,
     "postgresql://me/corp:***@h/db: the user or password holds a raw '/' (write it as %2F), or "
     "the database name or a parameter a raw '@' (write it as %40)"},
    {"postgresql://h:5432/sales@eu", DEF,
     "postgresql://h:***@eu: the user or password holds a raw '/' (write it as %2F), or the "
     "database name or a parameter a raw '@' (write it as %40)"},
    {"postgresql://u:pw@h/sales@eu", DEF,
     "postgresql://u:***@eu: the user or password holds a raw '/' (write it as %2F), or the "
     "database name or a parameter a raw '@' (write it as %40)"},
    /* Values libpq checks only when it connects, after the inputs are read:
     * refused here, before, naming the parameter and its value. */
    {"postgresql://u:secret@h/db?sslmode=bogus", DEF,
     "postgresql://u:***@h/db?sslmode=bogus: sslmode \"bogus\" is not one of disable, allow, "
     "prefer, require, verify-ca, verify-full"},
    {"postgresql://h/db?sslmode=Require", DEF,
     "postgresql://h/db?sslmode=Require: sslmode \"Require\" is not one of disable, allow, "
     "prefer, require, verify-ca, verify-full"},
    {"postgresql://h/db?gssencmode=on", DEF,
     "postgresql://h/db?gssencmode=on: gssencmode \"on\" is not one of disable, prefer, require"},
    {"postgresql://h/db?channel_binding=", DEF,
     "postgresql://h/db?channel_binding=: channel_binding \"\" is not one of disable, prefer, "
     "require"},
    {"postgresql://h/db?target_session_attrs=rw", DEF,
     "postgresql://h/db?target_session_attrs=rw: target_session_attrs \"rw\" is not one of any, "
     "read-write, read-only, primary, standby, prefer-standby"},
    {"postgresql://h/db?ssl_min_protocol_version=TLSv1.4", DEF,
     "postgresql://h/db?ssl_min_protocol_version=TLSv1.4: ssl_min_protocol_version \"TLSv1.4\" is "
     "not one of TLSv1, TLSv1.1, TLSv1.2, TLSv1.3"},
    {"postgresql://h/db?ssl_max_protocol_version=TLSv1.1", DEF,
     "postgresql://h/db?ssl_max_protocol_version=TLSv1.1: ssl_max_protocol_version \"TLSv1.1\" is "
     "below ssl_min_protocol_version \"TLSv1.2\" (libpq's default)"},
    {"postgresql://h/db?ssl_min_protocol_version=TLSv1.1&ssl_max_protocol_version=TLSv1", DEF,
     "postgresql://h/db?ssl_min_protocol_version=TLSv1.1&ssl_max_protocol_version=TLSv1: "
     "ssl_max_protocol_version \"TLSv1\" is below ssl_min_protocol_version \"TLSv1.1\""},
    {"postgresql://h:99999/db", DEF,
     "postgresql://h:99999/db: port \"99999\" is not a port number (1 to 65535)"},
    {"postgresql://h/db?port=0", DEF,
     "postgresql://h/db?port=0: port \"0\" is not a port number (1 to 65535)"},
    {"postgresql://h/db?port=54x", DEF,
     "postgresql://h/db?port=54x: port \"54x\" is not a port number (1 to 65535)"},
    {"postgresql://h1:5432,h2:65536/db", DEF,
     "postgresql://h1:5432,h2:65536/db: port \"5432,65536\": \"65536\" is not a port number (1 "
     "to 65535)"},
    {"postgresql://h1,h2,h3/db?port=1,2", DEF,
     "postgresql://h1,h2,h3/db?port=1,2: 2 ports for 3 hosts: give one port for all, or one per "
     "host"},
    {"postgresql://h1,h2/db?hostaddr=10.0.0.1", DEF,
     "postgresql://h1,h2/db?hostaddr=10.0.0.1: 2 host names for 1 hostaddr values: give as many "
     "of each"},
    {"postgresql://h/db?connect_timeout=10s", DEF,
     "postgresql://h/db?connect_timeout=10s: connect_timeout \"10s\" is not a whole number"},
    {"postgresql://h/db?keepalives_count=", DEF,
     "postgresql://h/db?keepalives_count=: keepalives_count \"\" is not a whole number"},
    {"postgresql://h/db?tcp_user_timeout=2147483648", DEF,
     "postgresql://h/db?tcp_user_timeout=2147483648: tcp_user_timeout \"2147483648\" is not a "
     "whole number"},
    /* Ours: the schema. */
    {"postgresql://u:secret@h/db?schema=", DEF,
     "postgresql://u:***@h/db?schema=: the schema is empty (?schema=NAME names it)"},
    {"postgresql://h/db?schema=" LONG64, DEF,
     "postgresql://h/db?schema=" LONG64 ": the schema \"" LONG64 "\" is 64 bytes long; a "
     "PostgreSQL name holds at most 63 (a longer one is cut)"},
    {"postgresql://h/db?schema=%C3%A9" LONG63, DEF,
     "postgresql://h/db?schema=%C3%A9" LONG63 ": the schema \"\xc3\xa9" LONG63 "\" is 65 bytes "
     "long; a PostgreSQL name holds at most 63 (a longer one is cut)"},
    {"postgresql://h/db?schema=a%00b", DEF,
     "postgresql://h/db?schema=a%00b: the schema holds %00 (a NUL byte), which no PostgreSQL "
     "name can: \"a%00b\""},
    {"postgresql://u:secret@h/db?schema=a&schema=b", DEF,
     "postgresql://u:***@h/db?schema=a&schema=b: schema is given twice"},
    {"postgresql://h/db?schema=a&sch%65ma=a", DEF,
     "postgresql://h/db?schema=a&sch%65ma=a: schema is given twice"},
    {"postgresql://h/db?schema=a%zz", DEF,
     "postgresql://h/db?schema=a%zz: invalid percent-encoded token in the schema: \"a%zz\""},
    {"postgresql://h/db?schema=a%4", DEF,
     "postgresql://h/db?schema=a%4: invalid percent-encoded token in the schema: \"a%4\""},
    {"postgresql://h/db?schema=%", DEF,
     "postgresql://h/db?schema=%: invalid percent-encoded token in the schema: \"%\""},
    {"postgresql://h/db?schema", DEF,
     "postgresql://h/db?schema: schema has no value (?schema=NAME)"},
    {"postgresql://h/db?schema=a=b", DEF,
     "postgresql://h/db?schema=a=b: the schema \"a=b\" holds \"=\": write it as %3D"},
    /* The default schema, the connector's name. */
    {"postgresql://u:secret@h/db", LONG64,
     "postgresql://u:***@h/db: the connector's name, the default schema, \"" LONG64 "\" is 64 "
     "bytes long; a PostgreSQL name holds at most 63 (a longer one is cut): name the schema "
     "with ?schema=NAME"},
    {"postgresql://h/db", "",
     "postgresql://h/db: the connector's name is empty: name the schema with ?schema=NAME"},
    {"files/three", DEF, "files/three: not a postgresql:// or postgres:// URL"},
};

static void test_refused(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const bad_case *c = &bad_cases[i];
        pg_url u;
        char err[1024] = "";
        if (pg_url_parse(c->url, c->default_schema, &u, err, sizeof err) != PG_URL_BAD)
            fail_msg("%s: accepted (conninfo %s)", c->url, u.conninfo);
        if (strcmp(err, c->err) != 0) fail_msg("%s:\n  got  %s\n  want %s", c->url, err, c->err);
        assert_null(u.conninfo);
        assert_null(strstr(err, "secret"));
    }
}

/* libpq takes a value the URL does not give from its environment
 * variable, and checks that one at connect as well: so is it here, named
 * as the environment's. The URL's own value wins over it. */
static void test_environment(void **state) {
    (void)state;
    static const char *const cases[][4] = {
        {"PGSSLMODE", "bogus", "postgresql://h/db",
         "postgresql://h/db: PGSSLMODE \"bogus\" (the environment's sslmode) is not one of "
         "disable, allow, prefer, require, verify-ca, verify-full"},
        {"PGPORT", "0", "postgresql://h/db",
         "postgresql://h/db: PGPORT \"0\" (the environment's port) is not a port number (1 to "
         "65535)"},
        {"PGCONNECT_TIMEOUT", "soon", "postgresql://h/db",
         "postgresql://h/db: PGCONNECT_TIMEOUT \"soon\" (the environment's connect_timeout) is "
         "not a whole number"},
        {"PGSSLMAXPROTOCOLVERSION", "TLSv1", "postgresql://h/db?ssl_min_protocol_version=TLSv1.3",
         "postgresql://h/db?ssl_min_protocol_version=TLSv1.3: PGSSLMAXPROTOCOLVERSION \"TLSv1\" "
         "(the environment's ssl_max_protocol_version) is below ssl_min_protocol_version "
         "\"TLSv1.3\""},
        {"PGHOST", "a,b", "postgresql:///db?port=1,2,3",
         "postgresql:///db?port=1,2,3: 3 ports for 2 hosts: give one port for all, or one per "
         "host"},
        {"PGSSLMODE", "bogus", "postgresql://h/db?sslmode=require", NULL},
        {"PGPORT", "99999", "postgresql://h:5432/db", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        setenv(cases[i][0], cases[i][1], 1);
        pg_url u;
        char err[1024] = "";
        pg_url_status st = pg_url_parse(cases[i][2], DEF, &u, err, sizeof err);
        unsetenv(cases[i][0]);
        if (!cases[i][3]) {
            if (st != PG_URL_OK) fail_msg("%s=%s %s: refused: %s", cases[i][0], cases[i][1], cases[i][2], err);
            pg_url_free(&u);
            continue;
        }
        if (st != PG_URL_BAD) fail_msg("%s=%s %s: accepted", cases[i][0], cases[i][1], cases[i][2]);
        if (strcmp(err, cases[i][3]) != 0)
            fail_msg("%s=%s %s:\n  got  %s\n  want %s", cases[i][0], cases[i][1], cases[i][2], err,
                     cases[i][3]);
    }
}

/* A message cut to a small buffer stays a terminated string. */
static void test_small_buffer(void **state) {
    (void)state;
    pg_url u;
    char err[12];
    assert_int_equal(pg_url_parse("postgresql://u:secret@h/db?x=1", DEF, &u, err, sizeof err),
                     PG_URL_BAD);
    assert_string_equal(err, "postgresql:");
}

/* ---- masking free text ---- */

static void test_mask_text(void **state) {
    (void)state;
    static const char *const cases[][2] = {
        {"could not connect: \"postgresql://u:secret@h/db\"",
         "could not connect: \"postgresql://u:***@h/db\""},
        {"a postgresql://a:one@h/x and POSTGRES://b:two@h/y then",
         "a postgresql://a:***@h/x and POSTGRES://b:***@h/y then"},
        {"postgresql://u:sec ret@h/db\npassword authentication failed for user \"u\"",
         "postgresql://u:***@h/db\npassword authentication failed for user \"u\""},
        {"host=h port=5432 password=secret dbname=d", "host=h port=5432 password=*** dbname=d"},
        {"password = 'sec r\\'et' dbname=d", "password = *** dbname=d"},
        {"password=se\\ cret", "password=***"},
        {"sslpassword=k host=h", "sslpassword=*** host=h"},
        {"postgresql://h/db?password=secret&sslmode=require",
         "postgresql://h/db?password=***&sslmode=require"},
        {"mypassword=x", "mypassword=x"},
        {"bad: \"postgresql://u:ab/cd@h/db\"", "bad: \"postgresql://u:***@h/db\""},
        {"postgresql://h/db?passwd=pw&sslmode=require&x%zz=y",
         "postgresql://h/db?passwd=***&sslmode=require&***"},
        {"password authentication failed for user \"u\"",
         "password authentication failed for user \"u\""},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        strbuf out = STRBUF_INIT;
        assert_int_equal(pg_url_mask(cases[i][0], strlen(cases[i][0]), &out), 0);
        if (strcmp(strbuf_cstr(&out), cases[i][1]) != 0)
            fail_msg("%s\n  got  %s\n  want %s", cases[i][0], strbuf_cstr(&out), cases[i][1]);
        strbuf_free(&out);
    }
}

/* libpq's messages, one line each. */
static void test_message_line(void **state) {
    (void)state;
    static const char *const cases[][2] = {
        {"connection to server on socket \"/s/.s.PGSQL.5432\" failed: FATAL:  database \"x\" does "
         "not exist\n",
         "connection to server on socket \"/s/.s.PGSQL.5432\" failed: FATAL: database \"x\" does "
         "not exist"},
        {"connection to server on socket \"/s/.s.PGSQL.5432\" failed: No such file or directory\n"
         "\tIs the server running locally and accepting connections on that socket?\n",
         "connection to server on socket \"/s/.s.PGSQL.5432\" failed: No such file or directory; Is "
         "the server running locally and accepting connections on that socket?"},
        {"server closed the connection unexpectedly\n\tThis probably means the server terminated "
         "abnormally\n\tbefore or while processing the request.\n",
         "server closed the connection unexpectedly; This probably means the server terminated "
         "abnormally before or while processing the request."},
        {"a failed\nb failed\n\n", "a failed; b failed"},
        {"  lead  \n\n  ", "lead"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[300];
        pg_url_message_line(cases[i][0], out, sizeof out);
        if (strcmp(out, cases[i][1]) != 0)
            fail_msg("%s\n  got  %s\n  want %s", cases[i][0], out, cases[i][1]);
    }
    /* Cut to a small buffer: whole characters, terminated, no half separator. */
    char small[8];
    pg_url_message_line("abcdef\nghi", small, sizeof small);
    assert_string_equal(small, "abcdef");
}

/* ---- property: random users and passwords ---- */

static uint64_t rng = 0x2545f4914f6cdd1du;
static unsigned next_rand(unsigned bound) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % bound);
}

/* What users, passwords and schemas are made of: the URL's delimiters,
 * quotes, backslashes, spaces, '%', '+', UTF-8 and plain letters. */
static const char *const pieces[] = {"@", ":",  "/",  "?", "&",        "=",
                                     "#", "%",  " ",  "+", "[",        "]",
                                     "'", "\"", "\\", ",", "\xc3\xa9", "\xe6\x97\xa5",
                                     "a", "Z",  "q",  "0", "9",        "-",
                                     "_", "~",  ".",  "x", "k",        "P"};

static void random_text(strbuf *s, size_t min, size_t spread) {
    strbuf_clear(s);
    size_t n = min + next_rand((unsigned)spread);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(strbuf_puts(s, pieces[next_rand(sizeof pieces / sizeof pieces[0])]), 0);
}

/* The test's own percent-encoder (RFC 3986's unreserved bytes kept), in
 * upper- or lower-case hex. */
static void encode(strbuf *out, const strbuf *s, bool upper) {
    static const char *const digits[] = {"0123456789abcdef", "0123456789ABCDEF"};
    for (size_t i = 0; i < s->len; i++) {
        unsigned char c = (unsigned char)s->p[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-._~", c)) {
            strbuf_putc(out, (char)c);
        } else {
            strbuf_putc(out, '%');
            strbuf_putc(out, digits[upper][c >> 4]);
            strbuf_putc(out, digits[upper][c & 15]);
        }
    }
}

static const char *option(PQconninfoOption *opts, const char *keyword) {
    for (PQconninfoOption *o = opts; o->keyword; o++)
        if (strcmp(o->keyword, keyword) == 0) return o->val;
    return NULL;
}

static void expect_option(PQconninfoOption *opts, const char *keyword, const char *want,
                          const char *url) {
    const char *got = option(opts, keyword);
    if ((got == NULL) != (want == NULL) || (got && strcmp(got, want) != 0))
        fail_msg("%s: libpq's %s is \"%s\", want \"%s\" (seed %llu)", url, keyword,
                 got ? got : "(none)", want ? want : "(none)", (unsigned long long)rng);
}

/* One random URL: written whole (url), without our schema parameter
 * (conninfo) and with the password as *** (display). */
typedef struct built {
    strbuf url, conninfo, display;
} built;

static void put3(built *b, const char *s, size_t n) {
    strbuf_append(&b->url, s, n);
    strbuf_append(&b->conninfo, s, n);
    strbuf_append(&b->display, s, n);
}
static void puts3(built *b, const char *s) { put3(b, s, strlen(s)); }

static void test_random_urls(void **state) {
    (void)state;
    const char *seed = getenv("PG_URL_SEED");
    if (seed) rng = strtoull(seed, NULL, 10) | 1;
    printf("pg_url property: seed %llu (PG_URL_SEED=N replays one)\n", (unsigned long long)rng);
    static const char *const hosts[][2] = {{"localhost", "localhost"},
                                           {"db.example.com", "db.example.com"},
                                           {"[::1]", "::1"},
                                           {"10.0.0.7", "10.0.0.7"},
                                           {"", NULL}};
    strbuf user = STRBUF_INIT, pw = STRBUF_INIT, db = STRBUF_INIT, schema = STRBUF_INIT;
    strbuf enc_pw = STRBUF_INIT, lower_pw = STRBUF_INIT, scratch = STRBUF_INIT;
    for (unsigned round = 0; round < 2000; round++) {
        uint64_t round_seed = rng;
        built b = {STRBUF_INIT, STRBUF_INIT, STRBUF_INIT};
        random_text(&user, 1, 8);
        random_text(&pw, 8, 10);
        random_text(&db, 1, 8);
        random_text(&schema, 1, 12);
        strbuf_clear(&enc_pw);
        strbuf_clear(&lower_pw);
        encode(&enc_pw, &pw, true);
        encode(&lower_pw, &pw, false);
        bool pw_in_query = next_rand(4) == 0, with_schema = next_rand(2), ssl = next_rand(2);
        unsigned h = next_rand(sizeof hosts / sizeof hosts[0]);
        char port[8] = "";
        if (*hosts[h][0] && next_rand(2)) snprintf(port, sizeof port, "%u", 1 + next_rand(65535));

        puts3(&b, next_rand(2) ? "postgresql://" : "postgres://");
        strbuf_clear(&scratch);
        encode(&scratch, &user, next_rand(2));
        put3(&b, scratch.p, scratch.len);
        if (!pw_in_query) {
            puts3(&b, ":");
            strbuf_append(&b.url, enc_pw.p, enc_pw.len);
            strbuf_append(&b.conninfo, enc_pw.p, enc_pw.len);
            strbuf_puts(&b.display, "***");
        }
        puts3(&b, "@");
        puts3(&b, hosts[h][0]);
        if (*port) {
            puts3(&b, ":");
            puts3(&b, port);
        }
        puts3(&b, "/");
        strbuf_clear(&scratch);
        encode(&scratch, &db, next_rand(2));
        put3(&b, scratch.p, scratch.len);
        /* The query's parameters in random order; the schema's left out of
         * the conninfo, every other one kept where it was. */
        const char *params[4];
        size_t np = 0;
        if (pw_in_query) params[np++] = "password";
        if (with_schema) params[np++] = "schema";
        if (ssl) params[np++] = "sslmode";
        if (!*hosts[h][0]) params[np++] = "host";
        for (size_t i = np; i > 1; i--) {
            size_t j = next_rand((unsigned)i);
            const char *t = params[i - 1];
            params[i - 1] = params[j];
            params[j] = t;
        }
        size_t in_url = 0, in_conn = 0;
        for (size_t i = 0; i < np; i++) {
            bool is_schema = strcmp(params[i], "schema") == 0;
            strbuf_putc(&b.url, in_url++ ? '&' : '?');
            strbuf_putc(&b.display, in_url > 1 ? '&' : '?');
            if (!is_schema) strbuf_putc(&b.conninfo, in_conn++ ? '&' : '?');
            strbuf_clear(&scratch);
            strbuf_printf(&scratch, "%s=", params[i]);
            if (is_schema) {
                encode(&scratch, &schema, next_rand(2));
                strbuf_append(&b.url, scratch.p, scratch.len);
                strbuf_append(&b.display, scratch.p, scratch.len);
                continue;
            }
            if (strcmp(params[i], "password") == 0) {
                strbuf_append(&b.display, scratch.p, scratch.len);
                strbuf_puts(&b.display, "***");
                strbuf_append(&scratch, enc_pw.p, enc_pw.len);
                strbuf_append(&b.url, scratch.p, scratch.len);
                strbuf_append(&b.conninfo, scratch.p, scratch.len);
                continue;
            }
            strbuf_puts(&scratch, strcmp(params[i], "host") == 0 ? "%2Ftmp%2Fpg-sock" : "require");
            put3(&b, scratch.p, scratch.len);
        }

        pg_url u;
        char err[1024];
        const char *url = b.url.p;
        if (pg_url_parse(url, DEF, &u, err, sizeof err) != PG_URL_OK)
            fail_msg("%s: refused: %s (seed %llu)", url, err, (unsigned long long)round_seed);
        /* The display never holds the password, in any form. */
        if (strstr(u.display, pw.p) || strstr(u.display, enc_pw.p) || strstr(u.display, lower_pw.p))
            fail_msg("%s: display %s holds the password (seed %llu)", url, u.display,
                     (unsigned long long)round_seed);
        if (strcmp(u.display, b.display.p) != 0)
            fail_msg("%s: display\n  got  %s\n  want %s (seed %llu)", url, u.display, b.display.p,
                     (unsigned long long)round_seed);
        if (strcmp(u.conninfo, b.conninfo.p) != 0)
            fail_msg("%s: conninfo\n  got  %s\n  want %s (seed %llu)", url, u.conninfo,
                     b.conninfo.p, (unsigned long long)round_seed);
        assert_string_equal(u.schema, with_schema ? schema.p : DEF);
        /* libpq reads back what the URL was built from. */
        char *msg = NULL;
        PQconninfoOption *opts = PQconninfoParse(u.conninfo, &msg);
        if (!opts) fail_msg("%s: PQconninfoParse: %s", u.conninfo, msg ? msg : "out of memory");
        expect_option(opts, "user", user.p, url);
        expect_option(opts, "password", pw.p, url);
        expect_option(opts, "host", hosts[h][1] ? hosts[h][1] : "/tmp/pg-sock", url);
        expect_option(opts, "port", *port ? port : NULL, url);
        expect_option(opts, "dbname", db.p, url);
        expect_option(opts, "sslmode", ssl ? "require" : NULL, url);
        PQconninfoFree(opts);
        /* And masking a message that quotes the URL hides the password too. */
        strbuf_clear(&scratch);
        strbuf_printf(&scratch, "bad URL: \"%s\"\n", url);
        strbuf masked = STRBUF_INIT;
        assert_int_equal(pg_url_mask(scratch.p, scratch.len, &masked), 0);
        if (strstr(masked.p, enc_pw.p) || strstr(masked.p, pw.p))
            fail_msg("%s: masked message %s holds the password", url, masked.p);
        strbuf_free(&masked);
        pg_url_free(&u);
        strbuf_free(&b.url);
        strbuf_free(&b.conninfo);
        strbuf_free(&b.display);
    }
    strbuf_free(&user);
    strbuf_free(&pw);
    strbuf_free(&db);
    strbuf_free(&schema);
    strbuf_free(&enc_pw);
    strbuf_free(&lower_pw);
    strbuf_free(&scratch);
}

/* ---- property: a secret in every form a URL may carry one ---- */

/* Whether text holds the secret, as it is or percent-encoded either way. */
static bool holds_secret(const char *text, const strbuf *secret) {
    strbuf up = STRBUF_INIT, low = STRBUF_INIT;
    encode(&up, secret, true);
    encode(&low, secret, false);
    bool held = strstr(text, secret->p) || strstr(text, up.p) || strstr(text, low.p);
    strbuf_free(&up);
    strbuf_free(&low);
    return held;
}

/* Whether text holds any part of the secret between its '@', ':', '/',
 * '?', '=' and '&' that is at least 6 bytes long (random letters: no
 * false alarm). */
static bool holds_part(const char *text, const strbuf *secret) {
    for (const char *s = secret->p; *s;) {
        size_t n = strcspn(s, "@:/?=&");
        if (n >= 6) {
            char part[64];
            snprintf(part, sizeof part, "%.*s", (int)n, s);
            if (strstr(text, part)) return true;
        }
        s += n + (s[n] != '\0');
    }
    return false;
}

/* A random secret goes into a random URL in one of the forms a password
 * takes (user:SECRET@, ?password=, its name percent-encoded or in
 * another case, sslpassword, a repeated key, a pair without '=' or with
 * the '=' encoded, with a bad escape that libpq quotes, in the user
 * information with raw '@'s and ':'s that libpq cuts at, or with a raw
 * '/' (and '?', '=', '@') that libpq ends the user information at, or
 * under a mistyped or unknown name: passwd, pwd, token ...), among other
 * parameters, some of them wrong so that the URL is refused for many
 * reasons. Neither the message of a refusal nor the masked form of an
 * accepted URL (nor the masked text of a message quoting it) ever holds
 * the secret or a part of it; an accepted user:SECRET@ gives libpq the
 * whole secret as the password; a raw '/' and an unknown name are always
 * refused. */
static void test_random_secrets(void **state) {
    (void)state;
    static const char *const others[] = {
        "sslmode=require", "host=%2Ftmp%2Fs", "application_name=a", "bogus=1", "sslmode=bad",
        "port=0", "connect_timeout=x", "schema=", "schema=s", "x%zz=1", "target_session_attrs=rw"};
    static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    strbuf secret = STRBUF_INIT, enc = STRBUF_INIT, url = STRBUF_INIT, key = STRBUF_INIT;
    unsigned refused = 0, may_pass = 0; /* of forms 0 to 5, which may be accepted */
    for (unsigned round = 0; round < 3000; round++) {
        uint64_t round_seed = rng;
        strbuf_clear(&secret);
        strbuf_puts(&secret, "Zq");
        for (unsigned i = 8 + next_rand(8); i > 0; i--) strbuf_putc(&secret, alnum[next_rand(62)]);
        if (next_rand(3) == 0) strbuf_puts(&secret, pieces[next_rand(sizeof pieces / sizeof pieces[0])]);
        strbuf_clear(&enc);
        unsigned form = next_rand(8);
        may_pass += form < 6;
        bool raw = form == 0 && next_rand(2), raw_user = raw && next_rand(3) == 0;
        if (form == 7) {
            /* A raw '/' as pasted (base64 has them), with '?', '=' or '@'
             * about it; the rest encoded. The user sometimes has one too. */
            static const char *const seps[] = {"/", "//", "/==", "?x/", "/x?", "@/",
                                               "/@x:", "/?y=", ":/", "/&host=", "/?host=",
                                               "/x?port=5432&dbname="};
            encode(&enc, &secret, next_rand(2));
            size_t head = secret.len;
            strbuf_puts(&secret, seps[next_rand(sizeof seps / sizeof seps[0])]);
            for (unsigned i = 6 + next_rand(6); i > 0; i--) strbuf_putc(&secret, alnum[next_rand(62)]);
            strbuf_append(&enc, secret.p + head, secret.len - head);
            raw_user = next_rand(3) == 0;
        } else if (raw) {
            /* Written as a user might paste it: head@[host:]tail, its '@' and
             * ':' raw (the rest encoded), the user sometimes holding a raw
             * '@' too. */
            static const char *const seps[] = {"@", "@x:", ":@", "@@", "@h:5432:"};
            encode(&enc, &secret, next_rand(2));
            size_t head = secret.len;
            strbuf_puts(&secret, seps[next_rand(sizeof seps / sizeof seps[0])]);
            for (unsigned i = 6 + next_rand(6); i > 0; i--) strbuf_putc(&secret, alnum[next_rand(62)]);
            strbuf_append(&enc, secret.p + head, secret.len - head);
        } else {
            encode(&enc, &secret, next_rand(2));
            if (next_rand(8) == 0) strbuf_puts(&enc, "%zz"); /* libpq quotes what it cannot decode */
        }
        /* The password's key: plain, in another case, or with some of its
         * bytes percent-encoded; sometimes sslpassword. */
        strbuf_clear(&key);
        static const char *const unknown[] = {"passwd", "pasword", "pwd",   "pass",   "secret",
                                              "token",  "Password", "p%61ss", "api_key", "sslpass"};
        const char *word = form == 6 ? unknown[next_rand(sizeof unknown / sizeof unknown[0])]
                           : next_rand(5) == 0 ? "sslpassword"
                                               : "password";
        for (const char *w = word; *w; w++) {
            unsigned how = next_rand(6);
            if (how == 0) strbuf_printf(&key, "%%%02x", (unsigned)*w);
            else if (how == 1 && *w >= 'a' && *w <= 'z') strbuf_putc(&key, (char)(*w - 'a' + 'A'));
            else strbuf_putc(&key, *w);
        }
        strbuf_clear(&url);
        strbuf_puts(&url, next_rand(2) ? "postgresql://" : "postgres://");
        if (form == 0) strbuf_printf(&url, "%s:%s@", raw_user ? "me@corp" : "u", enc.p);
        if (form == 7) strbuf_printf(&url, "%s:%s@", raw_user ? "me/corp" : "u", enc.p);
        strbuf_puts(&url, next_rand(2) ? "h/db" : "/db");
        unsigned n = next_rand(4), at = next_rand(n + 1);
        for (unsigned i = 0; i <= n; i++) {
            strbuf_putc(&url, i ? '&' : '?');
            if (i != at) {
                strbuf_puts(&url, others[next_rand(sizeof others / sizeof others[0])]);
                continue;
            }
            switch (form) {
            case 0: case 7: strbuf_puts(&url, "sslmode=prefer"); break;
            case 6: strbuf_printf(&url, "%s=%s", key.p, enc.p); break; /* an unknown name */
            case 1: strbuf_printf(&url, "%s=%s", key.p, enc.p); break;
            case 2: strbuf_printf(&url, "%s=x&%s=%s", key.p, key.p, enc.p); break; /* repeated */
            case 3: strbuf_printf(&url, "%s%%3d%s", key.p, enc.p); break;       /* no '=' */
            case 4: strbuf_printf(&url, "%s%%3D%s=y", key.p, enc.p); break;     /* '=' encoded */
            default: strbuf_printf(&url, "%s=%s&%s", key.p, enc.p, key.p); break; /* key alone */
            }
        }
        pg_url u;
        char err[2048] = "";
        if (pg_url_parse(url.p, DEF, &u, err, sizeof err) == PG_URL_OK) {
            if (form >= 6)
                fail_msg("%s: accepted (conninfo %s) (seed %llu)", url.p, u.conninfo,
                         (unsigned long long)round_seed);
            if (holds_secret(u.display, &secret) || holds_part(u.display, &secret))
                fail_msg("%s: display %s holds the secret (seed %llu)", url.p, u.display,
                         (unsigned long long)round_seed);
            if (form == 0) {
                PQconninfoOption *opts = PQconninfoParse(u.conninfo, NULL);
                assert_non_null(opts);
                expect_option(opts, "password", secret.p, url.p);
                PQconninfoFree(opts);
            }
            pg_url_free(&u);
        } else {
            refused += form < 6;
            if (holds_secret(err, &secret) || holds_part(err, &secret))
                fail_msg("%s: message %s holds the secret (seed %llu)", url.p, err,
                         (unsigned long long)round_seed);
        }
        strbuf quoted = STRBUF_INIT, masked = STRBUF_INIT;
        strbuf_printf(&quoted, "could not parse \"%s\"\nbad", url.p);
        assert_int_equal(pg_url_mask(quoted.p, quoted.len, &masked), 0);
        if (holds_secret(masked.p, &secret) || holds_part(masked.p, &secret))
            fail_msg("%s: masked text %s holds the secret (seed %llu)", url.p, masked.p,
                     (unsigned long long)round_seed);
        strbuf_free(&quoted);
        strbuf_free(&masked);
    }
    /* Both outcomes were reached often. */
    printf("pg_url secrets: %u of the %u URLs that may pass refused\n", refused, may_pass);
    assert_true(refused > may_pass / 10 && refused < may_pass - may_pass / 32);
    strbuf_free(&secret);
    strbuf_free(&enc);
    strbuf_free(&url);
    strbuf_free(&key);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_is),        cmocka_unit_test(test_accepted),
        cmocka_unit_test(test_refused),   cmocka_unit_test(test_environment),
        cmocka_unit_test(test_small_buffer),
        cmocka_unit_test(test_mask_text), cmocka_unit_test(test_random_urls),
        cmocka_unit_test(test_random_secrets), cmocka_unit_test(test_message_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
