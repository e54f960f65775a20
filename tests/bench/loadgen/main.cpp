// SPDX-License-Identifier: GPL-3.0-or-later
// aisbf-loadgen: an epoll HTTP/1.1 keep-alive load generator for the gateway benchmark.
#include "Net.h"
#include "Options.h"
#include "RequestResponseRunner.h"
#include "StreamRunner.h"

#include <csignal>

int main(int argc, char **argv)
{
    using namespace aisbf::test;
    std::signal(SIGPIPE, SIG_IGN);
    const auto options = parseOptions(argc, argv);
    if (!options)
        return 2;
    raiseFdLimit();
    return options->mode == Options::Mode::Stream ? runStreams(*options)
                                                  : runRequestResponse(*options);
}
