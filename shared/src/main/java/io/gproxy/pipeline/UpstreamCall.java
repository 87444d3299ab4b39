package io.gproxy.pipeline;

import io.gproxy.http.QueryString;
import io.gproxy.protocol.OperationKey;
import io.gproxy.transform.ProtocolCodec;

/**
 * What one target is sent, independent of the credential: the upstream operation key, the provider-relative path
 * and query in the upstream's dialect, and the body. {@code transcoding} is null for a same-protocol passthrough;
 * {@code upstreamCodec} reads the upstream's usage (null when its protocol has no codec, e.g. non-content operations).
 */
record UpstreamCall(OperationKey key, String providerPath, QueryString query, byte[] body, Transcoding transcoding,
                    ProtocolCodec upstreamCodec) {
}
