// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QObject>
#include <QtQml/qqmlregistration.h>

namespace aisbf::app {

/**
 * Feeds the route graph (app/graph's GraphModel) with what the session learns: the config
 * documents, every /api/admin/state poll and every live event. The Graph page binds to `model`.
 */
class GraphFeed : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Session")
    Q_PROPERTY(QObject *model READ model CONSTANT)
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)

public:
    explicit GraphFeed(QObject *parent = nullptr);
    ~GraphFeed() override;

    QObject *model() const;
    /** True until both the config documents and one state snapshot arrived. */
    bool isLoading() const { return !m_haveDocuments || !m_haveState; }

    void setConfigDocuments(const QJsonObject &server, const QJsonObject &providers,
                            const QJsonObject &rotations, const QJsonObject &autoselect);
    void applyState(const QJsonObject &state);
    void applyEvent(const QString &type, const QJsonObject &data);
    /** The graph as JSON (GraphModel::toJson()), for --dump-graph. */
    QJsonObject toJson() const;

Q_SIGNALS:
    void loadingChanged();

private:
    struct Private;
    Private *d;
    bool m_haveDocuments = false;
    bool m_haveState = false;
};

} // namespace aisbf::app
