"""The faster sheet scan (issue 12's reading speed) decides exactly as the plain regex did."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from renaksi_xl import readlimits

PIECES = st.lists(
    st.one_of(
        st.sampled_from([b"<", b">", b'<c r="A1">', b"</c>"]),
        st.integers(min_value=0, max_value=70_000).map(lambda n: b"x" * n),
    ),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(PIECES)
def test_long_text_prefilter_agrees_with_the_regex(pieces):
    data = b"".join(pieces)
    assert readlimits._may_have_long_text(data) == (readlimits.LONG_RUN.search(data) is not None)


def test_long_text_at_the_edges():
    limit = readlimits.MAX_TEXT
    for n in (limit - 1, limit, limit + 1, 2 * limit, 3 * limit + 7):
        for before, after in ((b"", b""), (b"<v>", b"</v>"), (b">" * 3, b"<")):
            data = before + b"y" * n + after
            assert readlimits._may_have_long_text(data) == (n > limit), (n, before, after)
