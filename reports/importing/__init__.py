"""Getting deals in from files: CSV as Excel and LibreOffice save it, and Bitrix24 exports.

Every file is read row by row; a row that breaks a rule is reported with its line and the
reason and left out whole, the good rows are written in batches, and importing the same data
again changes nothing."""
