"""Where migrations written before the kernel existed find the revision field.

`VersionField` lives in kernel/concurrency.py; the migrations of 2025 name it
this module's `VersionField`, and migrations are not rewritten. New code imports
`kernel.concurrency`; new migrations name `kernel.concurrency.VersionField` (its deconstruct).
"""

from kernel.concurrency import VersionField

__all__ = ["VersionField"]
