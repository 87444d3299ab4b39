package io.gproxy.transform.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;
import io.gproxy.transform.CodecRegistry;
import io.gproxy.transform.TransformException;
import org.junit.jupiter.api.Test;

import static io.gproxy.transform.ops.CountTokensTest.ctx;
import static io.gproxy.transform.ops.TokenCounterTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NonContentOpsDispatchTest {
    private final NonContentOps ops = new NonContentOps(CodecRegistry.builtIn());

    private static OperationKey key(Operation op, OperationKind kind) {
        return new OperationKey(op, kind);
    }

    private static ObjectNode obj(String s) {
        return (ObjectNode) json(s);
    }

    @Test
    void geminiCountToClaude() throws Exception {
        OpsRequest r = ops.convert(key(Operation.COUNT_TOKENS, OperationKind.GEMINI), key(Operation.COUNT_TOKENS, OperationKind.CLAUDE),
                obj(CountTokensTest.GEMINI_PLAIN), "/v1beta/models/anthropic/claude-sonnet-4-5:countTokens", "claude-sonnet-4-5", ctx());
        assertEquals("/v1/messages/count_tokens", r.providerPath());
        assertEquals(key(Operation.COUNT_TOKENS, OperationKind.CLAUDE), r.key());
        assertEquals("claude-sonnet-4-5", r.body().get("model").asText());
        assertEquals("{\"totalTokens\":12}", r.response().convert(json("{\"input_tokens\":12}")).toString());
    }

    @Test
    void getModelHasNoBody() throws Exception {
        OpsRequest r = ops.convert(key(Operation.GET_MODEL, OperationKind.GEMINI), key(Operation.GET_MODEL, OperationKind.CLAUDE),
                null, "/v1beta/models/claude-haiku-4-5", "claude-haiku-4-5", ctx());
        assertEquals("/v1/models/claude-haiku-4-5", r.providerPath());
        assertNull(r.body());
        assertEquals("models/claude-haiku-4-5", r.response().convert(json(ModelsTest.CLAUDE_ITEM.replace("claude-sonnet-4-5-20250929",
                "claude-haiku-4-5"))).get("name").asText());
        assertThrows(TransformException.class, () -> ops.convert(key(Operation.GET_MODEL, OperationKind.GEMINI),
                key(Operation.GET_MODEL, OperationKind.CLAUDE), null, "/v1beta/models/x", null, ctx()));
    }

    @Test
    void embeddingsBothWays() throws Exception {
        OpsRequest toGemini = ops.convert(key(Operation.CREATE_EMBEDDING, OperationKind.OPEN_AI),
                key(Operation.CREATE_EMBEDDING, OperationKind.GEMINI), obj("{\"model\":\"m\",\"input\":[\"a\"]}"),
                "/v1/embeddings", "text-embedding-004", ctx());
        assertEquals("/v1beta/models/text-embedding-004:batchEmbedContents", toGemini.providerPath());
        OpsRequest toOpenAi = ops.convert(key(Operation.CREATE_EMBEDDING, OperationKind.GEMINI),
                key(Operation.CREATE_EMBEDDING, OperationKind.OPEN_AI), obj("{\"content\":{\"parts\":[{\"text\":\"a\"}]}}"),
                "/v1beta/models/text-embedding-3-small:embedContent", "text-embedding-3-small", ctx());
        assertEquals("/v1/embeddings", toOpenAi.providerPath());
        assertEquals("a", toOpenAi.body().get("input").asText());
    }

    @Test
    void imagesCrossOperationToGeminiGenerateContent() throws Exception {
        OpsRequest r = ops.convert(key(Operation.CREATE_IMAGE, OperationKind.OPEN_AI),
                key(Operation.GENERATE_CONTENT, OperationKind.GEMINI_GENERATE_CONTENT), obj("{\"model\":\"x\",\"prompt\":\"otter\"}"),
                "/v1/images/generations", "gemini-2.5-flash-image", ctx());
        assertEquals("/v1beta/models/gemini-2.5-flash-image:generateContent", r.providerPath());
        assertEquals(key(Operation.GENERATE_CONTENT, OperationKind.GEMINI_GENERATE_CONTENT), r.key());
        assertEquals(1_700_000_000L, r.response().convert(json(ImagesTest.GEMINI_IMAGE_ANSWER)).get("created").asLong());
    }

    @Test
    void unsupportedPairsSayWhy() {
        UnsupportedConversionException compact = assertThrows(UnsupportedConversionException.class, () -> ops.convert(
                key(Operation.COMPACT_CONTENT, OperationKind.OPEN_AI), key(Operation.GENERATE_CONTENT, OperationKind.CLAUDE_MESSAGES),
                obj("{\"model\":\"m\",\"input\":[]}"), "/v1/responses/compact", "claude-sonnet-4-5", ctx()));
        assertTrue(compact.getMessage().contains("compact_content"), compact.getMessage());
        assertThrows(UnsupportedConversionException.class, () -> ops.convert(
                key(Operation.CREATE_EMBEDDING, OperationKind.OPEN_AI), key(Operation.CREATE_EMBEDDING, OperationKind.CLAUDE),
                obj("{\"input\":\"a\"}"), "/v1/embeddings", "m", ctx()));
        assertThrows(UnsupportedConversionException.class, () -> ops.convert(
                key(Operation.CREATE_IMAGE, OperationKind.OPEN_AI), key(Operation.STREAM_GENERATE_CONTENT, OperationKind.OPEN_AI_RESPONSES),
                obj("{\"prompt\":\"a\"}"), "/v1/images/generations", "gpt-5", ctx()));
    }
}
