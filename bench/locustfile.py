"""What researchers and writers do on hubkb, as a locust user: the mixed workload of bench/load.py.

    locust -f bench/locustfile.py --headless -u 20 -r 20 --host http://127.0.0.1:8001

Each user sends requests back to back (no think time), taking turns over the
mix below: ranked passage search (JSON and HTML), table search, faceted table
pages, the definitions of a term, who cites whom, CSV (streamed and not),
.bib, and the row pages of posts and people (their ids read from the server
once, when the run starts). `HUBKB_LOAD_REQUESTS=N` stops the run after N
requests (else locust's `--run-time` does); `HUBKB_LOAD_SUMMARY=FILE` writes
the final figures there as JSON.

The users are locust's FastHttpUser (geventhttpclient): locust runs on the
machine it loads, and python-requests' HttpUser took 6.3 s of CPU for 2,000
requests against 3.8 s, the difference taken from the server under test.
"""

from __future__ import annotations

import itertools
import json
import os
from typing import Any

import gevent
import gevent.lock
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

MIX = [
    "/hubkb/search_passages.json?q=coproduction&_shape=array",
    "/hubkb/search_passages?q=27%C3%A8me+r%C3%A9gion",
    "/hubkb/search_passages.json?q=innovation+publique&_shape=array",
    "/hubkb/paragraphs.json?_search=services+publics&_shape=array",
    "/hubkb/posts",
    "/hubkb/posts?_search=coproduction",
    "/hubkb/posts.json?_facet=year&_facet_array=tags",
    "/hubkb/definitions",
    "/hubkb/definitions_of_term.json?term=coproduction&_shape=array",
    "/hubkb/who_cites_whom.json?name=&_shape=array",
    "/hubkb/works.csv?_stream=on",
    "/hubkb/posts.csv?_size=100",
    "/hubkb/works.bib",
]
ROW_PAGES = {"posts": 20, "people": 10}  # row pages of that many ids of each table join the mix

_paths: list[str] = []
_turns = itertools.count()
_tickets = itertools.count()
_answered = itertools.count(1)


def _limit() -> int:
    return int(os.environ.get("HUBKB_LOAD_REQUESTS", "0"))


_reading = gevent.lock.BoundedSemaphore()


def _ensure_paths(host: str) -> None:
    """The mix, plus row pages of ids read from the server under test (once, before any request is timed)."""
    with _reading:
        if _paths:
            return
        import requests  # a dependency of locust's: these requests stay out of the statistics

        paths = list(MIX)
        for table, n in ROW_PAGES.items():
            response = requests.get(
                f"{host}/hubkb/{table}.json", params={"_col": "id", "_size": n, "_shape": "array"}, timeout=120
            )
            response.raise_for_status()
            paths.extend(f"/hubkb/{table}/{row['id']}" for row in response.json())
        _paths[:] = paths


@events.request.add_listener
def stop_after_the_last(**_: Any) -> None:
    """With HUBKB_LOAD_REQUESTS, end the run once the last request is answered."""
    if _limit() and next(_answered) == _limit() and _environment is not None and _environment.runner is not None:
        gevent.spawn(_environment.runner.quit)


_environment: Any = None


@events.init.add_listener
def keep_environment(environment: Any, **_: Any) -> None:
    global _environment
    _environment = environment


@events.quitting.add_listener
def write_summary(environment: Any, **_: Any) -> None:
    """With HUBKB_LOAD_SUMMARY=FILE, the final figures as JSON (locust's CSV may miss the last second)."""
    path = os.environ.get("HUBKB_LOAD_SUMMARY")
    if not path:
        return
    stats = environment.stats

    def figures(entry: Any) -> dict[str, float]:
        return {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "rate": entry.total_rps,
            **{f"{p}%": entry.get_response_time_percentile(p / 100) for p in (50, 95, 99, 100)},
        }

    summary = {
        "total": figures(stats.total),
        "endpoints": {name: figures(entry) for (name, _method), entry in stats.entries.items()},
        "failures": {f"{e.method} {e.name}: {e.error}": e.occurrences for e in stats.errors.values()},
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1)


class Researcher(FastHttpUser):
    wait_time = constant(0)

    @task
    def next_page(self) -> None:
        _ensure_paths(self.host)
        if _limit() and next(_tickets) >= _limit():
            raise StopUser()
        path = _paths[next(_turns) % len(_paths)]
        # one name per kind of request in the statistics: the row pages grouped by table
        name = path.split("?")[0] if not path.startswith(("/hubkb/posts/", "/hubkb/people/")) else None
        self.client.get(path, name=name or path.rsplit("/", 1)[0] + "/[id]")
