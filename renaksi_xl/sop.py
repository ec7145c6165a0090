"""The SOP Penyusunan Rencana Aksi as data: a TOML file, its model and its checks.

Every unit (kecamatan, dinas, badan) has its own SOP: its number, legal basis, roles
and steps. `load(path)` reads one (`renaksi-xl build --sop SOP.toml`); `default()` is
the shipped example, Kecamatan Neglasari's SOP 004/000.9.3.3/I/2024
(`workbook/sop/neglasari.toml`, installed as package data). A built workbook carries
its SOP's text on the hidden sheet `_SOP` (`from_book`), so every command reads the
SOP the workbook was built with.

API for other modules: `Sop.steps`, `Sop.step(n)`, `Sop.step_of_kind(kind)` (the one
`data`/`susun`/`pemeriksaan`/`penetapan`/`disposisi` step), `Sop.steps_of_kind(kind)`,
`Sop.roles` (in order of first appearance), `Sop.roles_of_kind(kind)`.

Every problem with a file is an `SopError` (an `InputError`, exit 2) whose Indonesian
message names the key (`langkah[3].jenis`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from . import configfile
from .errors import InputError
from .layout import MONTHS

PARAF = "Paraf"
TANDA_TANGAN = "Tanda Tangan"
DEFAULT_REPORT_DAY = 10  # realisasi of a quarter is due on this day of the following month
LAST_REPORT_DAY = 28  # a day every month has

# The kinds of step (`jenis`) and the action that records each.
DISPOSISI = "disposisi"
DATA = "data"
SUSUN = "susun"
PEMBAHASAN = "pembahasan"
PARAF_STEP = "paraf"
PEMERIKSAAN = "pemeriksaan"
PENETAPAN = "penetapan"
KINDS = (DISPOSISI, DATA, SUSUN, PEMBAHASAN, PARAF_STEP, PEMERIKSAAN, PENETAPAN)
KIND_ACTION = {
    DISPOSISI: "catat-disposisi",
    DATA: "tarik-dpa",
    SUSUN: "susun",
    PEMBAHASAN: "catat-pembahasan",
    PARAF_STEP: "paraf",
    PEMERIKSAAN: "paraf-pemeriksaan",
    PENETAPAN: "tetapkan",
}
# Kinds that must occur exactly once; `paraf` may occur any number of times, `pembahasan` at most once.
ONCE = (DISPOSISI, DATA, SUSUN, PEMERIKSAAN, PENETAPAN)
MAX_STEPS = 15
MAX_TEXT = 2000
MAX_FILE_BYTES = configfile.MAX_BYTES

SHIPPED_NAME = "neglasari.toml"


class SopError(InputError):
    """The SOP file is unusable; the message (Indonesian) names the file and the key."""


@dataclass(frozen=True)
class StandardTime:
    """A Mutu Baku time: working days plus minutes ("2 hari", "1 hari 30 menit", "4 jam")."""

    days: int = 0
    minutes: int = 0

    def label(self) -> str:
        parts = []
        if self.days:
            parts.append(f"{self.days} hari")
        hours, minutes = divmod(self.minutes, 60)
        if hours:
            parts.append(f"{hours} jam")
        if minutes:
            parts.append(f"{minutes} menit")
        return " ".join(parts) or "0 menit"


@dataclass(frozen=True)
class Step:
    number: int
    uraian: str  # Uraian Prosedur
    role: str  # Pelaksana
    kelengkapan: str  # Kelengkapan dan Peralatan (inputs)
    waktu: StandardTime  # Mutu Baku: Waktu
    output: str
    pengesahan: str  # PARAF or TANDA_TANGAN
    kind: str = ""  # jenis: one of KINDS

    @property
    def action(self) -> str:
        return KIND_ACTION[self.kind]


@dataclass(frozen=True)
class Approver:
    jabatan: str
    nama: str
    nip: str


@dataclass(frozen=True)
class Sop:
    nama: str
    nomor: str
    unit: str
    pemda: str
    tanggal_pengesahan: dt.date
    tanggal_revisi: dt.date | None
    disahkan_oleh: Approver
    dasar_hukum: tuple[str, ...]
    steps: tuple[Step, ...]
    kualifikasi_pelaksana: tuple[str, ...] = ()
    keterkaitan: tuple[str, ...] = ()
    peralatan: tuple[str, ...] = ()
    peringatan: str = ""
    pencatatan: tuple[str, ...] = ()
    pencatatan_catatan: str = ""
    pelaksana: tuple[str, ...] = ()  # the SOP table's Pelaksana columns, in order (optional)
    # the day of the month after a quarter by which its realisasi is reported (optional, default 10)
    batas_laporan_realisasi: int = DEFAULT_REPORT_DAY
    text: str = field(default="", compare=False, repr=False)  # the TOML it was read from

    # --- steps and roles
    def step(self, number: int) -> Step:
        return self.steps[number - 1]

    def steps_of_kind(self, kind: str) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.kind == kind)

    def step_of_kind(self, kind: str) -> Step:
        """The step of a kind that occurs once (disposisi, data, susun, pemeriksaan, penetapan)."""
        found = self.steps_of_kind(kind)
        if len(found) != 1:
            raise KeyError(f"SOP has {len(found)} steps of kind {kind!r}")
        return found[0]

    @property
    def roles(self) -> tuple[str, ...]:
        """Every Pelaksana: in the order of `[sop] pelaksana` if given, else of first appearance."""
        return self.pelaksana or tuple(dict.fromkeys(s.role for s in self.steps))

    def roles_of_kind(self, kind: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.role for s in self.steps_of_kind(kind)))

    @property
    def number_of_steps(self) -> int:
        return len(self.steps)

    # --- labels
    @property
    def total_time(self) -> StandardTime:
        days = sum(s.waktu.days for s in self.steps)
        minutes = sum(s.waktu.minutes for s in self.steps)
        return StandardTime(days + minutes // (24 * 60), minutes % (24 * 60))

    @property
    def total_time_label(self) -> str:
        return self.total_time.label()

    @property
    def tanggal_pengesahan_label(self) -> str:
        return tanggal(self.tanggal_pengesahan)

    @property
    def tanggal_revisi_label(self) -> str:
        return tanggal(self.tanggal_revisi) if self.tanggal_revisi else "-"

    @property
    def digest(self) -> str:
        """SHA-256 of the SOP's text: what a verifier compares with the SOP it trusts."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def pencatatan_lines(self) -> tuple[str, ...]:
        """'Pencatatan dan Pendataan': as written, or one line per role from the steps."""
        if self.pencatatan:
            return self.pencatatan
        out = []
        for role in self.roles:
            kinds = {s.pengesahan for s in self.steps if s.role == role}
            how = "tanda tangan" if TANDA_TANGAN in kinds else "paraf"
            out.append(f"{role} : Lembar disposisi, {how}")
        return tuple(out)


def tanggal(day: dt.date) -> str:
    """'8 Januari 2025' (a datetime gives its date)."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


# --------------------------------------------------------------------------- NIP
def check_nip(value, where: str) -> str:
    """An 18-digit NIP whose parts make sense, or SopError naming the wrong part.

    Layout (PP 11/2017 and its predecessors): birth date yyyymmdd, TMT CPNS yyyymm,
    sex (1 man, 2 woman), a 3-digit sequence.
    """
    from .nip import nip_problem

    text = value if isinstance(value, str) else ""
    problem = nip_problem(text) if isinstance(value, str) else "harus ditulis sebagai teks dalam tanda kutip"
    if problem:
        raise SopError(f"{where}: NIP '{value}' {problem}.")
    return text.strip()


# --------------------------------------------------------------------------- parsing
_TIME_PART = re.compile(r"(\d+)\s*(hari|jam|menit)", re.IGNORECASE)
_TIME_WHOLE = re.compile(r"^\s*(\d+\s*(hari|jam|menit)\s*)+$", re.IGNORECASE)


def parse_time(text: str) -> StandardTime | None:
    """'2 hari', '1 hari 30 menit', '4 jam', '10 menit' -> StandardTime (None if not such)."""
    if not isinstance(text, str) or not _TIME_WHOLE.match(text):
        return None
    days = minutes = 0
    for num, unit in _TIME_PART.findall(text):
        n, unit = int(num), unit.lower()
        if unit == "hari":
            days += n
        elif unit == "jam":
            minutes += 60 * n
        else:
            minutes += n
    if days == 0 and minutes == 0:
        return None
    return StandardTime(days + minutes // (24 * 60), minutes % (24 * 60))


class _Reader:
    """Typed access to a TOML table, every problem named by its key."""

    def __init__(self, where: str, table: dict, prefix: str):
        self.where, self.table, self.prefix = where, table, prefix

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def fail(self, name: str, what: str) -> NoReturn:
        raise SopError(f"{self.where}: kunci '{self.key(name)}' {what}.")

    def text(self, name: str, *, required: bool = True, default: str = "") -> str:
        if name not in self.table:
            if required:
                self.fail(name, "wajib diisi")
            return default
        value = self.table[name]
        if not isinstance(value, str):
            self.fail(name, f"harus berupa teks dalam tanda kutip, bukan {_kind(value)}")
        value = value.strip()
        if required and not value:
            self.fail(name, "tidak boleh kosong")
        if len(value) > MAX_TEXT:
            self.fail(name, f"terlalu panjang ({len(value)} karakter; paling banyak {MAX_TEXT})")
        if any(ord(ch) < 32 and ch not in "\t\n" for ch in value):
            self.fail(name, "berisi karakter kendali")
        return value

    def texts(self, name: str, *, required: bool = False) -> tuple[str, ...]:
        if name not in self.table:
            if required:
                self.fail(name, 'wajib diisi (daftar teks, misalnya ["...", "..."])')
            return ()
        value = self.table[name]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(name, 'harus berupa daftar teks yang tidak kosong, misalnya ["...", "..."]')
        if required and not value:
            self.fail(name, "tidak boleh kosong")
        return tuple(
            _Reader(self.where, {f"{name}[{i + 1}]": v}, self.prefix).text(f"{name}[{i + 1}]")
            for i, v in enumerate(value)
        )

    def date(self, name: str, *, required: bool = True) -> dt.date | None:
        if name not in self.table:
            if required:
                self.fail(name, "wajib diisi (tanggal TOML, misalnya 2024-02-01)")
            return None
        value = self.table[name]
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            self.fail(name, "harus berupa tanggal TOML tanpa tanda kutip, misalnya 2024-02-01")
        return value

    def day_of_month(self, name: str, default: int) -> int:
        if name not in self.table:
            return default
        value = self.table[name]
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= LAST_REPORT_DAY:
            self.fail(
                name, f"harus berupa angka tanggal 1 sampai {LAST_REPORT_DAY} tanpa tanda kutip, misalnya 10"
            )
        return value

    def table_of(self, name: str) -> dict:
        value = self.table.get(name)
        if not isinstance(value, dict):
            self.fail(name, "wajib diisi sebagai tabel [" + self.key(name) + "]")
        return value

    def unknown(self, known: set[str]) -> None:
        extra = sorted(set(self.table) - known)
        if extra:
            self.fail(extra[0], "tidak dikenal (periksa ejaannya)")


def _kind(value) -> str:
    if isinstance(value, bool):
        return "nilai benar/salah"
    if isinstance(value, (int, float)):
        return "angka"
    if isinstance(value, (dt.date, dt.time)):
        return "tanggal/waktu"
    if isinstance(value, list):
        return "daftar"
    if isinstance(value, dict):
        return "tabel"
    return type(value).__name__


SOP_KEYS = {
    "nama",
    "nomor",
    "unit",
    "pemda",
    "tanggal_pengesahan",
    "tanggal_revisi",
    "dasar_hukum",
    "kualifikasi_pelaksana",
    "keterkaitan",
    "peralatan",
    "peringatan",
    "pencatatan",
    "pencatatan_catatan",
    "disahkan_oleh",
    "pelaksana",
    "batas_laporan_realisasi",
}
STEP_KEYS = {"uraian", "pelaksana", "jenis", "kelengkapan", "waktu", "output", "pengesahan"}


def differences(own: Sop, other: Sop) -> list[str]:
    """What differs between two SOPs, by the keys of the SOP file ('langkah[3]', 'sop.nomor', ...);
    texts that parse the same (comments, layout) differ only as 'teks berkas SOP'."""
    import dataclasses

    out = []
    for f in dataclasses.fields(Sop):
        if f.name in ("text", "steps"):
            continue
        if getattr(own, f.name) != getattr(other, f.name):
            out.append(f"kunci 'sop.{f.name}' berbeda")
    for n in range(1, max(len(own.steps), len(other.steps)) + 1):
        mine = own.steps[n - 1] if n <= len(own.steps) else None
        theirs = other.steps[n - 1] if n <= len(other.steps) else None
        if mine != theirs:
            out.append(f"langkah[{n}] " + ("berbeda" if mine and theirs else "hanya ada di salah satu SOP"))
    return out or ["isinya sama, hanya teks berkas SOP yang berbeda (komentar atau tata letak)"]


def from_text(text: str, where: str = "Berkas SOP") -> Sop:
    """Parse and check an SOP TOML text."""
    raw = configfile.parse_toml(text, where, SopError)
    top = _Reader(where, raw, "")
    top.unknown({"sop", "langkah"})
    head = _Reader(where, top.table_of("sop"), "sop")
    head.unknown(SOP_KEYS)
    ident: dict[str, Any] = {k: head.text(k) for k in ("nama", "nomor", "unit", "pemda")}
    ident["tanggal_pengesahan"] = head.date("tanggal_pengesahan")
    ok = _Reader(where, head.table_of("disahkan_oleh"), "sop.disahkan_oleh")
    ok.unknown({"jabatan", "nama", "nip"})
    if "nip" not in ok.table:
        ok.fail("nip", "wajib diisi")
    approver = Approver(
        ok.text("jabatan"),
        ok.text("nama"),
        check_nip(ok.table["nip"], f"{where}, kunci 'sop.disahkan_oleh.nip'"),
    )
    steps = _steps(where, raw.get("langkah"))
    return Sop(
        **ident,
        tanggal_revisi=head.date("tanggal_revisi", required=False),
        disahkan_oleh=approver,
        dasar_hukum=head.texts("dasar_hukum", required=True),
        steps=steps,
        kualifikasi_pelaksana=head.texts("kualifikasi_pelaksana"),
        keterkaitan=head.texts("keterkaitan"),
        peralatan=head.texts("peralatan"),
        peringatan=head.text("peringatan", required=False),
        pencatatan=head.texts("pencatatan"),
        pencatatan_catatan=head.text("pencatatan_catatan", required=False),
        pelaksana=_pelaksana(head, steps),
        batas_laporan_realisasi=head.day_of_month("batas_laporan_realisasi", DEFAULT_REPORT_DAY),
        text=text,
    )


def _pelaksana(head: _Reader, steps: tuple[Step, ...]) -> tuple[str, ...]:
    """`[sop] pelaksana`: the SOP table's role columns in order; exactly the steps' roles."""
    order = head.texts("pelaksana")
    if not order:
        return ()
    used = set(s.role for s in steps)
    missing = [r for r in dict.fromkeys(s.role for s in steps) if r not in order]
    if missing:
        head.fail("pelaksana", f"tidak memuat pelaksana langkah: {', '.join(missing)}")
    unused = [r for r in order if r not in used]
    if unused or len(set(order)) != len(order):
        head.fail(
            "pelaksana",
            f"memuat peran yang bukan pelaksana langkah mana pun atau berulang: {', '.join(unused) or order}",
        )
    return order


def _steps(where: str, raw) -> tuple[Step, ...]:
    if raw is None:
        raise SopError(f"{where}: kunci 'langkah' wajib diisi: tulis setiap langkah sebagai [[langkah]].")
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        raise SopError(f"{where}: kunci 'langkah' harus berupa daftar tabel [[langkah]].")
    if len(raw) > MAX_STEPS:
        raise SopError(f"{where}: kunci 'langkah' berisi {len(raw)} langkah; paling banyak {MAX_STEPS}.")
    steps = []
    for i, entry in enumerate(raw, start=1):
        r = _Reader(where, entry, f"langkah[{i}]")
        r.unknown(STEP_KEYS)
        kind = r.text("jenis").lower()
        if kind not in KINDS:
            r.fail("jenis", f"bernilai '{entry['jenis']}'; pilih salah satu: {', '.join(KINDS)}")
        waktu_text = r.text("waktu")
        waktu = parse_time(waktu_text)
        if waktu is None:
            r.fail("waktu", f'bernilai \'{waktu_text}\'; tulis seperti "2 hari", "1 hari 30 menit", "4 jam"')
        how = r.text("pengesahan").lower()
        pengesahan = {"paraf": PARAF, "tanda tangan": TANDA_TANGAN}.get(how)
        if pengesahan is None:
            r.fail("pengesahan", f'bernilai \'{entry["pengesahan"]}\'; pilih "paraf" atau "tanda tangan"')
        steps.append(
            Step(
                i,
                r.text("uraian"),
                r.text("pelaksana"),
                r.text("kelengkapan"),
                waktu,
                r.text("output"),
                pengesahan,
                kind,
            )
        )
    _check_order(where, steps)
    return tuple(steps)


def _check_order(where: str, steps: list[Step]) -> None:
    def fail(msg: str) -> NoReturn:
        raise SopError(f"{where}: {msg}")

    kinds = [s.kind for s in steps]
    for k in ONCE:
        n = kinds.count(k)
        if n != 1:
            fail(
                f"SOP harus memiliki tepat satu langkah dengan jenis = \"{k}\" (kunci 'langkah[..].jenis'); "
                f"ditemukan {n}."
            )
    if kinds.count(PEMBAHASAN) > 1:
        at = [s.number for s in steps if s.kind == PEMBAHASAN]
        fail(f'paling banyak satu langkah berjenis "pembahasan"; ditemukan di langkah {at}.')
    pos = {k: kinds.index(k) + 1 for k in ONCE}
    if pos[DISPOSISI] != 1:
        fail(f'kunci \'langkah[1].jenis\' harus "disposisi" (langkah pertama), bukan "{kinds[0]}".')
    if pos[PENETAPAN] != len(steps):
        fail(
            f'kunci \'langkah[{len(steps)}].jenis\' harus "penetapan" (langkah terakhir), bukan "{kinds[-1]}".'
        )
    if not pos[DATA] < pos[SUSUN]:
        fail(
            f'kunci \'langkah[{pos[DATA]}].jenis\': langkah "data" harus sebelum langkah "susun" (langkah {pos[SUSUN]}).'
        )
    if not pos[SUSUN] < pos[PEMERIKSAAN]:
        fail(
            f"kunci 'langkah[{pos[PEMERIKSAAN]}].jenis': langkah \"pemeriksaan\" harus sesudah langkah "
            f'"susun" (langkah {pos[SUSUN]}).'
        )
    for s in steps:
        if s.kind in (PEMBAHASAN, PARAF_STEP) and s.number < pos[SUSUN]:
            fail(
                f"kunci 'langkah[{s.number}].jenis': langkah \"{s.kind}\" menelaah draft, jadi harus sesudah "
                f'langkah "susun" (langkah {pos[SUSUN]}).'
            )


def load(path: str | Path) -> Sop:
    """Read and check an SOP file; SopError (exit 2) names the file and the key."""
    where = f"Berkas SOP '{path}'"
    return from_text(configfile.read_text(path, where, SopError), where)


def shipped_path() -> Path:
    """The shipped example SOP (package data `renaksi_xl._workbook/sop/neglasari.toml`)."""
    from .resources import workbook_file

    return workbook_file("sop", SHIPPED_NAME)


@functools.lru_cache(maxsize=1)
def default() -> Sop:
    """Kecamatan Neglasari's SOP, the default of `renaksi-xl build`."""
    return load(shipped_path())


# --------------------------------------------------------------------------- in the workbook
def from_book(book) -> Sop:
    """The SOP a workbook was built with (hidden sheet `_SOP`); the default for older workbooks."""
    from . import layout, tables

    try:
        data = tables.read_table(book, layout.TBL_SOP_SOURCE)
    except tables.WorkbookError:
        return default()
    lines = [(r[1] if isinstance(r[1], str) else "") for r in data.rows]
    text = "\n".join(lines) + "\n"
    if text == default().text:
        return default()
    return _from_book_text(text)


@functools.lru_cache(maxsize=32)
def _from_book_text(text: str) -> Sop:
    from . import layout

    return from_text(text, f"SOP di lembar {layout.SHEET_SOP_SOURCE} (tabel {layout.TBL_SOP_SOURCE})")


def source_rows(s: Sop) -> list[list]:
    """Rows of the `_SOP` table: [line number, line] for every line of the SOP's text."""
    lines = s.text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [[i, line] for i, line in enumerate(lines, start=1)]


# --------------------------------------------------------------------------- compatibility
# Names the rest of the code used before the SOP became data: the default SOP's values.
_COMPAT = {
    "SOP_NUMBER": lambda s: s.nomor,
    "SOP_NAME": lambda s: s.nama,
    "SOP_UNIT": lambda s: s.unit,
    "SOP_PEMDA": lambda s: s.pemda,
    "SOP_TANGGAL_PENGESAHAN": lambda s: s.tanggal_pengesahan_label,
    "SOP_TANGGAL_REVISI": lambda s: s.tanggal_revisi_label,
    "SOP_DISAHKAN_OLEH": lambda s: (s.disahkan_oleh.jabatan, s.disahkan_oleh.nama, s.disahkan_oleh.nip),
    "STEPS": lambda s: s.steps,
    "TOTAL_TIME_LABEL": lambda s: s.total_time_label,
    "DASAR_HUKUM": lambda s: s.dasar_hukum,
    "KUALIFIKASI_PELAKSANA": lambda s: s.kualifikasi_pelaksana,
    "KETERKAITAN": lambda s: s.keterkaitan,
    "PERALATAN": lambda s: s.peralatan,
    "PERINGATAN": lambda s: s.peringatan,
    "PENCATATAN": lambda s: s.pencatatan_lines(),
    "PENCATATAN_CATATAN": lambda s: s.pencatatan_catatan,
}


def __getattr__(name: str):
    if name in _COMPAT:
        return _COMPAT[name](default())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def step(number: int) -> Step:
    """Step `number` of the default SOP (code that has a workbook uses `from_book(book).step`)."""
    return default().step(number)
