"""`python -m bench [name ...]`: run every benchmark script in bench/ (or the named ones).

Each `bench/<name>.py` with a `main()` runs as `python -m bench.<name>` in its own process, one
after the other (settings and database are per process; the machine is never loaded twice).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts() -> list[str]:
    return sorted(
        p.stem
        for p in HERE.glob("*.py")
        if not p.stem.startswith("_") and "def main(" in p.read_text(encoding="utf-8")
    )


def main(argv: list[str]) -> int:
    names = argv or scripts()
    unknown = set(names) - set(scripts())
    if unknown:
        print(f"Ukendt benchmark: {', '.join(sorted(unknown))}. Findes: {', '.join(scripts())}")
        return 2
    failed = []
    for name in names:
        print(f"\n=== bench.{name} ===", flush=True)
        result = subprocess.run(  # noqa: S603 - our own scripts
            [sys.executable, "-m", f"bench.{name}"], cwd=HERE.parent, check=False
        )
        if result.returncode:
            failed.append(name)
    if failed:
        print(f"Fejlede: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
