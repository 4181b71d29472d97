"""No page stalls the server: bodies and citations are computed off the event loop, once, and shared."""

from __future__ import annotations

import asyncio
import shutil
import sys
import time

import httpx
import pytest

from conftest import ROOT, SCHEMA
from hubkb.build import build
from hubkb.memo import Memo
from serving import Server

sys.path.insert(0, str(ROOT / "bench"))
from render import MAX_POST_BYTES, post_body  # bench/render.py, on the path just above

LONG_POST = "2020-01-01-un-billet-tres-long"
TRIALS = 3  # cite-page timings on a shared machine: the best of three, each on works never formatted
WORKS = "".join(
    f"""- id: rapport-{n}
  type: report
  title: Un rapport sur la coproduction, numéro {n}
  authors: [David Boyle, Michael Harris]
  year: {2010 + n}
  publisher: Nesta
"""
    for n in range(2 * TRIALS)
)

# --- the memo ------------------------------------------------------------------------


def test_concurrent_requests_for_one_result_share_one_computation() -> None:
    memo = Memo()

    def slow(x: int) -> int:
        time.sleep(0.2)
        return x * 2

    async def twenty() -> list[int]:
        return await asyncio.gather(*(memo.get("k", slow, 21) for _ in range(20)))

    start = time.perf_counter()
    assert asyncio.run(twenty()) == [42] * 20
    assert time.perf_counter() - start < 1.0
    assert memo.computations == 1
    assert asyncio.run(memo.get("k", slow, 21)) == 42
    assert memo.computations == 1


def test_an_error_reaches_every_caller_and_is_not_kept() -> None:
    memo = Memo()
    calls = []

    def failing() -> str:
        calls.append(1)
        time.sleep(0.2)
        raise ValueError("citeproc failed")

    async def three() -> list:
        return await asyncio.gather(*(memo.get("k", failing) for _ in range(3)), return_exceptions=True)

    assert [str(e) for e in asyncio.run(three())] == ["citeproc failed"] * 3
    with pytest.raises(ValueError, match="citeproc failed"):
        asyncio.run(memo.get("k", failing))
    assert len(calls) == 2


def test_results_are_kept_within_the_size_budget_least_recently_used_out_first() -> None:
    memo = Memo(max_bytes=10)

    async def run() -> None:
        assert await memo.get("a", str.upper, "aaaa") == "AAAA"
        assert await memo.get("b", str.upper, "bbbb") == "BBBB"
        await memo.get("a", str.upper, "aaaa")  # a is now the most recently used
        assert await memo.get("c", str.upper, "cccc") == "CCCC"  # 12 characters: b goes
        assert memo.computations == 3
        await memo.get("a", str.upper, "aaaa")
        assert memo.computations == 3
        await memo.get("b", str.upper, "bbbb")
        assert memo.computations == 4

    asyncio.run(run())


# --- a real server, with a post at the size limit ---------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """`hubkb serve` on the default corpus plus a post of almost 5 MB."""
    folder = tmp_path_factory.mktemp("offload")
    shutil.copytree(ROOT / "corpus", folder / "corpus")
    with (folder / "corpus" / "works.yaml").open("a", encoding="utf-8") as works:
        works.write(WORKS)
    body, _ = post_body(MAX_POST_BYTES - 1000)
    front = "---\ntitle: Un billet très long\ndate: 2020-01-01\nauthors: []\n---\n"
    (folder / "corpus" / "posts" / f"{LONG_POST}.md").write_text(front + body + "\n", encoding="utf-8")
    build(folder / "corpus", folder / "hubkb.db", SCHEMA)
    # one worker process: these tests follow one process's event loop and its cache of rendered posts
    s = Server(folder, "--corpus", str(folder / "corpus"), "--db", str(folder / "hubkb.db"), "--workers", "1")
    yield s
    s.stop()


async def _timed(client: httpx.AsyncClient, path: str) -> tuple[float, float, int]:
    """(start, end, status) of one request, on the same clock."""
    start = time.perf_counter()
    response = await client.get(path)
    return start, time.perf_counter(), response.status_code


def test_other_pages_are_served_while_a_5_mb_post_renders(server: Server) -> None:
    small = ["/hubkb/posts.json?_size=1", "/hubkb/works/boyle-harris-2009", "/hubkb/people.json"]

    async def run() -> tuple[tuple[float, float, int], list[tuple[float, float, int]]]:
        async with httpx.AsyncClient(base_url=server.url, timeout=120) as client:
            for path in small:  # connections and Datasette's first-use work
                await client.get(path)
            long = asyncio.create_task(_timed(client, f"/hubkb/posts/{LONG_POST}"))
            await asyncio.sleep(0.05)
            others = []
            for _ in range(4):
                others += await asyncio.gather(*(_timed(client, path) for path in small))
            return await long, others

    long, others = asyncio.run(run())
    assert long[2] == 200 and {status for _, _, status in others} == {200}
    # the first round was asked while the long post rendered: had the render held the event loop, it would
    # have ended after the long post (later rounds may end after it on a fast machine, and that is fine)
    first_round = others[: len(small)]
    assert max(end for _, end, _ in first_round) < long[1], "the other pages waited for the long post"
    slowest = max(end - start for start, end, _ in others)
    # the render thread shares the GIL with the small pages, so they slow down, but none takes as long as it
    assert slowest < long[1] - long[0]
    # the long post is rendered once: the next request takes it from the cache
    start = time.perf_counter()
    page = httpx.get(f"{server.url}/hubkb/posts/{LONG_POST}", timeout=120)
    assert page.status_code == 200 and ' id="p1">' in page.text and len(page.text) > MAX_POST_BYTES - 100_000
    assert time.perf_counter() - start < (long[1] - long[0]) / 2


def test_20_concurrent_cite_pages_take_at_most_twice_one(server: Server) -> None:
    """One cite page of a work never formatted, then 20 at once of another: at most twice as long.

    On a machine shared with other jobs, 20 requests of any page at once cost
    more than nothing: what 20 `/-/versions.json` at once take, measured just
    before, is added to the budget (it is a few milliseconds on a quiet one).
    """

    async def trial(n: int) -> tuple[float, float, float]:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
            for lang in ("fr", "en"):  # both languages' styles loaded before the first timing
                assert (await client.get(f"/hubkb/works/us-now/cite?lang={lang}")).status_code == 200
            start, end, status = await _timed(client, f"/hubkb/works/rapport-{2 * n}/cite")
            assert status == 200
        limits = httpx.Limits(max_connections=20)
        async with httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits) as client:
            await asyncio.gather(*(client.get("/-/versions.json") for _ in range(20)))  # open 20 connections
            t0 = time.perf_counter()
            await asyncio.gather(*(client.get("/-/versions.json") for _ in range(20)))
            t1 = time.perf_counter()
            done = await asyncio.gather(*(client.get(f"/hubkb/works/rapport-{2 * n + 1}/cite") for _ in range(20)))
            t2 = time.perf_counter()
        assert {r.status_code for r in done} == {200}
        assert "Un rapport sur la coproduction, numéro" in done[0].text
        return end - start, t2 - t1, t1 - t0

    timings = []
    for n in range(TRIALS):
        one, twenty, overhead = asyncio.run(trial(n))
        timings.append(f"one {one:.3f} s, 20 at once {twenty:.3f} s ({twenty / one:.2f}x), 20 trivial {overhead:.3f} s")
        if twenty <= 2 * one + overhead:
            break
    else:
        raise AssertionError("20 concurrent cite pages took more than twice one: " + "; ".join(timings))
    print(timings[-1])
