"""Build MIPS Desk with PyInstaller, then smoke-run the built program.

    python installer/build.py [--dist DIR]

Fails (exit 1) unless the built ``mipsdesk --smoke`` shows its main window and
exits 0, and ``mipsdesk --version`` prints the version: a build that can't
start is never handed on. Needs ``pip install pyinstaller``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mipsdesk-build-"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--distpath",
            str(args.dist),
            "--workpath",
            str(work),
            str(ROOT / "installer" / "mipsdesk.spec"),
        ],
        check=True,
    )
    exe = args.dist / "MIPS Desk" / ("mipsdesk.exe" if os.name == "nt" else "mipsdesk")
    with tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, MIPSDESK_DATA_DIR=data)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        version = subprocess.run(
            [str(exe), "--version"], env=env, capture_output=True, text=True, timeout=60
        )
        smoke = subprocess.run(
            [str(exe), "--smoke"], env=env, capture_output=True, text=True, timeout=120
        )
    if version.returncode != 0 or "MIPS Desk" not in version.stdout:
        print(f"smoke run failed: --version said {version.stdout!r} {version.stderr!r}")
        return 1
    if smoke.returncode != 0 or not smoke.stdout.strip().splitlines()[-1:][0].isdigit():
        print(f"smoke run failed (exit {smoke.returncode}):\n{smoke.stdout}\n{smoke.stderr}")
        return 1
    print(f"built {exe}; {version.stdout.strip()}; main window shown in {smoke.stdout.strip()} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
