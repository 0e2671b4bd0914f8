"""The fake ustr.gov used by the network tests: its own behaviour, seen from a real HTTP client."""

from __future__ import annotations

import email.utils
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from bs4 import BeautifulSoup

from .ustr_fixture_site import (
    ISSUE_AREA,
    LISTING_NEW,
    LISTING_OLD,
    SPECIAL_301,
    build_ustr,
    small_pdf,
)
from .ustr_site import DEFAULT_LAST_MODIFIED, Site

PDF = "/sites/default/files/2023-01/2022%20Notorious%20Markets%20List%20(final).pdf"
BODY = b"%PDF-1.4\n" + b"x" * 5000 + b"\n%%EOF\n"


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as s:
        s.add(PDF, BODY, content_type="application/pdf")
        yield s
        assert s.errors == []


def until(condition: Callable[[], bool], what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def get(site: Site, path: str, **kw: object) -> requests.Response:
    kw.setdefault("timeout", 5)
    return requests.get(site.url(path), **kw)  # type: ignore[arg-type]


# -- static resources ------------------------------------------------------------------------


def test_serves_resource_with_validators(site: Site) -> None:
    r = get(site, PDF)
    assert r.status_code == 200
    assert r.content == BODY
    assert r.headers["Content-Type"] == "application/pdf"
    assert r.headers["Content-Length"] == str(len(BODY))
    assert r.headers["ETag"].startswith('"') and r.headers["ETag"].endswith('"')
    assert r.headers["ETag"] == site.etag(PDF)
    lm = email.utils.parsedate_to_datetime(r.headers["Last-Modified"])
    assert lm == DEFAULT_LAST_MODIFIED
    assert site.base_url.startswith("http://127.0.0.1:")


def test_head_is_get_without_body(site: Site) -> None:
    r = requests.head(site.url(PDF), timeout=5)
    assert r.status_code == 200
    assert r.content == b""
    assert r.headers["Content-Length"] == str(len(BODY))
    assert r.headers["ETag"] == site.etag(PDF)
    assert site.requests[-1].method == "HEAD"


def test_etag_304_and_replacement(site: Site) -> None:
    etag = get(site, PDF).headers["ETag"]
    r = get(site, PDF, headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.content == b""
    assert r.headers["ETag"] == etag
    assert get(site, PDF, headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    assert get(site, PDF, headers={"If-None-Match": '"stale"'}).status_code == 200

    old_lm = get(site, PDF).headers["Last-Modified"]
    site.add(PDF, BODY + b"corrected", content_type="application/pdf")  # USTR replaces the PDF
    r = get(site, PDF, headers={"If-None-Match": etag})
    assert r.status_code == 200
    assert r.content == BODY + b"corrected"
    assert r.headers["ETag"] != etag
    new_lm = email.utils.parsedate_to_datetime(r.headers["Last-Modified"])
    assert new_lm > email.utils.parsedate_to_datetime(old_lm)
    assert get(site, PDF, headers={"If-Modified-Since": old_lm}).status_code == 200


def test_last_modified_304(site: Site) -> None:
    lm = get(site, PDF).headers["Last-Modified"]
    assert get(site, PDF, headers={"If-Modified-Since": lm}).status_code == 304
    later = email.utils.format_datetime(DEFAULT_LAST_MODIFIED + timedelta(days=3), usegmt=True)
    assert get(site, PDF, headers={"If-Modified-Since": later}).status_code == 304
    older = email.utils.format_datetime(DEFAULT_LAST_MODIFIED - timedelta(seconds=1), usegmt=True)
    assert get(site, PDF, headers={"If-Modified-Since": older}).status_code == 200
    # If-None-Match wins over If-Modified-Since
    r = get(site, PDF, headers={"If-Modified-Since": lm, "If-None-Match": '"stale"'})
    assert r.status_code == 200
    assert get(site, PDF, headers={"If-Modified-Since": "garbage"}).status_code == 200


def test_add_options(site: Site) -> None:
    when = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    site.add("/plain", "héllo", etag=False, last_modified=when, headers={"X-Extra": "1"})
    r = get(site, "/plain")
    assert r.text == "héllo" and r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "ETag" not in r.headers and r.headers["X-Extra"] == "1"
    assert email.utils.parsedate_to_datetime(r.headers["Last-Modified"]) == when
    assert get(site, "/plain", headers={"If-None-Match": "*"}).status_code == 200
    site.add("/gone", "gone", status=410, last_modified=None)
    r = get(site, "/gone")
    assert r.status_code == 410 and "Last-Modified" not in r.headers


def test_unknown_and_removed_paths_404(site: Site) -> None:
    r = get(site, "/no/such/page")
    assert r.status_code == 404
    assert "text/html" in r.headers["Content-Type"] and "not found" in r.text.lower()
    site.remove(PDF)
    assert get(site, PDF).status_code == 404
    assert site.count(PDF, status=404) == 1


def test_query_matching_and_percent_encoding(site: Site) -> None:
    site.add("/press-releases", "page one")
    site.add("/press-releases?page=1", "page two")
    assert get(site, "/press-releases").text == "page one"
    assert get(site, "/press-releases?page=1").text == "page two"
    assert get(site, "/press-releases?page=0").text == "page one"  # falls back to the path
    assert get(site, "/press-releases?page=9").text == "page one"
    # percent-encoded and literal spellings name the same resource; the log keeps what was sent
    assert get(site, "/sites/default/files/2023-01/2022 Notorious Markets List (final).pdf").ok
    assert get(site, PDF.replace("(", "%28").replace(")", "%29")).content == BODY
    assert site.count(PDF) == 2
    assert site.requests[-1].path.endswith("%28final%29.pdf")
    assert site.count("/press-releases") == 4
    assert site.count("/press-releases?page=1") == 1


def test_keep_alive_session(site: Site) -> None:
    with requests.Session() as s:
        for _ in range(3):
            assert s.get(site.url(PDF), timeout=5).content == BODY
    assert site.count(PDF, status=200) == 3


# -- faults ----------------------------------------------------------------------------------


def test_status_fault_with_times(site: Site) -> None:
    site.fault(PDF, "status", times=2)
    site.fault("/x", "status", status=503)
    r = get(site, PDF)
    assert r.status_code == 500 and "text/html" in r.headers["Content-Type"]
    assert get(site, PDF).status_code == 500
    assert get(site, PDF).content == BODY  # the fault ran out
    assert [q.fault for q in site.requests] == ["status", "status", None]
    assert get(site, "/x").status_code == 503 and get(site, "/x").status_code == 503


def test_faults_queue_and_wildcard(site: Site) -> None:
    site.fault(PDF, "status", times=1, status=502)
    site.fault(PDF, "retry_after", times=1, seconds=7)
    site.fault("*", "bot_wall", times=1)
    assert get(site, PDF).status_code == 502
    r = get(site, PDF)
    assert r.status_code == 429 and r.headers["Retry-After"] == "7"
    assert get(site, PDF).status_code == 403  # the path's faults are used up: "*" applies
    assert get(site, PDF).status_code == 200
    site.fault("*", "status")
    assert get(site, "/anything").status_code == 500
    site.clear_faults("*")
    assert get(site, PDF).status_code == 200
    site.fault(PDF, "status")
    site.clear_faults()
    assert get(site, PDF).status_code == 200


def test_fault_validation(site: Site) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        site.fault(PDF, "explode")
    with pytest.raises(ValueError, match="takes"):
        site.fault(PDF, "truncate", kepp=3)
    with pytest.raises(ValueError, match="location"):
        site.fault(PDF, "redirect")
    with pytest.raises(ValueError, match="style"):
        site.fault(PDF, "bot_wall", style="nope")


@pytest.mark.parametrize(
    ("style", "marker"),
    [("akamai", "Access Denied"), ("incapsula", "Incapsula"), ("cloudflare", "Just a moment")],
)
def test_bot_wall(site: Site, style: str, marker: str) -> None:
    site.fault(PDF, "bot_wall", style=style)
    r = get(site, PDF)
    assert r.status_code == 403
    assert r.headers["Content-Type"].startswith("text/html")
    assert marker in r.text


def test_html_instead_of_pdf(site: Site) -> None:
    site.fault(PDF, "html", times=1)
    r = get(site, PDF)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert not r.content.startswith(b"%PDF") and "captcha" in r.text
    site.fault(PDF, "html", body="<html>Log in</html>")
    assert get(site, PDF).text == "<html>Log in</html>"


def test_truncate(site: Site) -> None:
    site.fault(PDF, "truncate", times=1, keep=100)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        get(site, PDF)
    assert site.requests[-1].status == 200 and site.requests[-1].fault == "truncate"
    assert site.bytes_sent(PDF) == 100
    assert get(site, PDF).content == BODY


def test_truncate_stream_sees_declared_length(site: Site) -> None:
    site.fault(PDF, "truncate")  # default: half the body
    with requests.get(site.url(PDF), stream=True, timeout=5) as r:
        assert r.headers["Content-Length"] == str(len(BODY))
        got = bytearray()
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            for chunk in r.iter_content(1024):
                got += chunk
    assert len(got) <= len(BODY) // 2  # urllib3 may drop the last partial read
    assert site.bytes_sent(PDF) == len(BODY) // 2


def test_reset(site: Site) -> None:
    site.fault(PDF, "reset", times=1)
    with pytest.raises(requests.exceptions.ConnectionError) as err:
        get(site, PDF)
    assert "ConnectionResetError" in repr(err.value) or "reset" in str(err.value).lower()
    assert site.requests[-1].fault == "reset" and site.requests[-1].status is None
    assert site.count(PDF, status=200) == 0
    assert get(site, PDF).ok


def test_slow(site: Site) -> None:
    site.fault(PDF, "slow", times=1, delay=5)
    t0 = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        get(site, PDF, timeout=0.3)
    assert time.monotonic() - t0 < 2
    site.fault(PDF, "slow", times=1, delay=0.3)
    t0 = time.monotonic()
    assert get(site, PDF).content == BODY
    assert time.monotonic() - t0 >= 0.3


def test_slow_after_headers(site: Site) -> None:
    site.fault(PDF, "slow", times=1, delay=5, after_headers=True)
    with requests.get(site.url(PDF), stream=True, timeout=0.3) as r:
        assert r.status_code == 200  # the headers came at once
        with pytest.raises(requests.exceptions.ConnectionError):  # urllib3 read timeout
            r.content  # noqa: B018


def test_redirect(site: Site) -> None:
    elsewhere = "https://www.example.invalid/nml.pdf"
    site.fault("/old.pdf", "redirect", location=elsewhere)
    r = get(site, "/old.pdf", allow_redirects=False)
    assert r.status_code == 302 and r.headers["Location"] == elsewhere
    site.fault("/moved.pdf", "redirect", location=PDF, status=301)
    r = get(site, "/moved.pdf")
    assert r.content == BODY and r.history[0].status_code == 301


@pytest.mark.parametrize("chunked", [False, True])
def test_oversize(site: Site, chunked: bool) -> None:
    size = 3 * 1024 * 1024 + 17
    site.fault(PDF, "oversize", times=1, size=size, chunked=chunked)
    r = get(site, PDF)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-1.4") and len(r.content) == size
    if chunked:
        assert "Content-Length" not in r.headers
        assert r.headers["Transfer-Encoding"] == "chunked"
    else:
        assert r.headers["Content-Length"] == str(size)
    assert site.bytes_sent(PDF) == size


def test_oversize_client_stops_early(site: Site, capfd: pytest.CaptureFixture[str]) -> None:
    size = 500 * 1024 * 1024
    site.fault(PDF, "oversize", size=size)
    with requests.get(site.url(PDF), stream=True, timeout=5) as r:
        assert r.headers["Content-Length"] == str(size)
        read = 0
        for chunk in r.iter_content(64 * 1024):
            read += len(chunk)
            if read >= 1024 * 1024:
                break
    until(lambda: site.open_connections() == 0, "the server to give up on the client")
    assert 0 < site.bytes_sent(PDF) < size // 10  # the server stopped: it did not stream it all
    assert get(site, "/missing").status_code == 404  # still serving
    assert capfd.readouterr().err == ""


def test_wrong_type(site: Site) -> None:
    site.fault(PDF, "wrong_type")
    r = get(site, PDF)
    assert r.headers["Content-Type"].startswith("text/html") and r.content == BODY


def test_dropped_clients_leave_no_traceback(site: Site, capfd: pytest.CaptureFixture[str]) -> None:
    site.add("/big", b"y" * (8 * 1024 * 1024), content_type="application/pdf")
    host, port = urlsplit(site.base_url).hostname, urlsplit(site.base_url).port
    before = site.accepted
    for target in ("/big", "/big"):
        s = socket.create_connection((host, port))
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        s.recv(100)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()
    s = socket.create_connection((host, port))  # half a request line, then gone
    s.sendall(b"GET /big HT")
    s.close()
    until(
        lambda: site.accepted == before + 3 and site.open_connections() == 0,
        "the server to be done with the three clients",
    )
    assert get(site, PDF).ok
    err = capfd.readouterr().err
    assert err == ""


# -- the log ---------------------------------------------------------------------------------


def test_request_log(site: Site) -> None:
    get(site, PDF, headers={"User-Agent": "nml-tracker/test"})
    requests.head(site.url("/press?page=2"), timeout=5)
    site.fault(PDF, "status", times=1, status=503)
    get(site, PDF)
    first, second, third = site.requests
    assert (first.method, first.path, first.query, first.fault, first.status) == (
        "GET",
        PDF,
        "",
        None,
        200,
    )
    assert first.headers["user-agent"] == "nml-tracker/test"
    assert "USER-AGENT" in first.headers and first.headers.get("User-Agent") == "nml-tracker/test"
    assert (second.method, second.path, second.query, second.status) == (
        "HEAD",
        "/press",
        "page=2",
        404,
    )
    assert second.target == "/press?page=2"
    assert third.fault == "status" and third.status == 503
    assert site.count() == 3
    assert site.count(PDF) == 2 and site.count(PDF, status=503) == 1
    assert site.count(status=404) == 1
    assert site.bytes_sent("/sites/") == len(BODY) + first.bytes_sent - len(BODY) + third.bytes_sent
    assert first.bytes_sent == len(BODY) and second.bytes_sent == 0
    site.reset_log()
    assert site.requests == [] and site.count() == 0 and site.bytes_sent() == 0


def test_log_is_thread_safe(site: Site) -> None:
    def worker() -> None:
        with requests.Session() as s:
            for _ in range(10):
                s.get(site.url(PDF), timeout=5)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert site.count(PDF, status=200) == 80
    assert site.bytes_sent(PDF) == 80 * len(BODY)


# -- lifecycle -------------------------------------------------------------------------------


def test_close_is_prompt_while_slow() -> None:
    site = Site()
    site.add("/p", "x")
    site.fault("/p", "slow", delay=60)
    errors: list[BaseException] = []

    def client() -> None:
        try:
            requests.get(site.url("/p"), timeout=30)
        except requests.RequestException as e:
            errors.append(e)

    t = threading.Thread(target=client)
    t.start()
    deadline = time.monotonic() + 3
    while not site.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    with requests.Session() as idle:  # an idle keep-alive connection must not hold close() up
        idle.get(site.url("/q"), timeout=5)
        t0 = time.monotonic()
        site.close()
        assert time.monotonic() - t0 < 2
    t.join(5)
    assert not t.is_alive() and errors  # the slow client saw the connection end
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(site.url("/p"), timeout=2)
    site.close()  # idempotent


# -- the generated ustr.gov ------------------------------------------------------------------


def _links(html: str, base: str) -> list[tuple[str, str]]:
    soup = BeautifulSoup(html, "html.parser")
    return [
        (urljoin(base, a["href"]), a.get_text(" ", strip=True))
        for a in soup.find_all("a", href=True)
    ]


@pytest.fixture(scope="module")
def reports() -> dict[int, bytes]:
    return {y: small_pdf(f"{y} report") for y in (2011, 2016, 2018, 2019, 2020, 2021, 2025)}


def test_fixture_site_layout(reports: dict[int, bytes]) -> None:
    with Site() as site:
        info = build_ustr(site, reports)
        assert info["seeds"] == [site.url(ISSUE_AREA), site.url(LISTING_NEW), site.url(LISTING_OLD)]
        assert info["newest_year"] == 2025
        for y, url in info["reports"].items():
            r = requests.get(url, timeout=5)
            assert r.content == reports[y] and r.headers["Content-Type"] == "application/pdf"
        assert info["report_paths"][2025] == (
            "/sites/default/files/files/Press/Releases/2026/"
            "2025%20Notorious%20Markets%20List%20(final).pdf"
        )

        issue = requests.get(info["issue_area"], timeout=5).text
        linked = {u for u, _ in _links(issue, info["issue_area"])}
        assert info["reports"][2025] not in linked  # newest only in its press release
        assert all(info["reports"][y] in linked for y in (2011, 2016, 2018, 2019, 2020, 2021))
        assert set(info["issue_area_years"]) == set(reports) - {2025}
        texts = dict(_links(issue, info["issue_area"]))
        assert texts[info["reports"][2021]] == (
            "2021 Review of Notorious Markets for Counterfeiting and Piracy"
        )
        assert texts[info["reports"][2016]] == "2016 Out-of-Cycle Review of Notorious Markets"
        assert texts[info["reports"][2020]] == "Read the report (PDF)"
        assert any(u.startswith("https://www.federalregister.gov/") for u in linked)
        assert info["other_host_pdfs"][0] in linked
        assert urlsplit(info["other_host_pdfs"][0]).hostname == "localhost"

        newest_pr = info["press_releases"][2025]
        assert urlsplit(newest_pr).path.startswith(LISTING_NEW + "/2026/march/")
        pr_links = {u for u, _ in _links(requests.get(newest_pr, timeout=5).text, newest_pr)}
        assert info["reports"][2025] in pr_links
        assert urlsplit(info["press_releases"][2021]).path.startswith(LISTING_OLD + "/2022/")

        for y in (2018, 2019):  # announced with the Special 301 Report
            pr = info["press_releases"][y]
            page = requests.get(pr, timeout=5).text
            title = BeautifulSoup(page, "html.parser").find("h1").get_text(strip=True)
            assert "Special 301" in title and "Notorious" not in title
            urls = {u for u, _ in _links(page, pr)}
            assert info["reports"][y] in urls
            assert any("Special%20301%20Report.pdf" in u for u in urls)

        # both listings are paginated Drupal-style; the newest release is on the first page only
        for name in ("about", "about-us"):
            pages = info["listings"][name]
            assert len(pages) == 2 and pages[1].endswith("?page=1")
            first = requests.get(pages[0], timeout=5).text
            second = requests.get(pages[1], timeout=5).text
            assert first != second and "Next ›" in first and "Next ›" not in second
            nxt = [u for u, t in _links(first, pages[0]) if t == "Next ›"]
            assert nxt == [pages[1]]
        about = requests.get(info["listings"]["about"][0], timeout=5).text
        assert newest_pr in {u for u, _ in _links(about, info["listings"]["about"][0])}
        older = requests.get(info["listings"]["about"][1], timeout=5).text
        assert info["press_releases"][2011] in {
            u for u, _ in _links(older, info["listings"]["about"][1])
        }

        for url in info["noise_pdfs"]:
            body = requests.get(url, timeout=5).content
            assert body.startswith(b"%PDF") and b"%%EOF" in body[-32:]
        s301 = requests.get(site.url(SPECIAL_301), timeout=5).text
        assert any(u in info["noise_pdfs"] for u, _ in _links(s301, site.url(SPECIAL_301)))
        assert site.errors == []


def test_fixture_site_options(reports: dict[int, bytes]) -> None:
    with Site() as site:
        info = build_ustr(
            site,
            reports,
            newest_only_in_press_release=False,
            newest_under_about=False,
            listing_pages=3,
        )
        issue = requests.get(info["issue_area"], timeout=5).text
        assert info["reports"][2025] in {u for u, _ in _links(issue, info["issue_area"])}
        assert urlsplit(info["press_releases"][2025]).path.startswith(LISTING_OLD + "/2026/")
        assert [urlsplit(u).query for u in info["listings"]["about-us"]] == ["", "page=1", "page=2"]
        last = requests.get(info["listings"]["about-us"][2], timeout=5).text
        assert "Last »" not in last and "‹ Previous" in last
