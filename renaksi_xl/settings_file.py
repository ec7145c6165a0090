"""`renaksi-xl pengaturan BOOK --dari KANTOR.toml [--out PATH]`: fill Pengaturan without Excel.

The file (TOML, keys in Indonesian):

    [setelan]              # every key optional
    unit = "Dinas Komunikasi dan Informatika"
    pemda = "Kabupaten Contoh"
    tahun = 2025
    mode = "Lokal"         # or "Server"
    url_server = "https://renaksi.contoh.go.id"
    jam_masuk = "07:30"
    jam_pulang = "16:00"
    nip_pengguna = "..."   # NIP of who uses this copy (mode Lokal)

    [[pejabat]]            # peran from the workbook's SOP, nama, nip (18 digits), email
    peran = "Kepala Dinas"
    nama = "..."
    nip = "..."
    email = "kadis@contoh.go.id"

    [[libur]]
    tanggal = 2025-03-31
    keterangan = "Cuti bersama Idulfitri"
    jenis = "Cuti Bersama"   # Libur | Cuti Bersama | Hari Kerja

Officials merge into tblPejabat: a row with the same NIP is updated, a role's blank row is
filled, others are added. Once step 1 is recorded the only changes allowed are new officials
and emails where there were none (the records name the officials of their time). Every change
is written to the Log (action `pengaturan`). The run goes through the same engine as a button
(`headless.run_on_file`): checks first, nothing written on a refusal.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from . import configfile, layout
from .errors import InputError, Refused
from .nip import nip_problem

ACTION = "pengaturan"
MACRO_KOP = "Renaksi_KopHalaman"
MAX_FILE_BYTES = configfile.MAX_BYTES
MAX_ROWS = 200

SETELAN_KEYS = {
    "unit": layout.SET_UNIT,
    "pemda": layout.SET_PEMDA,
    "tahun": layout.SET_TAHUN,
    "mode": layout.SET_MODE,
    "url_server": layout.SET_SERVER_URL,
    "jam_masuk": layout.SET_JAM_MASUK,
    "jam_pulang": layout.SET_JAM_PULANG,
    "nip_pengguna": layout.SET_PEJABAT_AKTIF,
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass
class OfficeFile:
    settings: dict[str, str] = field(default_factory=dict)  # tblSetelan key -> value
    pejabat: list[dict[str, str]] = field(default_factory=list)  # peran, nama, nip, email
    libur: list[list[str]] = field(default_factory=list)  # [YYYY-MM-DD, keterangan, jenis]


def _fail(where: str, key: str, what: str) -> NoReturn:
    raise InputError(f"{where}: kunci '{key}' {what}.")


def _text(where: str, key: str, value, *, required: bool = True) -> str:
    if value is None:
        if required:
            _fail(where, key, "wajib diisi")
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        _fail(where, key, "harus berupa teks dalam tanda kutip")
    text = str(value).strip()
    if required and not text:
        _fail(where, key, "tidak boleh kosong")
    if len(text) > 500 or any(ord(ch) < 32 for ch in text):
        _fail(where, key, "terlalu panjang atau berisi karakter kendali")
    return text


def parse(text: str, where: str) -> OfficeFile:
    raw = configfile.parse_toml(text, where)
    extra = sorted(set(raw) - {"setelan", "pejabat", "libur"})
    if extra:
        _fail(where, extra[0], "tidak dikenal; yang dikenal: [setelan], [[pejabat]], [[libur]]")
    out = OfficeFile()
    setelan = raw.get("setelan", {})
    if not isinstance(setelan, dict):
        _fail(where, "setelan", "harus berupa tabel [setelan]")
    for key, value in setelan.items():
        if key not in SETELAN_KEYS:
            _fail(where, f"setelan.{key}", "tidak dikenal; yang dikenal: " + ", ".join(SETELAN_KEYS))
        out.settings[SETELAN_KEYS[key]] = _setting(where, key, value)
    for name in ("pejabat", "libur"):
        rows = raw.get(name, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            _fail(where, name, f"harus berupa daftar tabel [[{name}]]")
        if len(rows) > MAX_ROWS:
            _fail(where, name, f"berisi {len(rows)} baris; paling banyak {MAX_ROWS}")
    for i, row in enumerate(raw.get("pejabat", []), start=1):
        key = f"pejabat[{i}]"
        extra = sorted(set(row) - {"peran", "nama", "nip", "email"})
        if extra:
            _fail(where, f"{key}.{extra[0]}", "tidak dikenal (peran, nama, nip, email)")
        nip_raw = row.get("nip")
        if nip_raw is not None and not isinstance(nip_raw, str):
            _fail(where, f"{key}.nip", "harus ditulis sebagai teks dalam tanda kutip (18 angka)")
        nip = _text(where, f"{key}.nip", nip_raw)
        problem = nip_problem(nip)
        if problem:
            _fail(where, f"{key}.nip", f"bernilai '{nip}': {problem}")
        email = _text(where, f"{key}.email", row.get("email"), required=False)
        if email and not _EMAIL.match(email):
            _fail(where, f"{key}.email", f"bernilai '{email}', bukan alamat email")
        out.pejabat.append(
            {
                "peran": _text(where, f"{key}.peran", row.get("peran")),
                "nama": _text(where, f"{key}.nama", row.get("nama")),
                "nip": nip,
                "email": email,
            }
        )
    for i, row in enumerate(raw.get("libur", []), start=1):
        key = f"libur[{i}]"
        extra = sorted(set(row) - {"tanggal", "keterangan", "jenis"})
        if extra:
            _fail(where, f"{key}.{extra[0]}", "tidak dikenal (tanggal, keterangan, jenis)")
        day = row.get("tanggal")
        if isinstance(day, str):
            try:
                day = dt.date.fromisoformat(day.strip())
            except ValueError:
                day = None
        if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
            _fail(where, f"{key}.tanggal", "harus berupa tanggal, misalnya 2025-03-31")
        jenis = _text(where, f"{key}.jenis", row.get("jenis", "Libur"))
        match = next((j for j in layout.LIBUR_JENIS if j.lower() == jenis.lower()), None)
        if match is None:
            _fail(where, f"{key}.jenis", f"bernilai '{jenis}'; pilih: " + ", ".join(layout.LIBUR_JENIS))
        out.libur.append([day.isoformat(), _text(where, f"{key}.keterangan", row.get("keterangan")), match])
    return out


def _setting(where: str, key: str, value) -> str:
    full = f"setelan.{key}"
    if key == "tahun":
        text = _text(where, full, value)
        if not re.fullmatch(r"20\d\d", text):
            _fail(where, full, f"bernilai '{text}'; tulis tahun empat angka, misalnya 2025")
        return text
    text = _text(where, full, value)
    if key == "mode":
        match = next((m for m in layout.MODES if m.lower() == text.lower()), None)
        if match is None:
            _fail(where, full, f"bernilai '{text}'; pilih " + " atau ".join(layout.MODES))
        return match
    if key == "url_server" and not re.match(r"^https?://\S+$", text):
        _fail(where, full, f"bernilai '{text}'; alamat harus diawali http:// atau https://")
    if key in ("jam_masuk", "jam_pulang") and not _HHMM.match(text):
        _fail(where, full, f"bernilai '{text}'; tulis jam sebagai JJ:MM, misalnya 07:30")
    if key == "nip_pengguna":
        problem = nip_problem(text)
        if problem:
            _fail(where, full, f"bernilai '{text}': {problem}")
    return text


def load(path: str | Path) -> OfficeFile:
    where = f"Berkas pengaturan '{path}'"
    return parse(configfile.read_text(path, where), where)


# --------------------------------------------------------------------------- applying
def _apply_as_text(book, office: OfficeFile, where: str) -> str:
    """`apply`, then every text it wrote marked as text (renaksi_xl.cellsafe), as for every action:
    a unit named '=HYPERLINK(...)' stays that text in Pengaturan and on Beranda."""
    from .cellsafe import protect_book

    summary = apply(book, office, where)
    protect_book(book)
    return summary


def apply(book, office: OfficeFile, where: str) -> str:
    """Merge the file into Pengaturan (through xlwings); the summary lists every change."""
    from . import sop, tables
    from .context import ActionContext
    from .integrity import field_text
    from .workflow import _refresh_identity, record_run, state_of

    s = sop.from_book(book)
    for i, p in enumerate(office.pejabat, start=1):
        if p["peran"] not in s.roles:
            raise InputError(
                f"{where}: kunci 'pejabat[{i}].peran' bernilai '{p['peran']}', bukan peran dalam SOP buku "
                f"kerja (nomor {s.nomor}): " + ", ".join(s.roles) + "."
            )
    started = any(r.step == 1 for r in state_of(book, s).records)
    changes: list[str] = []
    forbidden: list[str] = []

    settings = tables.read_settings(book)
    for key, value in office.settings.items():
        if field_text(settings.get(key)) != value:
            changes.append(f"{key}: '{field_text(settings.get(key))}' -> '{value}'")
            forbidden.append(f"setelan '{key}'")
            tables.write_setting(book, key, value)

    data = tables.read_table(book, layout.TBL_PEJABAT)
    header = data.header
    if "Email" not in header and any(p["email"] for p in office.pejabat):
        raise InputError(
            f"Tabel {layout.TBL_PEJABAT} buku kerja ini belum memiliki kolom Email (buku kerja versi lama): "
            "bangun buku kerja baru dengan renaksi-xl build."
        )
    rows = [list(r) for r in data.rows]
    col = {h: header.index(h) for h in ("Peran", "Nama", "NIP", "Email") if h in header}
    for p in office.pejabat:
        row = next((r for r in rows if field_text(r[col["NIP"]]) == p["nip"]), None)
        if row is None:
            row = next(
                (
                    r
                    for r in rows
                    if field_text(r[col["Peran"]]) == p["peran"]
                    and not field_text(r[col["Nama"]])
                    and not field_text(r[col["NIP"]])
                ),
                None,
            )
            if row is None:
                row = [None] * len(header)
                rows.append(row)
            changes.append(f"pejabat baru: {p['peran']} {p['nama']} (NIP {p['nip']})")
            for h, k in (("Peran", "peran"), ("Nama", "nama"), ("NIP", "nip"), ("Email", "email")):
                if h in col:
                    row[col[h]] = p[k] or None
            continue
        for h, k in (("Peran", "peran"), ("Nama", "nama"), ("Email", "email")):
            if h not in col or not p[k] or field_text(row[col[h]]) == p[k]:
                continue
            old = field_text(row[col[h]])
            changes.append(f"{h} pejabat NIP {p['nip']}: '{old}' -> '{p[k]}'")
            if not (h == "Email" and not old):
                forbidden.append(f"{h} pejabat NIP {p['nip']}")
            row[col[h]] = p[k]
    capacity = _pejabat_capacity(book)
    if len(rows) > capacity:
        raise InputError(
            f"{where}: tabel {layout.TBL_PEJABAT} (lembar {layout.SHEET_PENGATURAN}) muat {capacity} pejabat; "
            f"berkas ini membuatnya {len(rows)}."
        )
    if rows != [list(r) for r in data.rows]:
        _text_nip_cells(book, data, len(rows), col["NIP"])
        tables.write_table(book, layout.TBL_PEJABAT, rows, columns=header)

    libur = tables.read_table(book, layout.TBL_LIBUR)
    days = [list(r) for r in libur.rows]
    t = libur.col("Tanggal")
    for entry in office.libur:
        current = next((r for r in days if _iso(r[t]) == entry[0]), None)
        if current is not None and [field_text(v) for v in current[1:]] == entry[1:]:
            continue
        forbidden.append(f"libur {entry[0]}")
        changes.append(f"libur {entry[0]}: {entry[1]} ({entry[2]})")
        if current is None:
            days.append(entry)
        else:
            current[:] = entry
    if office.libur:
        tables.write_table(
            book, layout.TBL_LIBUR, sorted(days, key=lambda r: _iso(r[t])), columns=libur.header
        )

    if started and forbidden:
        raise Refused(
            "Langkah 1 sudah tercatat: pengaturan yang menjadi dasar catatan tidak boleh diubah lagi, "
            "kecuali menambah pejabat atau email. Berkas ini mengubah: " + ", ".join(forbidden[:5]) + "."
        )
    if not changes:
        return "Pengaturan sudah sama dengan berkas; tidak ada yang diubah."
    now = {**settings, **office.settings}
    _refresh_identity(book, now)
    unit = field_text(now.get(layout.SET_UNIT))
    if layout.SET_UNIT in office.settings:
        book.macro(MACRO_KOP)(unit)
    summary = f"Pengaturan diubah dari {Path(where.split(chr(39))[1]).name}: " + "; ".join(changes)
    record_run(book, ACTION, ActionContext(), summary)
    return summary


def _iso(value) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    return str(value or "").strip()[:10]


def _pejabat_capacity(book) -> int:
    """Rows tblPejabat may grow to before it would run into the next table's heading."""
    pejabat = book.sheets[layout.SHEET_PENGATURAN].tables[layout.TBL_PEJABAT]
    nxt = book.sheets[layout.SHEET_PENGATURAN].tables[layout.TBL_PERAN_LANGKAH]
    return nxt.header_row_range.row - pejabat.header_row_range.row - 3


def _text_nip_cells(book, data, nrows: int, nip_col: int) -> None:
    """NIP cells are Text before the 18 digits go in, so Excel keeps them exact."""
    sheet = book.sheets[layout.SHEET_PENGATURAN]
    header_row = sheet.tables[layout.TBL_PEJABAT].header_row_range.row
    for i in range(nrows):
        sheet.range((header_row + 1 + i, data.first_col + nip_col)).number_format = "@"


def cmd_pengaturan(args) -> int:
    from . import headless
    from .cli import with_book_name
    from .runner import _existing_file, check_out

    office = load(args.dari)
    where = f"Berkas pengaturan '{args.dari}'"
    book = _existing_file("Buku kerja", str(args.book))
    out = args.out
    if out is not None:  # as `run --out`: never over an input, never through a symlink
        if Path(out).exists() and os.path.samefile(out, book) and not Path(out).is_symlink():
            out = None
        else:
            from .outputs import check_output

            out = check_output(check_out(out, book.name), option="--out")
    try:
        summary, _ = headless.run_on_file(book, lambda b: _apply_as_text(b, office, where), out_path=out)
    except Refused as exc:
        print(f"Ditolak: {exc.message}", file=sys.stderr)
        print("Buku kerja tidak diubah.", file=sys.stderr)
        return exc.exit_code
    except InputError as exc:
        print(f"Galat: {with_book_name(exc.message, args, exc)}", file=sys.stderr)
        print("Buku kerja tidak diubah.", file=sys.stderr)
        return exc.exit_code
    print(summary)
    print(f"Selesai: hasil disimpan di {args.out or args.book}.")
    return 0


def _kop_twin():
    from .headless import macro_equivalent

    @macro_equivalent(MACRO_KOP)
    def _kop(wb, unit, *args) -> None:
        """Headless twin of Renaksi_KopHalaman(wb, unit): the page header names the unit."""
        for ws in wb.worksheets:
            if ws.oddHeader.left.text:
                ws.oddHeader.left.text = f"Rencana Aksi {unit}"


_kop_twin()
