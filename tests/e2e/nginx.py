"""nginx on 127.0.0.1, started by a test: a caching proxy, or any server block (the docs' one)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from ..helpers import REQUIRE_E2E, free_port, need_executable

MAIN = """
{modules}
worker_processes 1;
error_log {dir}/error.log;
pid {dir}/nginx.pid;
{user}
events {{ worker_connections 64; }}
http {{
  include /etc/nginx/mime.types;
  access_log {dir}/access.log;
  client_body_temp_path {dir}/client;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  {http}
}}
"""

CACHING = """
  proxy_cache_path {dir}/cache keys_zone=assets:1m;
  server {{
    listen 127.0.0.1:{port};
    location /static/ {{
      proxy_pass http://127.0.0.1:{upstream};
      proxy_cache assets;
      proxy_cache_key "$scheme$proxy_host$uri";   # no $args: ?v=... is ignored
      proxy_cache_valid 200 10m;
      proxy_ignore_headers Cache-Control Expires;   # cache even what the app says to revalidate
      add_header X-Cache-Status $upstream_cache_status always;
    }}
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
    }}
  }}
"""

BROTLI_STATIC = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"


class Nginx:
    """nginx serving ``http`` (the inside of an http block, ``{port}`` filled in); files live in ``folder``."""

    def __init__(self, folder: Path, http: str, *, brotli: bool = False) -> None:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not os.path.exists(binary):
            binary = need_executable("nginx")
        modules = ""
        if brotli:
            if not os.path.exists(BROTLI_STATIC):
                if REQUIRE_E2E:
                    raise AssertionError("libnginx-mod-http-brotli-static is required when BUST_REQUIRE_E2E=1")
                import pytest

                pytest.skip("nginx's brotli_static module is not installed")
            modules = f"load_module {BROTLI_STATIC};"
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        user = "user root;" if os.geteuid() == 0 else ""  # workers must reach the temp folder
        conf = folder / "nginx.conf"
        conf.write_text(
            MAIN.format(modules=modules, dir=folder, user=user, http=http.replace("{port}", str(self.port)))
        )
        self.process = subprocess.Popen(
            [binary, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    error = self.process.stderr.read().decode() if self.process.stderr else ""
                    raise RuntimeError(f"nginx did not start: {error}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


class CachingProxy(Nginx):
    """A proxy_cache in front of ``upstream`` whose key leaves out the query string, as some CDNs do."""

    def __init__(self, folder: Path, upstream: int) -> None:
        super().__init__(folder, CACHING.format(dir=folder, port="{port}", upstream=upstream))
