"""Use cases: what a user asks for that spans several layers (files in, the store, analyses).

The CLI, the terminal app, `synthetic.py`, the benchmarks and the tests all call these, so making a
project from files behaves the same whichever door a user comes through. This layer may use core,
store, formats, analysis and nlp; it never imports the CLI or Textual (the import-linter contracts
in pyproject.toml say so), and it talks to a terminal only through a `Feedback` it is given.

    build.py     a new project from text files, or from a REFI-QDA project (.qdpx)
    merge.py     another copy of the project (folder or archive) brought in; archives written
    verify.py    a table typed by hand compared with the one the codings derive
    feedback.py  progress and spinners, as the caller chooses to show them
"""
