// SPDX-License-Identifier: GPL-3.0-or-later
#include "LayoutDetail.h"

#include <algorithm>
#include <map>

namespace aisbf::graph::detail {

namespace {

struct Oriented
{
    int top = -1; // the end in the lower layer once oriented; -1 = edge dropped
    int bottom = -1;
    bool reversed = false;
};

// Orients every edge so the result has no cycle: across bands from the lower band, inside a
// band along an iterative DFS where edges back to an open vertex are reversed. Validation
// rejects cycles, but a layout must never hang or recurse deeply on bad input.
std::vector<Oriented> orientEdges(const LayoutInput &input, int n)
{
    const auto band = [&](int v) {
        return v < input.bands.size() ? input.bands.at(v) : 0;
    };
    std::vector<Oriented> oriented(input.edges.size());
    std::vector<std::vector<int>> sameBand(n);
    for (qsizetype i = 0; i < input.edges.size(); ++i) {
        const auto [u, v] = input.edges.at(i);
        if (u < 0 || v < 0 || u >= n || v >= n || u == v)
            continue;
        if (band(u) < band(v))
            oriented[i] = {u, v, false};
        else if (band(u) > band(v))
            oriented[i] = {v, u, true};
        else
            sameBand[u].push_back(int(i));
    }
    enum : char
    {
        White,
        Open,
        Done
    };
    std::vector<char> state(n, White);
    std::vector<std::pair<int, size_t>> stack; // vertex, next out-edge to look at
    for (int start = 0; start < n; ++start) {
        if (state[start] != White)
            continue;
        state[start] = Open;
        stack.push_back({start, 0});
        while (!stack.empty()) {
            auto &[v, next] = stack.back();
            if (next == sameBand[v].size()) {
                state[v] = Done;
                stack.pop_back();
                continue;
            }
            const int e = sameBand[v][next++];
            const int w = input.edges.at(e).second;
            if (state[w] == Open) {
                oriented[e] = {w, v, true};
                continue;
            }
            oriented[e] = {v, w, false};
            if (state[w] == White) {
                state[w] = Open;
                stack.push_back({w, 0}); // invalidates v/next; they are not used again
            }
        }
    }
    return oriented;
}

// Longest path from sources inside each band (Kahn order), bands stacked in ascending order.
std::vector<int> assignLayers(const LayoutInput &input, const std::vector<Oriented> &oriented,
                              int n)
{
    const auto band = [&](int v) {
        return v < input.bands.size() ? input.bands.at(v) : 0;
    };
    std::vector<std::vector<int>> out(n);
    std::vector<int> inDegree(n, 0);
    for (const Oriented &e : oriented) {
        if (e.top >= 0 && band(e.top) == band(e.bottom)) {
            out[e.top].push_back(e.bottom);
            ++inDegree[e.bottom];
        }
    }
    std::vector<int> depth(n, 0);
    std::vector<int> queue;
    queue.reserve(n);
    for (int v = 0; v < n; ++v) {
        if (inDegree[v] == 0)
            queue.push_back(v);
    }
    for (size_t head = 0; head < queue.size(); ++head) {
        const int v = queue[head];
        for (int w : out[v]) {
            depth[w] = std::max(depth[w], depth[v] + 1);
            if (--inDegree[w] == 0)
                queue.push_back(w);
        }
    }
    std::map<int, int> bandHeight;
    for (int v = 0; v < n; ++v)
        bandHeight[band(v)] = std::max(bandHeight[band(v)], depth[v] + 1);
    std::map<int, int> bandStart;
    int start = 0;
    for (const auto &[b, height] : bandHeight) {
        bandStart[b] = start;
        start += height;
    }
    std::vector<int> layer(n);
    for (int v = 0; v < n; ++v)
        layer[v] = bandStart[band(v)] + depth[v];
    return layer;
}

} // namespace

ProperGraph buildProperGraph(const LayoutInput &input)
{
    const int n = int(input.sizes.size());
    const std::vector<Oriented> oriented = orientEdges(input, n);
    ProperGraph g;
    g.nodeCount = n;
    g.layerOf = assignLayers(input, oriented, n);
    g.up.resize(n);
    g.down.resize(n);
    g.chains.resize(oriented.size());
    for (size_t i = 0; i < oriented.size(); ++i) {
        const Oriented &e = oriented[i];
        if (e.top < 0)
            continue;
        std::vector<int> &chain = g.chains[i];
        chain.push_back(e.top);
        for (int l = g.layerOf[e.top] + 1; l < g.layerOf[e.bottom]; ++l) {
            chain.push_back(g.vertexCount());
            g.layerOf.push_back(l);
            g.up.emplace_back();
            g.down.emplace_back();
        }
        chain.push_back(e.bottom);
        for (size_t k = 0; k + 1 < chain.size(); ++k) {
            g.down[chain[k]].push_back(chain[k + 1]);
            g.up[chain[k + 1]].push_back(chain[k]);
        }
        if (e.reversed)
            std::reverse(chain.begin(), chain.end());
    }
    int layerCount = 0;
    for (int l : g.layerOf)
        layerCount = std::max(layerCount, l + 1);
    g.layers.resize(layerCount);
    for (int v = 0; v < g.vertexCount(); ++v)
        g.layers[g.layerOf[v]].push_back(v);
    return g;
}

} // namespace aisbf::graph::detail
