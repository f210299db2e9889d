"""Analyses over the codings: the cell derivation, table rows, matrix, graph, agreement, checks."""
