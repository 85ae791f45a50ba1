"""The steps every RDFC-based Data Integrity cryptosuite shares (VC Data Integrity 1.0 §4).

transform = RDFC-1.0 of the unsecured document; proof configuration = the proof options with the
document's ``@context``, also RDFC-1.0 canonicalized; hashData = H(proofConfig) || H(document).
``create_proof`` and ``verify_proof`` both call ``hash_data``, so what is signed and what is
checked cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature

from skillspas.keys import PublicKey, Signer, base58btc
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, localized_error
from skillspas.schemas.jsonld.processor import DocumentProcessor, Expansion

__all__ = ["RdfcSuite", "proof_config", "hash_data", "decode_proof_value"]


def proof_config(proof: dict[str, Any], context: Any) -> dict[str, Any]:
    """The proof options without ``proofValue``, under the document's ``@context``."""
    config = {k: v for k, v in proof.items() if k not in ("proofValue", "@context")}
    config["@context"] = context
    return config


def hash_data(
    processor: DocumentProcessor, unsecured: dict[str, Any], config: dict[str, Any], hash_name: str,
    expansion: Expansion | None = None,
) -> bytes:
    """H(canonical proof config) || H(canonical document), H = ``hash_name`` (RDFC uses it too);
    ``expansion``: the unsecured document's, when the caller has it."""
    return processor.canonical_hash(config, hash_name) + processor.canonical_hash(unsecured, hash_name, expansion=expansion)


def decode_proof_value(value: object, length: int) -> bytes:
    """A base58btc multibase ``proofValue`` of exactly ``length`` bytes, or ``invalid_proof``."""
    if not isinstance(value, str) or not value.startswith("z") or len(value) > 2 * length + 8:
        raise localized_error(ErrorCode.INVALID_PROOF, en="proofValue must be a base58btc multibase string ('z…')",
                              nl="de handtekening (proofValue) is onleesbaar: geen base58btc-tekst die met 'z' begint",
                              path="/proof/proofValue")
    try:
        raw = base58btc.decode(value[1:])
    except ValueError:
        raise localized_error(ErrorCode.INVALID_PROOF, en="proofValue is not valid base58btc",
                              nl="de handtekening (proofValue) is onleesbaar: geen geldige base58btc",
                              path="/proof/proofValue") from None
    if len(raw) != length:
        raise localized_error(
            ErrorCode.INVALID_PROOF, en=f"proofValue decodes to {len(raw)} bytes, expected {length}",
            nl=f"de handtekening (proofValue) is {len(raw)} bytes lang in plaats van {length}: hij is beschadigd of ingekort",
            path="/proof/proofValue",
        )
    return raw


@dataclass(frozen=True)
class RdfcSuite:
    """One RDFC-1.0 based cryptosuite: which key kinds it takes and which hash each uses."""

    name: str
    hashes: dict[str, str]
    """key kind ("Ed25519", "P-256", "P-384") -> hash for RDFC-1.0 and for hashData."""

    def hash_for(self, kind: str) -> str:
        """The hash this suite uses with a key of ``kind``, or ``unresolvable_key``."""
        try:
            return self.hashes[kind]
        except KeyError:
            raise localized_error(
                ErrorCode.UNRESOLVABLE_KEY, en=f"{self.name} cannot use a {kind} key",
                nl=f"{self.name} kan geen {kind}-sleutel gebruiken", path="/proof/verificationMethod"
            ) from None

    def create_proof(
        self, unsecured: dict[str, Any], signer: Signer, options: dict[str, Any], processor: DocumentProcessor
    ) -> dict[str, Any]:
        """A proof over ``unsecured`` (which holds the previous proofs for a chain), signed by ``signer``."""
        kind = str(signer.public_key.kind)
        hash_name = self.hash_for(kind)
        proof = {"type": "DataIntegrityProof", "cryptosuite": self.name, **options}
        proof.setdefault("verificationMethod", signer.verification_method)
        data = hash_data(processor, unsecured, proof_config(proof, unsecured.get("@context")), hash_name)
        try:
            signature = signer.sign(data)
        except SkillspasError:
            raise
        except Exception as exc:  # a signer (file, HSM) may fail in its own ways; wrap once, here
            raise error_for(ErrorCode.SIGNER_FAILED, f"the signer failed: {type(exc).__name__}") from exc
        proof["proofValue"] = "z" + base58btc.encode(signature)
        return proof

    def verify_proof(
        self, unsecured: dict[str, Any], proof: dict[str, Any], public_key: PublicKey, processor: DocumentProcessor,
        expansion: Expansion | None = None,
    ) -> None:
        """Check ``proof`` over ``unsecured``; ``invalid_signature`` if it does not match.

        ``expansion``: ``unsecured``'s strict expansion, when the caller already made it."""
        hash_name = self.hash_for(str(public_key.kind))
        signature = decode_proof_value(proof.get("proofValue"), public_key.signature_length)
        context = unsecured.get("@context")
        if "@context" in proof:
            own = proof["@context"] if isinstance(proof["@context"], list) else [proof["@context"]]
            doc = context if isinstance(context, list) else [context]
            if doc[: len(own)] != own:
                raise localized_error(ErrorCode.INVALID_PROOF, en="the proof's @context does not match the document's",
                                      nl="de @context van de handtekening past niet bij die van het document",
                                      path="/proof/@context")
            unsecured = {**unsecured, "@context": proof["@context"]}
            context = proof["@context"]
        data = hash_data(processor, unsecured, proof_config(proof, context), hash_name, expansion)
        try:
            public_key.verify(signature, data)
        except InvalidSignature:
            raise localized_error(
                ErrorCode.INVALID_SIGNATURE, en="the signature does not match the document",
                nl="de handtekening past niet bij de inhoud: het bewijsstuk is na ondertekening gewijzigd, "
                   "of met een andere sleutel ondertekend",
                path="/proof/proofValue",
            ) from None
