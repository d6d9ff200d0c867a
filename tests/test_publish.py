"""flask assets publish against a real S3 API (moto's server on 127.0.0.1), and CDN URLs."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import FLASK, GEN, MANIFEST, OUT, free_port, run_flask
from .s3 import env_with_credentials, moto_server, public_bucket, s3_client

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


def site(root: Path, endpoint: str, bucket: str, **config: str) -> dict[str, str]:
    """The sample app copied to ``root`` and built; returns the environment that publishes it."""
    shutil.copytree(REPO / "sample_app", root / "sample_app", ignore=shutil.ignore_patterns("gen", "*.json"))
    with (root / "sample_app/static/css/layout.css").open("a") as css:  # big enough to be precompressed
        css.write("".join(f".extra-{i} {{ margin: {i}px }}\n" for i in range(80)))
    env = (
        env_with_credentials()
        | {
            "FLASK_BUST_ASSETS_S3_BUCKET": bucket,
            "FLASK_BUST_ASSETS_S3_PREFIX": "site",
            "FLASK_BUST_ASSETS_S3_ENDPOINT_URL": endpoint,
        }
        | {f"FLASK_{k}": v for k, v in config.items()}
    )
    flask(root, env, "assets", "build")
    public_bucket(endpoint, bucket)
    return env


def flask(root: Path, env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    result = run_flask(root, *args, app="sample_app", env=env)
    assert (result.returncode == 0) == ok, result.stdout + result.stderr
    return result


def test_publish_uploads_every_digested_file_with_its_headers(tmp_path: Path, endpoint: str) -> None:
    env = site(tmp_path, endpoint, "pub-one")
    result = flask(tmp_path, env, "assets", "publish")
    s3 = s3_client(endpoint)
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket="pub-one")["Contents"]}
    uploaded = [line.split()[-1] for line in result.stdout.splitlines() if line.startswith("uploaded  ")]
    assert sorted(uploaded) == sorted(keys)
    assert uploaded[-1] == "site/assets-manifest.json"  # the manifest went last
    static = tmp_path / GEN  # the sample app's instance folder is beside its package
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    css = manifest["bundles"]["site_css"][0]["path"]
    for key, encoding in [
        (f"site/static/{css}", None),
        (f"site/static/{css}.br", "br"),
        (f"site/static/{css}.gz", "gzip"),
    ]:
        obj = s3.get_object(Bucket="pub-one", Key=key)
        assert obj["Body"].read() == (static / key.removeprefix("site/static/")).read_bytes()
        assert obj["ContentType"] == "text/css"
        assert obj["CacheControl"] == "public, max-age=31536000, immutable"
        assert obj.get("ContentEncoding") == encoding
    logo = manifest["files"]["static"]["img/logo.svg"]["path"]
    assert f"site/static/{logo}" in keys and "site/static/img/logo.svg" not in keys  # digested names only
    head = s3.head_object(Bucket="pub-one", Key="site/assets-manifest.json")
    assert head["CacheControl"] == "no-cache"


def test_a_second_publish_uploads_nothing(tmp_path: Path, endpoint: str) -> None:
    env = site(tmp_path, endpoint, "pub-two")
    flask(tmp_path, env, "assets", "publish")
    again = flask(tmp_path, env, "assets", "publish")
    assert not [line for line in again.stdout.splitlines() if line.startswith("uploaded  ")]
    assert re.search(r"Uploaded 0 objects; \d+ were there already\.", again.stdout)


def test_dry_run_lists_and_uploads_nothing(tmp_path: Path, endpoint: str) -> None:
    env = site(tmp_path, endpoint, "pub-dry")
    result = flask(tmp_path, env, "assets", "publish", "--dry-run")
    assert "would upload  site/assets-manifest.json" in result.stdout
    assert s3_client(endpoint).list_objects_v2(Bucket="pub-dry").get("KeyCount", 0) == 0


def test_a_failed_upload_midway_leaves_the_previous_manifest(tmp_path: Path, endpoint: str) -> None:
    env = site(tmp_path, endpoint, "pub-fail")
    flask(tmp_path, env, "assets", "publish")
    previous = s3_client(endpoint).get_object(Bucket="pub-fail", Key="site/assets-manifest.json")["Body"].read()
    layout = tmp_path / "sample_app/static/css/layout.css"
    layout.write_text(layout.read_text() + "\n.new { color: red }\n")
    flask(tmp_path, env, "assets", "build")
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    css = tmp_path / GEN / manifest["bundles"]["site_css"][0]["path"]
    css.with_name(css.name + ".gz").unlink()  # one of the new files is gone before it could be uploaded
    shutil.move(css, css.with_name("moved-away"))
    result = flask(tmp_path, env, "assets", "publish", ok=False)
    assert "FAILED  site/static/gen/site." in result.stderr
    assert "the bucket keeps its previous manifest" in result.stderr
    now = s3_client(endpoint).get_object(Bucket="pub-fail", Key="site/assets-manifest.json")["Body"].read()
    assert now == previous


def test_publish_without_a_bucket_says_which_setting(tmp_path: Path, endpoint: str) -> None:
    env = site(tmp_path, endpoint, "pub-nobucket")
    env.pop("FLASK_BUST_ASSETS_S3_BUCKET")
    result = flask(tmp_path, env, "assets", "publish", ok=False)
    assert "BUST_ASSETS_S3_BUCKET is not set" in result.stderr


def test_publish_refuses_a_manifest_naming_a_file_outside_the_output_folder(tmp_path: Path, endpoint: str) -> None:
    env = site(tmp_path, endpoint, "pub-escape")
    doc = json.loads((tmp_path / MANIFEST).read_text())
    logo = doc["files"]["static"]["img/logo.svg"]
    doc["files"]["static"]["img/logo.svg"] = {**logo, "path": "../../../../etc/passwd"}
    (tmp_path / MANIFEST).write_text(json.dumps(doc))
    result = flask(tmp_path, env, "assets", "publish", ok=False)
    assert "files.static.img/logo.svg.path '../../../../etc/passwd' is not a relative path" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Contents" not in s3_client(endpoint).list_objects_v2(Bucket="pub-escape")  # nothing went up


RENDER = """
import sys
sys.path.insert(0, ".")
from sample_app import create_app
app = create_app()
client = app.test_client()
print(client.get("/").text)
print(client.get("/", environ_base={"SCRIPT_NAME": "/shop"}).text)
"""


def test_a_server_with_only_the_manifest_renders_cdn_urls(tmp_path: Path, endpoint: str) -> None:
    site(tmp_path, endpoint, "pub-cdn")
    server = tmp_path / "server"
    shutil.copytree(tmp_path / "sample_app", server / "sample_app", ignore=shutil.ignore_patterns("static"))
    (server / MANIFEST).parent.mkdir(parents=True)
    shutil.copyfile(tmp_path / MANIFEST, server / MANIFEST)  # the manifest alone, no file it names
    assert not (server / "sample_app/static").exists()
    env = env_with_credentials() | {"FLASK_BUST_ASSETS_CDN_URL": "https://cdn.example.test/site/"}
    result = subprocess.run([sys.executable, "-c", RENDER], cwd=server, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    urls = [u for u in re.findall(r'(?:href|src)="([^"]+)"', result.stdout) if "/static/" in u]  # not page links
    assert len(urls) == 6
    assert all(
        re.fullmatch(r"https://cdn\.example\.test/site/static/(gen|img)/[\w.]+\.[0-9a-f]{16}\.\w+", u) for u in urls
    ), urls
    assert 'crossorigin="anonymous"' in result.stdout


def test_publish_keys_follow_assets_url(tmp_path: Path, endpoint: str) -> None:
    # With ASSETS_DIRECTORY/ASSETS_URL, bundle outputs are served from ASSETS_URL, not a static route.
    public = tmp_path / "public"
    env = site(tmp_path, endpoint, "pub-assets-url", ASSETS_DIRECTORY=str(public), ASSETS_URL="/public")
    flask(tmp_path, env, "assets", "publish")
    s3 = s3_client(endpoint)
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket="pub-assets-url")["Contents"]}
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    css = manifest["bundles"]["site_css"][0]["path"]
    assert f"site/public/{css}" in keys and f"site/static/{css}" not in keys
    body = s3.get_object(Bucket="pub-assets-url", Key=f"site/public/{css}")["Body"].read()
    assert body == (tmp_path / OUT / "public" / css).read_bytes()  # laid out by URL path
    assert not public.exists()  # ASSETS_DIRECTORY decides the URL; nothing is written there


def test_a_publish_killed_at_any_moment_leaves_a_bucket_whose_manifest_names_only_uploaded_files(
    tmp_path: Path, endpoint: str
) -> None:
    env = site(tmp_path, endpoint, "pub-kill")
    layout = tmp_path / "sample_app/static/css/layout.css"
    s3 = s3_client(endpoint)
    flask(tmp_path, env, "assets", "publish")
    started = time.monotonic()
    flask(tmp_path, env, "assets", "publish")  # what a round costs when nothing is new: the floor
    floor = time.monotonic() - started
    killed = 0
    for round_ in range(1, 9):  # kills spread from start-up to the manifest's upload
        layout.write_text(layout.read_text() + f"\n.round-{round_} {{ margin: {round_}px }}\n")
        flask(tmp_path, env, "assets", "build")
        proc = subprocess.Popen(
            [FLASK, "--app", "sample_app", "assets", "publish"], cwd=tmp_path, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(floor * round_ / 6)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed += proc.returncode == -signal.SIGKILL
        keys = {o["Key"] for o in s3.list_objects_v2(Bucket="pub-kill").get("Contents", [])}
        manifest = json.loads(s3.get_object(Bucket="pub-kill", Key="site/assets-manifest.json")["Body"].read())
        named = {f"site/static/{out['path']}" for outs in manifest["bundles"].values() for out in outs}
        named |= {f"site/static/{f['path']}" for files in manifest["files"].values() for f in files.values()}
        assert named <= keys, named - keys  # the bucket's manifest never names a missing object
    assert killed >= 3, "most publishes should have been killed before they finished"
    flask(tmp_path, env, "assets", "publish")  # and the next one completes the job
    manifest = json.loads(s3.get_object(Bucket="pub-kill", Key="site/assets-manifest.json")["Body"].read())
    assert manifest == json.loads((tmp_path / MANIFEST).read_text())


@pytest.mark.parametrize("problem", ["no such bucket", "nothing listening", "no credentials"])
def test_a_storage_that_cannot_be_used_is_one_line_and_nothing_is_uploaded(
    tmp_path: Path, endpoint: str, problem: str
) -> None:
    env = site(tmp_path, endpoint, "pub-problems")
    if problem == "no such bucket":
        env["FLASK_BUST_ASSETS_S3_BUCKET"] = "pub-never-created"
        says = f"Cannot publish to bucket 'pub-never-created' at {endpoint}: it does not exist"
    elif problem == "nothing listening":
        closed = f"http://127.0.0.1:{free_port()}"
        env["FLASK_BUST_ASSETS_S3_ENDPOINT_URL"] = closed
        says = f"Cannot publish to bucket 'pub-problems' at {closed}: nothing answers there"
    else:
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            env.pop(key)
        env |= {"AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_CONFIG_FILE": "/dev/null"}
        env |= {"AWS_EC2_METADATA_DISABLED": "true"}
        says = "no credentials were found"
    result = flask(tmp_path, env, "assets", "publish", ok=False)
    (line,) = result.stderr.strip().splitlines()  # no botocore traceback
    assert says in line and line.endswith("Nothing was uploaded."), line
    assert "Contents" not in s3_client(endpoint).list_objects_v2(Bucket="pub-problems")


# In the publishing process: when the first object goes up, a build replaces the manifest on disk.
BUILD_DURING_PUBLISH = """
import os, subprocess, sys
import botocore.client
real = botocore.client.BaseClient._make_api_call
done = []
def call(self, operation, params):
    if operation == "PutObject" and not done:
        done.append(1)
        layout = os.path.join(os.environ["BUST_TEST_ROOT"], "sample_app/static/css/layout.css")
        with open(layout, "a") as css:
            css.write(".during-publish { color: red }\\n")
        flask = os.path.join(os.path.dirname(sys.executable), "flask")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        subprocess.run([flask, "--app", "sample_app", "assets", "build"], env=env, check=True, capture_output=True)
    return real(self, operation, params)
botocore.client.BaseClient._make_api_call = call
"""


def test_a_build_finishing_during_publish_never_leaves_the_bucket_naming_missing_objects(
    tmp_path: Path, endpoint: str
) -> None:
    env = site(tmp_path, endpoint, "pub-race")
    published = (tmp_path / MANIFEST).read_bytes()
    (tmp_path / "hook").mkdir()
    (tmp_path / "hook/sitecustomize.py").write_text(BUILD_DURING_PUBLISH)
    flask(tmp_path, env | {"PYTHONPATH": str(tmp_path / "hook"), "BUST_TEST_ROOT": str(tmp_path)}, "assets", "publish")
    assert (tmp_path / MANIFEST).read_bytes() != published  # the build did finish mid-publish
    s3 = s3_client(endpoint)
    in_bucket = s3.get_object(Bucket="pub-race", Key="site/assets-manifest.json")["Body"].read()
    assert in_bucket == published  # the manifest publish read, not the one on disk now
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket="pub-race")["Contents"]}
    named = json.loads(in_bucket)
    for outputs in named["bundles"].values():
        for out in outputs:
            assert f"site/static/{out['path']}" in keys
