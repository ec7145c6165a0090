"""Issue 13's quarterly realisasi records (lapor, verifikasi, sahkan) are signed like every
other paraf / tanda tangan record (issue 14): signing is a property of the record write."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from pki import FROM, PASS, UNTIL, write_p12, write_pem

from renaksi_xl import cli, demo, headless, layout
from renaksi_xl.context import WIB, ActionContext
from renaksi_xl.errors import Refused
from renaksi_xl.runner import run_action
from renaksi_xl.ttd import certs
from renaksi_xl.ttd.signer import Pkcs12File

ACTIONS = (
    (layout.ACTION_LAPOR_REALISASI, layout.ROLE_KASUBAG, dt.datetime(2025, 4, 8, 9, tzinfo=WIB)),
    (layout.ACTION_VERIFIKASI_REALISASI, layout.ROLE_SEKRETARIS, dt.datetime(2025, 4, 8, 13, tzinfo=WIB)),
    (layout.ACTION_SAHKAN_REALISASI, layout.ROLE_CAMAT, dt.datetime(2025, 4, 9, 9, tzinfo=WIB)),
)


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    out = tmp_path_factory.mktemp("realisasi-ttd")
    demo.run_demo(out, with_pdf=False, quiet=True, realisasi=False)
    ca = certs.make_ca("CA Kantor Realisasi", not_before=FROM, not_after=UNTIL)
    keys = {}
    for role, name, nip in demo.OFFICIALS:
        kf = certs.issue(ca, nip=nip, name=name, role=role, key_type="ec", not_before=FROM, not_after=UNTIL)
        keys[role] = write_p12(kf, out / f"{nip}.p12")
    return out / demo.BOOK_NAME, write_pem(ca.certificate, out / "ca.pem"), keys


def test_lapor_verifikasi_sahkan_realisasi_are_signed(plan, tmp_path, capsys):
    source, ca_pem, keys = plan
    book = tmp_path / "ra.xlsm"
    shutil.copyfile(source, book)
    headless.run_on_file(book, demo._fill_realisasi(1))
    for action, role, when in ACTIONS:
        ctx = ActionContext(
            nip=demo.NIP[role],
            now=when,
            catatan="Sesuai bukti." if action == layout.ACTION_VERIFIKASI_REALISASI else None,
            fields={"tw": "I"},
            keys=Pkcs12File(keys[role], lambda p: PASS),
        )
        run_action(book, action, ctx)
    assert cli.main(["verify", str(book), "--json", "--percaya", str(ca_pem)]) == 0
    report = json.loads(capsys.readouterr().out)
    last = report["records"][-3:]
    assert [r["action"] for r in last] == [a for a, _r, _w in ACTIONS]
    assert [r["signature"] for r in last] == ["valid"] * 3
    assert all(demo.NIP[role] in r["signer"] for r, (_a, role, _w) in zip(last, ACTIONS))
    # the demo's SOP records before them were written without keys
    assert {r["signature"] for r in report["records"][:-3]} == {"absent"}


def test_a_realisasi_record_refuses_another_officials_key(plan, tmp_path):
    source, _ca, keys = plan
    book = tmp_path / "ra.xlsm"
    shutil.copyfile(source, book)
    headless.run_on_file(book, demo._fill_realisasi(1))
    before = Path(book).read_bytes()
    action, role, when = ACTIONS[0]
    ctx = ActionContext(
        nip=demo.NIP[role],
        now=when,
        fields={"tw": "I"},
        keys=Pkcs12File(keys[layout.ROLE_CAMAT], lambda p: PASS),
    )
    with pytest.raises(Refused) as info:
        run_action(book, action, ctx)
    assert demo.NIP[layout.ROLE_CAMAT] in info.value.message and Path(book).read_bytes() == before
