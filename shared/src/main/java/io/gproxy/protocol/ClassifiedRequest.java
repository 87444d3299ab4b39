package io.gproxy.protocol;

/**
 * The classifier's verdict on one request (spec/surface.md §2.2).
 *
 * @param model          requested model: body {@code model}, else {@code session.model}, else the path's model; may be null
 * @param scopedProvider provider name from a scoped path, else null
 * @param providerPath   provider-relative path ({@code /v1/...} or {@code /v1beta/...})
 * @param geminiSse      Gemini stream requested as SSE ({@code alt=sse}); without it Gemini streams a JSON array
 */
public record ClassifiedRequest(OperationKey key, boolean stream, String model, String scopedProvider,
                                String providerPath, boolean geminiSse) {

    public Operation operation() {
        return key.operation();
    }

    public OperationKind kind() {
        return key.kind();
    }
}
