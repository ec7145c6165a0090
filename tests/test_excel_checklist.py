"""docs/excel-checklist.md: the manual Excel run covers every button in both modes."""

from __future__ import annotations

import re
from pathlib import Path

from renaksi_xl import layout

CHECKLIST = Path(__file__).resolve().parents[1] / "docs" / "excel-checklist.md"


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def test_every_button_in_lokal_and_server_mode_with_an_expected_result():
    text = CHECKLIST.read_text(encoding="utf-8")
    for button in layout.BUTTONS:  # every button on every sheet is clicked somewhere
        assert f"**{button.caption}**" in text, button.caption
    for heading in ("## B. Mode Lokal", "## C. Mode Server"):  # every macro in both modes
        section = _section(text, heading)
        for macro in {b.macro for b in layout.BUTTONS}:
            captions = [b.caption for b in layout.BUTTONS if b.macro == macro]
            assert any(f"**{c}**" in section for c in captions), (heading, captions)
    rows = [r for r in text.splitlines() if re.match(r"^\| [A-D]\d+ \|", r)]
    assert len(rows) >= 25
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 4 and cells[1] and cells[2], row  # step and expected result
    for words in ("Enable Content", "Simpan", "Buka lagi"):
        assert words in text
