"""JSON Schema: the bundled W3C and Open Badges schemas and the skillspas type schemas (``jsonschema``
is the reference engine), paired with the compiled "certainly valid" checks (``yescheck``) in front of it.
"""
