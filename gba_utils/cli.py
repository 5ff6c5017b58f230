"""``gba-report``: a thin command line over :mod:`gba_utils.pipeline` and :mod:`gba_utils.data`.

Heavy modules are imported inside the command that needs them, so ``gba-report --help`` and a build with nothing to
do start fast. Every command ends with one of the exit codes in :data:`EXIT_CODES`.
"""

from __future__ import annotations

import argparse
import signal
import sys

from .errors import BuildInterrupted, DataError, GBAError, InputError

#: The exit codes of every command (also in the README and in ``gba-report --help``).
EXIT_CODES = {
    0: "success",
    1: "a notebook failed: the site keeps its previous version of that page, or stays as it was"
    " (verify-source: printed forms not found and not explained)",
    2: "bad input (data, parameters, a notebook name, the output folder; for pdf: no Chromium or Playwright): stopped"
    " before any kernel, nothing changed",
    130: "interrupted (Ctrl-C or SIGTERM): the site stays as it was",
}
INTERRUPTED = "gba-report: interrupted; the site was not changed (pages finished so far are cached for the next build)."


def _grid(text: str) -> tuple[str, list]:
    name, values = _param(text)
    items = [v.strip() for v in str(values).split(",") if v.strip()]
    return name, [int(v) if name == "edition" and v.isdigit() else v for v in items]


def _param(text: str) -> tuple[str, object]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    name, value = text.split("=", 1)
    if name == "edition":
        try:
            return name, int(value)
        except ValueError:
            return name, value  # the parameter check reports it
    return name, value


def version() -> str:
    from importlib import metadata  # here, not at the top: importing it is a large share of a no-op build

    try:
        return metadata.version("gba-digital-governance")
    except metadata.PackageNotFoundError:
        return "unknown"


def _exit_codes() -> str:
    return "exit codes:\n" + "\n".join(f"  {code:<4} {what}" for code, what in EXIT_CODES.items())


def _build_help() -> str:
    """The notebooks and each parameter with its allowed values, read from the same sources the check uses."""
    from .contents import ALL_NOTEBOOKS, PROFILE
    from .research.params import PARAMETERS

    lines = [
        "notebooks: " + ", ".join(ALL_NOTEBOOKS) + f" ({PROFILE} is built once per city with --city-profiles)",
        "",
        "parameters (-p NAME=VALUE, or -m NAME=V1,V2 for every combination):",
    ]
    for p in PARAMETERS.values():
        allowed = p.allowed()
        shown = ", ".join(map(str, allowed)) if allowed else "a folder holding the tables" if p.name == "data_dir" else "any"
        lines.append(f"  {p.name:<9} default {p.default!r}; {p.help}; allowed: {shown}")
    return "\n".join(lines) + "\n\n" + _exit_codes()


class _Parser(argparse.ArgumentParser):
    """An argument parser whose epilog may be a function, called only when help is shown: the build's help reads the
    parameters' allowed values from the data, which a plain ``gba-report build`` must not pay for."""

    def format_help(self) -> str:
        if callable(self.epilog):
            self.epilog = self.epilog()
        return super().format_help()


class _Version(argparse.Action):
    """``--version``, reading the installed version only when asked."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"{parser.prog} {version()}")
        parser.exit()


def parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    top = _Parser(
        prog="gba-report",
        description="Build and check the GBA Digital Governance Report 2022 reproduction.",
        epilog=_exit_codes(),
        formatter_class=fmt,
    )
    top.add_argument("--version", action=_Version, help="show the version and exit")
    sub = top.add_subparsers(dest="command", required=True)

    b = sub.add_parser(
        "build",
        help="execute the notebooks and publish the site (reports/)",
        epilog=_build_help,
        formatter_class=fmt,
        description="Execute the notebooks whose inputs changed and publish the whole site in one step.",
    )
    b.add_argument("notebooks", nargs="*", help="notebook stems (default: every chapter), e.g. 02_cases")
    b.add_argument(
        "-p",
        "--param",
        action="append",
        type=_param,
        default=[],
        metavar="NAME=VALUE",
        help="notebook parameter, e.g. -p city=shenzhen -p domain=society",
    )
    b.add_argument("--lang", default="zh,en", help="languages to build, comma-separated (default zh,en)")
    b.add_argument("-j", "--jobs", type=int, default=None, help="parallel kernels (default: number of cores)")
    b.add_argument("--out", default=None, help="site folder (default reports/)")
    b.add_argument("--show-code", action="store_true", help="keep code cells in the HTML (researcher variant)")
    b.add_argument("--city-profiles", action="store_true", help="also build a profile page for each of the 9+2 cities")
    b.add_argument(
        "-m",
        "--matrix",
        action="append",
        type=_grid,
        default=[],
        metavar="NAME=V1,V2",
        help="build every combination, e.g. -m city=shenzhen,guangzhou -m lang=zh,en",
    )
    b.add_argument("--force", action="store_true", help="re-execute every notebook, ignoring the cache")
    b.add_argument(
        "--isolated",
        action="store_true",
        help="a fresh kernel for every notebook (default: one warm kernel per worker, reset between notebooks)",
    )
    b.add_argument(
        "--no-pdf",
        action="store_true",
        help="leave the PDF editions out (the pages link none): a quick loop while editing, as Chromium takes seconds to "
        "reprint an edition whose text changed",
    )
    b.add_argument("--no-progress", action="store_true", help="no progress bar")

    d = sub.add_parser(
        "pdf",
        help="build the site with the PDF edition of each language (reports/pdf/); needs Chromium and Playwright",
        description="Build the site (the front page and every chapter in each language, and the pages it already has) "
        "and print each language's edition as one PDF with Chromium: a title page, contents with page numbers, every "
        "chapter. `gba-report build` makes the same PDFs whenever Chromium is there; this command fails when it is not.",
        epilog=_exit_codes(),
        formatter_class=fmt,
    )
    d.add_argument("--out", default=None, help="site folder (default reports/)")
    d.add_argument("-j", "--jobs", type=int, default=None, help="parallel kernels (default: number of cores)")
    d.add_argument("--no-progress", action="store_true", help="no progress bar")

    v = sub.add_parser(
        "validate",
        help="read and validate every data table and the geometry; list all problems at once",
        epilog=_exit_codes(),
        formatter_class=fmt,
    )
    v.add_argument("data_dir", nargs="?", default=None, help="a folder with the tables (default: data/)")
    r = sub.add_parser(
        "refresh",
        help="re-execute the committed notebooks in place with default parameters",
        epilog=_exit_codes(),
        formatter_class=fmt,
    )
    r.add_argument("notebooks", nargs="*", help="notebook stems (default: all)")
    sub.add_parser("datapackage", help="regenerate data/datapackage.json, the codebook tables and the README's figure map")
    s = sub.add_parser(
        "verify-source",
        help="check that every printed form in the data occurs in the report's text, in the section its row cites",
        description="Look up every printed form of the data (numbers, hedges, periods, names, dates, applicants, headings) "
        "in the report's text as made by pdftotext from the publisher's PDF, within the section each row cites. Misses "
        "that are deliberate are listed with their reason in data/provenance_exceptions.csv.",
        epilog="exit codes:\n  0    every printed form found or explained\n  1    a printed form not found and not explained, "
        "or an exception that matches nothing\n  2    bad input: no such file, not UTF-8, or data that do not validate",
        formatter_class=fmt,
    )
    s.add_argument("path", help="the report's text, e.g. gba-digital-governance-report-2022.zh.txt")
    s.add_argument("--data", default=None, metavar="DIR", help="a folder with the tables (default: data/)")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)

    def _terminate(signum, frame):  # SIGTERM ends a build the way Ctrl-C does
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return _run(args)
    except BuildInterrupted as err:
        print(err.summary.render())
        print(INTERRUPTED, file=sys.stderr)
        return 130
    except DataError as err:
        what = "the data did not validate" + ("; the site was not changed" if args.command == "build" else "")
        print(f"gba-report: {what}.\n{err}", file=sys.stderr)
        return 2
    except InputError as err:
        print(f"gba-report: {err}" + ("\nthe site was not changed." if args.command == "build" else ""), file=sys.stderr)
        return 2
    except GBAError as err:
        print(f"gba-report: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


#: Printed after a no-op answered by the shortcut (see gba_utils/pipeline/fastpath.py).
SHORTCUT = "no-op shortcut: nothing the build reads has changed since the last complete build (--force rebuilds)"


def _request(args) -> dict:
    """What a build was asked for, as the no-op shortcut compares it (the number of jobs shapes nothing it makes)."""
    keys = ("notebooks", "lang", "param", "out", "show_code", "city_profiles", "matrix", "force", "no_pdf")
    return {k: getattr(args, k) for k in keys} | {"params": dict(args.param)}


def _run(args) -> int:
    if args.command == "build":
        from pathlib import Path

        from . import paths
        from .pipeline import fastpath

        request, site = _request(args), Path(args.out) if args.out else paths.REPORTS
        taken = fastpath.inputs(request) if fastpath.eligible(request) else None  # before the build reads them
        noop = fastpath.lookup(request, site, taken)
        if noop is not None:
            print(noop + "\n" + SHORTCUT)
            return 0
        from .pipeline.orchestrate import build

        langs = tuple(code.strip() for code in args.lang.split(",") if code.strip())
        summary = build(
            args.notebooks or None,
            langs=langs,
            params=dict(args.param),
            jobs=args.jobs,
            site=args.out,
            show_code=args.show_code,
            progress=not args.no_progress,
            city_profiles=args.city_profiles,
            matrix=dict(args.matrix) or None,
            force=args.force,
            isolated=args.isolated,
            pdfs=not args.no_pdf,
        )
        print(summary.render())
        if summary.ok:
            fastpath.record(request, site, summary.as_noop(), taken)
        return 0 if summary.ok else 1
    if args.command == "pdf":
        return _pdf(args)
    if args.command == "validate":
        from .data import load

        ds = load(data_dir=args.data_dir) if args.data_dir else load()
        print(f"data valid: {ds!r}")
        return 0
    if args.command == "verify-source":
        from .data.provenance import verify

        result = verify(args.path, args.data)
        print(result.render())
        return 0 if result.ok else 1
    if args.command == "refresh":
        from .pipeline.orchestrate import refresh

        for path in refresh(args.notebooks or None):
            print(f"refreshed {path}")
        return 0
    from .data.codebook import write_all
    from .pipeline.figure_map import write_figure_map

    for path in [*write_all(), write_figure_map()]:
        print(f"wrote {path}")
    return 0


def _pdf(args) -> int:
    from .pipeline import pdf
    from .pipeline.orchestrate import build

    why = pdf.missing()
    if why:
        print(f"gba-report pdf: the PDF editions cannot be made here: {why}.\nthe site was not changed.", file=sys.stderr)
        return 2
    summary = build(site=args.out, jobs=args.jobs, progress=not args.no_progress)
    print(summary.render())
    if not summary.ok:
        return 1
    from pathlib import Path

    from . import paths

    site = Path(args.out) if args.out else paths.REPORTS
    made = [site / rel for rel in pdf.planned(frozenset(r.job.page for r in summary.results)).values()]
    for path in made:
        print(f"PDF edition: {paths.relative(path, follow_links=False)}")
    return 0 if made and all(p.exists() for p in made) else 1


if __name__ == "__main__":
    sys.exit(main())
