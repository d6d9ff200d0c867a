"""A copy of the sample app, built with the real CLI and served by gunicorn on 127.0.0.1."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from ..helpers import FLASK, GEN, OUT, clean_env, free_port, wait_for_http

REPO = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


class Server:
    """One gunicorn serving the deployment; its access log tells what reached it."""

    def __init__(self, deployment: Any, workers: int = 2, target: str = "sample_app:create_app()") -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = deployment.root / f"access-{self.port}.log"
        self.process = subprocess.Popen(
            [GUNICORN, "-w", str(workers), "-b", f"127.0.0.1:{self.port}", "--access-logfile", str(self.log),
             target],
            cwd=deployment.root, env=deployment.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self._mark = 0
        wait_for_http(self.base + "/", 30)

    def page(self, path: str) -> str:
        with urllib.request.urlopen(self.base + path, timeout=10) as response:
            return str(response.read().decode())

    def mark(self) -> None:
        """Forget the requests so far: ``requests()`` reports only later ones."""
        time.sleep(0.2)  # let gunicorn flush the log lines of requests just answered
        self._mark = len(self._lines())

    def requests(self) -> list[str]:
        """Paths requested since the last mark, in order."""
        time.sleep(0.2)
        return [m.group(1) for line in self._lines()[self._mark :] if (m := re.search(r'"GET (\S+) HTTP', line))]

    def reload(self, expect: str) -> None:
        """SIGHUP: new workers, which read the new manifest; wait until pages show ``expect``."""
        self.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while expect not in self.page("/"):
            if time.monotonic() > deadline:
                raise AssertionError(f"the server never rendered {expect}")
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def _lines(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []


class Deployment:
    """The sample app copied to ``root``; build, clean and serve it as a deploy would."""

    def __init__(self, root: Path, **config: str) -> None:
        self.root = root
        shutil.copytree(
            REPO / "sample_app", root / "sample_app", ignore=shutil.ignore_patterns("gen", "*.json", "__pycache__")
        )
        self.env = clean_env()
        self.env.update({f"FLASK_{key}": value for key, value in config.items()})
        self.servers: list[Server] = []
        self.flask("assets", "build")

    @property
    def static(self) -> Path:
        """The sample app's sources."""
        return self.root / "sample_app" / "static"

    @property
    def output(self) -> Path:
        """The output folder: instance/assets, beside the package (Flask's instance folder)."""
        return self.root / OUT

    @property
    def generated(self) -> Path:
        """What builds generate for the static folder."""
        return self.root / GEN

    def flask(self, *args: str) -> str:
        result = subprocess.run(
            [FLASK, "--app", "sample_app", *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def flask_python(self, code: str) -> str:
        """Run ``code`` in a fresh Python process in the deployment folder; its stdout."""
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=self.root, env=self.env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def serve(self) -> Server:
        server = Server(self)
        self.servers.append(server)
        return server

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.static / rel
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new))

    def close(self) -> None:
        for server in self.servers:
            server.stop()
