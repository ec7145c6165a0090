Attribute VB_Name = "RenaksiHost"
' Fallbacks for LibreOffice, the VBA host our tests run in. Its VBA layer has no
' ListObjects, but its import keeps each Excel table as a database range of the
' same name. No Option Explicit in this module on purpose: ThisComponent exists
' only in LibreOffice; in Excel this code is never reached (ListObjects works
' there) and, being undeclared, ThisComponent fails at run time, not at compile time.

' The whole range (header included) of the table called tableName on ws, or Nothing.
Public Function Renaksi_HostTableRange(ByVal ws As Worksheet, ByVal tableName As String) As Range
    Dim ranges As Object, area As Object
    Set Renaksi_HostTableRange = Nothing
    On Error GoTo NotFound
    Set ranges = ThisComponent.DatabaseRanges
    If Not ranges.hasByName(tableName) Then Exit Function
    Set area = ranges.getByName(tableName).DataArea
    If area.Sheet <> ws.Index - 1 Then Exit Function
    Set Renaksi_HostTableRange = ws.Range(ws.Cells(area.StartRow + 1, area.StartColumn + 1), _
        ws.Cells(area.EndRow + 1, area.EndColumn + 1))
    Exit Function
NotFound:
    Set Renaksi_HostTableRange = Nothing
End Function
