Attribute VB_Name = "RenaksiUji"
' Renaksi_SelfTest: pure VBA, no Python. Checks that every sheet (with its codeName),
' table (on its sheet, at its place, with its headers) and defined name that
' renaksi_xl/layout.py describes is present, and that the settings the buttons need
' can be read. Writes "OK" or the list of problems into the cell named nmSelfTest.
Option Explicit

Public Sub Renaksi_SelfTest()
    Dim wb As Workbook, problems As String
    Set wb = ThisWorkbook
    problems = Renaksi_CheckSheets(wb) & Renaksi_CheckTables(wb) & Renaksi_CheckNames(wb) & Renaksi_CheckSettings(wb)
    If problems = "" Then
        Renaksi_WriteVerdict wb, "OK"
    Else
        Renaksi_WriteVerdict wb, "MASALAH: " & Left$(problems, Len(problems) - 2)
    End If
End Sub

Private Sub Renaksi_WriteVerdict(ByVal wb As Workbook, ByVal verdict As String)
    wb.Names(RX_SELFTEST_NAME).RefersToRange.Value = verdict
End Sub

Private Function Renaksi_FindSheet(ByVal wb As Workbook, ByVal name As String) As Worksheet
    Dim i As Long
    Set Renaksi_FindSheet = Nothing
    For i = 1 To wb.Worksheets.Count
        If wb.Worksheets(i).Name = name Then
            Set Renaksi_FindSheet = wb.Worksheets(i)
            Exit Function
        End If
    Next i
End Function

' RX_Sheets(): "name:codeName" entries joined by "|".
Private Function Renaksi_CheckSheets(ByVal wb As Workbook) As String
    Dim entries As Variant, parts As Variant, i As Long, ws As Worksheet, out As String
    entries = Split(RX_Sheets(), "|")
    For i = LBound(entries) To UBound(entries)
        parts = Split(entries(i), ":")
        Set ws = Renaksi_FindSheet(wb, CStr(parts(0)))
        If ws Is Nothing Then
            out = out & "lembar '" & parts(0) & "' tidak ada; "
        ElseIf ws.CodeName <> CStr(parts(1)) Then
            out = out & "lembar '" & parts(0) & "' ber-codeName '" & ws.CodeName & "', seharusnya '" & parts(1) & "'; "
        End If
    Next i
    Renaksi_CheckSheets = out
End Function

' RX_Tables(): lines "table|sheet|top-left address|header1;header2;...".
Private Function Renaksi_CheckTables(ByVal wb As Workbook) As String
    Dim entries As Variant, parts As Variant, headers As Variant
    Dim i As Long, c As Long, ws As Worksheet, tbl As Range, out As String
    entries = Split(RX_Tables(), vbLf)
    For i = LBound(entries) To UBound(entries)
        If entries(i) <> "" Then
            parts = Split(entries(i), "|")
            headers = Split(parts(3), ";")
            Set ws = Renaksi_FindSheet(wb, CStr(parts(1)))
            Set tbl = Nothing
            If Not ws Is Nothing Then Set tbl = Renaksi_TableRange(ws, CStr(parts(0)))
            If tbl Is Nothing Then
                out = out & "tabel " & parts(0) & " tidak ada di lembar '" & parts(1) & "'; "
            ElseIf tbl.Cells(1, 1).Address(False, False) <> CStr(parts(2)) Then
                out = out & "tabel " & parts(0) & " mulai di " & tbl.Cells(1, 1).Address(False, False) & _
                    ", seharusnya " & parts(2) & "; "
            ElseIf tbl.Columns.Count <> UBound(headers) - LBound(headers) + 1 Then
                out = out & "tabel " & parts(0) & " punya " & tbl.Columns.Count & " kolom, seharusnya " & _
                    (UBound(headers) - LBound(headers) + 1) & "; "
            Else
                For c = LBound(headers) To UBound(headers)
                    If CStr(tbl.Cells(1, c - LBound(headers) + 1).Value) <> CStr(headers(c)) Then
                        out = out & "tabel " & parts(0) & ": judul kolom " & (c - LBound(headers) + 1) & " '" & _
                            tbl.Cells(1, c - LBound(headers) + 1).Value & "', seharusnya '" & headers(c) & "'; "
                    End If
                Next c
            End If
        End If
    Next i
    Renaksi_CheckTables = out
End Function

' RX_Names(): "name:sheet:address" entries joined by "|".
Private Function Renaksi_CheckNames(ByVal wb As Workbook) As String
    Dim entries As Variant, parts As Variant, i As Long, target As Range, out As String
    entries = Split(RX_Names(), "|")
    For i = LBound(entries) To UBound(entries)
        parts = Split(entries(i), ":")
        Set target = Nothing
        On Error Resume Next
        Set target = wb.Names(CStr(parts(0))).RefersToRange
        On Error GoTo 0
        If target Is Nothing Then
            out = out & "nama " & parts(0) & " tidak ada; "
        ElseIf target.Worksheet.Name <> CStr(parts(1)) Or target.Address(False, False) <> CStr(parts(2)) Then
            out = out & "nama " & parts(0) & " menunjuk '" & target.Worksheet.Name & "'!" & _
                target.Address(False, False) & ", seharusnya '" & parts(1) & "'!" & parts(2) & "; "
        End If
    Next i
    Renaksi_CheckNames = out
End Function

' The settings every button reads must exist; Mode must be Lokal or Server.
Private Function Renaksi_CheckSettings(ByVal wb As Workbook) As String
    Dim keys As Variant, i As Long, mode As String, out As String
    keys = Array(RX_SET_MODE, RX_SET_SERVER_URL, RX_SET_TOKEN, RX_SET_FILE_DPA)
    For i = LBound(keys) To UBound(keys)
        If Renaksi_SettingCell(wb, CStr(keys(i))) Is Nothing Then
            out = out & "setelan '" & keys(i) & "' tidak ada di " & RX_TBL_SETELAN & "; "
        End If
    Next i
    mode = Trim$(Renaksi_GetSetting(wb, RX_SET_MODE))
    If mode <> RX_MODE_LOKAL And mode <> RX_MODE_SERVER Then
        out = out & "setelan " & RX_SET_MODE & " = '" & mode & "', seharusnya " & RX_MODE_LOKAL & " atau " & RX_MODE_SERVER & "; "
    End If
    Renaksi_CheckSettings = out
End Function
