package io.gproxy.channel;

import io.gproxy.protocol.Operation;
import io.gproxy.protocol.ProtocolFamily;

import java.util.List;
import java.util.Set;

import static io.gproxy.protocol.OperationKind.CLAUDE;
import static io.gproxy.protocol.OperationKind.CLAUDE_MESSAGES;
import static io.gproxy.protocol.OperationKind.GEMINI;
import static io.gproxy.protocol.OperationKind.GEMINI_GENERATE_CONTENT;
import static io.gproxy.protocol.OperationKind.OPEN_AI;
import static io.gproxy.protocol.OperationKind.OPEN_AI_CHAT_COMPLETIONS;
import static io.gproxy.protocol.OperationKind.OPEN_AI_RESPONSES;

/**
 * Vertex AI in express mode: an API key (sent as {@code x-goog-api-key}, like {@code aistudio}) on
 * {@code https://aiplatform.googleapis.com/v1/publishers/google/models/{model}:verb}. There is no model-list
 * endpoint for API keys, so the catalogue is bundled and list/get are answered locally.
 */
public final class VertexExpressChannel extends ApiKeyChannel {
    private static final RoutingTable DEFAULTS = RoutingTable.builder()
            .local(Operation.LIST_MODELS, GEMINI).local(Operation.GET_MODEL, GEMINI)
            .local(Operation.LIST_MODELS, CLAUDE).local(Operation.GET_MODEL, CLAUDE)
            .local(Operation.LIST_MODELS, OPEN_AI).local(Operation.GET_MODEL, OPEN_AI)
            .pass(Operation.COUNT_TOKENS, GEMINI)
            .to(Operation.COUNT_TOKENS, CLAUDE, GEMINI).to(Operation.COUNT_TOKENS, OPEN_AI, GEMINI)
            .passContent(GEMINI_GENERATE_CONTENT)
            .contentTo(OPEN_AI_CHAT_COMPLETIONS, GEMINI_GENERATE_CONTENT).contentTo(CLAUDE_MESSAGES, GEMINI_GENERATE_CONTENT)
            .contentTo(OPEN_AI_RESPONSES, GEMINI_GENERATE_CONTENT)
            .to(Operation.CREATE_IMAGE, OPEN_AI, Operation.GENERATE_CONTENT, GEMINI_GENERATE_CONTENT)
            .to(Operation.EDIT_IMAGE, OPEN_AI, Operation.GENERATE_CONTENT, GEMINI_GENERATE_CONTENT)
            .pass(Operation.CREATE_EMBEDDING, GEMINI).to(Operation.CREATE_EMBEDDING, OPEN_AI, GEMINI)
            .to(Operation.COMPACT_CONTENT, OPEN_AI, Operation.GENERATE_CONTENT, GEMINI_GENERATE_CONTENT)
            .build();

    /** Gemini models served in express mode (publisher google). */
    static final List<CatalogModel> BUNDLED = List.of(
            new CatalogModel("gemini-2.5-pro", "Gemini 2.5 Pro"),
            new CatalogModel("gemini-2.5-flash", "Gemini 2.5 Flash"),
            new CatalogModel("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite"),
            new CatalogModel("gemini-2.5-flash-image", "Gemini 2.5 Flash Image"),
            new CatalogModel("gemini-2.0-flash", "Gemini 2.0 Flash"),
            new CatalogModel("gemini-2.0-flash-lite", "Gemini 2.0 Flash-Lite"),
            new CatalogModel("gemini-embedding-001", "Gemini Embedding"));

    public VertexExpressChannel() {
        super("vertexexpress", "Vertex AI Express", "https://aiplatform.googleapis.com", Set.of(), Set.of("alt"));
    }

    @Override
    public RoutingTable routingDefaults() {
        return DEFAULTS;
    }

    @Override
    protected ProtocolFamily family() {
        return ProtocolFamily.GEMINI;
    }

    @Override
    public List<CatalogModel> bundledModels() {
        return BUNDLED;
    }

    @Override
    protected AuthStyle authFor(ProtocolFamily family) {
        return AuthStyle.GOOG_API_KEY;
    }

    @Override
    protected String upstreamPath(PrepareContext ctx) throws ChannelException {
        String verb = geminiVerb(ctx.providerPath());
        if (!isGeminiModelPath(ctx.key()) || verb == null || ctx.upstreamModel() == null) {
            throw new ChannelException("vertexexpress serves Gemini model calls only");
        }
        return "/v1/publishers/google/models/" + PathCodec.encodeSegment(ctx.upstreamModel()) + ":"
                + PathCodec.encodeSegment(verb);
    }
}
