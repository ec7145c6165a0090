"""The staff guide: every picture and link resolves, and the pictures are the ones render.py makes.

Pictures come from `python -m renaksi_xl.xlsm.render` (rendering is tested in
test_workbook_lo.py); here the committed guide is checked against them.
"""

from __future__ import annotations

import re
from pathlib import Path

from renaksi_xl.xlsm.render import DOCS_IMG, MAX_PNG_BYTES, guide_shots

DOCS = Path(__file__).resolve().parents[1] / "docs"
PANDUAN = DOCS / "panduan.md"
RULES = DOCS / "aturan-validasi.md"


def _links(text: str) -> list[str]:
    return re.findall(r"\]\(([^)\s]+)\)", text)


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {_anchor(m) for m in re.findall(r"^#+\s+(.*)$", path.read_text(encoding="utf-8"), re.M)}


def test_every_image_of_the_guide_exists_and_is_small():
    text = PANDUAN.read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", text)
    assert images, "the guide shows the sheets"
    for link in images:
        png = DOCS / link
        assert png.is_file(), link
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", link
        assert png.stat().st_size < MAX_PNG_BYTES, (link, png.stat().st_size)
    assert {Path(i).name for i in images} == {s.png for s in guide_shots()}, (
        "the guide uses exactly the pictures render.py regenerates"
    )
    assert DOCS_IMG == DOCS / "img"


def test_every_link_of_the_guide_resolves():
    text = PANDUAN.read_text(encoding="utf-8")
    for link in _links(text):
        if link.startswith(("http://", "https://")):
            continue
        target, _, anchor = link.partition("#")
        path = DOCS / target if target else PANDUAN
        assert path.is_file(), link
        if anchor:
            assert anchor in _anchors(path), link


def test_the_regeneration_command_is_in_the_guide_source():
    text = PANDUAN.read_text(encoding="utf-8")
    comment = re.search(r"<!--(.*?)-->", text, re.S)
    assert comment and "python -m renaksi_xl.xlsm.render" in comment.group(1)


def test_section_5_quotes_only_rules_that_exist():
    text = PANDUAN.read_text(encoding="utf-8")
    section = text.split("## 5.", 1)[1].split("\n## 6.", 1)[0]
    quoted = set(re.findall(r"`([A-Z][A-Z0-9_]{3,})`", section))
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", RULES.read_text(encoding="utf-8"), re.M))
    assert len(quoted) >= 8 and quoted <= documented, quoted - documented
    assert "aturan-validasi.md" in section
