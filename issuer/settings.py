"""Issuer service settings: one frozen dataclass, read once from ``SKILLSPAS_*`` variables.

Usage::

    settings = Settings.from_env()                                  # SKILLSPAS_DATABASE_URL, ...
    settings = Settings.from_env(database_url="postgresql+psycopg://u@127.0.0.1/db", port=8080)
    app = create_app(settings)

Environment variables are read only here (STYLE.md §7.8). The key passphrase is kept out of
``repr`` so it never reaches a log line.
"""

from __future__ import annotations

import dataclasses
import functools
import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, Mapping
from urllib.parse import urlsplit

from skillspas.keys.keyfile import Pkcs11Token
from skillspas.schemas.datafolder import data_folder
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, localized_error
from skillspas.schemas.messages import text

__all__ = ["Settings", "ENV_PREFIX", "STATUS_LIST_SIZE"]

ENV_PREFIX: Final = "SKILLSPAS_"
STATUS_LIST_SIZE: Final = 131_072
"""Entries per Bitstring Status List (the spec's minimum for herd privacy, 16 KiB)."""

StoreMode = Literal["full", "hash"]


@dataclass(frozen=True)
class Settings:
    """Everything the issuer service and batch import need to know, built in one place."""

    data_dir: Path = field(default_factory=data_folder)
    """Folder for the SQLite database and the keystore (created with mode 0700)."""
    database_url: str | None = None
    """SQLAlchemy URL; ``None`` means SQLite at ``data_dir/skillspas.db`` (WAL mode)."""
    keystore_dir: Path | None = None
    """Folder of organisation key files; ``None`` means ``data_dir/keys``."""
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    """Base of every URL the service writes (status lists, DID documents); default http://host:port.
    Credentials are signed only with a public https URL here, unless ``dev`` (``signing_base_url``)."""
    dev: bool = False
    """Development only (``--dev``, ``SKILLSPAS_DEV=1``): sign credentials whose status list URLs
    point at a non-public address such as http://127.0.0.1:8000, which no verifier elsewhere can reach."""
    key_passphrase: str | None = field(default=None, repr=False)
    """Encrypts organisation key files at rest when set (``SKILLSPAS_KEY_PASSPHRASE``)."""
    store_credentials: StoreMode = "full"
    """``full`` keeps issued credentials; ``hash`` keeps only their SHA-256 and metadata."""
    status_list_size: int = STATUS_LIST_SIZE
    status_list_max_age: int = 300
    """Seconds a status list credential may be cached (Cache-Control max-age)."""
    status_list_refresh: int = 86_400
    """Seconds after which an unchanged status list is re-signed with a new validFrom when served."""
    max_batch_rows: int = 1000
    """Most rows one batch request over HTTP may carry (the CLI has no limit)."""
    batch_workers: int = 0
    """Processes that build and sign batch rows: 0 = one per CPU for large batches, 1 = in this process."""
    contexts: Path | None = None
    """Folder of extra JSON-LD contexts (``contexts.map.json``, as ``verify --contexts``) for issuance and
    verification (``SKILLSPAS_CONTEXTS``)."""
    batch_commit_every: int = 500
    """Signed batch rows marked ``active`` per transaction (fewer: less to re-sign after a crash, more commits)."""
    body_read_timeout: float = 30.0
    """Seconds a client may take to send a whole request body; then 408 ``request_timeout``."""
    pkcs11_module: str | None = None
    """PKCS#11 module (.so) of the HSM holding organisation keys made with ``--hsm`` (``SKILLSPAS_PKCS11_MODULE``)."""
    pkcs11_token: str | None = None
    """Label of that HSM token (``SKILLSPAS_PKCS11_TOKEN``)."""
    pkcs11_pin: str | None = field(default=None, repr=False)
    """Its user PIN (``SKILLSPAS_PKCS11_PIN``); never shown."""

    def __post_init__(self) -> None:
        """Refuse a setting the service cannot run with: ``invalid_option`` (from ``SKILLSPAS_*`` or an option)."""
        if self.store_credentials not in ("full", "hash"):
            raise _refused("store_credentials", "must be 'full' or 'hash'", "moet 'full' of 'hash' zijn")
        if self.status_list_size < STATUS_LIST_SIZE or self.status_list_size % 8:
            raise _refused("status_list_size", f"must be a multiple of 8 and at least {STATUS_LIST_SIZE}",
                           f"moet een veelvoud van 8 zijn, en minstens {STATUS_LIST_SIZE}")
        if self.batch_workers < 0:
            raise _refused("batch_workers", "must be 0 (automatic) or more", "moet 0 (automatisch) of meer zijn")
        if self.batch_commit_every < 1:
            raise _refused("batch_commit_every", "must be 1 or more", "moet 1 of meer zijn")
        if not self.body_read_timeout > 0:
            raise _refused("body_read_timeout", "must be a positive number of seconds", "moet een aantal seconden boven 0 zijn")
        if not 0 < self.port < 65536:
            raise _refused("port", "must be between 1 and 65535", "moet tussen 1 en 65535 liggen")

    @property
    def database(self) -> str:
        """The database URL in use (SQLite under ``data_dir`` by default)."""
        return self.database_url or f"sqlite:///{self.data_dir / 'skillspas.db'}"

    def token(self) -> Pkcs11Token:
        """The HSM token for organisation keys; ``invalid_option`` naming the settings that are missing."""
        missing = [ENV_PREFIX + n.upper() for n in ("pkcs11_module", "pkcs11_token", "pkcs11_pin") if not getattr(self, n)]
        if missing:
            raise error_for(ErrorCode.INVALID_OPTION, f"HSM keys need {', '.join(missing)}",
                            nl=f"sleutels op een HSM hebben {', '.join(missing)} nodig")
        return Pkcs11Token(str(self.pkcs11_module), str(self.pkcs11_token), str(self.pkcs11_pin))

    @property
    def keys(self) -> Path:
        """The keystore folder."""
        return self.keystore_dir or self.data_dir / "keys"

    @property
    def base_url(self) -> str:
        """The public base URL, without a trailing slash."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @functools.cached_property  # a frozen dataclass still has a __dict__; every signed status URL asks
    def public_url_problem(self) -> tuple[str, str] | None:
        """Why ``base_url`` is no URL to sign into credentials (English, Dutch), or ``None`` when it is public https."""
        parts = urlsplit(self.base_url)
        if self.public_url is None:
            return (f"no public URL is set (the default is {self.base_url})",
                    f"er is geen openbaar adres ingesteld (de standaard is {self.base_url})")
        if parts.scheme != "https":
            return f"the public URL {self.base_url} is not https", f"het openbare adres {self.base_url} is geen https"
        here = f"the public URL {self.base_url} names this machine", f"het openbare adres {self.base_url} wijst naar deze computer"
        host = (parts.hostname or "").rstrip(".").lower()
        if not host or host == "localhost" or host.endswith(".localhost"):
            return here
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return None
        if address.is_loopback or address.is_unspecified or address.is_link_local:
            return here
        return None

    def signing_base_url(self) -> str:
        """``base_url`` for URLs signed into credentials (status lists): refuses ``public_url_required``
        unless it is a public https URL or ``dev`` is set."""
        problem = self.public_url_problem
        if problem is not None and not self.dev:
            code = ErrorCode.PUBLIC_URL_REQUIRED
            raise error_for(code, f"{text(code)} (Here {problem[0]}.)", nl=f"{text(code, 'nl')} (Hier: {problem[1]}.)")
        return self.base_url

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read ``SKILLSPAS_*`` variables; explicit ``overrides`` (not ``None``) win."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for item in dataclasses.fields(cls):
            raw = env.get(ENV_PREFIX + item.name.upper())
            if raw not in (None, ""):
                values[item.name] = _convert(item.name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        values["data_dir"] = data_folder(overrides.get("data_dir"), env)  # --data-dir, $SKILLSPAS_HOME, $..._DATA_DIR
        for name in ("data_dir", "keystore_dir", "contexts"):
            if isinstance(values.get(name), str):
                values[name] = Path(values[name])
        return cls(**values)


def _convert(name: str, raw: str) -> Any:
    """Turn one environment string into the field's type."""
    if name in ("port", "status_list_size", "status_list_max_age", "status_list_refresh", "max_batch_rows",
                "batch_workers", "batch_commit_every"):
        try:
            return int(raw)
        except ValueError:
            raise _refused(name, "must be an integer", "moet een geheel getal zijn") from None
    if name == "dev":
        if raw.strip().lower() not in _BOOLEANS:
            raise _refused(name, "must be 1 or 0 (true/false, yes/no)", "moet 1 of 0 zijn (true/false, yes/no)")
        return _BOOLEANS[raw.strip().lower()]
    if name == "body_read_timeout":
        try:
            return float(raw)
        except ValueError:
            raise _refused(name, "must be a number of seconds", "moet een aantal seconden zijn") from None
    return raw


def _refused(name: str, en: str, nl: str) -> SkillspasError:
    """``invalid_option`` for the setting ``name``, named with its variable: ``port (SKILLSPAS_PORT)`` (an option
    such as ``--port`` may have set it)."""
    named = f"{name} ({ENV_PREFIX}{name.upper()})"
    return localized_error(ErrorCode.INVALID_OPTION, en=f"{named} {en}", nl=f"{named} {nl}")


_BOOLEANS: Final = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}
