"""Browser build only: the exceptions of pyca/cryptography that skillspas imports."""


class InvalidSignature(Exception):
    """A signature that does not verify."""


class UnsupportedAlgorithm(Exception):
    """An operation the browser build does not offer (everything but verification)."""
