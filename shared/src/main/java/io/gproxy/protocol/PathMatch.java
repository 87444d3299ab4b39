package io.gproxy.protocol;

/**
 * What the path alone says about a gateway request (before the body is read): the operation, or the operation to
 * use when the body does not ask for streaming; the kind; the model named in the path (Gemini); the provider named
 * by a scoped path; and the provider-relative path (always starting {@code /v1/} or {@code /v1beta/}).
 *
 * @param streamFromBody true when the body's {@code stream:true} turns the operation into its streaming form
 * @param pathModel      the model named in a Gemini path, decoded; null when the path names none
 * @param scopedProvider the provider name of {@code /{provider}/v1/...}; null for aggregated paths
 */
public record PathMatch(Operation operation, OperationKind kind, boolean streamFromBody, String pathModel,
                        String scopedProvider, String providerPath) {

    public OperationGroup group() {
        return operation.group();
    }

    public boolean scoped() {
        return scopedProvider != null;
    }
}
