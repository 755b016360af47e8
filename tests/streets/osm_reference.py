#!/usr/bin/python3
"""An independent reading of an OpenStreetMap extract (bz2 + xml.etree + networkx, no libosmium), to check the
C++ street graph against.

Usage: osm_reference.py FILE.osm[.bz2] [FROM_NODE:TO_NODE ...]

Applies the same rules as models/streets (drivable highway classes, access, area, one-way tags, vertices at
way ends and shared nodes, largest strongly connected component) and prints JSON: the counts of ways, nodes,
vertices and edges kept, the total length (Vincenty geodesic distances on the WGS84 ellipsoid, each direction
of a two-way street counted), and the shortest travel times in seconds between the given pairs of OSM nodes.
"""

import bz2
import json
import math
import sys
import xml.etree.ElementTree as ET

import networkx as nx

CLASSES = ["motorway", "trunk", "primary", "secondary", "tertiary", "unclassified", "residential",
           "living_street", "service"]
SPEED_KM_PER_H = {"motorway": 80, "trunk": 60, "primary": 50, "secondary": 40, "tertiary": 35,
                  "unclassified": 30, "residential": 30, "living_street": 10, "service": 15}
LINKED = CLASSES[:5]


def road_class(highway):
    if highway is None:
        return None
    if highway.endswith("_link") and highway[:-5] in LINKED:
        return highway[:-5]
    return highway if highway in CLASSES else None


def direction(tags):
    """(forward, backward) allowed, from the oneway, junction and highway tags."""
    oneway = tags.get("oneway")
    if oneway in ("yes", "true", "1"):
        return True, False
    if oneway in ("-1", "reverse"):
        return False, True
    if oneway in ("no", "false", "0"):
        return True, True
    if tags.get("junction") == "roundabout" or tags.get("highway") == "motorway":
        return True, False
    return True, True


def vincenty_m(lat1, lon1, lat2, lon2):
    """The geodesic distance on the WGS84 ellipsoid (Vincenty's inverse formula), metres."""
    if lat1 == lat2 and lon1 == lon2:
        return 0.0
    a, f = 6378137.0, 1 / 298.257223563
    b = (1 - f) * a
    L = math.radians(lon2 - lon1)
    U1 = math.atan((1 - f) * math.tan(math.radians(lat1)))
    U2 = math.atan((1 - f) * math.tan(math.radians(lat2)))
    sinU1, cosU1, sinU2, cosU2 = math.sin(U1), math.cos(U1), math.sin(U2), math.cos(U2)
    lam = L
    for _ in range(200):
        sin_lam, cos_lam = math.sin(lam), math.cos(lam)
        sin_sigma = math.hypot(cosU2 * sin_lam, cosU1 * sinU2 - sinU1 * cosU2 * cos_lam)
        if sin_sigma == 0:
            return 0.0
        cos_sigma = sinU1 * sinU2 + cosU1 * cosU2 * cos_lam
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = cosU1 * cosU2 * sin_lam / sin_sigma
        cos2_alpha = 1 - sin_alpha ** 2
        cos_2sm = cos_sigma - 2 * sinU1 * sinU2 / cos2_alpha if cos2_alpha != 0 else 0.0
        C = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha))
        lam_prev = lam
        lam = L + (1 - C) * f * sin_alpha * (sigma + C * sin_sigma * (cos_2sm + C * cos_sigma * (-1 + 2 * cos_2sm ** 2)))
        if abs(lam - lam_prev) < 1e-12:
            break
    u2 = cos2_alpha * (a * a - b * b) / (b * b)
    A = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)))
    B = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)))
    d_sigma = B * sin_sigma * (cos_2sm + B / 4 * (cos_sigma * (-1 + 2 * cos_2sm ** 2)
                                                  - B / 6 * cos_2sm * (-3 + 4 * sin_sigma ** 2) * (-3 + 4 * cos_2sm ** 2)))
    return b * A * (sigma - d_sigma)


def read(path):
    """Node coordinates and drivable ways (id, class, forward, backward, node ids) of an .osm or .osm.bz2."""
    opener = bz2.open if path.endswith(".bz2") else open
    nodes, ways, ways_read = {}, [], 0
    with opener(path, "rb") as f:
        for _, elem in ET.iterparse(f, events=("end",)):
            if elem.tag == "node":
                if elem.get("lat") is not None:
                    nodes[int(elem.get("id"))] = (float(elem.get("lat")), float(elem.get("lon")))
                elem.clear()
            elif elem.tag == "way":
                ways_read += 1
                tags = {t.get("k"): t.get("v") for t in elem.findall("tag")}
                cls = road_class(tags.get("highway"))
                if cls and tags.get("access") not in ("no", "private") and tags.get("area") != "yes":
                    fwd, bwd = direction(tags)
                    ways.append((int(elem.get("id")), cls, fwd, bwd, [int(n.get("ref")) for n in elem.findall("nd")]))
                elem.clear()
    return nodes, ways, ways_read


def build(nodes, ways):
    """The street multigraph: vertices at way ends and shared nodes, one edge per direction of each piece."""
    kept, missing = [], 0
    for way_id, cls, fwd, bwd, refs in ways:
        # A way is cut where a node is missing from the file: each run of present nodes is a piece.
        pieces, run = [], []
        for r in refs:
            if r in nodes:
                run.append(r)
            else:
                missing += 1
                pieces.append(run)
                run = []
        pieces.append(run)
        for present in pieces:
            merged = [r for i, r in enumerate(present) if i == 0 or r != present[i - 1]]
            if len(merged) >= 2:
                kept.append((way_id, cls, fwd, bwd, merged))
    uses = {}
    for _, _, _, _, refs in kept:
        for r in refs:
            uses[r] = uses.get(r, 0) + 1
        uses[refs[0]] += 2
        uses[refs[-1]] += 2
    g = nx.MultiDiGraph()
    for way_id, cls, fwd, bwd, refs in kept:
        start, length = 0, 0.0
        for k in range(1, len(refs)):
            length += vincenty_m(*nodes[refs[k - 1]], *nodes[refs[k]])
            if uses[refs[k]] < 2:
                continue
            time_s = length / (SPEED_KM_PER_H[cls] / 3.6)
            if fwd:
                g.add_edge(refs[start], refs[k], length=length, time=time_s)
            if bwd:
                g.add_edge(refs[k], refs[start], length=length, time=time_s)
            start, length = k, 0.0
    return g, missing


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    nodes, ways, ways_read = read(sys.argv[1])
    g, missing = build(nodes, ways)
    all_vertices, all_edges = g.number_of_nodes(), g.number_of_edges()
    largest = max(nx.strongly_connected_components(g), key=len)
    g = g.subgraph(largest).copy()
    times = []
    for pair in sys.argv[2:]:
        a, b = (int(x) for x in pair.split(":"))
        try:
            times.append(nx.dijkstra_path_length(g, a, b, weight="time"))
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            times.append(None)
    print(json.dumps({
        "ways_read": ways_read,
        "drivable_ways": len(ways),
        "missing_nodes": missing,
        "vertices": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "dropped_vertices": all_vertices - g.number_of_nodes(),
        "dropped_edges": all_edges - g.number_of_edges(),
        "total_length_m": sum(d["length"] for _, _, d in g.edges(data=True)),
        "times_s": times,
    }))


if __name__ == "__main__":
    main()
