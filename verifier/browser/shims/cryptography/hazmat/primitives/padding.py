"""Browser build only: a name that key-file code imports; never used to verify."""

from cryptography.exceptions import UnsupportedAlgorithm


class PKCS7:
    def __init__(self, *_args, **_kwargs):
        raise UnsupportedAlgorithm("key files are not read in the browser build")
