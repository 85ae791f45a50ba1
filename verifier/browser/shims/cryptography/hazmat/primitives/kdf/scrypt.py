"""Browser build only: a name that key-file encryption imports; never used to verify."""

from cryptography.exceptions import UnsupportedAlgorithm


class Scrypt:
    def __init__(self, *_args, **_kwargs):
        raise UnsupportedAlgorithm("key files are not read in the browser build")
