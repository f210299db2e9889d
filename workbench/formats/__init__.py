"""Readers and writers of files: codebook YAML, record tables (CSV/XLSX/JSONL), table exports."""
