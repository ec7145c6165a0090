"""The server's configuration: who may act (token hash -> official) and the limits.

One reason to change: what an admin can configure in the TOML/JSON file
(docs/server.md, "Configuration")."""

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import configfile
from .errors import InputError
from .nip import nip_problem

DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024 * 1024
DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_BODY_TIMEOUT_SECONDS = 30.0
DEFAULT_HEADER_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_ACTIONS = 8
DEFAULT_MAX_ACTIONS_PER_TOKEN = 2
DEFAULT_WORKERS = 1
# `renaksi-xl serve` hands its config file to the server processes uvicorn
# starts (app_from_environment) through this variable.
CONFIG_ENV = "RENAKSI_SERVER_CONFIG"


def hash_token(token: str) -> str:
    """What the config stores for a token: its SHA-256, hex."""
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Identity:
    nip: str
    role: str
    name: str = ""


@dataclass
class ServerConfig:
    """Who may act (token hash -> official), the request limits, and how many server processes.

    `workers` is the number of server processes (uvicorn workers), as in
    uvicorn and gunicorn: one process uses one core, whatever its threads.
    The limits hold per process: `max_actions` actions admitted at once
    (running or waiting for a thread), at most `max_actions_per_token` of them
    for one token; `header_timeout_seconds` to send the request line and
    headers, `body_timeout_seconds` to send the body, `timeout_seconds` for the
    whole request (body included).
    """

    tokens: dict[str, Identity] = field(default_factory=dict)
    # The SOP this server trusts: it alone decides which role signs which step (never the
    # uploaded workbook's Pengaturan). Config key `sop` names its file; default the shipped one.
    sop: object = field(default_factory=lambda: _default_sop())
    max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    body_timeout_seconds: float = DEFAULT_BODY_TIMEOUT_SECONDS
    header_timeout_seconds: float = DEFAULT_HEADER_TIMEOUT_SECONDS
    max_actions: int = DEFAULT_MAX_ACTIONS
    max_actions_per_token: int = DEFAULT_MAX_ACTIONS_PER_TOKEN
    workers: int = DEFAULT_WORKERS
    # Signing (renaksi_xl.ttd.server_config): the server's seal for records, and the CAs its
    # 'Periksa Keaslian' trusts.  None / empty: records unsigned, no CA trusted.
    seal: Any = None
    trust: Any = None

    def identify(self, authorization: str | None) -> Identity | None:
        """The official behind an Authorization header ('<token>' or 'Bearer <token>')."""
        token = token_of(authorization)
        return self.tokens.get(hash_token(token)) if token else None


def token_of(authorization: str | None) -> str:
    """The token in an Authorization header ('<token>' or 'Bearer <token>'); '' if none."""
    token = (authorization or "").strip()
    if token.lower().startswith("bearer "):
        token = token[7:].strip()
    return token


def _default_sop():
    from . import sop

    return sop.default()


def _config_sop(raw: dict, path: Path, where: str):
    """`sop = "FILE.toml"` (relative to the config file), else the shipped SOP."""
    from . import sop

    if "sop" not in raw:
        return sop.default()
    value = raw["sop"]
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: 'sop' harus berupa nama berkas SOP (TOML), dalam tanda kutip.")
    sop_path = Path(value.strip())
    if not sop_path.is_absolute():
        sop_path = path.parent / sop_path
    return sop.load(sop_path)


_HEX64 = re.compile(r"^[0-9a-f]{64}$")
NIP_PATTERN = re.compile(r"^\d{18}$")

# (key, type, minimum): the numeric settings of the config file.
LIMIT_KEYS = (
    ("max_payload_bytes", int, 1024),
    ("timeout_seconds", float, 0.1),
    ("body_timeout_seconds", float, 0.1),
    ("header_timeout_seconds", float, 0.1),
    ("max_actions", int, 1),
    ("max_actions_per_token", int, 1),
    ("workers", int, 1),
)


def load_config(path: str | os.PathLike | None) -> ServerConfig:
    """Read a TOML (.toml) or JSON (.json) config; see docs/server.md for the format."""
    if path is None:
        return ServerConfig()
    path = Path(path)
    where = f"Berkas konfigurasi '{path}'"
    text = configfile.read_text(path, where)
    if path.suffix.lower() == ".json":
        try:
            raw = json.loads(text)
        except ValueError as exc:
            raise InputError(f"{where} tidak bisa dibaca: {exc}") from exc
    else:
        raw = configfile.parse_toml(text, where)
    if not isinstance(raw, dict):
        raise InputError(f"{where}: isinya harus berupa tabel/objek.")
    trusted = _config_sop(raw, path, where)
    cfg = ServerConfig(
        tokens=_read_tokens(raw.get("tokens", {}), where, trusted.roles, trusted.nomor), sop=trusted
    )
    from .ttd.server_config import load_signing

    cfg.seal, cfg.trust = load_signing(raw, path, where)
    for key, conv, minimum in LIMIT_KEYS:
        if key in raw:
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise InputError(f"{where}: '{key}' harus berupa angka.")
            try:
                value = conv(value)
            except (TypeError, ValueError, OverflowError) as exc:
                raise InputError(f"{where}: '{key}' harus berupa angka.") from exc
            if not value >= minimum:  # also refuses NaN
                raise InputError(f"{where}: '{key}' minimal {minimum}.")
            setattr(cfg, key, value)
    return cfg


def _read_tokens(entries, where: str, roles: tuple[str, ...], sop_number: str) -> dict[str, Identity]:
    if not isinstance(entries, dict):
        raise InputError(f"{where}: bagian 'tokens' harus berupa tabel [tokens.<hash>].")
    tokens: dict[str, Identity] = {}
    for key, entry in entries.items():
        h = str(key).strip().lower()
        label = f"{where}, token '{key}'"
        if not _HEX64.match(h):
            raise InputError(
                f"{label}: kunci harus hash SHA-256 (64 karakter heksadesimal), bukan token asli. "
                "Buat dengan: python -m renaksi_xl.server hash-token"
            )
        if not isinstance(entry, dict):
            raise InputError(f"{label}: harus berisi nip dan role.")
        nip_raw = entry.get("nip", "")
        nip = str(nip_raw).strip()
        role = str(entry.get("role", "")).strip()
        if not isinstance(nip_raw, str) or not NIP_PATTERN.match(nip):
            raise InputError(f"{label}: 'nip' harus 18 digit (ditulis sebagai teks), bukan '{nip}'.")
        problem = nip_problem(nip)
        if problem:
            raise InputError(f"{label}: 'nip' {nip} {problem}.")
        if role not in roles:
            raise InputError(
                f"{label}: 'role' harus salah satu peran SOP server (nomor {sop_number}): "
                + ", ".join(roles)
                + f"; bukan '{role}'."
            )
        tokens[h] = Identity(nip=nip, role=role, name=str(entry.get("name", "")).strip())
    return tokens
