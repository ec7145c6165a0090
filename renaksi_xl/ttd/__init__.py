"""Digital signatures of paraf / tanda tangan records and of the Dokumen Rencana Aksi PDF.

certs (NIP in certificates, the office CA), signer (key backends), records (what a
record's signature covers, sealing and checking it), trust (trust anchors from
outside the workbook), verify (`verify` and 'Periksa Keaslian' verdicts),
pdfsign (PAdES), keys (the desktop's per-user key settings), cli (`renaksi-xl ca`).
Staff documentation: docs/keaslian.md.
"""
