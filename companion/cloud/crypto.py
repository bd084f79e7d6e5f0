"""End-to-end encryption of the sync bundle: the storage sees neither the data nor the sync key.

- The bundle's key: scrypt(sync key, a random 16-byte salt per upload), 32 bytes, for AES-256-GCM with a
  random 12-byte nonce. The header (magic, salt, nonce) is authenticated as associated data, so a bundle
  altered or cut anywhere fails to decrypt.
- The object's name: scrypt of the sync key with a fixed, different salt, so the name says nothing about
  the key and cannot be turned into the encryption key; scrypt makes guessing short keys from the name slow.
"""

from __future__ import annotations

import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from companion.errors import Unprocessable

MAGIC = b"SHOPTALLY-SYNC-1"
SALT_BYTES = 16
NONCE_BYTES = 12
MIN_KEY = 6
SCRYPT = {"n": 2 ** 15, "r": 8, "p": 1, "maxmem": 64 << 20}
NAME_SALT = b"shoptally object name v1"
MAX_BUNDLE = 2 << 30  # encrypted in memory: 2 GiB at most
OVERHEAD = len(MAGIC) + SALT_BYTES + NONCE_BYTES + 16  # the header and the GCM tag around the plain bundle


class SyncKeyError(Unprocessable):
    pass


class CannotDecrypt(Unprocessable):
    pass


def check_key(key: str) -> bytes:
    if not isinstance(key, str) or len(key) < MIN_KEY:
        raise SyncKeyError.of("cloud_key_short", min=MIN_KEY)
    return key.encode("utf-8")


def object_name(key: str) -> str:
    """What the bundle is called on the storage: derived from the key, revealing nothing of it."""
    return hashlib.scrypt(check_key(key), salt=NAME_SALT, dklen=20, **SCRYPT).hex() + ".bundle"


def _derive(key: bytes, salt: bytes) -> bytes:
    return hashlib.scrypt(key, salt=salt, dklen=32, **SCRYPT)


def encrypt(key: str, plain: bytes) -> bytes:
    if len(plain) > MAX_BUNDLE:
        raise ValueError(f"the dataset is over {MAX_BUNDLE >> 30} GiB: too large for one sync bundle")
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    header = MAGIC + salt + nonce
    return header + AESGCM(_derive(check_key(key), salt)).encrypt(nonce, plain, header)


def decrypt(key: str, blob: bytes) -> bytes:
    head = len(MAGIC) + SALT_BYTES + NONCE_BYTES
    if len(blob) < head + 16 or not blob.startswith(MAGIC):
        raise CannotDecrypt.of("cloud_bundle_not_ours")
    salt = blob[len(MAGIC): len(MAGIC) + SALT_BYTES]
    nonce = blob[len(MAGIC) + SALT_BYTES: head]
    try:
        return AESGCM(_derive(check_key(key), salt)).decrypt(nonce, blob[head:], blob[:head])
    except InvalidTag:
        raise CannotDecrypt.of("cloud_cannot_decrypt") from None
