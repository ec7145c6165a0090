"""How the server answers the xlwings VBA client: the `actions` JSON for 200 and the
plain Indonesian texts for every other status (the client shows a non-200 body
verbatim in a message box, so it must not be JSON).

One reason to change: what the user sees in Excel (docs/server.md, "What the VBA
client sees")."""

STATUS_HEADER = "X-Renaksi-Status"
STATUS_DONE, STATUS_REFUSED, STATUS_INPUT = "selesai", "ditolak", "tidak-bisa-dipakai"

TEXT_UNAUTHORIZED = (
    "Token server tidak ada atau tidak dikenal, jadi server tidak tahu siapa Anda. "
    "Isi 'Token Server' di lembar Pengaturan dengan token pribadi dari admin server. "
    "Buku kerja tidak diubah."
)
TEXT_NOT_JSON = "Data yang dikirim bukan JSON yang sah dari klien VBA xlwings. Buku kerja tidak diubah."

# The OpenAPI description of every non-200 answer (all plain text).
PLAIN_ERRORS = {
    401: "Token tidak ada atau salah (teks biasa).",
    404: "Aksi tidak dikenal (teks biasa).",
    408: "Buku kerja tidak selesai terkirim dalam batas waktu (teks biasa).",
    413: "Buku kerja melebihi batas ukuran server (teks biasa).",
    422: "Data buku kerja tidak sah (teks biasa).",
    429: "Terlalu banyak aksi sekaligus (teks biasa).",
    500: "Galat tak terduga di server (teks biasa).",
    504: "Aksi tidak selesai dalam batas waktu (teks biasa).",
}


class PlainError(Exception):
    """A non-200 answer: its status and Indonesian text."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text


def alert(prompt: str, title: str, mode: str = "critical") -> dict:
    """An `alert` action exactly as the remote engine's app.alert emits it."""
    return {
        "func": "alert",
        "args": [prompt, title, "ok", mode, ""],
        "values": None,
        "sheet_position": None,
        "start_row": None,
        "start_column": None,
        "row_count": None,
        "column_count": None,
    }


def answer(actions: list[dict], status: str, message: str) -> dict:
    return {"actions": actions, "status": status, "message": message or ""}


def size_text(n: int) -> str:
    """Bytes the Indonesian way: '512 kB', '64,0 MB'."""
    if n < 1024 * 1024:
        return f"{max(n // 1024, 1)} kB"
    return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")


def too_large_text(size: int, limit: int) -> str:
    return (
        f"Buku kerja terlalu besar untuk server ini (batas {size_text(limit)}; terkirim {size_text(size)}). "
        "Hapus baris kosong yang berlebihan di lembar-lembar buku kerja, atau minta admin server menaikkan batasnya. "
        "Buku kerja tidak diubah."
    )


def body_timeout_text(seconds: float) -> str:
    return (
        f"Buku kerja tidak selesai terkirim ke server dalam {seconds:g} detik. Periksa jaringan, lalu coba lagi. "
        "Buku kerja tidak diubah."
    )


def action_timeout_text(action: str, seconds: float) -> str:
    return (
        f"Server belum selesai menjalankan '{action}' dalam {seconds:g} detik; aksinya dihentikan. "
        "Buku kerja tidak diubah. Coba lagi beberapa saat lagi atau hubungi admin server."
    )


def validation_text(errors, prefix: tuple = ()) -> str:
    first = errors[0] if errors else {}
    loc = [str(x) for x in first.get("loc", ())]
    where = ".".join(loc[len(prefix) :] if tuple(loc[: len(prefix)]) == prefix else loc) or "(akar)"
    where = where if len(where) <= 120 else where[:117] + "..."
    return (
        f"Data buku kerja dari klien VBA xlwings tidak sah di '{where}': {first.get('msg', 'tidak dikenal')}. "
        "Pastikan modul xlwings di buku kerja sama versinya dengan server. Buku kerja tidak diubah."
    )


def version_text(workbook_version: str, server_version: str) -> str:
    return (
        f"Versi xlwings di buku kerja ({workbook_version}) berbeda dengan versi di server ({server_version}). "
        "Minta admin buku kerja yang dibangun untuk server ini (renaksi-xl build), atau samakan versi xlwings "
        "di server. Buku kerja tidak diubah."
    )
