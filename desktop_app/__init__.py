"""MIPS Desk: MIPS reporting for small medical practices.

The package is split in two: the core (every subpackage except ``gui``), which
imports no Qt, and ``desktop_app.gui``, the PySide6 layer that calls the core.
"""

__version__ = "0.1.0"
