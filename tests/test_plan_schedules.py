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
