/* json_tree: JSON text into a json_value tree of plain C memory (see
 * json_core.h), a json_sink for json_parse. For readers that want the
 * whole document at once (the HTTP cassette); json.decode does not come
 * this way, it pushes Lua values as they are parsed. */
#include "json_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* A container being filled. */
typedef struct frame {
    bool array;
    json_value *items;    /* array */
    json_member *members; /* object */
    size_t n, cap;
    char *key; /* object: the key of the member whose value comes next */
    size_t keylen;
} frame;

typedef struct builder {
    frame *frames;
    size_t depth, cap;
    json_value last; /* the value just reported, until add takes it */
    bool has_last;
} builder;

#define OOM json_out_of_memory

static void free_contents(json_value *v) {
    switch (v->kind) {
    case JSON_KIND_STRING: free(v->u.string.s); break;
    case JSON_KIND_ARRAY:
        for (size_t i = 0; i < v->u.array.n; i++) free_contents(&v->u.array.items[i]);
        free(v->u.array.items);
        break;
    case JSON_KIND_OBJECT:
        for (size_t i = 0; i < v->u.object.n; i++) {
            free(v->u.object.members[i].key);
            free_contents(&v->u.object.members[i].value);
        }
        free(v->u.object.members);
        break;
    default: break;
    }
}

static const char *take(builder *B, json_value v) {
    B->last = v;
    B->has_last = true;
    return NULL;
}

static const char *tree_null(void *ud) { return take(ud, (json_value){.kind = JSON_KIND_NULL}); }

static const char *tree_boolean(void *ud, bool b) {
    return take(ud, (json_value){.kind = JSON_KIND_BOOLEAN, .u.boolean = b});
}

static const char *tree_integer(void *ud, int64_t v) {
    return take(ud, (json_value){.kind = JSON_KIND_INTEGER, .u.integer = v});
}

static const char *tree_number(void *ud, double d) {
    return take(ud, (json_value){.kind = JSON_KIND_NUMBER, .u.number = d});
}

/* The text of a string as a new NUL-terminated copy; its length in *len. */
static char *text_of(const char *raw, size_t n, bool escaped, size_t *len) {
    char *s = malloc(n + 1);
    if (!s) return NULL;
    if (escaped) {
        *len = json_unescape(raw, n, s);
    } else {
        memcpy(s, raw, n);
        *len = n;
    }
    s[*len] = '\0';
    return s;
}

static const char *tree_string(void *ud, const char *raw, size_t n, bool escaped) {
    json_value v = {.kind = JSON_KIND_STRING};
    v.u.string.s = text_of(raw, n, escaped, &v.u.string.len);
    return v.u.string.s ? take(ud, v) : OOM;
}

static const char *tree_key(void *ud, const char *raw, size_t n, bool escaped) {
    builder *B = ud;
    frame *f = &B->frames[B->depth - 1];
    f->key = text_of(raw, n, escaped, &f->keylen);
    return f->key ? NULL : OOM;
}

static const char *tree_open(void *ud, bool array) {
    builder *B = ud;
    if (util_grow((void **)&B->frames, &B->cap, B->depth, sizeof *B->frames) != 0) return OOM;
    B->frames[B->depth++] = (frame){.array = array};
    return NULL;
}

static const char *tree_add(void *ud, bool array, size_t index) {
    (void)index;
    builder *B = ud;
    frame *f = &B->frames[B->depth - 1];
    if (array) {
        if (util_grow((void **)&f->items, &f->cap, f->n, sizeof *f->items) != 0) return OOM;
        f->items[f->n++] = B->last;
    } else {
        if (util_grow((void **)&f->members, &f->cap, f->n, sizeof *f->members) != 0) return OOM;
        f->members[f->n++] = (json_member){f->key, f->keylen, B->last};
        f->key = NULL;
    }
    B->has_last = false;
    return NULL;
}

static const char *tree_close(void *ud, bool array) {
    builder *B = ud;
    frame f = B->frames[--B->depth];
    json_value v = {.kind = array ? JSON_KIND_ARRAY : JSON_KIND_OBJECT};
    if (array) {
        v.u.array.items = f.items;
        v.u.array.n = f.n;
    } else {
        v.u.object.members = f.members;
        v.u.object.n = f.n;
    }
    return take(B, v);
}

static const json_sink tree_sink = {
    tree_null, tree_boolean, tree_integer, tree_number, tree_string,
    tree_key, tree_open, tree_add, tree_close,
};

/* Frees what a failed parse left: the value not yet added, and every
 * container still open with its pending key. */
static void builder_free(builder *B) {
    if (B->has_last) free_contents(&B->last);
    while (B->depth > 0) {
        frame *f = &B->frames[B->depth - 1];
        free(f->key);
        (void)tree_close(B, f->array);
        free_contents(&B->last);
    }
    free(B->frames);
}

json_value *json_tree_parse(const char *text, size_t len, char *err, size_t errlen) {
    return json_tree_parse_noting(text, len, err, errlen, NULL);
}

json_value *json_tree_parse_noting(const char *text, size_t len, char *err, size_t errlen,
                                   bool *out_of_memory) {
    builder B = {0};
    if (out_of_memory) *out_of_memory = false;
    json_value *root = malloc(sizeof *root);
    if (!root) {
        if (err && errlen) snprintf(err, errlen, "%s", OOM);
        if (out_of_memory) *out_of_memory = true;
        return NULL;
    }
    int rc = json_parse(text, len, &tree_sink, &B, err, errlen);
    if (rc != 0) {
        builder_free(&B);
        free(root);
        if (out_of_memory) *out_of_memory = rc == JSON_NOMEM;
        return NULL;
    }
    *root = B.last;
    free(B.frames);
    return root;
}

void json_tree_free(json_value *v) {
    if (!v) return;
    free_contents(v);
    free(v);
}

const json_value *json_tree_get(const json_value *v, const char *key) {
    if (!v || v->kind != JSON_KIND_OBJECT) return NULL;
    size_t len = strlen(key);
    for (size_t i = v->u.object.n; i-- > 0;) {
        const json_member *m = &v->u.object.members[i];
        if (m->len == len && memcmp(m->key, key, len) == 0) return &m->value;
    }
    return NULL;
}
