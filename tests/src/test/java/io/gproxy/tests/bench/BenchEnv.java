package io.gproxy.tests.bench;

import io.gproxy.app.Gateway;
import io.gproxy.app.RuntimeConfig;
import io.gproxy.crypto.MasterKeyCipher;
import io.gproxy.local.LocalHttpServer;
import io.gproxy.local.LocalOptions;
import io.gproxy.local.LocalServer;
import io.gproxy.store.memory.MemoryConfigStore;
import io.gproxy.tests.mock.MockAnthropic;
import io.gproxy.tests.mock.MockGemini;
import io.gproxy.tests.mock.MockOpenAi;
import io.gproxy.tests.mock.MockUpstream;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a bench run talks to, started once: the three loopback mocks (recording off), the local gateway on
 * DynamoDB Local (in memory, exactly as {@code gproxy local --in-memory}), the same gateway on the in-memory
 * config store behind the same HTTP transport, and the Portkey peer when it can be had. All requests go through
 * {@link #client()}: {@code java.net.http} in HTTP/1.1 for every target alike.
 */
final class BenchEnv implements AutoCloseable {
    /** Where a request goes. */
    enum Via {
        DIRECT("direct to mock"), GPROXY_DDB("gproxy, DynamoDB store"), GPROXY_MEM("gproxy, memory store"),
        PORTKEY("Portkey");

        final String label;

        Via(String label) {
            this.label = label;
        }
    }

    static final PrintStream DISCARD = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
    static final String PROMPT = "Say hello";

    final BenchOptions options;
    final MockOpenAi openAi = new MockOpenAi();
    final MockAnthropic anthropic = new MockAnthropic();
    final MockGemini gemini = new MockGemini();
    final String masterKey = MasterKeyCipher.generateKeyBase64();
    final String bundle;
    final LocalServer ddb;
    final Gateway memGateway;
    final LocalHttpServer mem;
    final PortkeyPeer portkey;
    final String portkeyUnavailable;

    private BenchEnv(BenchOptions options, boolean withPortkey) throws Exception {
        this.options = options;
        openAi.expectApiKey(BenchBundle.OPENAI_KEY);
        anthropic.expectApiKey(BenchBundle.ANTHROPIC_KEY);
        gemini.expectApiKey(BenchBundle.GEMINI_KEY);
        mocks().forEach(m -> m.recording(false));
        bundle = BenchBundle.build(openAi.baseUrl(), anthropic.baseUrl(), gemini.baseUrl());
        Path work = options.workDir();
        Files.createDirectories(work);
        Path bundleFile = work.resolve("bench-bundle.json");
        Files.writeString(bundleFile, bundle);

        ddb = LocalServer.start(new LocalOptions("127.0.0.1", 0, work.resolve("data"), true, bundleFile), env(), DISCARD);

        memGateway = Gateway.builder().config(RuntimeConfig.fromEnv(env())).store(new MemoryConfigStore()).log(DISCARD).build();
        memGateway.importer().importBundle(bundle.getBytes(StandardCharsets.UTF_8));
        memGateway.configCache().reload();
        mem = LocalHttpServer.start(memGateway.handlerForAllGroups(), "127.0.0.1", 0);

        if (withPortkey) {
            Files.createDirectories(work.getParent().resolve("portkey"));
            PortkeyPeer.Start p = PortkeyPeer.start(work.getParent().resolve("portkey"), work.resolve("portkey.log"));
            portkey = p.peer();
            portkeyUnavailable = p.unavailable();
        } else {
            portkey = null;
            portkeyUnavailable = "skipped (--no-portkey)";
        }
    }

    static BenchEnv start(BenchOptions options, boolean withPortkey) throws Exception {
        return new BenchEnv(options, withPortkey);
    }

    /** What a gateway process gets from its environment: master key, table, and a 1 MiB-plus body limit. */
    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("GPROXY_MASTER_KEY", masterKey);
        env.put("GPROXY_TABLE", RuntimeConfig.DEFAULT_TABLE);
        return env;
    }

    List<MockUpstream> mocks() {
        return List.of(openAi, anthropic, gemini);
    }

    /** Streams of every mock carry {@code n} deltas from now on (0: the default short reply). */
    void streamEvents(int n) {
        mocks().forEach(m -> m.streamEvents(n));
    }

    /** Targets that speak OpenAI Chat on this run: direct, both gateways, and Portkey when it runs. */
    List<Via> chatTargets() {
        List<Via> out = new ArrayList<>(List.of(Via.DIRECT, Via.GPROXY_DDB, Via.GPROXY_MEM));
        if (portkey != null) {
            out.add(Via.PORTKEY);
        }
        return out;
    }

    String gatewayBase(Via via) {
        return switch (via) {
            case GPROXY_DDB -> ddb.baseUrl();
            case GPROXY_MEM -> mem.baseUrl();
            default -> throw new IllegalArgumentException(via.name());
        };
    }

    /** One HTTP/1.1 client per target and row, so connections are never shared between targets. */
    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The same Chat Completions request, addressed for each target. */
    HttpRequest chat(Via via, boolean stream) {
        String body = chatBody(via == Via.GPROXY_DDB || via == Via.GPROXY_MEM ? "openai/" + BenchBundle.OPENAI_MODEL
                : BenchBundle.OPENAI_MODEL, stream);
        return switch (via) {
            case DIRECT -> post(openAi.baseUrl() + "/v1/chat/completions", body, "authorization", "Bearer " + BenchBundle.OPENAI_KEY);
            case GPROXY_DDB, GPROXY_MEM -> post(gatewayBase(via) + "/v1/chat/completions", body,
                    "authorization", "Bearer " + BenchBundle.USER_KEY);
            case PORTKEY -> post(portkey.baseUrl() + "/v1/chat/completions", body,
                    "authorization", "Bearer " + BenchBundle.OPENAI_KEY, "x-portkey-provider", "openai",
                    "x-portkey-custom-host", openAi.baseUrl() + "/v1");
        };
    }

    /** A Claude Messages client on the OpenAI Chat upstream (routing rule claude_messages -> transform_to chat). */
    HttpRequest claudeOnOpenAi(Via via, boolean stream) {
        String body = "{\"model\":\"openai/" + BenchBundle.OPENAI_MODEL + "\",\"max_tokens\":1024,\"messages\":[{\"role\":\"user\",\"content\":\""
                + PROMPT + "\"}]" + (stream ? ",\"stream\":true" : "") + "}";
        return post(gatewayBase(via) + "/v1/messages", body, "x-api-key", BenchBundle.USER_KEY,
                "anthropic-version", "2023-06-01");
    }

    /** A Chat client on the Gemini upstream (routing rule chat -> transform_to gemini_generate_content). */
    HttpRequest chatOnGemini(Via via, boolean stream) {
        return post(gatewayBase(via) + "/v1/chat/completions", chatBody("gemini/" + BenchBundle.GEMINI_MODEL, stream),
                "authorization", "Bearer " + BenchBundle.USER_KEY);
    }

    /** The Gemini upstream's own stream, straight from the mock (baseline of the Chat-on-Gemini row). */
    HttpRequest geminiDirect(boolean stream) {
        return post(gemini.baseUrl() + "/v1beta/models/" + BenchBundle.GEMINI_MODEL
                        + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent"),
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + PROMPT + "\"}]}]}",
                "x-goog-api-key", BenchBundle.GEMINI_KEY);
    }

    static String chatBody(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]"
                + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "") + "}";
    }

    static HttpRequest post(String url, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    @Override
    public void close() {
        if (portkey != null) {
            portkey.close();
        }
        mem.close();
        try {
            ddb.close();
        } catch (Exception ignored) {
            // shutting down
        }
        mocks().forEach(MockUpstream::close);
    }
}
