"""Susun's arithmetic against its definition (renaksi_xl/plan.py docstring), with
figures worked out by hand: Keuangan s.d. TW k is the DPA cash plan summed to the
end of quarter k, never decreasing and never above the pagu, TW IV the pagu, the
pagu spread evenly without a cash plan; Fisik is the share of the pagu disbursed,
whole percent half up, never above 100, TW IV 100.  Issue 16: the caps were
removable without a test noticing."""

import pytest

from renaksi_xl.plan import fisik_schedule, keuangan_schedule


@pytest.mark.parametrize(
    ("pagu", "kas", "expected"),
    [
        (1200, [100] * 12, [300, 600, 900, 1200]),
        # the cash plan passes the pagu in March: capped at the pagu
        (1_000_000, [400_000] * 12, [1_000_000, 1_000_000, 1_000_000, 1_000_000]),
        (1000, [0, 0, 900, 0, 0, 200, 0, 0, 0, 0, 0, 0], [900, 1000, 1000, 1000]),
        # a month taken back: the schedule does not go down
        (1000, [100, 100, 100, -200, 0, 0, 0, 0, 0, 0, 0, 0], [300, 300, 300, 1000]),
        # no cash plan: the pagu spread evenly, whole rupiah half up
        (1000, None, [250, 500, 750, 1000]),
        (1001, [], [250, 501, 751, 1001]),
        (1000, [0] * 12, [250, 500, 750, 1000]),
        (999.5, [100.25] * 12, [301, 602, 902, 1000]),
    ],
)
def test_keuangan_schedule(pagu, kas, expected):
    assert keuangan_schedule(pagu, kas) == expected


@pytest.mark.parametrize(
    ("keuangan", "pagu", "expected"),
    [
        ([250, 500, 750, 1000], 1000, [25, 50, 75, 100]),
        ([125, 505, 995, 1000], 1000, [13, 51, 100, 100]),  # 12.5 -> 13, 50.5 -> 51, 99.5 -> 100
        ([124, 504, 994, 1000], 1000, [12, 50, 99, 100]),
        # more than the pagu disbursed: capped at 100
        ([1200, 1500, 1800, 1000], 1000, [100, 100, 100, 100]),
        ([1006, 2000, 2000, 2000], 1000, [100, 100, 100, 100]),
        ([0, 0, 0, 0], 0, [25, 50, 75, 100]),  # no pagu: even quarters
    ],
)
def test_fisik_schedule(keuangan, pagu, expected):
    assert fisik_schedule(keuangan, pagu) == expected


@pytest.mark.parametrize(
    ("annual", "sifat", "satuan", "fractions", "expected"),
    [
        # Kumulatif grows with the schedule to the annual target; whole numbers for countable units
        (10, "Kumulatif", "Dokumen", (0.25, 0.5, 0.75, 1.0), [3, 5, 8, 10]),
        (10, "Kumulatif", "%", (0.25, 0.5, 0.75, 1.0), [2.5, 5.0, 7.5, 10]),
        (7.5, "Kumulatif", "Dokumen", (0.25, 0.5, 0.75, 1.0), [1.88, 3.75, 5.63, 7.5]),
        # never decreasing, whatever the fractions
        (100, "Kumulatif", "Dokumen", (0.5, 0.25, 0.1, 1.0), [50, 50, 50, 100]),
        (100, "Kumulatif", "Dokumen", (0.2, 0.6, 0.4, 1.0), [20, 60, 60, 100]),
        # Tetap: the annual target every quarter; Akhir Tahun: 0 until TW IV
        (90, "Tetap", "%", (0.25, 0.5, 0.75, 1.0), [90, 90, 90, 90]),
        (4, "Akhir Tahun", "Dokumen", (0.25, 0.5, 0.75, 1.0), [0, 0, 0, 4]),
        (None, "Kumulatif", "Dokumen", (0.25, 0.5, 0.75, 1.0), [None] * 4),
    ],
)
def test_target_schedule(annual, sifat, satuan, fractions, expected):
    from renaksi_xl.plan import target_schedule

    assert target_schedule(annual, sifat, satuan, fractions) == expected


def test_generate_follows_the_cash_plan_into_fisik_and_targets():
    """One DPA record drafted by hand: cash 100 a month on a pagu of 1,200, a target of
    10 % (not countable, two decimals) growing with Fisik 25/50/75/100."""
    from renaksi_xl.plan import generate

    rec = {
        "Kode Sub Kegiatan": "7.01.01.2.01.0001",
        "Sub Kegiatan": "Penyusunan Dokumen",
        "Indikator Keluaran": "Persentase dokumen tersusun",
        "Satuan": "%",
        "Target Keluaran": 10,
        "Pagu (Rp)": 1200,
        "kas": [100] * 12,
    }
    row = generate(rec, {}, "Budi Santoso, S.E.")
    assert [row[f"Keuangan s.d. TW {q} (Rp)"] for q in ("I", "II", "III", "IV")] == [300, 600, 900, 1200]
    assert [row[f"Fisik s.d. TW {q} (%)"] for q in ("I", "II", "III", "IV")] == [25, 50, 75, 100]
    assert [row[f"Target s.d. TW {q}"] for q in ("I", "II", "III", "IV")] == [2.5, 5.0, 7.5, 10]
    assert row["Sifat Target"] == "Kumulatif" and row["Penanggung Jawab"] == "Budi Santoso, S.E."
    assert row["Keterangan"] is None and row["Pagu (Rp)"] == 1200
    # no cash plan: the pagu spread evenly, and the note says so
    row = generate({**rec, "kas": [0] * 12, "Pagu (Rp)": 1000}, {}, "X")
    assert [row[f"Keuangan s.d. TW {q} (Rp)"] for q in ("I", "II", "III", "IV")] == [250, 500, 750, 1000]
    assert row["Keterangan"] == "Anggaran kas tidak ada di DPA: keuangan dibagi rata per triwulan."
