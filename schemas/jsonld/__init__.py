"""JSON-LD: the bundled contexts, strict expansion and RDFC-1.0 canonicalization (pyld is the reference
engine, behind its one seam ``_pyld_cache``), paired with the compiled fast path (``fast*``) that must give
the same quads.
"""
