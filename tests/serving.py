"""Helpers for the Datasette tests: an in-process client, a corpus with an injection, a real server."""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from datasette.app import Datasette

from conftest import CORPUS
from hubkb.serve import make_datasette, start

INJECTION_POST = "2015-01-01-injection"
INJECTION = """---
title: Injection
date: 2015-01-01
authors: []
tags: [sécurité]
---
Un paragraphe sûr sur la coproduction et les <b>services</b> publics.

<script>window.hubkbInjected = "script"</script>

<img src="x" onerror="window.hubkbInjected = 'onerror'"> une image piégée.

[un lien piégé](javascript:window.hubkbInjected='link') et un [lien sûr](https://example.org/).
"""


def injection_corpus(folder: Path) -> Path:
    """A copy of the default corpus plus a post carrying a script, an onerror and a javascript: link."""
    corpus = folder / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "posts" / f"{INJECTION_POST}.md").write_text(INJECTION, encoding="utf-8")
    return corpus


class Client:
    """Datasette's in-process client, called from plain (synchronous) tests on one event loop."""

    def __init__(self, datasette: Datasette):
        self.loop = asyncio.new_event_loop()
        self.datasette = datasette

    @classmethod
    def serving(cls, db_path: Path, metadata_path: Path, settings: dict | None = None) -> Client:
        """What `hubkb serve` runs: immutable, named hubkb, hubkb's metadata and settings (plus `settings`)."""
        client = cls(make_datasette(db_path, metadata_path, settings))
        client.loop.run_until_complete(start(client.datasette))
        return client

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.loop.run_until_complete(self.datasette.client.get(path, **kwargs))

    def close(self) -> None:
        for database in self.datasette.databases.values():
            database.close()
        self.datasette.executor.shutdown(wait=True)
        self.loop.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`hubkb serve` in a subprocess, in `cwd`, on a free loopback port."""

    def __init__(self, cwd: Path, *args: str, timeout: float = 60.0):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = cwd / "serve.log"
        self._log = self.log.open("w")
        command = [sys.executable, "-c", "from hubkb.cli import cli; cli()", "serve", "--port", str(self.port), *args]
        self.process = subprocess.Popen(command, cwd=cwd, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"hubkb serve exited with {self.process.returncode}:\n{self.output()}")
            try:
                if httpx.get(self.url + "/-/versions.json", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"hubkb serve did not answer within {timeout} s:\n{self.output()}")

    def output(self) -> str:
        self._log.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


def wait_for_log(server: Server, pattern: str, count: int = 1, timeout: float = 60.0) -> None:
    """Wait until the server's log holds `count` lines matching `pattern` (a regex)."""
    deadline = time.monotonic() + timeout
    while len(re.findall(pattern, server.output())) < count:
        assert time.monotonic() < deadline, f"no {count} x {pattern!r} in the log:\n{server.output()}"
        time.sleep(0.2)
