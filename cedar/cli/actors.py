"""`cedar actors list|show|search|alias`: the actor registry of the store (cedar.ingest.actors).

list, show and search open the store read-only; alias writes (one writer at a time: a busy store
is reported as such). The library is imported inside the commands, so that `cedar --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from cedar.cli.common import DEFAULT_DB, DbOption, FormatOption, OutputFormat, out, out_json
from cedar.errors import DataError, StoreError, UsageError

app = typer.Typer(help="The actor registry: canonical names, actor types, countries, aliases.\n\n"
                  "Example: cedar actors search \"Azerbaijani army\"", no_args_is_help=True)


def _no_registry(db: Path) -> StoreError:
    return StoreError(f"The store {db} has no actor registry yet.", f"Run `cedar init --db {db}` to add it.")


def _registry(db: Path) -> Any:
    from cedar.ingest import actors, store

    with store.connect(db, write=False) as con:
        if not actors.has_table(con):
            raise _no_registry(db)
        return actors.load(con, str(db))


def printable(text: str) -> str:
    """A registry's text as the terminal shows it (cedar.schema.terminal, imported here so that
    `cedar --help` imports no part of the model)."""
    from cedar.schema.terminal import printable as shown

    return shown(text)


def _row(a: Any) -> str:
    years = f"{a.first_year or ''}-{a.last_year or ''}" if a.first_year or a.last_year else ""
    fields = (a.name, str(a.actor_type or ""), a.country or "", years, "; ".join(a.aliases))
    return "\t".join(printable(f) for f in fields)  # a name's tab or escape sequence shown, not obeyed


@app.command("list")
def list_actors(
    db: DbOption = DEFAULT_DB,
    country: Annotated[Optional[str], typer.Option("--country", help="Only actors of this ISO3 country.")] = None,
    actor_type: Annotated[Optional[int], typer.Option("--type", min=1, max=8, help="Only this actor type (1-8).")]
    = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """List the registry: name, actor type, country, years seen, aliases (tab-separated).

    Example: cedar actors list --country AZE
    """
    registry = _registry(db)
    chosen = [a for a in registry.actors.values() if (country is None or a.country == country.upper())
              and (actor_type is None or a.actor_type == actor_type)]
    if output is OutputFormat.json:
        out_json([a.to_dict() for a in chosen])
        return
    out("name\tactor_type\tcountry\tyears\taliases")
    for a in chosen:
        out(_row(a))
    out(f"{len(chosen)} of {len(registry)} actors", err=True)


@app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="A canonical name or an alias.", show_default=False)],
    db: DbOption = DEFAULT_DB,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Show one actor, found by its canonical name or an alias.

    Example: cedar actors show "Azerbaijani army"
    """
    from cedar.schema.vocab import ACTOR_TYPES

    registry = _registry(db)
    canonical = registry.canonical(name)
    if canonical is None:
        raise DataError(f"'{name}' is not in the actor registry.", f"Closest names: {registry.closest_text(name)}.")
    a = registry.actors[canonical]
    if output is OutputFormat.json:
        out_json(a.to_dict())
        return
    out(f"name:       {printable(a.name)}")
    out(f"actor type: {a.actor_type or ''} {ACTOR_TYPES.get(a.actor_type or 0, '')}".rstrip())
    out(f"country:    {printable(a.country or '')}")
    out(f"years seen: {a.first_year or ''}-{a.last_year or ''}")
    out(f"aliases:    {printable('; '.join(a.aliases))}")


@app.command("search")
def search(
    query: Annotated[str, typer.Argument(help="Any spelling of an actor's name.", show_default=False)],
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many names to show.")] = 5,
    country: Annotated[Optional[str], typer.Option(
        "--country", help="Only actors of this country (ISO alpha-3, e.g. KEN) and international ones, as a "
                          "check suggests them for an event there.")] = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Fuzzy search (rapidfuzz WRatio over names and aliases): the closest canonical names with scores 0-100.

    Example: cedar actors search "azeri army"; cedar actors search "police" --country KEN
    """
    registry = _registry(db)
    hits = registry.search(query, limit, country.strip().upper() if country else None)
    if output is OutputFormat.json:
        out_json([{"name": n, "score": s, "matched": m} for n, s, m in hits])
        return
    for n, s, m in hits:
        out(printable(f"{s:5.1f}  {n}" + (f"  (alias '{m}')" if m != n else "")))


@app.command("alias")
def alias(
    name: Annotated[str, typer.Argument(help="The canonical name.", show_default=False)],
    new_alias: Annotated[str, typer.Argument(metavar="ALIAS", help="The other spelling to add.", show_default=False)],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Add an alias to a canonical name: at check and ingest the alias is then replaced by the name.

    Example: cedar actors alias "Military Forces of Azerbaijan (2003-)" "Azeri army"
    """
    from cedar.ingest import actors, store

    if not new_alias.strip() or ";" in new_alias:
        raise UsageError(f"'{new_alias}' cannot be an alias.", "Give a non-empty name without ';'.")
    with store.connect(db, write=True) as con:
        if not actors.has_table(con):
            raise _no_registry(db)
        actor = actors.add_alias(con, name, new_alias.strip())
    out(printable(f"'{actor.name}' has the aliases: {'; '.join(actor.aliases)}"))
