"""Building RencanaAksi.xlsm from sources: sheet layout and VBA project."""
