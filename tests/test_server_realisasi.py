"""The quarterly report through the real server (issue 13): each official with their own token,
the answers applied like the VBA client does, and only actions the VBA client implements."""

from __future__ import annotations

import shutil

import openpyxl
from test_laporan import demo_plan  # noqa: F401  (the module-scoped fixture: the demo up to tetapkan)
from test_server import OFFICIALS, click, sop_config, type_into, vba_client_functions_of

from renaksi_xl import demo, headless, integrity, layout, server, tables


def _sipd_xlsx(path, book_path) -> None:
    """A SIPD-like realisation export (xlsx) of the plan's TW I money."""
    plan = tables.read_table(headless.open_book(book_path), layout.TBL_RENCANA)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["LAPORAN REALISASI ANGGARAN PER SUB KEGIATAN"])
    ws.append(["Triwulan I Tahun 2025"])
    ws.append(["Kode", "Uraian", "Anggaran", "Realisasi s.d. Bulan Ini"])
    for r in plan.rows:
        money = r[plan.col(layout.KEUANGAN_TW[0])] or 0
        ws.append(
            [r[plan.col(layout.H_KODE_SUB)], "Sub kegiatan", r[plan.col(layout.H_PAGU)], round(money * 0.9)]
        )
    wb.save(path)


def test_the_quarterly_report_over_http(demo_plan, tmp_path):  # noqa: F811
    book = tmp_path / "ra.xlsm"
    shutil.copyfile(demo_plan[0], book)
    headless.run_on_file(book, lambda b: tables.write_table(b, layout.TBL_PEJABAT, OFFICIALS))
    headless.run_on_file(book, demo._fill_realisasi(1))
    sipd = tmp_path / "realisasi-sipd.xlsx"
    _sipd_xlsx(sipd, book)
    type_into(book, {"inRealisasiTriwulan": "I"})
    with server.running_server(server.create_app(sop_config())) as url:
        client_funcs, _ = vba_client_functions_of(book)
        seen: set[str] = set()

        def step(action, role, expect="selesai", **kw):
            answer = click(url, book, action, role, **kw)
            seen.update(a["func"] for a in answer["actions"])
            assert answer["status"] == expect, (action, answer["message"])
            return answer

        # server mode: the export comes pasted into the Impor sheet
        imported = step(layout.ACTION_IMPOR_REALISASI, layout.ROLE_KASUBAG, impor=sipd)
        assert "Realisasi keuangan TW I diimpor" in imported["message"]
        lapor = step(layout.ACTION_LAPOR_REALISASI, layout.ROLE_KASUBAG)
        assert "Batas lapor 10 April 2025" in lapor["message"]
        before = book.read_bytes()
        step(layout.ACTION_VERIFIKASI_REALISASI, layout.ROLE_KASUBAG, expect="ditolak")
        assert book.read_bytes() == before
        type_into(book, {"inRealisasiCatatan": "Sesuai bukti dukung."})
        step(layout.ACTION_VERIFIKASI_REALISASI, layout.ROLE_SEKRETARIS)
        step(layout.ACTION_SAHKAN_REALISASI, layout.ROLE_CAMAT)
        step(layout.ACTION_HITUNG_CAPAIAN, layout.ROLE_CAMAT)

    assert seen <= client_funcs, seen - client_funcs
    b = headless.open_book(book)
    real = tables.read_table(b, layout.TBL_REALISASI_AKSI).records()
    plan = tables.read_table(b, layout.TBL_RENCANA).records()
    expected = {r[layout.H_KODE_SUB]: round((r[layout.KEUANGAN_TW[0]] or 0) * 0.9) for r in plan}
    assert {r[layout.H_KODE_SUB]: r[layout.H_REALISASI_KEUANGAN] for r in real} == expected
    log = [r for r in tables.read_table(b, layout.TBL_LOG).records() if r["Aksi"] in layout.REALISASI_ACTIONS]
    assert [r["Aksi"] for r in log] == list(layout.REALISASI_ACTIONS)
    assert all("diautentikasi server" in r["Keterangan"] for r in log)
    assert "Catatan verifikator: Sesuai bukti dukung" in log[1]["Keterangan"]
    assert integrity.verify_book(b).ok
    assert tables.read_table(b, layout.TBL_CAPAIAN_TW).rows[0][5] is not None  # serapan TW I charted
