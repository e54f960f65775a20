// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The registry's view of each dialect's implementation (one file pair per dialect).

#include "ClientCodec.h"
#include "ProviderTranslator.h"

namespace aisbf::translate {

const ProviderTranslator &anthropicProviderTranslator(); // AnthropicProvider.cpp
const ProviderTranslator &googleProviderTranslator();    // GoogleProvider.cpp
const ProviderTranslator &ollamaProviderTranslator();    // OllamaProvider.cpp
const ClientCodec &anthropicClientCodec();               // AnthropicClient.cpp
const ClientCodec &ollamaClientCodec();                  // OllamaClient.cpp

} // namespace aisbf::translate
