"""The networkx peer of streets_bench: shortest travel times by networkx's bidirectional Dijkstra on a street graph.

Usage: /usr/bin/python3 streets_networkx.py EDGES PAIRS

EDGES is a text file: the vertex count on the first line, then one line "FROM TO TIME_S" per directed edge
(vertices numbered from 0; of parallel edges the fastest is kept). PAIRS has one line "FROM TO" per query.
Prints JSON on stdout: the graph's size, the load time (reading EDGES and building the DiGraph), the time of
the queries alone (wall clock, time.perf_counter) and the answer of each query in seconds (null if the target
is unreachable). Exits with status 3 and a one-line reason on stderr when networkx is missing.
"""

import json
import sys
import time

try:
    import networkx as nx
except ImportError as error:
    print(f"networkx is not importable by {sys.executable} ({error}); apt-get install python3-networkx",
          file=sys.stderr)
    sys.exit(3)


def load(path):
    """Reads the edge file into a DiGraph with edge attribute time_s; returns it and the number of edges read."""
    with open(path) as f:
        vertex_count = int(f.readline())
        fastest = {}
        edges_read = 0
        for line in f:
            u, v, t = line.split()
            key = (int(u), int(v))
            t = float(t)
            edges_read += 1
            if key not in fastest or t < fastest[key]:
                fastest[key] = t
    graph = nx.DiGraph()
    graph.add_nodes_from(range(vertex_count))
    graph.add_weighted_edges_from(((u, v, t) for (u, v), t in fastest.items()), weight="time_s")
    return graph, edges_read


def read_pairs(path):
    with open(path) as f:
        return [tuple(int(x) for x in line.split()) for line in f if line.strip()]


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2

    # 1. Load the graph, timed on its own.
    start = time.perf_counter()
    graph, edges_read = load(argv[1])
    load_s = time.perf_counter() - start
    pairs = read_pairs(argv[2])

    # 2. Answer the queries, timed without the load.
    times_s = []
    start = time.perf_counter()
    for s, t in pairs:
        try:
            length, _path = nx.bidirectional_dijkstra(graph, s, t, weight="time_s")
        except nx.NetworkXNoPath:
            length = None
        times_s.append(length)
    query_s = time.perf_counter() - start

    # 3. Report; json writes floats with the shortest repr that reads back exactly.
    json.dump({"networkx_version": nx.__version__, "vertices": graph.number_of_nodes(),
               "edges_read": edges_read, "edges": graph.number_of_edges(), "load_s": load_s,
               "queries": len(pairs), "query_s": query_s, "times_s": times_s}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
