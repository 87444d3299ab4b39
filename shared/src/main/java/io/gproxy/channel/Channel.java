package io.gproxy.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.http.Headers;
import io.gproxy.http.QueryString;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.ProtocolFamily;

import java.time.Instant;
import java.util.List;

/**
 * A provider adapter (spec/core.md §3.1): stateless, registered by id ({@code provider.channel}). Everything but
 * {@link #id}, {@link #routingDefaults} and {@link #prepare} has a default, so a plain API-key channel is a few
 * lines. Order of calls per attempt (spec/core.md §1, §8.4):
 * <pre>
 *   needsRefresh(secret) → refresh (single-flight, {@code CredentialRefresher})
 *   → shapeRequest(body) → prepare(ctx) → send
 *   → classify(status, headers, body) → Disposition (failover + health)
 *   → newStreamDecoder(key) for streams | shapeResponse(body) for buffered answers → transform back
 * </pre>
 */
public interface Channel {

    /** Stable registry key, e.g. {@code openai}. */
    String id();

    String displayName();

    /** Default base URL, or null when the provider must configure {@code settings_json.base_url}. */
    String defaultBaseUrl();

    /** Routing-table defaults seeded for providers that have no routing rules (spec/core.md §3.7). */
    RoutingTable routingDefaults();

    /**
     * Builds the upstream request: absolute URL, method, auth, allow-listed headers and query. Pure: no I/O, no clock
     * (the time comes in {@link PrepareContext#now()}), no randomness.
     */
    UpstreamRequest prepare(PrepareContext ctx) throws ChannelException;

    /** Console metadata (spec/core.md §3.1); the default describes an API-key channel of the OpenAI family. */
    default ChannelMetadata metadata() {
        return new ChannelMetadata(id(), displayName(), ProtocolFamily.OPENAI, defaultBaseUrl(),
                List.of(CredentialKind.API_KEY), ChannelMetadata.commonSettings(defaultBaseUrl()), List.of(), false);
    }

    /** Classifies an upstream answer (spec/core.md §3.2); {@code body} may be null (streams, unread bodies). */
    default Disposition classify(int status, Headers headers, byte[] body, Instant now) {
        return Disposition.generic(status, headers, now);
    }

    default Disposition classify(int status, Headers headers, byte[] body) {
        return classify(status, headers, body, Instant.now());
    }

    /** True for account-token channels: a 401/402/403 kills the whole credential, not just (credential, model). */
    default boolean credentialWideAuth() {
        return false;
    }

    /** True when a 429 on this model cools the whole credential (one account-wide quota). */
    default boolean sharesAccountQuota(String upstreamModel) {
        return false;
    }

    /**
     * Field hygiene on the provider-native body after transform and rules, before {@link #prepare}: strip fields
     * the upstream refuses, normalise. Identity by default. Envelopes the upstream requires (Bedrock's
     * {@code anthropic_version}, the Code-Assist wrapper) are applied by {@link #prepare} itself, so a host that
     * does not call this still sends valid requests.
     */
    default byte[] shapeRequest(byte[] body, ShapeContext ctx) {
        return body;
    }

    /**
     * Fixes a non-standard buffered upstream body before it is transformed or relayed (unwrap envelopes, reshape
     * model lists, normalise errors into the family's error shape). Runs on every status. Identity by default.
     */
    default byte[] shapeResponse(byte[] body, ShapeContext ctx) {
        return body;
    }

    /**
     * A decoder for a streamed answer whose bytes are not SSE of the target protocol, or null when the upstream
     * already streams SSE. The host wraps the body with {@link DecodedStream}.
     */
    default UpstreamStreamDecoder newStreamDecoder(OperationKey key, Headers responseHeaders) {
        return null;
    }

    /** A static catalogue for channels without a usable list endpoint (e.g. vertexexpress). */
    default List<CatalogModel> bundledModels() {
        return List.of();
    }

    /**
     * The live model-list request of this provider and credential, or null when the channel has none (bundled
     * catalogue). The default lists models in the channel's own family through {@link #prepare}.
     */
    default UpstreamRequest prepareModelList(JsonNode secret, ObjectNode settings, Instant now) throws ChannelException {
        if (!bundledModels().isEmpty()) {
            return null;
        }
        ProtocolFamily family = metadata().family();
        OperationKey key = new OperationKey(Operation.LIST_MODELS, OperationKind.ofFamily(family));
        String path = family == ProtocolFamily.GEMINI ? "/v1beta/models" : "/v1/models";
        QueryString query = switch (family) {
            case GEMINI -> QueryString.empty().with("pageSize", "1000");
            case CLAUDE -> QueryString.empty().with("limit", "1000");
            case OPENAI -> QueryString.empty();
        };
        return prepare(new PrepareContext(key, false, null, path, query, new Headers(), null, secret, settings, now));
    }

    /** Parses the answer to {@link #prepareModelList} (after {@link #shapeResponse}). */
    default List<CatalogModel> parseModelList(byte[] body) throws ChannelException {
        return ModelLists.parse(metadata().family(), body);
    }

    /** Is the opened secret stale (expiry minus the channel's skew)? API-key channels never are. */
    default boolean needsRefresh(JsonNode secret, Instant now) {
        return false;
    }

    /**
     * Obtains fresh tokens and returns the complete plaintext replacement secret: only the fields the token endpoint
     * returned are rotated, every other field is kept (spec/core.md §3.5). The host seals and persists it
     * ({@code CredentialRefresher}); this method does the network call and nothing else.
     */
    default ObjectNode refresh(RefreshContext ctx) throws RefreshException {
        throw new RefreshException("channel " + id() + " has no credential refresh", false);
    }
}
