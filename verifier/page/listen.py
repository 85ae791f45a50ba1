"""The socket a local server listens on, bound before the command says it runs (``skillspas serve``, ``skillspas verifier``).

Usage::

    sock = bound_socket(host, port)               # invalid_option (nl/en, exit 2) when it cannot be bound
    print("… runs on …")                           # only now
    run_on(uvicorn.Server(config), sock)          # uvicorn serves the socket bound here; startup_failed if it did not

uvicorn binds its own socket only once it runs: a port in use was its English log line "[Errno 98] error while
attempting to bind on address …" after the command had said where it runs. Here the port is taken first, as uvicorn
takes it (``uvicorn.Config.bind_socket``: SO_REUSEADDR, IPv6 for an address with ``:``), and what stands in the way
is one coded refusal in Dutch and English: the port in use, a port below 1024 without the right, an address that is
not this computer's, a host name that is not known or empty (which the system would take as every address).

When the application's startup fails (a lifespan error), ``uvicorn.Server.run`` logs it and just returns, never
started: ``run_on`` makes that a coded refusal (``startup_failed``, exit 2), not an exit 0 as if it had served.

This module binds and listens, and never connects: it is the one place below ``issuer`` that imports ``socket`` for
that (``tests/test_layering.py``, ``LISTENING_MODULES``).
"""

from __future__ import annotations

import errno
import socket
from typing import Protocol

from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, localized_error, shown

__all__ = ["bound_socket", "run_on"]


class Server(Protocol):
    """What ``run_on`` uses of a ``uvicorn.Server``."""

    started: bool

    def run(self, sockets: list[socket.socket] | None = None) -> None: ...


def bound_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host``:``port`` as uvicorn binds one, for ``uvicorn.Server.run(sockets=[...])``.

    Raises:
        SkillspasError: ``invalid_option`` (nl/en, exit 2) when it cannot be bound: the port in use, a port below 1024
            without the right, an address that is not this computer's, a host name that is not known, or none (an
            empty host, which the system would take as every address: 0.0.0.0 says that on purpose).
    """
    if not host:
        raise _refusal(host, port, None)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise _refusal(host, port, exc) from None
    except (TypeError, ValueError):  # a host name Python cannot even encode (IDNA: a label too long; a NUL)
        sock.close()
        raise _refusal(host, port, None) from None
    sock.set_inheritable(True)
    return sock


def run_on(server: Server, sock: socket.socket) -> None:
    """Serve with ``server`` on ``sock`` (``bound_socket``'s) until it stops, then close ``sock``. Ctrl-C stops it
    (uvicorn has shut it down): this returns, as ``uvicorn.run`` ends.

    Raises:
        SkillspasError: ``startup_failed`` (exit 2) when ``server`` returned without having started: the application's
            startup failed (uvicorn logged why) and nothing was served.
    """
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        return
    finally:
        sock.close()
    if not server.started:
        raise error_for(ErrorCode.STARTUP_FAILED)


def _refusal(host: str, port: int, exc: OSError | None) -> SkillspasError:
    """Why ``host``:``port`` cannot be listened on (``exc`` None: the host name is empty or cannot be encoded), in Dutch
    and English."""
    where = f"{shown(f'[{host}]' if ':' in host else host, 80)}:{port}"
    if isinstance(exc, socket.gaierror) or exc is None:  # before EADDRNOTAVAIL: a gaierror's errno is its own EAI_*
        given = shown(host, 80, quoted=True)
        nl, en = (f"{given} is geen adres of computernaam die deze computer kent (--host); geef een adres van deze "
                  "computer, zoals 127.0.0.1, of 0.0.0.0 voor al zijn adressen",
                  f"{given} is not an address or a host name this computer knows (--host); give an address of this "
                  "computer, such as 127.0.0.1, or 0.0.0.0 for all of them")
    elif exc.errno == errno.EADDRINUSE:
        nl, en = ("de poort is al in gebruik (draait skillspas al, of een ander programma?); stop dat, of kies "
                  "een andere poort met --port", "the port is already in use (is skillspas already running, or "
                  "another program?); stop it, or choose another port with --port")
    elif exc.errno == errno.EACCES:
        nl, en = ("geen toestemming voor deze poort (een poort onder 1024 vraagt beheerdersrechten); kies met "
                  "--port een poort vanaf 1024", "no permission for this port (a port below 1024 needs "
                  "administrator rights); choose a port from 1024 with --port")
    elif exc.errno == errno.EADDRNOTAVAIL:
        nl, en = ("dat adres is niet van deze computer (--host)", "that address is not this computer's (--host)")
    elif exc.errno == errno.EINVAL:
        nl, en = ("het systeem neemt dit adres niet aan (--host; een IPv6-adres dat met fe80: begint, heeft zijn "
                  "netwerkkaart nodig, zoals fe80::1%eth0)", "the system does not take this address (--host; an IPv6 "
                  "address that starts with fe80: needs its network interface, such as fe80::1%eth0)")
    else:
        reason = exc.strerror or type(exc).__name__
        nl, en = f"het systeem weigert het ({reason})", f"the system refuses it ({reason})"
    return localized_error(ErrorCode.INVALID_OPTION, nl=f"kan niet luisteren op {where}: {nl}",
                           en=f"cannot listen on {where}: {en}")
