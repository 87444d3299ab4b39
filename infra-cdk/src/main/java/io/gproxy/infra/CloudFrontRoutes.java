package io.gproxy.infra;

import java.util.List;

/**
 * The CloudFront cache behaviours, in order. CloudFront applies the first behaviour whose path pattern matches the
 * request path (never the query string); {@code *} matches any run of characters including {@code /}, {@code ?}
 * exactly one, and patterns are case-sensitive. Everything unmatched falls through to the default behaviour,
 * {@link #DEFAULT}.
 *
 * <ul>
 *   <li>Admin prefixes come first so that no API pattern can ever catch an admin path.</li>
 *   <li>Gemini verbs are matched by their suffix ({@code *:generateContent}) wherever the model path is: aggregated
 *       {@code /v1beta/models/m:verb}, scoped {@code /{provider}/v1beta/...}, {@code /v1/...} and Vertex-style
 *       {@code .../publishers/google/models/m:verb}. They precede the model-listing patterns, which would otherwise
 *       catch them.</li>
 *   <li>{@code /*v1/...} matches the aggregated {@code /v1/...} (the star matches nothing) and the scoped
 *       {@code /{provider}/v1/...} in one pattern, and works whether or not CloudFront compares with the leading
 *       slash (it documents both forms as equivalent).</li>
 * </ul>
 */
public final class CloudFrontRoutes {

    /** One cache behaviour: path pattern to function. */
    public record Route(String pathPattern, GatewayFunction target) {}

    /** Target of the default behaviour ({@code *}): the console, {@code /}, {@code /healthz}, {@code /version}. */
    public static final GatewayFunction DEFAULT = GatewayFunction.ADMIN;

    public static final List<Route> ROUTES = List.of(
            // admin surfaces first
            new Route("/admin/*", GatewayFunction.ADMIN),
            new Route("/user/*", GatewayFunction.ADMIN),
            new Route("/console/*", GatewayFunction.ADMIN),
            // Gemini verbs, by suffix
            new Route("*:generateContent", GatewayFunction.GENERATE_CONTENT),
            new Route("*:streamGenerateContent", GatewayFunction.GENERATE_CONTENT),
            new Route("*:countTokens", GatewayFunction.COUNT_TOKENS),
            new Route("*:embedContent", GatewayFunction.EMBEDDINGS),
            new Route("*:batchEmbedContents", GatewayFunction.EMBEDDINGS),
            // OpenAI and Anthropic paths, aggregated and scoped
            new Route("/*v1/chat/completions", GatewayFunction.GENERATE_CONTENT),
            new Route("/*v1/responses", GatewayFunction.GENERATE_CONTENT),
            new Route("/*v1/messages", GatewayFunction.GENERATE_CONTENT),
            new Route("/*v1/messages/count_tokens", GatewayFunction.COUNT_TOKENS),
            new Route("/*v1/responses/input_tokens", GatewayFunction.COUNT_TOKENS),
            new Route("/*v1/responses/compact", GatewayFunction.COMPACT),
            new Route("/*v1/embeddings", GatewayFunction.EMBEDDINGS),
            new Route("/*v1/images/*", GatewayFunction.IMAGES),
            new Route("/*v1/conversations", GatewayFunction.CONVERSATION),
            // model listing and lookup, every family
            new Route("/*v1/models", GatewayFunction.MODELS),
            new Route("/*v1/models/*", GatewayFunction.MODELS),
            new Route("/*v1beta/models", GatewayFunction.MODELS),
            new Route("/*v1beta/models/*", GatewayFunction.MODELS));

    private CloudFrontRoutes() {}
}
