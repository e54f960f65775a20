// SPDX-License-Identifier: GPL-3.0-or-later
#include "GraphFeed.h"

#include <GraphModel.h>

namespace aisbf::app {

struct GraphFeed::Private
{
    GraphModel *model = nullptr;
    QJsonObject lastState; ///< re-applied after a new config: health is keyed by node
};

GraphFeed::GraphFeed(QObject *parent) : QObject(parent), d(new Private)
{
    d->model = new GraphModel(this);
}

GraphFeed::~GraphFeed()
{
    delete d;
}

QObject *GraphFeed::model() const
{
    return d->model;
}

void GraphFeed::setConfigDocuments(const QJsonObject &server, const QJsonObject &providers,
                                   const QJsonObject &rotations, const QJsonObject &autoselect)
{
    d->model->setConfigDocuments(server, providers, rotations, autoselect);
    // A state that came before the documents found no nodes to colour: apply it again.
    if (!d->lastState.isEmpty())
        d->model->applyState(d->lastState);
    const bool was = isLoading();
    m_haveDocuments = true;
    if (was != isLoading())
        Q_EMIT loadingChanged();
}

void GraphFeed::applyState(const QJsonObject &state)
{
    d->lastState = state;
    d->model->applyState(state);
    const bool was = isLoading();
    m_haveState = true;
    if (was != isLoading())
        Q_EMIT loadingChanged();
}

void GraphFeed::applyEvent(const QString &type, const QJsonObject &data)
{
    d->model->applyEvent(type, data);
}

QJsonObject GraphFeed::toJson() const
{
    return d->model->toJson();
}

} // namespace aisbf::app
