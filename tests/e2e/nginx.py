"""An nginx caching proxy on 127.0.0.1 whose cache key leaves out the query string, as some CDNs do."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from ..helpers import free_port, need_executable

CONF = """
worker_processes 1;
error_log {dir}/error.log;
pid {dir}/nginx.pid;
{user}
events {{ worker_connections 64; }}
http {{
  access_log {dir}/access.log;
  client_body_temp_path {dir}/client;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
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
}}
"""


class CachingProxy:
    """nginx in front of ``upstream``; the config and cache live in ``folder``."""

    def __init__(self, folder: Path, upstream: int) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not os.path.exists(nginx):
            nginx = need_executable("nginx")
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        user = "user root;" if os.geteuid() == 0 else ""  # workers must reach the temp folder
        conf = folder / "nginx.conf"
        conf.write_text(CONF.format(dir=folder, port=self.port, upstream=upstream, user=user))
        self.process = subprocess.Popen(
            [nginx, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"nginx did not start: {self.process.stderr.read() if self.process.stderr else ''}"
                    ) from None
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
