package io.gproxy.transform.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.protocol.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TokenCounterTest {

    static JsonNode json(String s) {
        try {
            return Json.parse(s.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void modelTablePicksO200kForCurrentOpenAiModelsAndCl100kOtherwise() {
        for (String m : List.of("gpt-4o", "gpt-4o-mini", "gpt-4o-2024-08-06", "gpt-4.1", "gpt-4.1-nano", "gpt-5",
                "gpt-5-mini", "o1", "o1-mini", "o3-mini", "o4-mini", "chatgpt-4o-latest", "openai/gpt-4o-mini",
                "GPT-4.1")) {
            assertEquals("o200k_base", TokenCounter.encodingName(m), m);
        }
        for (String m : List.of("gpt-4", "gpt-4-turbo", "gpt-4-0613", "gpt-3.5-turbo", "text-embedding-3-small",
                "claude-sonnet-4-5", "gemini-2.5-flash", "models/gemini-2.5-pro", "llama-3.1-70b", "")) {
            assertEquals("cl100k_base", TokenCounter.encodingName(m), m);
        }
        assertEquals("cl100k_base", TokenCounter.encodingName(null));
    }

    @Test
    void exactCountsOnFixedTexts() {
        // Reference values from tiktoken (cl100k: [83, 1609, 5963, 374, 2294, 0]).
        assertEquals(6, TokenCounter.countText("tiktoken is great!", "gpt-4"));
        assertEquals(6, TokenCounter.countText("tiktoken is great!", "gpt-4o"));
        assertEquals(2, TokenCounter.countText("hello world", "gpt-3.5-turbo"));
        assertEquals(2, TokenCounter.countText("hello world", "gpt-4.1"));
        assertEquals(10, TokenCounter.countText("The quick brown fox jumps over the lazy dog.", "gpt-4"));
        assertEquals(10, TokenCounter.countText("The quick brown fox jumps over the lazy dog.", "gpt-5"));
        // The encodings differ on Japanese: this proves the table really switches encoding.
        assertEquals(10, TokenCounter.countText("日本語のテキストです。", "gpt-4"));
        assertEquals(8, TokenCounter.countText("日本語のテキストです。", "gpt-4o"));
        assertEquals(10, TokenCounter.countText("日本語のテキストです。", "claude-sonnet-4-5")); // generic: cl100k
        assertEquals(0, TokenCounter.countText("", "gpt-4o"));
        assertEquals(0, TokenCounter.countText(null, "gpt-4o"));
    }

    @Test
    void specialTokenTextIsCountedAsOrdinaryText() {
        assertEquals(7, assertDoesNotThrow(() -> TokenCounter.countText("<|endoftext|>", "gpt-4o")));
        assertEquals(7, assertDoesNotThrow(() -> TokenCounter.countText("<|endoftext|>", "gpt-4")));
    }

    @Test
    void harvestsClaudeMessagesBody() {
        TokenCounter.Harvest h = TokenCounter.harvest(json("""
                {"model":"claude-sonnet-4-5","system":"You are terse.",
                 "messages":[{"role":"user","content":"Hello, world"},
                             {"role":"assistant","content":[{"type":"text","text":"Hi."}]},
                             {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"42"}]}]}"""));
        assertEquals(List.of("You are terse.", "Hello, world", "Hi.", "42"), h.texts());
        assertEquals(3, h.messageCount());
    }

    @Test
    void harvestsResponsesBodyWithToolsSerialized() {
        TokenCounter.Harvest h = TokenCounter.harvest(json("""
                {"model":"gpt-4.1","instructions":"Be brief.","input":[
                   {"role":"user","content":[{"type":"input_text","text":"Weather in Paris?"}]},
                   {"type":"function_call","call_id":"c1","name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"},
                   {"type":"function_call_output","call_id":"c1","output":"sunny"}],
                 "tools":[{"type":"function","name":"weather","parameters":{"type":"object"}}]}"""));
        assertEquals(List.of("Be brief.", "Weather in Paris?", "{\"city\":\"Paris\"}", "sunny",
                "[{\"type\":\"function\",\"name\":\"weather\",\"parameters\":{\"type\":\"object\"}}]"), h.texts());
        assertEquals(3, h.messageCount());
    }

    @Test
    void harvestsGeminiBodiesInBothCountForms() {
        TokenCounter.Harvest plain = TokenCounter.harvest(json("""
                {"contents":[{"role":"user","parts":[{"text":"Hello"}]},{"role":"model","parts":[{"text":"Hi"}]}]}"""));
        assertEquals(List.of("Hello", "Hi"), plain.texts());
        assertEquals(2, plain.messageCount());
        TokenCounter.Harvest wrapped = TokenCounter.harvest(json("""
                {"generateContentRequest":{"model":"models/gemini-2.5-flash",
                  "systemInstruction":{"parts":[{"text":"Be kind."}]},
                  "contents":[{"role":"user","parts":[{"text":"Hello"}]}]}}"""));
        assertEquals(List.of("Be kind.", "Hello"), wrapped.texts());
        assertEquals(1, wrapped.messageCount());
    }

    @Test
    void countBodyIsTextTokensPlusFourPerMessage() {
        // "Hello, world" is 3 tokens in both encodings; one message adds 4.
        JsonNode claude = json("{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello, world\"}]}");
        assertEquals(7, TokenCounter.countBody(claude, "gpt-4o-mini"));
        assertEquals(7, TokenCounter.countBody(claude, "claude-sonnet-4-5"));
        // Two texts joined by "\\n": "You are a helpful assistant.\\nWhat is the capital of France?" = 13 tokens.
        JsonNode responses = json("""
                {"model":"gpt-4.1","instructions":"You are a helpful assistant.","input":"What is the capital of France?"}""");
        assertEquals(13, TokenCounter.countBody(responses, "gpt-4.1"));
        JsonNode gemini = json("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"日本語のテキストです。\"}]}]}");
        assertEquals(8 + 4, TokenCounter.countBody(gemini, "gpt-4o"));
        assertEquals(10 + 4, TokenCounter.countBody(gemini, "gemini-2.5-flash"));
    }

    @Test
    void neverFails() {
        assertEquals(0, TokenCounter.countBody(null, null));
        assertEquals(0, TokenCounter.countBody(json("{}"), "gpt-4o"));
        assertEquals(4, TokenCounter.countBody(json("{\"messages\":[{\"role\":\"user\",\"content\":[]}]}"), null));
        assertDoesNotThrow(TokenCounter::prime);
    }
}
