"""`renaksi-xl dpa FILE [--json]`: show what a DPA file holds, as the import would read it."""

from __future__ import annotations

import json
import sys
import textwrap

from .load import read_dpa
from .numbers import format_number, format_rupiah


def _cut(text, width: int) -> str:
    text = "" if text is None else str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(result) -> str:
    """The readable Indonesian table printed by default."""
    dppa = any(r.get("pagu_sebelum") is not None for r in result.records)
    head: tuple[str, ...] = (
        "No",
        "Kode Sub Kegiatan",
        "Sub Kegiatan",
        "Target Keluaran",
        "Sumber Dana",
        "Pagu (Rp)",
    )
    if dppa:
        head += ("Sebelum Perubahan (Rp)",)
    rows = []
    for i, r in enumerate(result.records, 1):
        keluaran = r.get("keluaran") or [
            {"indikator": r["indikator_keluaran"], "target": r["target_keluaran"], "satuan": r["satuan"]}
        ]
        for k, item in enumerate(keluaran):
            target = "-" if item["target"] is None else format_number(item["target"])
            if item["satuan"]:
                target += f" {item['satuan']}"
            if k:  # a further indicator of the same sub kegiatan, on a line of its own
                extra = ("", "", _cut(f"  + {item['indikator'] or '-'}", 48), _cut(target, 18), "", "")
                rows.append(extra + ("",) * (len(head) - len(extra)))
                continue
            row: tuple[str, ...] = (
                str(i),
                r["kode_sub_kegiatan"],
                _cut(r["sub_kegiatan"], 48),
                _cut(target, 18),
                _cut(r["sumber_dana"] or "-", 11),
                format_rupiah(r["pagu"]),
            )
            if dppa:
                row += (format_rupiah(r.get("pagu_sebelum")),)
            rows.append(row)
    widths = [max(len(h), *(len(row[k]) for row in rows)) for k, h in enumerate(head)]
    right = {0, 5, 6}

    def line(cells):
        return "  ".join(
            c.rjust(w) if k in right else c.ljust(w) for k, (c, w) in enumerate(zip(cells, widths))
        )

    out = [
        f"Berkas: {result.file} ({result.format_label()})",
        "",
        line(head),
        "  ".join("-" * w for w in widths),
    ]
    out += [line(r) for r in rows]
    out.append("")
    out.append(f"Jumlah: {len(result.records)} sub kegiatan, total pagu {format_rupiah(result.total_pagu)}.")
    if result.warnings:
        out.append("")
        out.append(f"Peringatan ({len(result.warnings)}):")
        for w in result.warnings:
            out.append(textwrap.fill(w.text(), width=110, initial_indent="- ", subsequent_indent="  "))
    return "\n".join(out)


def cmd_dpa(args) -> int:
    """Exit 0 when the file was read (warnings included); DpaError (exit 2) when unusable."""
    result = read_dpa(args.file, kas=getattr(args, "kas", None))
    if getattr(args, "json", False):
        json.dump(result.to_json(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(render_table(result))
    return 0
