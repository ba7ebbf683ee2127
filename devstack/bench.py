"""`make bench`: run every benchmark in bench/ one after another and print what each measured.

Each benchmark starts what it needs (a private Redis, the Rasa server) and prints its own
numbers and ratio to its reference. Nothing here asserts a timing; results are copied into
docs/benchmarks.md with the machine and date printed below.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import UTC, datetime

from devstack.services import PROJECT_ROOT


def main() -> int:
    print(f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {platform.machine()} · {os.cpu_count()} cores · "
          f"Python {platform.python_version()} · {platform.platform()}", flush=True)
    failed = []
    for script in sorted((PROJECT_ROOT / "bench").glob("bench_*.py")):
        print(f"\n## {script.name}", flush=True)
        result = subprocess.run([sys.executable, str(script)], cwd=PROJECT_ROOT, check=False)
        if result.returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"\nthese benchmarks did not run through: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
