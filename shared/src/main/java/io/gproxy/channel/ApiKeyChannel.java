package io.gproxy.channel;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.http.Headers;
import io.gproxy.http.QueryString;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.ProtocolFamily;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * The common API-key plumbing of spec/core.md §3.3: base URL (setting or default), exact endpoint overrides with a
 * {@code {model}} placeholder, {@code secret_json.api_key}, auth injection per family, and header/query allow-lists.
 * Concrete channels say which auth each family uses, which headers and query parameters pass, and how a
 * provider-relative path maps onto their host.
 */
public abstract class ApiKeyChannel implements Channel {
    private final String id;
    private final String displayName;
    private final String defaultBaseUrl;
    private final Set<String> forwardHeaders;
    private final Set<String> forwardQuery;

    protected ApiKeyChannel(String id, String displayName, String defaultBaseUrl, Set<String> forwardHeaders,
                            Set<String> forwardQuery) {
        this.id = id;
        this.displayName = displayName;
        this.defaultBaseUrl = defaultBaseUrl;
        this.forwardHeaders = forwardHeaders;
        this.forwardQuery = forwardQuery;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String displayName() {
        return displayName;
    }

    @Override
    public String defaultBaseUrl() {
        return defaultBaseUrl;
    }

    /** Auth style for a request of this family. */
    protected abstract AuthStyle authFor(ProtocolFamily family);

    /**
     * The upstream path, percent-encoded ({@link PathCodec}): the provider-relative path mapped onto this host (e.g.
     * Gemini's OpenAI-compatible surface lives under /v1beta/openai).
     */
    protected String upstreamPath(PrepareContext ctx) {
        return PathCodec.encodePath(ctx.providerPath());
    }

    /** Static headers a family needs besides auth (e.g. {@code anthropic-version}). */
    protected void addStaticHeaders(PrepareContext ctx, Headers out) {}

    @Override
    public UpstreamRequest prepare(PrepareContext ctx) throws ChannelException {
        String apiKey = ctx.secret() == null ? null : textOrNull(ctx.secret().get("api_key"));
        if (apiKey == null || apiKey.isBlank()) {
            throw new ChannelException("credential has no api_key");
        }
        Headers out = new Headers();
        for (String name : forwardHeaders) {
            for (String v : ctx.inboundHeaders().all(name)) {
                out.add(name, v);
            }
        }
        addStaticHeaders(ctx, out);
        authFor(ctx.key().family()).apply(out, apiKey.trim());
        boolean hasBody = ctx.body() != null && ctx.body().length > 0;
        if (hasBody) {
            out.set("content-type", "application/json");
        }
        if (ctx.stream()) {
            out.set("accept", "text/event-stream");
        }
        QueryString query = ctx.query().only(forwardQuery);
        URI uri = endpoint(ctx, query);
        return new UpstreamRequest(hasBody ? "POST" : "GET", uri, out, hasBody ? ctx.body() : null);
    }

    private URI endpoint(PrepareContext ctx, QueryString query) throws ChannelException {
        String override = ctx.settings() == null ? null
                : textOrNull(ctx.settings().path("endpoints").get(EndpointKeys.of(ctx.key(), ctx.stream())));
        String base;
        if (override != null && !override.isBlank()) {
            base = override.trim().replace("{model}",
                    ctx.upstreamModel() == null ? "" : PathCodec.encodeSegment(ctx.upstreamModel()));
        } else {
            String baseUrl = ctx.settings() == null ? null : textOrNull(ctx.settings().get("base_url"));
            baseUrl = baseUrl == null || baseUrl.isBlank() ? defaultBaseUrl : baseUrl.trim();
            if (baseUrl == null) {
                throw new ChannelException("provider needs settings_json.base_url");
            }
            while (baseUrl.endsWith("/")) {
                baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
            }
            base = baseUrl + upstreamPath(ctx);
        }
        String q = query.encode();
        String full = q.isEmpty() ? base : base + (base.contains("?") ? "&" : "?") + q;
        try {
            URI uri = new URI(full);
            if (uri.getScheme() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
                    || uri.getHost() == null) {
                throw new ChannelException("endpoint is not an http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ChannelException("endpoint is not a valid URL");
        }
    }

    /**
     * Rebuilds a Gemini model path ({@code /v1beta/models/{model}:verb}) for the upstream model, encoded: the model is
     * one segment whatever it contains, so it cannot leave {@code /models/}.
     */
    protected static String geminiPath(String providerPath, String upstreamModel) {
        int models = providerPath.indexOf("/models/");
        int colon = providerPath.lastIndexOf(':');
        if (models < 0 || colon < models || upstreamModel == null) {
            return PathCodec.encodePath(providerPath);
        }
        return PathCodec.encodePath(providerPath.substring(0, models)) + "/models/"
                + PathCodec.encodeSegment(upstreamModel) + ":" + PathCodec.encodeSegment(providerPath.substring(colon + 1));
    }

    protected static boolean isGeminiModelPath(OperationKey key) {
        return key.family() == ProtocolFamily.GEMINI && switch (key.operation()) {
            case GENERATE_CONTENT, STREAM_GENERATE_CONTENT, COUNT_TOKENS, CREATE_EMBEDDING -> true;
            default -> false;
        };
    }

    private static String textOrNull(JsonNode n) {
        return n != null && n.isTextual() ? n.textValue() : null;
    }
}
