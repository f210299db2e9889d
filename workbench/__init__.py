"""workbench: a qualitative thematic synthesis workbench (codings in, Table 6 style tables out)."""

__version__ = "0.1.0"
