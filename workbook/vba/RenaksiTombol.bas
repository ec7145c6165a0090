Attribute VB_Name = "RenaksiTombol"
' The workbook's buttons. Each form button calls one Sub here (layout.BUTTONS);
' every Sub hands its action name to Renaksi_Dispatch (module RenaksiInti), which
' runs the Python function of the same name locally (RunPython) or on the
' office server (RunRemotePython), as the Mode setting on Pengaturan says.
Option Explicit

Public Sub Tombol_CatatDisposisi()
    Renaksi_Dispatch "catat-disposisi"
End Sub

Public Sub Tombol_TarikDPA()
    Renaksi_Dispatch "tarik-dpa"
End Sub

Public Sub Tombol_SusunDraft()
    Renaksi_Dispatch "susun"
End Sub

Public Sub Tombol_CatatPembahasan()
    Renaksi_Dispatch "catat-pembahasan"
End Sub

Public Sub Tombol_Validasi()
    Renaksi_Dispatch "validasi"
End Sub

Public Sub Tombol_ParafPemeriksaan()
    Renaksi_Dispatch "paraf-pemeriksaan"
End Sub

Public Sub Tombol_Kembalikan()
    Renaksi_Dispatch "kembalikan"
End Sub

Public Sub Tombol_Tetapkan()
    Renaksi_Dispatch "tetapkan"
End Sub

Public Sub Tombol_PeriksaKeaslian()
    Renaksi_Dispatch "periksa-keaslian"
End Sub

Public Sub Tombol_SiapkanEmail()
    Renaksi_Dispatch "siapkan-email"
End Sub

Public Sub Tombol_CetakPDF()
    Renaksi_Dispatch "cetak-pdf"
End Sub

Public Sub Tombol_ImporKinerja()
    Renaksi_Dispatch "impor-kinerja"
End Sub

Public Sub Tombol_ImporRealisasi()
    Renaksi_Dispatch "impor-realisasi"
End Sub

Public Sub Tombol_HitungCapaian()
    Renaksi_Dispatch "hitung-capaian"
End Sub

Public Sub Tombol_LaporRealisasi()
    Renaksi_Dispatch "lapor-realisasi"
End Sub

Public Sub Tombol_VerifikasiRealisasi()
    Renaksi_Dispatch "verifikasi-realisasi"
End Sub

Public Sub Tombol_SahkanRealisasi()
    Renaksi_Dispatch "sahkan-realisasi"
End Sub

Public Sub Tombol_Paraf()
    Renaksi_Dispatch "paraf"
End Sub

Public Sub Tombol_Revisi()
    Renaksi_Dispatch "revisi"
End Sub
