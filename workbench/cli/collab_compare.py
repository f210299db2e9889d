"""`workbench compare`: the reconciliation meeting on the command line.

Run alone, it walks the open disagreements one by one (the excerpt, each coder's codings side by
side) and asks what the meeting decides; the subcommands do the same one step at a time, for
scripts and for a meeting that keeps its minutes in a shell history. Every decision is one
transaction with an audit entry naming who decided and when.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from workbench.cli.common import Context
from workbench.core.errors import UserError

if TYPE_CHECKING:
    from workbench.analysis.disagreements import Item
    from workbench.store.api import Project

ITEM = [click.argument("excerpt"), click.argument("subtheme")]


def _item_args(f: Callable[..., None]) -> Callable[..., None]:
    for deco in reversed(ITEM):
        f = deco(f)
    return f


def _open(ctx: click.Context, shows_codings: bool = True) -> tuple[Context, Project, list[str]]:
    """The project, checked out of blind mode, and the coders being compared."""
    from workbench.analysis.agreement import choose_coders

    context = ctx.find_object(Context)
    assert context is not None  # the command group made it (cli/__init__.py)
    project = context.open()
    view = context.viewer(project)
    if shows_codings:
        try:
            view.require_open("comparing coders")
        except UserError:
            project.close()
            raise
    names = choose_coders(view, ctx.find_root().meta.get("compare_coders"))
    return context, project, names


def _items(project: Project, names: list[str], include_settled: bool = False) -> list[Item]:
    from workbench.analysis.disagreements import disagreements

    return disagreements(project, names, include_settled)


def show_item(item: Item, n: int | None = None, total: int | None = None) -> None:
    from workbench.analysis.disagreements import describe

    e = item.excerpt
    head = f"[{n} of {total}] " if n is not None else ""
    click.echo(click.style(f"{head}{e.key} · {item.subtheme}", bold=True)
               + f"   (source {e.source}{', sample: ' + e.perspective if e.perspective else ''}; "
                 f"they differ on: {item.kind}; {item.status})")
    for line in textwrap.wrap(e.text, 88):
        click.echo(f"    {line}")
    width = max(len(c) for c in [*item.views, "agreed set"])
    for coder, codings in item.views.items():
        text = "; ".join(describe(c).split(" · ", 1)[1] for c in codings) if codings else (
            "nothing applies" if coder in item.nothing_applies else "did not apply it")
        click.echo(f"  {coder:<{width}}  {text}")
    agreed = "; ".join(describe(c).split(" · ", 1)[1] for c in item.agreed) or "—"
    click.echo(f"  {'agreed set':<{width}}  {agreed}")
    if item.note:
        click.echo(f"  note: {item.note}" + (f" ({item.decided_by}, {item.decided_at[:16]})" if item.decided_by else ""))


@click.group(invoke_without_command=True)
@click.option("--coders", default=None, metavar="A,B,…", help="Coders to compare (default: all but the agreed set).")
@click.pass_context
def compare(ctx: click.Context, coders: str | None) -> None:
    """Walk the disagreements and settle each into the agreed set (the consensus coder).

    Without a subcommand: one disagreement at a time, asking what the meeting decides.

    Example: workbench --coder chair -p review compare
    """
    ctx.find_root().meta["compare_coders"] = coders
    if ctx.invoked_subcommand is None:
        _walk(ctx)


def _walk(ctx: click.Context) -> None:
    context, project, names = _open(ctx)
    actor = context.coder()
    with project:
        items = _items(project, names)
        if not items:
            click.echo("no open disagreements. " + _coverage_text(project, names))
            return
        done = 0
        try:
            for n, item in enumerate(items, start=1):
                click.echo("")
                show_item(item, n, len(items))
                done += _ask(project, item, actor)
        except click.Abort:
            click.echo("\nstopped.")
        click.echo(f"{done} decided this session. " + _coverage_text(project, names))


def _ask(project: Project, item: Item, actor: str) -> int:
    """One decision for one item; returns 1 when something was decided."""
    coders = [c for c, codings in item.views.items() if codings]
    menu = "  ".join(f"[{i}] accept {c}" for i, c in enumerate(coders, start=1))
    click.echo(f"  {menu}  [w] write  [r] reject  [o] open with note  [s] skip  [q] quit")
    while True:
        choice = click.prompt("  decision", default="s", show_default=False).strip().lower()
        if choice == "q":
            raise click.Abort()
        if choice == "s":
            return 0
        if choice.isdigit() and 1 <= int(choice) <= len(coders):
            project.collab.accept_coding(item.excerpt.key, item.subtheme, coders[int(choice) - 1], actor,
                                  click.prompt("  note (optional)", default="", show_default=False))
            click.echo(f"  accepted {coders[int(choice) - 1]}'s coding into the agreed set")
            return 1
        if choice == "w":
            cb = project.codebook.get()
            valence = click.prompt("  valence", type=click.Choice([*cb.valences, "none"]), default="none")
            perspective = click.prompt("  perspective", type=click.Choice([p.name for p in cb.perspectives]),
                                       default=item.excerpt.perspective or None)
            note = click.prompt("  note (optional)", default="", show_default=False)
            project.collab.write_agreed(item.excerpt.key, item.subtheme, [None if valence == "none" else valence],
                                 perspective, actor, note)
            click.echo("  wrote the agreed coding")
            return 1
        if choice == "r":
            project.collab.reject_item(item.excerpt.key, item.subtheme, actor,
                                click.prompt("  note (optional)", default="", show_default=False))
            click.echo("  the agreed set does not apply this subtheme here")
            return 1
        if choice == "o":
            project.collab.leave_open(item.excerpt.key, item.subtheme, click.prompt("  note"), actor)
            click.echo("  left open with the note")
            return 1
        click.echo("  choose a number, w, r, o, s or q")


def _coverage_text(project: Project, names: list[str]) -> str:
    from workbench.analysis.disagreements import project_coverage
    from workbench.formats.agreement_meeting import coverage_line

    return coverage_line(project_coverage(project, names))


@compare.command("list")
@click.option("--all", "include_settled", is_flag=True, help="Include settled disagreements.")
@click.pass_context
def compare_list(ctx: click.Context, include_settled: bool) -> None:
    """List the disagreements still open (excerpt, subtheme, what differs, status).

    Example: workbench -p review compare list --all
    """
    _, project, names = _open(ctx)
    with project:
        items = _items(project, names, include_settled)
        for item in items:
            note = f"  ({item.note})" if item.note else ""
            click.echo(f"{item.excerpt.key:<10} {item.subtheme:<44} {item.kind:<24} {item.status}{note}")
        click.echo(f"{len(items)} item{'s' if len(items) != 1 else ''}. " + _coverage_text(project, names), err=True)


@compare.command("next")
@click.pass_context
def compare_next(ctx: click.Context) -> None:
    """Show the next open disagreement with each coder's codings side by side.

    Example: workbench -p review compare next
    """
    _, project, names = _open(ctx)
    with project:
        items = _items(project, names)
        if not items:
            click.echo("no open disagreements. " + _coverage_text(project, names))
            return
        show_item(items[0], 1, len(items))


@compare.command("show")
@_item_args
@click.pass_context
def compare_show(ctx: click.Context, excerpt: str, subtheme: str) -> None:
    """Show one item (settled or not) side by side.

    Example: workbench -p review compare show e014 "Role clarity"
    """
    _, project, names = _open(ctx)
    with project:
        found = [i for i in _items(project, names, True) if i.key == (excerpt, subtheme)]
        if not found:
            raise UserError(f"the coders do not disagree on {excerpt} · {subtheme}")
        show_item(found[0])


@compare.command("accept")
@_item_args
@click.option("--from", "from_coder", required=True, help="The coder whose coding the meeting accepts.")
@click.option("--note", default="", help="Why (kept with the decision).")
@click.pass_context
def compare_accept(ctx: click.Context, excerpt: str, subtheme: str, from_coder: str, note: str) -> None:
    """Accept one coder's coding of the item into the agreed set.

    Example: workbench --coder chair -p review compare accept e014 "Role clarity" --from ben
    """
    context, project, _ = _open(ctx)
    with project:
        uuids = project.collab.accept_coding(excerpt, subtheme, from_coder, context.coder(), note)
    click.echo(f"accepted {from_coder}'s coding of {excerpt} · {subtheme} ({len(uuids)} into the agreed set)")


@compare.command("write")
@_item_args
@click.option("--valence", "valences", multiple=True, help="Valence (repeat for both; leave out for none).")
@click.option("--perspective", default=None, help="Whose voice (default: the excerpt's hint).")
@click.option("--note", default="", help="Why (kept with the decision).")
@click.pass_context
def compare_write(ctx: click.Context, excerpt: str, subtheme: str, valences: tuple[str, ...],
                  perspective: str | None, note: str) -> None:
    """Write the meeting's own coding of the item into the agreed set.

    Example: workbench --coder chair -p review compare write e014 "Role clarity" --valence challenge --perspective PSWs
    """
    context, project, _ = _open(ctx)
    with project:
        if perspective is None:
            perspective = next((e.perspective for e in project.records.excerpts() if e.key == excerpt), "") or None
        chosen: list[str | None] = [*valences] or [None]  # no valence: one coding without one
        project.collab.write_agreed(excerpt, subtheme, chosen, perspective, context.coder(), note)
    click.echo(f"wrote the agreed coding of {excerpt} · {subtheme}")


@compare.command("reject")
@_item_args
@click.option("--note", default="", help="Why (kept with the decision).")
@click.pass_context
def compare_reject(ctx: click.Context, excerpt: str, subtheme: str, note: str) -> None:
    """Decide the subtheme does not apply to the excerpt (the agreed set holds no such coding).

    Example: workbench --coder chair -p review compare reject e014 "Role clarity" --note "about pay, not role"
    """
    context, project, _ = _open(ctx)
    with project:
        project.collab.reject_item(excerpt, subtheme, context.coder(), note)
    click.echo(f"rejected {subtheme} for {excerpt}")


@compare.command("open-note")
@_item_args
@click.argument("note")
@click.pass_context
def compare_open_note(ctx: click.Context, excerpt: str, subtheme: str, note: str) -> None:
    """Leave the item open for a later meeting, with a note of what is unresolved.

    Example: workbench --coder chair -p review compare open-note e014 "Role clarity" "ask the author"
    """
    context, project, _ = _open(ctx)
    with project:
        project.collab.leave_open(excerpt, subtheme, note, context.coder())
    click.echo(f"left {excerpt} · {subtheme} open")


@compare.command("accept-agreements")
@click.pass_context
def compare_accept_agreements(ctx: click.Context) -> None:
    """Copy every item all coders agree on into the agreed set (skips excerpts it already covers).

    Example: workbench --coder chair -p review compare accept-agreements
    """
    from workbench.analysis.disagreements import all_items

    context, project, names = _open(ctx)
    with project:
        items = [i for i in all_items(project, names) if i.kind == "agreement" and i.status == "to do"]
        added = project.collab.accept_agreements([(i.excerpt.key, i.subtheme, next(iter(i.views))) for i in items],
                                          context.coder())
        click.echo(f"{added} coding{'s' if added != 1 else ''} the coders agree on copied into the agreed set. "
                   + _coverage_text(project, names))


@compare.command("coverage")
@click.pass_context
def compare_coverage(ctx: click.Context) -> None:
    """How much of the coded material the agreed set covers, and what is left.

    Example: workbench -p review compare coverage
    """
    _, project, names = _open(ctx, shows_codings=False)
    with project:
        click.echo(_coverage_text(project, names))
