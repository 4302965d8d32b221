"""Whether a signal has asked this run to stop.

entry.py's handler records the signal here before it raises KeyboardInterrupt.  Where the
interrupt can be swallowed on its way out (SQLite turns an exception in one of our
callbacks into an error of its own), the error is read as the stop it stands for.
"""

from __future__ import annotations

requested_by: int | None = None  # the first SIGINT or SIGTERM received, once there was one
