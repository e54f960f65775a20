// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <protocol/SseParser.h>

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

#include <api/AdminClient.h>

#include <QNetworkReply>

namespace aisbf::app {

/**
 * The Playground: pick a route from GET /api/v1/models, send a chat with "stream": true and
 * watch the answer arrive, with the provider and model that served it (X-AISBF-Provider,
 * X-AISBF-Model) and the routes that failed first (X-AISBF-Failover).
 */
class PlaygroundModel : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Session")
    Q_PROPERTY(QStringList routes READ routes NOTIFY routesChanged)
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(bool streaming READ isStreaming NOTIFY streamingChanged)
    Q_PROPERTY(QString output READ output NOTIFY outputChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY resultChanged)
    Q_PROPERTY(QString servedProvider READ servedProvider NOTIFY resultChanged)
    Q_PROPERTY(QString servedModel READ servedModel NOTIFY resultChanged)
    Q_PROPERTY(QString failover READ failover NOTIFY resultChanged)
    Q_PROPERTY(int status READ status NOTIFY resultChanged)
    Q_PROPERTY(double firstTokenMs READ firstTokenMs NOTIFY resultChanged)
    Q_PROPERTY(double totalMs READ totalMs NOTIFY resultChanged)
    Q_PROPERTY(int chunks READ chunks NOTIFY outputChanged)

public:
    explicit PlaygroundModel(api::AdminClient *client, QObject *parent = nullptr);
    ~PlaygroundModel() override;

    QStringList routes() const { return m_routes; }
    bool isLoading() const { return m_loading; }
    bool isStreaming() const { return m_reply != nullptr; }
    QString output() const { return m_output; }
    QString errorString() const { return m_errorString; }
    QString servedProvider() const { return m_provider; }
    QString servedModel() const { return m_model; }
    QString failover() const { return m_failover; }
    int status() const { return m_status; }
    double firstTokenMs() const { return m_firstTokenMs; }
    double totalMs() const { return m_totalMs; }
    int chunks() const { return m_chunks; }

    /** GET /api/v1/models: every route the gateway offers. */
    Q_INVOKABLE void refreshRoutes();
    /** Sends @p prompt (and @p systemPrompt when not empty) to @p route, streamed. */
    Q_INVOKABLE void send(const QString &route, const QString &prompt,
                          const QString &systemPrompt = {}, int maxTokens = 0);
    /** Cancels the stream in progress (the gateway cancels upstream at once). */
    Q_INVOKABLE void stop();

Q_SIGNALS:
    void routesChanged();
    void loadingChanged();
    void streamingChanged();
    void outputChanged();
    void resultChanged();
    /** The stream ended (completed, failed or stopped). */
    void finished();

private:
    void onMetaData();
    void onReadyRead();
    void onFinished();
    void takeEvent(const QByteArray &data);

    QPointer<api::AdminClient> m_client;
    QPointer<QNetworkReply> m_reply;
    protocol::SseParser m_parser;
    QElapsedTimer m_clock;
    QStringList m_routes;
    QString m_output;
    QString m_errorString;
    QString m_provider;
    QString m_model;
    QString m_failover;
    int m_status = 0;
    int m_chunks = 0;
    double m_firstTokenMs = -1;
    double m_totalMs = -1;
    bool m_loading = false;
};

} // namespace aisbf::app
