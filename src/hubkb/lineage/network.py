"""The citation network as Cytoscape.js elements, and the timeline of a term's definitions.

Nodes are people, organisations, works and posts; typed edges say who cites
whom and through whom: a post `cites` a work, `defines` and `quotes` point
from a post to the one whose words it carries, `relays` follow each second-hand
chain from the post back through its relays to the origin. Pure functions over
the rows of `hubkb.db.lineage.network_rows`.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

EDGE_TYPES = ("cites", "relays", "defines", "quotes")
_TABLE = {"person": "people", "organisation": "organisations", "work": "works", "post": "posts"}


@dataclass
class Graph:
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)

    def node(self, kind: str, key: str, names: Mapping[str, Mapping[str, tuple[str, Any]]]) -> str:
        node_id = f"{kind}:{key}"
        if node_id not in self.nodes:
            name, year = names[_TABLE[kind]].get(key, (key, None))
            self.nodes[node_id] = {"id": node_id, "type": kind, "table": _TABLE[kind], "key": key, "label": name}
            if year:
                self.nodes[node_id]["year"] = year
        return node_id

    def edge(self, source: str, target: str, kind: str, label: str | None = None) -> None:
        found = self.edges.setdefault((source, target, kind), {"source": source, "target": target, "type": kind})
        if label:
            found.setdefault("labels", [])
            if label not in found["labels"]:
                found["labels"].append(label)

    def elements(self) -> list[dict[str, Any]]:
        """Cytoscape.js elements: nodes then edges, in a stable order."""
        nodes: list[dict[str, Any]] = []
        for _, node in sorted(self.nodes.items()):
            data = {k: v for k, v in node.items() if k != "position"}
            nodes.append(
                {"group": "nodes", "data": data, **({"position": node["position"]} if "position" in node else {})}
            )
        edges: list[dict[str, Any]] = []
        for i, (_key, e) in enumerate(sorted(self.edges.items())):
            data = {k: v for k, v in e.items() if k != "labels"}
            data["id"] = f"e{i}"
            if e.get("labels"):  # the terms a post defines through this giver
                data["label"] = ", ".join(e["labels"])
            edges.append({"group": "edges", "data": data})
        return nodes + edges

    def place_in_rings(self, spacing: float = 28.0) -> None:
        """Positions for a large graph, computed once here so the browser lays nothing out.

        Concentric rings by degree, the most connected nodes in the middle (what
        Cytoscape's own concentric layout does, in milliseconds instead of a second
        for a thousand nodes on a slow machine).
        """
        degree: dict[str, int] = defaultdict(int)
        for source, target, _kind in self.edges:
            degree[source] += 1
            degree[target] += 1
        ranked = sorted(self.nodes, key=lambda n: (-degree[n], n))
        ring, radius, placed = 0, 0.0, 0
        while placed < len(ranked):
            capacity = 1 if ring == 0 else max(1, int(2 * math.pi * radius / spacing))
            for i, node_id in enumerate(ranked[placed : placed + capacity]):
                angle = 2 * math.pi * i / capacity + ring * 0.5
                self.nodes[node_id]["position"] = {"x": round(radius * math.cos(angle), 1), "y": round(radius * math.sin(angle), 1)}  # fmt: skip
            placed += capacity
            ring += 1
            radius += spacing * 1.2

    def keep_most_connected(self, max_nodes: int, max_edges: int) -> tuple[int, int] | None:
        """At most `max_nodes` nodes and `max_edges` links, the most connected of each kind; nodes left without
        a link go too. Returns the totals before, None if nothing went.

        Each kind of node (posts, people, organisations, works) gets an equal share of `max_nodes` (what a
        kind cannot fill goes to the others), its most connected members first; each kind of link likewise
        of `max_edges`, those between the most connected nodes first. By degree alone, 10,000 posts would
        draw only people relaying a few works (their hubs): the picture must keep who cites and who defines.
        A whole corpus of 10,000 posts is some 14,000 nodes and 84,000 links: drawn whole, the page weighs
        18 MB and tells nothing; a year or a term narrows it (see the network page).
        """
        total = (len(self.nodes), len(self.edges))
        if total[0] <= max_nodes and total[1] <= max_edges:
            return None
        degree: dict[str, int] = defaultdict(int)
        for source, target, _kind in self.edges:
            degree[source] += 1
            degree[target] += 1
        by_type: dict[str, list[str]] = defaultdict(list)
        for node_id, node in self.nodes.items():
            by_type[node["type"]].append(node_id)
        kept: set[str] = set()
        for kind, share in fair_shares({k: len(v) for k, v in by_type.items()}, max_nodes).items():
            kept.update(sorted(by_type[kind], key=lambda n: (-degree[n], n))[:share])
        by_kind: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for key in self.edges:
            if key[0] in kept and key[1] in kept:
                by_kind[key[2]].append(key)
        edges: list[tuple[str, str, str]] = []
        for kind, share in fair_shares({k: len(v) for k, v in by_kind.items()}, max_edges).items():
            edges += sorted(by_kind[kind], key=lambda k: (-degree[k[0]] - degree[k[1]], k))[:share]
        linked = {n for source, target, _kind in edges for n in (source, target)}
        self.edges = {key: self.edges[key] for key in sorted(edges)}
        self.nodes = {n: node for n, node in self.nodes.items() if n in linked}
        return total

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = defaultdict(int)
        for n in self.nodes.values():
            found[n["type"]] += 1
        for e in self.edges.values():
            found[e["type"]] += 1
        return dict(found)


def build_network(rows: Mapping[str, list[dict[str, Any]]], names: Mapping[str, Any]) -> Graph:
    graph = Graph()
    givers: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for g in rows["givers"]:
        givers[g["passage_id"]].append((g["entity_type"], g["entity_id"]))
    relays: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows["relays"]:
        relays[r["passage_id"]].append(r)
    for c in rows["citations"]:
        graph.edge(graph.node("post", c["post_id"], names), graph.node("work", c["work_id"], names), "cites")
    for p in rows["passages"]:
        post = graph.node("post", p["post_id"], names)
        kind = "defines" if p["kind"] == "definition" else "quotes"
        origin = [graph.node(t, i, names) for t, i in givers[p["id"]]]
        for giver in origin:
            graph.edge(post, giver, kind, p.get("term"))
        if p["work_id"]:
            origin = [graph.node("work", p["work_id"], names)]
        # The chain from the post back to the origin: post -> last relay -> ... -> first relay -> origin.
        hops = [_relay_node(graph, r, names) for r in relays[p["id"]]]
        if not hops and p["via_person_id"]:
            hops = [graph.node("person", p["via_person_id"], names)]
        previous = post
        for hop in reversed(hops):
            graph.edge(previous, hop, "relays")
            previous = hop
        if hops:
            for target in origin:
                graph.edge(previous, target, "relays")
    for ref in rows.get("references", ()):  # a reference met second-hand: post -> relays -> the work
        previous = graph.node("post", ref["post_id"], names)
        for hop in reversed([_relay_node(graph, r, names) for r in relays[ref["id"]]]):
            graph.edge(previous, hop, "relays")
            previous = hop
        graph.edge(previous, graph.node("work", ref["work_id"], names), "relays")
    return graph


def fair_shares(sizes: Mapping[str, int], budget: int) -> dict[str, int]:
    """`budget` split evenly among groups of `sizes`, what a small group cannot use going to the others.

    >>> fair_shares({"post": 10000, "organisation": 200, "work": 3000}, 1200)
    {'organisation': 200, 'post': 500, 'work': 500}
    """
    shares = {k: 0 for k in sorted(sizes)}
    left = {k: n for k, n in sorted(sizes.items()) if n > 0}
    while budget > 0 and left:
        each = max(1, budget // len(left))
        for kind in sorted(left, key=lambda k: (left[k], k)):  # the smallest first: their spare goes round
            take = min(each, left[kind], budget)
            shares[kind] += take
            left[kind] -= take
            budget -= take
        left = {k: n for k, n in left.items() if n > 0}
    return shares


def _relay_node(graph: Graph, relay: Mapping[str, Any], names: Mapping[str, Any]) -> str:
    if relay.get("work_id"):
        return graph.node("work", relay["work_id"], names)
    if relay.get("relay_post_id"):
        return graph.node("post", relay["relay_post_id"], names)
    return graph.node("person", relay["person_id"], names)


def timeline(rows: list[dict[str, Any]], listed: int | None = None) -> list[dict[str, Any]]:
    """Definitions by term and year: the origin's year when the corpus knows it, else the post's.

    With more than `listed` definitions in all, each year holds its count only (`count`, no list).
    """
    terms: dict[str, dict[int, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    labels: dict[str, str] = {}
    for row in rows:
        year = row["origin_year"] or row["post_year"]
        by = ", ".join(json.loads(row["by"] or "[]"))
        terms[row["term_id"]][year].append(
            {"id": row["id"], "by": by, "post": row["post"], "origin": bool(row["origin_year"])}
        )
        labels[row["term_id"]] = row["term"] or row["term_id"]
    brief = listed is not None and len(rows) > listed
    return [
        {
            "term_id": t,
            "term": labels[t],
            "count": sum(len(d) for d in years.values()),
            "years": [
                {"year": y, "count": len(d), "definitions": [] if brief else d} for y, d in sorted(years.items())
            ],
        }
        for t, years in sorted(terms.items(), key=lambda kv: labels[kv[0]])
    ]
