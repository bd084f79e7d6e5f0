"""Raw captures and report files → normalized settlement lines. Pure: no database, network or UI."""
