package io.gproxy.transform.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.ProtocolFamily;
import io.gproxy.transform.CodecRegistry;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;

/**
 * Converts non-content requests between operation keys (spec/surface.md §3.7, §4.12) and says how the answer comes
 * back. What converts:
 *
 * <ul>
 *   <li>{@code count_tokens}: any family to any family ({@link CountTokens}).</li>
 *   <li>{@code get_model}: any family to any family ({@link Models}); {@code list_models} is answered by the
 *       gateway's catalogue, {@link Models#convertList} exists for upstream lists.</li>
 *   <li>{@code create_embedding}: OpenAI ⇄ Gemini ({@link Embeddings}).</li>
 *   <li>{@code create_image} and JSON {@code edit_image} (OpenAI) to Gemini {@code generate_content}
 *       ({@link Images}).</li>
 * </ul>
 *
 * Everything else — {@code compact_content} to a content operation, images through Responses or Claude, embeddings
 * to or from Claude (which has none), {@code create_conversation} — is an {@link UnsupportedConversionException}
 * (501).
 */
public final class NonContentOps {
    private final CodecRegistry codecs;

    public NonContentOps(CodecRegistry codecs) {
        this.codecs = codecs;
    }

    /**
     * @param from          the client's operation key
     * @param to            the routing rule's destination
     * @param body          the client's JSON body (null for GETs)
     * @param clientPath    the client's provider-relative path (tells {@code :embedContent} from the batch form)
     * @param upstreamModel the target's model id (null when the request names none)
     * @param ctx           clock and loss report
     */
    public OpsRequest convert(OperationKey from, OperationKey to, ObjectNode body, String clientPath,
                              String upstreamModel, TransformContext ctx)
            throws TransformException, UnsupportedConversionException {
        ProtocolFamily client = from.family();
        ProtocolFamily upstream = to.family();
        Operation op = from.operation();
        if (op == Operation.COUNT_TOKENS && to.operation() == Operation.COUNT_TOKENS) {
            ObjectNode converted = CountTokens.convertRequest(codecs, client, upstream, body, upstreamModel, ctx);
            return new OpsRequest(to, CountTokens.path(upstream, upstreamModel), converted,
                    answer -> CountTokens.convertResponse(upstream, client, answer));
        }
        if (op == Operation.GET_MODEL && to.operation() == Operation.GET_MODEL) {
            if (upstreamModel == null || upstreamModel.isBlank()) {
                throw new TransformException("a model id is required");
            }
            return new OpsRequest(to, Models.getPath(upstream, upstreamModel), null,
                    answer -> Models.convertOne(upstream, client, answer));
        }
        if (op == Operation.LIST_MODELS && to.operation() == Operation.LIST_MODELS) {
            return new OpsRequest(to, Models.listPath(upstream), null,
                    answer -> Models.convertList(upstream, client, answer));
        }
        if (op == Operation.CREATE_EMBEDDING && to.operation() == Operation.CREATE_EMBEDDING) {
            if (client == ProtocolFamily.OPENAI && upstream == ProtocolFamily.GEMINI) {
                Embeddings.GeminiCall call = Embeddings.openAiToGemini(body, upstreamModel, ctx);
                return new OpsRequest(to, call.path(), call.body(),
                        answer -> Embeddings.geminiToOpenAiResponse(answer, call, upstreamModel));
            }
            if (client == ProtocolFamily.GEMINI && upstream == ProtocolFamily.OPENAI) {
                boolean single = clientPath != null && clientPath.endsWith(":embedContent");
                Embeddings.OpenAiCall call = Embeddings.geminiToOpenAi(body, upstreamModel, single, ctx);
                return new OpsRequest(to, "/v1/embeddings", call.body(),
                        answer -> Embeddings.openAiToGeminiResponse(answer, call));
            }
        }
        if ((op == Operation.CREATE_IMAGE || op == Operation.EDIT_IMAGE) && client == ProtocolFamily.OPENAI
                && to.operation() == Operation.GENERATE_CONTENT && to.kind() == OperationKind.GEMINI_GENERATE_CONTENT) {
            Images.GeminiCall call = Images.openAiToGemini(body, upstreamModel, op == Operation.EDIT_IMAGE, ctx);
            long now = ctx.nowEpochSeconds();
            return new OpsRequest(to, call.path(), call.body(),
                    answer -> Images.geminiToOpenAiResponse(answer, call, now));
        }
        if (op == Operation.COMPACT_CONTENT) {
            throw new UnsupportedConversionException("compact_content is only served by passthrough to an OpenAI "
                    + "provider; converting it to " + to + " is not implemented");
        }
        throw new UnsupportedConversionException("conversion from " + from + " to " + to + " is not available");
    }
}
