"""`renaksi-xl`: the command line.

Startup must stay fast (a button click waits for it): this module imports only
the standard library; each command imports its own module when it runs.
Exit codes: 0 done, 1 refused by the SOP rules or validation, 2 unusable input.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import re
import sys

# command -> "module:function"; each function takes the parsed args and returns an exit code.
COMMANDS = {
    "demo": "renaksi_xl.demo:cmd_demo",
    "build": "renaksi_xl.xlsm.workbook:cmd_build",
    "dpa": "renaksi_xl.dpa.cli:cmd_dpa",
    "run": "renaksi_xl.runner:cmd_run",
    "validate": "renaksi_xl.validate:cmd_validate",
    "rekap": "renaksi_xl.rekap:cmd_rekap",
    "verify": "renaksi_xl.integrity:cmd_verify",
    "serve": "renaksi_xl.server:cmd_serve",
    "pdf": "renaksi_xl.pdf:cmd_pdf",
    "capaian": "renaksi_xl.capaian:cmd_capaian",
    "email": "renaksi_xl.review:cmd_email",
    "diff": "renaksi_xl.review:cmd_diff",
    "pengaturan": "renaksi_xl.settings_file:cmd_pengaturan",
    "ca": "renaksi_xl.ttd.cli:cmd_ca",
    "kunci": "renaksi_xl.ttd.keys:cmd_kunci",
}

ACTIONS_HELP = (
    "catat-disposisi, tarik-dpa, susun, catat-pembahasan, paraf, validasi, "
    "paraf-pemeriksaan, kembalikan, tetapkan, revisi, periksa-keaslian, impor-kinerja, "
    "siapkan-email, cetak-pdf, impor-realisasi, hitung-capaian, lapor-realisasi, "
    "verifikasi-realisasi, sahkan-realisasi (paraf: langkah berjenis paraf dalam SOP; revisi: "
    "Rencana Aksi Perubahan setelah ditetapkan)"
)

# --------------------------------------------------------------------------- Indonesian argparse
# argparse speaks English ("usage:", "the following arguments are required"):
# a staff member must see Indonesian.  Its texts are translated here, in this
# parser only (argparse's module-level gettext is left alone for other tools).
USAGE_PREFIX = "Pemakaian: "

_ARG_MESSAGES = (  # the part after "argument X: "
    (
        re.compile(r"^invalid choice: (?P<v>.+?) \(choose from (?P<c>.+)\)$"),
        "{v} tidak dikenal; pilih salah satu: {c}",
    ),
    (re.compile(r"^invalid (?P<t>\w+) value: (?P<v>.+)$"), "{v} bukan {t}"),
    (re.compile(r"^expected one argument$"), "perlu satu nilai sesudahnya"),
    (re.compile(r"^expected at least one argument$"), "perlu paling sedikit satu nilai"),
    (re.compile(r"^expected at most one argument$"), "paling banyak satu nilai"),
    (re.compile(r"^ignored explicit argument (?P<v>.+)$"), "tidak menerima nilai {v}"),
    (re.compile(r"^not allowed with argument (?P<v>.+)$"), "tidak boleh dipakai bersama {v}"),
)
_MESSAGES = (
    (re.compile(r"^the following arguments are required: (?P<v>.+)$"), "argumen wajib belum diisi: {v}"),
    (re.compile(r"^unrecognized arguments: (?P<v>.+)$"), "argumen atau opsi tidak dikenal: {v}"),
    (
        re.compile(r"^ambiguous option: (?P<o>\S+) could match (?P<m>.+)$"),
        "opsi {o} tidak jelas: bisa berarti {m}; tulis lengkap",
    ),
    (re.compile(r"^one of the arguments (?P<v>.+) is required$"), "salah satu dari {v} wajib diberikan"),
)
_TYPE_NAMES = {"int": "bilangan bulat", "float": "bilangan"}


def translate_argparse(message: str) -> str:
    """An argparse error message in Indonesian (unknown ones are left as they are)."""
    m = re.match(r"^argument (?P<arg>[^:]+): (?P<rest>.+)$", message, re.S)
    if m:
        arg = m.group("arg")
        kind = "opsi" if arg.startswith("-") else "argumen"
        rest = m.group("rest")
        for pattern, text in _ARG_MESSAGES:
            mm = pattern.match(rest)
            if mm:
                values = mm.groupdict()
                if "t" in values:
                    values["t"] = _TYPE_NAMES.get(values["t"], values["t"])
                return f"{kind} {arg}: " + text.format(**values)
        return f"{kind} {arg}: {rest}"
    for pattern, text in _MESSAGES:
        mm = pattern.match(message)
        if mm:
            return text.format(**mm.groupdict())
    return message


class _Formatter(argparse.HelpFormatter):
    def add_argument(self, action):
        super().add_argument(action)
        # argparse sizes the help column without the commands' own indent, so a long command
        # name ('pengaturan') would sit alone on its line: count the indent too.
        subactions: list[argparse.Action] = getattr(action, "_get_subactions", lambda: [])()
        if subactions and action.help is not argparse.SUPPRESS:
            longest = max(len(self._format_action_invocation(a)) for a in subactions)
            self._action_max_length = max(
                self._action_max_length, longest + self._current_indent + 2 * self._indent_increment
            )

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, USAGE_PREFIX if prefix is None else prefix)

    def _split_lines(self, text, width):
        """Wrap help text without breaking action names such as 'cetak-pdf' at their hyphen."""
        import textwrap

        return textwrap.wrap(self._whitespace_matcher.sub(" ", text).strip(), width, break_on_hyphens=False)


class IndonesianArgumentParser(argparse.ArgumentParser):
    """argparse with Indonesian usage, section titles, -h text and error messages;
    errors print the usage and the message to stderr and exit 2."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        add_help = kwargs.pop("add_help", True)
        kwargs["add_help"] = False  # ours below, with an Indonesian text
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumen"
        self._optionals.title = "opsi"
        if add_help:
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help="tampilkan bantuan ini lalu keluar",
            )

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(
            2,
            f"Galat: {self.prog}: {translate_argparse(message)}.\n"
            f"Lihat '{self.prog} --help' untuk penjelasan.\n",
        )


QUARTER_CHOICES = ("I", "II", "III", "IV")


def _positive_int(text: str) -> int:
    """An option that counts something: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"harus bilangan bulat 1 atau lebih, bukan '{text}'")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = IndonesianArgumentParser(
        prog="renaksi-xl",
        description="Rencana Aksi sesuai SOP Penyusunan Rencana Aksi: buku kerja Excel, "
        "validasi, dan catatan paraf, bisa dijalankan tanpa Excel.",
    )
    p.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {_version()}",
        help="tampilkan versi program lalu keluar",
    )
    sub = p.add_subparsers(dest="command", metavar="PERINTAH")

    s = sub.add_parser("demo", help="jalankan seluruh SOP pada data contoh (buku kerja, PDF, email)")
    s.add_argument("--out", default="out/demo", help="folder hasil (bawaan: out/demo)")
    s.add_argument("--cepat", action="store_true", help="varian kecil untuk uji (tanpa PDF)")

    s = sub.add_parser("build", help="bangun buku kerja kosong RencanaAksi.xlsm dari sumbernya")
    s.add_argument("--out", default=None, help="berkas hasil (bawaan: workbook/RencanaAksi.xlsm)")
    s.add_argument(
        "--sop",
        metavar="SOP.toml",
        help="SOP Penyusunan Rencana Aksi unit Anda (TOML; contoh: workbook/sop/neglasari.toml); "
        "bawaan: SOP Kecamatan Neglasari",
    )

    s = sub.add_parser(
        "pengaturan",
        help="isi lembar Pengaturan (unit, tahun, pejabat, libur) dari berkas TOML, tanpa Excel",
        epilog="Berkas: [setelan] unit, pemda, tahun, mode, url_server, jam_masuk, jam_pulang; "
        "[[pejabat]] peran, nama, nip, email; [[libur]] tanggal, keterangan, jenis. "
        "Setelah Langkah 1 tercatat hanya boleh menambah pejabat atau email.",
    )
    s.add_argument("book", metavar="BUKU", help="berkas buku kerja Rencana Aksi (.xlsm)")
    s.add_argument(
        "--dari", required=True, metavar="KANTOR.toml", help="berkas TOML berisi pengaturan kantor"
    )
    s.add_argument("--out", metavar="BERKAS", help="simpan hasil ke berkas lain (bawaan: berkas yang sama)")

    s = sub.add_parser(
        "dpa", help="baca berkas DPA/DPPA/RKA (SIPD .xlsx atau PDF, templat, CSV) dan tampilkan tabelnya"
    )
    s.add_argument(
        "file",
        metavar="BERKAS",
        help="berkas DPA/DPPA/RKA: ekspor SIPD (.xlsx) atau cetakan PDF, templat impor, atau CSV",
    )
    s.add_argument(
        "--kas", metavar="BERKAS_RAK", help="formulir Anggaran Kas (RAK) SIPD; dicocokkan dengan pagu DPA"
    )
    s.add_argument("--json", action="store_true", help="keluaran JSON")

    s = sub.add_parser("run", help="jalankan satu aksi tombol pada buku kerja, tanpa Excel")
    s.add_argument("action", metavar="AKSI", help=ACTIONS_HELP)
    s.add_argument("book", metavar="BUKU", help="berkas buku kerja Rencana Aksi (.xlsm)")
    s.add_argument("--pejabat", metavar="NIP", help="NIP pejabat yang bertindak")
    s.add_argument(
        "--dpa", metavar="BERKAS", action="append", help="berkas DPA untuk tarik-dpa / PK untuk impor-kinerja"
    )
    s.add_argument("--kas", metavar="BERKAS", action="append", help="Anggaran Kas (RAK) untuk tarik-dpa")
    s.add_argument("--waktu", metavar="ISO8601", help="waktu tindakan, mis. 2025-01-06T09:00+07:00")
    s.add_argument("--catatan", metavar="TEKS", help="catatan / isi disposisi / alasan pengembalian")
    s.add_argument("--kepada", metavar="PERAN", help="tujuan disposisi (catat-disposisi)")
    s.add_argument("--batas", metavar="TANGGAL", help="batas waktu disposisi, YYYY-MM-DD")
    s.add_argument("--peserta", metavar="TEKS", help="peserta pembahasan (catat-pembahasan)")
    s.add_argument("--keputusan", metavar="TEKS", help="keputusan pembahasan (catat-pembahasan)")
    s.add_argument(
        "--tanggal",
        metavar="TANGGAL",
        help="tanggal pembahasan (catat-pembahasan), mis. 2025-01-09 atau '9 Januari 2025'; "
        "bawaan: sel Tanggal di lembar L4 Pembahasan, lalu hari ini",
    )
    s.add_argument(
        "--berkas",
        metavar="BERKAS",
        action="append",
        help="berkas realisasi keuangan SIPD per sub kegiatan (.xlsx/.csv) untuk impor-realisasi",
    )
    s.add_argument(
        "--tw",
        metavar="TW",
        choices=QUARTER_CHOICES,
        help="triwulan (I, II, III, IV) untuk lapor/verifikasi/sahkan-realisasi dan hitung-capaian",
    )
    s.add_argument("--out", metavar="BERKAS", help="simpan hasil ke berkas lain (bawaan: berkas yang sama)")
    s.add_argument(
        "--kunci",
        metavar="BERKAS.p12",
        help="tandatangani catatan paraf/tanda tangan dengan berkas kunci PKCS#12 Anda "
        "(sandi ditanyakan, atau dari RENAKSI_KUNCI_SANDI)",
    )
    _add_trust_option(s)

    s = sub.add_parser(
        "capaian", help="hitung capaian (kinerja, fisik, keuangan) satu triwulan dari realisasi buku kerja"
    )
    s.add_argument("book", metavar="BUKU", help="buku kerja Rencana Aksi (.xlsm) yang berisi realisasi")
    s.add_argument(
        "--tw",
        metavar="TW",
        choices=QUARTER_CHOICES,
        help="triwulan I, II, III atau IV (bawaan: triwulan terakhir yang berisi realisasi)",
    )
    s.add_argument("--json", action="store_true", help="keluaran JSON")

    s = sub.add_parser("validate", help="periksa Rencana Aksi (buku kerja atau folder)")
    s.add_argument(
        "books",
        nargs="+",
        metavar="BUKU",
        help="buku kerja Rencana Aksi (.xlsm), atau folder berisi buku kerja",
    )
    s.add_argument("--json", action="store_true", help="keluaran JSON")
    s.add_argument("--rekap", metavar="OUT.xlsx", help="tulis rekap satu baris per berkas")

    s = sub.add_parser(
        "rekap",
        help="rekap Pemda: semua buku kerja unit dalam satu buku kerja bergrafik",
        description="Membaca setiap buku kerja di folder (beserta subfoldernya) dan menulis satu rekap: "
        "tahap SOP dan ketepatan waktu per langkah, keaslian, hasil validasi, versi, capaian dan serapan "
        "per triwulan. Berkas yang rusak atau tidak terbaca dicatat beserta alasannya tanpa menghentikan "
        "rekap. Kode keluar: 0 semua terbaca, 1 ada yang gagal dibaca, 2 masukan tidak dapat dipakai.",
    )
    s.add_argument(
        "folders", nargs="+", metavar="FOLDER", help="folder berisi buku kerja unit (atau berkasnya)"
    )
    s.add_argument("--out", metavar="REKAP.xlsx", help="berkas rekap yang ditulis (wajib tanpa --json)")
    s.add_argument("--json", action="store_true", help="keluaran JSON ke layar")
    s.add_argument(
        "--workers",
        type=_positive_int,
        metavar="N",
        help="jumlah proses pembaca (bawaan: jumlah inti CPU)",
    )

    s = sub.add_parser("verify", help="periksa keaslian catatan paraf dan tanda tangan")
    s.add_argument("book", metavar="BUKU", help="buku kerja Rencana Aksi (.xlsm) yang diperiksa")
    s.add_argument(
        "--sop",
        metavar="SOP.toml",
        help="SOP yang Anda percayai: laporkan bila SOP atau pelaksana langkah di buku kerja berbeda",
    )
    s.add_argument("--json", action="store_true", help="keluaran JSON")
    _add_trust_option(s)
    s.add_argument(
        "--wajib-tanda-tangan",
        action="store_true",
        help="catatan tanpa tanda tangan digital membuat hasilnya tidak utuh",
    )

    s = sub.add_parser(
        "serve",
        help="jalankan xlwings Server untuk kantor",
        epilog="Konfigurasi (TOML/JSON): max_payload_bytes, timeout_seconds, workers, dan "
        '[tokens."<sha256 token>"] berisi nip dan role. Buat token: '
        "python -m renaksi_xl.server new-token NIP PERAN; hash token lama: "
        "python -m renaksi_xl.server hash-token. Panduan: docs/server.md.",
    )
    s.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="ALAMAT",
        help="alamat yang didengarkan (bawaan: 127.0.0.1, hanya komputer ini; 0.0.0.0 untuk seluruh jaringan kantor)",
    )
    s.add_argument("--port", type=int, default=8000, help="nomor port (bawaan: 8000)")
    s.add_argument("--config", metavar="BERKAS", help="berkas konfigurasi server (token pejabat)")
    s.add_argument(
        "--workers",
        type=_positive_int,
        metavar="N",
        help="jumlah proses server (bawaan: 'workers' di konfigurasi, atau 1); sekitar jumlah inti CPU",
    )

    s = sub.add_parser("pdf", help="cetak Dokumen Rencana Aksi dan catatan SOP ke PDF")
    s.add_argument("book", metavar="BUKU", help="buku kerja Rencana Aksi (.xlsm) yang dicetak")
    s.add_argument(
        "--out",
        metavar="BERKAS.pdf",
        help="berkas PDF hasil; foldernya harus sudah ada (bawaan: di samping BUKU, "
        "NAMA-Dokumen-Rencana-Aksi.pdf)",
    )
    s.add_argument(
        "--tw",
        metavar="TW",
        choices=QUARTER_CHOICES,
        help="cetak Laporan Capaian Rencana Aksi triwulan ini (I, II, III, IV) alih-alih Dokumen Rencana Aksi",
    )
    s.add_argument(
        "--tandatangani",
        metavar="BERKAS.p12",
        help="tandatangani PDF (PAdES) dengan berkas kunci pejabat yang menetapkan",
    )

    s = sub.add_parser("email", help="siapkan draf email review (.eml) dengan lampiran buku kerja")
    s.add_argument("book", metavar="BUKU", help="buku kerja Rencana Aksi (.xlsm) yang dilampirkan")
    s.add_argument(
        "--ke",
        required=True,
        metavar="PERAN",
        help="peran penerima menurut SOP buku kerja, mis. 'Sekretaris Camat'; alamatnya dari kolom Email "
        "tabel Pejabat",
    )
    s.add_argument(
        "--out",
        metavar="BERKAS.eml",
        help="berkas draf email; foldernya harus sudah ada (bawaan: di samping BUKU, NAMA-untuk-PERAN.eml)",
    )
    s.add_argument(
        "--sebelumnya", metavar="BUKU", help="versi yang terakhir dilihat penerima (untuk 'apa yang berubah')"
    )

    s = sub.add_parser("diff", help="apa yang berubah antara dua versi buku kerja")
    s.add_argument("old", metavar="LAMA", help="versi buku kerja sebelumnya (.xlsm)")
    s.add_argument("new", metavar="BARU", help="versi buku kerja yang lebih baru (.xlsm)")
    s.add_argument("--json", action="store_true", help="keluaran JSON")
    _add_ca_parser(sub)
    s = sub.add_parser("kunci", help="catat berkas kunci .p12 seorang pejabat di komputer ini (mode Lokal)")
    s.add_argument("nip", metavar="NIP", help="NIP 18 angka pejabat pemilik kunci")
    s.add_argument("berkas", metavar="BERKAS.p12", help="berkas kunci PKCS#12 pejabat itu di komputer ini")
    return p


def _add_trust_option(s) -> None:
    s.add_argument(
        "--percaya",
        metavar="CA.pem",
        action="append",
        help="sertifikat CA yang Anda percaya (boleh berulang; juga dari folder kepercayaan pengguna)",
    )


def _add_ca_parser(sub) -> None:
    from .ttd.ca_args import add_parser  # standard library only

    add_parser(sub)


def _version() -> str:
    from . import __version__

    return __version__


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or an argument error already explained
        return exc.code if isinstance(exc.code, int) else 2
    if not args.command:
        parser.print_help(sys.stderr)
        print(
            "\nGalat: belum ada PERINTAH. Contoh: renaksi-xl validate RencanaAksi.xlsm "
            "(lihat 'renaksi-xl PERINTAH --help').",
            file=sys.stderr,
        )
        return 2
    module_name, func_name = COMMANDS[args.command].split(":")
    try:
        func = getattr(importlib.import_module(module_name), func_name)
        return int(func(args) or 0)
    except BaseException as exc:  # noqa: BLE001 - the one place every failure becomes an answer
        return report_failure(exc, args)


# Commands that change the workbook they are given: after a failure they say it was left as it was.
CHANGES_BOOK = frozenset({"run"})


def report_failure(exc: BaseException, args) -> int:
    """The one place a failure of any command becomes its Indonesian message and exit code.

    Refused (SOP rules) exit 1; unusable input, damaged files and file-system
    errors exit 2 with a message naming the file (and sheet and cell, which the
    readers put in the message); a closed pipe (`... | head`) ends quietly;
    anything else is a bug: "kesalahan program", exit 2.
    """
    from .errors import Refused, RenaksiError

    command = args.command
    unchanged = command in CHANGES_BOOK
    if isinstance(exc, BrokenPipeError):
        _silence_stdout()
        return 141  # like a shell: 128 + SIGPIPE, no message
    if isinstance(exc, KeyboardInterrupt):
        print("Dibatalkan.", file=sys.stderr)
        return 130
    if isinstance(exc, SystemExit):
        raise exc
    if isinstance(exc, Refused) and unchanged:
        print(f"Ditolak: {exc.message}", file=sys.stderr)
        print("Buku kerja tidak diubah.", file=sys.stderr)
        return exc.exit_code
    if isinstance(exc, RenaksiError):
        print(f"Galat: {with_book_name(exc.message, args, exc)}", file=sys.stderr)
        if unchanged and "tidak diubah" not in exc.message:
            print("Buku kerja tidak diubah.", file=sys.stderr)
        return exc.exit_code
    if not isinstance(exc, Exception):
        raise exc
    if os.environ.get("RENAKSI_XL_DEBUG"):
        raise exc
    cause = exc if isinstance(exc, OSError) else _os_error_behind(exc)
    if cause is not None:  # a file-system error (or one a library wrapped, e.g. XlsxWriter's)
        if unchanged:
            target = getattr(args, "out", None) or args.book
            print(
                f"Galat: hasil tidak bisa disimpan ke '{target}': {os_error_reason(cause)}.", file=sys.stderr
            )
            print("Buku kerja tidak diubah.", file=sys.stderr)
        else:
            print(f"Galat: {os_error_message(cause, getattr(args, 'out', None))}", file=sys.stderr)
        return 2
    print(
        f"Galat: perintah '{command}' berhenti karena kesalahan program "
        f"({type(exc).__name__}: {exc}). Laporkan pesan ini ke admin; jalankan ulang dengan "
        "RENAKSI_XL_DEBUG=1 untuk melihat rinciannya.",
        file=sys.stderr,
    )
    return 2


def _silence_stdout() -> None:
    """After the reader of our output went away: no more writes, no 'Broken pipe' at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a descriptor (tests)
        pass


def with_book_name(message: str, args, exc=None) -> str:
    """Commands on one workbook: make sure the message names the file (not for
    messages about an option, which name the option)."""
    book = getattr(args, "book", None)
    if getattr(exc, "about_option", False):
        return message
    if not book or str(book) in message or os.path.basename(str(book)) in message:
        return message
    return f"Buku kerja '{book}': {message}"


def _os_error_behind(exc: BaseException) -> OSError | None:
    seen = 0
    cause: BaseException | None = exc
    while cause is not None and seen < 5:
        if isinstance(cause, OSError):
            return cause
        cause = cause.__cause__ or cause.__context__
        seen += 1
    return None


_ERRNO_TEXT = {
    errno.EACCES: "izin menulis/membaca ditolak (folder hanya-baca, atau berkas sedang dibuka program lain)",
    errno.EPERM: "izin ditolak (folder hanya-baca, atau berkas sedang dibuka program lain)",
    errno.EROFS: "folder itu hanya-baca",
    errno.EISDIR: "itu folder, bukan berkas; tulis nama berkasnya, mis. FOLDER/RencanaAksi.xlsm",
    errno.ENOTDIR: "sebagian jalurnya adalah berkas, bukan folder",
    errno.ENOENT: "berkas atau folder tidak ditemukan",
    errno.ENOSPC: "disk penuh",
}


def os_error_reason(exc: OSError) -> str:
    text = _ERRNO_TEXT.get(exc.errno) if exc.errno is not None else None
    return text or exc.strerror or str(exc)


def os_error_message(exc: OSError, out=None) -> str:
    """A file-system error in Indonesian, naming the file the user gave (not our temp file)."""
    name = exc.filename2 or exc.filename
    if name is not None and os.path.basename(str(name)).startswith(".~") and out:
        name = out  # the atomic writer's temp file: the user knows the target
    where = f"'{name}'" if name is not None else "berkas"
    return f"Tidak bisa memakai {where}: {os_error_reason(exc)}."


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
