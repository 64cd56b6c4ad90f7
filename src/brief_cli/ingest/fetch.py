"""Web pages by URL: fetched with httpx (the ``web`` extra), then read like a saved page.

Every fetch is bounded: a connect and read timeout and an overall deadline, at most
``MAX_REDIRECTS`` redirects, at most ``MAX_INPUT_BYTES`` of body (counted as they arrive, whatever
the server announced), and only text content types. Each failure is one line.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from datetime import date
from typing import Sequence

from brief_cli.decode import MAX_INPUT_BYTES
from brief_cli.errors import FileProblem, UsageError
from brief_cli.ingest.model import InputSource

MAX_REDIRECTS = 5
DEFAULT_TIMEOUT = 20.0
WEB_HINT = "install the web extra: pip install 'brief-cli[web]'"
TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/markdown")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.I)


def is_url(value: str) -> bool:
    return bool(re.match(r"^https?://", value, re.I))


def user_agent() -> str:
    try:
        from importlib.metadata import version

        v = version("brief-cli")
    except Exception:  # not installed as a package (a source checkout)
        v = "dev"
    return f"brief-cli/{v} (policy-brief explorer; fetches one page per request)"


def check_url(value: str) -> str:
    url = value.strip()
    if not _URL.match(url):
        raise UsageError(f"not a web address: {value!r}", hint="give a URL like https://...")
    return url


def read_url_list(path: str) -> list[str]:
    """URLs from a file, one a line; blank lines and '#' comments skipped (FileProblem or
    UsageError with file:line when a line is no URL)."""
    from pathlib import Path

    file = Path(path).expanduser()
    try:
        with file.open("rb") as stream:
            raw = stream.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise FileProblem(f"--urls: cannot read {str(file)!r}: {exc.strerror or exc}") from None
    if len(raw) > MAX_INPUT_BYTES:
        raise FileProblem(f"--urls: {str(file)!r} is above the {MAX_INPUT_BYTES:,}-byte limit")
    urls = []
    for number, line in enumerate(raw.decode("utf-8", "replace").splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if not _URL.match(text):
            raise UsageError(f"not a web address: {text[:80]!r}", where=f"{file.name}:{number}")
        urls.append(text)
    return urls


def url_sources(urls: Sequence[str]) -> list[InputSource]:
    seen: set[str] = set()
    out = []
    for url in urls:
        url = check_url(url)
        if url not in seen:
            seen.add(url)
            out.append(InputSource(url, url=url))
    return out


def fetch(source: InputSource, *, timeout: float = DEFAULT_TIMEOUT,
          max_bytes: int = MAX_INPUT_BYTES, today: date | None = None) -> InputSource:
    """The source with the page's bytes, its final URL, content type and the fetch date."""
    try:
        import httpx
    except ImportError:
        raise FileProblem("fetching web pages needs the 'web' extra (httpx is not installed)",
                          hint=WEB_HINT) from None
    assert source.url is not None
    deadline = time.monotonic() + 3 * timeout
    limits = httpx.Timeout(timeout, connect=min(timeout, 10.0))
    headers = {"User-Agent": user_agent(),
               "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"}
    try:
        with httpx.Client(timeout=limits, follow_redirects=True, max_redirects=MAX_REDIRECTS,
                          headers=headers) as client:
            with client.stream("GET", source.url) as response:
                if response.status_code >= 400:
                    raise FileProblem(f"HTTP {response.status_code} "
                                      f"{response.reason_phrase or ''}".rstrip())
                kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if kind and kind not in TEXT_TYPES:
                    raise FileProblem(f"not a web page or text (content type {kind})",
                                      hint="ingest reads HTML and plain text")
                announced = response.headers.get("content-length", "")
                if announced.isdigit() and int(announced) > max_bytes:
                    raise FileProblem(f"page is {int(announced):,} bytes, above the "
                                      f"{max_bytes:,}-byte limit for one article")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise FileProblem(f"page is above the {max_bytes:,}-byte limit for one "
                                          "article")
                    if time.monotonic() > deadline:
                        raise FileProblem(f"timed out: the page took more than "
                                          f"{3 * timeout:g}s to arrive")
                    chunks.append(chunk)
                final = str(response.url)
                charset = response.charset_encoding
    except httpx.TooManyRedirects:
        raise FileProblem(f"too many redirects (more than {MAX_REDIRECTS})") from None
    except httpx.TimeoutException:
        raise FileProblem(f"timed out after {timeout:g}s") from None
    except httpx.InvalidURL as exc:
        raise FileProblem(f"not a valid web address ({exc})") from None
    except httpx.UnsupportedProtocol:
        raise FileProblem("only http:// and https:// addresses can be fetched") from None
    except httpx.HTTPError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise FileProblem(f"cannot fetch the page: {reason}") from None
    data = b"".join(chunks)
    if charset and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        # The server's charset wins over guessing; re-encode so decoding sees UTF-8.
        try:
            data = data.decode(charset).encode("utf-8")
        except (LookupError, UnicodeDecodeError):
            pass
    return replace(source, data=data, url=final, fetched=today or date.today(),
                   content_type=kind or None)
