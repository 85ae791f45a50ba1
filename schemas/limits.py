"""Every bound on outside input, in one place (python-tuf ``UpdaterConfig`` style)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Limits"]


@dataclass(frozen=True)
class Limits:
    """Bounds applied to every document from outside; all are configurable."""

    max_bytes: int = 1024 * 1024
    """Largest JSON input accepted (1 MiB)."""
    max_depth: int = 64
    """Deepest nesting of JSON arrays/objects accepted."""
    max_string_length: int = 64 * 1024
    """Longest single JSON string (a person reads it; a proofValue is ~90 chars)."""
    max_array_length: int = 10_000
    """Most items in one JSON array (alignments, proofs, credentials...)."""
    max_blank_nodes: int = 1_000
    """Most blank nodes in a dataset handed to canonicalization."""
    max_canon_work: int = 100_000
    """Most hash-n-degree-quads steps RDFC-1.0 may take before ``resource_limit``."""
    max_proofs: int = 16
    """Most proofs on one document (a proof set / chain)."""
    max_inline_contexts: int = 4
    """Most inline ``@context`` objects in one document (after its context URLs)."""
    max_inline_terms: int = 64
    """Most terms one inline ``@context`` object may define."""
    max_credentials: int = 100
    """Most credentials in one presentation."""
    max_bundle_documents: int = 10_000
    """Most DID documents, and most status lists, in one offline bundle (``bundle create``, a bundle read, an issuer's
    ``/bundle`` merged): a bundle is read whole into memory by every verifier."""
    max_status_list_bytes: int = 16 * 1024 * 1024
    """Largest Bitstring Status List after gzip inflation (16 MiB: 134 million entries)."""
    max_csv_bytes: int = 128 * 1024 * 1024
    """Largest batch CSV file (``batch --csv``): 128 MiB is 100,000 rows of 1,300 bytes each, 1.5 times the longest
    sample row (a micro-credential with skills and learning outcomes, 851 bytes) and 9 times an mbo-diploma row;
    the whole file is held in memory, as text and as rows, so it is bounded."""
    max_csv_field: int = 128 * 1024
    """Longest field of a batch CSV file (128 Ki characters, csv's own default, now set for the read and given back:
    the module's limit is process-wide, and what another reader set must not lift or lower it). A longer field is
    ``too_large``; a field becomes one value of a credential (``max_string_length`` bounds its JSON strings)."""
