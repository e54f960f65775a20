// SPDX-License-Identifier: GPL-3.0-or-later
#include "Options.h"

#include <arpa/inet.h>
#include <netdb.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <strings.h>

namespace aisbf::test {

namespace {

constexpr const char *kUsage =
    "usage: aisbf-loadgen --mode rr|stream --url http://HOST:PORT/PATH\n"
    "         [--body STRING | --body-file FILE] [--header 'K: V']... [--method M]\n"
    "  rr:     [--concurrency C] [--duration S] [--warmup S] [--trace FILE]\n"
    "  stream: [--streams N] [--ramp-ms MS] [--stall-ms MS] [--expect-events N] [--timeout S]\n";

bool fail(const std::string &why)
{
    std::fprintf(stderr, "aisbf-loadgen: %s\n%s", why.c_str(), kUsage);
    return false;
}

bool parseUrl(const std::string &url, Options &o)
{
    const std::string scheme = "http://";
    if (url.rfind(scheme, 0) != 0)
        return fail("--url must start with http:// (got " + url + ")");
    const std::string rest = url.substr(scheme.size());
    const size_t slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    o.path = slash == std::string::npos ? "/" : rest.substr(slash);
    const size_t colon = authority.rfind(':');
    o.host = authority.substr(0, colon);
    o.port = colon == std::string::npos ? 80 : std::atoi(authority.c_str() + colon + 1);

    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *found = nullptr;
    if (getaddrinfo(o.host.c_str(), nullptr, &hints, &found) != 0 || !found)
        return fail("cannot resolve " + o.host);
    o.address = *reinterpret_cast<sockaddr_in *>(found->ai_addr);
    o.address.sin_port = htons(uint16_t(o.port));
    freeaddrinfo(found);
    return true;
}

} // namespace

std::string Options::request() const
{
    std::string r =
        method + ' ' + path + " HTTP/1.1\r\nHost: " + host + ':' + std::to_string(port) + "\r\n";
    bool hasContentType = false;
    for (const std::string &h : headers) {
        r += h + "\r\n";
        hasContentType = hasContentType || strncasecmp(h.c_str(), "content-type:", 13) == 0;
    }
    if (!body.empty() || method == "POST" || method == "PUT") {
        if (!hasContentType)
            r += "Content-Type: application/json\r\n";
        r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    r += "\r\n" + body;
    return r;
}

std::optional<Options> parseOptions(int argc, char **argv)
{
    Options o;
    std::string url;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        }
        static const std::string known[] = {
            "--mode",    "--url",         "--body",          "--body-file", "--header",
            "--method",  "--concurrency", "--duration",      "--warmup",    "--streams",
            "--ramp-ms", "--stall-ms",    "--expect-events", "--timeout",   "--trace"};
        if (std::find(std::begin(known), std::end(known), arg) == std::end(known)) {
            fail("unknown option " + arg);
            return std::nullopt;
        }
        if (i + 1 >= argc) {
            fail("missing value for " + arg);
            return std::nullopt;
        }
        const std::string v = argv[++i];
        if (arg == "--mode") {
            if (v != "rr" && v != "stream") {
                fail("--mode is rr or stream");
                return std::nullopt;
            }
            o.mode = v == "rr" ? Options::Mode::RequestResponse : Options::Mode::Stream;
        } else if (arg == "--url") {
            url = v;
        } else if (arg == "--body") {
            o.body = v;
        } else if (arg == "--body-file") {
            std::ifstream in(v, std::ios::binary);
            if (!in) {
                fail("cannot read --body-file " + v);
                return std::nullopt;
            }
            std::ostringstream s;
            s << in.rdbuf();
            o.body = s.str();
        } else if (arg == "--header") {
            o.headers.push_back(v);
        } else if (arg == "--method") {
            o.method = v;
        } else if (arg == "--concurrency") {
            o.concurrency = std::atoi(v.c_str());
        } else if (arg == "--duration") {
            o.durationS = std::atof(v.c_str());
        } else if (arg == "--warmup") {
            o.warmupS = std::atof(v.c_str());
        } else if (arg == "--streams") {
            o.streams = std::atoi(v.c_str());
        } else if (arg == "--ramp-ms") {
            o.rampMs = std::atoi(v.c_str());
        } else if (arg == "--stall-ms") {
            o.stallMs = std::atoi(v.c_str());
        } else if (arg == "--expect-events") {
            o.expectEvents = std::atoi(v.c_str());
        } else if (arg == "--timeout") {
            o.timeoutS = std::atof(v.c_str());
        } else if (arg == "--trace") {
            o.traceFile = v;
        }
    }
    if (url.empty() || !parseUrl(url, o)) {
        if (url.empty())
            fail("--url is required");
        return std::nullopt;
    }
    if (o.method.empty())
        o.method = o.body.empty() ? "GET" : "POST";
    if (o.concurrency < 1 || o.streams < 1 || o.durationS <= 0) {
        fail("--concurrency, --streams and --duration must be positive");
        return std::nullopt;
    }
    return o;
}

} // namespace aisbf::test
