"""Spreadsheets in and out: reading what units send (xlsx, xls, csv) and writing forms."""
