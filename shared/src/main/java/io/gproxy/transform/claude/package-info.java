/**
 * The Anthropic Messages codec ({@link io.gproxy.transform.claude.ClaudeCodec}): {@code POST /v1/messages} request,
 * response and SSE stream ⇔ IR.
 *
 * <p>Decisions where the handbook leaves room or Claude's API forces a choice:
 * <ul>
 *   <li>Web search is sent as {@code web_search_20250305}, the version every search-capable model accepts
 *   (surface.md names the newer {@code web_search_20260209}, which only the newest models take); any
 *   {@code web_search_*} version decodes to the IR's web search.</li>
 *   <li>{@code output_config.effort} is the IR verbosity (surface.md §4.3/§4.4); without a verbosity, an OpenAI
 *   reasoning effort fills it. Decoding saturates {@code xhigh}/{@code max} at {@code high}.</li>
 *   <li>Thinking: an OpenAI effort other than {@code none} becomes adaptive thinking, a budget becomes enabled
 *   thinking (at least 1024, kept below {@code max_tokens}), {@code includeThoughts} is {@code display}. With
 *   thinking on, a temperature other than 1, top_k and a top_p below 0.95 are dropped, and when the last
 *   tool-calling assistant turn has no signed thinking (history from another protocol) thinking is sent as
 *   disabled, because the API rejects both.</li>
 *   <li>Usage: IR input includes cache reads and writes; Claude's {@code input_tokens} does not. Cache fields
 *   are always written (zero when unknown), as the API does.</li>
 *   <li>Streams: a missing {@code message_stop} is an {@code incomplete_stream} error, never a fabricated
 *   success; the encoder's mid-stream error frame is the gateway's redacted {@code upstream_error}.</li>
 * </ul>
 */
package io.gproxy.transform.claude;
