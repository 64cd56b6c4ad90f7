"""brief ingest URL: pages fetched from a real HTTP server on 127.0.0.1 that the test starts,
with furniture, redirects, a 404, a slow answer, a huge body and a binary body."""

from __future__ import annotations

import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml

pytest.importorskip("httpx")
pytest.importorskip("trafilatura")

BODY_1 = ("Grid operators in the north say the new transmission line has cut outages by half "
          "since it opened last spring, according to the regional energy ministry.")
BODY_2 = ("Storage remains the weak point, however, because the winter evenings are long and "
          "demand peaks after sunset, when solar farms produce nothing at all.")
BODY_3 = ("Investors could fund battery parks next year if the regulator approves the tariff "
          "plan this autumn, officials told reporters at a briefing on Tuesday.")

PAGE = f"""<!doctype html>
<html lang="en"><head><title>Grid Upgrades Cut Outages in Half | Example News</title>
<meta property="og:title" content="Grid Upgrades Cut Outages in Half">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2024-07-05T08:00:00Z">
<meta property="og:site_name" content="Example News"></head>
<body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/energy">Energy</a></nav>
<div class="share">Share on Facebook | Tweet | Email</div>
<article><h1>Grid Upgrades Cut Outages in Half</h1>
<p>{BODY_1}</p><p>{BODY_2}</p><p>{BODY_3}</p></article>
<footer>Copyright 2024 Example News. All rights reserved.</footer>
</body></html>
""".encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    release = threading.Event()

    def log_message(self, *args):  # keep the test output clean
        pass

    def send(self, status: int, body: bytes, kind: str = "text/html; charset=utf-8",
             headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 (the http.server name)
        if self.path == "/article":
            self.send(200, PAGE)
        elif self.path == "/moved":
            self.send(301, b"", headers={"Location": "/article"})
        elif self.path == "/loop":
            self.send(302, b"", headers={"Location": "/loop"})
        elif self.path == "/slow":
            Handler.release.wait(10)  # answers only when the test is over
            self.send(200, PAGE)
        elif self.path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()  # no Content-Length: the limit must hold as bytes arrive
            chunk = b"<p>" + b"word " * 20000 + b"</p>\n"
            try:
                for _ in range(300):  # about 30 MB
                    self.wfile.write(chunk)
            except OSError:
                pass  # the client hung up at the limit, as it should
        elif self.path == "/image":
            self.send(200, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "image/png")
        elif self.path == "/binary-as-html":
            self.send(200, b"\x00\x01\x02" * 1000)
        else:
            self.send(404, b"<html><body>Not found</body></html>")


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # a client that hung up at a limit
        pass


@pytest.fixture(scope="module")
def server():
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    Handler.release.set()
    httpd.shutdown()
    httpd.server_close()


def test_a_page_is_fetched_cleaned_and_recorded_with_its_url_and_fetch_date(run, tmp_path,
                                                                           server):
    out = tmp_path / "out"
    result = run("ingest", f"{server}/moved", "--out", out, "--no-tag")
    assert result.exit_code == 0, result.stderr
    (written,) = out.iterdir()
    data = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert data["title"] == "Grid Upgrades Cut Outages in Half"
    assert data["url"] == f"{server}/article"  # where the redirect led
    assert data["fetched"] == date.today()
    assert str(data["published"]) == "2024-07-05"
    assert [p["text"] for p in data["passages"]] == [BODY_1, BODY_2, BODY_3]


@pytest.mark.parametrize("path, message", [
    ("/missing", "HTTP 404 Not Found"),
    ("/loop", "too many redirects (more than 5)"),
    ("/slow", "timed out after 0.5s"),
    ("/huge", "page is above the 20,971,520-byte limit for one article"),
    ("/image", "not a web page or text (content type image/png)"),
    ("/binary-as-html", "not text"),
])
def test_each_failed_page_is_one_line_and_the_batch_goes_on(run, tmp_path, server, path,
                                                             message):
    out = tmp_path / "out"
    # only the slow page needs a short timeout; a short one elsewhere fails good pages on a
    # loaded machine
    timeout = "0.5" if path == "/slow" else "30"
    result = run("ingest", f"{server}{path}", f"{server}/article", "--out", out, "--no-tag",
                 "--timeout", timeout, "--allow-undated")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {server}{path}: ")
    assert message in errors[0]
    assert "Traceback" not in result.stderr
    assert [p.name for p in out.iterdir()] == ["grid-upgrades-cut-outages-half.yaml"]


def test_urls_from_a_file(run, tmp_path, server):
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# pages to read\n{server}/article\n\n{server}/article\n",
                       encoding="utf-8")
    result = run("ingest", "--urls", listing, "--out", tmp_path / "out", "--no-tag")
    assert result.exit_code == 0, result.stderr
    assert len(list((tmp_path / "out").iterdir())) == 1
    bad = tmp_path / "bad.txt"
    bad.write_text("ftp://example.org/x\n", encoding="utf-8")
    result = run("ingest", "--urls", bad, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: bad.txt:1: not a web address")


def test_the_http_client_is_not_imported_at_start_up():
    import subprocess
    import sys

    code = ("import sys; from brief_cli.cli import main\n"
            "sys.argv = ['brief', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('httpx' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "False"
