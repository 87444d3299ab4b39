package io.gproxy.pipeline;

import io.gproxy.http.QueryString;
import io.gproxy.protocol.OperationKey;

/**
 * What one target is sent, independent of the credential: the upstream operation key, the provider-relative path
 * and query in the upstream's dialect, and the body. {@code transcoding} is set for a converted content request,
 * {@code ops} for a converted non-content request; both are null for a same-protocol passthrough.
 */
record UpstreamCall(OperationKey key, String providerPath, QueryString query, byte[] body, Transcoding transcoding,
                    OpsAnswer ops) {

    UpstreamCall(OperationKey key, String providerPath, QueryString query, byte[] body, Transcoding transcoding) {
        this(key, providerPath, query, body, transcoding, null);
    }
}
