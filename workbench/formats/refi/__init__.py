"""REFI-QDA, the exchange standard of NVivo, ATLAS.ti, MAXQDA and QualCoder: .qdc and .qdpx files.

codes.py maps the codebook to Codes (both formats), qdc.py reads and writes codebooks, qdpx.py
whole projects (qdpx_write.py, qdpx_read.py, qdpx_map.py), safezip.py opens archives without
trusting them and xmlio.py parses safely and validates against the packaged schemas. The mapping
is documented in docs/interchange.md.
"""
