"""`renaksi-xl demo`: the whole SOP on the bundled sample data, through the button actions.

It builds a fresh workbook, fills Pengaturan with the three officials of
Kecamatan Neglasari, and walks the six steps with realistic working-day
timestamps, including one return (`kembalikan`) with a fix, exactly as the
buttons would (same Python functions, headless engine).  The year goes on with
the quarterly reports; after TW III a DPPA opens the Rencana Aksi Perubahan
(`revisi`, version 2: redrafted, re-checked, re-signed) and TW IV is reported
against it.  It leaves the final workbook, the version-1 copy, a copy at each
review hand-off, the PDFs and the email drafts.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import layout, sop, tables
from .context import WIB, ActionContext

# The Camat is the one named in the SOP; the other two are fictional.
OFFICIALS = (
    (layout.ROLE_CAMAT, sop.SOP_DISAHKAN_OLEH[1], sop.SOP_DISAHKAN_OLEH[2]),
    (layout.ROLE_SEKRETARIS, "Rina Wulandari, S.Sos. (fiktif)", "198507122010012005"),
    (layout.ROLE_KASUBAG, "Agus Prasetyo, S.E. (fiktif)", "199002152015031001"),
)
NIP = {role: nip for role, _name, nip in OFFICIALS}


BOOK_NAME = "RencanaAksi-Neglasari-2025.xlsm"
BOOK_V1_NAME = "RencanaAksi-Neglasari-2025-versi-1.xlsm"  # the plan as first signed, before the DPPA
DPPA_REASON = "DPPA TA 2025 (APBD Perubahan): tambahan pagu untuk satu sub kegiatan"
PDF_NAME = "Dokumen-Rencana-Aksi-Neglasari-2025.pdf"
SIPD_NAME = "Realisasi-SIPD-Neglasari-TW-III-2025.csv"
LAPORAN_PDF_NAME = "Laporan-Capaian-TW-IV-Neglasari-2025.pdf"
HARI = ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min")


def _when(moment: dt.datetime) -> str:
    return f"{HARI[moment.weekday()]} {moment:%d-%m-%Y %H:%M}"


def _outcome(step: DemoStep, summary: str) -> str:
    """One short clause per action for the printed run (the workbook keeps the full record)."""
    if step.action in (layout.ACTION_VALIDASI, layout.ACTION_PERIKSA_KEASLIAN):
        return ": " + summary.splitlines()[0]
    if step.action == layout.ACTION_KEMBALIKAN:
        return f": dikembalikan ke Langkah 3 ({step.catatan})"
    if step.action == layout.ACTION_REVISI:
        return f": Rencana Aksi Perubahan (versi 2) dibuka ({step.catatan})"
    if step.action in (layout.ACTION_TARIK_DPA, layout.ACTION_IMPOR_KINERJA) and "diimpor" in summary:
        return ": " + summary.splitlines()[0]
    if step.action in (layout.ACTION_IMPOR_REALISASI, layout.ACTION_LAPOR_REALISASI):
        first = summary.splitlines()[0]
        late = next((p for p in first.split(". ") if p.startswith("Batas lapor")), "")
        return ": " + (late or first)
    kind = "tanda tangan" if step.role == layout.ROLE_CAMAT else "paraf"
    return f": {kind} tercatat"


def _t(day: int, hour: int, minute: int = 0, month: int = 1) -> dt.datetime:
    """A moment in 2025, WIB (6 January 2025 and 13 October 2025 are Mondays)."""
    return dt.datetime(2025, month, day, hour, minute, tzinfo=WIB)


def _oct(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return _t(day, hour, minute, month=10)


@dataclass
class DemoStep:
    label: str
    action: str
    role: str
    when: dt.datetime
    catatan: str | None = None
    fields: dict | None = None
    handoff_to: str | None = None  # after this step the workbook goes to this role by email


def script(dpa_file: Path, pk_file: Path, *, realisasi: bool = True) -> list:
    """The demo's scenario: (DemoStep | callable edit) in order; `realisasi`: the year after tetapkan too."""
    return [
        DemoStep(
            "Camat memerintahkan penyusunan (disposisi)",
            layout.ACTION_DISPOSISI,
            layout.ROLE_CAMAT,
            _t(6, 8, 30),
            "Mohon disusun Rencana Aksi TA 2025 berdasarkan DPA yang telah disahkan.",
            {"kepada": layout.ROLE_KASUBAG, "batas": "2025-01-10"},
        ),
        DemoStep("Kasubag menarik data DPA", layout.ACTION_TARIK_DPA, layout.ROLE_KASUBAG, _t(7, 14, 10)),
        DemoStep(
            "Kasubag mengimpor indikator Perjanjian Kinerja",
            layout.ACTION_IMPOR_KINERJA,
            layout.ROLE_KASUBAG,
            _t(7, 15, 0),
        ),
        DemoStep(
            "Kasubag menyusun draft",
            layout.ACTION_SUSUN,
            layout.ROLE_KASUBAG,
            _t(8, 10, 45),
            handoff_to=layout.ROLE_SEKRETARIS,
        ),
        ("Kasubag mengetik ulang satu target keuangan (keliru)", _typo_edit),
        DemoStep(
            "Sekretaris dan Kasubag membahas draft",
            layout.ACTION_PEMBAHASAN,
            layout.ROLE_SEKRETARIS,
            _t(9, 10, 0),
            "Draft dibahas bersama; target fisik mengikuti rencana penarikan dana.",
            {
                "peserta": "Sekretaris Camat, Kasubag Perencanaan dan Keuangan",
                "keputusan": "Draft diteruskan ke pemeriksaan.",
                "tanggal": "9 Januari 2025",
            },
        ),
        DemoStep(
            "Sekretaris menjalankan validasi", layout.ACTION_VALIDASI, layout.ROLE_SEKRETARIS, _t(9, 13, 0)
        ),
        DemoStep(
            "Sekretaris mengembalikan draft ke Langkah 3",
            layout.ACTION_KEMBALIKAN,
            layout.ROLE_SEKRETARIS,
            _t(9, 13, 20),
            "Keuangan s.d. TW III lebih kecil dari TW II pada salah satu sub kegiatan; mohon diperbaiki.",
            handoff_to=layout.ROLE_KASUBAG,
        ),
        ("Kasubag memperbaiki target keuangan", _fix_edit),
        DemoStep(
            "Kasubag menyusun ulang draft",
            layout.ACTION_SUSUN,
            layout.ROLE_KASUBAG,
            _t(10, 9, 15),
            handoff_to=layout.ROLE_SEKRETARIS,
        ),
        DemoStep(
            "Pembahasan ulang",
            layout.ACTION_PEMBAHASAN,
            layout.ROLE_SEKRETARIS,
            _t(10, 13, 30),
            "Perbaikan keuangan diterima.",
            {
                "peserta": "Sekretaris Camat, Kasubag Perencanaan dan Keuangan",
                "keputusan": "Lanjut ke pemeriksaan.",
                "tanggal": "10 Januari 2025",
            },
        ),
        DemoStep(
            "Sekretaris menjalankan validasi", layout.ACTION_VALIDASI, layout.ROLE_SEKRETARIS, _t(13, 8, 40)
        ),
        DemoStep(
            "Sekretaris memaraf pemeriksaan",
            layout.ACTION_PARAF_PEMERIKSAAN,
            layout.ROLE_SEKRETARIS,
            _t(13, 9, 0),
            "Draft telah diperiksa dan sesuai DPA.",
            handoff_to=layout.ROLE_CAMAT,
        ),
        DemoStep(
            "Camat menetapkan Rencana Aksi",
            layout.ACTION_TETAPKAN,
            layout.ROLE_CAMAT,
            _t(13, 9, 8),
            "Ditetapkan.",
        ),
        DemoStep(
            "Sekretaris memeriksa keaslian catatan",
            layout.ACTION_PERIKSA_KEASLIAN,
            layout.ROLE_SEKRETARIS,
            _t(13, 9, 30),
        ),
        *(realisasi_script() if realisasi else ()),
    ]


# The year goes on: every quarter the Kasubag enters the realisasi and reports it, the
# Sekretaris verifies, the Camat approves.  TW II is reported late; in TW III one indicator
# stays under its target (with its penghambat) and the money comes from the SIPD export.
REPORTED = {1: (4, 8), 2: (7, 15), 3: (10, 9), 4: (1, 8)}  # quarter -> (month, day) of the report
UNDER_TARGET_QUARTER = 3
SPENT = {1: 0.95, 2: 0.96, 3: 0.97, 4: 0.98}  # share of the planned money spent by each quarter's end
PENGHAMBAT = "Pengadaan ATK terlambat karena penyedia e-katalog belum tayang"


def _at(quarter: int, day_offset: int, hour: int, minute: int = 0) -> dt.datetime:
    month, day = REPORTED[quarter]
    year = 2026 if quarter == 4 else 2025
    return dt.datetime(year, month, day + day_offset, hour, minute, tzinfo=WIB)


def realisasi_script() -> list:
    out: list = []
    for k in range(1, 5):
        q = layout.QUARTERS[k - 1]
        out.append((f"Kasubag mengisi realisasi TW {q}", _fill_realisasi(k)))
        if k == UNDER_TARGET_QUARTER:
            out.append(
                DemoStep(
                    f"Kasubag mengimpor realisasi keuangan TW {q} dari SIPD",
                    layout.ACTION_IMPOR_REALISASI,
                    layout.ROLE_KASUBAG,
                    _at(k, 0, 8, 30),
                    fields={"tw": q},
                )
            )
        out += [
            DemoStep(
                f"Kasubag melaporkan realisasi TW {q}",
                layout.ACTION_LAPOR_REALISASI,
                layout.ROLE_KASUBAG,
                _at(k, 0, 9, 0),
                fields={"tw": q},
            ),
            DemoStep(
                f"Sekretaris memverifikasi realisasi TW {q}",
                layout.ACTION_VERIFIKASI_REALISASI,
                layout.ROLE_SEKRETARIS,
                _at(k, 0, 13, 0),
                "Realisasi sesuai bukti dukung.",
                fields={"tw": q},
            ),
            DemoStep(
                f"Camat mengesahkan realisasi TW {q}",
                layout.ACTION_SAHKAN_REALISASI,
                layout.ROLE_CAMAT,
                _at(k, 1, 9, 0),
                "Disahkan.",
                fields={"tw": q},
            ),
        ]
    return out


def _fill_realisasi(k: int):
    """Realisasi of quarter k as the Kasubag types it: targets met, spending slightly under plan."""

    def edit(book) -> str:
        plan = tables.read_table(book, layout.TBL_RENCANA)
        rows = tables.read_table(book, layout.TBL_REALISASI_AKSI).rows
        q = layout.QUARTERS[k - 1]
        under_row = _under_target_row(plan, k) if k == UNDER_TARGET_QUARTER else None
        for i, r in enumerate(plan.rows):
            value = r[plan.col(layout.TARGET_TW[k - 1])]
            fisik = r[plan.col(layout.FISIK_TW[k - 1])]
            under = i == under_row
            if under:  # no progress since the previous quarter
                value = r[plan.col(layout.TARGET_TW[k - 2])]
                fisik = r[plan.col(layout.FISIK_TW[k - 2])]
            money = (
                None
                if k == UNDER_TARGET_QUARTER
                else round((r[plan.col(layout.KEUANGAN_TW[k - 1])] or 0) * SPENT[k])
            )
            kode = r[plan.col(layout.H_KODE_SUB)]
            rows.append(
                [
                    q,
                    kode,
                    r[plan.col(layout.H_INDIKATOR_KELUARAN)],
                    value,
                    fisik,
                    money,
                    "Koordinasi lintas seksi berjalan baik",
                    PENGHAMBAT if under else None,
                    "Pengadaan dialihkan ke penyedia lain pada TW berikutnya" if under else None,
                    f"https://drive.tangerangkota.go.id/neglasari/renaksi/2025/tw{k}/{kode}",
                    None,
                ]
            )
        tables.write_table(book, layout.TBL_REALISASI_AKSI, rows)
        kinerja = tables.read_table(book, layout.TBL_KINERJA)
        krows = tables.read_table(book, layout.TBL_REALISASI_KINERJA).rows
        for r in kinerja.rows:
            krows.append(
                [
                    q,
                    r[kinerja.col(layout.H_INDIKATOR_KINERJA)],
                    r[kinerja.col(layout.TARGET_TW[k - 1])],
                    "Dukungan pimpinan dan perangkat kelurahan",
                    None,
                    None,
                    f"https://drive.tangerangkota.go.id/neglasari/renaksi/2025/tw{k}/kinerja",
                    None,
                ]
            )
        tables.write_table(book, layout.TBL_REALISASI_KINERJA, krows)
        if k == UNDER_TARGET_QUARTER:
            from .sipd_realisasi import write_sample_export

            money = {
                r[plan.col(layout.H_KODE_SUB)]: round(
                    (r[plan.col(layout.KEUANGAN_TW[k - 1])] or 0) * SPENT[k]
                )
                for r in plan.rows
            }
            write_sample_export(_SIPD_FILE["path"], money, k)
        return f"{len(plan.rows)} indikator keluaran dan {len(kinerja.rows)} indikator kinerja"

    return edit


def _under_target_row(plan, k: int) -> int:
    """The first indicator whose target grows in quarter k: it stays at the previous quarter's."""
    now, before = plan.col(layout.TARGET_TW[k - 1]), plan.col(layout.TARGET_TW[k - 2])
    return next(i for i, r in enumerate(plan.rows) if (r[now] or 0) > (r[before] or 0))


_SIPD_FILE: dict = {}


def revision_script() -> list:
    """The DPPA after APBD Perubahan (October, after the TW III report), and the Rencana Aksi
    Perubahan (version 2) drafted, re-checked and re-signed through the same SOP steps; the
    TW IV realisasi is then reported against version 2 (`with_revision`)."""
    return [
        DemoStep(
            "Camat membuka Rencana Aksi Perubahan (DPPA)",
            layout.ACTION_REVISI,
            layout.ROLE_CAMAT,
            _oct(13, 8, 30),
            DPPA_REASON,
        ),
        DemoStep("Kasubag menarik data DPA", layout.ACTION_TARIK_DPA, layout.ROLE_KASUBAG, _oct(13, 10, 0)),
        ("Kasubag menyesuaikan tabel DPA dengan DPPA (pagu dan target)", _dppa_edit),
        DemoStep(
            "Kasubag menyusun draft Rencana Aksi Perubahan",
            layout.ACTION_SUSUN,
            layout.ROLE_KASUBAG,
            _oct(14, 9, 0),
            handoff_to=layout.ROLE_SEKRETARIS,
        ),
        DemoStep(
            "Sekretaris dan Kasubag membahas draft perubahan",
            layout.ACTION_PEMBAHASAN,
            layout.ROLE_SEKRETARIS,
            _oct(14, 13, 0),
            "Tambahan pagu DPPA dijadwalkan pada triwulan IV.",
            {
                "peserta": "Sekretaris Camat, Kasubag Perencanaan dan Keuangan",
                "keputusan": "Draft perubahan diteruskan ke pemeriksaan.",
                "tanggal": "14 Oktober 2025",
            },
        ),
        DemoStep(
            "Sekretaris menjalankan validasi", layout.ACTION_VALIDASI, layout.ROLE_SEKRETARIS, _oct(15, 8, 30)
        ),
        DemoStep(
            "Sekretaris memaraf pemeriksaan",
            layout.ACTION_PARAF_PEMERIKSAAN,
            layout.ROLE_SEKRETARIS,
            _oct(15, 8, 50),
            "Draft perubahan telah diperiksa dan sesuai DPPA.",
            handoff_to=layout.ROLE_CAMAT,
        ),
        DemoStep(
            "Camat menetapkan Rencana Aksi Perubahan",
            layout.ACTION_TETAPKAN,
            layout.ROLE_CAMAT,
            _oct(15, 9, 0),
            "Rencana Aksi Perubahan ditetapkan.",
        ),
        DemoStep(
            "Sekretaris memeriksa keaslian catatan",
            layout.ACTION_PERIKSA_KEASLIAN,
            layout.ROLE_SEKRETARIS,
            _oct(15, 9, 20),
        ),
    ]


def with_revision(steps: list) -> list:
    """The scenario with the DPPA revision: after the TW III report is approved (APBD Perubahan
    comes in the second half of the year) and before the TW IV realisasi, which is then reported
    against version 2; without the year's realisasi, at the end."""
    tw4 = next(
        (
            i
            for i, item in enumerate(steps)
            if isinstance(item, tuple) and item[0].endswith("realisasi TW IV")
        ),
        len(steps),
    )
    return [*steps[:tw4], *revision_script(), *steps[tw4:]]


# What the DPPA changes (there is no DPPA reader yet, so the demo edits tblDPA as the
# Kasubag would): the first sub kegiatan with a pagu gets Rp 25.000.000 more in
# October-December and two more units of output.
DPPA_EXTRA = (("Oktober", 10_000_000), ("November", 10_000_000), ("Desember", 5_000_000))
DPPA_EXTRA_TARGET = 2


def _dppa_edit(book) -> str:
    dpa = tables.read_table(book, layout.TBL_DPA)
    pagu = dpa.col(layout.H_PAGU)
    row = next(i for i, r in enumerate(dpa.rows) if (r[pagu] or 0) > 0)
    sheet = book.sheets[layout.SHEET_DPA]
    values = dpa.rows[row]
    extra = sum(v for _m, v in DPPA_EXTRA)
    sheet[dpa.address(row, layout.H_PAGU)].value = (values[pagu] or 0) + extra
    for month, v in DPPA_EXTRA:
        sheet[dpa.address(row, month)].value = (values[dpa.col(month)] or 0) + v
    target = values[dpa.col(layout.H_TARGET_KELUARAN)]
    if isinstance(target, (int, float)):
        sheet[dpa.address(row, layout.H_TARGET_KELUARAN)].value = target + DPPA_EXTRA_TARGET
    from .review import rupiah_or_value

    return (
        f"{values[0]}: pagu {rupiah_or_value(values[pagu])} -> {rupiah_or_value((values[pagu] or 0) + extra)}"
    )


# The manual slip the demo makes and then fixes: the Kasubag types TW III
# finance lower than TW II for the first sub kegiatan.
_TYPO_STATE: dict = {}


def _typo_edit(book) -> str:
    plan = tables.read_table(book, layout.TBL_RENCANA)
    tw2, tw3 = plan.col(layout.KEUANGAN_TW[1]), plan.col(layout.KEUANGAN_TW[2])
    row = next(i for i, r in enumerate(plan.rows) if (r[tw2] or 0) > 0)
    address = plan.address(row, layout.KEUANGAN_TW[2])
    _TYPO_STATE.update(address=address, good=plan.rows[row][tw3], kode=plan.rows[row][0])
    book.sheets[layout.SHEET_RENCANA][address].value = round((plan.rows[row][tw2] or 0) / 2)
    return f"sel {address} ({plan.rows[row][0]}) diubah"


def _fix_edit(book) -> str:
    address = _TYPO_STATE["address"]
    book.sheets[layout.SHEET_RENCANA][address].value = _TYPO_STATE["good"]
    return f"sel {address} diperbaiki"


def setup_officials(path: Path) -> None:
    from .headless import run_on_file

    def fill(book):
        tables.write_table(book, layout.TBL_PEJABAT, [list(o) for o in OFFICIALS])

    run_on_file(path, fill)


def _progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run_demo(
    out_dir: Path,
    *,
    with_pdf: bool = True,
    quiet: bool = False,
    realisasi: bool = True,
    revisi: bool | None = None,
) -> dict:
    """Run the scenario; returns what it produced (paths, summaries, verdicts).

    `realisasi`: the year's quarterly reports after tetapkan; `revisi` (default: as `realisasi`):
    the DPPA revision (before TW IV, or at the end without the reports)."""
    from .dpa import SAMPLE_DPA, SAMPLE_PK
    from .headless import run_on_file
    from .review import write_email
    from .runner import run_action
    from .xlsm.workbook import build_workbook

    say = (lambda m: None) if quiet else _progress
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in [*out_dir.glob("serah-terima-*.xlsm"), *out_dir.glob("serah-terima-*.eml")]:
        old.unlink()  # only what an earlier demo left here; nothing else in the folder is touched
    (out_dir / BOOK_V1_NAME).unlink(missing_ok=True)  # the version-1 copy of an earlier run
    book = out_dir / BOOK_NAME
    t0 = time.perf_counter()
    say("Membangun buku kerja baru ...")
    build_workbook(book)
    setup_officials(book)
    lines: list[str] = []
    emails: list[Path] = []
    copies: list[Path] = []
    last_handoff: Path | None = None
    steps = script(Path(SAMPLE_DPA), Path(SAMPLE_PK), realisasi=realisasi)
    if realisasi if revisi is None else revisi:
        steps = with_revision(steps)
    _SIPD_FILE["path"] = out_dir / SIPD_NAME
    for i, item in enumerate(steps, start=1):
        if isinstance(item, tuple):
            label, edit = item
            say(f"[{i}/{len(steps)}] {label} ...")
            summary, _ = run_on_file(book, edit)
            lines.append(f"  {'':<22}{'(sunting manual)':<20} {label}: {summary}")
            continue
        say(f"[{i}/{len(steps)}] {item.label} ...")
        if item.action == layout.ACTION_REVISI:  # keep the plan as first signed, for diff and verify
            shutil.copyfile(book, out_dir / BOOK_V1_NAME)
            lines.append(
                f"  {'':<22}{'(DPPA)':<20} APBD Perubahan: Rencana Aksi versi 1 disalin ke {BOOK_V1_NAME}"
            )
        files = []
        if item.action == layout.ACTION_TARIK_DPA:
            files = [str(SAMPLE_DPA)]
        elif item.action == layout.ACTION_IMPOR_KINERJA:
            files = [str(SAMPLE_PK)]
        elif item.action == layout.ACTION_IMPOR_REALISASI:
            files = [str(_SIPD_FILE["path"])]
        ctx = ActionContext(
            nip=NIP[item.role],
            now=item.when,
            catatan=item.catatan,
            fields=dict(item.fields or {}),
            files=files,
        )
        summary, _applied = run_action(book, item.action, ctx)
        lines.append(f"  {_when(item.when):<22}{item.action:<20} {item.role}{_outcome(item, summary)}")
        if item.handoff_to:
            n = len(copies) + 1
            copy = out_dir / f"serah-terima-{n}-untuk-{item.handoff_to.split()[0].lower()}.xlsm"
            shutil.copyfile(book, copy)
            copies.append(copy)
            eml = write_email(copy, item.handoff_to, copy.with_suffix(".eml"), previous=last_handoff)
            emails.append(eml)
            last_handoff = copy
    result: dict = {
        "book": book,
        "copies": copies,
        "emails": emails,
        "log": lines,
    }
    from .headless import open_book
    from .integrity import verify_book
    from .validators import validate_book

    final = open_book(book)
    findings = validate_book(final)
    verdict = verify_book(final)
    result["errors"] = [f for f in findings if f.severity == "error"]
    result["warnings"] = [f for f in findings if f.severity == "warning"]
    result["verify_ok"] = verdict.ok
    result["versions"] = verdict.versions()
    if (out_dir / BOOK_V1_NAME).is_file():  # the DPPA revision ran: version 1 verifies on its own
        result["book_v1"] = out_dir / BOOK_V1_NAME
        result["verify_v1_ok"] = verify_book(open_book(result["book_v1"])).ok
    if with_pdf:
        from .pdf import export_pdf
        from .xlsm.lo_host import LibreOfficeUnavailable, find_soffice

        try:
            find_soffice()
        except LibreOfficeUnavailable:
            # Everything else is done (a Windows user after pip install has no
            # LibreOffice): say how to get the PDF instead of failing the demo.
            result["pdf_missing"] = pdf_missing_text(book)
        else:
            say("Mencetak PDF Dokumen Rencana Aksi ...")
            result["pdf"] = export_pdf(book, out_dir / PDF_NAME)
            if realisasi:
                from .pdf_capaian import export_report_pdf

                say("Mencetak PDF Laporan Capaian TW IV ...")
                result["laporan_pdf"] = export_report_pdf(book, "IV", out_dir / LAPORAN_PDF_NAME)
    result["seconds"] = time.perf_counter() - t0
    return result


def pdf_missing_text(book: Path) -> str:
    return (
        "PDF tidak dibuat: LibreOffice tidak ditemukan di komputer ini. Pasang LibreOffice "
        "(unduh dari libreoffice.org untuk Windows/macOS, atau: sudo apt-get install "
        f'libreoffice-calc-nogui), lalu jalankan: renaksi-xl pdf "{book}". Di Excel desktop, '
        "tombol 'Cetak PDF' memakai ekspor PDF milik Excel."
    )


def summary_text(result: dict) -> str:
    from .headless import open_book

    book = open_book(result["book"])
    progress = tables.read_table(book, layout.TBL_PROGRES, check_headers=False)
    version = tables.named_range(book, "nmVersi").value
    head = "Ringkasan SOP Penyusunan Rencana Aksi - Kecamatan Neglasari TA 2025"
    if isinstance(version, (int, float)) and version > 1:
        head += f" (Rencana Aksi Perubahan, versi {int(version)})"
    out = ["", head, ""]
    for r in progress.records():
        out.append(
            f"  Langkah {r.get('Langkah')}: {r.get('Status') or '-'}; oleh {r.get('Oleh') or '-'}; "
            f"selesai {r.get('Selesai') or '-'}; waktu kerja {r.get('Waktu Kerja') or '-'} "
            f"(baku {r.get('Waktu Baku') or '-'}); {r.get('Ketepatan') or ''}".rstrip("; ")
        )
    out.append("")
    out.append("Jalannya demo:")
    out.extend(result["log"])
    out.append("")
    n_err, n_warn = len(result["errors"]), len(result["warnings"])
    out.append(
        f"Validasi akhir: {'BERSIH' if not n_err else 'ADA GALAT'} ({n_err} galat, {n_warn} peringatan)"
    )
    out.append(f"Keaslian catatan: {'UTUH' if result['verify_ok'] else 'TIDAK UTUH'}")
    for v in result.get("versions", []):
        label = " (Rencana Aksi Perubahan)" if v["versi"] > 1 else ""
        state = "ditetapkan" if v["ditetapkan"] else "belum ditetapkan"
        out.append(
            f"  Versi {v['versi']}{label}: {v['records']} catatan, {'utuh' if v['ok'] else 'TIDAK UTUH'}, {state}"
        )
    if "verify_v1_ok" in result:
        out.append(
            f"  Salinan versi 1 ({BOOK_V1_NAME}): {'UTUH' if result['verify_v1_ok'] else 'TIDAK UTUH'}"
        )
    out.append("")
    out.append("Berkas hasil:")
    out.append(f"  buku kerja akhir : {result['book']}")
    if result.get("book_v1"):
        out.append(f"  versi 1 (sebelum DPPA): {result['book_v1']}")
    for c in result["copies"]:
        out.append(f"  salinan serah-terima: {c}")
    for e in result["emails"]:
        out.append(f"  draf email       : {e}")
    if result.get("pdf"):
        out.append(f"  PDF              : {result['pdf']}")
    if result.get("laporan_pdf"):
        out.append(f"  PDF laporan TW IV: {result['laporan_pdf']}")
    if result.get("pdf_missing"):
        out.append(f"  PDF              : {result['pdf_missing']}")
    out.append(f"Selesai dalam {result['seconds']:.1f} detik.")
    return "\n".join(out)


def cmd_demo(args) -> int:
    result = run_demo(Path(args.out), with_pdf=not args.cepat)
    print(summary_text(result))
    return 0 if (not result["errors"] and result["verify_ok"] and result.get("verify_v1_ok", True)) else 1
