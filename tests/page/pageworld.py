"""A small world for the verifier page tests: a trust anchor, three issuers, their credentials, a bundle.

Everything is generated per test module (no committed keys): a ROC (diplomas, praktijkverklaringen
co-signed by a leerbedrijf), an EVC provider and an employer (micro-credentials), a signed trust
list naming them, one revocation status list in which the second diploma's bit is set, a passport
(a presentation of four credentials, all Anouk's; ``two_people`` adds Dennis's EVC), and QR images: a valid one, a tampered one and a zlib bomb.
Credentials are built by the real builders from the example rows in ``examples/``.
"""

from __future__ import annotations

import copy
import json
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillspas.issuer import sign
from skillspas.issuer.credentials import build
from skillspas.issuer.status_lists import status_entry, status_list_credential
from skillspas.issuer.trust_list import sign_trust_list
from skillspas.keys import LocalSigner, generate
from skillspas.keys.trust_list import TrustList, TrustListEntry
from skillspas.verifier import Bundle
from skillspas.verifier.qr import SP1_ZDICT, b45encode, encode_payload
from skillspas.wallet_export.presentation import build_presentation
from skillspas.wallet_export.qr import credential_qr, qr_for_text

from helpers import pdf_with_images, zip_bomb_pdf  # noqa: F401  (the page tests' hostile PDFs)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SCREENSHOTS = ROOT / "out" / "screenshots"
STATUS_URL = "https://roc.example/status/1"
ESCO = "http://data.europa.eu/esco/skill/"
STORE_RAW_FOOD = ESCO + "29b326ea-a9c8-4963-b35a-8541d0cdff77"  # "onbewerkt voedsel opslaan": in all four
HACCP = ESCO + "5ba1d5b9-3f8d-46ca-bf9f-2e9ca65d1350"


def example(kind: str, name: str) -> dict[str, Any]:
    """One example row of ``examples/<kind>/<name>.json`` (a fresh copy)."""
    return json.loads((EXAMPLES / kind / f"{name}.json").read_text("utf-8"))


def skill_uris(credential: dict[str, Any]) -> list[str]:
    """The alignment URIs of a credential, in order."""
    return [a["targetUrl"] for a in credential["credentialSubject"]["achievement"]["alignment"]]


def zlib_bomb_text(inflated: int = 2_500_000) -> str:
    """A well-formed SP1 QR text (right CRC) whose DEFLATE body inflates to ``inflated`` bytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, SP1_ZDICT)
    body = b"\x01" + packer.compress(b"\0" * inflated) + packer.flush()
    return "SP1:" + b45encode(body + zlib.crc32(body).to_bytes(4, "big"))


def deep_json(depth: int = 100_000) -> bytes:
    """JSON nested ``depth`` arrays deep."""
    return b"[" * depth + b"]" * depth


def write_y4m(png: bytes, path: Path, size: int = 960) -> Path:
    """One grey Y4M frame with the QR image centred: Chromium's fake camera loops it."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as qr:
        grey = qr.convert("L")
    side = size - 80
    grey = grey.resize((side, side), Image.NEAREST)
    frame = Image.new("L", (size, size), 255)
    frame.paste(grey, (40, 40))
    header = f"YUV4MPEG2 W{size} H{size} F10:1 Ip A1:1 C420jpeg\n".encode()
    chroma = bytes([128]) * ((size // 2) * (size // 2))
    path.write_bytes(header + b"FRAME\n" + frame.tobytes() + chroma + chroma)
    return path


@dataclass
class PageWorld:
    """Keys, credentials, the bundle file and the input files the tests hand to the page."""

    folder: Path
    anchor: LocalSigner = field(default_factory=lambda: LocalSigner(generate("ed25519")))
    roc: LocalSigner = field(default_factory=lambda: LocalSigner(generate("ed25519")))
    evc: LocalSigner = field(default_factory=lambda: LocalSigner(generate("ed25519")))
    bistro: LocalSigner = field(default_factory=lambda: LocalSigner(generate("ed25519")))
    credentials: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)

    ROC_NAME = "ROC Voorbeeldstad (fictief)"  # the names the example rows give themselves
    EVC_NAME = "EVC-Centrum Kompas (fictief)"
    BISTRO_NAME = "Bistro De Gracht (fictief)"

    def build(self) -> "PageWorld":
        self.folder.mkdir(parents=True, exist_ok=True)
        row = example("mbo-diploma", "kok-anouk-testdata")
        self.credentials["diploma"] = self._diploma(row, 7)
        self.credentials["revoked"] = self._diploma({**row, "learner_name": "Bram Ingetrokken"}, 8)
        # Signed by the ROC, in the name of another organisation on the trust list.
        borrowed = {k: v for k, v in row.items() if k != "examencommissie"}
        self.credentials["misnamed"] = self._diploma({**borrowed, "issuer_name": self.EVC_NAME, "learner_name": "Mila Naamleen"}, 10)
        verklaring = build("praktijkverklaring", example("praktijkverklaring", "kok-keukenvoorraden-anouk-testdata"),
                           issuer=self.roc.controller, cosigner=self.bistro.controller)
        verklaring["credentialStatus"] = status_entry(STATUS_URL, 9)
        self.credentials["praktijkverklaring"] = sign(sign(verklaring, self.roc), self.bistro, append=True)
        anouk = {k: row[k] for k in ("learner_name", "learner_did")}  # one person's passport: all Anouk's
        dennis = example("ervaringscertificaat", "kok-dennis-fictief")
        evc = build("ervaringscertificaat", {**dennis, **anouk}, issuer=self.evc.controller)
        self.credentials["evc"] = sign(evc, self.evc)
        self.credentials["evc_dennis"] = sign(build("ervaringscertificaat", dennis, issuer=self.evc.controller), self.evc)
        micro = build("microcredential", {**example("microcredential", "haccp-voedselveiligheid-bistro-de-gracht"), **anouk},
                      issuer=self.bistro.controller)
        self.credentials["microcredential"] = sign(micro, self.bistro)
        self.credentials["passport"] = build_presentation(
            [self.credentials[k] for k in ("diploma", "praktijkverklaring", "evc", "microcredential")]
        )
        self.credentials["two_people"] = build_presentation(  # Anouk's two, and Dennis's EVC: never summed
            [self.credentials[k] for k in ("diploma", "evc_dennis", "praktijkverklaring")]
        )
        self.credentials["mixed_passport"] = build_presentation(
            [self.credentials["diploma"], self.credentials["revoked"]]
        )
        tampered = copy.deepcopy(self.credentials["diploma"])
        tampered["credentialSubject"]["name"] = "Iemand Anders"
        self.credentials["tampered"] = tampered
        self._write_files()
        return self

    def _diploma(self, row: dict[str, Any], index: int) -> dict[str, Any]:
        credential = build("mbo-diploma", row, issuer=self.roc.controller)
        credential["credentialStatus"] = status_entry(STATUS_URL, index)
        return sign(credential, self.roc)

    def trust_list(self) -> dict[str, Any]:
        entries = (
            TrustListEntry(self.roc.controller, self.ROC_NAME, ("MboDiploma", "MboCertificaat", "Praktijkverklaring"), role="roc"),
            TrustListEntry(self.evc.controller, self.EVC_NAME, ("Ervaringscertificaat",), role="evc-aanbieder"),
            TrustListEntry(self.bistro.controller, self.BISTRO_NAME, ("MicroCredential",), role="werkgever"),
        )
        return sign_trust_list(
            TrustList(issuer=self.anchor.controller, entries=entries, id="urn:uuid:8d0f7b43-2f4e-4c55-9a59-5b1c2f6e7a10",
                      name="Erkende uitgevers (test)"),
            self.anchor,
        )

    def bundle(self, **changes: Any) -> Bundle:
        status = sign(status_list_credential(STATUS_URL, issuer=self.roc.controller, revoked=[8]), self.roc)
        parts: dict[str, Any] = {"trust_list": self.trust_list(), "status_lists": [status]}
        parts.update(changes)
        return Bundle.create(**parts)

    def _write_files(self) -> None:
        for name, document in self.credentials.items():
            self.files[name] = self.folder / f"{name}.json"
            self.files[name].write_text(json.dumps(document, indent=2, ensure_ascii=False), "utf-8")
        self.files["bundle"] = self.bundle().to_file(self.folder / "bundle.json")
        self.files["qr_valid"] = credential_qr(self.credentials["diploma"]).save(self.folder / "diploma-qr.png")
        self.files["qr_tampered"] = qr_for_text(encode_payload(self.credentials["tampered"])).save(self.folder / "tampered-qr.png")
        self.files["qr_bomb"] = qr_for_text(zlib_bomb_text(), error="l").save(self.folder / "bomb-qr.png")
        self.files["noise"] = self.folder / "noise.png"
        self.files["noise"].write_bytes(os.urandom(64 * 1024))
        self.files["deep"] = self.folder / "deep.json"
        self.files["deep"].write_bytes(deep_json())
        for name, suffix in (("huge_json", ".json"), ("huge_image", ".png")):
            self.files[name] = self.folder / f"huge{suffix}"
            with self.files[name].open("wb") as handle:
                handle.truncate(40 * 1024 * 1024)
        self.files["camera"] = write_y4m(self.files["qr_valid"].read_bytes(), self.folder / "camera.y4m")


def passport_pdf(world: "PageWorld", names: tuple[str, ...] = ("diploma", "praktijkverklaring", "evc", "microcredential")) -> bytes:
    """The worker's passport PDF (wallet_export) of the world's credentials ``names``."""
    from skillspas.wallet_export.passport import build_passport

    return build_passport([world.credentials[n] for n in names]).to_pdf()
