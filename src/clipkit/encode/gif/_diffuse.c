/* The error-diffusion loop of encode/gif/diffuse.py, compiled: a pixel's choice depends on the error of the
 * ones before it, which numpy cannot vectorise.  Plain C on buffers (no numpy headers): diffuse.py checks the
 * arrays' types, shapes and contiguity before it calls in.  Built by setup.py (optional: without a compiler the
 * package installs without it, and --quality 100 falls back to the nearest colour, with a note). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline float clampf(float v, float c) { return v > c ? c : (v < -c ? -c : v); }

/* src H*W*3, pal N*3, order/rank N (palette sorted by channel 1), ys N (channel 1 in that order), hint H*W
 * (each pixel's nearest entry), shown H*W*3 (or unused), moved/fixed H*W (or unused); out H*W int16. */
static void run(const float *src, const float *pal, const int32_t *order, const int32_t *rank, const float *ys,
                const uint8_t *hint, const float *shown, int has_shown, const uint8_t *moved, const uint8_t *fixed,
                int has_fixed, float clamp, float level, Py_ssize_t h, Py_ssize_t w, Py_ssize_t n, int16_t *out,
                float *e0, float *e1)
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
            Py_ssize_t a = rank[bi] - 1, b = rank[bi] + 1;
            while (a >= 0 || b < n) {
                if (b < n) {
                    float dy = ys[b] - t1;
                    if (dy > 0 && dy * dy >= best) b = n;
                    else {
                        int k = order[b];
                        float e = pal[3 * k] - t0, f = pal[3 * k + 2] - t2, d = e * e + dy * dy + f * f;
                        if (d < best) { best = d; bi = k; }
                        b++;
                    }
                }
                if (a >= 0) {
                    float dy = t1 - ys[a];
                    if (dy > 0 && dy * dy >= best) a = -1;
                    else {
                        int k = order[a];
                        float e = pal[3 * k] - t0, f = pal[3 * k + 2] - t2, d = e * e + dy * dy + f * f;
                        if (d < best) { best = d; bi = k; }
                        a--;
                    }
                }
            }
            const float *c = pal + 3 * bi;
            int choice = bi;
            if (has_shown) {
                /* keep what is shown where the source did not move; where it did, only if that colour is as
                 * near the target as the palette's best and as near the source as the source's own nearest */
                const float *s = shown + 3 * p, *q = src + 3 * p, *g = pal + 3 * hint[p];
                int keep = !moved[p];
                if (!keep) {
                    float s0 = s[0] - t0, s1 = s[1] - t1, s2 = s[2] - t2;
                    if (s0 * s0 + s1 * s1 + s2 * s2 <= best) {
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

/* diffuse(src, pal, order, rank, ys, hint, shown, has_shown, moved, fixed, has_fixed, clamp, level, h, w, n, out) */
static PyObject *diffuse(PyObject *self, PyObject *args)
{
    Py_buffer src, pal, order, rank, ys, hint, shown, moved, fixed, out;
    int has_shown, has_fixed;
    float clamp, level;
    Py_ssize_t h, w, n;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*py*y*pffnnnw*", &src, &pal, &order, &rank, &ys, &hint, &shown,
                          &has_shown, &moved, &fixed, &has_fixed, &clamp, &level, &h, &w, &n, &out))
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
            has_fixed, clamp, level, h, w, n, out.buf, e, e + 3 * (w + 2));
        Py_END_ALLOW_THREADS
    }
    free(e);
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        PyBuffer_Release(all[i]);
    if (!ok)
        return PyErr_Format(PyExc_ValueError, "diffuse: buffers too small for %zd x %zd pixels, %zd colours", h, w, n);
    if (!e)
        return PyErr_NoMemory();
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"diffuse", diffuse, METH_VARARGS, "The error-diffusion loop of clipkit.encode.gif.diffuse (see there)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_diffuse", NULL, -1, methods};

PyMODINIT_FUNC PyInit__diffuse(void) { return PyModule_Create(&module); }
