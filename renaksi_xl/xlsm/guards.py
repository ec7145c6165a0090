"""Guards that work with macros disabled: data validation, conditional
formatting and sheet protection.

Validation and conditional formats cover GUARD_ROWS rows below each table
header, so rows the tables grow into are guarded too (they cost nothing in
the file: one range per rule). Messages are short Indonesian sentences.

Protection (no password; a guard against slips, not a secret -- the record
chain proves integrity): Beranda, SOP, the six step sheets and Log are
protected from the start with their input cells unlocked; the VBA dispatcher
unprotects them while Python runs (the xlwings VBA client cannot write to
locked cells) and protects them again. The plan sheets stay editable during
the draft and are protected by Renaksi_KunciLembar after tetapkan.
"""

from __future__ import annotations

from .. import layout
from ..layout import TableSpec
from ..tables import col_letter
from .sheets import BuildContext
from .vba_sources import always_protected

GUARD_ROWS = 1000
PEJABAT_LIST_NAME = "lstNamaPejabat"
BAD = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
GOOD = {"bg_color": "#C6EFCE", "font_color": "#006100"}
WARN = {"bg_color": "#FFEB9C", "font_color": "#9C5700"}

PROTECT_OPTIONS = {"format_columns": True, "format_rows": True, "autofilter": True}


def col_of(spec: TableSpec, header: str) -> str:
    return col_letter(spec.first_col + spec.col_index(header))


def body_range(spec: TableSpec, header: str, last_header: str | None = None) -> str:
    first = spec.header_row + 1
    last = spec.header_row + GUARD_ROWS
    return f"{col_of(spec, header)}{first}:{col_of(spec, last_header or header)}{last}"


def first_cell(spec: TableSpec, header: str, *, absolute_col: bool = False) -> str:
    dollar = "$" if absolute_col else ""
    return f"{dollar}{col_of(spec, header)}{spec.header_row + 1}"


def _list(values, *, title: str, message: str, error: str, stop: bool = True) -> dict:
    source = list(values)
    return {
        "validate": "list",
        "source": source,
        "input_title": title[:32],
        "input_message": message[:255],
        "error_title": "Nilai tidak sesuai"[:32],
        "error_message": error[:255],
        "error_type": "stop" if stop else "warning",
    }


def _decimal(minimum: float, maximum: float | None, *, title: str, message: str, error: str) -> dict:
    opts: dict[str, object] = {
        "validate": "decimal",
        "input_title": title[:32],
        "input_message": message[:255],
        "error_title": "Angka tidak sesuai",
        "error_message": error[:255],
        "error_type": "stop",
    }
    if maximum is None:
        opts.update(criteria=">=", value=minimum)
    else:
        opts.update(criteria="between", minimum=minimum, maximum=maximum)
    return opts


def _custom(formula: str, *, title: str, message: str, error: str, stop: bool = True) -> dict:
    return {
        "validate": "custom",
        "value": formula,
        "input_title": title[:32],
        "input_message": message[:255],
        "error_title": "Isian tidak sesuai",
        "error_message": error[:255],
        "error_type": "stop" if stop else "warning",
        "ignore_blank": True,
    }


def iso_date_formula(cell: str) -> str:
    return (
        f'=AND(LEN({cell})=10,MID({cell},5,1)="-",MID({cell},8,1)="-",'
        f"ISNUMBER(--LEFT({cell},4)),ISNUMBER(--MID({cell},6,2)),ISNUMBER(--RIGHT({cell},2)))"
    )


ISO_MESSAGE = "Tulis tanggal sebagai YYYY-MM-DD, misalnya 2025-01-10."
MONEY_ERROR = "Isi angka rupiah 0 atau lebih, tanpa titik ribuan yang diketik sebagai teks."


def add_validation(ctx: BuildContext) -> None:
    """Data validation on the plan tables, Pengaturan and the step inputs."""
    _plan_validation(ctx)
    _pengaturan_validation(ctx)
    _step_validation(ctx)


def _penanggung_jawab(spec: TableSpec) -> dict:
    return {
        "validate": "list",
        "source": f"={PEJABAT_LIST_NAME}",
        "input_title": "Penanggung Jawab",
        "input_message": f"Pilih nama dari tabel Pejabat di lembar {layout.SHEET_PENGATURAN}.",
        "error_title": "Nama belum terdaftar",
        "error_message": f"Nama ini tidak ada di tabel Pejabat (lembar {layout.SHEET_PENGATURAN}). "
        "Lanjutkan hanya bila memang benar.",
        "error_type": "warning",
    }


def _plan_validation(ctx: BuildContext) -> None:
    sifat = _list(
        layout.SIFAT_TARGET,
        title="Sifat Target",
        message="Kumulatif: target bertambah tiap triwulan. Tetap: sama tiap triwulan. "
        "Akhir Tahun: hanya dinilai di TW IV.",
        error="Pilih Kumulatif, Tetap atau Akhir Tahun.",
    )
    target = _decimal(
        0,
        None,
        title="Target",
        message="Angka 0 atau lebih, kumulatif s.d. triwulan.",
        error="Target harus angka 0 atau lebih.",
    )
    money = _decimal(0, None, title="Rupiah", message="Angka rupiah, 0 atau lebih.", error=MONEY_ERROR)
    fisik = _decimal(
        0,
        100,
        title="Fisik (%)",
        message="Persen 0 sampai 100, kumulatif s.d. triwulan.",
        error="Fisik harus antara 0 dan 100 (persen).",
    )

    rencana = layout.table(layout.TBL_RENCANA)
    ws = ctx.ws(rencana.sheet)
    ws.data_validation(body_range(rencana, "Sifat Target"), sifat)
    ws.data_validation(body_range(rencana, "Target Tahunan"), target)
    ws.data_validation(body_range(rencana, layout.TARGET_TW[0], layout.TARGET_TW[-1]), target)
    ws.data_validation(body_range(rencana, layout.FISIK_TW[0], layout.FISIK_TW[-1]), fisik)
    ws.data_validation(body_range(rencana, "Pagu (Rp)", layout.KEUANGAN_TW[-1]), money)
    ws.data_validation(body_range(rencana, "Penanggung Jawab"), _penanggung_jawab(rencana))

    kinerja = layout.table(layout.TBL_KINERJA)
    ws = ctx.ws(kinerja.sheet)
    ws.data_validation(body_range(kinerja, "Sifat Target"), sifat)
    ws.data_validation(body_range(kinerja, "Target Tahunan"), target)
    ws.data_validation(body_range(kinerja, layout.TARGET_TW[0], layout.TARGET_TW[-1]), target)
    ws.data_validation(body_range(kinerja, "Penanggung Jawab"), _penanggung_jawab(kinerja))

    dpa = layout.table(layout.TBL_DPA)
    ws = ctx.ws(dpa.sheet)
    ws.data_validation(body_range(dpa, "Target Keluaran"), target)
    ws.data_validation(body_range(dpa, "Pagu (Rp)", layout.MONTHS[-1]), money)


def setting_row(key: str, lay: layout.BookLayout | None = None) -> int:
    """1-based Excel row of a tblSetelan key in the blank workbook."""
    keys = [k for k, _, _ in layout.SETELAN_DEFAULTS]
    spec = lay.table(layout.TBL_SETELAN) if lay else layout.table(layout.TBL_SETELAN)
    return spec.header_row + 1 + keys.index(key)


def _pengaturan_validation(ctx: BuildContext) -> None:
    ws = ctx.ws(layout.SHEET_PENGATURAN)
    lay = ctx.lay
    roles = _list(
        lay.roles,
        title="Peran",
        message="Pilih salah satu peran dalam SOP.",
        error=_short("Peran harus salah satu dari: " + ", ".join(lay.roles) + "."),
    )
    pejabat = lay.table(layout.TBL_PEJABAT)
    ws.data_validation(_rows(pejabat, "Peran", 5), roles)
    nip = first_cell(pejabat, "NIP")
    ws.data_validation(
        _rows(pejabat, "NIP", 5),
        _custom(
            f"=AND(LEN({nip})=18,ISNUMBER(--{nip}))",
            title="NIP",
            message="18 angka tanpa spasi, misalnya 198303302001121003.",
            error="NIP harus 18 angka (tanpa spasi atau titik).",
        ),
    )

    peran = lay.table(layout.TBL_PERAN_LANGKAH)
    nsteps = len(lay.step_sheets)
    ws.data_validation(_rows(peran, "Peran", nsteps), roles)
    ws.data_validation(
        _rows(peran, "Pengesahan", nsteps),
        _list(
            (layout.PARAF, layout.TANDA_TANGAN),
            title="Pengesahan",
            message="Paraf atau Tanda Tangan.",
            error="Pilih Paraf atau Tanda Tangan.",
        ),
    )

    value_col = col_of(lay.table(layout.TBL_SETELAN), "Nilai")

    def cell(key: str) -> str:
        return f"{value_col}{setting_row(key, lay)}"

    ws.data_validation(
        cell(layout.SET_MODE),
        _list(
            layout.MODES,
            title="Mode",
            message="Lokal: Python di komputer ini. Server: server kantor.",
            error="Pilih Lokal atau Server.",
        ),
    )
    url = cell(layout.SET_SERVER_URL)
    ws.data_validation(
        url,
        _custom(
            f'=OR(LEFT({url},7)="http://",LEFT({url},8)="https://")',
            title="URL Server",
            message="Alamat lengkap, misalnya https://renaksi.kantor.go.id",
            error="Alamat server harus diawali http:// atau https://.",
        ),
    )
    tahun = cell(layout.SET_TAHUN)
    ws.data_validation(
        tahun,
        _custom(
            f"=AND(LEN({tahun})=4,ISNUMBER(--{tahun}))",
            title="Tahun Anggaran",
            message="Empat angka, misalnya 2025.",
            error="Tahun anggaran harus empat angka.",
        ),
    )
    for key in (layout.SET_JAM_MASUK, layout.SET_JAM_PULANG):
        c = cell(key)
        ws.data_validation(
            c,
            _custom(
                f'=AND(LEN({c})=5,MID({c},3,1)=":",ISNUMBER(--LEFT({c},2)),ISNUMBER(--RIGHT({c},2)))',
                title=key,
                message="Jam WIB sebagai JJ:MM, misalnya 08:00.",
                error="Tulis jam sebagai JJ:MM.",
            ),
        )
    nip_user = cell(layout.SET_PEJABAT_AKTIF)
    ws.data_validation(
        nip_user,
        _custom(
            f"=AND(LEN({nip_user})=18,ISNUMBER(--{nip_user}))",
            title="NIP Pengguna",
            message="NIP Anda (18 angka), sama dengan di tabel Pejabat.",
            error="NIP harus 18 angka.",
        ),
    )

    libur = lay.table(layout.TBL_LIBUR)
    ws.data_validation(
        body_range(libur, "Tanggal"),
        _custom(
            iso_date_formula(first_cell(libur, "Tanggal")),
            title="Tanggal",
            message=ISO_MESSAGE,
            error="Tanggal harus YYYY-MM-DD, misalnya 2025-03-31.",
        ),
    )
    ws.data_validation(
        body_range(libur, "Jenis"),
        _list(
            layout.LIBUR_JENIS,
            title="Jenis",
            message="Libur, Cuti Bersama, atau Hari Kerja (tetap masuk).",
            error="Pilih Libur, Cuti Bersama atau Hari Kerja.",
        ),
    )


def _rows(spec: TableSpec, header: str, n: int) -> str:
    col = col_of(spec, header)
    return f"{col}{spec.header_row + 1}:{col}{spec.header_row + n}"


def _step_validation(ctx: BuildContext) -> None:
    for n, sheet in ctx.lay.step_sheets.items():
        ws = ctx.ws(sheet)
        for i, (label, name) in enumerate(ctx.lay.step_inputs(n)):
            cell = f"C{layout.INPUT_FIRST_ROW + i}"
            if "YYYY-MM-DD" in label:
                ws.data_validation(
                    cell,
                    _custom(
                        iso_date_formula(cell),
                        title="Tanggal",
                        message=ISO_MESSAGE,
                        error="Tanggal harus YYYY-MM-DD, misalnya 2025-01-10.",
                    ),
                )
            elif name == "inDisposisiKepada":
                ws.data_validation(
                    cell,
                    _list(
                        ctx.lay.roles,
                        title="Kepada",
                        message="Pejabat yang menerima disposisi.",
                        error="Pilih salah satu peran dalam SOP.",
                    ),
                )


# --- conditional formatting ----------------------------------------------------------
def add_conditional_formats(ctx: BuildContext) -> None:
    wb = ctx.wb
    bad, good, warn = wb.add_format(BAD), wb.add_format(GOOD), wb.add_format(WARN)
    _plan_formats(ctx, bad)
    _status_formats(ctx, bad, good, warn)


def _decreasing(ws, spec: TableSpec, headers: tuple[str, ...], bad) -> None:
    for prev, cur in zip(headers, headers[1:]):
        p, c = first_cell(spec, prev), first_cell(spec, cur)
        ws.conditional_format(
            body_range(spec, cur),
            {"type": "formula", "criteria": f"=AND(ISNUMBER({p}),ISNUMBER({c}),{c}<{p})", "format": bad},
        )


def _plan_formats(ctx: BuildContext, bad) -> None:
    rencana = layout.table(layout.TBL_RENCANA)
    ws = ctx.ws(rencana.sheet)
    pagu = first_cell(rencana, "Pagu (Rp)", absolute_col=True)
    tw4 = first_cell(rencana, layout.KEUANGAN_TW[-1])
    ws.conditional_format(
        body_range(rencana, layout.KEUANGAN_TW[-1]),
        {
            "type": "formula",
            "criteria": f"=AND(ISNUMBER({pagu}),ISNUMBER({tw4}),ROUND({tw4},0)<>ROUND({pagu},0))",
            "format": bad,
        },
    )
    k1 = first_cell(rencana, layout.KEUANGAN_TW[0])
    ws.conditional_format(
        body_range(rencana, layout.KEUANGAN_TW[0], layout.KEUANGAN_TW[-1]),
        {"type": "formula", "criteria": f"=AND(ISNUMBER({pagu}),ISNUMBER({k1}),{k1}>{pagu})", "format": bad},
    )
    _decreasing(ws, rencana, layout.KEUANGAN_TW, bad)
    _decreasing(ws, rencana, layout.FISIK_TW, bad)
    _decreasing(ws, rencana, layout.TARGET_TW, bad)
    f4 = first_cell(rencana, layout.FISIK_TW[-1])
    ws.conditional_format(
        body_range(rencana, layout.FISIK_TW[-1]),
        {"type": "formula", "criteria": f"=AND(ISNUMBER({f4}),{f4}<>100)", "format": bad},
    )
    _target_total(ws, rencana, bad)

    kinerja = layout.table(layout.TBL_KINERJA)
    ws = ctx.ws(kinerja.sheet)
    _decreasing(ws, kinerja, layout.TARGET_TW, bad)
    _target_total(ws, kinerja, bad)

    dpa = layout.table(layout.TBL_DPA)
    ws = ctx.ws(dpa.sheet)
    p = first_cell(dpa, "Pagu (Rp)", absolute_col=True)
    jan = first_cell(dpa, layout.MONTHS[0], absolute_col=True)
    des = first_cell(dpa, layout.MONTHS[-1], absolute_col=True)
    ws.conditional_format(
        body_range(dpa, "Pagu (Rp)"),
        {
            "type": "formula",
            "criteria": f"=AND(ISNUMBER({p}),COUNT({jan}:{des})>0,ROUND(SUM({jan}:{des}),0)<>ROUND({p},0))",
            "format": bad,
        },
    )


def _target_total(ws, spec: TableSpec, bad) -> None:
    """Kumulatif: the target up to TW IV must equal the annual target."""
    sifat = first_cell(spec, "Sifat Target", absolute_col=True)
    tahunan = first_cell(spec, "Target Tahunan", absolute_col=True)
    t4 = first_cell(spec, layout.TARGET_TW[-1])
    ws.conditional_format(
        body_range(spec, layout.TARGET_TW[-1]),
        {
            "type": "formula",
            "criteria": f'=AND({sifat}="Kumulatif",ISNUMBER({tahunan}),ISNUMBER({t4}),{t4}<>{tahunan})',
            "format": bad,
        },
    )


def _status_formats(ctx: BuildContext, bad, good, warn) -> None:
    sheet, address = layout.NAMED_CELLS["nmStatusDokumen"]
    ws = ctx.ws(sheet)
    ws.conditional_format(
        address, {"type": "cell", "criteria": "==", "value": f'"{layout.STATUS_DRAF}"', "format": warn}
    )
    ws.conditional_format(
        address, {"type": "cell", "criteria": "==", "value": f'"{layout.STATUS_DITETAPKAN}"', "format": good}
    )
    progres = layout.table(layout.TBL_PROGRES)
    for header in ("Status", "Ketepatan"):
        rng = body_range(progres, header).replace(
            str(progres.header_row + GUARD_ROWS), str(progres.header_row + 6)
        )
        ws.conditional_format(
            rng, {"type": "text", "criteria": "containing", "value": "Terlambat", "format": bad}
        )
        ws.conditional_format(
            rng, {"type": "text", "criteria": "containing", "value": "Dikembalikan", "format": warn}
        )
        ws.conditional_format(
            rng, {"type": "text", "criteria": "containing", "value": "Selesai", "format": good}
        )
        ws.conditional_format(
            rng, {"type": "text", "criteria": "containing", "value": "Tepat waktu", "format": good}
        )
    temuan = layout.table(layout.TBL_TEMUAN)
    ws = ctx.ws(temuan.sheet)
    rng = body_range(temuan, "Tingkat")
    ws.conditional_format(
        rng, {"type": "cell", "criteria": "==", "value": f'"{layout.SEVERITY_LABEL["error"]}"', "format": bad}
    )
    ws.conditional_format(
        rng,
        {"type": "cell", "criteria": "==", "value": f'"{layout.SEVERITY_LABEL["warning"]}"', "format": warn},
    )


# --- protection ------------------------------------------------------------------------
def protect_sheets(ctx: BuildContext) -> None:
    for name in always_protected(ctx.lay):
        ctx.ws(name).protect("", PROTECT_OPTIONS)


def _short(text: str) -> str:
    """Excel limits a data validation's error message to 255 characters."""
    return text if len(text) <= 255 else text[:252] + "..."


def define_lists(ctx: BuildContext) -> None:
    """Named lists used by data validation (they grow with their table)."""
    ctx.wb.define_name(PEJABAT_LIST_NAME, f"={layout.TBL_PEJABAT}[Nama]")
