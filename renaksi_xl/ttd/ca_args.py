"""The `renaksi-xl ca` argument parser: standard library only, so `renaksi-xl --help` stays fast."""

from __future__ import annotations

DEFAULT_CA_DIR = "ca-kantor"


def add_parser(sub) -> None:
    """The `ca` subcommands (called by renaksi_xl.cli.build_parser)."""
    s = sub.add_parser("ca", help="CA kantor: buat, terbitkan sertifikat pejabat (.p12), cabut")
    cs = s.add_subparsers(
        dest="ca_command", metavar="SUBPERINTAH", required=True, help="buat, terbitkan, atau cabut"
    )
    b = cs.add_parser("buat", help="buat CA kantor (bukan TTE tersertifikasi BSrE)")
    b.add_argument("--out", default=DEFAULT_CA_DIR, metavar="FOLDER", help=f"bawaan: {DEFAULT_CA_DIR}")
    b.add_argument("--nama", default="CA Kantor renaksi-xl", metavar="NAMA", help="nama CA")
    b.add_argument("--unit", metavar="UNIT", help="nama unit kerja, mis. 'Kecamatan Neglasari'")
    b.add_argument("--ec", action="store_true", help="kunci EC P-256 (bawaan: RSA 2048)")
    b.add_argument("--tahun", type=int, default=10, metavar="N", help="masa berlaku CA (bawaan 10 tahun)")
    b.add_argument("--mulai", metavar="YYYY-MM-DD", help="awal masa berlaku (bawaan: kemarin)")
    t = cs.add_parser("terbitkan", help="terbitkan berkas kunci .p12 untuk seorang pejabat (atau --server)")
    t.add_argument("--nip", metavar="NIP", help="NIP 18 angka (masuk ke serialNumber subjek)")
    t.add_argument("--nama", metavar="NAMA", help="nama pejabat (CN sertifikat); untuk --server nama server")
    t.add_argument("--peran", metavar="PERAN", help="mis. Camat")
    t.add_argument("--unit", metavar="UNIT", help="nama unit kerja (O sertifikat)")
    t.add_argument("--out", required=True, metavar="BERKAS.p12", help="berkas kunci baru (tidak ditimpa)")
    t.add_argument(
        "--ca", default=DEFAULT_CA_DIR, metavar="FOLDER", help=f"folder CA (bawaan: {DEFAULT_CA_DIR})"
    )
    t.add_argument("--ec", action="store_true", help="kunci EC P-256 (bawaan: RSA 2048)")
    t.add_argument("--mulai", metavar="YYYY-MM-DD", help="awal masa berlaku (bawaan: sekarang)")
    t.add_argument("--tahun", type=int, default=2, metavar="N", help="masa berlaku (bawaan 2 tahun)")
    t.add_argument("--server", action="store_true", help="sertifikat segel server (tanpa NIP)")
    c = cs.add_parser("cabut", help="cabut sertifikat (pejabat pindah/berhenti) dan tulis CRL ca.crl")
    c.add_argument("--sertifikat", required=True, metavar="BERKAS", help="berkas .p12 atau .pem yang dicabut")
    c.add_argument(
        "--ca", default=DEFAULT_CA_DIR, metavar="FOLDER", help=f"folder CA (bawaan: {DEFAULT_CA_DIR})"
    )
    c.add_argument("--waktu", metavar="ISO8601", help="sejak kapan dicabut (bawaan: sekarang)")
