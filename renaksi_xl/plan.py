"""Susun Draft: tblRencanaAksi drafted from tblDPA (+ tblKinerja), keeping manual edits.

Arithmetic (money in whole rupiah, half up):
* `Keuangan s.d. TW k` = the DPA cash plan summed to the end of quarter k;
  TW IV is the pagu.  Without a cash plan (RKA) the pagu is spread evenly.
* `Fisik s.d. TW k (%)` = the share of the pagu disbursed by then, in whole
  percent, TW IV = 100: physical progress is planned to keep pace with the
  cash plan, which is what the finance office reviews against.
* `Target s.d. TW k` follows `Sifat Target`: Kumulatif grows with the Fisik
  schedule to the annual target at TW IV (whole numbers for countable units);
  Tetap is the annual target every quarter; Akhir Tahun is 0 until TW IV
  (a number, so the cumulative checks still hold).
* `Sifat Target` and `Penanggung Jawab` come from tblKinerja when a PK
  indicator has the same text as the sub kegiatan's output indicator;
  otherwise Sifat is Tetap for rates (a unit with '/', e.g. Orang/bulan) and
  Kumulatif for the rest, and the Penanggung Jawab is the Kasubag
  Perencanaan dan Keuangan's name from Pengaturan (the official who drafts
  the plan in the SOP, and a name the validator can find in tblPejabat).

Re-running never destroys work.  Rows are matched by Kode Sub Kegiatan; the
hidden table tblDrafOtomatis holds what Susun generated last time, so a cell
that differs from it was edited by a person and is kept.  When the DPA now
suggests something else for such a cell, the cell is reported (summary and
alert).  New DPA rows are appended; rows whose sub kegiatan left the DPA are
marked in Keterangan, never deleted; the Pagu always follows the DPA.
"""

from __future__ import annotations

from . import layout
from .dpa.grid import CODE_LABEL, check_code, is_blank, mangled_code, norm
from .dpa.numbers import (
    ambiguity_hint,
    format_number,
    format_rupiah,
    parse_number,
    round_half_up,
    round_rupiah,
)
from .errors import InputError
from .tables import cell_address

QUARTER_MONTHS = 3
NON_COUNTABLE = {
    "%",
    "persen",
    "persentase",
    "indeks",
    "nilai",
    "skor",
    "poin",
    "rasio",
    "km",
    "m",
    "m2",
    "m²",
    "m3",
    "m³",
    "ha",
    "hektar",
    "ton",
    "kg",
    "liter",
    "rp",
    "rupiah",
    "jam",
}
MARK_LEFT = "Tidak ada lagi di DPA terakhir"
NOTE_NO_CASH = "Anggaran kas tidak ada di DPA: keuangan dibagi rata per triwulan."
H_KODE = "Kode Sub Kegiatan"
H_KET = "Keterangan"
H_PAGU = "Pagu (Rp)"
H_PJ = "Penanggung Jawab"


# ------------------------------------------------------------------ arithmetic
def keuangan_schedule(pagu, kas) -> list[int]:
    """Cumulative cash plan at the end of each quarter, whole rupiah; TW IV = pagu."""
    pagu_r = round_rupiah(pagu)
    kas = [k or 0 for k in (kas or [])] + [0] * (12 - len(kas or []))
    if not any(kas):
        return [round_rupiah(pagu_r * q / 4) for q in (1, 2, 3)] + [pagu_r]
    out, running = [], 0
    for q in range(3):
        running += sum(kas[q * QUARTER_MONTHS : (q + 1) * QUARTER_MONTHS])
        out.append(round_rupiah(running))
    out.append(pagu_r)
    for i in range(1, 4):  # never decreasing, never above the pagu
        out[i] = max(out[i], out[i - 1]) if i < 3 else out[i]
    return [min(v, pagu_r) for v in out[:3]] + [pagu_r]


def fisik_schedule(keuangan: list[int], pagu) -> list[int]:
    """Whole percent of the pagu disbursed by each quarter, ending at 100."""
    if not pagu:
        return [25, 50, 75, 100]
    return [min(100, round_half_up(100 * k / pagu)) for k in keuangan[:3]] + [100]


def countable(satuan) -> bool:
    return norm(str(satuan or "")) not in NON_COUNTABLE


def target_schedule(annual, sifat: str, satuan, fractions=(0.25, 0.5, 0.75, 1.0)) -> list:
    """Target s.d. TW I..IV from the annual target and its Sifat Target."""
    if annual is None:
        return [None] * 4
    if sifat == "Tetap":
        return [annual] * 4
    if sifat == "Akhir Tahun":
        return [0, 0, 0, annual]
    whole = countable(satuan) and float(annual).is_integer()
    out = []
    for fr in fractions[:3]:
        value = annual * fr
        out.append(round_half_up(value) if whole else round_half_up(value, 2))
    out.append(int(annual) if whole else annual)
    for i in range(1, 3):
        out[i] = max(out[i], out[i - 1])
    return out


def default_sifat(satuan) -> str:
    return "Tetap" if "/" in str(satuan or "") else "Kumulatif"


# ------------------------------------------------------------------ reading
def _number(data, i, header, what):
    value = data.rows[i][data.col(header)]
    try:
        return parse_number(value)
    except ValueError as exc:
        raise InputError(
            f"{what} di lembar '{data.spec.sheet}' sel {data.address(i, header)} bukan angka: "
            f"'{value}'. Perbaiki, atau jalankan ulang Tarik Data DPA.{ambiguity_hint(exc)}",
            where=data.address(i, header),
        ) from None


def read_dpa_table(book) -> list[dict]:
    """tblDPA rows as dicts, with codes checked (a mangled code names its cell)."""
    from .tables import read_table

    data = read_table(book, layout.TBL_DPA)
    out: list[dict] = []
    seen: dict[str, str] = {}
    for i, row in enumerate(data.rows):
        rec = dict(zip(data.header, row))
        code = rec[H_KODE]
        addr = data.address(i, H_KODE)
        if is_blank(code):
            raise InputError(
                f"Kode Sub Kegiatan kosong di lembar '{layout.SHEET_DPA}' sel {addr}.", where=addr
            )
        why = mangled_code(code, "sub_kegiatan") or check_code(str(code).strip(), "sub_kegiatan")
        if why:
            raise InputError(f"Lembar '{layout.SHEET_DPA}' sel {addr}: {why}.", where=addr)
        code = str(code).strip()
        if code in seen:
            raise InputError(
                f"{CODE_LABEL['sub_kegiatan']} {code} tercantum dua kali di lembar "
                f"'{layout.SHEET_DPA}' (sel {seen[code]} dan {addr}). Jalankan ulang Tarik Data DPA.",
                where=addr,
            )
        seen[code] = addr
        rec[H_KODE] = code
        rec[H_PAGU] = _number(data, i, H_PAGU, "Pagu") or 0
        rec["kas"] = [(_number(data, i, m, f"Anggaran kas {m}") or 0) for m in layout.MONTHS]
        rec["Target Keluaran"] = _number(data, i, "Target Keluaran", "Target keluaran")
        out.append(rec)
    if not out:
        raise InputError(
            f"Tabel DPA (lembar '{layout.SHEET_DPA}') masih kosong. Jalankan 'Tarik Data DPA' "
            "terlebih dahulu.",
            where=layout.SHEET_DPA,
        )
    return out


def _kinerja_index(book) -> dict[str, dict]:
    from .tables import read_table

    data = read_table(book, layout.TBL_KINERJA)
    return {norm(r["Indikator Kinerja"]): r for r in data.records() if not is_blank(r["Indikator Kinerja"])}


def _default_pj(book) -> str:
    """The official of the SOP's `susun` step (the Kasubag by default), else that role."""
    from . import sop
    from .tables import read_table

    role = sop.from_book(book).step_of_kind(sop.SUSUN).role
    for r in read_table(book, layout.TBL_PEJABAT).records():
        if str(r.get("Peran") or "").strip() == role and not is_blank(r.get("Nama")):
            return str(r["Nama"]).strip()
    return role


def generate(rec: dict, kinerja: dict, pj: str, *, sifat=None, annual=..., satuan=...) -> dict:
    """The row Susun would write for one DPA record (header -> value).

    `sifat`, `annual`, `satuan` override the DPA/PK defaults with what the
    person set in the plan, so quarter targets follow a manually chosen Sifat.
    """
    pk = kinerja.get(norm(rec.get("Indikator Keluaran")))
    dpa_satuan = rec.get("Satuan") or None
    dpa_annual = rec.get("Target Keluaran")
    default = (pk or {}).get("Sifat Target") if pk and pk.get("Sifat Target") in layout.SIFAT_TARGET else None
    gen_sifat = default or default_sifat(dpa_satuan)
    eff_sifat = sifat if sifat in layout.SIFAT_TARGET else gen_sifat
    eff_annual = dpa_annual if annual is ... else annual
    eff_satuan = dpa_satuan if satuan is ... else satuan
    pagu = rec[H_PAGU]
    keu = keuangan_schedule(pagu, rec["kas"])
    fisik = fisik_schedule(keu, pagu)
    fractions = [f / 100 for f in fisik]
    targets = target_schedule(eff_annual, eff_sifat, eff_satuan, fractions)
    row = {
        H_KODE: rec[H_KODE],
        "Sub Kegiatan": rec.get("Sub Kegiatan"),
        "Indikator Keluaran": rec.get("Indikator Keluaran"),
        "Satuan": dpa_satuan,
        "Target Tahunan": dpa_annual,
        "Sifat Target": gen_sifat,
        **dict(zip(layout.TARGET_TW, targets)),
        **dict(zip(layout.FISIK_TW, fisik)),
        H_PAGU: round_rupiah(pagu),
        **dict(zip(layout.KEUANGAN_TW, keu)),
        H_PJ: ((pk or {}).get(H_PJ) or pj),
        H_KET: NOTE_NO_CASH if not any(rec["kas"]) and pagu else None,
    }
    return row


# ------------------------------------------------------------------ merging
def same(a, b) -> bool:
    """Cell equality as a person sees it: blank == None, 25 == 25.0, text trimmed."""
    if is_blank(a) and is_blank(b):
        return True
    if is_blank(a) or is_blank(b):
        return False
    na, nb = _as_number(a), _as_number(b)
    if na is not None and nb is not None:
        return abs(float(na) - float(nb)) < 1e-6
    return str(a).strip() == str(b).strip()


def _as_number(v):
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return v
    return None


def _show(header: str, value) -> str:
    if is_blank(value):
        return "(kosong)"
    if header == H_PAGU or header in layout.KEUANGAN_TW:
        n = _as_number(value)
        return format_rupiah(n) if n is not None else f"'{value}'"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value)
    return f"'{value}'"


def _strip_mark(text) -> str | None:
    if is_blank(text):
        return None
    parts = [p.strip() for p in str(text).split(";") if p.strip() and p.strip() != MARK_LEFT]
    return "; ".join(parts) or None


def susun_body(book, ctx) -> str:
    """Fill tblRencanaAksi from tblDPA (+ tblKinerja); see the module docstring."""
    from .tables import read_table, write_table

    dpa = read_dpa_table(book)
    kinerja = _kinerja_index(book)
    pj = _default_pj(book)
    spec = layout.table(layout.TBL_RENCANA)
    headers = spec.headers
    current = read_table(book, layout.TBL_RENCANA)
    shadow = read_table(book, layout.TBL_DRAFT_SHADOW)
    shadow_by: dict[str, dict] = {}
    for r in shadow.records():
        code = r.get(H_KODE)
        if not is_blank(code):
            shadow_by.setdefault(str(code).strip(), r)

    dpa_by = {r[H_KODE]: r for r in dpa}
    cur_rows = [dict(zip(current.header, row)) for row in current.rows]
    out: list[dict] = []
    generated: dict[str, dict] = {}
    conflicts: list[str] = []
    pagu_reset: list[str] = []
    kept = added = updated = left = 0
    used: set[str] = set()
    duplicates: list[str] = []

    def addr(i: int, header: str) -> str:
        return cell_address(spec.header_row + 1 + i, spec.first_col + spec.col_index(header))

    def merge(cur: dict | None, rec: dict, i: int) -> dict:
        nonlocal kept
        code = rec[H_KODE]
        prev = shadow_by.get(code)

        def manual(h) -> bool:
            """The person changed this cell since Susun last wrote it."""
            if cur is None:
                return False
            c = _strip_mark(cur.get(h)) if h == H_KET else cur.get(h)
            if prev is None:
                return not is_blank(c)
            return not same(c, prev.get(h))

        def pick(h, default):
            return cur.get(h) if cur is not None and manual(h) else default

        base = generate(rec, kinerja, pj)
        gen = generate(
            rec,
            kinerja,
            pj,
            sifat=pick("Sifat Target", base["Sifat Target"]),
            annual=pick("Target Tahunan", base["Target Tahunan"]),
            satuan=pick("Satuan", base["Satuan"]),
        )
        generated[code] = gen
        row = {}
        for h in headers:
            g = gen.get(h)
            if h == H_KODE:
                row[h] = code
            elif h == H_PAGU:
                row[h] = g
                if cur is not None and not same(cur.get(h), g):
                    pagu_reset.append(
                        f"{addr(i, h)} ({h}, {code}): {_show(h, cur.get(h))} diganti {_show(h, g)} sesuai DPA"
                    )
            elif cur is not None and manual(h):
                c = _strip_mark(cur.get(h)) if h == H_KET else cur.get(h)
                row[h] = c
                if not same(c, g):
                    kept += 1
                    if prev is not None and not same(g, prev.get(h)):
                        conflicts.append(
                            f"{addr(i, h)} ({h}, {code}): isian manual {_show(h, c)} "
                            f"dipertahankan; DPA kini menghasilkan {_show(h, g)}"
                        )
            else:
                row[h] = g
        return row

    for cur in cur_rows:
        code = cur.get(H_KODE)
        code = str(code).strip() if not is_blank(code) else None
        i = len(out)
        if code is not None and code in dpa_by and code not in used:
            used.add(code)
            out.append(merge(cur, dpa_by[code], i))
            updated += 1
        elif code in used:
            duplicates.append(f"{addr(i, H_KODE)} ({code})")
            out.append(cur)
        elif code is not None:
            row = dict(cur)
            ket = str(row.get(H_KET) or "").strip()
            if MARK_LEFT not in ket:
                row[H_KET] = f"{MARK_LEFT}; {ket}" if ket else MARK_LEFT
            left += 1
            out.append(row)
        else:
            out.append(cur)  # a row a person added without a code: left alone
    for rec in dpa:
        if rec[H_KODE] not in used:
            used.add(rec[H_KODE])
            out.append(merge(None, rec, len(out)))
            added += 1

    write_table(book, layout.TBL_RENCANA, [[r.get(h) for h in headers] for r in out])
    shadow_rows = [generated[r[H_KODE]] for r in dpa]
    shadow_rows += [r for c, r in shadow_by.items() if c not in dpa_by]
    write_table(book, layout.TBL_DRAFT_SHADOW, [[r.get(h) for h in headers] for r in shadow_rows])

    total = sum(round_rupiah(r[H_PAGU]) for r in dpa)
    parts = [
        f"Draft Rencana Aksi disusun: {len(dpa)} sub kegiatan dari DPA ({added} baru, {updated} "
        f"diperbarui), total pagu {format_rupiah(total)}."
    ]
    if kept:
        parts.append(f"{kept} isian manual dipertahankan.")
    if left:
        parts.append(
            f"{left} sub kegiatan tidak ada lagi di DPA dan ditandai di kolom {H_KET} (tidak dihapus)."
        )
    if duplicates:
        parts.append("Baris dengan kode ganda dibiarkan apa adanya: " + ", ".join(duplicates) + ".")
    text = " ".join(parts)
    notices = []
    if conflicts:
        notices.append(
            f"{len(conflicts)} sel berbeda dengan hitungan dari DPA terbaru; isian manual "
            f"dipertahankan (lembar '{layout.SHEET_RENCANA}'):" + "".join(f"\n- {c}" for c in conflicts)
        )
    if pagu_reset:
        notices.append("Pagu selalu mengikuti DPA:" + "".join(f"\n- {p}" for p in pagu_reset))
    if notices:
        body = "\n".join(notices)
        text += "\n" + body
        book.app.alert(body, "Susun Draft: periksa sel berikut")
    return text
