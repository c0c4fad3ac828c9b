"""``python -m dashboard build | serve | review | fetch-assets``: arguments in, one line per error out.

This is the CLI boundary: every :class:`DashboardError` becomes one line on stderr and exit code 2;
nothing below prints errors itself. Warnings (a damaged cache rebuilt ...) are logged and shown as
one ``warning:`` line each. SIGTERM is turned into an exception, so that, as with Ctrl-C, temporary
files are removed and outputs left as they were before the run ends (exit code 143, Ctrl-C 130).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Sequence

from dashboard import __version__, settings
from dashboard.errors import DashboardError, SettingError, one_line


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like KeyboardInterrupt, so that cleanup code runs."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def _add_setting_flags(parser: argparse.ArgumentParser, names: Sequence[str]) -> None:
    for setting in settings.SETTINGS:
        if setting.name in names:
            flag = "--" + setting.name.replace("_", "-")
            if isinstance(setting.default, bool):  # a switch: given means true
                parser.add_argument(flag, dest=setting.name, default=None, action="store_const", const="true",
                                    help=f"{setting.help} (env {setting.env})")
                continue
            parser.add_argument(flag, dest=setting.name, default=None, metavar=setting.name.upper(),
                                help=f"{setting.help} (default: {setting.default!r}; env {setting.env})")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="read articles and write the incident table")
    build.add_argument("inputs", nargs="+", type=Path, metavar="ARTICLE",
                       help="article files (.txt, .md, .html) or folders of them")
    build.add_argument("--out", required=True, type=Path, help="report table to write (.csv or .parquet)")
    build.add_argument("--incidents", type=Path, default=None,
                       help="also write one row per reconciled incident (several reports joined)")
    build.add_argument("--manifest", type=Path, default=None,
                       help="CSV with columns file, source, published, url, title")
    build.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    build.add_argument("--no-cache", action="store_true",
                       help="read every article anew: the article cache (in the cache folder) is neither read "
                            "nor written")
    _add_setting_flags(build, ("max_article_bytes", "geocoder", "nominatim_url", "user_agent", "cache",
                               "geocoder_timeout", "geocoder_budget", "geocoder_max_km", "country", "merge_km",
                               "merge_days", "jobs", "dask", "review_db"))

    serve = commands.add_parser("serve", help="open the dashboard in a browser")
    _add_setting_flags(serve, ("data", "port", "tiles", "review_db", "read_only", "articles"))

    review = commands.add_parser("review", help="move the reviewers' corrections between machines (CSV)")
    review.add_argument("action", choices=("export", "import"), help="export: write every entry; import: add them")
    review.add_argument("file", type=Path, metavar="FILE", help="the CSV file to write or read")
    _add_setting_flags(review, ("data", "review_db"))

    commands.add_parser("fetch-assets", help="fetch the offline map assets (Leaflet and plugins) from npm")
    _add_gazetteer_parser(commands)
    return parser


def _add_gazetteer_parser(commands: argparse._SubParsersAction) -> None:
    gazetteer = commands.add_parser("gazetteer", help="add GeoNames country files to the embedded gazetteer")
    actions = gazetteer.add_subparsers(dest="gazetteer_command", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="import GeoNames country files (CC.txt: 19 tab-separated columns)")
    add.add_argument("files", nargs="+", type=Path, metavar="FILE")
    listing = actions.add_parser("list", help="what is imported, from which file, how many places")
    remove = actions.add_parser("remove", help="drop imported countries")
    remove.add_argument("codes", nargs="+", metavar="CC")
    download = actions.add_parser("download", help="fetch CC.zip from the gazetteer URL and import it")
    download.add_argument("codes", nargs="+", metavar="CC")
    for action in (add, listing, remove, download):
        _add_setting_flags(action, ("cache",))
    _add_setting_flags(download, ("gazetteer_url", "geocoder_timeout"))


def _gazetteer_command(args: argparse.Namespace, values: dict) -> int:
    from dashboard.preprocess.places import country_files
    from dashboard.preprocess.places.gazetteer import CACHE_DIR

    if args.gazetteer_command == "list":
        entries = country_files.list_imported(values.cache)
        for e in entries:
            print(f"{e.country_code}\t{e.places:,} places ({e.added:,} added, {e.merged:,} merged)\t{e.source}\t{e.imported}")
        if not entries:
            print(f"no country file imported (into {country_files.folder_of(values.cache)})")
        return 0
    if args.gazetteer_command == "remove":
        removed = country_files.remove_countries(args.codes, values.cache, CACHE_DIR)
        print(f"removed {', '.join(removed)}")
        return 0
    if args.gazetteer_command == "add":
        entries = country_files.add_files(args.files, values.cache, CACHE_DIR)
    else:
        entries = country_files.download_and_add(args.codes, values.gazetteer_url, values.cache, CACHE_DIR,
                                                 values.geocoder_timeout)
    for e in entries:
        print(f"{e.country_code}: {e.places:,} places from {e.source} ({e.added:,} added, {e.merged:,} merged)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    # only for build: serve leaves signals to the server it starts
    in_main_thread = args.command == "build" and threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main_thread else None
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("warning: %(message)s"))
    logger = logging.getLogger("dashboard")
    logger.addHandler(handler)
    try:
        return _run(parser, args)
    finally:
        logger.removeHandler(handler)
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    try:
        values = settings.resolve({s.name: getattr(args, s.name, None) for s in settings.SETTINGS})
        if args.command == "build":
            return _build(args, values)
        if args.command == "serve":
            from dashboard.ui.launch import serve

            data = Path(values.data)
            if not data.is_file():
                hint = " (build it from the seed articles with 'make data')" if data == settings.DEFAULT_DATA else ""
                raise SettingError(f"{data} does not exist{hint}")

            return serve(data, values.port, values)
        if args.command == "gazetteer":
            return _gazetteer_command(args, values)
        if args.command == "review":
            return _review(args, values)
        if args.command == "fetch-assets":
            from dashboard.ui.assets import ensure_assets

            print(f"assets ready in {ensure_assets()}")
            return 0
    except DashboardError as err:
        print(f"error: {one_line(str(err))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("terminated", file=sys.stderr)
        return 143
    parser.error(f"unknown command {args.command}")
    return 2


def _review(args: argparse.Namespace, values: settings.Settings) -> int:
    from dashboard.errors import OutputError
    from dashboard.files import atomic_write_bytes
    from dashboard.review import ReviewStore, export_csv, import_csv, store_path

    store = ReviewStore(store_path(values.data, values.review_db))
    if args.action == "export":
        if not store.exists():
            raise SettingError(f"{store.path} does not exist: nothing has been reviewed for {values.data}")
        atomic_write_bytes(args.file, export_csv(store))
        print(f"{len(store.history())} entries written to {args.file}", file=sys.stderr)
        return 0
    try:
        data = args.file.read_bytes()
    except OSError as err:
        raise OutputError(f"{args.file} cannot be read ({err.strerror or err})") from err
    added = import_csv(store, data, args.file.name)
    print(f"{added} new entries imported into {store.path}", file=sys.stderr)
    return 0


def _build(args: argparse.Namespace, values: settings.Settings) -> int:
    from dashboard.preprocess.pipeline import BuildOptions, run_build

    options = BuildOptions(
        inputs=tuple(args.inputs),
        out=args.out,
        incidents_out=args.incidents,
        manifest=args.manifest,
        settings=values,
        progress=not args.quiet and sys.stderr.isatty(),
        use_cache=not args.no_cache,
    )
    summary = run_build(options)
    if not args.quiet:
        print(summary.render(), file=sys.stderr)
    return 0
