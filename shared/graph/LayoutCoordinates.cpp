// SPDX-License-Identifier: GPL-3.0-or-later
#include "LayoutDetail.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace aisbf::graph::detail {

namespace {

constexpr double kDummyHeight = 2;

struct Block
{
    double sum = 0;
    int count = 0;
    int first = 0;
    double mean() const { return sum / count; }
};

// Centres as close as possible (least squares) to @p wanted while keeping the order and
// centre(i + 1) - centre(i) >= gap[i]: with z(i) = centre(i) - offset(i) the constraints
// become z non-decreasing, which pool-adjacent-violators solves in linear time.
void placeInOrder(const std::vector<double> &wanted, const std::vector<double> &gap,
                  std::vector<double> &centre, std::vector<Block> &blocks)
{
    const int n = int(wanted.size());
    std::vector<double> offset(n, 0);
    for (int i = 1; i < n; ++i)
        offset[i] = offset[i - 1] + gap[i - 1];
    blocks.clear();
    for (int i = 0; i < n; ++i) {
        blocks.push_back({wanted[i] - offset[i], 1, i});
        while (blocks.size() > 1 && blocks[blocks.size() - 2].mean() > blocks.back().mean()) {
            const Block last = blocks.back();
            blocks.pop_back();
            blocks.back().sum += last.sum;
            blocks.back().count += last.count;
        }
    }
    for (const Block &b : blocks) {
        for (int i = b.first; i < b.first + b.count; ++i)
            centre[i] = b.mean() + offset[i];
    }
}

} // namespace

void assignCoordinates(const ProperGraph &graph, const LayoutInput &input,
                       const LayoutOptions &options, LayoutResult &result)
{
    const int n = graph.nodeCount;
    const int layerCount = int(graph.layers.size());
    const auto height = [&](int v) {
        return v < n ? input.sizes.at(v).height() : kDummyHeight;
    };
    const auto isDummy = [&](int v) {
        return v >= n;
    };

    std::vector<double> layerX(layerCount, 0);
    std::vector<double> layerWidth(layerCount, 0);
    for (int v = 0; v < n; ++v)
        layerWidth[graph.layerOf[v]] =
            std::max(layerWidth[graph.layerOf[v]], input.sizes.at(v).width());
    for (int l = 1; l < layerCount; ++l)
        layerX[l] = layerX[l - 1] + layerWidth[l - 1] + options.layerSpacing;

    // Stack each layer, then let nodes drift towards the mean of their neighbours.
    std::vector<double> centre(graph.vertexCount(), 0);
    std::vector<std::vector<double>> gaps(layerCount);
    for (int l = 0; l < layerCount; ++l) {
        const std::vector<int> &layer = graph.layers[l];
        double y = 0;
        for (size_t i = 0; i < layer.size(); ++i) {
            if (i > 0) {
                const int a = layer[i - 1];
                const int b = layer[i];
                // Dummies (edge bends) may sit closer to each other than boxes.
                const double space =
                    isDummy(a) || isDummy(b) ? options.nodeSpacing / 2 : options.nodeSpacing;
                gaps[l].push_back((height(a) + height(b)) / 2 + space);
                y += gaps[l].back();
            }
            centre[layer[i]] = y;
        }
    }
    std::vector<double> wanted;
    std::vector<double> placed;
    std::vector<Block> blocks;
    for (int pass = 0; pass < options.alignPasses; ++pass) {
        for (int direction = 0; direction < 2; ++direction) {
            const bool downwards = direction == 0;
            const auto &neighbours = downwards ? graph.up : graph.down;
            for (int k = 1; k < layerCount; ++k) {
                const std::vector<int> &layer = graph.layers[downwards ? k : layerCount - 1 - k];
                wanted.assign(layer.size(), 0);
                for (size_t i = 0; i < layer.size(); ++i) {
                    const std::vector<int> &adjacent = neighbours[layer[i]];
                    double sum = 0;
                    for (int u : adjacent)
                        sum += centre[u];
                    wanted[i] = adjacent.empty() ? centre[layer[i]] : sum / adjacent.size();
                }
                placed.assign(layer.size(), 0);
                placeInOrder(wanted, gaps[downwards ? k : layerCount - 1 - k], placed, blocks);
                for (size_t i = 0; i < layer.size(); ++i)
                    centre[layer[i]] = placed[i];
            }
        }
    }

    double top = std::numeric_limits<double>::max();
    for (int v = 0; v < graph.vertexCount(); ++v)
        top = std::min(top, centre[v] - height(v) / 2);
    if (graph.vertexCount() == 0)
        top = 0;
    result.positions.resize(n);
    double right = 0;
    double bottom = 0;
    for (int v = 0; v < n; ++v) {
        const QSizeF size = input.sizes.at(v);
        const int l = graph.layerOf[v];
        const QPointF topLeft(layerX[l] + (layerWidth[l] - size.width()) / 2,
                              centre[v] - top - size.height() / 2);
        result.positions[v] = topLeft;
        right = std::max(right, topLeft.x() + size.width());
        bottom = std::max(bottom, topLeft.y() + size.height());
    }
    result.size = QSizeF(right, bottom);

    // Edge paths: out of the source's side facing the target, level through each dummy's
    // column, into the target's facing side.
    result.edgePaths.resize(graph.chains.size());
    for (size_t e = 0; e < graph.chains.size(); ++e) {
        const std::vector<int> &chain = graph.chains[e];
        if (chain.empty())
            continue;
        const int from = chain.front();
        const int to = chain.back();
        const bool rightwards = graph.layerOf[from] < graph.layerOf[to];
        QList<QPointF> &path = result.edgePaths[e];
        path.reserve(qsizetype(chain.size()) * 2);
        const auto side = [&](int v, bool rightSide) {
            const QPointF p = result.positions.at(v);
            const QSizeF s = input.sizes.at(v);
            return QPointF(rightSide ? p.x() + s.width() : p.x(), p.y() + s.height() / 2);
        };
        path.append(side(from, rightwards));
        for (size_t k = 1; k + 1 < chain.size(); ++k) {
            const int l = graph.layerOf[chain[k]];
            const double y = centre[chain[k]] - top;
            const double enter = rightwards ? layerX[l] : layerX[l] + layerWidth[l];
            const double leave = rightwards ? layerX[l] + layerWidth[l] : layerX[l];
            path.append(QPointF(enter, y));
            path.append(QPointF(leave, y));
        }
        path.append(side(to, !rightwards));
    }
}

} // namespace aisbf::graph::detail
