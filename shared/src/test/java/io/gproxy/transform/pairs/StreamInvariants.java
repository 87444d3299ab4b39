package io.gproxy.transform.pairs;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.sse.SseFrame;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What a client of each protocol requires of a stream, checked on every converted stream independently of the
 * stored golden output, so that regenerating fixtures cannot bless a broken stream. The rules are the published
 * event sequences (spec/surface.md §5.2) and what the official SDKs validate (spec/peers.md §D): Chat's role
 * first, one finish reason, one {@code [DONE]}, tool indexes of its own; Claude's named events, one
 * {@code message_start}, contiguous block indexes, no duplicate or empty block, deltas matching their block, one
 * {@code message_delta} and {@code message_stop}; Responses' numbered events, item ids and output indexes that
 * match, parts announced before deltas, one terminal event carrying every item; Gemini's complete chunks with the
 * finish reason on the last.
 */
final class StreamInvariants {
    private StreamInvariants() {}

    static void check(String protocol, List<SseFrame> frames, String name) {
        assertFalse(frames.isEmpty(), name + ": empty stream");
        switch (protocol) {
            case "chat" -> chat(frames, name);
            case "claude" -> claude(frames, name);
            case "responses" -> responses(frames, name);
            case "gemini" -> gemini(frames, name);
            default -> fail("unknown protocol " + protocol);
        }
    }

    private static JsonNode json(SseFrame f, String name) {
        try {
            JsonNode node = Json.MAPPER.readTree(f.data());
            assertTrue(node != null && node.isObject(), name + ": frame data is not a JSON object: " + f.data());
            return node;
        } catch (IOException e) {
            throw new AssertionError(name + ": frame data is not JSON: " + f.data(), e);
        }
    }

    // ------------------------------------------------------------------ Chat

    private static void chat(List<SseFrame> frames, String name) {
        int last = frames.size() - 1;
        for (int i = 0; i < frames.size(); i++) {
            assertNull(frames.get(i).event(), name + ": Chat frames carry no event name");
            assertEquals(i == last, "[DONE]".equals(frames.get(i).data()), name + ": exactly one [DONE], last");
        }
        List<JsonNode> chunks = new ArrayList<>();
        for (int i = 0; i < last; i++) {
            chunks.add(json(frames.get(i), name));
        }
        if (!chunks.isEmpty() && chunks.get(chunks.size() - 1).has("error")) {
            for (int i = 0; i < chunks.size() - 1; i++) {
                assertFalse(chunks.get(i).has("error"), name + ": one error frame");
            }
            chunkRules(chunks.subList(0, chunks.size() - 1), name, false);
            return;
        }
        chunkRules(chunks, name, true);
    }

    private static void chunkRules(List<JsonNode> chunks, String name, boolean complete) {
        String id = null;
        boolean finished = false;
        boolean length = false;
        Map<Integer, StringBuilder> args = new HashMap<>();
        Set<Integer> custom = new HashSet<>();
        int nextTool = 0;
        for (int i = 0; i < chunks.size(); i++) {
            JsonNode c = chunks.get(i);
            assertEquals("chat.completion.chunk", c.path("object").asText(), name + ": object");
            if (id == null) {
                id = c.path("id").asText();
            }
            assertEquals(id, c.path("id").asText(), name + ": every chunk has the same id");
            JsonNode choices = c.path("choices");
            assertTrue(choices.isArray(), name + ": choices is an array");
            if (i == 0) {
                assertEquals("assistant", choices.path(0).path("delta").path("role").asText(),
                        name + ": the first chunk carries the assistant role");
            }
            if (choices.isEmpty()) {
                assertTrue(c.has("usage") && c.get("usage").isObject(), name + ": a chunk without choices carries usage");
                assertTrue(finished, name + ": the usage chunk follows the finish chunk");
                assertEquals(chunks.size() - 1, i, name + ": the usage chunk is the last chunk");
                continue;
            }
            assertFalse(finished, name + ": nothing but usage after the finish chunk");
            JsonNode choice = choices.get(0);
            assertEquals(0, choice.path("index").asInt(-1), name + ": choice index 0");
            if (!choice.path("finish_reason").isNull()) {
                finished = true;
                length = choice.get("finish_reason").asText().equals("length");
            }
            JsonNode calls = choice.path("delta").path("tool_calls");
            for (JsonNode call : calls) {
                int k = call.path("index").asInt(-1);
                if (!args.containsKey(k)) {
                    assertEquals(nextTool++, k, name + ": tool_calls[].index counts the calls from 0");
                    assertTrue(call.path("id").isTextual() && !call.get("id").asText().isEmpty(),
                            name + ": a call's first delta has its id");
                    String type = call.path("type").asText();
                    assertTrue(type.equals("function") || type.equals("custom"), name + ": a call's first delta has its type");
                    assertFalse(call.path(type).path("name").asText().isEmpty(),
                            name + ": a call's first delta has its name");
                    if (type.equals("custom")) {
                        custom.add(k);
                    }
                    args.put(k, new StringBuilder());
                } else {
                    assertFalse(call.has("id"), name + ": id only in a call's first delta");
                }
                args.get(k).append(custom.contains(k) ? call.path("custom").path("input").asText("")
                        : call.path("function").path("arguments").asText(""));
            }
        }
        if (complete) {
            assertTrue(finished, name + ": a finish chunk");
            if (!length) {
                args.forEach((k, a) -> {
                    if (!custom.contains(k)) {
                        assertJsonObject(a.toString(), name + ": tool call " + k + " arguments");
                    }
                });
            }
        }
    }

    private static void assertJsonObject(String text, String what) {
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            assertTrue(n != null && n.isObject(), what + " are a JSON object: " + text);
        } catch (IOException e) {
            throw new AssertionError(what + " are not JSON: " + text, e);
        }
    }

    // ------------------------------------------------------------------ Claude

    private static void claude(List<SseFrame> frames, String name) {
        List<JsonNode> events = new ArrayList<>();
        for (SseFrame f : frames) {
            JsonNode e = json(f, name);
            assertEquals(e.path("type").asText(), f.event(), name + ": every Claude event is named after its type");
            events.add(e);
        }
        boolean error = events.get(events.size() - 1).path("type").asText().equals("error");
        for (int i = 0; i < events.size() - 1; i++) {
            assertFalse(events.get(i).path("type").asText().equals("error"), name + ": the error event is last");
        }
        if (error && events.size() == 1) {
            return;
        }
        assertEquals("message_start", events.get(0).path("type").asText(), name + ": message_start first");
        JsonNode message = events.get(0).path("message");
        assertTrue(message.path("id").isTextual() && message.path("content").isArray()
                && message.path("usage").isObject(), name + ": message_start carries id, content and usage");
        int nextIndex = 0;
        Integer open = null;
        String openType = null;
        StringBuilder input = null;
        boolean openHasText = false;
        boolean delta = false;
        boolean stop = false;
        String stopReason = null;
        List<String> toolInputs = new ArrayList<>();
        int end = error ? events.size() - 1 : events.size();
        for (int i = 1; i < end; i++) {
            JsonNode e = events.get(i);
            String type = e.path("type").asText();
            assertFalse(stop, name + ": nothing after message_stop");
            switch (type) {
                case "message_start" -> fail(name + ": one message_start");
                case "content_block_start" -> {
                    assertFalse(delta, name + ": no block after message_delta");
                    assertNull(open, name + ": the open block is stopped before the next starts");
                    assertEquals(nextIndex++, e.path("index").asInt(-1), name + ": block indexes count from 0");
                    open = e.get("index").asInt();
                    JsonNode block = e.path("content_block");
                    openType = block.path("type").asText();
                    openHasText = false;
                    switch (openType) {
                        case "text" -> assertEquals("", block.path("text").asText(null), name + ": text starts empty");
                        case "thinking" -> assertTrue(block.has("thinking") && block.has("signature"),
                                name + ": thinking start has thinking and signature");
                        case "redacted_thinking" -> assertTrue(block.path("data").isTextual(),
                                name + ": redacted_thinking carries its data");
                        case "tool_use" -> {
                            assertTrue(block.path("id").asText().startsWith("toolu_"), name + ": tool_use ids are toolu_");
                            assertFalse(block.path("name").asText().isEmpty(), name + ": tool_use has its name");
                            assertTrue(block.path("input").isObject() && block.get("input").isEmpty(),
                                    name + ": tool_use starts with input {}");
                            input = new StringBuilder();
                        }
                        default -> fail(name + ": unexpected block type " + openType);
                    }
                }
                case "content_block_delta" -> {
                    assertNotNull(open, name + ": a delta belongs to an open block");
                    assertEquals((int) open, e.path("index").asInt(-1), name + ": delta index is the open block's");
                    String dt = e.path("delta").path("type").asText();
                    switch (dt) {
                        case "text_delta" -> {
                            assertEquals("text", openType, name + ": text_delta in a text block");
                            assertFalse(e.path("delta").path("text").asText().isEmpty(), name + ": no empty text_delta");
                            openHasText = true;
                        }
                        case "thinking_delta", "signature_delta" -> {
                            assertEquals("thinking", openType, name + ": " + dt + " in a thinking block");
                            openHasText = true;
                        }
                        case "input_json_delta" -> {
                            assertEquals("tool_use", openType, name + ": input_json_delta in a tool_use block");
                            input.append(e.path("delta").path("partial_json").asText());
                        }
                        default -> fail(name + ": unexpected delta " + dt);
                    }
                }
                case "content_block_stop" -> {
                    assertNotNull(open, name + ": stop of an open block");
                    assertEquals((int) open, e.path("index").asInt(-1), name + ": stop index is the open block's");
                    if (openType.equals("text") || openType.equals("thinking")) {
                        assertTrue(openHasText, name + ": no empty " + openType + " block");
                    }
                    if (openType.equals("tool_use")) {
                        toolInputs.add(input.toString());
                    }
                    open = null;
                }
                case "message_delta" -> {
                    assertNull(open, name + ": every block is stopped before message_delta");
                    assertFalse(delta, name + ": one message_delta");
                    delta = true;
                    stopReason = e.path("delta").path("stop_reason").asText(null);
                    assertNotNull(stopReason, name + ": message_delta has a stop_reason");
                    assertTrue(e.path("usage").path("output_tokens").isNumber(), name + ": message_delta usage");
                }
                case "message_stop" -> {
                    assertTrue(delta, name + ": message_delta before message_stop");
                    stop = true;
                }
                case "ping" -> { }
                default -> fail(name + ": unexpected Claude event " + type);
            }
        }
        if (!error) {
            assertTrue(stop, name + ": message_stop last");
            if (!"max_tokens".equals(stopReason)) {
                for (String in : toolInputs) {
                    if (!in.isEmpty()) {
                        assertJsonObject(in, name + ": tool_use input");
                    }
                }
            }
            if (!toolInputs.isEmpty() && !"max_tokens".equals(stopReason)) {
                assertEquals("tool_use", stopReason, name + ": a turn that called tools stops with tool_use");
            }
        }
    }

    // ------------------------------------------------------------------ Responses

    private static final Set<String> TERMINAL = Set.of("response.completed", "response.incomplete", "response.failed");

    private static void responses(List<SseFrame> frames, String name) {
        List<JsonNode> events = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            JsonNode e = json(frames.get(i), name);
            assertEquals(e.path("type").asText(), frames.get(i).event(), name + ": events are named after their type");
            assertEquals(i, e.path("sequence_number").asInt(-1), name + ": sequence_number counts from 0");
            events.add(e);
        }
        String lastType = events.get(events.size() - 1).path("type").asText();
        assertTrue(TERMINAL.contains(lastType) || lastType.equals("error"), name + ": a terminal event last");
        for (int i = 0; i < events.size() - 1; i++) {
            String t = events.get(i).path("type").asText();
            assertFalse(TERMINAL.contains(t) || t.equals("error"), name + ": one terminal event");
        }
        if (events.size() == 1) {
            return; // failed before anything was said
        }
        assertEquals("response.created", events.get(0).path("type").asText(), name + ": response.created first");
        String responseId = events.get(0).path("response").path("id").asText();
        int nextOutput = 0;
        String openItem = null;
        int openOutput = -1;
        String openItemType = null;
        boolean partOpen = false;
        StringBuilder text = new StringBuilder();
        List<JsonNode> done = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 1; i < events.size() - 1; i++) {
            JsonNode e = events.get(i);
            String type = e.path("type").asText();
            if (type.equals("response.in_progress")) {
                assertEquals(responseId, e.path("response").path("id").asText(), name + ": one response id");
                continue;
            }
            if (type.equals("response.output_item.added")) {
                assertNull(openItem, name + ": one item open at a time");
                assertEquals(nextOutput++, e.path("output_index").asInt(-1), name + ": output_index counts from 0");
                openItem = e.path("item").path("id").asText();
                assertTrue(ids.add(openItem), name + ": item ids are unique");
                openOutput = e.get("output_index").asInt();
                openItemType = e.path("item").path("type").asText();
                text.setLength(0);
                partOpen = false;
                continue;
            }
            assertNotNull(openItem, name + ": " + type + " belongs to an added item");
            assertEquals(openOutput, e.path("output_index").asInt(-1), name + ": " + type + " output_index");
            if (type.equals("response.output_item.done")) {
                assertEquals(openItem, e.path("item").path("id").asText(), name + ": output_item.done is the open item");
                assertFalse(partOpen, name + ": parts are done before their item");
                done.add(e.get("item"));
                openItem = null;
                continue;
            }
            assertEquals(openItem, e.path("item_id").asText(), name + ": " + type + " item_id");
            switch (type) {
                case "response.content_part.added", "response.reasoning_summary_part.added" -> {
                    assertFalse(partOpen, name + ": one part open at a time");
                    partOpen = true;
                    text.setLength(0);
                }
                case "response.output_text.delta", "response.refusal.delta", "response.reasoning_summary_text.delta" -> {
                    assertTrue(partOpen, name + ": " + type + " after its part was added");
                    text.append(e.path("delta").asText());
                }
                case "response.output_text.done", "response.reasoning_summary_text.done" ->
                        assertEquals(text.toString(), e.path("text").asText(), name + ": " + type + " has the whole text");
                case "response.refusal.done" ->
                        assertEquals(text.toString(), e.path("refusal").asText(), name + ": refusal.done has the whole text");
                case "response.content_part.done", "response.reasoning_summary_part.done" -> {
                    assertTrue(partOpen, name + ": part done after added");
                    partOpen = false;
                }
                case "response.function_call_arguments.delta" -> {
                    assertEquals("function_call", openItemType, name + ": arguments belong to a function call");
                    text.append(e.path("delta").asText());
                }
                case "response.function_call_arguments.done" ->
                        assertEquals(text.toString(), e.path("arguments").asText(), name + ": arguments.done has them all");
                case "response.custom_tool_call_input.delta" -> {
                    assertEquals("custom_tool_call", openItemType, name + ": input belongs to a custom tool call");
                    text.append(e.path("delta").asText());
                }
                case "response.custom_tool_call_input.done" ->
                        assertEquals(text.toString(), e.path("input").asText(), name + ": input.done has it all");
                default -> fail(name + ": unexpected Responses event " + type);
            }
        }
        JsonNode terminal = events.get(events.size() - 1);
        if (lastType.equals("response.completed") || lastType.equals("response.incomplete")) {
            // a failure may cut an item short; a finished response has finished every item
            assertNull(openItem, name + ": every item is done before the terminal event");
            JsonNode response = terminal.path("response");
            assertEquals(responseId, response.path("id").asText(), name + ": one response id");
            assertEquals(lastType.substring("response.".length()), response.path("status").asText(), name + ": status");
            assertEquals(done.size(), response.path("output").size(), name + ": the terminal output has every item");
            for (int i = 0; i < done.size(); i++) {
                assertEquals(done.get(i), response.path("output").get(i), name + ": terminal output[" + i + "]");
            }
            assertTrue(response.path("usage").isObject(), name + ": the terminal response carries usage");
        }
    }

    // ------------------------------------------------------------------ Gemini

    private static void gemini(List<SseFrame> frames, String name) {
        List<JsonNode> chunks = new ArrayList<>();
        for (SseFrame f : frames) {
            assertNull(f.event(), name + ": Gemini frames carry no event name");
            chunks.add(json(f, name));
        }
        JsonNode last = chunks.get(chunks.size() - 1);
        boolean error = last.has("error");
        for (int i = 0; i < chunks.size(); i++) {
            JsonNode c = chunks.get(i);
            if (i < chunks.size() - 1) {
                assertFalse(c.has("error"), name + ": the error chunk is last");
                assertFalse(c.path("candidates").path(0).has("finishReason"), name + ": finishReason only on the last chunk");
            }
            for (JsonNode part : c.path("candidates").path(0).path("content").path("parts")) {
                assertFalse(part.isEmpty(), name + ": no empty part");
                if (part.has("functionCall")) {
                    assertTrue(part.get("functionCall").path("args").isObject(), name + ": functionCall.args is an object");
                    assertFalse(part.get("functionCall").path("name").asText().isEmpty(), name + ": functionCall.name");
                }
            }
            JsonNode usage = c.path("usageMetadata");
            if (usage.isObject()) {
                long sum = usage.path("promptTokenCount").asLong() + usage.path("candidatesTokenCount").asLong()
                        + usage.path("thoughtsTokenCount").asLong();
                assertEquals(sum, usage.path("totalTokenCount").asLong(), name + ": totalTokenCount adds up");
            }
        }
        if (!error) {
            assertTrue(last.path("candidates").path(0).path("finishReason").isTextual(),
                    name + ": the last chunk has the finishReason");
        }
    }
}
