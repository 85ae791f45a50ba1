"""Shared by tests: paths of the spec vectors, a fresh issuer and a signed OB 3.0 credential.

Import from here (``from helpers import ...``), not from conftest: a second conftest.py elsewhere
in the tree would shadow the module name ``conftest``."""

from __future__ import annotations

import colorsys
import contextlib
import csv
import copy
import importlib.util
import json
import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from skillspas.issuer import sign
from skillspas.issuer.demo import sample_credential
from skillspas.keys import LocalSigner, generate

DATA = Path(__file__).parent / "data"
VECTORS = DATA / "vectors"
TEST_CONTEXTS = DATA / "contexts"
"""Test-only contexts (examples/v2, citizenship/v4rc1) with their contexts.map.json."""


def diploma_rows_csv(path: Path, keys: list[str]) -> Path:
    """A CSV export of mbo-diplomas (``;``-separated, as Dutch Excel saves it), one row per key."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["row_key", "learner_name", "crebo", "leerweg", "date"])
        writer.writerows([key, f"Leerling {key}", "25180", "BBL", "2025-07-01"] for key in keys)
    return path


def load_json(path: Path) -> Any:
    """A JSON file of the test data."""
    return json.loads(path.read_text("utf-8"))


def new_signer(kind: str = "ed25519") -> LocalSigner:
    """A fresh did:key signer (test keys are generated, never committed)."""
    return LocalSigner(generate(kind))


def signed_credential(signer: LocalSigner | None = None, **changes: Any) -> tuple[dict[str, Any], LocalSigner]:
    """A signed OB 3.0 credential with real ESCO skills; ``changes`` are applied before signing."""
    signer = signer or new_signer()
    credential = sample_credential(signer.controller)
    for key, value in changes.items():
        credential[key] = value
    return sign(copy.deepcopy(credential), signer), signer


def load_module(name: str, path: Path) -> Any:
    """Import the file ``path`` as module ``name`` (test kits and browser shims that are not packages)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def pdf_with_images(count: int, *, width: int = 1, height: int = 1, data: bytes | None = None) -> bytes:
    """A one-page PDF with ``count`` grey image XObjects of ``width`` x ``height`` (``data``: FlateDecode body)."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, NumberObject, StreamObject

    writer = PdfWriter()
    page = writer.add_blank_page(100, 100)
    images = DictionaryObject()
    for index in range(count):
        stream = StreamObject()
        stream.set_data(data if data is not None else bytes(width * height))
        stream.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                       NameObject("/Width"): NumberObject(width), NameObject("/Height"): NumberObject(height),
                       NameObject("/ColorSpace"): NameObject("/DeviceGray"), NameObject("/BitsPerComponent"): NumberObject(8)})
        if data is not None:
            stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        images[NameObject(f"/Im{index}")] = writer._add_object(stream)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): images})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def jpeg_pdf(width: int, height: int) -> bytes:
    """A PDF with one image declared 16 x 16 whose JPEG header (SOF0) says ``width`` x ``height``: Pillow believes
    the header (a DecompressionBombError past 179 million pixels, a large decode below)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (16, 16), 255).save(out, format="JPEG")
    jpeg = bytearray(out.getvalue())
    sof = jpeg.index(b"\xff\xc0")
    jpeg[sof + 5:sof + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Resources << /XObject << /Im1 4 0 R >> >> >>",
               b"<< /Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace /DeviceGray /BitsPerComponent 8 "
               b"/Filter /DCTDecode /Length %d >>\nstream\n" % len(jpeg) + bytes(jpeg) + b"\nendstream"]
    pdf, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


def zip_bomb_pdf(inflated: int = 200_000_000) -> bytes:
    """A PDF whose one image stream (1000 x 1000 declared) inflates to ``inflated`` bytes."""
    import zlib

    packer = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    body = b"".join(packer.compress(chunk) for _ in range(inflated >> 20)) + packer.flush()
    return pdf_with_images(1, width=1000, height=1000, data=body)


def colour_family(css: str) -> str:
    """The colour family of a computed CSS colour (``rgb(…)``): green, orange, red, blue, grey or other."""
    red, green, blue = (int(v) / 255 for v in re.findall(r"[0-9.]+", css)[:3])
    hue, _, saturation = colorsys.rgb_to_hls(red, green, blue)
    degrees = hue * 360
    if saturation < 0.15:
        return "grey"
    if 90 <= degrees <= 160:
        return "green"
    if 25 <= degrees <= 50:
        return "orange"
    if 180 <= degrees <= 250:
        return "blue"
    return "red" if degrees <= 12 or degrees >= 345 else "other"


@contextlib.contextmanager
def service_in_process(folder: Path, org_name: str, base_url: str) -> Iterator[tuple[Any, Any]]:
    """The issuer service in this process (SQLite in ``folder``) with one ROC named ``org_name`` (did:web
    roc.example): a TestClient that sends the ROC's API key and answers errors as HTTP, and the ROC's record."""
    from fastapi.testclient import TestClient

    from skillspas.issuer.orgs import create_organisation
    from skillspas.issuer.service.app import create_app
    from skillspas.issuer.settings import Settings
    from skillspas.issuer.store import open_store

    settings = Settings(data_dir=folder, database_url=f"sqlite:///{folder / 'db.sqlite'}", public_url=base_url, dev=True,
                        key_passphrase="test-only passphrase (never a real one)")
    store = open_store(settings.database)
    roc = create_organisation(store, settings, org_name, role="mbo", did_web="roc.example")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        app = create_app(settings, store=store)
    with TestClient(app, base_url=base_url, raise_server_exceptions=False) as client:
        client.headers["Authorization"] = f"Bearer {roc.api_key}"
        yield client, roc
    store.dispose()


@contextlib.contextmanager
def serving_in_a_thread(app: Any, protocol: Any, **config: Any) -> Iterator[int]:
    """A live uvicorn serving ``app`` with the HTTP ``protocol`` class in a thread, on a free port of 127.0.0.1 (bound as
    ``skillspas serve`` and ``verifier`` bind theirs); its port. Stopped when the block ends."""
    import threading
    import time

    import uvicorn

    from skillspas.verifier.page.listen import bound_socket

    sock = bound_socket("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(app, http=protocol, log_level="warning", **config))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def dribble_a_refused_body(port: int, path: str, *, close: bool) -> tuple[bytes, bool, float]:
    """POST to ``path`` with a Content-Length far over any limit, then send the body 64 bytes at a time for up to 12 s:
    what the server answered, whether it cut the connection off, and after how many seconds it did (or gave up)."""
    import socket
    import time

    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n".encode()
                           + b"Content-Length: 999999999999\r\n" + (b"Connection: close\r\n" if close else b"") + b"\r\n")
        connection.settimeout(0.1)
        answer, started, cut_off = b"", time.monotonic(), False
        while not cut_off and time.monotonic() - started < 12:
            try:
                connection.sendall(b"x" * 64)
                answer += connection.recv(65536)
            except TimeoutError:
                continue
            except OSError:  # reset, or a broken pipe: the server has closed it
                cut_off = True
            time.sleep(0.05)
    return answer, cut_off, time.monotonic() - started
