"""Browser build only: pyld imports lxml.html for HTML script extraction, which skillspas never uses."""


def fromstring(*_args, **_kwargs):
    """Refuse: HTML documents are not loaded by the skillspas verifier."""
    raise NotImplementedError("lxml is not available in the browser build")
