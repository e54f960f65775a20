// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end conformance of a live AISBF gateway with the official SDKs from npm: openai,
// @anthropic-ai/sdk and ollama. tests/service/tst_sdk_conformance.cpp starts the gateway in
// front of MockUpstream and runs one scenario per process:
//
//   GATEWAY_URL=http://127.0.0.1:PORT [GATEWAY_TOKEN=secret] node conformance.mjs SCENARIO [MODEL]
//
// A scenario that talks to a model runs against MODEL, or, without one, against every model of
// MODELS (comma-separated, default "oa/m1,an/m1,gg/m1,ol/m1"). On success it prints one JSON line
// {"scenario", "results": [...]} and exits 0; on a mismatch it prints what differed to stderr and
// exits 1 (2 for a usage error).
//
// The gateway is expected to have providers oa (type openai), an (anthropic), gg (google) and ol
// (ollama), each with the model m1, and a rotation "rot" over them (model "rotation/rot"). Behind
// them MockUpstream answers "pong"; streams text as "tok0 ", "tok1 ", ...; calls the first offered
// tool with {"city":"Paris","days":3}; after a tool result says "Sunny in Paris".
import assert from 'node:assert/strict';

import Anthropic from '@anthropic-ai/sdk';
import { Ollama } from 'ollama';
import OpenAI from 'openai';

const GATEWAY_URL = (process.env.GATEWAY_URL ?? '').replace(/\/+$/, '');
const TOKEN = process.env.GATEWAY_TOKEN || 'no-token';
const MODELS = (process.env.MODELS || 'oa/m1,an/m1,gg/m1,ol/m1').split(',').filter(Boolean);
const ROUTES = ['oa/m1', 'an/m1', 'gg/m1', 'ol/m1', 'rotation/rot'];
/** Models the gateway must refuse with 404, and the part its message has to name. */
const UNKNOWN_MODELS = [
  { model: 'oa/nosuchmodel', named: 'oa/nosuchmodel' },
  { model: 'nosuchprovider/m1', named: 'nosuchprovider' },
];

const MOCK = {
  text: 'pong',
  chunks: Number(process.env.MOCK_CHUNKS || 5),
  toolArguments: { city: 'Paris', days: 3 },
  toolResultText: 'Sunny in Paris',
};

/**
 * The text MockUpstream streams for a model. Of its N events an OpenAI stream spends the first on
 * the role and the last on finish_reason, so it carries N - 2 tokens; the native Anthropic,
 * Gemini and Ollama streams carry N.
 */
function streamedText(model) {
  const tokens = model.startsWith('oa/') ? MOCK.chunks - 2 : MOCK.chunks;
  return Array.from({ length: tokens }, (_, i) => `tok${i} `).join('');
}

// ---------------------------------------------------------------------------------------------
// Clients: no retries (a retry would hide a failed first attempt), a bounded wait.

const openai = () =>
  new OpenAI({ baseURL: `${GATEWAY_URL}/v1`, apiKey: TOKEN, maxRetries: 0, timeout: 20000 });
const anthropic = () =>
  new Anthropic({ baseURL: GATEWAY_URL, apiKey: TOKEN, maxRetries: 0, timeout: 20000 });
const ollama = () =>
  new Ollama({ host: GATEWAY_URL, headers: { Authorization: `Bearer ${TOKEN}` } });

const ping = [{ role: 'user', content: 'ping' }];
const TOOL_OUTPUT = '{"forecast":"sunny","high":21}';
const weatherQuestion = [{ role: 'user', content: 'What is the weather in Paris?' }];

const weatherSchema = {
  type: 'object',
  properties: { city: { type: 'string' }, days: { type: 'integer' } },
  required: ['city'],
};
const timeSchema = { type: 'object', properties: { zone: { type: 'string' } } };

// Two tools: the mock calls the first, so a gateway that reorders or drops tools shows.
const OPENAI_TOOLS = [
  { type: 'function', function: { name: 'get_weather', description: 'Weather forecast', parameters: weatherSchema } },
  { type: 'function', function: { name: 'get_time', description: 'Current time', parameters: timeSchema } },
];
const ANTHROPIC_TOOLS = [
  { name: 'get_weather', description: 'Weather forecast', input_schema: weatherSchema },
  { name: 'get_time', description: 'Current time', input_schema: timeSchema },
];
const OLLAMA_TOOLS = OPENAI_TOOLS;

/** Asserts @p text is a proper prefix of @p full (what arrived before a stream broke). */
function assertPrefix(text, full) {
  assert.ok(full.startsWith(text) && text !== full,
    `text before the error ${JSON.stringify(text)} is not a proper prefix of ${JSON.stringify(full)}`);
}

const DEADLINE = Symbol('deadline');
const NO_ERROR = Symbol('no error');
const RESET_DEADLINE_MS = 5000;

/**
 * Consumes a stream whose upstream breaks mid-way and returns the error it ends with. A gateway
 * that notices the break reports it at once; one that does not leaves the stream open until its
 * read timeout, so after RESET_DEADLINE_MS the stream is aborted and the scenario fails.
 */
async function errorOfBrokenStream(consume, abort) {
  let timer;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(() => resolve(DEADLINE), RESET_DEADLINE_MS);
  });
  const outcome = await Promise.race([
    consume().then(() => NO_ERROR, (e) => e),
    deadline,
  ]);
  clearTimeout(timer);
  if (outcome === DEADLINE) {
    abort();
    assert.fail(`the stream stayed open ${RESET_DEADLINE_MS} ms after the upstream connection was reset`);
  }
  assert.notEqual(outcome, NO_ERROR, 'the broken stream ended without an error');
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// openai

async function openaiChat(model) {
  const res = await openai().chat.completions.create({ model, messages: ping });
  assert.equal(res.object, 'chat.completion');
  assert.equal(res.choices.length, 1);
  const [choice] = res.choices;
  assert.equal(choice.message.role, 'assistant');
  assert.equal(choice.message.content, MOCK.text);
  assert.equal(choice.finish_reason, 'stop');
  assert.ok(res.usage, 'usage is missing');
  for (const key of ['prompt_tokens', 'completion_tokens', 'total_tokens'])
    assert.equal(typeof res.usage[key], 'number', `usage.${key}: ${JSON.stringify(res.usage)}`);
  assert.equal(res.usage.total_tokens, res.usage.prompt_tokens + res.usage.completion_tokens);
  return { content: choice.message.content, usage: res.usage };
}

/** Streams @p messages; returns the text, finish_reason and chunks seen. */
async function openaiStreamText(model, messages) {
  const stream = await openai().chat.completions.create({ model, messages, stream: true });
  let text = '';
  let finish = null;
  let chunks = 0;
  for await (const chunk of stream) {
    ++chunks;
    assert.equal(chunk.object, 'chat.completion.chunk', JSON.stringify(chunk));
    const choice = chunk.choices[0];
    if (!choice)
      continue; // a usage-only chunk
    assert.equal(finish, null, `a chunk after finish_reason: ${JSON.stringify(chunk)}`);
    text += choice.delta?.content ?? '';
    finish = choice.finish_reason ?? null;
  }
  return { text, finish, chunks };
}

async function openaiStream(model) {
  const got = await openaiStreamText(model, ping);
  assert.equal(got.text, streamedText(model));
  assert.equal(got.finish, 'stop', 'the stream ended without finish_reason "stop"');
  return got;
}

function assertOpenAiToolCall(message) {
  assert.equal(message.tool_calls?.length, 1, `tool_calls: ${JSON.stringify(message)}`);
  const [call] = message.tool_calls;
  assert.equal(call.type, 'function');
  assert.ok(typeof call.id === 'string' && call.id.length > 0, `tool call id: ${JSON.stringify(call)}`);
  assert.equal(call.function.name, 'get_weather');
  assert.deepEqual(JSON.parse(call.function.arguments), MOCK.toolArguments);
  return call;
}

function openaiToolResult(message, call) {
  return [...weatherQuestion, message,
    { role: 'tool', tool_call_id: call.id, content: TOOL_OUTPUT }];
}

async function openaiTools(model) {
  const client = openai();
  const first = await client.chat.completions.create({ model, messages: weatherQuestion, tools: OPENAI_TOOLS });
  assert.equal(first.choices[0].finish_reason, 'tool_calls');
  const message = first.choices[0].message;
  const call = assertOpenAiToolCall(message);

  const second = await client.chat.completions.create({
    model, messages: openaiToolResult(message, call), tools: OPENAI_TOOLS,
  });
  assert.equal(second.choices[0].message.content, MOCK.toolResultText);
  assert.equal(second.choices[0].finish_reason, 'stop');
  return { arguments: call.function.arguments, answer: second.choices[0].message.content };
}

async function openaiToolsStream(model) {
  // The SDK's stream helper assembles the call from its pieces and checks the chunks fit.
  const stream = openai().chat.completions.stream({ model, messages: weatherQuestion, tools: OPENAI_TOOLS });
  let pieces = 0;
  for await (const chunk of stream) {
    for (const call of chunk.choices[0]?.delta?.tool_calls ?? [])
      if (call.function?.arguments)
        ++pieces;
  }
  const final = await stream.finalChatCompletion();
  assert.equal(final.choices[0].finish_reason, 'tool_calls');
  const message = final.choices[0].message;
  const call = assertOpenAiToolCall(message);
  assert.ok(pieces >= 1, 'no argument pieces were streamed');

  const got = await openaiStreamText(model, openaiToolResult(
    { role: 'assistant', content: message.content ?? null, tool_calls: message.tool_calls }, call));
  assert.equal(got.text, MOCK.toolResultText);
  assert.equal(got.finish, 'stop');
  return { arguments: call.function.arguments, pieces, answer: got.text };
}

async function openaiModels() {
  const ids = [];
  for await (const model of openai().models.list()) {
    assert.equal(model.object, 'model', JSON.stringify(model));
    ids.push(model.id);
  }
  for (const route of ROUTES)
    assert.ok(ids.includes(route), `models.list lacks ${route}: ${JSON.stringify(ids)}`);
  return { ids };
}

async function openaiUnknownModel() {
  const messages = [];
  for (const { model, named } of UNKNOWN_MODELS) {
    const err = await openai().chat.completions.create({ model, messages: ping }).then(
      () => assert.fail(`the unknown model ${model} was answered`), (e) => e);
    assert.ok(err instanceof OpenAI.NotFoundError, `${model}: expected NotFoundError, got ${describe(err)}`);
    assert.equal(err.status, 404);
    assert.ok(err.message.includes(`'${named}'`), `${model}: the message does not name '${named}': ${err.message}`);
    messages.push(err.message);
  }
  return { messages };
}

async function openaiBadKey() {
  const client = new OpenAI({ baseURL: `${GATEWAY_URL}/v1`, apiKey: 'wrong-token', maxRetries: 0 });
  const err = await client.chat.completions.create({ model: 'oa/m1', messages: ping }).then(
    () => assert.fail('a wrong token was accepted'), (e) => e);
  assert.ok(err instanceof OpenAI.AuthenticationError, `expected AuthenticationError, got ${describe(err)}`);
  return { status: err.status, message: err.message };
}

async function openaiStreamReset(model) {
  const stream = await openai().chat.completions.create({ model, messages: ping, stream: true });
  let text = '';
  const err = await errorOfBrokenStream(async () => {
    for await (const chunk of stream)
      text += chunk.choices[0]?.delta?.content ?? '';
  }, () => stream.controller.abort());
  assert.ok(err instanceof OpenAI.APIError,
    `expected an APIError (the gateway's error event), got ${describe(err)}`);
  assertPrefix(text, streamedText(model));
  return { text, error: err.message };
}

// ---------------------------------------------------------------------------------------------
// @anthropic-ai/sdk

function assertAnthropicUsage(usage) {
  assert.ok(usage, 'usage is missing');
  assert.equal(typeof usage.input_tokens, 'number', JSON.stringify(usage));
  assert.equal(typeof usage.output_tokens, 'number', JSON.stringify(usage));
}

async function anthropicMessages(model) {
  const msg = await anthropic().messages.create({ model, max_tokens: 64, messages: ping });
  assert.equal(msg.type, 'message');
  assert.equal(msg.role, 'assistant');
  assert.equal(msg.content.length, 1, JSON.stringify(msg.content));
  assert.equal(msg.content[0].type, 'text');
  assert.equal(msg.content[0].text, MOCK.text);
  assert.equal(msg.stop_reason, 'end_turn');
  assertAnthropicUsage(msg.usage);
  return { text: msg.content[0].text, usage: msg.usage };
}

/** messages.stream(): text events and finalMessage(). */
async function anthropicStreamText(client, request) {
  const stream = client.messages.stream(request);
  let text = '';
  stream.on('text', (delta) => { text += delta; });
  const final = await stream.finalMessage();
  return { text, final };
}

async function anthropicStream(model) {
  const { text, final } = await anthropicStreamText(anthropic(), { model, max_tokens: 64, messages: ping });
  assert.equal(text, streamedText(model));
  assert.equal(final.content.length, 1, JSON.stringify(final.content));
  assert.equal(final.content[0].text, streamedText(model));
  assert.equal(final.stop_reason, 'end_turn');
  assertAnthropicUsage(final.usage);
  return { text, usage: final.usage };
}

/** create({stream: true}): the raw events, in the order the Messages API defines. */
async function anthropicStreamRaw(model) {
  const stream = await anthropic().messages.create({ model, max_tokens: 64, messages: ping, stream: true });
  const types = [];
  let text = '';
  let stopReason = null;
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'content_block_delta') {
      assert.equal(event.delta.type, 'text_delta', JSON.stringify(event));
      text += event.delta.text;
    } else if (event.type === 'message_delta') {
      stopReason = event.delta.stop_reason;
    }
  }
  assert.equal(types[0], 'message_start', `events: ${types.join(' ')}`);
  assert.equal(types.at(-1), 'message_stop', `events: ${types.join(' ')}`);
  assert.equal(types.at(-2), 'message_delta', `events: ${types.join(' ')}`);
  assert.ok(types.indexOf('content_block_start') < types.indexOf('content_block_delta'), `events: ${types.join(' ')}`);
  assert.ok(types.lastIndexOf('content_block_stop') < types.indexOf('message_delta'), `events: ${types.join(' ')}`);
  assert.equal(text, streamedText(model));
  assert.equal(stopReason, 'end_turn');
  return { text, events: types.length };
}

function assertToolUse(msg) {
  assert.equal(msg.stop_reason, 'tool_use');
  const uses = msg.content.filter((block) => block.type === 'tool_use');
  assert.equal(uses.length, 1, `content: ${JSON.stringify(msg.content)}`);
  const [use] = uses;
  assert.ok(typeof use.id === 'string' && use.id.length > 0, `tool_use id: ${JSON.stringify(use)}`);
  assert.equal(use.name, 'get_weather');
  assert.deepEqual(use.input, MOCK.toolArguments);
  return use;
}

function anthropicToolResult(msg, use) {
  return [...weatherQuestion, { role: 'assistant', content: msg.content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: TOOL_OUTPUT }] }];
}

async function anthropicTools(model) {
  const client = anthropic();
  const first = await client.messages.create({
    model, max_tokens: 64, messages: weatherQuestion, tools: ANTHROPIC_TOOLS,
  });
  const use = assertToolUse(first);

  const second = await client.messages.create({
    model, max_tokens: 64, messages: anthropicToolResult(first, use), tools: ANTHROPIC_TOOLS,
  });
  assert.equal(second.stop_reason, 'end_turn');
  const text = second.content.filter((b) => b.type === 'text').map((b) => b.text).join('');
  assert.equal(text, MOCK.toolResultText);
  return { input: use.input, answer: text };
}

async function anthropicToolsStream(model) {
  const client = anthropic();
  const stream = client.messages.stream({ model, max_tokens: 64, messages: weatherQuestion, tools: ANTHROPIC_TOOLS });
  let pieces = 0;
  stream.on('inputJson', () => { ++pieces; });
  const first = await stream.finalMessage();
  const use = assertToolUse(first);
  assert.ok(pieces >= 1, 'no input_json_delta was streamed');

  const { text, final } = await anthropicStreamText(client, {
    model, max_tokens: 64, messages: anthropicToolResult(first, use), tools: ANTHROPIC_TOOLS,
  });
  assert.equal(text, MOCK.toolResultText);
  assert.equal(final.stop_reason, 'end_turn');
  return { input: use.input, pieces, answer: text };
}

async function anthropicUnknownModel() {
  const messages = [];
  for (const { model, named } of UNKNOWN_MODELS) {
    const err = await anthropic().messages.create({ model, max_tokens: 64, messages: ping }).then(
      () => assert.fail(`the unknown model ${model} was answered`), (e) => e);
    assert.ok(err instanceof Anthropic.NotFoundError, `${model}: expected NotFoundError, got ${describe(err)}`);
    assert.equal(err.status, 404);
    assert.ok(err.message.includes(`'${named}'`), `${model}: the message does not name '${named}': ${err.message}`);
    messages.push(err.message);
  }
  return { messages };
}

async function anthropicMissingMaxTokens() {
  const err = await anthropic().messages.create({ model: 'oa/m1', messages: ping }).then(
    () => assert.fail('a request without max_tokens was answered'), (e) => e);
  assert.ok(err instanceof Anthropic.BadRequestError, `expected BadRequestError, got ${describe(err)}`);
  assert.equal(err.status, 400);
  assert.ok(err.message.includes('max_tokens'), `the message does not name max_tokens: ${err.message}`);
  return { status: err.status, message: err.message };
}

async function anthropicBadKey() {
  const client = new Anthropic({ baseURL: GATEWAY_URL, apiKey: 'wrong-token', maxRetries: 0 });
  const err = await client.messages.create({ model: 'an/m1', max_tokens: 64, messages: ping }).then(
    () => assert.fail('a wrong token was accepted'), (e) => e);
  assert.ok(err instanceof Anthropic.AuthenticationError, `expected AuthenticationError, got ${describe(err)}`);
  return { status: err.status, message: err.message };
}

async function anthropicStreamReset(model) {
  const stream = anthropic().messages.stream({ model, max_tokens: 64, messages: ping });
  let text = '';
  stream.on('text', (delta) => { text += delta; });
  const err = await errorOfBrokenStream(() => stream.finalMessage(), () => stream.abort());
  assert.ok(err instanceof Anthropic.APIError,
    `expected an APIError (the gateway's error event), got ${describe(err)}`);
  assertPrefix(text, streamedText(model));
  return { text, error: err.message };
}

// ---------------------------------------------------------------------------------------------
// ollama

async function ollamaChat(model) {
  const res = await ollama().chat({ model, messages: ping, stream: false });
  assert.equal(res.message.role, 'assistant');
  assert.equal(res.message.content, MOCK.text);
  assert.equal(res.done, true);
  return { content: res.message.content, done_reason: res.done_reason };
}

/** Streams @p messages; returns the text, the tool calls and the parts seen. */
async function ollamaStreamParts(model, messages, extra = {}) {
  const parts = await ollama().chat({ model, messages, stream: true, ...extra });
  let text = '';
  let count = 0;
  let last;
  const toolCalls = [];
  for await (const part of parts) {
    assert.equal(last?.done ?? false, false, `a part after done: ${JSON.stringify(part)}`);
    ++count;
    last = part;
    text += part.message?.content ?? '';
    toolCalls.push(...(part.message?.tool_calls ?? []));
  }
  assert.ok(last, 'the stream had no parts');
  assert.equal(last.done, true, `the last part is not done: ${JSON.stringify(last)}`);
  return { text, toolCalls, parts: count };
}

async function ollamaStream(model) {
  const got = await ollamaStreamParts(model, ping);
  assert.equal(got.text, streamedText(model));
  return { text: got.text, parts: got.parts };
}

function assertOllamaToolCall(toolCalls) {
  assert.equal(toolCalls?.length, 1, `tool_calls: ${JSON.stringify(toolCalls)}`);
  assert.equal(toolCalls[0].function.name, 'get_weather');
  assert.deepEqual(toolCalls[0].function.arguments, MOCK.toolArguments);
  return toolCalls[0];
}

function ollamaToolResult(toolCalls) {
  return [...weatherQuestion, { role: 'assistant', content: '', tool_calls: toolCalls },
    { role: 'tool', content: TOOL_OUTPUT, tool_name: 'get_weather' }];
}

async function ollamaTools(model) {
  const client = ollama();
  const first = await client.chat({ model, messages: weatherQuestion, tools: OLLAMA_TOOLS, stream: false });
  assert.equal(first.done, true);
  const call = assertOllamaToolCall(first.message.tool_calls);

  const second = await client.chat({
    model, messages: ollamaToolResult(first.message.tool_calls), tools: OLLAMA_TOOLS, stream: false,
  });
  assert.equal(second.message.content, MOCK.toolResultText);
  assert.ok(!second.message.tool_calls?.length, `a second tool call: ${JSON.stringify(second.message)}`);
  return { arguments: call.function.arguments, answer: second.message.content };
}

async function ollamaToolsStream(model) {
  const first = await ollamaStreamParts(model, weatherQuestion, { tools: OLLAMA_TOOLS });
  const call = assertOllamaToolCall(first.toolCalls);

  const second = await ollamaStreamParts(model, ollamaToolResult(first.toolCalls), { tools: OLLAMA_TOOLS });
  assert.equal(second.text, MOCK.toolResultText);
  assert.equal(second.toolCalls.length, 0, `a second tool call: ${JSON.stringify(second.toolCalls)}`);
  return { arguments: call.function.arguments, answer: second.text };
}

async function ollamaList() {
  const res = await ollama().list();
  const names = res.models.map((m) => m.name);
  for (const route of ROUTES)
    assert.ok(names.includes(route), `list() lacks ${route}: ${JSON.stringify(names)}`);
  for (const m of res.models)
    assert.equal(m.model, m.name, JSON.stringify(m));
  return { names };
}

async function ollamaVersion() {
  const res = await ollama().version();
  assert.match(res.version, /^\d+\.\d+(\.\d+)?/, JSON.stringify(res));
  return res;
}

async function ollamaStreamReset(model) {
  const parts = await ollama().chat({ model, messages: ping, stream: true });
  let text = '';
  const err = await errorOfBrokenStream(async () => {
    for await (const part of parts)
      text += part.message?.content ?? '';
  }, () => parts.abort());
  // The library's own complaints mean the gateway cut the stream silently or dropped the
  // connection instead of ending it with an error object.
  assert.ok(err instanceof Error, `expected an Error, got ${describe(err)}`);
  assert.doesNotMatch(err.message, /Did not receive done|terminated/,
    'the gateway did not report the failure in the stream');
  assertPrefix(text, streamedText(model));
  return { text, error: err.message };
}

// ---------------------------------------------------------------------------------------------

/** Name → [function, whether it runs per model]. */
const SCENARIOS = {
  'openai-chat': [openaiChat, true],
  'openai-stream': [openaiStream, true],
  'openai-tools': [openaiTools, true],
  'openai-tools-stream': [openaiToolsStream, true],
  'openai-stream-reset': [openaiStreamReset, true],
  'openai-models': [openaiModels, false],
  'openai-unknown-model': [openaiUnknownModel, false],
  'openai-bad-key': [openaiBadKey, false],
  'anthropic-messages': [anthropicMessages, true],
  'anthropic-stream': [anthropicStream, true],
  'anthropic-stream-raw': [anthropicStreamRaw, true],
  'anthropic-tools': [anthropicTools, true],
  'anthropic-tools-stream': [anthropicToolsStream, true],
  'anthropic-stream-reset': [anthropicStreamReset, true],
  'anthropic-unknown-model': [anthropicUnknownModel, false],
  'anthropic-missing-max-tokens': [anthropicMissingMaxTokens, false],
  'anthropic-bad-key': [anthropicBadKey, false],
  'ollama-chat': [ollamaChat, true],
  'ollama-stream': [ollamaStream, true],
  'ollama-tools': [ollamaTools, true],
  'ollama-tools-stream': [ollamaToolsStream, true],
  'ollama-stream-reset': [ollamaStreamReset, true],
  'ollama-list': [ollamaList, false],
  'ollama-version': [ollamaVersion, false],
};

/** An error as one line: class, HTTP status, message, and the body the gateway sent. */
function describe(err) {
  if (!(err instanceof Error))
    return JSON.stringify(err);
  const parts = [`${err.constructor.name}: ${err.message}`];
  if (err.status !== undefined)
    parts.push(`status ${err.status}`);
  if (err.error !== undefined && typeof err.error !== 'string')
    parts.push(`body ${JSON.stringify(err.error)}`);
  if (err.cause)
    parts.push(`cause ${err.cause.message ?? err.cause}`);
  return parts.join('; ');
}

async function main() {
  const [name, model] = process.argv.slice(2);
  if (!GATEWAY_URL || !SCENARIOS[name]) {
    console.error('usage: GATEWAY_URL=http://127.0.0.1:PORT node conformance.mjs SCENARIO [MODEL]');
    console.error(`scenarios: ${Object.keys(SCENARIOS).join(' ')}`);
    return 2;
  }
  const [run, perModel] = SCENARIOS[name];
  const targets = perModel ? (model ? [model] : MODELS) : [undefined];
  const results = [];
  for (const target of targets) {
    try {
      results.push({ model: target, ...(await run(target)) });
    } catch (err) {
      const where = target ? `${name} ${target}` : name;
      if (err instanceof assert.AssertionError)
        console.error(`${where}: ${err.message}`);
      else
        console.error(`${where}: unexpected ${describe(err)}\n${err.stack}`);
      return 1;
    }
  }
  console.log(JSON.stringify({ scenario: name, results }));
  return 0;
}

process.exitCode = await main();
