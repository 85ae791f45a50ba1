"""Browser build only: names that key-file encryption imports; never used to verify."""

import types

from cryptography.exceptions import UnsupportedAlgorithm


class Cipher:
    def __init__(self, *_args, **_kwargs):
        raise UnsupportedAlgorithm("key files are not read in the browser build")


algorithms = types.SimpleNamespace(AES=Cipher, AES256=Cipher)
modes = types.SimpleNamespace(GCM=Cipher, CBC=Cipher)
