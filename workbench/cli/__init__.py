"""The command line: `workbench [-p DIR] COMMAND …`. Commands stay thin: open, call, report.

A user's mistake (`UserError`) becomes one line on stderr and exit status 1; wrong usage is
click's exit 2. Command modules load lazily (see lazy.py) so start-up stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from workbench import __version__
from workbench.cli.common import Context
from workbench.cli.lazy import LazyGroup

P = "workbench.cli."
COMMANDS: dict[str, tuple[str, str]] = {
    "new": (P + "project_cmds:new", "Create a project folder from a codebook, sources, excerpts and codings."),
    "example": (P + "project_cmds:example", "Write a fresh copy of the bundled peer-support example."),
    "status": (P + "project_cmds:status", "Print what the project holds and what is left to code."),
    "check": (P + "project_cmds:check", "Validate the project and codebook; one problem per line."),
    "schema": (P + "project_cmds:schema", "Print the JSON Schema of the codebook file."),
    "import": (P + "io_cmds:import_group", "Add sources, excerpts, codings or summaries from a file."),
    "export": (P + "io_cmds:export_group", "Write the codebook, records, the table and more to files."),
    "codebook": (P + "codebook_cmds:codebook", "Group, rename, merge, move, reorder and delete themes."),
    "code": (P + "codebook_cmds:code", "Record one coding (the CLI twin of the Code screen)."),
    "log": (P + "project_cmds:log", "Show the audit log: who changed what, when."),
    "trace": (P + "table_cmds:trace", "List the excerpts and coders behind a cell of the table."),
    "summary": (P + "table_cmds:summary", "Show or write the summary of a table cell."),
    "verify-table": (P + "table_cmds:verify_table", "Compare a table typed by hand with the codings."),
    "query": (P + "graph_cmds:query", "Ask which sources carry which themes, and which subthemes are coded together."),
    "evidence": (P + "graph_cmds:evidence", "Record CERQual judgements for a finding."),
    "open": (P + "tui_cmds:open_app", "Open the terminal app on the project."),
    "serve": (P + "tui_cmds:serve", "Serve the app to a browser on this machine."),
    "agreement": (P + "collab_cmds:agreement", "Inter-coder agreement (Krippendorff's alpha, Cohen's kappa)."),
    "compare": (P + "collab_cmds:compare", "Walk the disagreements and settle them into the agreed set."),
    "merge": (P + "collab_cmds:merge", "Bring in another copy of the project coded offline."),
    "settings": (P + "collab_cmds:settings", "Show or change project settings (e.g. blind coding)."),
    "init-server": (P + "server_cmds:init_server", "Create the schema and roles on a PostgreSQL server."),
    "push": (P + "server_cmds:push", "Copy a local project folder to the PostgreSQL server."),
    "pull": (P + "server_cmds:pull", "Copy the server's project back into a folder."),
    "search": (P + "nlp_cmds:search", "Search excerpts (lemmas, phrases, fuzzy) and code the hits."),
    "suggest": (P + "nlp_cmds:suggest", "Suggest subthemes for uncoded excerpts (trained on this project)."),
    "detect": (P + "nlp_cmds:detect", "Detect perspectives and citations in excerpts."),
    "segment": (P + "nlp_cmds:segment", "Split an imported document into candidate excerpts."),
}


@click.group(cls=LazyGroup, lazy=COMMANDS, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-p", "--project", "project", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The project folder (default: the current folder).")
@click.option("--db", default=None, metavar="URL",
              help="A database URL (postgresql://…) instead of the folder's SQLite file; or set WORKBENCH_DB.")
@click.option("--coder", default=None, help="Your coder name (else the server login, then WORKBENCH_CODER).")
@click.version_option(__version__, prog_name="workbench")
@click.pass_context
def cli(ctx: click.Context, project: Path | None, db: str | None, coder: str | None) -> None:
    """Qualitative thematic synthesis: code excerpts, group themes, export Table 6 style tables.

    Run without a command to open the terminal app on the project in the current folder.

    Example: workbench -p peer-support status
    """
    ctx.obj = Context(project or Path.cwd(), db, coder)
    if ctx.invoked_subcommand is None:
        command = cli.get_command(ctx, "open")
        assert command is not None  # listed in the lazy table above
        ctx.invoke(command)


def main() -> None:
    cli(prog_name="workbench")
