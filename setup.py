"""The one compiled part of clipkit: the GIF engine's loops in C (src/clipkit/encode/gif/_kernels.c: the
error diffusion of --quality 100, the keep-closer test of every quality from 44, the exact colour search and the
k-means steps, and the LZW of every frame).

Everything else is declared in pyproject.toml.  The extension is optional: where no C compiler is found the
package still installs, ``--quality 100`` then maps each pixel to its nearest colour, with a note saying why,
and the keep-closer test runs in numpy (the same choices, a slower command).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("clipkit.encode.gif._kernels", ["src/clipkit/encode/gif/_kernels.c"],
                             extra_compile_args=["-O3"], optional=True)])
