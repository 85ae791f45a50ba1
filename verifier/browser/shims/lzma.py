"""Browser build only: Pyodide's npm package has no lzma. skillspas's vocabulary modules import it; on
the verify path (an SP2 QR code) they read no ``.xz`` file: the build ships the QR dictionary's entries."""


class LZMAError(Exception):
    """Never raised by a decompression here: every use is refused."""


def decompress(*_args, **_kwargs):
    """Refuse: the browser build reads no ``.xz`` file."""
    raise LZMAError("lzma is not available in the browser build")


compress = decompress
