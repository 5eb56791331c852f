"""The perturbation secret (contract section 5b): where it comes from and its digest.

`IPS_PERTURBATION_KEY` when set (its UTF-8 bytes are the secret); otherwise one is
generated once (`secrets.token_urlsafe(32)`: 256 random bits as 43 URL-safe characters)
into `perturbation.key` in the app's cache folder (`$IPS_CACHE_DIR`, else
~/.cache/ips-dashboard), readable by its owner only (mode 0600). The file is written
under a temporary name and linked into place, which fails when another process got there
first: every process (the app, `ips-data summary`) then reads the same secret, so the
CLI prints the numbers the pages show.

Only a digest of the secret ever leaves this module (it is part of the stored database's
key, so a new secret builds the record keys again); the secret itself is bound to the
database connection as a variable while the tables are built, never written into SQL.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from pathlib import Path

SECRET_ENV = "IPS_PERTURBATION_KEY"
SECRET_FILE = "perturbation.key"
#: Random bytes of a generated secret (256 bits), written as 43 URL-safe characters. A
#: record key hashes secret ‖ "n" or "s" ‖ person_id: with 43 characters that message
#: stays within one SHA-256 block (55 bytes) for a person_id of up to 11 characters,
#: where the 64 hex digits of the same 256 bits made two, so the build's two record keys
#: per person cost 0.34 instead of 0.54 CPU-seconds per million persons and key.
SECRET_BYTES = 32


class SecretError(ValueError):
    """The secret file is unusable (empty, unreadable, or readable by others)."""


def secret_path(cache_dir: Path | None = None) -> Path:
    """The file that keeps the generated secret (in the app's cache folder)."""
    if cache_dir is None:
        from ips_data.loading.store import app_cache_dir

        cache_dir = app_cache_dir()
    return Path(cache_dir) / SECRET_FILE


def _read(path: Path) -> str:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise SecretError(f"{path}: the perturbation secret must be readable by its owner "
                          f"only (mode {mode:o}; run chmod 600 {path})")
    text = path.read_text(encoding="utf-8").strip()
    if not text:
        raise SecretError(f"{path}: the perturbation secret file is empty; remove it to "
                          "generate a new one (published numbers will change)")
    return text


def _create(path: Path) -> str:
    """Write a new secret to `path` unless another process did first; return the one
    that is in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(SECRET_BYTES) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process was first: use its
            os.link(partial, path)  # atomic, and never replaces an existing secret
    finally:
        partial.unlink(missing_ok=True)
    return _read(path)


def perturbation_secret(cache_dir: Path | None = None) -> str:
    """The secret: $IPS_PERTURBATION_KEY, else the kept (or newly generated) file."""
    value = os.environ.get(SECRET_ENV)
    if value:
        return value
    path = secret_path(cache_dir)
    try:
        if path.exists():
            return _read(path)
        return _create(path)
    except OSError as exc:
        raise SecretError(f"{path}: the perturbation secret cannot be read or created "
                          f"({exc.strerror or exc}); set {SECRET_ENV} or make the folder "
                          "writable") from exc


def secret_digest(secret: str) -> str:
    """A short digest that names a secret in cache keys (the secret cannot be recovered
    from it: SHA-256 of a domain prefix and the secret)."""
    return hashlib.sha256(b"ips-perturbation-secret\x00" + secret.encode("utf-8")).hexdigest()[:16]
