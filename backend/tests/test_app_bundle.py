"""The server sends the app's bundle (pwa/build/) only while it was made from the sources as they are,
else the sources themselves: editing a module needs no build step (app_bundle.py, issue 15)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from server_process import REPO, ServerProcess
from swe_swe.app_bundle import AppBundle, is_fingerprinted, source_files
from test_precompressed import fetch


@pytest.fixture()
def app_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of pwa/ and service-worker/ to change."""
    shutil.copytree(REPO / "pwa", tmp_path / "pwa")
    shutil.copytree(REPO / "service-worker", tmp_path / "service-worker")
    return tmp_path / "pwa", tmp_path / "service-worker"


def test_the_committed_bundle_was_made_from_the_committed_sources() -> None:
    assert AppBundle(REPO / "pwa", REPO / "service-worker").current() is not None, "pwa/build is behind: run make pwa"


def test_an_edited_source_sends_the_sources_until_the_bundle_is_remade(app_copy: tuple[Path, Path]) -> None:
    pwa, sw = app_copy
    bundle = AppBundle(pwa, sw)
    assert bundle.current() is not None
    module = pwa / "js" / "format.js"
    original = module.read_bytes()
    module.write_bytes(original + b"\n// edited\n")
    assert bundle.current() is None
    module.write_bytes(original)  # the same content again (a new mtime): the bundle matches once more
    assert bundle.current() is not None
    (sw / "sw.js").write_text((sw / "sw.js").read_text() + "\n")
    assert bundle.current() is None, "the worker is a source too"


def test_a_new_or_removed_module_counts_and_tests_do_not(app_copy: tuple[Path, Path]) -> None:
    pwa, sw = app_copy
    bundle = AppBundle(pwa, sw)
    (pwa / "tests" / "extra.test.mjs").write_text("// not the app\n")
    (pwa / "build" / "extra.js").write_text("// the bundle's own folder\n")
    (pwa / "icons" / "make_icons.py").write_text("# not served\n")
    assert bundle.current() is not None
    (pwa / "js" / "new-module.js").write_text("export const x = 1;\n")
    assert bundle.current() is None
    (pwa / "js" / "new-module.js").unlink()
    assert bundle.current() is not None
    (pwa / "css" / "app.css").unlink()
    assert bundle.current() is None


def test_no_bundle_or_a_broken_manifest_sends_the_sources(app_copy: tuple[Path, Path]) -> None:
    pwa, sw = app_copy
    (pwa / "build" / "manifest.json").write_text("{not json")
    assert AppBundle(pwa, sw).current() is None
    (pwa / "build" / "manifest.json").write_text(json.dumps(["a list"]))
    assert AppBundle(pwa, sw).current() is None
    shutil.rmtree(pwa / "build")
    assert AppBundle(pwa, sw).current() is None


def test_pwa_sources_turns_the_bundle_off() -> None:
    assert AppBundle(REPO / "pwa", REPO / "service-worker", enabled=False).current() is None


def test_the_hash_covers_what_the_build_script_names() -> None:
    names = [name for name, _ in source_files(REPO / "pwa", REPO / "service-worker")]
    assert names == sorted(names)
    assert {"service-worker/sw.js", "pwa/index.html", "pwa/js/app.js", "pwa/vendor/diff.js", "pwa/css/app.css"} <= set(names)
    assert not [n for n in names if n.startswith(("pwa/tests/", "pwa/build/")) or n.endswith((".py", ".json", ".md"))]


def test_fingerprinted_names() -> None:
    assert is_fingerprinted("chunk-HM4U2RAO.js") and is_fingerprinted("details-dialog-3I5FP73A.js")
    assert not is_fingerprinted("sw.js") and not is_fingerprinted("app.js") and not is_fingerprinted("chunk-HM4U2RAO.js.map")


def test_the_server_sends_the_bundle_and_caches_its_scripts_for_ever(server: ServerProcess) -> None:
    manifest = json.loads((REPO / "pwa" / "build" / "manifest.json").read_text())
    status, headers, page = fetch(server, "/", {"Accept-Encoding": "identity"})
    assert status == 200 and headers["cache-control"] == "no-cache"
    assert f'<script type="module" src="{manifest["start"][0]}">' in page.decode() and b"/js/app.js" not in page
    status, headers, worker = fetch(server, "/sw.js", {"Accept-Encoding": "identity"})
    assert status == 200 and worker == (REPO / "pwa" / "build" / "sw.js").read_bytes()
    assert headers["service-worker-allowed"] == "/"
    status, headers, _ = fetch(server, manifest["start"][1], {"Accept-Encoding": "br"})
    assert status == 200 and headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["content-encoding"] == "br" and headers["content-type"] == "text/javascript"
    status, headers, _ = fetch(server, "/js/app.js", {})
    assert status == 200 and headers["cache-control"] == "no-cache", "the sources stay served (tests, devtools)"
    assert fetch(server, "/build/manifest.json", {})[0] == 404


def test_pwa_sources_sends_the_modules(tmp_path: Path) -> None:
    server = ServerProcess(data_dir=tmp_path, extra_args=["--pwa-sources"]).start()
    try:
        status, _, page = fetch(server, "/", {"Accept-Encoding": "identity"})
        assert status == 200 and page == (REPO / "pwa" / "index.html").read_bytes()
        status, _, worker = fetch(server, "/sw.js", {"Accept-Encoding": "identity"})
        assert status == 200 and worker == (REPO / "service-worker" / "sw.js").read_bytes()
    finally:
        server.terminate()
