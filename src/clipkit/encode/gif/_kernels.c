/* The GIF engine's compiled loops (loaded by encode/gif/kernels.py):
 *  - diffuse: the error diffusion of diffuse.py (a pixel's choice depends on the error of the ones before it,
 *    which numpy cannot vectorise);
 *  - nearest: dither.Remapper's exact search of the colours a frame brings (a k-d tree in OpenCV took 0.3 us a
 *    colour, and every frame's own palette starts its table empty);
 *  - assign: the same search for refine.py's k-means steps (points already in the space, with the distances);
 *  - paint: the shown colours diff.py tracks in that space, updated where a frame writes;
 *  - closer: diff.py's keep-closer test in one pass over the written pixels (numpy needs three colour-space
 *    conversions and a dozen gathers of them: the main thread's largest cost in a 6 s GIF);
 *  - lzw: a frame's GIF LZW data (writer.py) without the GIL, so a frame is compressed on the writer's thread
 *    while the engine diffs the next (Pillow's encoder holds the GIL: 1.9 ms of the main thread a 540×304 frame).
 * Plain C on buffers (no numpy headers): the Python wrappers check the arrays' types, shapes and contiguity
 * before they call in.  Built by setup.py (optional: without a compiler the package installs without it;
 * --quality 100 then falls back to the nearest colour, with a note, and the keep-closer test runs in numpy). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

/* Releases the buffers a function parsed (every exit path after PyArg_ParseTuple). */
static void release(Py_buffer **all, size_t n)
{
    for (size_t i = 0; i < n; i++)
        PyBuffer_Release(all[i]);
}

static inline float clampf(float v, float c) { return v > c ? c : (v < -c ? -c : v); }

/* The nearest palette entry of the point v, outwards along the palette sorted by channel 1 (order: entries by
 * rank, ys: their channel 1) from rank a downwards and rank b upwards, until the channel-1 gap alone is no nearer
 * than the best found; starts from entry bi at squared distance *best (INFINITY: none yet), leaves the best's
 * squared distance in *best. */
static inline int expand(const float *v, const float *pal, const int32_t *order, const float *ys, Py_ssize_t n,
                         Py_ssize_t a, Py_ssize_t b, float *best_io, int bi)
{
    float best = *best_io;
    while (a >= 0 || b < n) {
        if (b < n) {
            float dy = ys[b] - v[1];
            if (dy > 0 && dy * dy >= best) b = n;
            else {
                int k = order[b];
                float e = pal[3 * k] - v[0], f = pal[3 * k + 2] - v[2], d = e * e + dy * dy + f * f;
                if (d < best) { best = d; bi = k; }
                b++;
            }
        }
        if (a >= 0) {
            float dy = v[1] - ys[a];
            if (dy > 0 && dy * dy >= best) a = -1;
            else {
                int k = order[a];
                float e = pal[3 * k] - v[0], f = pal[3 * k + 2] - v[2], d = e * e + dy * dy + f * f;
                if (d < best) { best = d; bi = k; }
                a--;
            }
        }
    }
    *best_io = best;
    return bi;
}

/* The first rank whose channel 1 (ys, ascending) is >= y. */
static inline Py_ssize_t first_at_or_above(const float *ys, Py_ssize_t n, float y)
{
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (ys[mid] < y) lo = mid + 1; else hi = mid;
    }
    return lo;
}

/* src H*W*3, pal N*3, order/rank N (palette sorted by channel 1), ys N (channel 1 in that order), hint H*W
 * (each pixel's nearest entry), shown H*W*3 (or unused), moved/fixed H*W (or unused); out H*W int16. */
static void run(const float *src, const float *pal, const int32_t *order, const int32_t *rank, const float *ys,
                const uint8_t *hint, const float *shown, int has_shown, const uint8_t *moved, const uint8_t *fixed,
                int has_fixed, float clamp, float level, float refresh, Py_ssize_t h, Py_ssize_t w, Py_ssize_t n,
                int16_t *out, float *e0, float *e1)
{
    memset(e0, 0, sizeof(float) * 3 * (w + 2));
    for (Py_ssize_t y = 0; y < h; y++) {
        int rev = (int)(y & 1);
        memset(e1, 0, sizeof(float) * 3 * (w + 2));
        for (Py_ssize_t i = 0; i < w; i++) {
            Py_ssize_t x = rev ? w - 1 - i : i, p = y * w + x;
            if (has_fixed && fixed[p]) { /* a reserved colour (captions): exact, no error in or out */
                out[p] = hint[p];
                continue;
            }
            float t0 = src[3 * p] + clampf(e0[3 * (x + 1)] * level, clamp);
            float t1 = src[3 * p + 1] + clampf(e0[3 * (x + 1) + 1] * level, clamp);
            float t2 = src[3 * p + 2] + clampf(e0[3 * (x + 1) + 2] * level, clamp);
            /* the bound: the source's own nearest colour; then outwards along the luma-sorted palette */
            int bi = hint[p];
            float d0 = pal[3 * bi] - t0, d1 = pal[3 * bi + 1] - t1, d2 = pal[3 * bi + 2] - t2;
            float best = d0 * d0 + d1 * d1 + d2 * d2;
            float t[3] = {t0, t1, t2};
            bi = expand(t, pal, order, ys, n, rank[bi] - 1, rank[bi] + 1, &best, bi);
            const float *c = pal + 3 * bi;
            int choice = bi;
            if (has_shown) {
                /* keep what is shown where the source did not move, unless (refresh >= 0) the palette's best is
                 * nearer the target by more than refresh; where it moved, only if that colour is as near the
                 * target as the palette's best and as near the source as the source's own nearest */
                const float *s = shown + 3 * p, *q = src + 3 * p, *g = pal + 3 * hint[p];
                float s0 = s[0] - t0, s1 = s[1] - t1, s2 = s[2] - t2, ds = s0 * s0 + s1 * s1 + s2 * s2;
                int keep = !moved[p];
                if (keep)
                    keep = refresh < 0 || ds <= best + refresh;
                else {
                    if (ds <= best) {
                        float q0 = s[0] - q[0], q1 = s[1] - q[1], q2 = s[2] - q[2];
                        float h0 = g[0] - q[0], h1 = g[1] - q[1], h2 = g[2] - q[2];
                        keep = q0 * q0 + q1 * q1 + q2 * q2 <= h0 * h0 + h1 * h1 + h2 * h2;
                    }
                }
                if (keep) { choice = -1; c = s; }
            }
            out[p] = (int16_t)choice;
            float r0 = t0 - c[0], r1 = t1 - c[1], r2 = t2 - c[2];
            Py_ssize_t fwd = rev ? x - 1 : x + 1, bwd = rev ? x + 1 : x - 1;
            if (fwd >= 0 && fwd < w) { /* 7/16 ahead on this row; 3/16 behind, 5/16 below, 1/16 ahead on the next */
                e0[3 * (fwd + 1)] += r0 * 0.4375f; e0[3 * (fwd + 1) + 1] += r1 * 0.4375f; e0[3 * (fwd + 1) + 2] += r2 * 0.4375f;
            }
            e1[3 * (bwd + 1)] += r0 * 0.1875f; e1[3 * (bwd + 1) + 1] += r1 * 0.1875f; e1[3 * (bwd + 1) + 2] += r2 * 0.1875f;
            e1[3 * (x + 1)] += r0 * 0.3125f; e1[3 * (x + 1) + 1] += r1 * 0.3125f; e1[3 * (x + 1) + 2] += r2 * 0.3125f;
            e1[3 * (fwd + 1)] += r0 * 0.0625f; e1[3 * (fwd + 1) + 1] += r1 * 0.0625f; e1[3 * (fwd + 1) + 2] += r2 * 0.0625f;
        }
        float *tmp = e0; e0 = e1; e1 = tmp;
    }
}

/* diffuse(src, pal, order, rank, ys, hint, shown, has_shown, moved, fixed, has_fixed, clamp, level, refresh, h, w, n,
 *         out) */
static PyObject *diffuse(PyObject *self, PyObject *args)
{
    Py_buffer src, pal, order, rank, ys, hint, shown, moved, fixed, out;
    int has_shown, has_fixed;
    float clamp, level, refresh;
    Py_ssize_t h, w, n;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*py*y*pfffnnnw*", &src, &pal, &order, &rank, &ys, &hint, &shown,
                          &has_shown, &moved, &fixed, &has_fixed, &clamp, &level, &refresh, &h, &w, &n, &out))
        return NULL;
    Py_buffer *all[] = {&src, &pal, &order, &rank, &ys, &hint, &shown, &moved, &fixed, &out};
    int ok = h > 0 && w > 0 && n > 0 && src.len >= (Py_ssize_t)sizeof(float) * 3 * h * w
             && pal.len >= (Py_ssize_t)sizeof(float) * 3 * n && order.len >= (Py_ssize_t)sizeof(int32_t) * n
             && rank.len >= (Py_ssize_t)sizeof(int32_t) * n && ys.len >= (Py_ssize_t)sizeof(float) * n
             && hint.len >= h * w && out.len >= (Py_ssize_t)sizeof(int16_t) * h * w
             && (!has_shown || (shown.len >= (Py_ssize_t)sizeof(float) * 3 * h * w && moved.len >= h * w))
             && (!has_fixed || fixed.len >= h * w);
    float *e = ok ? malloc(sizeof(float) * 6 * (w + 2)) : NULL;
    if (ok && e) {
        Py_BEGIN_ALLOW_THREADS
        run(src.buf, pal.buf, order.buf, rank.buf, ys.buf, hint.buf, shown.buf, has_shown, moved.buf, fixed.buf,
            has_fixed, clamp, level, refresh, h, w, n, out.buf, e, e + 3 * (w + 2));
        Py_END_ALLOW_THREADS
    }
    free(e);
    release(all, sizeof(all) / sizeof(all[0]));
    if (!ok)
        return PyErr_Format(PyExc_ValueError, "diffuse: buffers too small for %zd x %zd pixels, %zd colours", h, w, n);
    if (!e)
        return PyErr_NoMemory();
    Py_RETURN_NONE;
}

/* A cube root of a positive float to float precision: a bit-level first guess (within ~6 %) and two steps of
 * Halley's method (cubic convergence: ~1e-4, then below float's own rounding); 3x faster than libm's cbrtf. */
static inline float cube_root(float x)
{
    union { float f; uint32_t i; } u = {x};
    u.i = u.i / 3 + 709921077u;
    float y = u.f, y3 = y * y * y;
    y *= (y3 + 2.0f * x) / (2.0f * y3 + x);
    y3 = y * y * y;
    return y * (y3 + 2.0f * x) / (2.0f * y3 + x);
}

/* The keep-closer test (diff.py): a written pixel stays written only where its new colour (pal[idx]) is nearer
 * its source than the colour shown (shown, in the same space).  The source's coordinates are computed here from
 * its RGB: lin (256) linearises a level, m (3x4) and cbrt give the cone responses minus cb, k scales the opponent
 * channels (X = (c0 - c1) k0, Y = (c0 + c1) k1, B = (c2 - (c0 + c1) / 2) k2): dither.xyb_space's arithmetic. */
static Py_ssize_t closer_run(const uint8_t *src, uint8_t *write, const uint8_t *idx, const float *pal,
                             const float *shown, const float *lin, const float *m, const float *k, float cb,
                             Py_ssize_t count)
{
    Py_ssize_t kept = 0;
    for (Py_ssize_t p = 0; p < count; p++) {
        if (!write[p])
            continue;
        const uint8_t *s = src + 3 * p;
        float r = lin[s[0]], g = lin[s[1]], b = lin[s[2]];
        float c0 = cube_root(m[0] * r + m[1] * g + m[2] * b + m[3]) - cb;
        float c1 = cube_root(m[4] * r + m[5] * g + m[6] * b + m[7]) - cb;
        float c2 = cube_root(m[8] * r + m[9] * g + m[10] * b + m[11]) - cb;
        float x = (c0 - c1) * k[0], y = (c0 + c1) * k[1], z = (c2 - 0.5f * (c0 + c1)) * k[2];
        const float *a = pal + 3 * idx[p], *o = shown + 3 * p;
        float a0 = a[0] - x, a1 = a[1] - y, a2 = a[2] - z, o0 = o[0] - x, o1 = o[1] - y, o2 = o[2] - z;
        if (a0 * a0 + a1 * a1 + a2 * a2 < o0 * o0 + o1 * o1 + o2 * o2)
            kept++;
        else
            write[p] = 0;
    }
    return kept;
}

/* closer(src, write, idx, pal, n, shown, lin, m, k, cb, count) -> how many stay written (write changed in place) */
static PyObject *closer(PyObject *self, PyObject *args)
{
    Py_buffer src, write, idx, pal, shown, lin, m, k;
    Py_ssize_t n, count, kept = 0;
    float cb;
    if (!PyArg_ParseTuple(args, "y*w*y*y*ny*y*y*y*fn", &src, &write, &idx, &pal, &n, &shown, &lin, &m, &k, &cb,
                          &count))
        return NULL;
    Py_buffer *all[] = {&src, &write, &idx, &pal, &shown, &lin, &m, &k};
    int ok = count >= 0 && n > 0 && n <= 256 && src.len >= 3 * count && write.len >= count && idx.len >= count
             && pal.len >= (Py_ssize_t)sizeof(float) * 3 * n && shown.len >= (Py_ssize_t)sizeof(float) * 3 * count
             && lin.len >= (Py_ssize_t)sizeof(float) * 256 && m.len >= (Py_ssize_t)sizeof(float) * 12
             && k.len >= (Py_ssize_t)sizeof(float) * 3;
    if (ok) {
        const uint8_t *ix = idx.buf;
        for (Py_ssize_t p = 0; p < count && ok; p++) /* an index past the palette would read beyond it */
            ok = ix[p] < n || !((uint8_t *)write.buf)[p];
    }
    if (ok) {
        Py_BEGIN_ALLOW_THREADS
        kept = closer_run(src.buf, write.buf, idx.buf, pal.buf, shown.buf, lin.buf, m.buf, k.buf, cb, count);
        Py_END_ALLOW_THREADS
    }
    release(all, sizeof(all) / sizeof(all[0]));
    if (!ok)
        return PyErr_Format(PyExc_ValueError, "closer: buffers too small for %zd pixels or an index past %zd colours",
                            count, n);
    return PyLong_FromSsize_t(kept);
}

/* A cube root in double precision (the nearest-colour search's coordinates: an exact search must not turn on
 * float rounding): the same first guess and two Halley steps in double (~1e-4, then ~1e-12). */
static inline double cube_root_d(double x)
{
    union { float f; uint32_t i; } u = {(float)x};
    u.i = u.i / 3 + 709921077u;
    double y = u.f, y3 = y * y * y;
    y *= (y3 + 2.0 * x) / (2.0 * y3 + x);
    y3 = y * y * y;
    return y * (y3 + 2.0 * x) / (2.0 * y3 + x);
}

/* A colour's coordinates in the search space: XYB from its RGB levels (lin, m, k, cb: see closer_run), computed in
 * double, or with k == NULL the weighted RGB space (each level times rgb[c]). */
static inline void coordinates(uint32_t code, const float *lin, const float *m, const float *k, float cb,
                               const float *rgb, float *v)
{
    unsigned R = (code >> 16) & 255u, G = (code >> 8) & 255u, B = code & 255u;
    if (!k) {
        v[0] = (float)R * rgb[0]; v[1] = (float)G * rgb[1]; v[2] = (float)B * rgb[2];
        return;
    }
    double r = lin[R], g = lin[G], b = lin[B];
    double c0 = cube_root_d((double)m[0] * r + (double)m[1] * g + (double)m[2] * b + m[3]) - cb;
    double c1 = cube_root_d((double)m[4] * r + (double)m[5] * g + (double)m[6] * b + m[7]) - cb;
    double c2 = cube_root_d((double)m[8] * r + (double)m[9] * g + (double)m[10] * b + m[11]) - cb;
    v[0] = (float)((c0 - c1) * k[0]); v[1] = (float)((c0 + c1) * k[1]); v[2] = (float)((c2 - 0.5 * (c0 + c1)) * k[2]);
}

/* The exact nearest palette entry of each colour (0xRRGGBB codes): outwards from the entry of nearest channel 1
 * (luma) along the palette sorted by it (order, ys), until the channel-1 gap alone is no nearer than the best. */
static void nearest_run(const uint32_t *codes, Py_ssize_t count, const float *pal, const int32_t *order,
                        const float *ys, Py_ssize_t n, const float *lin, const float *m, const float *k, float cb,
                        const float *rgb, uint8_t *out)
{
    for (Py_ssize_t i = 0; i < count; i++) {
        float v[3];
        coordinates(codes[i], lin, m, k, cb, rgb, v);
        Py_ssize_t lo = first_at_or_above(ys, n, v[1]);
        float best = INFINITY;
        out[i] = (uint8_t)expand(v, pal, order, ys, n, lo - 1, lo, &best, order[lo < n ? lo : n - 1]);
    }
}

/* Whether every entry of a search order (int32, n of them) is an index into the n-entry palette. */
static int order_ok(const Py_buffer *order, Py_ssize_t n)
{
    const int32_t *o = order->buf;
    for (Py_ssize_t i = 0; i < n; i++)
        if (o[i] < 0 || o[i] >= n)
            return 0;
    return 1;
}

/* nearest(codes, count, pal, order, ys, n, xyb, lin, m, k, cb, rgb, out) */
static PyObject *nearest(PyObject *self, PyObject *args)
{
    Py_buffer codes, pal, order, ys, lin, m, k, rgb, out;
    Py_ssize_t count, n;
    int xyb;
    float cb;
    if (!PyArg_ParseTuple(args, "y*ny*y*y*npy*y*y*fy*w*", &codes, &count, &pal, &order, &ys, &n, &xyb, &lin, &m, &k,
                          &cb, &rgb, &out))
        return NULL;
    Py_buffer *all[] = {&codes, &pal, &order, &ys, &lin, &m, &k, &rgb, &out};
    int ok = count >= 0 && n > 0 && n <= 256 && codes.len >= (Py_ssize_t)sizeof(uint32_t) * count
             && pal.len >= (Py_ssize_t)sizeof(float) * 3 * n && order.len >= (Py_ssize_t)sizeof(int32_t) * n
             && ys.len >= (Py_ssize_t)sizeof(float) * n && lin.len >= (Py_ssize_t)sizeof(float) * 256
             && m.len >= (Py_ssize_t)sizeof(float) * 12 && k.len >= (Py_ssize_t)sizeof(float) * 3
             && rgb.len >= (Py_ssize_t)sizeof(float) * 3 && out.len >= count;
    ok = ok && order_ok(&order, n);
    if (ok) {
        Py_BEGIN_ALLOW_THREADS
        nearest_run(codes.buf, count, pal.buf, order.buf, ys.buf, n, lin.buf, m.buf, xyb ? k.buf : NULL, cb,
                    rgb.buf, out.buf);
        Py_END_ALLOW_THREADS
    }
    release(all, sizeof(all) / sizeof(all[0]));
    if (!ok)
        return PyErr_Format(PyExc_ValueError, "nearest: buffers too small for %zd colours, %zd entries", count, n);
    Py_RETURN_NONE;
}

/* assign(x, count, pal, order, ys, n, idx, dist): the nearest entry (int32) of each point of x (count*3 floats) and
 * its squared distance (float32): refine.py's k-means steps */
static PyObject *assign(PyObject *self, PyObject *args)
{
    Py_buffer x, pal, order, ys, idx, dist;
    Py_ssize_t count, n;
    if (!PyArg_ParseTuple(args, "y*ny*y*y*nw*w*", &x, &count, &pal, &order, &ys, &n, &idx, &dist))
        return NULL;
    Py_buffer *all[] = {&x, &pal, &order, &ys, &idx, &dist};
    int ok = count >= 0 && n > 0 && x.len >= (Py_ssize_t)sizeof(float) * 3 * count
             && pal.len >= (Py_ssize_t)sizeof(float) * 3 * n && order.len >= (Py_ssize_t)sizeof(int32_t) * n
             && ys.len >= (Py_ssize_t)sizeof(float) * n && idx.len >= (Py_ssize_t)sizeof(int32_t) * count
             && dist.len >= (Py_ssize_t)sizeof(float) * count;
    ok = ok && order_ok(&order, n);
    if (ok) {
        const float *xs = x.buf, *ysv = ys.buf;
        const int32_t *ord = order.buf;
        int32_t *ix = idx.buf;
        float *ds = dist.buf;
        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t i = 0; i < count; i++) {
            const float *v = xs + 3 * i;
            Py_ssize_t lo = first_at_or_above(ysv, n, v[1]);
            float best = INFINITY;
            ix[i] = expand(v, pal.buf, ord, ysv, n, lo - 1, lo, &best, ord[lo < n ? lo : n - 1]);
            ds[i] = best;
        }
        Py_END_ALLOW_THREADS
    }
    release(all, sizeof(all) / sizeof(all[0]));
    if (!ok)
        return PyErr_Format(PyExc_ValueError, "assign: buffers too small for %zd points, %zd entries", count, n);
    Py_RETURN_NONE;
}

/* paint(write, w, out, x0, y0, bw, bh, pal, n, shown): where ``write`` (the frame's H*W mask, rows of w) is set
 * inside the box at (x0, y0), shown := pal[out] (out: the box's bh*bw indices); the tracked shown colours of
 * diff.py, kept up to date in one pass instead of numpy's gather and masked copy of the whole box. */
static PyObject *paint(PyObject *self, PyObject *args)
{
    Py_buffer write, out, pal, shown;
    Py_ssize_t w, x0, y0, bw, bh, n;
    if (!PyArg_ParseTuple(args, "y*ny*nnnny*nw*", &write, &w, &out, &x0, &y0, &bw, &bh, &pal, &n, &shown))
        return NULL;
    Py_buffer *all[] = {&write, &out, &pal, &shown};
    Py_ssize_t h = w > 0 ? write.len / w : 0;
    int ok = w > 0 && n > 0 && n <= 256 && x0 >= 0 && y0 >= 0 && bw >= 0 && bh >= 0 && x0 + bw <= w
             && y0 + bh <= h && out.len >= bw * bh && pal.len >= (Py_ssize_t)sizeof(float) * 3 * n
             && shown.len >= (Py_ssize_t)sizeof(float) * 3 * w * h;
    const uint8_t *wr = write.buf, *ix = out.buf;
    for (Py_ssize_t y = 0; y < bh && ok; y++)
        for (Py_ssize_t x = 0; x < bw && ok; x++)
            ok = !wr[(y0 + y) * w + x0 + x] || ix[y * bw + x] < n;
    if (ok) {
        const float *pl = pal.buf;
        float *sh = shown.buf;
        for (Py_ssize_t y = 0; y < bh; y++)
            for (Py_ssize_t x = 0; x < bw; x++) {
                Py_ssize_t p = (y0 + y) * w + x0 + x;
                if (wr[p]) {
                    const float *c = pl + 3 * ix[y * bw + x];
                    sh[3 * p] = c[0]; sh[3 * p + 1] = c[1]; sh[3 * p + 2] = c[2];
                }
            }
    }
    release(all, sizeof(all) / sizeof(all[0]));
    if (!ok)
        return PyErr_Format(PyExc_ValueError, "paint: a box outside the frame or an index past %zd colours", n);
    Py_RETURN_NONE;
}

/* GIF LZW (GIF89a appendix F): codes of min_bits + 1 to 12 bits, packed LSB first, in sub-blocks of at most 255
 * bytes.  The string table is a hash of (prefix code, next index) in open addressing; a clear code starts a new
 * table when the 4096 codes are used (as giflib and Pillow do). */
#define LZW_SLOTS 8192 /* twice the most codes: probes stay short */

typedef struct {
    uint8_t *out; /* sub-blocks */
    Py_ssize_t len;
    uint8_t block[255];
    int fill;
    uint32_t acc;
    int nacc;
} lzw_sink;

static inline void lzw_byte(lzw_sink *s, uint8_t b)
{
    s->block[s->fill++] = b;
    if (s->fill == 255) {
        s->out[s->len++] = 255;
        memcpy(s->out + s->len, s->block, 255);
        s->len += 255;
        s->fill = 0;
    }
}

static inline void lzw_put(lzw_sink *s, int code, int bits)
{
    s->acc |= (uint32_t)code << s->nacc;
    s->nacc += bits;
    while (s->nacc >= 8) {
        lzw_byte(s, (uint8_t)(s->acc & 0xff));
        s->acc >>= 8;
        s->nacc -= 8;
    }
}

static Py_ssize_t lzw_run(const uint8_t *px, Py_ssize_t n, int min_bits, uint8_t *out)
{
    static const int MAX_CODE = 4096;
    int32_t keys[LZW_SLOTS];
    int16_t codes[LZW_SLOTS];
    lzw_sink s = {out, 0, {0}, 0, 0, 0};
    const int clear = 1 << min_bits, eoi = clear + 1;
    int bits = min_bits + 1, next = clear + 2;
    memset(keys, 0xff, sizeof(keys));
    lzw_put(&s, clear, bits);
    if (n > 0) {
        int prefix = px[0];
        for (Py_ssize_t i = 1; i < n; i++) {
            const int k = px[i];
            const int32_t key = (prefix << 8) | k;
            uint32_t h = ((uint32_t)key * 2654435761u) >> 19; /* 13 bits */
            while (keys[h] >= 0 && keys[h] != key)
                h = (h + 1) & (LZW_SLOTS - 1);
            if (keys[h] == key) {
                prefix = codes[h];
                continue;
            }
            lzw_put(&s, prefix, bits);
            if (next < MAX_CODE) {
                keys[h] = key;
                codes[h] = (int16_t)next++;
                if (next > (1 << bits) && bits < 12)
                    bits++;
            } else { /* the table is full: start a new one */
                lzw_put(&s, clear, bits);
                memset(keys, 0xff, sizeof(keys));
                bits = min_bits + 1;
                next = clear + 2;
            }
            prefix = k;
        }
        lzw_put(&s, prefix, bits);
    }
    lzw_put(&s, eoi, bits);
    if (s.nacc > 0)
        lzw_byte(&s, (uint8_t)(s.acc & 0xff));
    if (s.fill > 0) {
        s.out[s.len++] = (uint8_t)s.fill;
        memcpy(s.out + s.len, s.block, s.fill);
        s.len += s.fill;
    }
    return s.len;
}

/* lzw(indices, min_bits) -> bytes: the frame's LZW data in sub-blocks (no code-size byte, no terminator) */
static PyObject *lzw(PyObject *self, PyObject *args)
{
    Py_buffer px;
    int min_bits;
    if (!PyArg_ParseTuple(args, "y*i", &px, &min_bits))
        return NULL;
    if (min_bits < 2 || min_bits > 8) {
        PyBuffer_Release(&px);
        return PyErr_Format(PyExc_ValueError, "lzw: a code size of 2-8 bits, not %d", min_bits);
    }
    const uint8_t *p = px.buf;
    int bad = 0;
    for (Py_ssize_t i = 0; i < px.len; i++)
        bad |= p[i] >> min_bits;
    if (bad) {
        PyBuffer_Release(&px);
        return PyErr_Format(PyExc_ValueError, "lzw: an index past %d colours", 1 << min_bits);
    }
    /* at most one 12-bit code a pixel plus the clear codes, in 256-byte blocks */
    const Py_ssize_t cap = px.len * 2 + px.len / 64 + 64;
    uint8_t *out = malloc(cap);
    if (out == NULL) {
        PyBuffer_Release(&px);
        return PyErr_NoMemory();
    }
    Py_ssize_t len;
    Py_BEGIN_ALLOW_THREADS
    len = lzw_run(p, px.len, min_bits, out);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&px);
    PyObject *res = PyBytes_FromStringAndSize((const char *)out, len);
    free(out);
    return res;
}

static PyMethodDef methods[] = {
    {"diffuse", diffuse, METH_VARARGS, "The error-diffusion loop of clipkit.encode.gif.diffuse (see there)."},
    {"closer", closer, METH_VARARGS, "The keep-closer test of clipkit.encode.gif.diff (see kernels.py)."},
    {"nearest", nearest, METH_VARARGS, "The exact nearest palette entry of colours (see kernels.py)."},
    {"assign", assign, METH_VARARGS, "The nearest entry of points, and the squared distance (see kernels.py)."},
    {"paint", paint, METH_VARARGS, "The tracked shown colours of clipkit.encode.gif.diff, updated (see kernels.py)."},
    {"lzw", lzw, METH_VARARGS, "A frame's GIF LZW data in sub-blocks, without the GIL (see writer.py)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernels", NULL, -1, methods};

PyMODINIT_FUNC PyInit__kernels(void) { return PyModule_Create(&module); }
