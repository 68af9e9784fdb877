"""The ``mipsdesk`` command line: the same core as the GUI, for batches and tests.

With no command it starts the GUI. Each command lives in its own module that
exposes ``register(subparsers)``; the module's handler returns the exit code.
Errors a user can fix are raised as :class:`CliError` and printed on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from desktop_app import __version__
from desktop_app.features import load_feature_modules

# Command modules, imported lazily so ``mipsdesk --version`` stays fast.
COMMAND_MODULES = (
    "desktop_app.cli.catalog_cmd",
    "desktop_app.cli.workspace_cmd",
    "desktop_app.cli.preview_cmd",
    "desktop_app.cli.eligibility_cmd",
    "desktop_app.cli.import_cmd",
    "desktop_app.cli.export_cmd",
    "desktop_app.cli.validate_cmd",
    "desktop_app.cli.ecqm_ids_cmd",
)


class CliError(Exception):
    """A problem the user can fix; printed as ``mipsdesk: <message>``, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mipsdesk",
        description="MIPS Desk: MIPS eligibility, attestation, scoring and export. "
        "Run without a command to open the application.",
    )
    parser.add_argument("--version", action="version", version=f"MIPS Desk {__version__}")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="start the GUI, show the main window, print the milliseconds until it "
        "was shown, and exit",
    )
    parser.add_argument(
        "--workspace",
        type=Path,
        metavar="PATH",
        help="the practice workspace file to open (default: the last one used)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # command not built yet
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)  # --version and --help exit here
        from desktop_app.store import add_migration_loader  # imported by the commands anyway

        add_migration_loader(load_feature_modules)  # before any workspace is opened
        if args.command is None:
            from desktop_app.gui.app import run_gui  # Qt only when the GUI is wanted

            return run_gui(workspace=args.workspace, smoke=args.smoke)
        handler = args.handler
        code: int = handler(args)
        sys.stdout.flush()  # a closed pipe shows up here, not at interpreter exit
        return code
    except CliError as exc:
        print(f"mipsdesk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mipsdesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _stdout_closed()


def _stdout_closed() -> int:
    """The reader went away (``mipsdesk ... | head -1``): stop quietly, as Unix tools do.

    Python would try to flush stdout again at exit and print another error, so
    stdout is pointed at the null device first. The exit code is the shell's for a
    command ended by SIGPIPE (128 + 13).
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout without a file descriptor (tests, GUI)
        pass
    return 141
