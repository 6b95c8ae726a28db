"""Moved to :mod:`clipkit.atomic` (atomic writing is a basic, not an encoder); this name stays for old imports."""

from ..atomic import atomic_path, atomic_write_bytes, atomic_write_text, ensure_writable_dir

__all__ = ["atomic_path", "atomic_write_bytes", "atomic_write_text", "ensure_writable_dir"]
