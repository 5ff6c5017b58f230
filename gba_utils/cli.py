"""``gba-report``: a thin command line over :mod:`gba_utils.pipeline` and :mod:`gba_utils.data`.

Heavy modules are imported inside the command that needs them, so ``gba-report --help`` and a build with nothing to
do start fast.
"""

from __future__ import annotations

import argparse
import sys

from .errors import BuildInterrupted, DataError, GBAError, ParameterError


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="gba-report", description="Build and check the GBA Digital Governance Report 2022 reproduction."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="execute the notebooks and render HTML into reports/")
    b.add_argument("notebooks", nargs="*", help="notebook stems (default: all), e.g. 02_cases")
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
    b.add_argument("--no-progress", action="store_true", help="no progress bar")

    sub.add_parser("validate", help="read and validate every data table; list all problems")
    r = sub.add_parser("refresh", help="re-execute the committed notebooks in place with default parameters")
    r.add_argument("notebooks", nargs="*", help="notebook stems (default: all)")
    sub.add_parser("datapackage", help="regenerate data/datapackage.json and the codebook tables from the schema")

    args = parser.parse_args(argv)
    import signal

    def _terminate(signum, frame):  # SIGTERM ends a build the way Ctrl-C does
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        if args.command == "build":
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
            )
            print(summary.render())
            return 0 if summary.ok else 1
        if args.command == "validate":
            from .data import load

            ds = load()
            print(f"data valid: {ds!r}")
            return 0
        if args.command == "refresh":
            from .pipeline.orchestrate import refresh

            for path in refresh(args.notebooks or None):
                print(f"refreshed {path}")
            return 0
        if args.command == "datapackage":
            from .data.codebook import write_all
            from .pipeline.figure_map import write_figure_map

            for path in [*write_all(), write_figure_map()]:
                print(f"wrote {path}")
            return 0
    except BuildInterrupted as err:
        print(err.summary.render())
        print(
            "gba-report: interrupted; pages already written are complete, the others keep their previous version.",
            file=sys.stderr,
        )
        return 130
    except DataError as err:
        print(f"gba-report: the data did not validate; nothing was built.\n{err}", file=sys.stderr)
        return 2
    except ParameterError as err:
        print(f"gba-report: {err}", file=sys.stderr)
        return 2
    except GBAError as err:
        print(f"gba-report: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "gba-report: interrupted; pages already written are complete, the others keep their previous version.",
            file=sys.stderr,
        )
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


if __name__ == "__main__":
    sys.exit(main())
