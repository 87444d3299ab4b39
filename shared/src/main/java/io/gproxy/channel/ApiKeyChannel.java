package io.gproxy.channel;

import io.gproxy.protocol.ProtocolFamily;

import java.util.Set;

/**
 * An {@link HttpChannel} authenticated by {@code secret_json.api_key} (trimmed, required), injected per target
 * family ({@link #authFor}).
 */
public abstract class ApiKeyChannel extends HttpChannel {

    protected ApiKeyChannel(String id, String displayName, String defaultBaseUrl, Set<String> forwardHeaders,
                            Set<String> forwardQuery) {
        super(id, displayName, defaultBaseUrl, forwardHeaders, forwardQuery);
    }

    /** Auth style for a request of this family. */
    protected abstract AuthStyle authFor(ProtocolFamily family);

    @Override
    protected UpstreamRequest authorize(PrepareContext ctx, UpstreamRequest request) throws ChannelException {
        authFor(ctx.key().family()).apply(request.headers(), requireApiKey(ctx));
        return request;
    }

    protected static String requireApiKey(PrepareContext ctx) throws ChannelException {
        String apiKey = ctx.secretField("api_key");
        if (apiKey == null) {
            throw new ChannelException("credential has no api_key");
        }
        return apiKey;
    }
}
