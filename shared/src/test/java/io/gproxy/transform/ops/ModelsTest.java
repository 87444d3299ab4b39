package io.gproxy.transform.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.transform.TransformException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.gproxy.protocol.ProtocolFamily.CLAUDE;
import static io.gproxy.protocol.ProtocolFamily.GEMINI;
import static io.gproxy.protocol.ProtocolFamily.OPENAI;
import static io.gproxy.transform.ops.TokenCounterTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ModelsTest {
    static final String OPENAI_ITEM = """
            {"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"}""";
    static final String CLAUDE_ITEM = """
            {"type":"model","id":"claude-sonnet-4-5-20250929","display_name":"Claude Sonnet 4.5","created_at":"2025-09-29T00:00:00Z"}""";
    static final String GEMINI_ITEM = """
            {"name":"models/gemini-2.5-flash","version":"001","displayName":"Gemini 2.5 Flash",
             "description":"Stable version of Gemini 2.5 Flash","inputTokenLimit":1048576,"outputTokenLimit":65536,
             "supportedGenerationMethods":["generateContent","countTokens"],"temperature":1,"topP":0.95,"topK":64,
             "maxTemperature":2,"thinking":true}""";

    private static String one(io.gproxy.protocol.ProtocolFamily from, io.gproxy.protocol.ProtocolFamily to, String body)
            throws TransformException {
        return Models.convertOne(from, to, json(body)).toString();
    }

    @Test
    void getModelBetweenAllFamilies() throws Exception {
        assertEquals("{\"id\":\"gpt-4o-mini\",\"type\":\"model\",\"display_name\":\"gpt-4o-mini\",\"created_at\":\"2024-07-16T23:32:21Z\"}",
                one(OPENAI, CLAUDE, OPENAI_ITEM));
        assertEquals("{\"name\":\"models/gpt-4o-mini\",\"displayName\":\"gpt-4o-mini\"}", one(OPENAI, GEMINI, OPENAI_ITEM));
        assertEquals("{\"id\":\"claude-sonnet-4-5-20250929\",\"object\":\"model\",\"created\":1759104000,\"owned_by\":\"anthropic\"}",
                one(CLAUDE, OPENAI, CLAUDE_ITEM));
        assertEquals("{\"name\":\"models/claude-sonnet-4-5-20250929\",\"displayName\":\"Claude Sonnet 4.5\"}",
                one(CLAUDE, GEMINI, CLAUDE_ITEM));
        assertEquals("{\"id\":\"gemini-2.5-flash\",\"object\":\"model\",\"created\":0,\"owned_by\":\"google\"}",
                one(GEMINI, OPENAI, GEMINI_ITEM));
        assertEquals("{\"id\":\"gemini-2.5-flash\",\"type\":\"model\",\"display_name\":\"Gemini 2.5 Flash\",\"created_at\":\"1970-01-01T00:00:00Z\"}",
                one(GEMINI, CLAUDE, GEMINI_ITEM));
    }

    @Test
    void listsBetweenFamilies() throws Exception {
        JsonNode claudeList = json("{\"data\":[" + CLAUDE_ITEM + ",{\"type\":\"model\",\"id\":\"claude-haiku-4-5\","
                + "\"display_name\":\"Claude Haiku 4.5\",\"created_at\":\"2025-10-01T00:00:00Z\"}],"
                + "\"has_more\":true,\"first_id\":\"claude-sonnet-4-5-20250929\",\"last_id\":\"claude-haiku-4-5\"}");
        JsonNode g = Models.convertList(CLAUDE, GEMINI, claudeList);
        assertEquals(2, g.get("models").size());
        assertEquals("models/claude-haiku-4-5", g.at("/models/1/name").asText());
        assertEquals("claude-haiku-4-5", g.get("nextPageToken").asText());
        JsonNode o = Models.convertList(CLAUDE, OPENAI, claudeList);
        assertEquals("list", o.get("object").asText());
        assertEquals("claude-haiku-4-5", o.at("/data/1/id").asText());
        assertEquals("anthropic", o.at("/data/1/owned_by").asText());

        JsonNode geminiList = json("{\"models\":[" + GEMINI_ITEM + "],\"nextPageToken\":\"Cg9nZW1pbmk\"}");
        JsonNode c = Models.convertList(GEMINI, CLAUDE, geminiList);
        assertEquals("{\"data\":[{\"id\":\"gemini-2.5-flash\",\"type\":\"model\",\"display_name\":\"Gemini 2.5 Flash\","
                + "\"created_at\":\"1970-01-01T00:00:00Z\"}],\"has_more\":false,\"first_id\":\"gemini-2.5-flash\","
                + "\"last_id\":\"gemini-2.5-flash\"}", c.toString());

        JsonNode openAiList = json("{\"object\":\"list\",\"data\":[" + OPENAI_ITEM + "]}");
        JsonNode gg = Models.convertList(OPENAI, GEMINI, openAiList);
        assertEquals("{\"models\":[{\"name\":\"models/gpt-4o-mini\",\"displayName\":\"gpt-4o-mini\"}]}", gg.toString());
        JsonNode empty = Models.convertList(OPENAI, CLAUDE, json("{\"object\":\"list\",\"data\":[]}"));
        assertEquals("{\"data\":[],\"has_more\":false,\"first_id\":null,\"last_id\":null}", empty.toString());
    }

    @Test
    void geminiTargetKeepsGeminiFields() throws Exception {
        JsonNode g = Models.convertList(GEMINI, GEMINI, json("{\"models\":[" + GEMINI_ITEM + "]}"));
        assertEquals(1048576, g.at("/models/0/inputTokenLimit").asInt());
    }

    @Test
    void listQueryParameters() {
        assertEquals(Map.of("pageSize", "20"), Models.convertListQuery(CLAUDE, GEMINI, Map.of("limit", "20", "after_id", "x")));
        assertEquals(Map.of("limit", "20", "after_id", "claude-haiku-4-5"),
                Models.convertListQuery(GEMINI, CLAUDE, Map.of("pageSize", "20", "pageToken", "claude-haiku-4-5")));
        assertEquals(Map.of(), Models.convertListQuery(CLAUDE, OPENAI, Map.of("limit", "20")));
    }

    @Test
    void endpoints() {
        assertEquals("/v1/models/gpt-4o", Models.getPath(OPENAI, "gpt-4o"));
        assertEquals("/v1/models/claude-haiku-4-5", Models.getPath(CLAUDE, "claude-haiku-4-5"));
        assertEquals("/v1beta/models/gemini-2.5-flash", Models.getPath(GEMINI, "models/gemini-2.5-flash"));
        assertEquals("/v1beta/models", Models.listPath(GEMINI));
    }

    @Test
    void malformedAnswersDoNotConvert() {
        assertThrows(TransformException.class, () -> Models.convertOne(GEMINI, CLAUDE, json("{\"displayName\":\"x\"}")));
        assertThrows(TransformException.class, () -> Models.convertOne(OPENAI, CLAUDE, json("[]")));
        assertThrows(TransformException.class, () -> Models.convertList(CLAUDE, OPENAI, json("{\"data\":{}}")));
    }
}
