"""Production serving defaults (issue 12 s.3), as Streamlit itself reads them from .streamlit/config.toml."""

from __future__ import annotations

import os
from pathlib import Path

from streamlit import config

ROOT = Path(__file__).resolve().parents[2]


def test_streamlit_reads_the_production_defaults() -> None:
    before = Path.cwd()
    os.chdir(ROOT)  # Streamlit reads ./.streamlit/config.toml from the working directory
    try:
        config.get_config_options(force_reparse=True)
        assert config.get_option("server.fileWatcherType") == "none"  # no "File change. Rerun" for visitors
        assert config.get_option("server.runOnSave") is False
        assert config.get_option("server.address") == "127.0.0.1"  # loopback unless told otherwise
        assert config.get_option("server.enableXsrfProtection") is True
        assert config.get_option("client.showErrorDetails") == "none"
        assert config.get_option("server.enableStaticServing") is False
        # No gc.collect(2) after each page run: on this app's heap it held the GIL for about 125 ms a run, and
        # switching it off took 20 sessions from 6.3 to 15.2 page runs a second (benchmarks/concurrency.py).
        assert config.get_option("runner.postScriptGC") is False
    finally:
        os.chdir(before)
        config.get_config_options(force_reparse=True)


def test_the_readme_says_how_to_put_it_behind_a_proxy_that_adds_security_headers() -> None:
    readme = (ROOT / "README.md").read_text()
    for needle in ("X-Frame-Options", "frame-ancestors", "location = /_stcore/metrics", "proxy_set_header Upgrade"):
        assert needle in readme
