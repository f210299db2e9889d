"""The domain core: plain dataclasses and rules, no I/O, no UI, no SQL."""
