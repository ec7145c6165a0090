"""One parser over grids of cell values -> normalized DPA records.

Two layouts are recognized per grid (sheet), automatically:

* **SIPD "DPA Rincian Belanja"** (and RKA of the same layout): fields are found
  by their labels, never by fixed cells.  A label is the first non-empty cell
  of a row (`Program`, `Kegiatan`, `Sub Kegiatan`, `Sumber Pendanaan`,
  `Lokasi`, ...) or a cell `Label : value`; its value is the next non-empty
  cell to the right, skipping `:` cells.  Merged cells need nothing special:
  python-calamine and Excel give the value in the top-left cell, which is the
  first non-empty cell of the merge.  A grid may hold any number of sub
  kegiatan one below the other; a workbook may hold one per sheet.
* **Flat import template** (one row per sub kegiatan, the `tblDPA` headers),
  recognized by its header row; also what the CSV reader produces.

Hidden rows: python-calamine does not expose row visibility, and SIPD's own
totals include every line, so hidden rows are read as data like any other.

What blocks the import (errors) and what is only shown (warnings):

* errors: codes that are not text or not code-shaped, text where an amount
  must be, missing sub kegiatan/pagu, duplicated sub kegiatan, and a monthly
  cash plan that does not add up to the pagu.  The cash plan feeds the
  quarterly `Keuangan s.d. TW` targets; SIPD itself only accepts an anggaran
  kas equal to the pagu, so a plan that does not add up means the file is
  incomplete or was edited, and importing it would produce exactly the
  drifting finance targets this tool exists to prevent.  The message gives
  both figures and cells so the user can fix the file in a minute.
* warnings: spending lines that do not add up to the pagu *while the cash plan
  confirms the pagu* (the lines do not feed the plan; two sources agree on
  the figure that does), a missing cash plan (RKA files; Susun Draft then
  spreads the pagu evenly), a missing or unreadable output target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .. import layout
from .grid import (
    CODE_LABEL,
    OLD_NOMENCLATURE,
    Findings,
    Grid,
    check_code,
    is_blank,
    is_old_sub_code,
    mangled_code,
    norm,
    split_code,
)
from .numbers import ambiguity_hint, format_rupiah, parse_number, parse_target, same_amount

RECORD_KEYS = (
    "kode_sub_kegiatan",
    "sub_kegiatan",
    "kode_kegiatan",
    "kegiatan",
    "kode_program",
    "program",
    "indikator_keluaran",
    "target_keluaran",
    "satuan",
    "sumber_dana",
    "lokasi",
    "pagu",
    "kas",
    "keluaran",
    "pagu_sebelum",
)

# Labels of the SIPD layout (normalized with grid.norm) -> field.
LABELS = {
    "program": "program",
    "kegiatan": "kegiatan",
    "sub kegiatan": "sub_kegiatan",
    "sumber pendanaan": "sumber_dana",
    "sumber dana": "sumber_dana",
    "lokasi": "lokasi",
    "lokasi kegiatan": "lokasi",
    "lokasi sub kegiatan": "lokasi",
    "keluaran sub kegiatan": "keluaran_sub",
    "indikator": "ind_header",
    "keluaran": "ind_keluaran",
    "kode rekening": "lines_header",
    "rencana penarikan dana per bulan": "cash",
    "rencana penarikan dana": "cash",
    "anggaran kas": "cash",
    "rencana anggaran kas": "cash",
    "anggaran kas per bulan": "cash",
}
# Labels SIPD prints inside or around a sub kegiatan block that carry nothing
# the plan needs: known, so they are skipped without a warning.
KNOWN_LABELS = frozenset(
    {
        "waktu pelaksanaan",
        "kelompok sasaran",
        "kelompok sasaran kegiatan",
        "kelompok sasaran sub kegiatan",
        "keterangan",
        "nomor dpa",
        "nomor dppa",
        "nomor rka",
        "urusan pemerintahan",
        "bidang urusan",
        "organisasi",
        "unit",
        "sub unit",
        "sasaran program",
        "capaian program",
        "capaian kegiatan",
        "masukan",
        "hasil",
        "indikator & tolok ukur kinerja kegiatan",
        "indikator dan tolok ukur kinerja",
        "indikator dan tolok ukur kinerja kegiatan",
    }
)
# Page furniture repeated at the top of printed pages (titles, form names).
KNOWN_PREFIXES = (
    "dokumen pelaksanaan",
    "rencana kerja dan anggaran",
    "satuan kerja perangkat daerah",
    "pemerintah kota",
    "pemerintah kabupaten",
    "pemerintah provinsi",
    "formulir",
    "halaman",
    "alokasi tahun",
    "contoh",
)
MONTH_INDEX = {m.lower(): i for i, m in enumerate(layout.MONTHS)}
MONTH_INDEX.update({m.lower()[:3]: i for i, m in enumerate(layout.MONTHS)})
MONTH_INDEX["agu"] = MONTH_INDEX["ags"] = 7
MONTH_INDEX["okt"] = 9
MONTH_INDEX["des"] = 11
_REKENING = re.compile(r"^\s*\d(?:\.\d+){0,5}\s*$")


def _first(row: list) -> tuple[int, Any]:
    """Column and value of the first non-empty cell of a row, (-1, None) if none."""
    for j, v in enumerate(row):
        if v is None or v == "":
            continue
        if isinstance(v, str) and not v.strip():
            continue
        return j, v
    return -1, None


def _next_value(row: list, start: int) -> tuple[int, Any]:
    """First non-empty cell right of `start` that is not a lone ':'."""
    for j in range(start + 1, len(row)):
        v = row[j]
        if is_blank(v) or (isinstance(v, str) and v.strip() in (":", "=")):
            continue
        return j, v
    return -1, None


def _label(value: Any) -> tuple[str | None, str | None]:
    """(field, inline value) for a label cell; ('Sub Kegiatan : 7.01...' -> inline value)."""
    if not isinstance(value, str) or (len(value) > 48 and ":" not in value):
        return None, None  # labels are short; spending descriptions are not
    key = norm(value)
    field_ = LABELS.get(key)
    if field_ is not None:
        return field_, None
    if ":" in value:
        head, _, rest = value.partition(":")
        field_ = LABELS.get(norm(head))
        if field_ is not None:
            return field_, rest.strip()
    return None, None


@dataclass
class _Draft:
    """A sub kegiatan being assembled, with the cell of every value it got."""

    where: str
    code: str | None = None
    name: str = ""
    kegiatan: tuple | None = None  # (code, name, where)
    program: tuple | None = None
    indikator: str | None = None
    target_raw: Any = None
    target_where: str = ""
    keluaran: list = field(default_factory=list)  # nested table rows: (indikator, target, satuan, where)
    satuan: str | None = None
    sumber_dana: str | None = None
    lokasi: str | None = None
    lines: list = field(default_factory=list)  # (depth, amount, row, col) in `src`
    src: Any = None  # the grid's Source, to name line cells lazily
    total: tuple | None = None  # (amount, where)
    total_sebelum: tuple | None = None  # DPPA: (amount, where) of 'Sebelum Perubahan'
    kas: list = field(default_factory=lambda: [None] * 12)
    kas_where: str | None = None
    kas_total: tuple | None = None
    ok: bool = True


@dataclass
class ParsedRecord:
    record: dict
    where: str  # cell of the sub kegiatan code
    cash_found: bool = True  # the document itself printed a monthly plan


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _code_from_cell(value: Any, kind: str, where: str, f: Findings) -> tuple[str | None, str]:
    """A 'code - name' cell (or code alone) -> (code, name); errors into `f`."""
    why = mangled_code(value, kind)
    if why:
        f.error(why + ".", where)
        return None, ""
    code, name = split_code(value)
    if code is None:
        f.error(
            f"{CODE_LABEL[kind]} tidak ditemukan: sel berisi '{_text(value)[:60]}', seharusnya "
            f"diawali kode (mis. '{'7.01.01.2.01.0001' if kind == 'sub_kegiatan' else '7.01.01'} - Nama').",
            where,
        )
        return None, name
    bad = check_code(code, kind)
    if bad:
        f.error(bad + ".", where)
        return None, name
    return code, name


class SipdParser:
    """State machine over the rows of one grid in the SIPD Rincian Belanja layout.

    Modes: None (between blocks), 'info' (a sub kegiatan's labels, where an
    unknown label is a warning), 'keluaran' (rows of the nested Indikator |
    Target table), 'keluaran_wait' (its header is on the next row), 'lines'
    (spending table), 'cash' (monthly plan), 'tail' (after the spending total).
    """

    def __init__(self, grid: Grid, findings: Findings) -> None:
        self.grid = grid
        self.src = grid.source
        self.f = findings
        self.out: list[ParsedRecord] = []
        self.program: tuple | None = None
        self.kegiatan: tuple | None = None
        self.pending_ind: tuple | None = None  # kegiatan-level Keluaran (indikator, target, where)
        self.pending: dict = {}  # sumber/lokasi seen before the sub kegiatan label
        self.cur: _Draft | None = None
        self.mode: str | None = None
        self.ind_cols: tuple[int, int] | None = None
        self.kel_cols: tuple[int, int, int, int] = (0, -1, -1, 0)  # indikator, target, satuan, label col
        self.kode_col = 0
        self.jumlah_col = -1
        self.sebelum_col = -1
        self.dppa_spans: tuple | None = (
            None  # (sebelum col, setelah col, bertambah col) awaiting a sub-header
        )
        self.cash_cols: dict[int, int] | None = None  # horizontal plan: column -> month (12 = Jumlah)
        self.saw_sub = False  # the grid is a SIPD layout only if a 'Sub Kegiatan' label occurs

    def where(self, r: int, c: int) -> str:
        return self.src.where(r, c)

    # ------------------------------------------------------------------ rows
    def run(self) -> list[ParsedRecord]:
        for r, row in enumerate(self.grid.rows):
            # the first non-empty cell (inlined: this loop runs once per row of a city DPA)
            j, first = -1, None
            for k, v in enumerate(row):
                if v is None or v == "" or (v.__class__ is str and v.isspace()):
                    continue
                j, first = k, v
                break
            if j < 0:
                continue
            mode = self.mode
            if mode == "lines":
                if self.dppa_spans is not None and self._dppa_subheader(row):
                    continue
                if j > self.kode_col:
                    continue  # an item line ([#], Spesifikasi, Sumber dana): the code column is empty
                code, k = _rekening(row, j)
                if code is not None:
                    self._line(r, row, k, code)
                    continue
            elif mode == "keluaran" and j > self.kel_cols[3]:
                self._keluaran_row(r, row)
                continue
            field_, inline = _label(first)
            if field_ is not None:
                self._labelled(r, row, j, field_, inline)
                continue
            if mode == "lines":
                self._lines_other(r, row, j, first)
            elif mode == "cash":
                self._cash_row(r, row)
            elif mode in ("info", "keluaran", "keluaran_wait"):
                self._unknown(r, j, first)
        return self.finish()

    def finish(self) -> list[ParsedRecord]:
        self._close()
        return self.out

    def _unknown(self, r: int, j: int, first: Any) -> None:
        """A row inside a sub kegiatan block that no rule reads: say so, never drop it silently."""
        key = norm(first) if isinstance(first, str) else ""
        if key.startswith(KNOWN_PREFIXES) or key in (":", ""):
            return  # page furniture (titles repeated on a printed page): the table goes on
        if key in KNOWN_LABELS:
            self.mode = "info"
            return
        if ":" in key and norm(key.partition(":")[0]) in KNOWN_LABELS:
            return
        self.mode = "info"
        self.f.warn(
            f"Sub kegiatan {self._open.code or '?'}: baris '{_text(first)[:60]}' tidak dikenali sebagai label "
            "DPA (mis. Sumber Pendanaan, Lokasi, Keluaran Sub Kegiatan); isinya tidak dibaca. Periksa apakah "
            "ada data yang perlu diisi manual.",
            self.where(r, j),
        )

    def _value(self, r: int, row: list, j: int, inline: str | None) -> tuple[Any, str, int]:
        if inline:
            return inline, self.where(r, j), j
        c, v = _next_value(row, j)
        return v, (self.where(r, c) if c >= 0 else self.where(r, j)), c

    def _labelled(self, r: int, row: list, j: int, field_: str, inline: str | None) -> None:
        if field_ in ("program", "kegiatan"):
            self._close()
            self.mode = None
            value, where, c = self._value(r, row, j, inline)
            if value is None:
                self.f.error(f"Label '{row[j]}' tanpa isi (kode dan nama {field_}).", self.where(r, j))
                return
            code, name = _code_from_cell(value, field_, where, self.f)
            if code is not None and not name and not inline:
                name = _text(_next_value(row, c)[1])
            item = (code, name, where)
            if field_ == "program":
                self.program, self.kegiatan, self.pending_ind = item, None, None
            else:
                self.kegiatan, self.pending_ind = item, None
            return
        if field_ == "sub_kegiatan":
            self._sub(r, row, j, inline)
            return
        if field_ in ("sumber_dana", "lokasi"):
            value, _, _ = self._value(r, row, j, inline)
            text = _text(value) or None
            if self.cur is not None:
                setattr(self.cur, field_, text)
                self.mode = "info"
            else:
                self.pending[field_] = text
            return
        if field_ == "keluaran_sub":
            self._keluaran_label(r, row, j, inline)
            return
        if field_ == "ind_header":
            if self.mode == "keluaran_wait":
                self._keluaran_header(row, j, self.kel_cols[3])
                return
            cols = [norm(v) for v in row]
            tolok = next((k for k, t in enumerate(cols) if t.startswith("tolok ukur")), -1)
            target = next((k for k, t in enumerate(cols) if t.startswith("target")), -1)
            self.ind_cols = (tolok, target) if tolok >= 0 and target >= 0 else None
            self.mode = "ind"
            return
        if field_ == "ind_keluaran":
            if self.ind_cols and len(row) > self.ind_cols[1]:
                tc, gc = self.ind_cols
                indikator, target_value, tw = row[tc], row[gc], self.where(r, gc)
            else:
                c, indikator = _next_value(row, j)
                gc, target_value = _next_value(row, c) if c >= 0 else (-1, None)
                tw = self.where(r, gc if gc >= 0 else j)
            found = (_text(indikator) or None, target_value, tw)
            if self.cur is not None:
                self.cur.indikator, self.cur.target_raw, self.cur.target_where = found
            else:
                self.pending_ind = found
            return
        if field_ == "lines_header":
            self._lines_header(r, row, j)
            return
        if field_ == "cash":
            if self.cur is None:
                self.f.error(
                    "Rencana penarikan dana ditemukan sebelum label 'Sub Kegiatan'.", self.where(r, j)
                )
                self.mode = None
                return
            self.mode = "cash"
            self.cash_cols = None
            self.cur.kas_where = self.where(r, j)
            # months may also sit on the label's own row
            self._cash_row(r, row, skip=j)
            return

    def _sub(self, r: int, row: list, j: int, inline: str | None) -> None:
        self._close()
        self.mode = "info"
        self.saw_sub = True
        value, where, c = self._value(r, row, j, inline)
        d = _Draft(where=where, program=self.program, kegiatan=self.kegiatan, src=self.src)
        if value is None:
            self.f.error("Label 'Sub Kegiatan' tanpa kode dan nama sub kegiatan.", self.where(r, j))
            d.ok = False
        else:
            d.code, d.name = _code_from_cell(value, "sub_kegiatan", where, self.f)
            if d.code is not None and not d.name and not inline:
                d.name = _text(_next_value(row, c)[1])
            d.ok = d.code is not None
        if self.pending_ind:
            d.indikator, d.target_raw, d.target_where = self.pending_ind
        for k, v in self.pending.items():
            setattr(d, k, v)
        self.pending = {}
        self.cur = d

    # --------------------------------------------------------- Keluaran Sub Kegiatan
    def _keluaran_label(self, r: int, row: list, j: int, inline: str | None) -> None:
        c, value = (j, inline) if inline else _next_value(row, j)
        if c < 0:
            # the nested 'Indikator | Target' table starts on the next row
            if self.cur is not None:
                self.mode = "keluaran_wait"
                self.kel_cols = (0, -1, -1, j)
            return
        if not inline and norm(value) == "indikator":
            self._keluaran_header(row, c, j)
            return
        tc, target = _next_value(row, c) if not inline else (-1, None)
        item = (_text(value), target, None, self.where(r, tc if tc >= 0 else c))
        if self.cur is not None:
            self.cur.keluaran.append(item)
            self.mode = "info"
        else:
            self.pending.setdefault("keluaran", []).append(item)

    def _keluaran_header(self, row: list, c: int, label_col: int) -> None:
        """'Indikator | Target [| Satuan]': the nested table's header; its rows follow."""
        cols = {norm(v): k for k, v in enumerate(row) if k > c and isinstance(v, str)}
        target = next((k for t, k in cols.items() if t.startswith("target")), -1)
        satuan = cols.get("satuan", -1)
        self.kel_cols = (c, target, satuan, label_col)
        self.mode = "keluaran"

    def _keluaran_row(self, r: int, row: list) -> None:
        ci, ct, cs, _ = self.kel_cols
        indikator = row[ci] if ci < len(row) else None
        target = row[ct] if 0 <= ct < len(row) else None
        satuan = row[cs] if 0 <= cs < len(row) else None
        if is_blank(indikator) and is_blank(target):
            j, first = _first(row)
            self._unknown(r, j, first)
            self.mode = "keluaran"
            return
        if is_blank(indikator):
            self.f.warn(
                f"Sub kegiatan {self._open.code or '?'}: target keluaran '{_text(target)}' tanpa indikator; "
                "baris ini tidak dibaca.",
                self.where(r, ct),
            )
            return
        self._open.keluaran.append(
            (_text(indikator), target, _text(satuan) or None, self.where(r, ct if ct >= 0 else ci))
        )

    @property
    def _open(self) -> _Draft:
        """The sub kegiatan being read: the 'lines' and 'cash' modes start only under one."""
        assert self.cur is not None
        return self.cur

    # ------------------------------------------------------------ spending lines
    def _lines_header(self, r: int, row: list, j: int) -> None:
        if self.cur is None:
            self.f.error(
                "Tabel rincian belanja (Kode Rekening) ditemukan sebelum label 'Sub Kegiatan'; "
                "rincian ini tidak bisa dikaitkan ke sub kegiatan mana pun.",
                self.where(r, j),
            )
            self.mode = None
            return
        if self.mode == "lines" and self.cur.lines:
            return  # the header repeated at the top of a printed page
        self.mode = "lines"
        self.kode_col = j
        cols = [norm(v) for v in row]
        self.sebelum_col = -1
        self.dppa_spans = None
        sebelum = next((k for k, t in enumerate(cols) if t.startswith("sebelum")), -1)
        setelah = next((k for k, t in enumerate(cols) if t.startswith("setelah")), -1)
        if sebelum >= 0 and setelah > sebelum:
            # DPPA: 'Sebelum Perubahan' / 'Setelah Perubahan' / 'Bertambah/(Berkurang)';
            # the amounts are the 'Jumlah' under each span (next row), else the span itself.
            after = next((k for k, t in enumerate(cols) if k > setelah and t), len(cols))
            self.dppa_spans = (sebelum, setelah, after)
            self.sebelum_col, self.jumlah_col = sebelum, setelah
            return
        jumlah = [k for k, t in enumerate(cols) if t.startswith("jumlah")]
        self.jumlah_col = jumlah[-1] if jumlah else max(k for k, t in enumerate(cols) if t)

    def _dppa_subheader(self, row: list) -> bool:
        """The DPPA header's second row (Koefisien .. Jumlah per span); True when consumed."""
        assert self.dppa_spans is not None  # the caller checks
        s0, s1, after = self.dppa_spans
        self.dppa_spans = None
        jumlah = [k for k, v in enumerate(row) if norm(v).startswith("jumlah")]
        if not jumlah:
            return False
        before = [k for k in jumlah if s0 <= k < s1]
        setelah = [k for k in jumlah if s1 <= k < after]
        if before and setelah:
            self.sebelum_col, self.jumlah_col = before[-1], setelah[-1]
        return True

    def _amount(self, row: list, r: int) -> tuple[Any, int]:
        """The Jumlah of a row: the cell under the 'Jumlah' header, else the last non-empty cell."""
        jc = self.jumlah_col
        if 0 <= jc < len(row) and not is_blank(row[jc]):
            return row[jc], jc
        if self.sebelum_col >= 0:
            return None, -1  # DPPA: only the 'Setelah' column is the amount
        for k in range(len(row) - 1, self.kode_col, -1):
            if not is_blank(row[k]):
                return row[k], k
        return None, -1

    def _line(self, r: int, row: list, j: int, code: str) -> None:
        value, c = self._amount(row, r)
        if c <= j:
            return  # a code without an amount: a heading
        try:
            amount = parse_number(value)
        except ValueError as exc:
            self.f.error(
                f"Jumlah belanja kode rekening {code.strip()} bukan angka: '{_text(value)}'. "
                f"Isi dengan angka (mis. 1.250.000).{ambiguity_hint(exc)}",
                self.where(r, c),
            )
            self._open.ok = False
            return
        if amount is not None:
            self._open.lines.append((code.count(".") + 1, amount, r, c))

    def _lines_other(self, r: int, row: list, j: int, first: Any) -> None:
        key = norm(first) if isinstance(first, str) else ""
        if key.startswith("jumlah") or key.startswith("total"):
            value, c = self._amount(row, r)
            if c <= j:
                return
            where = self.where(r, c)
            try:
                amount = parse_number(value)
            except ValueError as exc:
                self.f.error(
                    f"Jumlah anggaran sub kegiatan bukan angka: '{_text(value)}'.{ambiguity_hint(exc)}", where
                )
                self._open.ok = False
                return
            if amount is not None:
                self._open.total = (amount, where)
            sc = self.sebelum_col
            if 0 <= sc < len(row) and sc != c:
                try:
                    before = parse_number(row[sc])
                except ValueError:
                    self.f.error(
                        f"Jumlah anggaran sebelum perubahan bukan angka: '{_text(row[sc])}'.",
                        self.where(r, sc),
                    )
                    self._open.ok = False
                    return
                self._open.total_sebelum = (before or 0, self.where(r, sc))
            self.mode = "tail"
        # item detail lines ([#], [-], descriptions) and numeric subtotal codes are skipped

    # ------------------------------------------------------------------ cash plan
    def _cash_header(self, row: list) -> dict[int, int] | None:
        """A row of month names side by side (amounts on the row below): column -> month."""
        cols: dict[int, int] = {}
        for k, v in enumerate(row):
            if not isinstance(v, str) or len(v) > 16:
                continue
            key = norm(v)
            if key in MONTH_INDEX:
                cols[k] = MONTH_INDEX[key]
            elif key in ("jumlah", "total", "jumlah total") and cols:
                cols[k] = 12
        months = [k for k, m in cols.items() if m < 12]
        if len(months) < 2:
            return None
        # side by side: the next non-empty cell right of a month is another month
        k0 = months[0]
        nxt, _ = _next_value(row, k0)
        return cols if nxt in cols else None

    def _cash_row(self, r: int, row: list, skip: int = -1) -> None:
        d = self._open
        header = self._cash_header(row)
        if header is not None:
            self.cash_cols = header
            return
        if self.cash_cols is not None:
            cols, self.cash_cols = self.cash_cols, None
            for k, month in cols.items():
                value = row[k] if k < len(row) else None
                self._cash_value(d, month, value, self.where(r, k))
            self._cash_done()
            return
        found = False
        for k, v in enumerate(row):
            # month names and 'Jumlah' are short: skip long texts cheaply
            if k == skip or not isinstance(v, str) or len(v) > 16:
                continue
            key = norm(v)
            index = MONTH_INDEX.get(key)
            is_total = key in ("jumlah", "total", "jumlah total")
            if index is None and not is_total:
                continue
            c, value = _next_value(row, k)
            if c < 0 or (isinstance(value, str) and (norm(value) in MONTH_INDEX)):
                value, c = None, k
            self._cash_value(d, 12 if index is None else index, value, self.where(r, c))
            found = True
        if d.kas_total is not None or (not found and all(k is not None for k in d.kas)):
            self.mode = "tail"  # the plan is complete: later rows are signatures and titles

    def _cash_done(self) -> None:
        if self._open.kas_total is not None:
            self.mode = "tail"

    def _cash_value(self, d: _Draft, month: int, value: Any, where: str) -> None:
        try:
            amount = parse_number(value)
        except ValueError as exc:
            label = layout.MONTHS[month] if month < 12 else "Jumlah"
            self.f.error(
                f"Rencana penarikan dana bulan {label} bukan angka: '{_text(value)}'.{ambiguity_hint(exc)}",
                where,
            )
            d.ok = False
            return
        if month == 12:
            d.kas_total = (amount or 0, where)
        else:
            d.kas[month] = (amount or 0, where)

    # ------------------------------------------------------------------ closing
    def _close(self) -> None:
        d, self.cur = self.cur, None
        if d is None:
            return
        self.mode = None
        rec = finish_record(d, self.f)
        if rec is not None:
            self.out.append(rec)


_CODE_PART = re.compile(r"^\d+\.$")
_CODE_LAST = re.compile(r"^\d+$")


def _rekening(row: list, j: int) -> tuple[str | None, int]:
    """A kode rekening starting at cell j, also when split over cells ('5.', '1.', '02.' ...)."""
    first = row[j]
    if not isinstance(first, str):
        return None, j
    if _REKENING.match(first):
        return first.strip(), j
    text = first.strip()
    if not _CODE_PART.match(text):
        return None, j
    k, parts = j, 1
    while parts < 6:
        # the next non-empty cell (a PDF print leaves empty columns between the parts)
        nk, v = _next_value(row, k)
        v = v.strip() if isinstance(v, str) else None
        if v and _CODE_PART.match(v):
            text += v
        elif v and _CODE_LAST.match(v):
            text += v
            k = nk
            break
        else:
            break
        k, parts = nk, parts + 1
    text = text.rstrip(".")
    return (text, k) if _REKENING.match(text) else (None, j)


def _ref(other: str, base: str) -> str:
    """`other` without the 'file, lembar ...' prefix it shares with `base` ('sel G49')."""
    head, sep, cell = other.rpartition(", ")
    if sep and base.startswith(head + ", "):
        return cell
    return other


def finish_record(d: _Draft, f: Findings) -> ParsedRecord | None:
    """Checks shared by both layouts; a ParsedRecord, or None when it cannot be used."""
    if not d.ok or d.code is None:
        return None
    label = f"Sub kegiatan {d.code}"
    ok = True
    if d.kegiatan is None or d.kegiatan[0] is None:
        if d.kegiatan is None:
            f.error(
                f"{label}: label 'Kegiatan' (kode dan nama kegiatan) tidak ditemukan di atasnya.", d.where
            )
        ok = False
    if d.program is None or d.program[0] is None:
        if d.program is None:
            f.error(f"{label}: label 'Program' (kode dan nama program) tidak ditemukan di atasnya.", d.where)
        ok = False
    if ok and d.kegiatan is not None and d.program is not None:
        if not d.code.startswith(d.kegiatan[0] + "."):
            f.error(
                f"{label} bukan bagian dari kegiatan {d.kegiatan[0]} (lihat {_ref(d.kegiatan[2], d.where)}); "
                "periksa kode keduanya.",
                d.where,
            )
            ok = False
        if not d.kegiatan[0].startswith(d.program[0] + "."):
            f.error(
                f"Kegiatan {d.kegiatan[0]} bukan bagian dari program {d.program[0]} (lihat {_ref(d.program[2], d.kegiatan[2])}).",
                d.kegiatan[2],
            )
            ok = False
    lines_sum = sum(line[1] for line in _leaf_lines(d.lines))
    first_line = d.src.where(d.lines[0][2], d.lines[0][3]) if d.lines else ""
    if d.total is not None:
        pagu, pagu_where = d.total
    elif d.lines:
        pagu, pagu_where = lines_sum, f"jumlah rincian belanja mulai {first_line}"
    else:
        f.error(
            f"{label}: pagu tidak ditemukan (tidak ada baris 'Jumlah' maupun rincian belanja per kode "
            "rekening).",
            d.where,
        )
        return None
    if pagu < 0:
        f.error(f"{label}: pagu negatif ({format_rupiah(pagu)}).", pagu_where)
        ok = False
    kas_found = [k for k in d.kas if k is not None]
    kas = [k[0] if k is not None else 0 for k in d.kas]
    kas_sum = sum(kas)
    cash_agrees = bool(kas_found) and same_amount(kas_sum, pagu)
    if kas_found and not cash_agrees:
        missing = [layout.MONTHS[i] for i, k in enumerate(d.kas) if k is None]
        extra = f" (bulan tanpa isian: {', '.join(missing)})" if missing else ""
        f.error(
            f"{label}: rencana penarikan dana per bulan berjumlah {format_rupiah(kas_sum)}{extra}, "
            f"tidak sama dengan pagu {format_rupiah(pagu)} ({_ref(pagu_where, d.kas_where or pagu_where)}); selisih "
            f"{format_rupiah(kas_sum - pagu)}. Perbaiki anggaran kas agar jumlahnya sama dengan pagu.",
            d.kas_where or kas_found[0][1],
        )
        ok = False
    if d.kas_total is not None and kas_found and not same_amount(d.kas_total[0], kas_sum):
        f.warn(
            f"{label}: baris Jumlah rencana penarikan dana ({format_rupiah(d.kas_total[0])}) tidak sama "
            f"dengan jumlah 12 bulannya ({format_rupiah(kas_sum)}).",
            d.kas_total[1],
        )
    if d.total is not None and d.lines and not same_amount(lines_sum, pagu):
        text = (
            f"{label}: rincian belanja per kode rekening berjumlah {format_rupiah(lines_sum)} (mulai "
            f"{_ref(first_line, pagu_where)}), tidak sama dengan jumlah anggaran {format_rupiah(pagu)} "
            f"({_ref(pagu_where, pagu_where)}); "
            f"selisih {format_rupiah(lines_sum - pagu)}."
        )
        if cash_agrees:
            f.warn(text + " Pagu dipakai karena sama dengan jumlah rencana penarikan dana.", pagu_where)
        else:
            f.error(
                text + " Tidak ada rencana penarikan dana yang menguatkan salah satunya; perbaiki berkasnya.",
                pagu_where,
            )
            ok = False
    keluaran = _keluaran(d, label, f)
    if not ok:
        return None
    first = keluaran[0] if keluaran else {"indikator": d.indikator or None, "target": None, "satuan": None}
    assert d.kegiatan is not None and d.program is not None  # else not ok
    record = {
        "kode_sub_kegiatan": d.code,
        "sub_kegiatan": d.name,
        "kode_kegiatan": d.kegiatan[0],
        "kegiatan": d.kegiatan[1],
        "kode_program": d.program[0],
        "program": d.program[1],
        "indikator_keluaran": first["indikator"],
        "target_keluaran": first["target"],
        "satuan": first["satuan"],
        "sumber_dana": d.sumber_dana or None,
        "lokasi": d.lokasi or None,
        "pagu": pagu,
        "kas": kas,
        "keluaran": keluaran,
        "pagu_sebelum": d.total_sebelum[0] if d.total_sebelum is not None else None,
    }
    return ParsedRecord(record, d.where, bool(kas_found))


def _keluaran(d: _Draft, label: str, f: Findings) -> list[dict]:
    """Every output indicator in order, target split from its unit ('10 Perda' -> 10, 'Perda')."""
    rows = list(d.keluaran)
    if not rows and (d.indikator is not None or not is_blank(d.target_raw)):
        rows = [(d.indikator, d.target_raw, d.satuan, d.target_where)]
    if not rows:
        if d.indikator is None:
            f.warn(f"{label}: indikator keluaran tidak ditemukan.", d.where)
        return []
    out = []
    for k, (indikator, raw, satuan, where) in enumerate(rows):
        target, unit = None, None
        if raw is not None and not is_blank(raw):
            try:
                target, unit = parse_target(raw)
            except ValueError:
                f.warn(
                    f"{label}: target keluaran '{_text(raw)}' tidak diawali angka; target dikosongkan.",
                    where,
                )
        if k == 0 and d.satuan and not satuan:
            satuan = d.satuan
        if indikator is None and target is None:
            continue
        out.append({"indikator": indikator or None, "target": target, "satuan": satuan or unit or None})
    return out


def _leaf_lines(lines: list) -> list:
    """The lines at the deepest code level (5.1.02.01.01.0024): parents are subtotals."""
    if not lines:
        return []
    depth = max(x[0] for x in lines)
    return [x for x in lines if x[0] == depth]


# ============================================================== flat template
FLAT_FIELDS = {
    "kode sub kegiatan": "kode_sub_kegiatan",
    "sub kegiatan": "sub_kegiatan",
    "nama sub kegiatan": "sub_kegiatan",
    "kode kegiatan": "kode_kegiatan",
    "kegiatan": "kegiatan",
    "kode program": "kode_program",
    "program": "program",
    "indikator keluaran": "indikator_keluaran",
    "target keluaran": "target_keluaran",
    "satuan": "satuan",
    "sumber dana": "sumber_dana",
    "sumber pendanaan": "sumber_dana",
    "lokasi": "lokasi",
    "pagu (rp)": "pagu",
    "pagu": "pagu",
    "pagu anggaran": "pagu",
}
FLAT_REQUIRED = ("kode_sub_kegiatan", "sub_kegiatan", "pagu")
HEADER_SCAN_ROWS = 30


def _flat_columns(row: list) -> dict[str, int] | None:
    cols: dict[str, int] = {}
    for k, v in enumerate(row):
        key = norm(v)
        name = FLAT_FIELDS.get(key)
        if name is None and key in MONTH_INDEX:
            name = f"kas{MONTH_INDEX[key]}"
        if name is None and key.endswith("(rp)") and norm(key[:-4]) in MONTH_INDEX:
            name = f"kas{MONTH_INDEX[norm(key[:-4])]}"
        if name is not None and name not in cols:
            cols[name] = k
    if "kode_sub_kegiatan" in cols and "pagu" in cols:
        return cols
    return None


def find_flat_header(grid: Grid) -> tuple[int, dict[str, int]] | None:
    for r, row in enumerate(grid.rows[:HEADER_SCAN_ROWS]):
        cols = _flat_columns(row)
        if cols is not None:
            return r, cols
    return None


def parse_flat(grid: Grid, header_row: int, cols: dict[str, int], f: Findings) -> list[ParsedRecord]:
    src = grid.source
    out: list[ParsedRecord] = []
    missing = [h for h in FLAT_REQUIRED if h not in cols]
    if missing:
        f.error("Baris judul templat tidak memiliki kolom: " + ", ".join(missing), src.where(header_row))
        return out
    months = [f"kas{i}" for i in range(12)]
    have_months = [m for m in months if m in cols]
    if have_months and len(have_months) < 12:
        absent = [layout.MONTHS[i] for i in range(12) if f"kas{i}" not in cols]
        f.error(
            "Kolom rencana penarikan dana tidak lengkap; tidak ada kolom: " + ", ".join(absent) + ".",
            src.where(header_row),
        )
        return out
    for name in ("kegiatan", "program"):
        if name not in cols:
            f.warn(
                f"Kolom '{name.capitalize()}' tidak ada di templat; nama {name} dikosongkan.",
                src.where(header_row),
            )

    def cell(row, name):
        k = cols.get(name)
        return row[k] if k is not None and k < len(row) else None

    def where(r, name):
        return src.where(r, cols[name]) if name in cols else src.where(r)

    for r in range(header_row + 1, len(grid.rows)):
        row = grid.rows[r]
        if _first(row)[0] < 0:
            continue
        raw_code = cell(row, "kode_sub_kegiatan")
        if is_blank(raw_code):
            j, first = _first(row)
            key = norm(first)
            if key.startswith("jumlah") or key.startswith("total") or key.startswith("catatan"):
                continue  # a total or note row
            f.error(
                "Baris tanpa kode sub kegiatan (kolom 'Kode Sub Kegiatan' kosong) tetapi berisi data.",
                where(r, "kode_sub_kegiatan"),
            )
            continue
        d = _Draft(where=where(r, "kode_sub_kegiatan"))
        codes: dict[str, str | None] = {}
        for kind, name in (
            ("sub_kegiatan", "kode_sub_kegiatan"),
            ("kegiatan", "kode_kegiatan"),
            ("program", "kode_program"),
        ):
            if name not in cols:
                continue
            value = cell(row, name)
            if is_blank(value):
                codes[kind] = None
                continue
            why = mangled_code(value, kind)
            if why:
                f.error(why + ".", where(r, name))
                d.ok = False
                continue
            text = _text(value)
            bad = check_code(text, kind)
            if bad:
                f.error(bad + ".", where(r, name))
                d.ok = False
                continue
            codes[kind] = text
        if not d.ok:
            continue
        d.code = codes.get("sub_kegiatan")
        d.name = _text(cell(row, "sub_kegiatan"))
        # Codes of the kegiatan/program are prefixes of the sub kegiatan code
        # (Permendagri 90/2019), so a missing column or cell is derived, not guessed.
        parts = (d.code or "").split(".")
        keg_code = codes.get("kegiatan") or ".".join(parts[:5])
        prog_code = codes.get("program") or ".".join(parts[:3])
        d.kegiatan = (keg_code, _text(cell(row, "kegiatan")), where(r, "kode_kegiatan"))
        d.program = (prog_code, _text(cell(row, "program")), where(r, "kode_program"))
        d.indikator = _text(cell(row, "indikator_keluaran")) or None
        d.target_raw = cell(row, "target_keluaran")
        d.target_where = where(r, "target_keluaran")
        d.satuan = _text(cell(row, "satuan")) or None
        d.sumber_dana = _text(cell(row, "sumber_dana")) or None
        d.lokasi = _text(cell(row, "lokasi")) or None
        try:
            pagu = parse_number(cell(row, "pagu"))
        except ValueError as exc:
            f.error(
                f"Pagu sub kegiatan {d.code} bukan angka: '{_text(cell(row, 'pagu'))}'. "
                f"Isi dengan angka (mis. 1.250.000).{ambiguity_hint(exc)}",
                where(r, "pagu"),
            )
            continue
        if pagu is None:
            f.error(f"Pagu sub kegiatan {d.code} kosong.", where(r, "pagu"))
            continue
        d.total = (pagu, where(r, "pagu"))
        if have_months:
            d.kas_where = src.where(r, cols["kas0"])
            for i in range(12):
                value = cell(row, f"kas{i}")
                try:
                    amount = parse_number(value)
                except ValueError as exc:
                    f.error(
                        f"Rencana penarikan dana bulan {layout.MONTHS[i]} sub kegiatan {d.code} bukan "
                        f"angka: '{_text(value)}'.{ambiguity_hint(exc)}",
                        where(r, f"kas{i}"),
                    )
                    d.ok = False
                    continue
                d.kas[i] = (amount or 0, where(r, f"kas{i}"))
        if d.indikator is None and is_blank(d.target_raw):
            d.indikator = ""  # the template simply has no indicator: no warning per row
        rec = finish_record(d, f)
        if rec is not None:
            out.append(rec)
    return out


# ============================================================== whole sources
def parse_grids(grids: list[Grid], f: Findings) -> tuple[list[ParsedRecord], list[str]]:
    """All records of all grids, and the format found in each recognized grid."""
    records: list[ParsedRecord] = []
    formats: list[str] = []
    for grid in grids:
        flat = find_flat_header(grid)
        if flat is not None:
            formats.append("templat")
            records.extend(parse_flat(grid, flat[0], flat[1], f))
        else:
            # One pass: findings of a grid without any 'Sub Kegiatan' label are
            # dropped (a cover or summary sheet is not an error).
            local = Findings()
            parser = SipdParser(grid, local)
            found = parser.run()
            if parser.saw_sub:
                formats.append("sipd")
                records.extend(found)
                f.errors.extend(local.errors)
                f.warnings.extend(local.warnings)
    old = [rec for rec in records if is_old_sub_code(rec.record["kode_sub_kegiatan"])]
    if old:
        f.warn(
            f"{len(old)} kode sub kegiatan berformat 2 digit (mis. {old[0].record['kode_sub_kegiatan']}): "
            f"nomenklatur lama {OLD_NOMENCLATURE} (dokumen 2021-2022), dibaca sesuai tercetak. Sejak 2023 "
            "kode sub kegiatan 4 digit (mis. 7.01.01.2.01.0001); pastikan DPA ini memang untuk tahun anggaran "
            "yang disusun.",
            old[0].where,
        )
    seen: dict[str, ParsedRecord] = {}
    for rec in records:
        code = rec.record["kode_sub_kegiatan"]
        if code in seen:
            f.error(
                f"Sub kegiatan {code} tercantum dua kali: di {seen[code].where} dan di {_ref(rec.where, seen[code].where)}. "
                "Hapus salah satunya atau perbaiki kodenya.",
                rec.where,
            )
        else:
            seen[code] = rec
    return records, formats
