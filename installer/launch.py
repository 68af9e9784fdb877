"""Entry point of the built application (PyInstaller runs this file)."""

from desktop_app.cli import main

raise SystemExit(main())
