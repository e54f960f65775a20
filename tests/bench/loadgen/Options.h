// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <netinet/in.h>

#include <optional>
#include <string>
#include <vector>

namespace aisbf::test {

/** Command line of aisbf-loadgen. */
struct Options
{
    enum class Mode
    {
        RequestResponse,
        Stream
    };
    Mode mode = Mode::RequestResponse;
    std::string host;
    int port = 80;
    std::string path = "/";
    sockaddr_in address{};
    std::string method; //!< POST when there is a body, GET otherwise, unless --method
    std::string body;
    std::vector<std::string> headers; //!< "Name: value"

    // rr
    int concurrency = 1;
    double durationS = 5;
    double warmupS = 0;
    std::string traceFile; //!< rr: each measured request's start and latency, for tail analysis
    // stream
    int streams = 100;
    int rampMs = 1000;
    int stallMs = 100;
    int expectEvents = 0; //!< 0 = no minimum
    double timeoutS = 120;

    /** The bytes of one request, built once. */
    std::string request() const;
};

/** Parses argv; on error prints why and usage to stderr and returns nothing. */
std::optional<Options> parseOptions(int argc, char **argv);

} // namespace aisbf::test
