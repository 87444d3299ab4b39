package io.gproxy.channel;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.http.Headers;
import io.gproxy.http.QueryString;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.ProtocolFamily;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The HTTP plumbing every built-in channel shares (spec/core.md §3.3): base URL (setting or default, required when
 * there is no default), exact endpoint overrides ({@code settings_json.endpoints.<key>} with a {@code {model}}
 * placeholder), header and query allow-lists (plus {@code settings_json.forward_headers}), content type and accept,
 * then the channel's own auth in {@link #authorize}. Client credentials and cookies never pass, whatever a channel
 * or a provider setting allows ({@link #NEVER_FORWARDED}).
 */
public abstract class HttpChannel implements Channel {
    /** Inbound headers no allow-list can forward: client credentials, cookies, hop-by-hop and signing headers. */
    public static final Set<String> NEVER_FORWARDED = Set.of("authorization", "proxy-authorization", "x-api-key",
            "api-key", "x-goog-api-key", "cookie", "cookie2", "host", "content-length", "connection",
            "transfer-encoding", "keep-alive", "upgrade", "te", "trailer", "expect", "x-amz-date",
            "x-amz-security-token", "x-amz-content-sha256", "x-gproxy-session-id", "x-gproxy-origin-verify",
            "chatgpt-account-id", "x-goog-user-project");

    private final String id;
    private final String displayName;
    private final String defaultBaseUrl;
    private final Set<String> forwardHeaders;
    private final Set<String> forwardQuery;

    protected HttpChannel(String id, String displayName, String defaultBaseUrl, Set<String> forwardHeaders,
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

    /** The family of the channel's own API (metadata, model catalogue). */
    protected ProtocolFamily family() {
        return ProtocolFamily.OPENAI;
    }

    protected List<CredentialKind> credentialKinds() {
        return List.of(CredentialKind.API_KEY);
    }

    /** Channel-specific settings shown besides the common ones. */
    protected List<FormField> extraSettings() {
        return List.of();
    }

    protected List<String> loginModes() {
        return List.of();
    }

    /** Whether the channel has an account usage/quota endpoint (console flag). */
    protected boolean usage() {
        return false;
    }

    @Override
    public ChannelMetadata metadata() {
        List<FormField> settings = new ArrayList<>(ChannelMetadata.commonSettings(defaultBaseUrl()));
        settings.addAll(extraSettings());
        return new ChannelMetadata(id, displayName, family(), defaultBaseUrl(), credentialKinds(), settings, loginModes(),
                usage());
    }

    /** Adds the channel's auth to a request that is otherwise complete (URL, headers, body). */
    protected abstract UpstreamRequest authorize(PrepareContext ctx, UpstreamRequest request) throws ChannelException;

    /** Inbound headers this channel forwards for the request (before {@code forward_headers} and the deny list). */
    protected Set<String> forwardHeaders(PrepareContext ctx) {
        return forwardHeaders;
    }

    /** The upstream query: by default the inbound query reduced to the channel's allow-list. */
    protected QueryString upstreamQuery(PrepareContext ctx) {
        return ctx.query().only(forwardQuery);
    }

    /**
     * The upstream path, percent-encoded ({@link PathCodec}): the provider-relative path mapped onto this host (e.g.
     * Gemini's OpenAI-compatible surface lives under /v1beta/openai).
     */
    protected String upstreamPath(PrepareContext ctx) throws ChannelException {
        return PathCodec.encodePath(ctx.providerPath());
    }

    /** The base URL for this request: {@code settings_json.base_url}, else the default; no trailing slash. */
    protected String baseUrl(PrepareContext ctx) throws ChannelException {
        String baseUrl = ctx.setting("base_url");
        if (baseUrl == null) {
            baseUrl = defaultBaseUrl(ctx);
        }
        if (baseUrl == null) {
            throw new ChannelException("provider needs settings_json.base_url");
        }
        return trimSlashes(baseUrl);
    }

    /** The default base URL for this request (some depend on settings, e.g. a region). */
    protected String defaultBaseUrl(PrepareContext ctx) throws ChannelException {
        return defaultBaseUrl;
    }

    /** The body sent upstream; channels with a required envelope rewrite it here. */
    protected byte[] upstreamBody(PrepareContext ctx) throws ChannelException {
        return ctx.body();
    }

    /** Static headers a request needs besides auth (e.g. {@code anthropic-version}). */
    protected void addStaticHeaders(PrepareContext ctx, Headers out) throws ChannelException {}

    /** The {@code accept} header of a streaming request. */
    protected String streamAccept(PrepareContext ctx) {
        return "text/event-stream";
    }

    /** The endpoint-override key of this request ({@code settings_json.endpoints.<key>}). */
    protected String endpointKey(PrepareContext ctx) {
        return EndpointKeys.of(ctx.key(), ctx.stream());
    }

    @Override
    public UpstreamRequest prepare(PrepareContext ctx) throws ChannelException {
        Headers out = new Headers();
        for (String name : allowedHeaders(ctx)) {
            for (String v : ctx.inboundHeaders().all(name)) {
                out.add(name, v);
            }
        }
        addStaticHeaders(ctx, out);
        byte[] body = upstreamBody(ctx);
        boolean hasBody = body != null && body.length > 0;
        if (hasBody) {
            out.set("content-type", "application/json");
        }
        if (ctx.stream()) {
            out.set("accept", streamAccept(ctx));
        }
        URI uri = endpoint(ctx, upstreamQuery(ctx));
        return authorize(ctx, new UpstreamRequest(hasBody ? "POST" : "GET", uri, out, hasBody ? body : null));
    }

    private Set<String> allowedHeaders(PrepareContext ctx) {
        Set<String> names = new LinkedHashSet<>();
        forwardHeaders(ctx).forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
        JsonNode extra = ctx.settings() == null ? null : ctx.settings().get("forward_headers");
        if (extra != null && extra.isArray()) {
            extra.forEach(n -> {
                if (n.isTextual() && !n.textValue().isBlank()) {
                    names.add(n.textValue().trim().toLowerCase(Locale.ROOT));
                }
            });
        }
        names.removeIf(n -> NEVER_FORWARDED.contains(n) || n.startsWith("x-gproxy-") || n.startsWith("sec-"));
        return names;
    }

    private URI endpoint(PrepareContext ctx, QueryString query) throws ChannelException {
        JsonNode endpoints = ctx.settings() == null ? null : ctx.settings().get("endpoints");
        JsonNode overrideNode = endpoints == null ? null : endpoints.get(endpointKey(ctx));
        String override = overrideNode != null && overrideNode.isTextual() ? overrideNode.textValue().trim() : null;
        String base;
        if (override != null && !override.isEmpty()) {
            base = override.replace("{model}", ctx.upstreamModel() == null ? "" : PathCodec.encodeSegment(ctx.upstreamModel()));
        } else {
            base = baseUrl(ctx) + upstreamPath(ctx);
        }
        String q = query.encode();
        String full = q.isEmpty() ? base : base + (base.contains("?") ? "&" : "?") + q;
        return checkedUri(full);
    }

    protected static URI checkedUri(String full) throws ChannelException {
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

    protected static String trimSlashes(String url) {
        String s = url.trim();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
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

    /** The Gemini verb of a model path ({@code generateContent}, {@code countTokens}, ...), or null. */
    protected static String geminiVerb(String providerPath) {
        int colon = providerPath.lastIndexOf(':');
        int slash = providerPath.lastIndexOf('/');
        return colon > slash ? providerPath.substring(colon + 1) : null;
    }

    protected static boolean isGeminiModelPath(OperationKey key) {
        return key.family() == ProtocolFamily.GEMINI && switch (key.operation()) {
            case GENERATE_CONTENT, STREAM_GENERATE_CONTENT, COUNT_TOKENS, CREATE_EMBEDDING -> true;
            default -> false;
        };
    }

    /** The inbound {@code anthropic-version}, else the default: the client's version decides which fields are valid. */
    protected static String anthropicVersion(PrepareContext ctx) {
        return ctx.inboundHeaders().first("anthropic-version").orElse(ClaudeApiChannel.DEFAULT_ANTHROPIC_VERSION);
    }

    /** The path after the first segment ({@code /v1/chat/completions} → {@code /chat/completions}). */
    protected static String stripFirstSegment(String path) {
        int next = path.indexOf('/', 1);
        return next < 0 ? "" : path.substring(next);
    }
}
