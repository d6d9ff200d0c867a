"""Run one `flask` command in this process and record its peak memory.

python -m tests.benchmarks.child RESULT.json --app app assets build
"""

from __future__ import annotations

import json
import resource
import sys

from flask.cli import main as flask_main


def main() -> None:
    result_path, args = sys.argv[1], sys.argv[2:]
    sys.argv = ["flask", *args]
    code: object = 0
    try:
        flask_main()
    except SystemExit as exc:
        code = exc.code
    finally:
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        with open(result_path, "w") as handle:
            json.dump({"code": code, "peak_mib": peak_kib / 1024}, handle)


if __name__ == "__main__":
    main()
