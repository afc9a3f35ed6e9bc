"""Lighthouse scores of the built site, run by hand (not in the test suite: slow, and scores are a report).

    npm install --prefix .tools lighthouse
    python tools/lighthouse.py            # prints a table; README.md reports the latest one

Builds the real content for a local server (so canonical URLs point where Lighthouse looks), serves it on
loopback and runs Lighthouse with the Debian chromium on the overview, a partner page and an action page, in
French and German.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mecasite.build.pipeline import build  # noqa: E402
from mecasite.config.settings import load_config  # noqa: E402

PAGES = [
    "fr/",
    "fr/partenaires/materalia/",
    "fr/actions/intermat/",
    "de/",
    "de/partner/materalia/",
    "de/aktionen/intermat/",
]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main() -> None:
    lighthouse = os.environ.get("LIGHTHOUSE") or str(REPO / ".tools/node_modules/.bin/lighthouse")
    with tempfile.TemporaryDirectory() as tmp:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=tmp))
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        config = load_config(REPO / "site_config.yaml").with_overrides(
            out=Path(tmp) / "international", base_url=f"{origin}/international/"
        )
        build(config, force=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(f"{'page':32}" + "".join(f"{c:>16}" for c in CATEGORIES))
        for page in PAGES:
            report = Path(tmp) / "report.json"
            subprocess.run(
                [
                    lighthouse,
                    f"{origin}/international/{page}",
                    "--quiet",
                    "--output=json",
                    f"--output-path={report}",
                    "--only-categories=" + ",".join(CATEGORIES),
                    "--chrome-flags=--headless --no-sandbox --disable-gpu --no-first-run",
                ],
                check=True,
                env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
            )
            scores = json.loads(report.read_text())["categories"]
            print(f"{page:32}" + "".join(f"{round(scores[c]['score'] * 100):>16}" for c in CATEGORIES), flush=True)
        server.shutdown()


if __name__ == "__main__":
    main()
