"""`serve` in process: what the handler answers for each address, and which rebuilds are published."""
import http.client
import http.server
import shutil
import socket
import threading

import pytest

from statusref.model import Problem
from statusref.serve import CSP, RELOAD_JS, Handler, Served, Server, serve, well_escaped, with_reload
from statusref.site import Config

PAGE = f'<html><head><meta http-equiv="Content-Security-Policy" content="{CSP}"></head><body>Home</body></html>'


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A handler on a free port, serving a small site of version 1."""
    out = tmp_path_factory.mktemp("served") / "site"
    (out / "404").mkdir(parents=True)
    (out / "404" / "index.html").write_text("<html><body>Not Found page</body></html>")
    (out / "index.html").write_text(PAGE)
    (out / "404.html").write_text("<html><body>Nothing here</body></html>")
    (out / "api").mkdir()
    (out / "api" / "codes.json").write_text('{"codes": []}')
    (out / "style.css").write_text("body {}")
    (out / "data.weirdext").write_bytes(b"\x00\x01")
    (out / ".hidden").mkdir()
    (out / ".hidden" / "index.html").write_text("secret")
    (out / "über").mkdir()
    (out / "über" / "index.html").write_text("<html><body>Umlaut</body></html>")
    outside = out.parent / "outside"
    outside.mkdir()
    (outside / "key.txt").write_text("not the site's")
    (out / "leak").symlink_to(outside)
    served = Served(out)
    served.wanted((), False)
    served.published()
    handler = type("TestHandler", (Handler,), {"served": served})
    httpd = Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def get(port, path, method="GET", headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    result = (response.status, response.getheader("Content-Type"), response.getheader("Location"), response.read())
    connection.close()
    return result


@pytest.mark.parametrize("path", ["/", "/api/codes.json", "/no/such/page", "/__serve/version"])
def test_every_reply_says_its_length(server, path):
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.getheader("Content-Length") == str(len(body)) and body


def test_the_version_and_the_reload_script(server):
    assert get(server, "/__serve/version") == (200, "text/plain", None, b"1")
    assert get(server, "/__serve/reload.js") == (200, "text/javascript", None, RELOAD_JS)


def test_pages_carry_the_reload_script_and_may_ask_for_the_version(server):
    status, kind, _, body = get(server, "/")
    assert (status, kind) == (200, "text/html; charset=utf-8")
    assert body == PAGE.replace(CSP, CSP + " connect-src 'self';").replace(
        "</body>", '<script src="/__serve/reload.js"></script>\n</body>').encode()


@pytest.mark.parametrize("path, status, kind", [
    ("/api/codes.json", 200, "application/json; charset=utf-8"),
    ("/style.css", 200, "text/css; charset=utf-8"),
    ("/data.weirdext", 200, "application/octet-stream"),
])
def test_files_are_served_with_their_type(server, path, status, kind):
    assert get(server, path)[:2] == (status, kind)


def test_a_folder_without_its_slash_is_redirected(server):
    assert get(server, "/404")[:3] == (301, None, "/404/")
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=30)
    connection.request("GET", "/404")
    response = connection.getresponse()
    assert (response.getheader("Content-Length"), response.read()) == ("0", b"")
    connection.close()


@pytest.mark.parametrize("path", ["/missing/", "/.hidden/", "/.hidden/index.html"])
def test_missing_and_hidden_files_get_the_sites_404_page(server, path):
    status, kind, _, body = get(server, path)
    assert (status, kind) == (404, "text/html; charset=utf-8")
    assert body == b'<html><body>Nothing here<script src="/__serve/reload.js"></script>\n</body></html>'


@pytest.mark.parametrize("path", ["/%zz/", "/%4", "/%ff/"])
def test_bad_escapes_are_bad_requests(server, path):
    assert get(server, path)[:2] == (400, "text/plain")


@pytest.mark.parametrize("path, ok", [
    ("/plain/", True), ("/a%20b/", True), ("/%41%42", True), ("/%4", False), ("/%", False),
    ("/%g1", False), ("/%1g", False), ("/%41%", False), ("/%41%4", False), ("/%41%zz", False),
])
def test_well_escaped(path, ok):
    assert well_escaped(path) is ok


def test_a_rebuild_is_published_only_without_new_problems(tmp_path):
    served = Served(tmp_path / "site")
    old = (Problem("a.md", 1, "old"),)
    assert served.wanted(old, False) and served.refused == 0  # the first build is published whatever it finds
    served.published()
    assert served.version == 1
    assert served.wanted(old, False)
    new = old + (Problem("a.md", 2, "new"), Problem("b.md", 1, "newer"))
    assert not served.wanted(new, False) and served.refused == 2
    assert served.wanted((), False) and served.refused == 0
    served.published()
    assert served.version == 2


def test_serve_refuses_a_port_in_use(tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = Config(content=tmp_path / "content", out=tmp_path / "site", cache=None)
        assert serve(config, port, True) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot serve on 127.0.0.1:{port}: ")
    assert not (tmp_path / "site").exists()


def test_serve_stops_and_frees_its_port_when_the_first_build_fails(tmp_path, capsys):
    import gc
    import warnings

    config = Config(content=tmp_path / "missing", out=tmp_path / "site", cache=None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert serve(config, 0, True) == 2
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []
    assert capsys.readouterr().err.splitlines() == [f"error: content folder {tmp_path / 'missing'} not found",
                                                    "error: the first build failed; fix it and run serve again"]


def test_serve_stops_with_status_0_when_watching_ends(tmp_path, monkeypatch, capsys):
    import gc

    import statusref.serve

    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text("- **200 OK**: Fine.\n")
    monkeypatch.setattr(statusref.serve, "watch", lambda config: iter([set()]))  # as Ctrl+C ends watching
    assert serve(Config(content=content, out=tmp_path / "site", cache=None), 0, True) == 0
    assert (tmp_path / "site" / "200" / "index.html").is_file()
    assert gc.get_freeze_count() == 0  # serving is long-lived: nothing a rebuild made is kept from the collector
    assert capsys.readouterr().out.startswith(f"Serving {tmp_path / 'site'} on http://127.0.0.1:")


def test_a_rebuild_with_new_problems_is_not_published_and_says_so(tmp_path, capsys):
    from statusref.cache import Cache
    from statusref.serve import rebuild

    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text("- **200 OK**: Fine.\n")
    config = Config(content=content, out=tmp_path / "site", cache=None)
    served = Served(config.out)
    rebuild(config, Cache(), served, True)
    assert served.version == 1
    (content / "b.md").write_text("- **404**\n")
    capsys.readouterr()
    rebuild(config, Cache(), served, True)
    assert served.version == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "Not published: 1 new problems; still serving the last good site."
    assert err[:-1] == [f"{content / 'b.md'}:1: 404 has neither a name nor a description"]


def test_a_rebuild_that_a_template_breaks_names_the_template_and_line(tmp_path, capsys):
    from statusref.cache import Cache
    from statusref.serve import rebuild

    content, templates = tmp_path / "content", tmp_path / "templates"
    content.mkdir()
    (content / "a.md").write_text("- **200 OK**: Fine.\n")
    shutil.copytree(Config().templates, templates)
    (templates / "404.html").write_text("{% extends 'base.html' %}\n{% block main %}\n{{ '%c'|format(7) }}\n{% endblock %}\n")
    config = Config(content=content, out=tmp_path / "site", templates=templates, cache=None)
    rebuild(config, Cache(), Served(config.out), True)
    err = capsys.readouterr().err
    assert err == f"{templates / '404.html'}:3: template error: control character U+0007: no page may carry it (HTML cannot show it, XML forbids it)\n"


def test_a_rebuild_refused_for_files_added_to_the_site_is_made_once_they_are_gone(tmp_path, monkeypatch, capsys):
    import statusref.serve

    content, site = tmp_path / "content", tmp_path / "site"
    content.mkdir()
    (content / "a.md").write_text("- **200 OK**: Fine.\n")

    def changes(config):
        """The batches a watcher gives: a change while a file of the user's is in the site, then quiet ticks."""
        (site / "CNAME").write_text("codes.example")
        (content / "b.md").write_text("- **404 Not Found**: Gone.\n")
        yield {("added", str(content / "b.md"))}
        yield set()  # the file is still there: nothing to do
        (site / "CNAME").unlink()
        yield set()  # gone: the refused rebuild is made now
        yield set()  # and only once

    monkeypatch.setattr(statusref.serve, "watch", lambda config: iter(changes(config)))
    monkeypatch.setattr(statusref.serve, "LOOK_EVERY", 0)
    assert serve(Config(content=content, out=site, cache=None), 0, False) == 0
    captured = capsys.readouterr()
    assert captured.out.count("Rebuilt ") == 2  # the first build and the one made once the file was gone
    assert captured.err.count("holds files the last build did not write (CNAME)") == 1  # not tried while it is there
    assert (site / "404" / "index.html").is_file()


def test_a_refused_site_folder_is_looked_at_no_more_than_once_a_while(tmp_path, monkeypatch):
    import statusref.serve

    content, site = tmp_path / "content", tmp_path / "site"
    content.mkdir()
    (content / "a.md").write_text("- **200 OK**: Fine.\n")

    def changes(config):
        (site / "CNAME").write_text("codes.example")
        yield {("modified", str(content / "a.md"))}
        yield from [set()] * 5

    looks = []
    monkeypatch.setattr(statusref.serve, "watch", lambda config: iter(changes(config)))
    monkeypatch.setattr(statusref.serve, "replaceable", lambda out: looks.append(out) or False)
    monkeypatch.setattr(statusref.serve, "LOOK_EVERY", 3600)
    assert serve(Config(content=content, out=site, cache=None), 0, True) == 0
    assert looks == [site]


def test_a_rebuild_that_fails_for_another_reason_waits_for_the_next_change(tmp_path, monkeypatch, capsys):
    import statusref.serve

    content, static, site = tmp_path / "content", tmp_path / "static", tmp_path / "site"
    content.mkdir()
    (content / "a.md").write_text("- **200 OK**: Fine.\n")
    shutil.copytree(Config().static, static)

    def changes(config):
        shutil.copy(static / "style.css", static / "search-index.js")  # a file the build writes itself
        yield {("added", str(static / "search-index.js"))}
        yield from [set()] * 3

    monkeypatch.setattr(statusref.serve, "watch", lambda config: iter(changes(config)))
    monkeypatch.setattr(statusref.serve, "LOOK_EVERY", 0)
    assert serve(Config(content=content, out=site, static=static, cache=None), 0, True) == 0
    assert capsys.readouterr().err.count("would be written twice") == 1


def test_the_watcher_passes_inputs_and_nothing_a_build_writes(tmp_path):
    import watchfiles

    from statusref.serve import inputs_only

    content = tmp_path / "content"
    config = Config(content=content, out=content / "site", cache=content / ".cache" / "statusref")
    wanted = inputs_only(config, lambda change, path: not path.endswith(".pyc"))
    added = watchfiles.Change.added
    assert wanted(added, str(content / "a.md")) and wanted(added, str(content / "sites.md"))
    assert wanted(added, str(content / ".cache" / "notes.md"))  # beside the cache, not in it
    for path in ("site", "site/404/index.html", ".site.new-x1/index.html", ".site.lock", ".cache/statusref",
                 ".cache/statusref/pages.json"):
        assert not wanted(added, str(content / path)), path
    assert not wanted(added, str(content / "b.pyc"))  # what the default filter leaves out stays out
    assert inputs_only(Config(content=content, out=tmp_path / "site", cache=None), lambda *_: True)(added, str(content / "a.md"))


def test_the_reload_script_is_added_once_before_the_first_end_of_body():
    page = f'<meta http-equiv="Content-Security-Policy" content="{CSP}"><p>x</p></body><!-- </body> --></html>'.encode()
    reloading = with_reload(page)
    assert reloading.count(b"reload.js") == 1 and reloading.count(b"connect-src") == 1
    assert reloading.endswith(b'<p>x</p><script src="/__serve/reload.js"></script>\n</body><!-- </body> --></html>')


@pytest.mark.parametrize("path, location", [
    ("/%2F404", "/404/"),  # never `//404/`, which a browser reads as another host
    ("/%C3%BCber", "/%C3%BCber/"),  # a header is ASCII: the folder's name percent-encoded
    ("/./404", "/404/"),
])
def test_a_folder_is_redirected_to_its_own_address_percent_encoded(server, path, location):
    assert get(server, path)[:3] == (301, None, location)


@pytest.mark.parametrize("path", ["/leak/key.txt", "/leak/", "/leak"])
def test_a_link_out_of_the_site_folder_is_never_followed(server, path):
    status, _, _, body = get(server, path)
    assert status == 404 and b"not the site's" not in body


def test_head_answers_as_get_without_a_body(server):
    status, kind, _, body = get(server, "/api/codes.json", method="HEAD")
    assert (status, kind, body) == (200, "application/json; charset=utf-8", b"")
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=30)
    connection.request("HEAD", "/")
    assert connection.getresponse().getheader("Content-Length") == str(len(get(server, "/")[3]))
    connection.close()


@pytest.mark.parametrize("host, status", [("attacker.example:8000", 421), ("attacker.example", 421), ("127.0.0.1.evil:80", 421),
                                          ("localhost:8000", 200), ("LOCALHOST", 200), ("127.0.0.1", 200), ("[::1]:8000", 200),
                                          ("localhost.", 200), ("docs.localhost:8000", 200), ("localhost.evil", 421)])
def test_only_requests_for_this_machine_are_answered(server, host, status):
    assert get(server, "/api/codes.json", headers={"Host": host})[0] == status


def test_a_file_a_rebuild_removes_as_it_is_read_gets_the_404_page(server, monkeypatch):
    import pathlib

    real = pathlib.Path.read_bytes
    gone = lambda self: real(self) if self.name != "codes.json" else (_ for _ in ()).throw(FileNotFoundError(2, "gone"))  # noqa: E731
    monkeypatch.setattr(pathlib.Path, "read_bytes", gone)
    status, kind, _, body = get(server, "/api/codes.json")
    assert (status, kind) == (404, "text/html; charset=utf-8") and body.startswith(b"<html><body>Nothing here")


def test_a_client_that_hangs_up_is_no_error_and_any_other_error_is_one_line(capsys):
    httpd = Server(("127.0.0.1", 0), Handler)
    try:
        for error in (BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "reset"), ValueError("odd")):
            try:
                raise error
            except Exception:  # noqa: BLE001 - as socketserver calls handle_error, inside the handler's except
                httpd.handle_error(None, ("127.0.0.1", 1))
    finally:
        httpd.server_close()
    assert capsys.readouterr().err == "error: answering a request: ValueError: odd\n"


def test_a_request_without_a_host_is_answered(server):
    with socket.create_connection(("127.0.0.1", server), timeout=30) as client:
        client.sendall(b"GET /api/codes.json HTTP/1.0\r\n\r\n")
        reply = b""
        while chunk := client.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.0 200 ") and reply.endswith(b'{"codes": []}')
