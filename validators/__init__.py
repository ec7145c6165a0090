"""pandera schemas and rules for the Rencana Aksi tables (installed as renaksi_xl.validators)."""
