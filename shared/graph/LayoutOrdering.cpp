// SPDX-License-Identifier: GPL-3.0-or-later
#include "LayoutDetail.h"

#include <algorithm>

namespace aisbf::graph::detail {

namespace {

// Inversions of @p south (values in [0, range)) with a Fenwick tree: the crossings of a
// two-layer drawing whose edges are sorted by (north, south) position (Barth, Juenger, Mutzel).
qint64 inversions(const std::vector<int> &south, int range, std::vector<int> &tree)
{
    tree.assign(size_t(range) + 1, 0);
    qint64 count = 0;
    qint64 seen = 0;
    for (int s : south) {
        int notGreater = 0;
        for (int i = s + 1; i > 0; i -= i & -i)
            notGreater += tree[i];
        count += seen - notGreater;
        for (int i = s + 1; i <= range; i += i & -i)
            ++tree[i];
        ++seen;
    }
    return count;
}

void sortByBarycenter(std::vector<int> &layer, const std::vector<std::vector<int>> &neighbours,
                      std::vector<int> &position, std::vector<double> &key)
{
    for (int v : layer) {
        const std::vector<int> &adjacent = neighbours[v];
        if (adjacent.empty()) {
            key[v] = position[v]; // nothing pulls it: it stays where it is
            continue;
        }
        double sum = 0;
        for (int u : adjacent)
            sum += position[u];
        key[v] = sum / double(adjacent.size());
    }
    std::stable_sort(layer.begin(), layer.end(), [&](int a, int b) { return key[a] < key[b]; });
    for (int i = 0; i < int(layer.size()); ++i)
        position[layer[i]] = i;
}

} // namespace

qint64 totalCrossings(const ProperGraph &graph, std::vector<int> &position)
{
    position.resize(graph.vertexCount());
    for (const std::vector<int> &layer : graph.layers) {
        for (int i = 0; i < int(layer.size()); ++i)
            position[layer[i]] = i;
    }
    qint64 total = 0;
    std::vector<int> south;
    std::vector<int> ends;
    std::vector<int> tree;
    for (size_t l = 0; l + 1 < graph.layers.size(); ++l) {
        south.clear();
        for (int v : graph.layers[l]) {
            ends.clear();
            for (int w : graph.down[v])
                ends.push_back(position[w]);
            std::sort(ends.begin(), ends.end());
            south.insert(south.end(), ends.begin(), ends.end());
        }
        total += inversions(south, int(graph.layers[l + 1].size()), tree);
    }
    return total;
}

std::pair<qint64, qint64> reduceCrossings(ProperGraph &graph, int sweeps)
{
    std::vector<int> position;
    const qint64 before = totalCrossings(graph, position);
    qint64 best = before;
    std::vector<std::vector<int>> bestLayers = graph.layers;
    std::vector<double> key(graph.vertexCount());
    const int layerCount = int(graph.layers.size());
    for (int sweep = 0; sweep < sweeps && best > 0; ++sweep) {
        for (int direction = 0; direction < 2; ++direction) {
            const bool downwards = direction == 0;
            for (int k = 1; k < layerCount; ++k) {
                const int l = downwards ? k : layerCount - 1 - k;
                sortByBarycenter(graph.layers[l], downwards ? graph.up : graph.down, position, key);
            }
            const qint64 crossings = totalCrossings(graph, position);
            if (crossings < best) {
                best = crossings;
                bestLayers = graph.layers;
            }
        }
    }
    graph.layers = std::move(bestLayers);
    return {before, best};
}

} // namespace aisbf::graph::detail

namespace aisbf::graph {

qint64 countCrossings(const QList<QList<int>> &layers, const QList<std::pair<int, int>> &edges)
{
    int maxId = -1;
    for (const QList<int> &layer : layers) {
        for (int v : layer)
            maxId = std::max(maxId, v);
    }
    std::vector<int> layerOf(size_t(maxId + 1), -1);
    std::vector<int> position(size_t(maxId + 1), 0);
    for (int l = 0; l < int(layers.size()); ++l) {
        for (int i = 0; i < int(layers.at(l).size()); ++i) {
            layerOf[layers.at(l).at(i)] = l;
            position[layers.at(l).at(i)] = i;
        }
    }
    // Per upper layer: (north position, south position) of each edge to the next layer.
    std::vector<std::vector<std::pair<int, int>>> between(layers.size());
    for (auto [a, b] : edges) {
        if (a < 0 || b < 0 || a > maxId || b > maxId || layerOf[a] < 0 || layerOf[b] < 0)
            continue;
        if (layerOf[a] > layerOf[b])
            std::swap(a, b);
        if (layerOf[b] == layerOf[a] + 1)
            between[layerOf[a]].push_back({position[a], position[b]});
    }
    qint64 total = 0;
    std::vector<int> south;
    std::vector<int> tree;
    for (size_t l = 0; l + 1 < between.size(); ++l) {
        std::sort(between[l].begin(), between[l].end());
        south.clear();
        for (const auto &edge : between[l])
            south.push_back(edge.second);
        total += detail::inversions(south, int(layers.at(l + 1).size()), tree);
    }
    return total;
}

} // namespace aisbf::graph
