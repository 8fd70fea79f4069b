"""Framework-free helpers: codes, parsers and small maths that any app may use."""
