"""Benchmark (issue 14): the cost of signing and verifying a full SOP, and the size a signed
record adds to the workbook.

    python bench/bench_ttd.py [--ec] [--repeat 5]

Runs the demo's scenario (renaksi_xl.demo.script: the whole SOP with one return to step 3,
every paraf / tanda tangan record through the same actions the buttons run) twice on fresh
workbooks: unsigned, then with each official's PKCS#12 key (office CA, RSA 2048 or --ec P-256).
Prints, side by side with its floor:
- signing: time inside the record hook (load the .p12 once, check the certificate, sign,
  encode) per record, against the floor `key.sign()` of the same bytes;
- verifying: signature checks of all records (chain validation included) against the
  floor of raw signature verification, and next to `verify_book` (the fingerprint chain);
- size: the workbook file and the two cells per record, signed vs unsigned.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from renaksi_xl import demo, headless, layout, tables  # noqa: E402
from renaksi_xl.context import ActionContext  # noqa: E402
from renaksi_xl.dpa import SAMPLE_DPA, SAMPLE_PK  # noqa: E402
from renaksi_xl.integrity import read_log, records_of, verify_book  # noqa: E402
from renaksi_xl.runner import run_action  # noqa: E402
from renaksi_xl.ttd import certs, records, trust  # noqa: E402
from renaksi_xl.ttd.signer import Pkcs12File  # noqa: E402
from renaksi_xl.ttd.trust import load_trust  # noqa: E402
from renaksi_xl.ttd.verify import check_signatures  # noqa: E402
from renaksi_xl.xlsm.workbook import build_workbook  # noqa: E402

UTC = dt.timezone.utc
PASS = "sandi-bench-123"


def make_keys(folder: Path, key_type: str) -> tuple[Path, dict[str, Path]]:
    start, end = dt.datetime(2024, 1, 1, tzinfo=UTC), dt.datetime(2030, 1, 1, tzinfo=UTC)
    ca = certs.make_ca("CA Bench", key_type=key_type, not_before=start, not_after=end)
    ca_pem = folder / "ca.pem"
    ca_pem.write_bytes(ca.certificate.public_bytes(certs.serialization.Encoding.PEM))
    keys = {}
    for role, name, nip in demo.OFFICIALS:
        kf = certs.issue(
            ca, nip=nip, name=name, role=role, key_type=key_type, not_before=start, not_after=end
        )
        keys[role] = folder / f"{nip}.p12"
        keys[role].write_bytes(certs.pkcs12_bytes(kf, PASS, nip))
    return ca_pem, keys


def run_sop(book: Path, keys: dict[str, Path] | None) -> float:
    build_workbook(book)
    demo.setup_officials(book)
    sources = {role: Pkcs12File(p, lambda _p: PASS) for role, p in (keys or {}).items()}
    t = time.perf_counter()
    for item in demo.script(Path(SAMPLE_DPA), Path(SAMPLE_PK)):
        if isinstance(item, tuple):
            headless.run_on_file(book, item[1])
            continue
        files = {layout.ACTION_TARIK_DPA: [str(SAMPLE_DPA)], layout.ACTION_IMPOR_KINERJA: [str(SAMPLE_PK)]}
        ctx = ActionContext(
            nip=demo.NIP[item.role],
            now=item.when,
            catatan=item.catatan,
            fields=dict(item.fields or {}),
            files=files.get(item.action, []),
            keys=sources.get(item.role),
        )
        run_action(book, item.action, ctx)
    return time.perf_counter() - t


def timed_hook():
    """Wrap the record hook to measure only the signing part of each record write."""
    spent: list[float] = []
    original = records.seal_cells

    def seal(book, ctx, cells, now):
        t = time.perf_counter()
        try:
            return original(book, ctx, cells, now)
        finally:
            spent.append(time.perf_counter() - t)

    records.seal_cells = seal
    return spent, lambda: setattr(records, "seal_cells", original)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ec", action="store_true", help="EC P-256 keys (default RSA 2048)")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    key_type = "ec" if args.ec else "rsa"
    with tempfile.TemporaryDirectory(prefix="bench-ttd-") as tmp:
        tmp = Path(tmp)
        ca_pem, keys = make_keys(tmp, key_type)
        plain, signed = tmp / "tanpa.xlsm", tmp / "ttd.xlsm"
        t_plain = run_sop(plain, None)
        spent, restore = timed_hook()
        t_signed = run_sop(signed, keys)
        restore()
        book = headless.open_book(signed)
        rows = records_of(read_log(book))
        n = len(rows)
        signing = [s for s in spent if s > 0]
        # floor: the private-key operation alone, on the same signed bytes
        kf = certs.load_pkcs12(keys[layout.ROLE_CAMAT].read_bytes(), PASS, "bench")
        data = records.signed_bytes("pejabat", rows[-1].cells)
        floor_sign = min(_time(lambda: certs.sign_bytes(kf.key, data)) for _ in range(50))
        store = load_trust([ca_pem], user=False)
        t_chain = statistics.median(_time(lambda: verify_book(book)) for _ in range(args.repeat))

        def full_verify():
            trust._PATHS.clear()  # as in a fresh `renaksi-xl verify` process
            check_signatures(book, verify_book(book), store)

        t_verify = statistics.median(_time(full_verify) for _ in range(args.repeat))
        parsed = []
        for r in rows:
            basis, alg, sig, chain = records._parse(
                str(r.get(layout.H_TTD_DIGITAL)), str(r.get(layout.H_SERTIFIKAT))
            )
            parsed.append((chain[0], alg, sig, records.signed_bytes(basis, r.cells)))

        def raw_verify():
            for cert, alg, sig, body in parsed:
                assert certs.signature_matches(cert, alg, sig, body)

        floor_verify = min(_time(raw_verify) for _ in range(20))
        log = tables.read_table(book, layout.TBL_LOG).records()
        sig_chars = [len(str(r[layout.H_TTD_DIGITAL] or "")) for r in log if r[layout.H_TTD_DIGITAL]]
        cert_chars = [len(str(r[layout.H_SERTIFIKAT] or "")) for r in log if r[layout.H_SERTIFIKAT]]
        size_plain, size_signed = plain.stat().st_size, signed.stat().st_size

    print(
        f"Tanda tangan digital, SOP lengkap dari demo ({n} catatan paraf/tanda tangan), kunci {key_type.upper()}:"
    )
    print(f"  seluruh SOP (headless)      tanpa ttd {t_plain:7.2f} s   dengan ttd {t_signed:7.2f} s")
    print(
        f"  menandatangani per catatan  {ms(statistics.median(signing))}   lantai key.sign() {ms(floor_sign)}"
    )
    print(
        f"    (catatan pertama tiap pejabat membuka .p12: maks {ms(max(signing))}; total {ms(sum(signing))})"
    )
    print(f"  memeriksa seluruh SOP       {ms(t_verify)}   lantai verifikasi mentah {ms(floor_verify)}")
    print(
        f"    (di dalamnya verify_book rantai sidik {ms(t_chain)}; tanda tangan + rantai sertifikat {ms(t_verify - t_chain)})"
    )
    print(
        f"  ukuran buku kerja           tanpa ttd {size_plain / 1024:7.1f} KB   dengan ttd {size_signed / 1024:7.1f} KB "
        f"(+{(size_signed - size_plain) / 1024:.1f} KB, +{(size_signed - size_plain) / n / 1024:.1f} KB per catatan)"
    )
    print(
        f"  sel per catatan             Tanda Tangan Digital {max(sig_chars)} karakter, Sertifikat {max(cert_chars)} "
        f"karakter (batas sel Excel {records.CELL_LIMIT})"
    )
    return 0


def _time(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


if __name__ == "__main__":
    sys.exit(main())
