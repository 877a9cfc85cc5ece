"""The ``harvest`` command's entry point: ``harvest crawl`` goes to the fork server
(``flows.forkserver``) when it can, without importing Prefect here; everything else, and a
crawl the fork server cannot take, runs ``flows.cli.main`` in this process."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["crawl"] and "-h" not in args and "--help" not in args:
        from flows import forkserver

        try:
            code = forkserver.run(args)
        except KeyboardInterrupt:  # before the child started
            print("harvest: interrupted", file=sys.stderr)
            return 130
        if code is not None:
            return code
    from flows.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
