package io.gproxy.channel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.config.ProviderModel;
import io.gproxy.protocol.Json;
import io.gproxy.store.GeneratedIds;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CatalogRefresherTest {
    private static final ObjectNode KEY = Json.MAPPER.createObjectNode().put("api_key", "k");

    private static CatalogRefresher refresher(ChannelHttp http) {
        return new CatalogRefresher(http, Duration.ofMillis(500), Clock.systemUTC());
    }

    @Test
    void liveListAddsNewIdsAndDeletesNothing() throws Exception {
        try (LoopbackUpstream up = new LoopbackUpstream()) {
            up.respond(r -> LoopbackUpstream.Answer.json(200,
                    "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-5\"},{\"id\":\"gpt-4o\"},{\"id\":\"gpt-5\"}]}"));
            List<ProviderModel> stored = List.of(new ProviderModel(3, 1, "gpt-4o", "GPT-4o"),
                    new ProviderModel(4, 1, "retired-model", null));
            CatalogRefresher.Result r = refresher(ChannelHttp.jdk(LoopbackUpstream.CLIENT)).refresh(new OpenAiChannel(), 1,
                    Json.MAPPER.createObjectNode().put("base_url", up.baseUrl()), KEY, stored, List.of(3L, 4L, 99L));
            assertTrue(r.live());
            assertEquals(List.of("gpt-5", "gpt-4o", "retired-model"), r.models().stream().map(CatalogModel::id).toList());
            assertEquals(List.of(new ProviderModel(GeneratedIds.BASE, 1, "gpt-5", null)), r.newRows());
            assertEquals("GET", up.last().method());
            assertEquals("/v1/models", up.last().rawPath());
            assertEquals("Bearer k", up.last().headers().firstOrNull("authorization"));
            assertEquals("{\"id\":1000000000,\"provider_id\":1,\"model_id\":\"gpt-5\",\"enabled\":true}",
                    CatalogRefresher.toConfigItem(r.newRows().get(0)).doc().toString());
        }
    }

    @Test
    void failureOrTimeoutFallsBackToTheStoredList() throws Exception {
        List<ProviderModel> stored = List.of(new ProviderModel(3, 1, "claude-x", "Claude X"));
        CatalogRefresher.Result timeout = refresher((req, t) -> {
            throw new HttpTimeoutException("request timed out");
        }).refresh(new ClaudeApiChannel(), 1, null, KEY, stored, List.of(3L));
        assertFalse(timeout.live());
        assertEquals("request timed out", timeout.error());
        assertEquals(List.of(new CatalogModel("claude-x", "Claude X")), timeout.models());
        assertTrue(timeout.newRows().isEmpty());

        CatalogRefresher.Result status = refresher((req, t) -> new ChannelHttp.Result(401, new io.gproxy.http.Headers(),
                "{}".getBytes())).refresh(new ClaudeApiChannel(), 1, null, KEY, stored, List.of(3L));
        assertEquals("model list answered 401", status.error());

        CatalogRefresher.Result off = refresher((req, t) -> {
            throw new IOException("must not be called");
        }).refresh(new ClaudeApiChannel(), 1, Json.MAPPER.createObjectNode().put("auto_refresh_models", false), KEY,
                stored, List.of(3L));
        assertEquals("auto_refresh_models is off", off.error());
    }

    @Test
    void bundledCataloguesNeedNoCallAndSeedTheirIds() {
        CatalogRefresher.Result r = refresher((req, t) -> {
            throw new IOException("must not be called");
        }).refresh(new VertexExpressChannel(), 2, null, KEY, List.of(new ProviderModel(1, 2, "gemini-2.5-pro", null)),
                List.of(1L));
        assertFalse(r.live());
        assertEquals(VertexExpressChannel.BUNDLED.size(), r.models().size());
        assertEquals(VertexExpressChannel.BUNDLED.size() - 1, r.newRows().size());
    }

    @Test
    void geminiAndClaudeListsParse() throws Exception {
        try (LoopbackUpstream up = new LoopbackUpstream()) {
            up.respond(r -> LoopbackUpstream.Answer.json(200,
                    "{\"models\":[{\"name\":\"models/gemini-2.5-flash\",\"displayName\":\"Gemini 2.5 Flash\"}]}"));
            CatalogRefresher.Result g = refresher(ChannelHttp.jdk(LoopbackUpstream.CLIENT)).refresh(new AiStudioChannel(), 1,
                    Json.MAPPER.createObjectNode().put("base_url", up.baseUrl()), KEY, List.of(), List.of());
            assertEquals(List.of(new CatalogModel("gemini-2.5-flash", "Gemini 2.5 Flash")), g.models());
            assertEquals("/v1beta/models", up.last().rawPath());
            assertEquals("pageSize=1000", up.last().rawQuery());
            assertEquals("k", up.last().headers().firstOrNull("x-goog-api-key"));

            up.respond(r -> LoopbackUpstream.Answer.json(200,
                    "{\"data\":[{\"type\":\"model\",\"id\":\"claude-opus-4-1\",\"display_name\":\"Claude Opus 4.1\"}],\"has_more\":false}"));
            CatalogRefresher.Result c = refresher(ChannelHttp.jdk(LoopbackUpstream.CLIENT)).refresh(new ClaudeApiChannel(), 1,
                    Json.MAPPER.createObjectNode().put("base_url", up.baseUrl()), KEY, List.of(), List.of());
            assertEquals(List.of(new CatalogModel("claude-opus-4-1", "Claude Opus 4.1")), c.models());
            assertEquals("limit=1000", up.last().rawQuery());
            assertEquals("2023-06-01", up.last().headers().firstOrNull("anthropic-version"));
        }
    }
}
