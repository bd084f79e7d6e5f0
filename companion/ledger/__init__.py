"""The domain, pure: money, categories, periods, profit. No database, network or UI."""
