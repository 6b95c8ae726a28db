"""Pure image work: fonts, captions, resize, crop, strip layout — no file I/O."""
