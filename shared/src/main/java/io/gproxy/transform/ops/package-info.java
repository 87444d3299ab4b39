/**
 * Non-content operations (spec/surface.md §4.12, §6): local token counting ({@link io.gproxy.transform.ops.TokenCounter})
 * and the conversions the routing tables ask for — {@code count_tokens} between all three families, {@code get_model}
 * / {@code list_models} answers, embeddings OpenAI ⇄ Gemini, OpenAI images served by Gemini {@code generateContent}.
 * {@link io.gproxy.transform.ops.NonContentOps} is the entry point the pipeline calls; each conversion is a request
 * body (or path, for GETs) plus a {@link io.gproxy.transform.ops.ResponseConverter} for the answer.
 *
 * <p>Choices where the reference is silent or where we depart from it:
 * <ul>
 *   <li>Local counting uses jtokkit only: o200k_base / cl100k_base by our own prefix table, cl100k_base as the
 *       generic estimate for non-OpenAI models (no Hugging Face tokenizer downloads in a Lambda). The counting model
 *       is the target's upstream model first (the body's model is a route name on aggregated paths).</li>
 *   <li>Harvest keys are the reference's plus {@code arguments} and {@code output} (tool-call text of OpenAI bodies);
 *       {@code tools}/{@code tool_choice}/non-string {@code system} count as serialized JSON and are not walked
 *       again.</li>
 *   <li>Count conversions reuse the content codecs, so a count body converts exactly like the same conversation
 *       would for generation; fields the target count endpoint does not take (max_tokens, stream, sampling) are
 *       cut after encoding.</li>
 *   <li>Embedding token-array inputs are refused (422) rather than sent as empty strings.</li>
 *   <li>{@code compact_content} conversions are not implemented: compact is served by passthrough to an OpenAI
 *       provider only; the claudeapi/aistudio cells answer 501 with a message saying so.</li>
 * </ul>
 */
package io.gproxy.transform.ops;
