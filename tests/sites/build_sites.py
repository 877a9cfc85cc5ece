"""Build the static test sites and the demo site from ``articles.yaml``.

Usage::

    python tests/sites/build_sites.py                 # all targets
    python tests/sites/build_sites.py wordpress drupal
    python tests/sites/build_sites.py --demo          # only flows/demo_site/

Targets:

- ``wordpress`` -> ``tests/sites/wordpress/`` (modelled on uclg-mewa.org: WordPress + WPML)
- ``drupal`` -> ``tests/sites/drupal/`` (modelled on the Drupal-era uclg.org / metropolis.org)
- ``demo`` -> ``flows/demo_site/`` (a small WordPress-like site shipped with the package)

Each target directory is wiped and rewritten, so the output is deterministic. The generated
trees are committed; tests never run this script. Absolute URLs are written as ``{{BASE}}``,
which ``testing.localsite.LocalSite`` replaces with its own URL when serving.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

import theme_drupal  # noqa: E402 (needs HERE on sys.path)
import theme_wordpress  # noqa: E402
from sitegen import load_content  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("targets", nargs="*", help="wordpress, drupal, demo (default: all)")
    parser.add_argument("--demo", action="store_true", help="build only flows/demo_site/")
    args = parser.parse_args(argv)
    targets = ["demo"] if args.demo else (args.targets or ["wordpress", "drupal", "demo"])
    content = load_content()
    builders = {
        "wordpress": lambda: theme_wordpress.build_mewa(content, HERE / "wordpress"),
        "drupal": lambda: theme_drupal.build_uclg(content, HERE / "drupal"),
        "demo": lambda: theme_wordpress.build_demo(content, REPO / "flows" / "demo_site"),
    }
    unknown = sorted(set(targets) - set(builders))
    if unknown:
        parser.error(f"unknown target(s): {', '.join(unknown)}")
    for target in targets:
        root = builders[target]()
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
        print(f"{target}: {root.relative_to(REPO)} ({size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
