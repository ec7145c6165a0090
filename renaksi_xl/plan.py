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


def _continues(data, i: int, code: str, previous: str | None) -> bool:
    """A further Keluaran indicator of the sub kegiatan above: same code, right below, no money."""
    if code != previous:
        return False
    money = (H_PAGU, *layout.MONTHS)
    return all(is_blank(data.rows[i][data.col(h)]) for h in money)


def read_dpa_table(book) -> list[dict]:
    """tblDPA rows as dicts, with codes checked (a mangled code names its cell).

    Rows right below a sub kegiatan with the same code and no money are its
    further Keluaran indicators: each record's "keluaran" lists them all
    (indikator, target, satuan), the first one included.
    """
    from .tables import read_table

    data = read_table(book, layout.TBL_DPA)
    out: list[dict] = []
    seen: dict[str, str] = {}
    previous = None
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
        if _continues(data, i, code, previous):
            target = _number(data, i, "Target Keluaran", "Target keluaran")
            out[-1]["keluaran"].append((rec.get("Indikator Keluaran"), target, rec.get("Satuan") or None))
            continue
        previous = code
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
        rec["keluaran"] = [(rec.get("Indikator Keluaran"), rec["Target Keluaran"], rec.get("Satuan") or None)]
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


def indicators(rec: dict) -> list[tuple]:
    """(indikator, target, satuan) of every Keluaran indicator of a DPA record, at least one."""
    return rec.get("keluaran") or [
        (rec.get("Indikator Keluaran"), rec.get("Target Keluaran"), rec.get("Satuan"))
    ]


def generate(rec: dict, kinerja: dict, pj: str, *, k: int = 0, sifat=None, annual=..., satuan=...) -> dict:
    """The row Susun would write for indicator `k` of one DPA record (header -> value).

    One row per Keluaran indicator: the first carries the Pagu and the
    Keuangan targets, the others leave them empty (money once per sub
    kegiatan).  `sifat`, `annual`, `satuan` override the DPA/PK defaults with
    what the person set in the plan, so quarter targets follow a manually
    chosen Sifat.
    """
    indikator, dpa_annual, dpa_satuan = indicators(rec)[k]
    dpa_satuan = dpa_satuan or None
    pk = kinerja.get(norm(indikator))
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
    first = k == 0
    row = {
        H_KODE: rec[H_KODE],
        "Sub Kegiatan": rec.get("Sub Kegiatan"),
        "Indikator Keluaran": indikator,
        "Satuan": dpa_satuan,
        "Target Tahunan": dpa_annual,
        "Sifat Target": gen_sifat,
        **dict(zip(layout.TARGET_TW, targets)),
        **dict(zip(layout.FISIK_TW, fisik)),
        H_PAGU: round_rupiah(pagu) if first else None,
        **dict(zip(layout.KEUANGAN_TW, keu if first else [None] * 4)),
        H_PJ: ((pk or {}).get(H_PJ) or pj),
        H_KET: NOTE_NO_CASH if first and not any(rec["kas"]) and pagu else None,
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


def _code_of(row: dict) -> str | None:
    code = row.get(H_KODE)
    return str(code).strip() if not is_blank(code) else None


def _numbered(rows: list[dict]) -> list[tuple]:
    """(code, k) of each row: k counts the rows of the same code so far (its indicator number)."""
    seen: dict[str, int] = {}
    out = []
    for r in rows:
        code = _code_of(r)
        k = seen.get(code, 0) if code is not None else 0
        if code is not None:
            seen[code] = k + 1
        out.append((code, k))
    return out


def _change_note(old, new) -> str | None:
    """'Perubahan anggaran: ...' when the pagu of a sub kegiatan moved (a DPPA after the DPA)."""
    if is_blank(old) or _as_number(old) is None or same(old, new):
        return None
    delta = new - old
    word = "bertambah" if delta > 0 else "berkurang"
    return f"Perubahan anggaran: pagu {format_rupiah(old)} menjadi {format_rupiah(new)} ({word} {format_rupiah(abs(delta))})"


def keep_approved_quarters(gen: dict, cur: dict, upto: int, sifat) -> None:
    """Quarters TW I..`upto` were reported and approved (sahkan-realisasi): in a Rencana Aksi
    Perubahan their Target, Fisik and Keuangan s.d. TW stay as the plan had them, so the capaian
    of an approved report never changes afterwards.  The later quarters before TW IV are raised
    to at least the last kept value where the column is cumulative (Fisik, Keuangan, and Target
    when Sifat is Kumulatif); TW IV stays what the new DPA gives (100%, the pagu, the annual
    target), and a conflict there is for the validator to report."""
    groups = [layout.FISIK_TW, layout.KEUANGAN_TW, layout.TARGET_TW]
    for cols in groups:
        if all(is_blank(gen.get(h)) for h in cols):
            continue  # Keuangan of an indicator's second row: money once per sub kegiatan
        for h in cols[:upto]:
            gen[h] = cur.get(h)
        cumulative = cols is not layout.TARGET_TW or sifat == "Kumulatif"
        last = _as_number(cur.get(cols[upto - 1]))
        if not cumulative or last is None:
            continue
        for h in cols[upto : len(cols) - 1]:
            g = _as_number(gen.get(h))
            if g is not None and g < last:
                gen[h] = last


def susun_body(book, ctx) -> str:
    """Fill tblRencanaAksi from tblDPA (+ tblKinerja); see the module docstring.

    Rows are keyed by (Kode Sub Kegiatan, indicator number): a sub kegiatan
    with several Keluaran indicators has one row per indicator, consecutive,
    the Pagu and Keuangan on the first.
    """
    from .laporan import approved_quarters
    from .tables import read_table, write_table

    dpa = read_dpa_table(book)
    approved = max(approved_quarters(book), default=0)  # TW I..approved: history, kept (a revision)
    kinerja = _kinerja_index(book)
    pj = _default_pj(book)
    spec = layout.table(layout.TBL_RENCANA)
    headers = spec.headers
    current = read_table(book, layout.TBL_RENCANA)
    shadow = read_table(book, layout.TBL_DRAFT_SHADOW)
    shadow_rows = shadow.records()
    shadow_by: dict[tuple, dict] = {}
    for key, r in zip(_numbered(shadow_rows), shadow_rows):
        if key[0] is not None:
            shadow_by.setdefault(key, r)

    dpa_by = {r[H_KODE]: r for r in dpa}
    n_ind = {code: len(indicators(r)) for code, r in dpa_by.items()}
    cur_rows = [dict(zip(current.header, row)) for row in current.rows]
    cur_keys = _numbered(cur_rows)
    out: list[dict] = []
    generated: dict[tuple, dict] = {}
    conflicts: list[str] = []
    pagu_reset: list[str] = []
    changed: list[str] = []
    kept = left = 0
    used: set[tuple] = set()
    codes_updated: set[str] = set()
    duplicates: list[str] = []

    def addr(i: int, header: str) -> str:
        return cell_address(spec.header_row + 1 + i, spec.first_col + spec.col_index(header))

    def merge(cur: dict | None, rec: dict, i: int, k: int) -> dict:
        nonlocal kept
        code = rec[H_KODE]
        prev = shadow_by.get((code, k))

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

        base = generate(rec, kinerja, pj, k=k)
        gen = generate(
            rec,
            kinerja,
            pj,
            k=k,
            sifat=pick("Sifat Target", base["Sifat Target"]),
            annual=pick("Target Tahunan", base["Target Tahunan"]),
            satuan=pick("Satuan", base["Satuan"]),
        )
        if approved and cur is not None:
            keep_approved_quarters(gen, cur, approved, pick("Sifat Target", base["Sifat Target"]))
        if k == 0 and cur is not None:
            note = _change_note(cur.get(H_PAGU), gen[H_PAGU])
            if note:
                changed.append(f"{code}: {note[len('Perubahan anggaran: ') :]}")
                gen[H_KET] = f"{gen[H_KET]}; {note}" if gen[H_KET] else note
        generated[(code, k)] = gen
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

    def add_missing(code: str) -> None:
        """The indicators of `code` no row took yet, right after its block (the rows stay together)."""
        for k in range(n_ind[code]):
            if (code, k) not in used:
                used.add((code, k))
                out.append(merge(None, dpa_by[code], len(out), k))

    for n, (cur, (code, k)) in enumerate(zip(cur_rows, cur_keys)):
        i = len(out)
        if code in dpa_by and k < n_ind[code] and (code, k) not in used:
            used.add((code, k))
            codes_updated.add(code)
            out.append(merge(cur, dpa_by[code], i, k))
        elif code in dpa_by:
            duplicates.append(f"{addr(i, H_KODE)} ({code})")
            out.append(cur)
        elif code is not None:
            row = dict(cur)
            ket = str(row.get(H_KET) or "").strip()
            if MARK_LEFT not in ket:
                row[H_KET] = f"{MARK_LEFT}; {ket}" if ket else MARK_LEFT
            if k == 0:
                left += 1
            out.append(row)
        else:
            out.append(cur)  # a row a person added without a code: left alone
        next_code = cur_keys[n + 1][0] if n + 1 < len(cur_keys) else None
        if code in dpa_by and next_code != code:
            add_missing(code)
    added = 0
    for rec in dpa:
        if (rec[H_KODE], 0) not in used:
            added += 1
        add_missing(rec[H_KODE])
    updated = len(codes_updated)

    write_table(book, layout.TBL_RENCANA, [[r.get(h) for h in headers] for r in out])
    new_shadow = [generated[(r[H_KODE], k)] for r in dpa for k in range(n_ind[r[H_KODE]])]
    new_shadow += [r for (c, _), r in shadow_by.items() if c not in dpa_by]
    write_table(book, layout.TBL_DRAFT_SHADOW, [[r.get(h) for h in headers] for r in new_shadow])

    total = sum(round_rupiah(r[H_PAGU]) for r in dpa)
    rows = sum(n_ind.values())
    parts = [
        f"Draft Rencana Aksi disusun: {len(dpa)} sub kegiatan dari DPA ({added} baru, {updated} "
        f"diperbarui), total pagu {format_rupiah(total)}."
    ]
    if rows > len(dpa):
        parts.append(
            f"{rows} baris indikator keluaran (sub kegiatan dengan beberapa indikator: satu baris per indikator)."
        )
    if kept:
        parts.append(f"{kept} isian manual dipertahankan.")
    if approved:
        through = "TW I" if approved == 1 else f"TW I sampai TW {layout.QUARTERS[approved - 1]}"
        parts.append(
            f"Target, fisik dan keuangan {through} tidak diubah: realisasinya sudah disahkan "
            "(triwulan berikutnya disesuaikan agar tetap kumulatif)."
        )
    if left:
        parts.append(
            f"{left} sub kegiatan tidak ada lagi di DPA dan ditandai di kolom {H_KET} (tidak dihapus)."
        )
    if duplicates:
        parts.append("Baris dengan kode ganda dibiarkan apa adanya: " + ", ".join(duplicates) + ".")
    if changed:
        parts.append(
            f"Rencana Aksi Perubahan: pagu {len(changed)} sub kegiatan berubah ("
            + "; ".join(changed[:20])
            + ("; ..." if len(changed) > 20 else "")
            + "); dicatat di kolom Keterangan."
        )
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
