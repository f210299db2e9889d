"""Language help that runs on this machine: segmenting, detection, search and suggestions.

Nothing here downloads a model or opens a connection. spaCy is used as a blank English pipeline
with rule-based parts (sentencizer, PhraseMatcher, the lookup lemmas of spacy-lookups-data) and a
text classifier trained on the project's own codings. Importing this package imports nothing
heavy: spaCy loads only in the modules that need it, so `workbench --help` stays fast.
"""
