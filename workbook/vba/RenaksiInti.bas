Attribute VB_Name = "RenaksiInti"
' The dispatcher behind every button, the settings reader, sheet protection,
' and the macros Python calls through the xlwings runMacro action
' (Renaksi_HapusSorotan, Renaksi_KunciLembar, Renaksi_BukaRencana).
'
' Portability: this module must compile in Excel and in LibreOffice (the VBA
' host of our tests), so no #If blocks, no For Each over host collections and
' no ListObjects without the fallback in RenaksiHost. Names of sheets, tables
' and settings come from RenaksiLayout, generated from renaksi_xl/layout.py.
Option Explicit

' Sheets a Python action opened for editing (Renaksi_BukaRencana, after revisi): the
' dispatcher leaves them unprotected instead of protecting them again.
Private mOpenedByAction As String

' Run one button's action. Lokal: RunPython "import renaksi_xl.macros as m; m.<action>()".
' Server: RunRemotePython "<URL Server>/aksi/<action>" with the Token Server as auth.
' Protected sheets are unprotected while Python runs (the xlwings client cannot
' write to locked cells) and protected again afterwards, also after an error.
Public Sub Renaksi_Dispatch(ByVal action As String)
    Dim wb As Workbook
    Dim mode As String, url As String, files As Variant, kas As Variant, unprotected As String
    Set wb = ThisWorkbook
    If action = RX_ACTION_PDF Then
        Renaksi_CetakPdf wb   ' Excel's own PDF export: no Python needed, in either mode
        Exit Sub
    End If
    mode = Renaksi_Mode(wb)
    If mode = "" Then Exit Sub
    If mode = RX_MODE_SERVER Then
        url = Trim$(Renaksi_GetSetting(wb, RX_SET_SERVER_URL))
        If url = "" Then
            MsgBox "Mode = Server, tetapi '" & RX_SET_SERVER_URL & "' di lembar " & RX_SHEET_PENGATURAN & _
                " masih kosong. Isi alamat server kantor, atau ubah Mode menjadi " & RX_MODE_LOKAL & ".", _
                vbExclamation, "Renaksi"
            Exit Sub
        End If
    End If
    If Renaksi_NeedsFile(action) Then
        files = Renaksi_AskFiles(action, mode)
        If IsEmpty(files) Then Exit Sub
        If action = RX_ACTION_TARIK_DPA Then kas = Renaksi_AskKas(mode)
    End If

    unprotected = Renaksi_UnprotectSheets(wb)
    If unprotected = "#" Then Exit Sub
    mOpenedByAction = ""
    On Error GoTo Failed
    If mode = RX_MODE_SERVER Then
        If Renaksi_NeedsFile(action) Then Renaksi_PasteIntoImpor wb, files, kas
        Renaksi_KeepLongDigitTextQuoted
        RunRemotePython Renaksi_ActionUrl(url, action), Trim$(Renaksi_GetSetting(wb, RX_SET_TOKEN))
        If Renaksi_NeedsFile(action) Then Renaksi_ClearImpor wb
    Else
        If action = RX_ACTION_TARIK_DPA Then
            Renaksi_SetSetting wb, RX_SET_FILE_DPA, Join(files, RX_FILE_SEPARATOR)
            If IsArray(kas) Then
                Renaksi_SetSetting wb, RX_SET_FILE_KAS, Join(kas, RX_FILE_SEPARATOR)
            Else
                Renaksi_SetSetting wb, RX_SET_FILE_KAS, ""
            End If
            RunPython Renaksi_PythonCommand(action, Empty)
            ' Only the names stay in the workbook (it travels by email), also when Python failed.
            Renaksi_SetSetting wb, RX_SET_FILE_DPA, Renaksi_FileNames(files)
        Else
            RunPython Renaksi_PythonCommand(action, files)
        End If
    End If
    Renaksi_ReprotectSheets wb, Renaksi_Without(unprotected, mOpenedByAction)
    mOpenedByAction = ""
    Exit Sub
Failed:
    Dim message As String
    message = Err.Description
    On Error Resume Next
    Renaksi_ReprotectSheets wb, unprotected
    If Renaksi_NeedsFile(action) And mode = RX_MODE_SERVER Then Renaksi_ClearImpor wb
    If action = RX_ACTION_TARIK_DPA And mode = RX_MODE_LOKAL Then
        Renaksi_SetSetting wb, RX_SET_FILE_DPA, Renaksi_FileNames(files)
    End If
    On Error GoTo 0
    MsgBox "Tombol tidak dapat dijalankan: " & message, vbCritical, "Renaksi"
End Sub

' "Cetak PDF": Excel's own PDF export of the document sheets (RX_PDF_SHEETS: the plan,
' the approval record, the SOP progress) beside the saved workbook. LibreOffice has no
' ExportAsFixedFormat, so there `renaksi-xl pdf` does the same from the command line.
Public Sub Renaksi_CetakPdf(ByVal wb As Workbook)
    Dim target As String, current As Object, names() As String, sheetList() As Variant, i As Long
    If wb.Path = "" Then
        MsgBox "Simpan buku kerja terlebih dahulu, lalu klik Cetak PDF lagi.", vbExclamation, "Renaksi"
        Exit Sub
    End If
    target = wb.Path & Application.PathSeparator & Renaksi_BaseName(wb.Name) & "-Dokumen-Rencana-Aksi.pdf"
    names = Split(RX_PDF_SHEETS, "|")
    ReDim sheetList(0 To UBound(names))
    For i = 0 To UBound(names)
        sheetList(i) = names(i)
    Next i
    Set current = wb.ActiveSheet
    On Error GoTo Failed
    wb.Worksheets(sheetList).Select
    wb.ActiveSheet.ExportAsFixedFormat Type:=0, Filename:=target, OpenAfterPublish:=True
    current.Select
    MsgBox "PDF Dokumen Rencana Aksi ditulis: " & target, vbInformation, "Renaksi"
    Exit Sub
Failed:
    Dim message As String
    message = Err.Description
    On Error Resume Next
    current.Select
    MsgBox "PDF tidak dapat dibuat: " & message & ". Tutup PDF lama bila masih terbuka, lalu coba lagi.", _
        vbCritical, "Renaksi"
End Sub

' "C:\Data\DPA 2025.xlsx", "/Users/x/b.xlsx" -> "DPA 2025.xlsx | b.xlsx": the names of chosen
' files joined as in the 'Berkas DPA Terakhir' setting, without this computer's folders.
Public Function Renaksi_FileNames(ByVal files As Variant) As String
    Dim i As Long, path As String, cut As Long, out As String
    For i = LBound(files) To UBound(files)
        path = CStr(files(i))
        cut = InStrRev(path, "\")
        If InStrRev(path, "/") > cut Then cut = InStrRev(path, "/")
        If i > LBound(files) Then out = out & RX_FILE_SEPARATOR
        out = out & Mid$(path, cut + 1)
    Next i
    Renaksi_FileNames = out
End Function

' "RencanaAksi.xlsm" -> "RencanaAksi".
Public Function Renaksi_BaseName(ByVal fileName As String) As String
    If InStrRev(fileName, ".") > 1 Then
        Renaksi_BaseName = Left$(fileName, InStrRev(fileName, ".") - 1)
    Else
        Renaksi_BaseName = fileName
    End If
End Function

' The xlwings client's JSON encoder (VBA-JSON in WebHelpers) writes text of 16+
' characters made only of digits, '.', 'E' or 'e' WITHOUT quotes unless this
' option is set: an 18-digit NIP would reach the server as a rounded number and
' a code such as 7.01.01.2.01.0001 as invalid JSON. Set it before every call.
Public Sub Renaksi_KeepLongDigitTextQuoted()
    WebHelpers.JsonOptions.UseDoubleForLargeNumbers = True
End Sub

' The Mode setting, checked: "Lokal", "Server", or "" after telling the user what is wrong.
Public Function Renaksi_Mode(ByVal wb As Workbook) As String
    Dim mode As String
    mode = Trim$(Renaksi_GetSetting(wb, RX_SET_MODE))
    If LCase$(mode) = LCase$(RX_MODE_LOKAL) Or mode = "" Then
        Renaksi_Mode = RX_MODE_LOKAL
    ElseIf LCase$(mode) = LCase$(RX_MODE_SERVER) Then
        Renaksi_Mode = RX_MODE_SERVER
    Else
        MsgBox "Setelan '" & RX_SET_MODE & "' di lembar " & RX_SHEET_PENGATURAN & " berisi '" & mode & _
            "'. Pilih " & RX_MODE_LOKAL & " atau " & RX_MODE_SERVER & ".", vbExclamation, "Renaksi"
        Renaksi_Mode = ""
    End If
End Function

' The Python statement RunPython executes for an action; files (a 0-based array of
' paths, or Empty) become string arguments.
Public Function Renaksi_PythonCommand(ByVal action As String, ByVal files As Variant) As String
    Dim args As String, i As Long
    If IsArray(files) Then
        For i = LBound(files) To UBound(files)
            If args <> "" Then args = args & ", "
            args = args & "'" & Replace(Replace(CStr(files(i)), "\", "\\"), "'", "\'") & "'"
        Next i
    End If
    Renaksi_PythonCommand = "import " & RX_PYTHON_MODULE & " as m; m." & Replace(action, "-", "_") & "(" & args & ")"
End Function

' "<URL Server>/aksi/<action>", whether or not the URL ends with a slash.
Public Function Renaksi_ActionUrl(ByVal baseUrl As String, ByVal action As String) As String
    baseUrl = Trim$(baseUrl)
    Do While Right$(baseUrl, 1) = "/"
        baseUrl = Left$(baseUrl, Len(baseUrl) - 1)
    Loop
    Renaksi_ActionUrl = baseUrl & "/" & RX_SERVER_ACTION_PATH & "/" & action
End Function

Public Function Renaksi_NeedsFile(ByVal action As String) As Boolean
    Renaksi_NeedsFile = (action = RX_ACTION_TARIK_DPA Or action = RX_ACTION_IMPOR_KINERJA _
        Or action = RX_ACTION_IMPOR_REALISASI)
End Function

' Ask for the DPA / PK / SIPD realisasi file(s). Returns a 0-based array of paths, or Empty if cancelled.
Public Function Renaksi_AskFiles(ByVal action As String, ByVal mode As String) As Variant
    Dim chosen As Variant, paths() As String, i As Long, filter As String, title As String
    If action = RX_ACTION_TARIK_DPA Then
        title = "Pilih berkas DPA / RKA / Anggaran Kas"
    ElseIf action = RX_ACTION_IMPOR_REALISASI Then
        title = "Pilih berkas realisasi keuangan dari SIPD (per sub kegiatan)"
    Else
        title = "Pilih templat Perjanjian Kinerja (PK)"
    End If
    If mode = RX_MODE_SERVER Then
        filter = "Buku kerja Excel (*.xlsx;*.xlsm;*.xls),*.xlsx;*.xlsm;*.xls,CSV (*.csv),*.csv"
    Else
        filter = "Berkas DPA (*.xlsx;*.xlsm;*.xls;*.csv;*.pdf),*.xlsx;*.xlsm;*.xls;*.csv;*.pdf,Semua berkas (*.*),*.*"
    End If
    chosen = Application.GetOpenFilename(filter, 1, title, , True)
    If Not IsArray(chosen) Then
        Renaksi_AskFiles = Empty
        Exit Function
    End If
    ReDim paths(0 To UBound(chosen) - LBound(chosen))
    For i = LBound(chosen) To UBound(chosen)
        paths(i - LBound(chosen)) = CStr(chosen(i))
    Next i
    Renaksi_AskFiles = paths
End Function

' Tarik Data DPA's second file: the Anggaran Kas (RAK) form of SIPD, optional.
' Returns a 0-based array with its path, or Empty when there is none.
Public Function Renaksi_AskKas(ByVal mode As String) As Variant
    Dim chosen As Variant, paths(0 To 0) As String, filter As String
    Renaksi_AskKas = Empty
    If MsgBox("Sertakan formulir Anggaran Kas (RAK) dari SIPD? Rencana penarikan dana per bulan " & _
        "diambil dari RAK dan dicocokkan dengan pagu DPA. Pilih Tidak bila DPA sudah memuat " & _
        "rencana penarikan dana.", vbYesNo + vbQuestion, "Renaksi") <> vbYes Then Exit Function
    If mode = RX_MODE_SERVER Then
        filter = "Buku kerja Excel (*.xlsx;*.xlsm;*.xls),*.xlsx;*.xlsm;*.xls"
    Else
        filter = "Anggaran Kas (*.xlsx;*.xlsm;*.xls;*.pdf),*.xlsx;*.xlsm;*.xls;*.pdf,Semua berkas (*.*),*.*"
    End If
    chosen = Application.GetOpenFilename(filter, 1, "Pilih Anggaran Kas (RAK) SIPD", , False)
    If VarType(chosen) <> vbString Then Exit Function
    paths(0) = CStr(chosen)
    Renaksi_AskKas = paths
End Function

' Server mode: the server cannot read this PC's disk, so the chosen files' cells go
' into the Impor sheet. Per source sheet: a marker row (marker, file, sheet, address of
' the first used cell), then the UsedRange's values from column A (renaksi_xl.dpa.readers).
' The DPA's sheets come under RX_IMPOR_MARKER, the Anggaran Kas (RAK) sheets under
' RX_IMPOR_MARKER_KAS.
Public Sub Renaksi_PasteIntoImpor(ByVal wb As Workbook, ByVal files As Variant, Optional ByVal kas As Variant)
    Dim target As Worksheet, r As Long
    Set target = wb.Worksheets(RX_SHEET_IMPOR)
    Renaksi_ClearImpor wb
    r = RX_IMPOR_FIRST_ROW
    Application.ScreenUpdating = False
    r = Renaksi_PasteFiles(target, files, RX_IMPOR_MARKER, r)
    If Not IsMissing(kas) Then
        If IsArray(kas) Then r = Renaksi_PasteFiles(target, kas, RX_IMPOR_MARKER_KAS, r)
    End If
    wb.Activate
    Application.ScreenUpdating = True
End Sub

' Each sheet of each file below its marker row, from row r; returns the next free row.
Public Function Renaksi_PasteFiles(ByVal target As Worksheet, ByVal files As Variant, _
    ByVal marker As String, ByVal r As Long) As Long
    Dim source As Workbook, ws As Worksheet, used As Range, f As Long, s As Long
    For f = LBound(files) To UBound(files)
        Set source = Workbooks.Open(Filename:=CStr(files(f)), UpdateLinks:=0, ReadOnly:=True)
        For s = 1 To source.Worksheets.Count
            Set ws = source.Worksheets(s)
            Set used = ws.UsedRange
            If Application.WorksheetFunction.CountA(used) > 0 Then
                target.Cells(r, 1).Value = marker
                target.Cells(r, 2).Value = source.Name
                target.Cells(r, 3).Value = ws.Name
                target.Cells(r, 4).Value = used.Cells(1, 1).Address(False, False)
                target.Cells(r + 1, 1).Resize(used.Rows.Count, used.Columns.Count).Value = used.Value
                r = r + 1 + used.Rows.Count
            End If
        Next s
        source.Close SaveChanges:=False
    Next f
    Renaksi_PasteFiles = r
End Function

' Empty the Impor sheet below its title row.
Public Sub Renaksi_ClearImpor(ByVal wb As Workbook)
    Dim ws As Worksheet
    Set ws = wb.Worksheets(RX_SHEET_IMPOR)
    ws.Range(ws.Cells(RX_IMPOR_FIRST_ROW - 1, 1), ws.Cells(ws.Rows.Count, ws.Columns.Count)).ClearContents
End Sub

' ---- settings (table tblSetelan on Pengaturan) ------------------------------------

Public Function Renaksi_GetSetting(ByVal wb As Workbook, ByVal key As String) As String
    Dim cell As Range
    Set cell = Renaksi_SettingCell(wb, key)
    If cell Is Nothing Then
        Renaksi_GetSetting = ""
    Else
        Renaksi_GetSetting = CStr(cell.Value)
    End If
End Function

Public Sub Renaksi_SetSetting(ByVal wb As Workbook, ByVal key As String, ByVal value As String)
    Dim cell As Range
    Set cell = Renaksi_SettingCell(wb, key)
    If cell Is Nothing Then
        Err.Raise vbObjectError + 701, "Renaksi", "Setelan '" & key & "' tidak ada di tabel " & _
            RX_TBL_SETELAN & " (lembar " & RX_SHEET_PENGATURAN & ")."
    End If
    cell.NumberFormat = "@"
    cell.Value = value
End Sub

' The "Nilai" cell of a setting, or Nothing.
Public Function Renaksi_SettingCell(ByVal wb As Workbook, ByVal key As String) As Range
    Dim tbl As Range, r As Long
    Set Renaksi_SettingCell = Nothing
    Set tbl = Renaksi_TableRange(wb.Worksheets(RX_SHEET_PENGATURAN), RX_TBL_SETELAN)
    If tbl Is Nothing Then Exit Function
    For r = 2 To tbl.Rows.Count
        If Trim$(CStr(tbl.Cells(r, 1).Value)) = key Then
            Set Renaksi_SettingCell = tbl.Cells(r, 2)
            Exit Function
        End If
    Next r
End Function

' ---- tables --------------------------------------------------------------------

' The whole range (header row included) of an Excel table on a sheet, or Nothing.
Public Function Renaksi_TableRange(ByVal ws As Worksheet, ByVal tableName As String) As Range
    Dim lo As Object
    Set lo = Nothing
    On Error Resume Next
    Set lo = ws.ListObjects(tableName)
    On Error GoTo 0
    If Not lo Is Nothing Then
        Set Renaksi_TableRange = lo.Range
    Else
        Set Renaksi_TableRange = Renaksi_HostTableRange(ws, tableName)
    End If
End Function

' The data rows of a table (no header), or Nothing.
Public Function Renaksi_TableBody(ByVal ws As Worksheet, ByVal tableName As String) As Range
    Dim tbl As Range
    Set Renaksi_TableBody = Nothing
    Set tbl = Renaksi_TableRange(ws, tableName)
    If tbl Is Nothing Then Exit Function
    If tbl.Rows.Count < 2 Then Exit Function
    Set Renaksi_TableBody = tbl.Offset(1, 0).Resize(tbl.Rows.Count - 1, tbl.Columns.Count)
End Function

' ---- protection ------------------------------------------------------------------

' Unprotect every protected sheet; returns their names joined by "|" ("" if none),
' or "#" after telling the user that a sheet has a password we cannot remove.
Public Function Renaksi_UnprotectSheets(ByVal wb As Workbook) As String
    Dim i As Long, ws As Worksheet, names As String
    For i = 1 To wb.Worksheets.Count
        Set ws = wb.Worksheets(i)
        If ws.ProtectContents Then
            On Error Resume Next
            ws.Unprotect
            On Error GoTo 0
            If ws.ProtectContents Then
                Renaksi_ReprotectSheets wb, names
                MsgBox "Lembar '" & ws.Name & "' dilindungi dengan kata sandi. Buka proteksinya " & _
                    "(Tinjau > Buka Proteksi Lembar), lalu klik tombol lagi.", vbExclamation, "Renaksi"
                Renaksi_UnprotectSheets = "#"
                Exit Function
            End If
            If names <> "" Then names = names & "|"
            names = names & ws.Name
        End If
    Next i
    Renaksi_UnprotectSheets = names
End Function

Public Sub Renaksi_ReprotectSheets(ByVal wb As Workbook, ByVal names As String)
    Dim parts As Variant, i As Long
    If names = "" Or names = "#" Then Exit Sub
    parts = Split(names, "|")
    For i = LBound(parts) To UBound(parts)
        Renaksi_Protect wb.Worksheets(CStr(parts(i)))
    Next i
End Sub

' Protect without a password (a guard against slips, not a secret: the paraf record
' chain is what proves integrity). Users may still widen columns and filter.
Public Sub Renaksi_Protect(ByVal ws As Worksheet)
    On Error Resume Next
    ws.Protect DrawingObjects:=True, Contents:=True, Scenarios:=True, _
        AllowFormattingColumns:=True, AllowFormattingRows:=True, AllowFiltering:=True
    If Err.Number <> 0 Or Not ws.ProtectContents Then
        Err.Clear
        ws.Protect
    End If
    On Error GoTo 0
End Sub

' ---- macros that Python calls through runMacro (headless twins in Python) --------

' Remove the highlight fill that validasi puts on the data cells of the plan and
' realisasi tables (RX_HIGHLIGHT_TABLES). Headers and other sheets are untouched; a
' workbook without one of those sheets (made before it existed) is fine.
Public Sub Renaksi_HapusSorotan(wb As Workbook)
    Dim specs As Variant, parts As Variant, i As Long, ws As Worksheet, body As Range, wasProtected As Boolean
    specs = Split(RX_HIGHLIGHT_TABLES, "|")
    For i = LBound(specs) To UBound(specs)
        parts = Split(specs(i), ":")
        Set ws = Nothing
        On Error Resume Next
        Set ws = wb.Worksheets(CStr(parts(1)))
        On Error GoTo 0
        If ws Is Nothing Then GoTo NextTable
        Set body = Renaksi_TableBody(ws, CStr(parts(0)))
        If Not body Is Nothing Then
            wasProtected = ws.ProtectContents
            If wasProtected Then ws.Unprotect
            body.Interior.ColorIndex = xlNone
            If wasProtected Then Renaksi_Protect ws
        End If
NextTable:
    Next i
End Sub

' After tetapkan: the plan's sheets (DPA, Rencana Aksi, Kinerja) and the step sheets
' become read-only (the step sheets already are, except their input cells).
' Called by Python (runMacro) after revisi: the plan sheets are editable again for the
' next version; the step sheets and the Log stay protected.
Public Sub Renaksi_BukaRencana(wb As Workbook)
    Dim names As Variant, i As Long
    names = Split(RX_UNLOCKED_BY_REVISI, "|")
    For i = LBound(names) To UBound(names)
        On Error Resume Next
        wb.Worksheets(CStr(names(i))).Unprotect
        On Error GoTo 0
    Next i
    mOpenedByAction = RX_UNLOCKED_BY_REVISI
End Sub

' "a|b|c" without the names in "b|d": "a|c".
Public Function Renaksi_Without(ByVal names As String, ByVal drop As String) As String
    Dim parts As Variant, i As Long, out As String
    If names = "" Or drop = "" Then
        Renaksi_Without = names
        Exit Function
    End If
    parts = Split(names, "|")
    For i = LBound(parts) To UBound(parts)
        If InStr(1, "|" & drop & "|", "|" & parts(i) & "|", vbBinaryCompare) = 0 Then
            If out <> "" Then out = out & "|"
            out = out & parts(i)
        End If
    Next i
    Renaksi_Without = out
End Function

Public Sub Renaksi_KunciLembar(wb As Workbook)
    Dim names As Variant, i As Long
    names = Split(RX_LOCK_AFTER_TETAPKAN, "|")
    For i = LBound(names) To UBound(names)
        Renaksi_Protect wb.Worksheets(CStr(names(i)))
    Next i
End Sub

' After sahkan-realisasi of TW IV the year is closed: the realisasi sheets become read-only
' (RX_LOCK_AFTER_YEAR_END; a workbook without one of them is fine).
Public Sub Renaksi_KunciRealisasi(wb As Workbook)
    Dim names As Variant, i As Long, ws As Worksheet
    names = Split(RX_LOCK_AFTER_YEAR_END, "|")
    For i = LBound(names) To UBound(names)
        Set ws = Nothing
        On Error Resume Next
        Set ws = wb.Worksheets(CStr(names(i)))
        On Error GoTo 0
        If Not ws Is Nothing Then Renaksi_Protect ws
    Next i
End Sub

' The page header names the unit (after Pengaturan changes it): every sheet that prints one.
Public Sub Renaksi_KopHalaman(wb As Workbook, unit As String)
    Dim ws As Worksheet
    On Error Resume Next
    For Each ws In wb.Worksheets
        If Len(ws.PageSetup.LeftHeader) > 0 Then ws.PageSetup.LeftHeader = "&B&9Rencana Aksi " & unit
    Next ws
    On Error GoTo 0
End Sub
