"""The SOP as data (issue 11 item 1): the shipped example, the model's API, and precise
refusals of a bad SOP file naming the key."""

import datetime as dt
from pathlib import Path

import pytest

from renaksi_xl import layout, sop
from renaksi_xl.errors import InputError
from renaksi_xl.xlsm import vba_sources

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "workbook" / "sop" / "neglasari.toml"
DINAS = Path(__file__).parent / "data" / "sop_dinas.toml"


def test_the_shipped_default_is_the_example_file_and_the_seed_sop():
    assert sop.shipped_path().resolve() == EXAMPLE.resolve()  # one copy: workbook/sop/ is the package data
    s = sop.default()
    # facts of the SOP document (design.md section 1, the seed text)
    assert (
        s.nomor == "004/000.9.3.3/I/2024" and s.unit == "Kecamatan Neglasari" and s.pemda == "Kota Tangerang"
    )
    assert s.tanggal_pengesahan == dt.date(2024, 1, 10) and s.tanggal_revisi is None
    assert s.disahkan_oleh == sop.Approver(
        "Camat Neglasari", "ANDHIKA NUGRAHA K.M., SSTP", "198303302001121003"
    )
    assert len(s.dasar_hukum) == 11
    assert [st.waktu.label() for st in s.steps] == [
        "15 menit",
        "2 hari",
        "1 hari",
        "1 hari",
        "30 menit",
        "10 menit",
    ]
    assert s.total_time_label == "4 hari 55 menit"
    assert s.roles == ("Camat", "Sekretaris Camat", "Kasubag Perencanaan dan Keuangan")
    assert [st.pengesahan for st in s.steps] == ["Tanda Tangan", *["Paraf"] * 4, "Tanda Tangan"]


def test_kind_api_for_other_modules():
    s = sop.default()
    assert s.step_of_kind("data").role == "Kasubag Perencanaan dan Keuangan"
    assert s.step_of_kind("pemeriksaan").number == 5
    assert s.roles_of_kind("penetapan") == ("Camat",)
    d = sop.load(DINAS)
    assert [st.number for st in d.steps_of_kind("paraf")] == [6]
    assert d.roles_of_kind("pemeriksaan") == ("Sekretaris Dinas",)
    assert d.step(6).action == "paraf" and d.total_time_label == "2 hari 5 jam 55 menit"
    with pytest.raises(KeyError):
        d.step_of_kind("nope")


def test_default_layout_equals_the_layout_constants():
    """The committed workbook's names: BookLayout of the default SOP gives layout.py's constants."""
    lay = layout.BookLayout.of(sop.default())
    assert lay.step_sheets == layout.STEP_SHEETS
    assert lay.step_actions == layout.STEP_ACTIONS
    assert lay.sheet_order == layout.SHEET_ORDER
    assert lay.codenames == layout.CODENAMES
    assert lay.tables == layout.TABLES
    assert lay.buttons == layout.BUTTONS
    assert lay.pdf_sheets == layout.PDF_SHEETS
    assert lay.locked_after_tetapkan == layout.LOCKED_AFTER_TETAPKAN
    assert vba_sources.always_protected(lay) == vba_sources.ALWAYS_PROTECTED


@pytest.mark.parametrize(
    ("text", "old", "new", "key"),
    [
        ("nomor", 'nomor = "800/12/Diskominfo/2024"\n', "", "sop.nomor"),
        (
            "date",
            "tanggal_pengesahan = 2024-02-01",
            'tanggal_pengesahan = "1 Februari 2024"',
            "sop.tanggal_pengesahan",
        ),
        ("kind", 'jenis = "paraf"', 'jenis = "parap"', "langkah[6].jenis"),
        ("waktu", 'waktu = "4 jam"', 'waktu = "setengah hari"', "langkah[4].waktu"),
        (
            "pengesahan",
            'pengesahan = "tanda tangan"\n\n[[langkah]]\nuraian = "Menghimpun',
            'pengesahan = "stempel"\n\n[[langkah]]\nuraian = "Menghimpun',
            "langkah[1].pengesahan",
        ),
        ("nip", 'nip = "197804122003121002"', 'nip = "19780412200312100"', "18 angka, bukan 17"),
        ("nip-part", 'nip = "197804122003121002"', 'nip = "197804122003131002"', "TMT"),
        ("unknown", 'peringatan = "', 'peringatn = "', "sop.peringatn"),
        ("uraian", 'uraian = "Memerintahkan penyusunan Rencana Aksi"', 'uraian = ""', "langkah[1].uraian"),
        ("first", 'jenis = "disposisi"', 'jenis = "paraf"', "disposisi"),
        ("dasar", "dasar_hukum = [", "dasar_hukum_x = [", "sop.dasar_hukum_x"),
        ("batas-text", "[sop]\n", '[sop]\nbatas_laporan_realisasi = "10"\n', "sop.batas_laporan_realisasi"),
        ("batas-31", "[sop]\n", "[sop]\nbatas_laporan_realisasi = 31\n", "1 sampai 28"),
        ("batas-0", "[sop]\n", "[sop]\nbatas_laporan_realisasi = 0\n", "sop.batas_laporan_realisasi"),
    ],
)
def test_bad_sop_is_refused_naming_the_key(tmp_path, text, old, new, key):
    source = DINAS.read_text(encoding="utf-8")
    assert old in source, text
    bad = tmp_path / "sop.toml"
    bad.write_text(source.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as info:
        sop.load(bad)
    assert key in info.value.message and str(bad) in info.value.message


def test_the_report_deadline_is_the_10th_unless_the_sop_says_otherwise(tmp_path):
    source = DINAS.read_text(encoding="utf-8")
    assert sop.load(DINAS).batas_laporan_realisasi == 10  # the default when the SOP is silent
    changed = tmp_path / "sop.toml"
    changed.write_text(source.replace("[sop]\n", "[sop]\nbatas_laporan_realisasi = 7\n", 1), encoding="utf-8")
    assert sop.load(changed).batas_laporan_realisasi == 7


def test_differences_name_the_keys_that_differ():
    source = DINAS.read_text(encoding="utf-8")
    base = sop.from_text(source)
    deadline = sop.from_text(source.replace("[sop]\n", "[sop]\nbatas_laporan_realisasi = 5\n", 1))
    assert sop.differences(base, deadline) == ["kunci 'sop.batas_laporan_realisasi' berbeda"]
    slower = sop.from_text(source.replace('waktu = "4 jam"', 'waktu = "5 jam"', 1))
    assert sop.differences(base, slower) == ["langkah[4] berbeda"]
    comment = sop.from_text("# salinan\n" + source)
    assert comment.digest != base.digest
    assert sop.differences(base, comment) == [
        "isinya sama, hanya teks berkas SOP yang berbeda (komentar atau tata letak)"
    ]


def test_the_laporan_sheet_states_the_sops_deadline(tmp_path):
    import dataclasses

    import openpyxl

    from renaksi_xl import layout
    from renaksi_xl.xlsm.workbook import build_workbook

    five = dataclasses.replace(sop.load(DINAS), batas_laporan_realisasi=5)
    path = build_workbook(tmp_path / "ra.xlsx", vba=False, sop_data=five)
    note = openpyxl.load_workbook(path)[layout.SHEET_LAPORAN]["A2"].value
    assert "jatuh tempo tanggal 5 bulan berikutnya" in note


def _steps(*kinds: str) -> str:
    out = []
    for k in kinds:
        out.append(
            f'[[langkah]]\nuraian = "x"\npelaksana = "A"\njenis = "{k}"\nkelengkapan = "x"\nwaktu = "1 jam"\n'
            'output = "x"\npengesahan = "paraf"\n'
        )
    return "\n".join(out)


HEAD = """[sop]
nama = "N"
nomor = "1"
unit = "U"
pemda = "P"
tanggal_pengesahan = 2024-01-01
dasar_hukum = ["x"]
[sop.disahkan_oleh]
jabatan = "J"
nama = "N"
nip = "198001012005011001"
"""


@pytest.mark.parametrize(
    ("kinds", "fragment"),
    [
        (("disposisi", "data", "susun", "pemeriksaan", "penetapan"), None),
        (("disposisi", "data", "susun", "paraf", "paraf", "pemeriksaan", "paraf", "penetapan"), None),
        (("data", "disposisi", "susun", "pemeriksaan", "penetapan"), "langkah[1].jenis"),
        (("disposisi", "susun", "data", "pemeriksaan", "penetapan"), 'sebelum langkah "susun"'),
        (("disposisi", "data", "pemeriksaan", "susun", "penetapan"), "sesudah langkah"),
        (("disposisi", "data", "susun", "penetapan", "pemeriksaan"), "langkah[5].jenis"),
        (("disposisi", "data", "susun", "pemeriksaan"), "penetapan"),
        (("disposisi", "paraf", "data", "susun", "pemeriksaan", "penetapan"), "langkah[2].jenis"),
        (("disposisi", "data", "susun", "pemeriksaan", "pemeriksaan", "penetapan"), "ditemukan 2"),
        (("disposisi",) + ("paraf",) * 14 + ("penetapan",), "paling banyak 15"),
    ],
)
def test_step_order_rules(kinds, fragment):
    text = HEAD + _steps(*kinds)
    if fragment is None:
        assert sop.from_text(text).number_of_steps == len(kinds)
    else:
        with pytest.raises(InputError) as info:
            sop.from_text(text)
        assert fragment in info.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 menit", (0, 15)),
        ("2 hari", (2, 0)),
        ("1 hari 30 menit", (1, 30)),
        ("4 jam", (0, 240)),
        ("2 Hari", (2, 0)),
        ("0 menit", None),
        ("dua hari", None),
        ("2 minggu", None),
        ("", None),
    ],
)
def test_waktu(text, expected):
    got = sop.parse_time(text)
    assert ((got.days, got.minutes) if got else None) == expected


def test_workbook_carries_its_sop(built_workbook):
    from renaksi_xl import headless

    assert sop.from_book(headless.open_book(built_workbook)).text == sop.default().text
