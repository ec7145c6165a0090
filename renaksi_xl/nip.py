"""The NIP (Nomor Induk Pegawai) of a civil servant: 18 digits whose parts mean something.

Digits 1-8 the birth date (yyyymmdd), 9-14 the TMT CPNS (yyyymm, month of appointment),
15 the sex (1 man, 2 woman), 16-18 a sequence number. `nip_problem` names the wrong part
in Indonesian, for every place a NIP enters (Pengaturan, `--pejabat`, the server config,
`renaksi-xl pengaturan`, the SOP file).
"""

from __future__ import annotations

import datetime as dt
import re

_DIGITS = re.compile(r"^[0-9]{18}$")
FIRST_YEAR = 1940


def nip_problem(nip: str, today: dt.date | None = None) -> str | None:
    """None for a sound NIP, else what is wrong with it ('tanggal lahir 19901331 ...')."""
    if not isinstance(nip, str):
        return "harus berupa teks 18 angka"
    text = nip.strip()
    if not _DIGITS.match(text):
        digits = sum(ch.isdigit() for ch in text)
        if digits == len(text):
            return f"harus 18 angka, bukan {len(text)} angka"
        return "harus 18 angka tanpa spasi, titik atau huruf"
    today = today or dt.date.today()
    born_text, tmt_text, sex = text[:8], text[8:14], text[14]
    try:
        born = dt.date(int(born_text[:4]), int(born_text[4:6]), int(born_text[6:8]))
    except ValueError:
        return f"bagian tanggal lahir (angka 1-8: {born_text}) bukan tanggal yang sah (ttttbbhh: tahun, bulan, hari)"
    if born.year < FIRST_YEAR or born > today:
        return f"bagian tanggal lahir (angka 1-8: {born_text}) tidak masuk akal (tahun {born.year})"
    year, month = int(tmt_text[:4]), int(tmt_text[4:])
    if not 1 <= month <= 12:
        return f"bagian TMT pengangkatan (angka 9-14: {tmt_text}) bulannya {month:02d}, bukan 01-12"
    if (year, month) <= (born.year, born.month) or year > today.year + 1:
        return (
            f"bagian TMT pengangkatan (angka 9-14: {tmt_text}) tidak masuk akal untuk tanggal lahir "
            f"{born_text}"
        )
    if sex not in "12":
        return f"angka ke-15 (jenis kelamin) harus 1 atau 2, bukan {sex}"
    return None
