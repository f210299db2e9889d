"""`workbench codebook …` (the grouping step) and `workbench code` (one coding from the shell)."""

from __future__ import annotations

import click

from workbench.cli.common import Context, pass_ctx


@click.group()
def codebook() -> None:
    """Group subthemes under overarching themes: add, rename, merge, move, reorder, delete.

    Each verb is one transaction and one entry in the audit log.

    Example: workbench -p review codebook move "Workload" "Organisational challenges and impact"
    """


@codebook.command("show")
@pass_ctx
def show(ctx: Context) -> None:
    """List themes and subthemes in codebook order.

    Example: workbench -p review codebook show
    """
    with ctx.open() as project:
        cb = project.codebook.get()
    for th in cb.themes:
        click.echo(th.name)
        for s in th.subthemes:
            click.echo(f"  {s.name}" + (f"  [origin: {s.origin}]" if s.origin else ""))
    if cb.ungrouped:
        click.echo("(ungrouped)")
        for s in cb.ungrouped:
            click.echo(f"  {s.name}")


@codebook.command("add")
@click.argument("name")
@click.option("--theme", default=None, help="Overarching theme to put it under (default: ungrouped).")
@click.option("--definition", default="", help="What the subtheme means.")
@click.option("--origin", default="new", show_default=True,
              help="The source review's wording this subtheme was taken from, or 'new'.")
@click.option("--new-theme", is_flag=True, help="Add NAME as an overarching theme instead.")
@pass_ctx
def add(ctx: Context, name: str, theme: str | None, definition: str, origin: str, new_theme: bool) -> None:
    """Add a subtheme (or, with --new-theme, an overarching theme).

    Example: workbench -p review codebook add "Peer supervision" --theme "Confusion over the PSW role"
    """
    with ctx.open() as project:
        if new_theme:
            project.codebook.add_theme(name, ctx.coder(required=False))
            click.echo(f"added theme '{name}'")
        else:
            project.codebook.add_subtheme(name, theme, ctx.coder(required=False), definition, origin)
            click.echo(f"added subtheme '{name}'" + (f" under '{theme}'" if theme else " (ungrouped)"))


@codebook.command("rename")
@click.argument("old")
@click.argument("new")
@click.option("--theme", "is_theme", is_flag=True, help="OLD is an overarching theme.")
@pass_ctx
def rename(ctx: Context, old: str, new: str, is_theme: bool) -> None:
    """Rename a subtheme (or a theme with --theme); codings follow.

    Example: workbench -p review codebook rename "Bridge" "Bridging role"
    """
    with ctx.open() as project:
        (project.codebook.rename_theme if is_theme else project.codebook.rename_subtheme)(old, new, ctx.coder(required=False))
    click.echo(f"renamed '{old}' to '{new}'")


@codebook.command("merge")
@click.argument("source")
@click.argument("into")
@pass_ctx
def merge(ctx: Context, source: str, into: str) -> None:
    """Merge subtheme SOURCE into INTO: codings move, summaries join cell by cell.

    Example: workbench -p review codebook merge "Isolation and validation" "Wellbeing and recovery"
    """
    with ctx.open() as project:
        r = project.codebook.merge_subthemes(source, into, ctx.coder(required=False))
    click.echo(f"merged '{source}' into '{into}': {r['moved']} codings moved, {r['duplicates']} duplicates "
               f"folded, {r['summaries_joined']} summaries joined")


@codebook.command("move")
@click.argument("subtheme")
@click.argument("theme", required=False)
@click.option("--ungroup", is_flag=True, help="Move the subtheme back among the ungrouped.")
@pass_ctx
def move(ctx: Context, subtheme: str, theme: str | None, ungroup: bool) -> None:
    """Move SUBTHEME under THEME (or back to ungrouped with --ungroup).

    Example: workbench -p review codebook move "Workload" "Organisational challenges and impact"
    """
    if not theme and not ungroup:
        raise click.UsageError("name a THEME, or give --ungroup")
    with ctx.open() as project:
        project.codebook.move_subtheme(subtheme, None if ungroup else theme, ctx.coder(required=False))
    click.echo(f"moved '{subtheme}' " + ("to ungrouped" if ungroup else f"under '{theme}'"))


@codebook.command("reorder")
@click.argument("name")
@click.argument("position", type=int)
@click.option("--theme", "is_theme", is_flag=True, help="NAME is an overarching theme.")
@pass_ctx
def reorder(ctx: Context, name: str, position: int, is_theme: bool) -> None:
    """Move NAME to POSITION (1 = first) among its siblings.

    Example: workbench -p review codebook reorder "Boundaries" 1
    """
    with ctx.open() as project:
        project.codebook.reorder("theme" if is_theme else "subtheme", name, position, ctx.coder(required=False))
    click.echo(f"'{name}' is now at position {position}")


@codebook.command("delete")
@click.argument("name")
@click.option("--move-to", default=None, help="Move its codings to this subtheme first.")
@click.option("--theme", "is_theme", is_flag=True, help="NAME is an overarching theme (its subthemes become ungrouped).")
@pass_ctx
def delete(ctx: Context, name: str, move_to: str | None, is_theme: bool) -> None:
    """Delete a subtheme (refused while codings use it unless --move-to), or a theme.

    Example: workbench -p review codebook delete "Old code" --move-to "Boundaries"
    """
    with ctx.open() as project:
        if is_theme:
            n = project.codebook.delete_theme(name, ctx.coder(required=False))
            click.echo(f"deleted theme '{name}'; {n} subthemes are now ungrouped")
        else:
            project.codebook.delete_subtheme(name, ctx.coder(required=False), move_to)
            click.echo(f"deleted '{name}'" + (f" (codings moved to '{move_to}')" if move_to else ""))


@codebook.command("edit")
@click.argument("name")
@click.option("--definition", default=None)
@click.option("--include", default=None)
@click.option("--exclude", default=None)
@click.option("--example", default=None)
@click.option("--origin", default=None)
@pass_ctx
def edit(ctx: Context, name: str, **fields: str | None) -> None:
    """Change a subtheme's definition, include/exclude rules, example or origin.

    Example: workbench -p review codebook edit Boundaries --definition "Where friend ends and worker begins"
    """
    with ctx.open() as project:
        project.codebook.edit_subtheme(name, ctx.coder(required=False), **{k: v for k, v in fields.items() if v is not None})
    click.echo(f"updated '{name}'")


@click.command()
@click.argument("excerpt")
@click.argument("subtheme")
@click.option("--valence", default=None, help="e.g. benefit or challenge (may be left out).")
@click.option("--perspective", default=None, help="Whose voice (default: the excerpt's hint).")
@click.option("--span", default=None, metavar="START-END", help="Code characters START to END only.")
@click.option("--note", default="", help="A note on this coding.")
@click.option("--remove", is_flag=True, help="Remove your matching coding instead.")
@pass_ctx
def code(ctx: Context, excerpt: str, subtheme: str, valence: str | None, perspective: str | None,
         span: str | None, note: str, remove: bool) -> None:
    """Record one coding of EXCERPT with SUBTHEME, as --coder (committed before this returns).

    Example: workbench --coder amira -p review code e001 Boundaries --valence challenge --perspective PSWs
    """
    from workbench.core.errors import UserError
    from workbench.core.model import Coding

    coder = ctx.coder()
    start = end = None
    if span:
        try:
            start, end = (int(x) for x in span.split("-", 1))
        except ValueError:
            raise UserError(f"--span must look like 10-42, not '{span}'") from None
    with ctx.open() as project:
        if perspective is None:
            perspective = project.records.excerpt_hint(excerpt) or None
        c = Coding(excerpt, subtheme, coder, valence, perspective, start, end, note)
        if remove:
            match = [x for x in project.records.codings([coder]) if (x.excerpt, x.subtheme, x.valence, x.perspective,
                                                               x.start, x.end) == (excerpt, subtheme, valence,
                                                                                   perspective, start, end)]
            if not match:
                raise UserError("you have no such coding to remove")
            project.records.remove_coding(match[0].uuid, coder)
            click.echo(f"removed {subtheme} from {excerpt}")
            return
        uuid = project.records.add_coding(c)
    click.echo(f"coded {excerpt} with {subtheme} ({uuid})")
