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
    max_vocab_skills: int = 60_000
    """Most ESCO skills ``vocab import`` takes from one file (``skills_<lang>.csv``, a skill collection), and keeps in
    a data folder's imports (every language counted), from which the next vocabulary command builds its index: one
    language of ESCO has about 14,000 (v1.1.1: 13,896), so four whole languages fit. Counted as a file is read: 780,000
    rows fit in the 64 MiB a file may have, and took 20 s to import and 24 s and 1 GB to index."""
    max_vocab_occupations: int = 15_000
    """Most ESCO occupations from one ``occupations_<lang>.csv``, and in a data folder's imports (every language
    counted): one language of ESCO v1.2 has 3,039 (v1.1.1: 3,007)."""
    max_vocab_labels: int = 600_000
    """Most labels (preferred and alternative) in one imported file, and in a data folder's imports: each is a row of
    the search index. One language of ESCO has about 147,000 (v1.1.1 English: 111,379 of skills, 35,811 of
    occupations), so four whole languages fit; a 64 MiB file of 6.8 million alternative labels took 48 s and 1.7 GB
    to index."""
    max_vocab_label_text: int = 20_000_000
    """Most characters of label text (preferred and alternative labels) in one imported file, and in a data folder's
    imports: the search index holds it all. One language of ESCO v1.1.1 has 4.3 million (English: 3,330,350 in skills,
    933,830 in occupations; the longest label 166 characters), so four whole languages fit; 1,000 labels of 60,000
    characters, 58 MB, took 12 s to index."""
    max_vocab_relations: int = 300_000
    """Most occupation-skill relations in one ``occupationSkillRelations.csv`` (a data folder keeps one: the last
    imported): ESCO v1.1.1 has 123,855, v1.2 about 126,000. 390,000 fit in 64 MiB, and took 7 s and 520 MB to index."""
    max_vocab_file_bytes: int = 64 * 1024 * 1024
    """Largest file ``vocab import`` reads (a CSV file, or a zip member unpacked): 64 MiB, three times the largest
    official one (ESCO v1.1.1: ``skills_en.csv`` 9.5 MB, ``occupationSkillRelations.csv`` 21 MB). Its bytes are counted
    as they are read, row by row: a file whose size is not known before (a pipe, a device) is refused as soon as it
    passes the bound, and no file is held whole."""
    max_vocab_download_bytes: int = 160 * 1024 * 1024
    """Most bytes ``vocab import`` reads from one download (a zip unpacked, a folder): 160 MiB (the official
    classification and relations zips of ESCO v1.1.1 English unpack to 17 MB and 26 MB), counted as they are read."""
    max_vocab_files: int = 200
    """Most members of a zip file ``vocab import`` opens (the official classification zip has 13, the relations
    zip 4)."""
    max_vocab_field: int = 1024 * 1024
    """Longest field, and longest line, of a CSV file ``vocab import`` reads (1 Mi characters; the longest ESCO label
    has 166); the field's bound is set for the read and given back (``csv.field_size_limit`` is process-wide, as for
    ``max_csv_field``). A file is read a line at a time: a line is the most of its text held at once."""
    max_register_bytes: int = 4 * 1024 * 1024
    """Largest register of kwalificaties (``kwalificaties-register.csv``, imported or in a data folder): 4 MiB, the
    bundled one has 55 KB; counted as it is read, row by row."""
    max_register_rows: int = 10_000
    """Most rows of a register of kwalificaties (``kwalificaties-register.csv``, imported or bundled): the bundled one
    has 263 (243 kwalificaties, six kwalificatiedossiers, keuzedelen, certificaten); SBB's whole register, every
    keuzedeel with it, has a few thousand."""
