"""Finance view exports beyond the CSV: the income table as XLSX, the period's summary as a one-page PDF."""
