"""MIPS Desk: MIPS reporting for small medical practices.

The package is split in two: the core (every subpackage except ``gui``), which
imports no Qt, and ``desktop_app.gui``, the PySide6 layer that calls the core.
"""

import time as _time

__version__ = "0.1.0"

STARTED_AT: float = _time.perf_counter()
"""perf_counter() when the package was first imported: the start of MIPS Desk's
own code in this process (``mipsdesk --smoke`` measures from here)."""
