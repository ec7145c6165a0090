"""The server config's signing part: the seal certificate and the trust anchors.

    trust_anchors = ["ca-kantor/ca.pem"]      # CAs 'Periksa Keaslian' trusts on the server
    [seal]
    p12 = "segel-server.p12"                  # from: renaksi-xl ca terbitkan --server
    passphrase_env = "RENAKSI_SEGEL_SANDI"    # the variable that holds its passphrase

Paths are relative to the config file.  The passphrase is never in the file.
With a seal, every paraf / tanda tangan record written through the server is
sealed (basis "server": the server authenticated the official by token).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError
from .signer import ServerSeal, load_server_seal
from .trust import TrustStore

DEFAULT_PASSPHRASE_ENV = "RENAKSI_SEGEL_SANDI"


def load_signing(raw: dict, path: Path, where: str) -> tuple[ServerSeal | None, TrustStore]:
    base = path.parent
    store = TrustStore()
    anchors = raw.get("trust_anchors", [])
    if not isinstance(anchors, list) or not all(isinstance(a, str) for a in anchors):
        raise InputError(f"{where}: 'trust_anchors' harus daftar nama berkas sertifikat CA.")
    for a in anchors:
        store.add_file(base / a, f"{where}, trust_anchors '{a}'")
    seal_raw = raw.get("seal")
    if seal_raw is None:
        return None, store
    if not isinstance(seal_raw, dict) or not isinstance(seal_raw.get("p12"), str):
        raise InputError(f'{where}: bagian [seal] harus berisi p12 = "berkas.p12".')
    env = str(seal_raw.get("passphrase_env") or DEFAULT_PASSPHRASE_ENV)
    passphrase = os.environ.get(env)
    if passphrase is None:
        raise InputError(
            f"{where}: sandi segel server belum ada di variabel lingkungan {env}. Isi variabel itu sebelum "
            "menjalankan server (sandi tidak pernah ditulis di berkas konfigurasi)."
        )
    return load_server_seal(base / seal_raw["p12"], passphrase, f"{where}, [seal] p12"), store
