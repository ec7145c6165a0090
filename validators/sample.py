"""A consistent plan of any size: what the tests and the benchmark start from.

Every figure agrees with every rule (codes, pagu, cash plan, cumulative
targets, officials), so a test can break exactly one rule and expect exactly
one finding.  Written into a built workbook through the headless engine,
the same way a button would write it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from renaksi_xl import layout

OFFICIALS = (
    (layout.ROLE_CAMAT, "Drs. Ahmad Suryadi, M.Si", "197505152000031004"),
    (layout.ROLE_SEKRETARIS, "Siti Rahmawati, S.Sos", "198001012005012003"),
    (layout.ROLE_KASUBAG, "Budi Santoso, S.E.", "198303302001121003"),
)


@dataclass
class SamplePlan:
    dpa: list[list] = field(default_factory=list)
    rencana: list[list] = field(default_factory=list)
    kinerja: list[list] = field(default_factory=list)
    pejabat: list[list] = field(default_factory=list)
    realisasi_aksi: list[list] = field(default_factory=list)
    realisasi_kinerja: list[list] = field(default_factory=list)

    def write(self, book) -> None:
        """Fill the four tables of an xlwings Book (any engine), and the realisasi when there is any."""
        from renaksi_xl import tables

        tables.write_table(book, layout.TBL_PEJABAT, self.pejabat)
        tables.write_table(book, layout.TBL_DPA, self.dpa)
        tables.write_table(book, layout.TBL_RENCANA, self.rencana)
        tables.write_table(book, layout.TBL_KINERJA, self.kinerja)
        if self.realisasi_aksi:
            tables.write_table(book, layout.TBL_REALISASI_AKSI, self.realisasi_aksi)
        if self.realisasi_kinerja:
            tables.write_table(book, layout.TBL_REALISASI_KINERJA, self.realisasi_kinerja)


def kode(i: int) -> str:
    """The i-th sub kegiatan code (0-based): 7.01.01.2.01.0001, ... 100 per kegiatan."""
    return f"7.01.01.2.{1 + i // 100:02d}.{1 + i % 100:04d}"


def clean_plan(n: int = 3, indicators: int = 2) -> SamplePlan:
    """n sub kegiatan in tblDPA and tblRencanaAksi, `indicators` rows in tblKinerja."""
    plan = SamplePlan(pejabat=[list(o) for o in OFFICIALS])
    people = [o[1] for o in OFFICIALS] + [layout.ROLE_KASUBAG]
    for i in range(n):
        code = kode(i)
        kegiatan = code.rsplit(".", 1)[0]
        nama = f"Sub Kegiatan Contoh {i + 1}"
        indikator = f"Jumlah dokumen {i + 1} yang tersusun"
        pagu = 12_000_000 + 250_000 * (i % 40) + 1_000 * i
        month = pagu // 12
        cash = [month] * 11 + [pagu - 11 * month]
        quarters = [sum(cash[: 3 * (q + 1)]) for q in range(4)]
        target = 4 + i % 9
        plan.dpa.append(
            [
                code,
                nama,
                kegiatan,
                f"Kegiatan {kegiatan}",
                "7.01.01",
                "Program Penunjang Urusan Pemerintahan",
                indikator,
                target,
                "Dokumen",
                "PAD",
                "Kecamatan Neglasari",
                pagu,
                *cash,
            ]
        )
        cumulative_target = [round(target * (q + 1) / 4, 2) for q in range(4)]
        plan.rencana.append(
            [
                code,
                nama,
                indikator,
                "Dokumen",
                target,
                "Kumulatif",
                *cumulative_target,
                25,
                50,
                75,
                100,
                pagu,
                *quarters,
                people[i % len(people)],
                "",
            ]
        )
    for j in range(indicators):
        plan.kinerja.append(
            [
                "Meningkatnya kualitas perencanaan kecamatan",
                f"Persentase dokumen perencanaan tepat waktu {j + 1}",
                "Persen",
                100,
                "Tetap",
                100,
                100,
                100,
                100,
                OFFICIALS[j % len(OFFICIALS)][0],
            ]
        )
    return plan


def add_realisasi(plan: SamplePlan, quarters: int = 4) -> SamplePlan:
    """Realisasi for TW I..`quarters` that meets every target exactly (capaian 100%, spending as planned)."""
    spec = layout.table(layout.TBL_RENCANA)
    col = spec.col_index
    for q in range(quarters):
        tw = layout.QUARTERS[q]
        for row in plan.rencana:
            plan.realisasi_aksi.append(
                [
                    tw,
                    row[col(layout.H_KODE_SUB)],
                    row[col(layout.H_INDIKATOR_KELUARAN)],
                    row[col(layout.TARGET_TW[q])],
                    row[col(layout.FISIK_TW[q])],
                    row[col(layout.KEUANGAN_TW[q])],
                    "Koordinasi berjalan baik",
                    "",
                    "",
                    f"https://drive.example.go.id/bukti/{row[0]}/tw{q + 1}",
                    "",
                ]
            )
        kcol = layout.table(layout.TBL_KINERJA).col_index
        for row in plan.kinerja:
            plan.realisasi_kinerja.append(
                [
                    tw,
                    row[kcol(layout.H_INDIKATOR_KINERJA)],
                    row[kcol(layout.TARGET_TW[q])],
                    "Dukungan pimpinan",
                    "",
                    "",
                    "https://drive.example.go.id/bukti/kinerja",
                    "",
                ]
            )
    return plan


def write_plan(path, plan: SamplePlan) -> None:
    """Write `plan` into the workbook file at `path` through the headless engine."""
    from renaksi_xl import headless

    headless.run_on_file(path, plan.write)
