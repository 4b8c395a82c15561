"""Ballot encryption and the trustees' key split. Vetted libraries only, no home-made crypto.

- Each ballot has an X25519 key pair; a cast ballot is a libsodium sealed box (PyNaCl
  `SealedBox`) of its plaintext, padded to one fixed size so the length reveals nothing.
- The 32-byte private key is split among trustees with pycryptodome's Shamir (k of n). It
  shares 16-byte secrets, so each half is shared with the same k and n and a share carries both.
- The key is rebuilt in memory only, during the tally, and checked against the public key.
"""

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from Crypto.Protocol.SecretSharing import Shamir
from nacl.encoding import RawEncoder
from nacl.exceptions import CryptoError
from nacl.hash import blake2b
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

#: Every plaintext is padded to this many bytes before sealing (room for 100 ranked options).
PLAINTEXT_SIZE = 512
#: Sealed box overhead: ephemeral public key (32) + Poly1305 tag (16).
CIPHERTEXT_SIZE = PLAINTEXT_SIZE + 48


class KeyShareError(ValueError):
    """The shares given do not rebuild this ballot's private key."""


@dataclass(frozen=True)
class KeyPair:
    public_hex: str
    shares: list[str]


def generate_key(*, threshold: int, count: int) -> KeyPair:
    """A new key pair; the private key leaves this function only as `count` trustee shares."""
    if not 1 <= threshold <= count:
        raise ValueError("Need 1 <= threshold <= count.")
    private = PrivateKey.generate()
    raw = bytes(private)
    if threshold == 1:
        # Shamir with k=1 is the secret itself; still give every trustee a complete share.
        shares = [f"{i}:{raw[:16].hex()}:{raw[16:].hex()}" for i in range(1, count + 1)]
    else:
        low = Shamir.split(threshold, count, raw[:16], ssss=False)
        high = Shamir.split(threshold, count, raw[16:], ssss=False)
        shares = [f"{i}:{a.hex()}:{b.hex()}" for (i, a), (_, b) in zip(low, high, strict=True)]
    return KeyPair(public_hex=bytes(private.public_key).hex(), shares=shares)


def _parse_share(text: str) -> tuple[int, bytes, bytes]:
    try:
        index, low, high = text.strip().split(":")
        parsed = int(index), bytes.fromhex(low), bytes.fromhex(high)
    except ValueError:
        raise KeyShareError("A share is not in the form N:HEX:HEX.") from None
    if len(parsed[1]) != 16 or len(parsed[2]) != 16 or parsed[0] < 1:
        raise KeyShareError("A share has the wrong length.")
    return parsed


def combine_shares(shares: Sequence[str], *, threshold: int, public_hex: str) -> PrivateKey:
    """Rebuild the private key from at least `threshold` distinct shares, or raise."""
    parsed = {p[0]: p for p in (_parse_share(s) for s in shares if s.strip())}
    if len(parsed) < threshold:
        raise KeyShareError(f"{threshold} different trustee shares are needed.")
    chosen = sorted(parsed.values())[:threshold]
    if threshold == 1:
        raw = chosen[0][1] + chosen[0][2]
    else:
        low = Shamir.combine([(i, a) for i, a, _ in chosen], ssss=False)
        high = Shamir.combine([(i, b) for i, _, b in chosen], ssss=False)
        raw = low + high
    private = PrivateKey(raw)
    if bytes(private.public_key).hex() != public_hex:
        raise KeyShareError("These shares do not rebuild this ballot's key.")
    return private


def encode_choice(choice: Sequence[int]) -> bytes:
    """A choice (option positions, in order of preference) as a fixed-size plaintext."""
    body = json.dumps(list(choice), separators=(",", ":")).encode()
    if len(body) + 2 > PLAINTEXT_SIZE:
        raise ValueError("Choice too long to seal.")
    return len(body).to_bytes(2, "big") + body + b"\0" * (PLAINTEXT_SIZE - 2 - len(body))


def decode_choice(plaintext: bytes) -> list[int]:
    length = int.from_bytes(plaintext[:2], "big")
    value = json.loads(plaintext[2 : 2 + length])
    if not isinstance(value, list) or not all(isinstance(v, int) for v in value):
        raise ValueError("Malformed ballot plaintext.")
    return value


def seal(choice: Sequence[int], *, public_hex: str) -> bytes:
    box = SealedBox(PublicKey(bytes.fromhex(public_hex)))
    return bytes(box.encrypt(encode_choice(choice)))


def unseal(ciphertext: bytes, *, private: PrivateKey) -> list[int]:
    try:
        return decode_choice(SealedBox(private).decrypt(bytes(ciphertext)))
    except CryptoError as exc:
        raise ValueError("A sealed ballot does not open with this key.") from exc


def tracker_for(ciphertext: bytes) -> str:
    """The voter's receipt: a short hash of their ciphertext (random, as the ciphertext is)."""
    digest = hashlib.sha256(bytes(ciphertext)).digest()[:10]
    return base64.b32encode(digest).decode().rstrip("=")


# --- Secrets that are never stored: derived from the server's voting secret when needed ---------


def _subkey(secret: bytes, purpose: bytes, context: str) -> bytes:
    """A 32-byte key for one purpose and one context (BLAKE2b keyed hash, libsodium's)."""
    return blake2b(
        context.encode(),
        key=hashlib.sha256(secret).digest(),
        person=purpose[:16].ljust(16, b"\0"),
        digest_size=32,
        encoder=RawEncoder,
    )


def voting_code(secret: bytes, *, ballot_id: int, entry_id: int, public_hex: str) -> str:
    """A roll entry's personal voting code (80 bits, five groups of four hex digits), derived
    from the voting secret, the ballot and its public key. It is never stored: the worker that
    emails it derives it again at send time, and the database keeps only its SHA-256."""
    raw = _subkey(secret, b"bloc-vote-code", f"{ballot_id}:{entry_id}:{public_hex}")[:10]
    text = raw.hex().upper()
    return "-".join(text[i : i + 4] for i in range(0, 20, 4))


def _mix_box(secret: bytes, ballot_id: int, public_hex: str) -> SecretBox:
    return SecretBox(_subkey(secret, b"bloc-box-mix", f"{ballot_id}:{public_hex}"))


def wrap_pending(secret: bytes, *, ballot_id: int, public_hex: str, ciphertext: bytes) -> bytes:
    """A sealed ballot under a second, symmetric layer while it waits to be mixed into the box
    (random nonce: the wrapped bytes share nothing with the ciphertext the box will hold)."""
    return bytes(_mix_box(secret, ballot_id, public_hex).encrypt(ciphertext))


def unwrap_pending(secret: bytes, *, ballot_id: int, public_hex: str, wrapped: bytes) -> bytes:
    try:
        return bytes(_mix_box(secret, ballot_id, public_hex).decrypt(bytes(wrapped)))
    except CryptoError as exc:
        raise ValueError(
            "A pending ballot does not open with this server's voting secret: was "
            "BLOC_VOTING_SECRET (or DJANGO_SECRET_KEY) changed while the ballot was open?"
        ) from exc
