"""`renaksi-xl`: the command line.

Startup must stay fast (a button click waits for it): this module imports only
the standard library; each command imports its own module when it runs.
Exit codes: 0 done, 1 refused by the SOP rules or validation, 2 unusable input.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# command -> "module:function"; each function takes the parsed args and returns an exit code.
COMMANDS = {
    "demo": "renaksi_xl.demo:cmd_demo",
    "build": "renaksi_xl.build.workbook:cmd_build",
    "dpa": "renaksi_xl.dpa.cli:cmd_dpa",
    "run": "renaksi_xl.runner:cmd_run",
    "validate": "renaksi_xl.validate:cmd_validate",
    "verify": "renaksi_xl.integrity:cmd_verify",
    "serve": "renaksi_xl.server:cmd_serve",
    "pdf": "renaksi_xl.pdf:cmd_pdf",
    "email": "renaksi_xl.review:cmd_email",
    "diff": "renaksi_xl.review:cmd_diff",
}

ACTIONS_HELP = (
    "catat-disposisi, tarik-dpa, susun, catat-pembahasan, validasi, "
    "paraf-pemeriksaan, kembalikan, tetapkan, periksa-keaslian, impor-kinerja"
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="renaksi-xl",
        description="Rencana Aksi sesuai SOP Penyusunan Rencana Aksi: buku kerja Excel, "
        "validasi, dan catatan paraf, bisa dijalankan tanpa Excel.",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = p.add_subparsers(dest="command", metavar="PERINTAH")

    s = sub.add_parser("demo", help="jalankan seluruh SOP pada data contoh (buku kerja, PDF, email)")
    s.add_argument("--out", default="out/demo", help="folder hasil (bawaan: out/demo)")
    s.add_argument("--cepat", action="store_true", help="varian kecil untuk uji (tanpa PDF)")

    s = sub.add_parser("build", help="bangun buku kerja kosong RencanaAksi.xlsm dari sumbernya")
    s.add_argument("--out", default=None, help="berkas hasil (bawaan: workbook/RencanaAksi.xlsm)")

    s = sub.add_parser("dpa", help="baca berkas DPA/RKA (SIPD .xlsx, templat, CSV) dan tampilkan tabelnya")
    s.add_argument("file", metavar="BERKAS")
    s.add_argument("--json", action="store_true", help="keluaran JSON")

    s = sub.add_parser("run", help="jalankan satu aksi tombol pada buku kerja, tanpa Excel")
    s.add_argument("action", metavar="AKSI", help=ACTIONS_HELP)
    s.add_argument("book", metavar="BUKU")
    s.add_argument("--pejabat", metavar="NIP", help="NIP pejabat yang bertindak")
    s.add_argument("--dpa", metavar="BERKAS", action="append", help="berkas DPA untuk tarik-dpa / PK untuk impor-kinerja")
    s.add_argument("--waktu", metavar="ISO8601", help="waktu tindakan, mis. 2025-01-06T09:00+07:00")
    s.add_argument("--catatan", metavar="TEKS", help="catatan / isi disposisi / alasan pengembalian")
    s.add_argument("--kepada", metavar="PERAN", help="tujuan disposisi (catat-disposisi)")
    s.add_argument("--batas", metavar="TANGGAL", help="batas waktu disposisi, YYYY-MM-DD")
    s.add_argument("--peserta", metavar="TEKS", help="peserta pembahasan (catat-pembahasan)")
    s.add_argument("--keputusan", metavar="TEKS", help="keputusan pembahasan (catat-pembahasan)")
    s.add_argument("--out", metavar="BERKAS", help="simpan hasil ke berkas lain (bawaan: berkas yang sama)")

    s = sub.add_parser("validate", help="periksa Rencana Aksi (buku kerja atau folder)")
    s.add_argument("books", nargs="+", metavar="BUKU")
    s.add_argument("--json", action="store_true", help="keluaran JSON")
    s.add_argument("--rekap", metavar="OUT.xlsx", help="tulis rekap satu baris per berkas")

    s = sub.add_parser("verify", help="periksa keaslian catatan paraf dan tanda tangan")
    s.add_argument("book", metavar="BUKU")
    s.add_argument("--json", action="store_true", help="keluaran JSON")

    s = sub.add_parser(
        "serve", help="jalankan xlwings Server untuk kantor",
        epilog="Konfigurasi (TOML/JSON): max_payload_bytes, timeout_seconds, workers, dan "
        '[tokens."<sha256 token>"] berisi nip dan role. Buat token: '
        "python -m renaksi_xl.server new-token NIP PERAN; hash token lama: "
        "python -m renaksi_xl.server hash-token. Panduan: docs/server.md.",
    )
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--config", metavar="BERKAS", help="berkas konfigurasi server (token pejabat)")

    s = sub.add_parser("pdf", help="cetak Dokumen Rencana Aksi dan catatan SOP ke PDF")
    s.add_argument("book", metavar="BUKU")
    s.add_argument("--out", metavar="BERKAS.pdf")

    s = sub.add_parser("email", help="siapkan draf email review (.eml) dengan lampiran buku kerja")
    s.add_argument("book", metavar="BUKU")
    s.add_argument("--ke", required=True, metavar="PERAN", help="peran penerima, mis. 'Sekretaris Camat'")
    s.add_argument("--out", metavar="BERKAS.eml")
    s.add_argument("--sebelumnya", metavar="BUKU", help="versi yang terakhir dilihat penerima (untuk 'apa yang berubah')")

    s = sub.add_parser("diff", help="apa yang berubah antara dua versi buku kerja")
    s.add_argument("old", metavar="LAMA")
    s.add_argument("new", metavar="BARU")
    s.add_argument("--json", action="store_true", help="keluaran JSON")
    return p


def _version() -> str:
    from . import __version__

    return __version__


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    module_name, func_name = COMMANDS[args.command].split(":")
    from .errors import RenaksiError

    try:
        func = getattr(importlib.import_module(module_name), func_name)
        return int(func(args) or 0)
    except RenaksiError as exc:
        print(f"Galat: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Dibatalkan.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
