"""The one compiled part of clipkit: the GIF engine's error-diffusion loop (src/clipkit/encode/gif/_diffuse.c).

Everything else is declared in pyproject.toml.  The extension is optional: where no C compiler is found the
package still installs, and ``--quality 100`` then maps each pixel to its nearest colour, with a note saying why.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("clipkit.encode.gif._diffuse", ["src/clipkit/encode/gif/_diffuse.c"],
                             extra_compile_args=["-O3"], optional=True)])
