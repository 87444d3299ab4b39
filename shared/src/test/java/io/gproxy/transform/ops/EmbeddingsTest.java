package io.gproxy.transform.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Set;

import static io.gproxy.transform.ops.CountTokensTest.ctx;
import static io.gproxy.transform.ops.TokenCounterTest.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddingsTest {
    static final String GEMINI_BATCH_ANSWER = """
            {"embeddings":[{"values":[0.013168523,-0.008711934,-0.046782676]},{"values":[0.5,-0.25,1.0]}]}""";

    @Test
    void openAiBatchToGemini() throws Exception {
        TransformContext ctx = ctx();
        Embeddings.GeminiCall call = Embeddings.openAiToGemini(json("""
                {"model":"gemini/text-embedding-004","input":["The food was delicious","Paris is in France"],
                 "dimensions":3,"encoding_format":"float","user":"u-1"}"""), "text-embedding-004", ctx);
        assertEquals("/v1beta/models/text-embedding-004:batchEmbedContents", call.path());
        assertFalse(call.single());
        assertFalse(call.base64());
        assertEquals(json("""
                {"requests":[
                  {"model":"models/text-embedding-004","content":{"parts":[{"text":"The food was delicious"}]},"outputDimensionality":3},
                  {"model":"models/text-embedding-004","content":{"parts":[{"text":"Paris is in France"}]},"outputDimensionality":3}]}""").toString(),
                call.body().toString());
        assertEquals(Set.of("user"), ctx.loss().dropped());
    }

    @Test
    void openAiSingleStringUsesEmbedContentAndBase64ByDefaultOfTheSdk() throws Exception {
        Embeddings.GeminiCall call = Embeddings.openAiToGemini(json("""
                {"input":"hello","model":"gemini/gemini-embedding-001","encoding_format":"base64"}"""),
                "models/gemini-embedding-001", ctx());
        assertEquals("/v1beta/models/gemini-embedding-001:embedContent", call.path());
        assertTrue(call.single());
        assertTrue(call.base64());
        assertEquals("{\"content\":{\"parts\":[{\"text\":\"hello\"}]}}", call.body().toString());
    }

    @Test
    void geminiAnswerAsOpenAiFloats() throws Exception {
        Embeddings.GeminiCall call = Embeddings.openAiToGemini(json("{\"model\":\"m\",\"input\":[\"a\",\"b\"]}"),
                "text-embedding-004", ctx());
        ObjectNode out = Embeddings.geminiToOpenAiResponse(json(GEMINI_BATCH_ANSWER), call, "text-embedding-004");
        assertEquals("""
                {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.013168523,-0.008711934,-0.046782676]},\
                {"object":"embedding","index":1,"embedding":[0.5,-0.25,1.0]}],"model":"text-embedding-004",\
                "usage":{"prompt_tokens":2,"total_tokens":2}}""", out.toString());
    }

    @Test
    void geminiAnswerAsOpenAiBase64IsLittleEndianFloat32() throws Exception {
        Embeddings.GeminiCall call = Embeddings.openAiToGemini(
                json("{\"model\":\"m\",\"input\":\"hello\",\"encoding_format\":\"base64\"}"), "gemini-embedding-001", ctx());
        ObjectNode out = Embeddings.geminiToOpenAiResponse(json("""
                {"embedding":{"values":[0.5,-0.25,1.0,0.013168523]},"usageMetadata":{"promptTokenCount":1,"totalTokenCount":1}}"""),
                call, "gemini-embedding-001");
        String b64 = out.at("/data/0/embedding").asText();
        ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(b64)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(16, buf.remaining());
        assertEquals(0.5f, buf.getFloat());
        assertEquals(-0.25f, buf.getFloat());
        assertEquals(1.0f, buf.getFloat());
        assertEquals(0.013168523f, buf.getFloat());
        // the exact bytes OpenAI would send for [0.5, -0.25, 1.0, ...]: 0x3F000000 LE etc.
        assertTrue(b64.startsWith("AAAAPwAAgL4AAIA/"), b64);
        assertEquals(1, out.at("/usage/prompt_tokens").asInt());
        assertArrayEquals(new float[] {0.5f, -0.25f, 1.0f, 0.013168523f}, Embeddings.fromBase64(b64));
    }

    @Test
    void openAiRequestsThatDoNotConvert() {
        assertThrows(TransformException.class, () -> Embeddings.openAiToGemini(json("{\"input\":[1,2,3]}"), "m", ctx()));
        assertThrows(TransformException.class, () -> Embeddings.openAiToGemini(json("{\"input\":[[1,2],[3]]}"), "m", ctx()));
        assertThrows(TransformException.class, () -> Embeddings.openAiToGemini(json("{\"input\":[]}"), "m", ctx()));
        assertThrows(TransformException.class,
                () -> Embeddings.openAiToGemini(json("{\"input\":\"x\",\"encoding_format\":\"int8\"}"), "m", ctx()));
        assertThrows(TransformException.class,
                () -> Embeddings.openAiToGemini(json("{\"input\":\"x\",\"dimensions\":1.5}"), "m", ctx()));
    }

    @Test
    void mismatchedAnswerIsAnError() throws Exception {
        Embeddings.GeminiCall call = Embeddings.openAiToGemini(json("{\"input\":[\"a\",\"b\",\"c\"]}"), "m", ctx());
        assertThrows(TransformException.class, () -> Embeddings.geminiToOpenAiResponse(json(GEMINI_BATCH_ANSWER), call, "m"));
        assertThrows(TransformException.class, () -> Embeddings.geminiToOpenAiResponse(json("{}"), call, "m"));
    }

    @Test
    void geminiBatchToOpenAiAndBack() throws Exception {
        TransformContext ctx = ctx();
        Embeddings.OpenAiCall call = Embeddings.geminiToOpenAi(json("""
                {"requests":[
                  {"model":"models/text-embedding-3-small","content":{"parts":[{"text":"first"},{"text":"part"}]},"taskType":"RETRIEVAL_DOCUMENT","outputDimensionality":2},
                  {"model":"models/text-embedding-3-small","content":{"role":"user","parts":[{"text":"second"}]},"outputDimensionality":2}]}"""),
                "text-embedding-3-small", false, ctx);
        assertEquals("""
                {"model":"text-embedding-3-small","input":["first\\npart","second"],"dimensions":2,"encoding_format":"float"}""",
                call.body().toString());
        assertEquals(Set.of("taskType"), ctx.loss().dropped());
        JsonNode answer = json("""
                {"object":"list","data":[{"object":"embedding","index":1,"embedding":[0.3,0.4]},
                                         {"object":"embedding","index":0,"embedding":[0.1,0.2]}],
                 "model":"text-embedding-3-small","usage":{"prompt_tokens":3,"total_tokens":3}}""");
        assertEquals("{\"embeddings\":[{\"values\":[0.1,0.2]},{\"values\":[0.3,0.4]}]}",
                Embeddings.openAiToGeminiResponse(answer, call).toString());
    }

    @Test
    void geminiSingleToOpenAiAndBackAcceptsBase64Answers() throws Exception {
        Embeddings.OpenAiCall call = Embeddings.geminiToOpenAi(json("""
                {"content":{"parts":[{"text":"hello"}]},"outputDimensionality":2}"""), "models/text-embedding-3-small", true, ctx());
        assertEquals("{\"model\":\"text-embedding-3-small\",\"input\":\"hello\",\"dimensions\":2,\"encoding_format\":\"float\"}",
                call.body().toString());
        JsonNode answer = json("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":\"AAAAPwAAgL4=\"}]}");
        assertEquals("{\"embedding\":{\"values\":[0.5,-0.25]}}", Embeddings.openAiToGeminiResponse(answer, call).toString());
    }

    @Test
    void geminiRequestsThatDoNotConvert() {
        assertThrows(TransformException.class, () -> Embeddings.geminiToOpenAi(json("""
                {"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"AA=="}}]}}"""), "m", true, ctx()));
        assertThrows(TransformException.class, () -> Embeddings.geminiToOpenAi(json("""
                {"requests":[{"content":{"parts":[{"text":"a"}]},"outputDimensionality":2},
                             {"content":{"parts":[{"text":"b"}]},"outputDimensionality":3}]}"""), "m", false, ctx()));
        assertThrows(TransformException.class, () -> Embeddings.geminiToOpenAi(json("{\"requests\":[]}"), "m", false, ctx()));
    }
}
